// Tag-guarded repository creation (`createRepositories`): the pipeline may create repositories under a
// name prefix when the request carries exactly the required tags, and push to what it created —
// never to a repository ecr-ci manages.
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
}

export const REPOSITORY_PREFIX_RE = /^[a-z0-9][a-z0-9._/-]{0,254}$/;

/**
 * `ecr:TagResource` beside `ecr:CreateRepository`, with the same request conditions: AWS's ECR guide
 * ("Using tag-based access control", ecr-supported-iam-actions-tagging.html) says in prose that a
 * tagged CreateRepository is authorised on `ecr:CreateRepository`, while its example policy also
 * grants `ecr:TagResource` for it. Granting both works under either reading. Outside creation,
 * TagResource could retag an existing repository into the guard (and so into
 * PushToCreatedRepositories): it is refused on every repository ecr-ci manages (`ManagedBy = ecr-ci`)
 * and on every repository that already carries a guard key (`Null` on `aws:ResourceTag/<key>`).
 * What remains: an untagged repository under the prefix that ecr-ci does not manage (README).
 */
export function createRepositoriesStatements(create: CreateRepositoriesScope): PolicyStatement[] {
    const keys = Object.keys(create.requiredTags).sort();
    const requestTags: Record<string, string> = {};
    const resourceTags: Record<string, string> = {};
    const untagged: Record<string, string> = {};
    for (const key of keys) {
        requestTags[`aws:RequestTag/${key}`] = create.requiredTags[key];
        resourceTags[`aws:ResourceTag/${key}`] = create.requiredTags[key];
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
            // Once created (and tagged), the pipeline may push to what it created, and never to
            // a repository ecr-ci manages: IAM matches tag keys case-insensitively, so a guard
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

/**
 * The guard may use any key (IAM compares tag keys case-insensitively, so an allow-list of keys
 * could never be complete across stacks): `PushToCreatedRepositories` excludes every repository
 * carrying the managed marker (`ManagedBy = ecr-ci`) instead. A guard that *is* the marker would
 * require and exclude the same tag, and two keys that differ only in case are one key to IAM.
 */
function validateCreationGuard(tags: Record<string, string>, problems: Problems): void {
    const seen = new Map<string, string>();
    for (const [key, value] of Object.entries(tags)) {
        const folded = key.toLowerCase();
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
    resolve: (create, target) => ({ repositoryArnPattern: ecrRepositoryArn(target, `${create.namePrefix}*`), requiredTags: create.requiredTags }),
    ciStatements: createRepositoriesStatements,
};
