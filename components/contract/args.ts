// The public argument types of the ecr-ci library.
//
// These interfaces are the contract of `EcrCiEnvironment` for TypeScript programs and, through
// Pulumi's schema inference, for every other Pulumi language: modes are enums (inference does not
// support string-literal unions), every field has one JSDoc stating constraints and its default.
// Nothing in this file creates resources or imports the Pulumi runtime.
import type { Input } from "@pulumi/pulumi";

/** How the CI pipeline authenticates to AWS. */
export enum AuthMode {
    /** An IAM role assumed through GitHub's OIDC provider (short-lived credentials). The default. */
    Oidc = "oidc",
    /** An IAM user with one long-lived access key kept as a Pulumi secret. Prefer `oidc`. */
    User = "user",
}

/** Whether image tags in a repository can be overwritten. */
export enum ImageTagMutability {
    /** A pushed tag can never point at another image. The default. */
    Immutable = "IMMUTABLE",
    /** Tags can be overwritten (e.g. `latest`). */
    Mutable = "MUTABLE",
}

/** One ECR repository of the environment. */
export interface Repository {
    /**
     * The repository name: 2–256 lowercase letters and digits, separated by single `.`, `_`, `-`
     * or `/` (ECR's rule), e.g. `app-dev` or `team/app`. Unique within the environment.
     * It is also part of the child resource's name: changing it replaces the repository.
     */
    readonly name: string;
    /** Tag mutability. @default ImageTagMutability.Immutable */
    readonly imageTagMutability?: ImageTagMutability;
    /** Scan every pushed image for vulnerabilities. @default true */
    readonly scanOnPush?: boolean;
    /**
     * Encrypt with this customer-managed KMS key (`arn:<partition>:kms:<region>:<account>:key/<id>`)
     * instead of AES256. Changing it replaces the repository. @default AES256 encryption
     */
    readonly kmsKeyArn?: string;
    /** Expire *untagged* images this many days after push, 1–3650. @default 14 */
    readonly untaggedExpiryDays?: number;
    /**
     * Opt-in: keep only the newest N images (tagged or not), 1–10000. Off by default because it can
     * delete a tagged image that is still deployed. @default none (no count limit)
     */
    readonly keepImages?: number;
    /** Let `pulumi destroy` delete the repository even if it still holds images. @default false */
    readonly forceDelete?: boolean;
    /**
     * Other AWS accounts (12-digit IDs) or principal ARNs (`arn:<partition>:iam::<account>:root|role/...|user/...`)
     * allowed to pull from this repository through a repository policy. @default none (no repository policy)
     */
    readonly pullAccounts?: string[];
}

/** Which `sub` prefixes a trust policy accepts (GitHub's immutable subjects, from 2026-07-15). */
export enum SubjectFormat {
    /** `repo:OWNER/REPO:…` only: repositories that have not moved to immutable subjects. */
    Legacy = "legacy",
    /** `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` only: after the repository moved (new, renamed, transferred or opted in). */
    Immutable = "immutable",
    /** Either exact prefix, for the migration. The default when `ownerId` and `repositoryId` are set. */
    Both = "both",
}

