// Tag-guarded repository creation (`createRepositories`): the pipeline may create repositories under a
// name prefix when the request carries exactly the required tags and `ecr-ci:created-by = <environment>`,
// and push to what this environment created — never to a repository ecr-ci manages, nor to one another
// environment's pipeline created.
import { ecrRepositoryArn } from "../aws";
import { ECR_PUSH_ACTIONS } from "../ecr-actions";
import { MANAGED_MARKER } from "../naming";
import { PolicyStatement } from "../policy";
import { validateTags } from "../checks";
import type { Problems } from "../../contract/problems";
import type { Capability } from "./capability";

/** Resolved tag-guarded repository creation scope. */
export interface CreateRepositoriesScope {
    /** `arn:<partition>:ecr:<region>:<account>:repository/<namePrefix>*` */
    readonly repositoryArnPattern: string;
    readonly requiredTags: Readonly<Record<string, string>>;
    /** The environment whose pipeline creates them: the value of `ecr-ci:created-by`. */
    readonly environment: string;
}

/**
 * The tag every repository a pipeline creates carries besides the guard's, naming the environment
 * that created it (`ecr-ci:created-by = <environment>`). Without it, two environments whose guards
 * use different keys could each retag the other's created repositories into their own guard (the
 * TagResource statement could only require *its own* keys to be absent) and then push to them.
 * With it: creation must name this environment, no repository that already names one can be
 * retagged, and pushes reach only what names this environment. Tag keys may contain ':'; only the
 * `aws:` prefix is reserved: ECR's API reference (`Tag`, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Tag.html)
 * states only the lengths (key 128, value 256); AWS's common tag rules (IAM User Guide, id_tags;
 * ECS API reference, `Tag`) allow letters, digits, spaces and `_ . : / = + - @`, never `aws:` first.
 * tests/hardening.test.ts checks the key against that pattern.
 */
export const CREATED_BY_TAG_KEY = "ecr-ci:created-by";
/** Guard keys starting with this (in any case) are ecr-ci's own. */
export const RESERVED_TAG_KEY_PREFIX = "ecr-ci:";

export const REPOSITORY_PREFIX_RE = /^[a-z0-9][a-z0-9._/-]{0,254}$/;

/**
 * `ecr:TagResource` beside `ecr:CreateRepository`, with the same request conditions: AWS's ECR guide
 * ("Using tag-based access control", ecr-supported-iam-actions-tagging.html) says in prose that a
 * tagged CreateRepository is authorised on `ecr:CreateRepository`, while its example policy also
 * grants `ecr:TagResource` for it. Granting both works under either reading. Outside creation,
 * TagResource could retag an existing repository into the guard (and so into
 * PushToCreatedRepositories): it is refused on every repository ecr-ci manages (`ManagedBy = ecr-ci`),
 * on every repository any ecr-ci pipeline created (`Null` on `aws:ResourceTag/ecr-ci:created-by`,
 * whichever environment and guard created it) and on every repository that already carries a guard
 * key (`Null` on `aws:ResourceTag/<key>`). What remains: a repository under the prefix without
 * `ecr-ci:created-by` that ecr-ci does not manage (README).
 */
export function createRepositoriesStatements(create: CreateRepositoriesScope): PolicyStatement[] {
    const tags = createdRepositoryTags(create);
    const keys = Object.keys(tags).sort();
    const requestTags: Record<string, string> = {};
    const resourceTags: Record<string, string> = {};
    const untagged: Record<string, string> = {};
    for (const key of keys) {
        requestTags[`aws:RequestTag/${key}`] = tags[key];
        resourceTags[`aws:ResourceTag/${key}`] = tags[key];
        untagged[`aws:ResourceTag/${key}`] = "true";
    }
    const request = { StringEquals: requestTags, "ForAllValues:StringEquals": { "aws:TagKeys": keys } };
    const notManaged = { [`aws:ResourceTag/${MANAGED_MARKER.key}`]: MANAGED_MARKER.value };
    return [
        {
            // The repository does not exist yet: only the request can be conditioned
            // (aws:RequestTag, aws:TagKeys), never ecr:ResourceTag.
            Sid: "CreateTaggedRepository",
            Effect: "Allow",
            Action: "ecr:CreateRepository",
            Resource: create.repositoryArnPattern,
            Condition: request,
        },
        {
            Sid: "TagCreatedRepository",
            Effect: "Allow",
            Action: "ecr:TagResource",
            Resource: create.repositoryArnPattern,
            Condition: { ...request, StringNotEquals: notManaged, Null: untagged },
        },
        {
            // Once created (and tagged), the pipeline may push to what *this environment* created
            // (`ecr-ci:created-by`), and never to a repository ecr-ci manages: IAM matches tag keys case-insensitively, so a guard
            // such as `environment: prod` would otherwise match prod's managed repositories
            // (`Environment: prod`). StringNotEquals also holds where the tag is absent.
            Sid: "PushToCreatedRepositories",
            Effect: "Allow",
            Action: ECR_PUSH_ACTIONS,
            Resource: create.repositoryArnPattern,
            Condition: { StringEquals: resourceTags, StringNotEquals: notManaged },
        },
        {
            // Whether a repository exists before creating it (seed 003's workflow:
            // `aws ecr describe-repositories --repository-names …`). Metadata only.
            Sid: "DescribeRepositoriesUnderPrefix",
            Effect: "Allow",
            Action: "ecr:DescribeRepositories",
            Resource: create.repositoryArnPattern,
        },
    ];
}

