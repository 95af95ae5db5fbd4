// Validation of `EcrCiEnvironmentArgs`: a pure function that collects every problem, naming the
// field (as the caller wrote it: `ecr-ci:github.branches[0]` from stack config, `args.…` from code),
// echoing the value and saying what is allowed. Nothing is created until this passes.
import {
    ACCOUNT_ID_RE,
    ECR_REPOSITORY_ARN_RE,
    ECS_CLUSTER_ARN_RE,
    KMS_KEY_ARN_RE,
    POLICY_ARN_RE,
    PRINCIPAL_ARN_RE,
    ROLE_ARN_RE,
    isEcrRepositoryName,
} from "./aws";
import { KeyOf, Problems, argsKey } from "../contract/problems";
import { GITHUB_TOKEN_HOST } from "./github";
import { MANAGED_MARKER } from "./permissions";
import { AuthMode, EcrCiEnvironmentArgs, EcsDeploy, GitHub, ImageTagMutability, StateBackend } from "../contract/args";

export const ENVIRONMENT_RE = /^[a-z0-9-]{1,32}$/;
/** GitHub user and organization names: alphanumerics and single inner hyphens, at most 39. */
export const GITHUB_OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub repository names. */
export const GITHUB_REPOSITORY_RE = /^[A-Za-z0-9._-]{1,100}$/;
export const NUMERIC_ID_RE = /^[1-9][0-9]{0,19}$/;
export const ENTERPRISE_SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
export const JOB_WORKFLOW_REF_RE =
    /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[A-Za-z0-9._/-]+\.ya?ml@(?:refs\/(?:heads|tags)\/[^\s*?$]+|[0-9a-f]{40})$/;
export const OIDC_PROVIDER_ARN_RE = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):oidc-provider\/(.+)$/;
/** IAM paths, restricted to IAM's name characters: no `*`, `?` or `${…}` can reach a policy ARN. */
export const IAM_PATH_RE = /^\/(?:[\w+=,.@-]+\/)*$/;
export const ECS_SERVICE_NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;
/** Tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
export const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
export const TAG_VALUE_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 43200;
export const OIDC_PROVIDER_CREATE = "create";

const ECR_NAME_RULE =
    "use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. \"app-dev\" or \"team/app\")";

/** Every value of a const enum-like object. */
function oneOf<T extends string>(values: readonly T[]): string {
    return values.map((v) => JSON.stringify(v)).join(" or ");
}