/** The GitHub repository whose Actions workflows may assume the CI role (OIDC mode). */
export interface GitHub {
    /** The repository owner (user or organization), e.g. `acme`. */
    readonly owner: string;
    /** The repository name without the owner, e.g. `app`. */
    readonly repository: string;
    /** Branches whose workflows may push, e.g. `main` or the pattern `release/*`. @default [] */
    readonly branches?: string[];
    /** Tags whose workflows may push, e.g. `v1.2.3` or the pattern `v*`. @default [] */
    readonly tags?: string[];
    /**
     * GitHub deployment environments whose jobs may push, by exact name (no patterns), e.g.
     * `production`. A job that names an environment presents only the environment subject, from
     * whatever ref triggered it; see `environmentRefs`. @default []
     */
    readonly environments?: string[];
    /**
     * The refs environment jobs are accepted from: full refs or patterns (`refs/heads/main`,
     * `refs/tags/v*`), or `["any"]` to leave it to the GitHub environment's deployment protection
     * rules. In stack config a single string is accepted. Not on GitHub Enterprise Server (STS
     * cannot check `ref` there).
     * @default the refs of `branches` and `tags`; any ref when neither is set
     */
    readonly environmentRefs?: string[];
    /**
     * Trust `pull_request` workflows (the `repo:OWNER/REPO:pull_request` subject with a
     * `refs/pull/N/merge` ref: a `pull_request_target` run, whose ref is a branch, is refused). @default false
     */
    readonly pullRequests?: boolean;
    /**
     * The owner's numeric ID (GitHub API `/repos/OWNER/REPO` → `owner.id`). With `repositoryId`,
     * every role also requires the token's `repository_owner_id` and `repository_id` claims (a
     * deleted repository's name can be registered again, its ID cannot), and the immutable subject
     * form can be trusted. Set both or neither. @default none
     */
    readonly ownerId?: string;
    /** The repository's numeric ID (`/repos/OWNER/REPO` → `id`); see `ownerId`. @default none */
    readonly repositoryId?: string;
    /**
     * Which subject prefixes the trust accepts. `immutable` and `both` need `ownerId` and
     * `repositoryId`; GitHub Enterprise Server only sends `legacy`.
     * @default SubjectFormat.Both with the IDs, else SubjectFormat.Legacy
     */
    readonly subjectFormat?: SubjectFormat;
    /**
     * The repository's (or organization's) custom subject template, its `include_claim_keys` in
     * order, e.g. `["repo", "context", "job_workflow_ref"]`. Must contain `repo` (first) and `context`;
     * supported keys: repo, context, job_workflow_ref, repository, repository_owner, repository_id,
     * repository_owner_id, environment. @default GitHub's default template, ["repo", "context"]
     */
    readonly subjectClaims?: string[];
    /**
     * GitHub Enterprise Cloud "unique issuer" slug: the issuer becomes
     * `https://token.actions.githubusercontent.com/<slug>`. Not with `gheSubdomain` or `serverHost`. @default none
     */
    readonly enterpriseSlug?: string;
    /**
     * GitHub Enterprise Cloud with data residency (GHE.com): the enterprise's subdomain; the issuer
     * becomes `https://token.actions.<subdomain>.ghe.com`. Not with `enterpriseSlug` or `serverHost`. @default none
     */
    readonly gheSubdomain?: string;
    /**
     * GitHub Enterprise Server: its host name; the issuer becomes `https://<host>/_services/token`.
     * STS checks no claim beyond `sub` and `aud` for it, so environment jobs and pull requests are
     * trusted on `sub` alone. Not with `enterpriseSlug` or `gheSubdomain`. @default none
     */
    readonly serverHost?: string;
    /**
     * Require one of these exact reusable workflows (`OWNER/REPO/.github/workflows/FILE.yml@REF`)
     * through the `job_workflow_ref` claim. In stack config a single string is accepted. @default none
     */
    readonly jobWorkflowRef?: string[];
}

/** Permissions to roll a new image out on Amazon ECS. */
export interface EcsDeploy {
    /** The cluster ARN, `arn:<partition>:ecs:<region>:<account>:cluster/<name>`. */
    readonly clusterArn: Input<string>;
    /** The service names in that cluster that CI may update (at least one, no wildcards). */
    readonly services: Input<string>[];
    /**
     * The task and execution role ARNs CI may pass to ECS tasks (no wildcards): every role a task
     * definition it registers names, since registering one with a role needs `iam:PassRole` on it.
     * Required: `[]` states that the task definitions have no task or execution role.
     */
    readonly passRoleArns: Input<string>[];
}