/** The tags a created repository must carry: the guard's and `ecr-ci:created-by = <environment>`. */
export function createdRepositoryTags(create: Pick<CreateRepositoriesScope, "requiredTags" | "environment">): Record<string, string> {
    return { ...create.requiredTags, [CREATED_BY_TAG_KEY]: create.environment };
}

/**
 * The guard may use any key but ecr-ci's own (`ecr-ci:…`, the environment's `ecr-ci:created-by`) (IAM compares tag keys case-insensitively, so an allow-list of keys
 * could never be complete across stacks): `PushToCreatedRepositories` excludes every repository
 * carrying the managed marker (`ManagedBy = ecr-ci`) instead. A guard that *is* the marker would
 * require and exclude the same tag, and two keys that differ only in case are one key to IAM.
 */
function validateCreationGuard(tags: Record<string, string>, problems: Problems): void {
    const seen = new Map<string, string>();
    for (const [key, value] of Object.entries(tags)) {
        const folded = key.toLowerCase();
        if (folded.startsWith(RESERVED_TAG_KEY_PREFIX)) {
            problems.invalid(
                `createRepositories.requiredTags.${key}`,
                key,
                `keys starting with "${RESERVED_TAG_KEY_PREFIX}" (in any case) are ecr-ci's own: every created repository already carries ${CREATED_BY_TAG_KEY} = <environment>, which ecr-ci requires; use another key`,
            );
            continue;
        }
        const earlier = seen.get(folded);
        if (earlier !== undefined) {
            problems.invalid(
                `createRepositories.requiredTags.${key}`,
                key,
                `IAM compares tag keys case-insensitively, so this is the same key as ${JSON.stringify(earlier)}; keep one of them`,
            );
        } else {
            seen.set(folded, key);
        }
        if (folded === MANAGED_MARKER.key.toLowerCase() && value === MANAGED_MARKER.value) {
            problems.invalid(
                `createRepositories.requiredTags.${key}`,
                value,
                `${MANAGED_MARKER.key} = ${JSON.stringify(MANAGED_MARKER.value)} marks the repositories ecr-ci manages, which created repositories never reach; use another value (e.g. "github-actions") or another key`,
            );
        }
    }
}

export const createRepositories: Capability<"createRepositories", CreateRepositoriesScope> = {
    key: "createRepositories",
    shape: { object: { namePrefix: "string", requiredTags: "record" } },
    validate(create, _args, problems) {
        if (typeof create.namePrefix !== "string" || create.namePrefix === "") {
            problems.missing("createRepositories.namePrefix", `a non-empty repository name prefix (e.g. "team-a/")`);
        } else if (!REPOSITORY_PREFIX_RE.test(create.namePrefix)) {
            problems.invalid("createRepositories.namePrefix", create.namePrefix, "start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards");
        }
        const tags = create.requiredTags ?? {};
        if (typeof tags !== "object" || Object.keys(tags).length === 0) {
            problems.missing("createRepositories.requiredTags", `at least one tag every created repository must carry (e.g. { "managed-by": "ci" })`);
        } else {
            validateTags(tags, "createRepositories.requiredTags", problems);
            validateCreationGuard(tags, problems);
        }
    },
    resolve: (create, target, args) => ({
        repositoryArnPattern: ecrRepositoryArn(target, `${create.namePrefix}*`),
        requiredTags: create.requiredTags,
        environment: args.environment,
    }),
    ciStatements: createRepositoriesStatements,
};
