// Names, fixed values and limits: one place per meaning. Pure.
import { iamArn } from "./aws";
import { sortedUnique } from "./policy";

/** Every role, user and policy an ecr-ci environment creates is named `ecr-ci-<environment>[-preview]`. */
export const ECR_CI_NAME_PREFIX = "ecr-ci-";

/** Physical name of the role, user and policy: `ecr-ci-<environment>`. */
export function principalName(environment: string): string {
    return `${ECR_CI_NAME_PREFIX}${environment}`;
}

/** Physical name of the preview role and its policy: `ecr-ci-<environment>-preview`. */
export function previewRoleName(environment: string): string {
    return `${principalName(environment)}${PREVIEW_SUFFIX}`;
}

/** The Pulumi project of the environments' stacks (Pulumi.yaml `name`): the deployer may use every stack of it. */
export const ENVIRONMENTS_PROJECT = "ecr-ci";
/** The deployer's role and managed policy. */
export const DEPLOYER_NAME = "ecr-ci-deployer";
/** The permissions boundary managed policy. Environments set `ecr-ci:permissionsBoundaryArn` to its ARN. */
export const BOUNDARY_NAME = "ecr-ci-boundary";
/** The IAM path of the bootstrap's own role and policies. */
export const BOOTSTRAP_IAM_PATH = "/";
/** Where environments put roles and managed policies unless `iamPath` says otherwise. */
export const DEFAULT_ROLE_PATHS: readonly string[] = ["/"];
/** Where environments put users (user mode) unless `iamPath` says otherwise. */
export const DEFAULT_USER_PATHS: readonly string[] = ["/ci/"];

/** Tag keys every managed resource carries (see EcrCiEnvironment), besides `args.tags`. */
export const MANAGED_TAG_KEYS = ["Environment", "ManagedBy"] as const;

/**
 * The tag every resource ecr-ci manages carries, whatever `args.tags` say: tag-guarded creation's
 * push statement excludes repositories that carry it, so no environment's pipeline reaches another
 * environment's managed repositories through its creation guard.
 */
export const MANAGED_MARKER = { key: "ManagedBy", value: "ecr-ci" } as const;

/** `oidcProvider` value that creates GitHub's provider (protected: every environment of the account depends on it). */
export const OIDC_PROVIDER_CREATE = "create";
/** `oidcProvider` value that finds the account's existing provider by its URL at deploy time (e.g. the bootstrap's). */
export const OIDC_PROVIDER_LOOKUP = "lookup";

/** Role `MaxSessionDuration` bounds (IAM). */
export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 43200;

/** IAM's limit for a managed policy document, whitespace excluded. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** `arn:…:iam::<account>:<kind><path>ecr-ci-*` for each path. */
export function ecrCiArnPatterns(scope: { readonly partition: string; readonly accountId: string }, kind: "role" | "user" | "policy", paths: readonly string[]): string[] {
    return sortedUnique(paths.map((path) => iamArn(scope, `${kind}${path}${ECR_CI_NAME_PREFIX}*`)));
}

/** Managed policies live at the role path, or at the user path when a user-mode environment sets `iamPath`. */
export function policyPaths(scope: { readonly rolePaths: readonly string[]; readonly userPaths: readonly string[] }): string[] {
    return sortedUnique([...scope.rolePaths, ...scope.userPaths]);
}

/**
 * IAM's length limits for names and paths (IAM User Guide, "IAM and AWS STS quotas",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export const IAM_NAME_MAX_CHARS = { role: 64, user: 64, policy: 128, path: 512 } as const;

/** The suffix of a preview role's name: an environment named `<env>-preview` would take `<env>`'s. */
export const PREVIEW_SUFFIX = "-preview";

/**
 * Environment names whose principal name (`ecr-ci-<environment>`) is one of the bootstrap's fixed
 * names. IAM names are unique per account, case-insensitively (same quotas page).
 */
export const RESERVED_ENVIRONMENTS: Readonly<Record<string, string>> = {
    [DEPLOYER_NAME.slice(ECR_CI_NAME_PREFIX.length)]: `the bootstrap's deployer role and policy ${DEPLOYER_NAME}`,
    [BOUNDARY_NAME.slice(ECR_CI_NAME_PREFIX.length)]: `the bootstrap's permissions boundary ${BOUNDARY_NAME}`,
};