/** Let CI create repositories it is missing, guarded by request tags. */
export interface CreateRepositories {
    /** Only repositories whose names start with this prefix (non-empty, ECR name characters). */
    readonly namePrefix: string;
    /**
     * Tags (key → value) every created repository must carry besides `ecr-ci:created-by = <environment>`,
     * and no other tags (1–49; no keys starting with `ecr-ci:`).
     */
    readonly requiredTags: Record<string, string>;
}

/** A Pulumi S3 state backend (`s3://<bucket>/<prefix>`) the pipeline runs `pulumi preview`/`up` against. */
export interface StateBackend {
    /** The bucket name (no wildcards). */
    readonly bucket: string;
    /** The backend URL's path, e.g. `infra` for `s3://bucket/infra`. @default none (the bucket root) */
    readonly prefix?: string;
    /** The KMS key ARN of an `awskms://` secrets provider. @default none */
    readonly kmsKeyArn?: string;
}

/** A read-only role for `pulumi preview` on pull requests (OIDC mode). */
export interface PreviewRole {
    /** Maximum session length in seconds, 3600–43200. @default 3600 */
    readonly maxSessionDurationSeconds?: number;
    /**
     * Let the preview role read this stack's state in this Pulumi S3 backend (checkpoint, tags
     * file, `meta.yaml`; `kms:Decrypt` with `kmsKeyArn`) without giving the CI principal any state
     * access: the narrow choice when `pulumi up` runs as the deployer. Read-only, this stack only.
     * Not together with `stateBackend`, which already lets the preview role read the same state.
     * @default none (with `stateBackend`: that backend, read-only)
     */
    readonly stateBackend?: StateBackend;
}

/** Arguments of an `EcrCiEnvironment`: one environment (one stack) of one GitHub repository. */
export interface EcrCiEnvironmentArgs {
    /**
     * The environment name, `[a-z0-9-]`, 1–32 characters, e.g. `dev`. The role, user and policies are
     * named `ecr-ci-<environment>` and it is their `Environment` tag: use a name unique in the account.
     */
    readonly environment: string;
    /** The environment's ECR repositories (at least one). */
    readonly repositories: Repository[];
    /**
     * Protect the repositories from `pulumi destroy` and from replacement (Pulumi `protect`).
     * @default true
     * @projectDefault
     */
    readonly protect?: boolean;
    /** The CI principal. @default AuthMode.Oidc @projectDefault */
    readonly authMode?: AuthMode;
    /**
     * The GitHub repository and the refs it may push from (at least one subject). Required when
     * `authMode` is `oidc`. @default none
     */
    readonly github?: GitHub;
    /**
     * GitHub's OIDC provider: there is one per URL per account, owned by one stack (the bootstrap
     * creates it, protected). `lookup` finds the account's provider by its URL at deploy time (no
     * ARN to paste); `create` creates it here, protected (only one stack of the account may); or the
     * ARN of an existing one (`arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com`).
     * Another environment's `oidcProviderArn` output can be passed as is; it must resolve to an ARN.
     * @default "create"
     */
    readonly oidcProvider?: Input<string | undefined>;
    /** Maximum role session length in seconds, 3600–43200. OIDC mode only. @default 3600 */
    readonly maxSessionDurationSeconds?: number;
    /**
     * The longest role trust policy IAM accepts in this account, in characters without whitespace:
     * IAM's default quota (`ACLSizePerRole`) is 2048. Set it only once AWS has raised the account's
     * "Role trust policy length" quota (Service Quotas L-C07B4B0D); 2048–4096. A longer trust policy
     * is refused before anything is created. OIDC mode only. @default 2048
     */
    readonly trustPolicyMaxChars?: number;
    /** IAM path of the role or user, `/` or `/segment/.../`. @default "/" for the role, "/ci/" for the user */
    readonly iamPath?: string;
    /**
     * Permissions boundary (a managed policy ARN) for the role or user; required when the bootstrap's
     * deployer role manages the stack (its `permissionsBoundaryArn` output, which can be passed as an
     * Output, e.g. from a `StackReference`; it is checked once known). @default none
     */
    readonly permissionsBoundaryArn?: Input<string>;
    /** `user` mode: encrypt the secret access key with this PGP key (`keybase:NAME` or base64). @default none */
    readonly pgpKey?: string;
    /**
     * Repository names (this account and region) or ARNs CI may pull from, e.g. to promote images;
     * each may be an Output (another stack's repository ARN), checked once known. @default []
     */
    readonly pullFrom?: Input<string>[];
    /** Permissions to deploy to ECS. @default none */
    readonly ecsDeploy?: EcsDeploy;
    /** Tag-guarded `ecr:CreateRepository`. @default none */
    readonly createRepositories?: CreateRepositories;
    /**
     * Let the CI principal run `pulumi preview`/`up` for its own stack against this Pulumi S3 state
     * backend (and the preview role read it). For a preview role that reads state while `up` runs
     * as the deployer, use `previewRole.stateBackend` instead. @default none
     */
    readonly stateBackend?: StateBackend;
    /**
     * Create a read-only role `ecr-ci-<environment>-preview` trusted only for this repository's
     * `pull_request` subject, so pull-request code never holds write credentials. OIDC mode only.
     * @default none
     */
    readonly previewRole?: PreviewRole;
    /**
     * Extra tags for every taggable resource, beside the built-in `Environment` and `ManagedBy`, which
     * they cannot replace (in any letter case). @default {}
     */
    readonly tags?: Record<string, string>;
}