function isInt(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Why a git ref name (branch or tag) is not usable in a `sub` claim, or undefined if it is. */
function refNameProblem(value: string, kind: "branch" | "tag"): string | undefined {
    const example = kind === "branch" ? `"main" or "release/*"` : `"v1.2.3" or "v*"`;
    if (/^\*+$/.test(value.replace(/\//g, ""))) {
        const plural = kind === "branch" ? "branches" : "tags";
        return `a pattern of only '*' matches every ${kind}; name the ${plural} or a narrower pattern (e.g. ${example})`;
    }
    if (value.startsWith("refs/")) {
        return `give the ${kind} name without "refs/${kind === "branch" ? "heads" : "tags"}/" (e.g. ${example})`;
    }
    if (
        value.length === 0 ||
        /[\s~^:?[\\\x00-\x1f\x7f]/.test(value) ||
        value.includes("..") ||
        value.includes("@{") ||
        value.includes("${") ||
        value.includes("//") ||
        /^[-/.]|[/.]$|\.lock$/.test(value)
    ) {
        return `not a valid git ${kind} name; use the name as git shows it, '*' for a pattern (e.g. ${example})`;
    }
    return undefined;
}

function environmentNameProblem(value: string): string | undefined {
    if (/^\*+$/.test(value)) {
        return `a pattern of only '*' matches every environment; name the environments (e.g. "production")`;
    }
    if (value.length === 0 || value.length > 255 || /[?[\]\\:'"`\x00-\x1f\x7f]|\$\{/.test(value) || value.trim() !== value) {
        return `not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. "production")`;
    }
    return undefined;
}

/** Problems with the GitHub repository and its trusted subjects (also used by the deployer). */
export function validateGitHub(github: GitHub, problems: Problems): void {
    if (typeof github.owner !== "string" || github.owner === "") {
        problems.missing("github.owner", `the GitHub user or organization that owns the repository (e.g. "acme")`);
    } else if (!GITHUB_OWNER_RE.test(github.owner)) {
        problems.invalid("github.owner", github.owner, "use the GitHub user or organization name: letters, digits and single inner '-', at most 39 (e.g. \"acme\")");
    }
    if (typeof github.repository !== "string" || github.repository === "") {
        problems.missing("github.repository", `the repository name without the owner (e.g. "app")`);
    } else if (github.repository.includes("/")) {
        const [owner, repo] = github.repository.split("/", 2);
        problems.invalid("github.repository", github.repository, `give the name without the owner: set github.owner to ${JSON.stringify(owner)} and github.repository to ${JSON.stringify(repo)}`);
    } else if (!GITHUB_REPOSITORY_RE.test(github.repository) || github.repository === "." || github.repository === "..") {
        problems.invalid("github.repository", github.repository, `use the GitHub repository name: 1–100 letters, digits, '.', '_' or '-' (e.g. "app")`);
    }
    const lists = [
        ["branches", github.branches, (v: string) => refNameProblem(v, "branch")],
        ["tags", github.tags, (v: string) => refNameProblem(v, "tag")],
        ["environments", github.environments, environmentNameProblem],
    ] as const;
    for (const [field, values, check] of lists) {
        (values ?? []).forEach((value, i) => {
            if (typeof value !== "string") {
                problems.invalid(`github.${field}[${i}]`, value, "must be a string");
                return;
            }
            const problem = check(value);
            if (problem) {
                problems.invalid(`github.${field}[${i}]`, value, problem);
            }
        });
    }
    const subjectCount =
        (github.branches?.length ?? 0) + (github.tags?.length ?? 0) + (github.environments?.length ?? 0) + (github.pullRequests ? 1 : 0);
    if (subjectCount === 0) {
        problems.other(
            "github",
            `names no workflow that may assume the role: set at least one of github.branches, github.tags, github.environments or github.pullRequests (e.g. branches: ["main"])`,
        );
    }
    const { ownerId, repositoryId } = github;
    if ((ownerId === undefined) !== (repositoryId === undefined)) {
        const [given, absent] = ownerId === undefined ? ["repositoryId", "ownerId"] : ["ownerId", "repositoryId"];
        problems.other(`github.${absent}`, `is required with github.${given}: set both numeric IDs (from the GitHub API: /repos/OWNER/REPO → owner.id and id) or neither`);
    }
    for (const field of ["ownerId", "repositoryId"] as const) {
        const value = github[field];
        if (value !== undefined && (typeof value !== "string" || !NUMERIC_ID_RE.test(value))) {
            problems.invalid(`github.${field}`, value, "must be GitHub's numeric ID, digits only (e.g. \"123456789\")");
        }
    }
    if (github.enterpriseSlug !== undefined && !ENTERPRISE_SLUG_RE.test(github.enterpriseSlug)) {
        problems.invalid("github.enterpriseSlug", github.enterpriseSlug, "use the enterprise slug: lowercase letters, digits and '-' (e.g. \"acme-corp\")");
    }
    if (github.jobWorkflowRef !== undefined && !JOB_WORKFLOW_REF_RE.test(github.jobWorkflowRef)) {
        problems.invalid(
            "github.jobWorkflowRef",
            github.jobWorkflowRef,
            "use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards",
        );
    }
}

export function validateOidcProvider(value: unknown, enterpriseSlug: string | undefined, problems: Problems): void {
    if (typeof value !== "string" || value === OIDC_PROVIDER_CREATE) {
        return; // an Output is checked when known
    }
    const expected = enterpriseSlug ? `${GITHUB_TOKEN_HOST}/${enterpriseSlug}` : GITHUB_TOKEN_HOST;
    const match = OIDC_PROVIDER_ARN_RE.exec(value);
    if (!match || match[3] !== expected) {
        problems.invalid(
            "oidcProvider",
            value,
            `use "create" or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/${expected}`,
        );
    }
}

/**
 * Each value of the list `field` must be a string that `ok` accepts and that has no `*`. An object is
 * an Output (or a Promise) of a Pulumi program: it is checked once known.
 */
export function checkList(problems: Problems, field: string, values: unknown, ok: (value: string) => boolean, allowed: string): void {
    if (values === undefined) {
        return;
    }
    if (!Array.isArray(values)) {
        problems.invalid(field, values, "must be a list");
        return;
    }
    values.forEach((value, i) => {
        if (typeof value === "object" && value !== null) {
            return;
        }
        if (typeof value !== "string" || value.includes("*") || !ok(value)) {
            problems.invalid(`${field}[${i}]`, value, allowed);
        }
    });
}

/** Problems with `args`; empty when valid. `keyOf` names fields the way the caller wrote them. */
export function validateEnvironmentArgs(args: EcrCiEnvironmentArgs, keyOf: KeyOf = argsKey): readonly string[] {
    const problems = new Problems(keyOf);
    if (typeof args.environment !== "string" || args.environment === "") {
        problems.missing("environment", `the environment name, 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`);
    } else if (!ENVIRONMENT_RE.test(args.environment)) {
        problems.invalid("environment", args.environment, `use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`);
    }

    const repositories = args.repositories ?? [];
    if (!Array.isArray(repositories) || repositories.length === 0) {
        problems.missing("repositories", `a list of at least one repository, e.g. [{ name: "app-dev" }]`);
    } else {
        const seen = new Map<string, number>();
        repositories.forEach((repo, i) => {
            const at = `repositories[${i}]`;
            if (typeof repo?.name !== "string" || repo.name === "") {
                problems.missing(`${at}.name`, ECR_NAME_RULE);
            } else if (!isEcrRepositoryName(repo.name)) {
                problems.invalid(`${at}.name`, repo.name, ECR_NAME_RULE);
            } else if (seen.has(repo.name)) {
                problems.invalid(`${at}.name`, repo.name, `duplicates repositories[${seen.get(repo.name)}].name; list each repository once`);
            } else {
                seen.set(repo.name, i);
            }
            const mutabilities = Object.values(ImageTagMutability);
            if (repo.imageTagMutability !== undefined && !mutabilities.includes(repo.imageTagMutability)) {
                problems.invalid(`${at}.imageTagMutability`, repo.imageTagMutability, `use ${oneOf(mutabilities)}`);
            }
            for (const flag of ["scanOnPush", "forceDelete"] as const) {
                if (repo[flag] !== undefined && typeof repo[flag] !== "boolean") {
                    problems.invalid(`${at}.${flag}`, repo[flag], "use true or false");
                }
            }
            if (repo.kmsKeyArn !== undefined && !KMS_KEY_ARN_RE.test(repo.kmsKeyArn)) {
                problems.invalid(`${at}.kmsKeyArn`, repo.kmsKeyArn, "use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>");
            }
            if (repo.untaggedExpiryDays !== undefined && !isInt(repo.untaggedExpiryDays, 1, 3650)) {
                problems.invalid(`${at}.untaggedExpiryDays`, repo.untaggedExpiryDays, "use a whole number of days from 1 to 3650");
            }
            if (repo.keepImages !== undefined && !isInt(repo.keepImages, 1, 10000)) {
                problems.invalid(`${at}.keepImages`, repo.keepImages, "use a whole number of images from 1 to 10000");
            }
            checkList(
                problems,
                `${at}.pullAccounts`,
                repo.pullAccounts,
                (p) => ACCOUNT_ID_RE.test(p) || PRINCIPAL_ARN_RE.test(p),
                "use a 12-digit account ID or a principal ARN arn:<partition>:iam::<account-id>:root|role/NAME|user/NAME, no wildcards",
            );
        });
    }

    if (args.protect !== undefined && typeof args.protect !== "boolean") {
        problems.invalid("protect", args.protect, "use true or false");
    }

    const modes = Object.values(AuthMode);
    const mode = args.authMode ?? AuthMode.Oidc;
    if (!modes.includes(mode)) {
        problems.invalid("authMode", args.authMode, `use ${oneOf(modes)}`);
    } else if (mode === AuthMode.Oidc) {
        if (args.github === undefined || args.github === null) {
            problems.missing("github", `authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`);
        } else {
            validateGitHub(args.github, problems);
        }
        validateOidcProvider(args.oidcProvider, args.github?.enterpriseSlug, problems);
        if (args.maxSessionDurationSeconds !== undefined && !isInt(args.maxSessionDurationSeconds, MIN_SESSION_SECONDS, MAX_SESSION_SECONDS)) {
            problems.invalid("maxSessionDurationSeconds", args.maxSessionDurationSeconds, `use a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
        }
        if (args.pgpKey !== undefined) {
            problems.other("pgpKey", `only applies to authMode "user" (an OIDC role has no access key): remove it`);
        }
    } else {
        const oidcOnly = ["github", "oidcProvider", "maxSessionDurationSeconds"] as const;
        for (const field of oidcOnly) {
            if (args[field] !== undefined) {
                problems.other(field, `only applies to authMode "oidc": remove it, or set authMode to "oidc" (preferred: no long-lived key)`);
            }
        }
        if (args.pgpKey !== undefined && !/^keybase:[A-Za-z0-9_]+$/.test(args.pgpKey) && !/^[A-Za-z0-9+/=\s]{64,}$/.test(args.pgpKey)) {
            problems.invalid("pgpKey", args.pgpKey.slice(0, 40), `use "keybase:USERNAME" or a base64-encoded (unarmored) PGP public key`);
        }
    }

    if (args.iamPath !== undefined && (!IAM_PATH_RE.test(args.iamPath) || args.iamPath.length > 512)) {
        problems.invalid("iamPath", args.iamPath, `use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/")`);
    }
    if (args.permissionsBoundaryArn !== undefined && !POLICY_ARN_RE.test(args.permissionsBoundaryArn)) {
        problems.invalid("permissionsBoundaryArn", args.permissionsBoundaryArn, "use a managed policy ARN, arn:<partition>:iam::<account-id>:policy/NAME");
    }

    validateCapabilities(args, problems);
    validatePipelineAccess(args, mode, problems);
    validateTags(args.tags, "tags", problems);
    for (const key of Object.keys(args.tags ?? {})) {
        const builtIn = MANAGED_TAG_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
        if (builtIn !== undefined) {
            problems.invalid(
                `tags.${key}`,
                key,
                `ecr-ci sets ${builtIn} on every resource itself (IAM compares tag keys case-insensitively, and a second ${builtIn} fails as a duplicate); remove it or use another key`,
            );
        }
    }
    return problems.list;
}

/** Problems with a tag map at `field`. */
export function validateTags(tags: Record<string, string> | undefined, field: string, problems: Problems): void {
    if (tags === undefined) {
        return;
    }
    for (const [key, value] of Object.entries(tags)) {
        if (!TAG_KEY_RE.test(key) || key.toLowerCase().startsWith("aws:")) {
            problems.invalid(`${field}.${key}`, key, "tag keys use 1–128 letters, digits, spaces and _ . : / = + - @, and must not start with \"aws:\"");
        } else if (typeof value !== "string" || !TAG_VALUE_RE.test(value)) {
            problems.invalid(`${field}.${key}`, value, "tag values are strings of at most 256 letters, digits, spaces and _ . : / = + - @");
        }
    }
}

function validateCapabilities(args: EcrCiEnvironmentArgs, problems: Problems): void {
    (args.pullFrom ?? []).forEach((value, i) => {
        if (typeof value !== "string" || value.includes("*") || !(isEcrRepositoryName(value) || ECR_REPOSITORY_ARN_RE.test(value))) {
            problems.invalid(
                `pullFrom[${i}]`,
                value,
                "use a repository name in this account and region (e.g. \"app-dev\") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards",
            );
        }
    });

    if (args.ecsDeploy !== undefined) {
        checkEcsDeploy(args.ecsDeploy, problems);
    }

    const create = args.createRepositories;
    if (create !== undefined) {
        if (typeof create.namePrefix !== "string" || create.namePrefix === "") {
            problems.missing("createRepositories.namePrefix", `a non-empty repository name prefix (e.g. "team-a/")`);
        } else if (!/^[a-z0-9][a-z0-9._/-]{0,254}$/.test(create.namePrefix)) {
            problems.invalid("createRepositories.namePrefix", create.namePrefix, "start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards");
        }
        const tags = create.requiredTags ?? {};
        if (typeof tags !== "object" || Object.keys(tags).length === 0) {
            problems.missing("createRepositories.requiredTags", `at least one tag every created repository must carry (e.g. { "managed-by": "ci" })`);
        } else {
            validateTags(tags, "createRepositories.requiredTags", problems);
            validateCreationGuard(tags, problems);
        }
    }
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

/** Tag keys every managed resource carries (see EcrCiEnvironment), besides `args.tags`. */
export const MANAGED_TAG_KEYS = ["Environment", "ManagedBy"] as const;


/** ECS deploy scope problems; string values only (Outputs are checked again once known). */
export function checkEcsDeploy(
    ecs: EcsDeploy | { readonly clusterArn: string; readonly services: readonly string[]; readonly passRoleArns?: readonly string[] },
    problems: Problems,
): void {
    if (typeof ecs.clusterArn === "string" && !ECS_CLUSTER_ARN_RE.test(ecs.clusterArn)) {
        problems.invalid("ecsDeploy.clusterArn", ecs.clusterArn, "use the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME");
    } else if (ecs.clusterArn === undefined) {
        problems.missing("ecsDeploy.clusterArn", "the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME");
    }
    if (!Array.isArray(ecs.services) || ecs.services.length === 0) {
        problems.missing("ecsDeploy.services", `the names of the services CI may update, at least one (e.g. ["web"])`);
    } else {
        ecs.services.forEach((service, i) => {
            if (typeof service === "string" && !ECS_SERVICE_NAME_RE.test(service)) {
                problems.invalid(`ecsDeploy.services[${i}]`, service, "use the service name: 1–255 letters, digits, '-' or '_', no wildcards");
            }
        });
    }
    checkList(problems, "ecsDeploy.passRoleArns", ecs.passRoleArns, (r) => ROLE_ARN_RE.test(r), "use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards");
}

export const S3_BUCKET_RE = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const S3_PREFIX_RE = /^[A-Za-z0-9!_.'()/-]{1,512}$/;

/** Problems with a Pulumi S3 state backend (`stateBackend.*`; also used by the deployer). */
export function validateStateBackend(backend: StateBackend | undefined, problems: Problems): void {
    if (backend === undefined) {
        return;
    }
    if (typeof backend.bucket !== "string" || backend.bucket === "") {
        problems.missing("stateBackend.bucket", `the state bucket's name, as in s3://<bucket> (e.g. "acme-pulumi-state")`);
    } else if (!S3_BUCKET_RE.test(backend.bucket)) {
        problems.invalid("stateBackend.bucket", backend.bucket, "use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards");
    }
    if (backend.prefix !== undefined && (!S3_PREFIX_RE.test(backend.prefix) || backend.prefix.includes(".."))) {
        problems.invalid("stateBackend.prefix", backend.prefix, `use the backend URL's path without wildcards (e.g. "infra" for s3://bucket/infra)`);
    }
    if (backend.kmsKeyArn !== undefined && !KMS_KEY_ARN_RE.test(backend.kmsKeyArn)) {
        problems.invalid("stateBackend.kmsKeyArn", backend.kmsKeyArn, "use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>, no wildcards or aliases");
    }
}

/** The state backend and the preview role. */
function validatePipelineAccess(args: EcrCiEnvironmentArgs, mode: string, problems: Problems): void {
    validateStateBackend(args.stateBackend, problems);
    const preview = args.previewRole;
    if (preview !== undefined) {
        if (mode !== AuthMode.Oidc) {
            problems.other("previewRole", `only applies to authMode "oidc" (it is trusted through GitHub's OIDC provider): remove it`);
        }
        if (preview.maxSessionDurationSeconds !== undefined && !isInt(preview.maxSessionDurationSeconds, MIN_SESSION_SECONDS, MAX_SESSION_SECONDS)) {
            problems.invalid("previewRole.maxSessionDurationSeconds", preview.maxSessionDurationSeconds, `use a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
        }
    }
}