/** Arguments of an `EcrCiDeployer`: the one-time bootstrap of an account (and region). */
export interface EcrCiDeployerArgs {
    /**
     * The repository whose infrastructure workflow runs `pulumi up`, and the exact protected branches
     * (`branches`) and/or GitHub deployment environments (`environments`) of its deploy jobs. No tags,
     * no patterns, no pull requests (those get each environment's read-only preview role).
     */
    readonly github: GitHub;
    /**
     * `create` to create GitHub's OIDC provider here, protected (environments then find it with
     * `ecr-ci:oidcProvider: lookup`), or the ARN of the existing one, e.g. the one an environment
     * stack created. @default "create"
     */
    readonly oidcProvider?: string;
    /** Names of the ECR repositories the environments manage (this account and region). @default [] */
    readonly repositoryNames?: string[];
    /** Or every repository whose name starts with this prefix (non-empty, no wildcards), e.g. `app-`. @default none */
    readonly repositoryNamePrefix?: string;
    /** IAM paths of the environments' roles and managed policies (`iamPath`). @default ["/"] */
    readonly rolePaths?: string[];
    /** IAM paths of the environments' users (user mode; `iamPath`, whose policies also live there). @default ["/ci/"] */
    readonly userPaths?: string[];
    /** Repositories outside the managed ones that environments pull from (`pullFrom`): names or ARNs. @default [] */
    readonly pullFrom?: string[];
    /** ECS services environments deploy to (`ecsDeploy`), `arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service>`. @default [] */
    readonly ecsServiceArns?: string[];
    /** Task and execution role ARNs environments pass to ECS tasks (`ecsDeploy.passRoleArns`). Needs `ecsServiceArns`. @default [] */
    readonly ecsPassRoleArns?: string[];
    /** The Pulumi S3 state backend the workflow runs against (read and write). @default none */
    readonly stateBackend?: StateBackend;
    /** Maximum deployer session length in seconds, 3600–43200. @default 3600 */
    readonly maxSessionDurationSeconds?: number;
    /** Protect the boundary and a created OIDC provider from `pulumi destroy` (environments depend on them). @default true */
    readonly protect?: boolean;
    /** Extra tags for every taggable resource (merged over `ManagedBy`). @default {} */
    readonly tags?: Record<string, string>;
}
