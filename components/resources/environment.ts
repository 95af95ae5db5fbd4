// EcrCiEnvironment: one environment's ECR repositories, its CI principal and that principal's
// least-privilege policy. The pure builders decide every document; this class only turns them into
// resources.
import * as pulumi from "@pulumi/pulumi";
// Submodule imports: `@pulumi/aws` as a whole is ~2,700 declaration files, which made every
// compile of this library and of its consumers several seconds slower.
import * as ecr from "@pulumi/aws/ecr";
import * as iam from "@pulumi/aws/iam";
import { ACCOUNT_ID_RE, AwsTarget, ECR_REPOSITORY_ARN_RE, ecrRepositoryArn, iamArn, stsAudience } from "../core/aws";
import { Problems, argsKey, formatProblems } from "../contract/problems";
import { buildTrustPolicy, githubIssuer } from "../core/github";
import { CreateRepositoriesScope, ECR_PULL_ACTIONS, MANAGED_MARKER, EcsDeployScope, buildCiPolicy, buildPreviewPolicy, stateBackendScope } from "../core/permissions";
import { policyDocument, serializePolicy, sortedUnique } from "../core/policy";
import { lifecyclePolicy, repositorySettings } from "../core/repository";
import { githubActionsSnippet } from "../core/snippet";
import { sharedAwsTarget } from "./target";
import { AuthMode, EcrCiEnvironmentArgs, EcsDeploy, GitHub, Repository } from "../contract/args";
import { OIDC_PROVIDER_CREATE, checkEcsDeploy, validateEnvironmentArgs, validateOidcProvider } from "../core/validate";

/** The component's type token. Changing it would replace every child: add `aliases` if it ever must. */
export const ECR_CI_ENVIRONMENT_TYPE = "ecr-ci:index:EcrCiEnvironment";

/** IAM's limit for a managed policy document, whitespace excluded. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** What an `oidcProvider` given as an Output (or Promise) must resolve to. */
const RESOLVED_OIDC_PROVIDER_RULE =
    'an Output must resolve to the ARN of an existing GitHub OIDC provider (e.g. another oidc-mode environment\'s oidcProviderArn); to create one, leave oidcProvider unset or pass the plain string "create"';

/** Physical name of the role, user and policy: `ecr-ci-<environment>`. */
export function principalName(environment: string): string {
    return `ecr-ci-${environment}`;
}

/** Repository policy for cross-account pulls: pull actions only, to exactly the listed principals. */
export function crossAccountPullPolicy(partition: string, pullAccounts: readonly string[]): string {
    const principals = sortedUnique(pullAccounts.map((p) => (ACCOUNT_ID_RE.test(p) ? `arn:${partition}:iam::${p}:root` : p)));
    return serializePolicy(
        policyDocument([
            {
                Sid: "CrossAccountPull",
                Effect: "Allow",
                Principal: { AWS: principals.length === 1 ? principals[0] : principals },
                Action: [...ECR_PULL_ACTIONS],
            },
        ]),
    );
}

/**
 * One environment (one stack) of one GitHub repository's image pipeline:
 * - ECR repositories with secure defaults (immutable tags, scan on push, lifecycle policy, protected);
 * - a CI principal: a role trusted through GitHub's OIDC provider (default) or an IAM user with one
 *   access key kept as a Pulumi secret;
 * - one managed policy scoped to this environment's repositories (plus opt-in capabilities).
 *
 * Invalid arguments are reported together, before any resource is registered.
 */
export class EcrCiEnvironment extends pulumi.ComponentResource {
    /** Repository name → repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
    public readonly repositoryUrls: pulumi.Output<Record<string, string>>;
    /** Repository name → repository ARN. */
    public readonly repositoryArns: pulumi.Output<Record<string, string>>;
    /** The registry (account) ID of the repositories. */
    public readonly registryId: pulumi.Output<string>;
    /** The region of the repositories. */
    public readonly region: pulumi.Output<string>;
    /** The CI principal's managed policy ARN. */
    public readonly policyArn: pulumi.Output<string>;
    /** OIDC mode: the role GitHub Actions assumes (`role-to-assume`). */
    public readonly roleArn: pulumi.Output<string | undefined>;
    /** OIDC mode: the GitHub OIDC provider the role trusts (created or reused). */
    public readonly oidcProviderArn: pulumi.Output<string | undefined>;
    /** OIDC mode with `previewRole`: the read-only role for `pulumi preview` on pull requests. */
    public readonly previewRoleArn: pulumi.Output<string | undefined>;
    /** User mode: the IAM user's name. */
    public readonly userName: pulumi.Output<string | undefined>;
    /** User mode: the access key ID. */
    public readonly accessKeyId: pulumi.Output<string | undefined>;
    /** User mode without `pgpKey`: the secret access key, a Pulumi secret. */
    public readonly secretAccessKey: pulumi.Output<string | undefined>;
    /** User mode with `pgpKey`: the PGP-encrypted secret access key (base64). */
    public readonly encryptedSecretAccessKey: pulumi.Output<string | undefined>;
    /** A ready-to-paste GitHub Actions job fragment for this environment. */
    public readonly githubActionsSnippet: pulumi.Output<string>;

    constructor(name: string, args: EcrCiEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateEnvironmentArgs(args);
        if (problems.length > 0) {
            // RunError: the user sees the messages, not a stack trace.
            throw new pulumi.RunError(formatProblems(`EcrCiEnvironment "${name}" has invalid arguments`, problems));
        }
        super(ECR_CI_ENVIRONMENT_TYPE, name, {}, opts);

        const authMode = args.authMode ?? AuthMode.Oidc;
        // The built-in keys (MANAGED_TAG_KEYS) come last: user tags never replace them, and the
        // marker is what keeps tag-guarded creation away from managed repositories.
        const tags = { ...args.tags, Environment: args.environment, [MANAGED_MARKER.key]: MANAGED_MARKER.value };
        const target = sharedAwsTarget(this);

        const repositories = args.repositories.map((repo) => this.createRepository(name, repo, args.protect ?? true, tags, target));
        this.repositoryUrls = pulumi.output(Object.fromEntries(repositories.map((r) => [r.name, r.repository.repositoryUrl])));
        this.repositoryArns = pulumi.output(Object.fromEntries(repositories.map((r) => [r.name, r.repository.arn])));
        this.registryId = repositories[0].repository.registryId;
        const repositoryArns = repositories.map((r) => r.repository.arn);
        this.region = target.region;

        const policy = new iam.Policy(
            `${name}-ci`,
            {
                name: principalName(args.environment),
                path: args.iamPath ?? "/",
                description: `ecr-ci: push/pull for the ${args.environment} environment's repositories`,
                policy: this.ciPolicy(args, repositoryArns, target),
                tags,
            },
            { parent: this },
        );
        this.policyArn = policy.arn;

        const none = pulumi.output<string | undefined>(undefined);
        if (authMode === AuthMode.Oidc) {
            const github = args.github!;
            const providerArn = this.oidcProvider(name, args, target, tags);
            const role = this.githubRole(
                `${name}-ci`,
                principalName(args.environment),
                `ecr-ci: GitHub Actions of ${github.owner}/${github.repository} for the ${args.environment} environment`,
                github,
                providerArn,
                target,
                args,
                args.maxSessionDurationSeconds,
                tags,
            );
            new iam.RolePolicyAttachment(`${name}-ci`, { role: role.name, policyArn: policy.arn }, { parent: this });
            this.roleArn = role.arn;
            this.oidcProviderArn = providerArn;
            this.previewRoleArn = args.previewRole
                ? this.previewRole(name, args, providerArn, repositoryArns, [role.arn, policy.arn, providerArn], target, tags).arn
                : none;
            this.userName = this.accessKeyId = this.secretAccessKey = this.encryptedSecretAccessKey = none;
        } else {
            const user = new iam.User(
                `${name}-ci`,
                {
                    name: principalName(args.environment),
                    path: args.iamPath ?? "/ci/",
                    permissionsBoundary: args.permissionsBoundaryArn,
                    tags,
                },
                { parent: this },
            );
            new iam.UserPolicyAttachment(`${name}-ci`, { user: user.name, policyArn: policy.arn }, { parent: this });
            const key = new iam.AccessKey(`${name}-ci`, { user: user.name, pgpKey: args.pgpKey }, { parent: this });
            this.userName = user.name;
            this.accessKeyId = key.id;
            this.secretAccessKey = args.pgpKey ? none : pulumi.secret(key.secret);
            this.encryptedSecretAccessKey = args.pgpKey ? key.encryptedSecret : none;
            this.roleArn = this.oidcProviderArn = this.previewRoleArn = none;
        }

        this.githubActionsSnippet = pulumi
            .all([this.roleArn, target, repositories[0].repository.repositoryUrl])
            .apply(([roleArn, t, repositoryUrl]) =>
                githubActionsSnippet({ authMode, roleArn, region: t.region, audience: stsAudience(t), repositoryUrl }),
            );

        this.registerOutputs({
            repositoryUrls: this.repositoryUrls,
            repositoryArns: this.repositoryArns,
            registryId: this.registryId,
            region: this.region,
            policyArn: this.policyArn,
            roleArn: this.roleArn,
            oidcProviderArn: this.oidcProviderArn,
            previewRoleArn: this.previewRoleArn,
            userName: this.userName,
            accessKeyId: this.accessKeyId,
            secretAccessKey: this.secretAccessKey,
            encryptedSecretAccessKey: this.encryptedSecretAccessKey,
            githubActionsSnippet: this.githubActionsSnippet,
        });
    }

    private createRepository(
        name: string,
        repo: Repository,
        protect: boolean,
        tags: Record<string, string>,
        target: pulumi.Output<AwsTarget>,
    ): { name: string; repository: ecr.Repository } {
        const settings = repositorySettings(repo);
        // The child name is the component name plus the repository name, never a list position:
        // reordering the config must not replace (and so empty) a repository.
        const childName = `${name}-${settings.name}`;
        const repository = new ecr.Repository(
            childName,
            {
                name: settings.name,
                imageTagMutability: settings.imageTagMutability,
                imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
                encryptionConfigurations: [settings.encryption],
                forceDelete: settings.forceDelete,
                tags,
            },
            { parent: this, protect },
        );
        new ecr.LifecyclePolicy(
            childName,
            { repository: repository.name, policy: JSON.stringify(lifecyclePolicy(settings)) },
            { parent: this },
        );
        if (repo.pullAccounts && repo.pullAccounts.length > 0) {
            // pullAccounts are plain strings naming principals that already exist (IAM rejects a
            // repository policy naming a missing principal): nothing here races IAM propagation.
            const accounts = repo.pullAccounts;
            new ecr.RepositoryPolicy(
                childName,
                { repository: repository.name, policy: target.apply((t) => crossAccountPullPolicy(t.partition, accounts)) },
                { parent: this },
            );
        }
        return { name: settings.name, repository };
    }

    /** The GitHub OIDC provider's ARN: created here, or the configured one (checked once known). */
    private oidcProvider(name: string, args: EcrCiEnvironmentArgs, target: pulumi.Output<AwsTarget>, tags: Record<string, string>): pulumi.Output<string> {
        const slug = args.github?.enterpriseSlug;
        // Whether to create is decided from a plain value, so resource registration never waits on an Output.
        if (args.oidcProvider === undefined || args.oidcProvider === OIDC_PROVIDER_CREATE) {
            return new iam.OpenIdConnectProvider(
                `${name}-github`,
                { url: githubIssuer(slug).url, clientIdLists: [target.apply(stsAudience)], tags },
                { parent: this },
            ).arn;
        }
        return pulumi.output(args.oidcProvider).apply((arn) => {
            const problems = new Problems(argsKey);
            if (arn === undefined || arn === null || arn === OIDC_PROVIDER_CREATE) {
                // e.g. the `oidcProviderArn` of an environment in user mode: nothing to trust.
                problems.invalid("oidcProvider", arn, RESOLVED_OIDC_PROVIDER_RULE);
            } else {
                validateOidcProvider(arn, slug, problems);
            }
            this.failIfAny(problems);
            return arn as string;
        });
    }

    /** A role that GitHub Actions of `github` assume through the provider. */
    private githubRole(
        childName: string,
        roleName: string,
        description: string,
        github: GitHub,
        providerArn: pulumi.Output<string>,
        target: pulumi.Output<AwsTarget>,
        args: EcrCiEnvironmentArgs,
        maxSessionDurationSeconds: number | undefined,
        tags: Record<string, string>,
    ): iam.Role {
        return new iam.Role(
            childName,
            {
                name: roleName,
                path: args.iamPath ?? "/",
                description,
                assumeRolePolicy: pulumi
                    .all([providerArn, target])
                    .apply(([arn, t]) => serializePolicy(buildTrustPolicy({ providerArn: arn, audience: stsAudience(t), github }))),
                maxSessionDuration: maxSessionDurationSeconds ?? 3600,
                permissionsBoundary: args.permissionsBoundaryArn,
                tags,
            },
            { parent: this },
        );
    }

    /**
     * The read-only role for `pulumi preview` on pull requests: trusted only for this repository's
     * `pull_request` subject (never a branch, tag or environment), reading only this environment.
     */
    private previewRole(
        name: string,
        args: EcrCiEnvironmentArgs,
        providerArn: pulumi.Output<string>,
        repositoryArns: pulumi.Output<string>[],
        iamArns: pulumi.Output<string>[],
        target: pulumi.Output<AwsTarget>,
        tags: Record<string, string>,
    ): iam.Role {
        const github = args.github!;
        const { ownerId, repositoryId, enterpriseSlug } = github;
        const prOnly: GitHub = { owner: github.owner, repository: github.repository, pullRequests: true, ownerId, repositoryId, enterpriseSlug };
        const roleName = `${principalName(args.environment)}-preview`;
        const role = this.githubRole(
            `${name}-preview`,
            roleName,
            `ecr-ci: read-only pulumi preview for pull requests of ${github.owner}/${github.repository}, ${args.environment} environment`,
            prOnly,
            providerArn,
            target,
            args,
            args.previewRole?.maxSessionDurationSeconds,
            tags,
        );
        const document = pulumi.all([pulumi.all(repositoryArns), pulumi.all(iamArns), target]).apply(([repos, ownArns, t]) =>
            serializePolicy(
                buildPreviewPolicy({
                    repositoryArns: repos,
                    iamArns: [...ownArns, iamArn(t, `role${args.iamPath ?? "/"}${roleName}`)],
                    stateBackend: args.stateBackend && stateBackendScope(t.partition, args.stateBackend, pulumi.getProject(), pulumi.getStack()),
                }),
            ),
        );
        const policy = new iam.Policy(
            `${name}-preview`,
            { name: roleName, path: args.iamPath ?? "/", description: `ecr-ci: read-only preview of the ${args.environment} environment`, policy: document, tags },
            { parent: this },
        );
        new iam.RolePolicyAttachment(`${name}-preview`, { role: role.name, policyArn: policy.arn }, { parent: this });
        return role;
    }

    private failIfAny(problems: Problems): void {
        if (problems.list.length > 0) {
            throw new pulumi.ResourceError(formatProblems("EcrCiEnvironment has invalid arguments", problems.list), this);
        }
    }

    /** The managed policy document: built once, from plain values, when every ARN is known. */
    private ciPolicy(args: EcrCiEnvironmentArgs, repositoryArns: pulumi.Output<string>[], target: pulumi.Output<AwsTarget>): pulumi.Output<string> {
        const ecs = args.ecsDeploy ? resolveEcsDeploy(args.ecsDeploy) : pulumi.output(undefined);
        return pulumi.all([pulumi.all(repositoryArns), target, ecs]).apply(([arns, t, ecsScope]) => {
            if (ecsScope) {
                // Outputs (e.g. a cluster ARN from another resource) are checked here, once known.
                const problems = new Problems(argsKey);
                checkEcsDeploy(ecsScope, problems);
                this.failIfAny(problems);
            }
            const create = args.createRepositories;
            const createScope: CreateRepositoriesScope | undefined = create && {
                repositoryArnPattern: ecrRepositoryArn(t, `${create.namePrefix}*`),
                requiredTags: create.requiredTags,
            };
            const text = serializePolicy(
                buildCiPolicy({
                    repositoryArns: arns,
                    pullFromArns: (args.pullFrom ?? []).map((p) => (ECR_REPOSITORY_ARN_RE.test(p) ? p : ecrRepositoryArn(t, p))),
                    ecsDeploy: ecsScope,
                    createRepositories: createScope,
                    stateBackend: args.stateBackend && stateBackendScope(t.partition, args.stateBackend, pulumi.getProject(), pulumi.getStack()),
                }),
            );
            if (text.length > MANAGED_POLICY_MAX_CHARS) {
                throw new pulumi.ResourceError(
                    `the CI policy is ${text.length} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy: split the environment's repositories or shorten names`,
                    this,
                );
            }
            return text;
        });
    }
}

function resolveEcsDeploy(ecs: EcsDeploy): pulumi.Output<EcsDeployScope> {
    return pulumi
        .all([ecs.clusterArn, pulumi.all(ecs.services), pulumi.all(ecs.passRoleArns ?? [])])
        .apply(([clusterArn, services, passRoleArns]) => ({ clusterArn, services, passRoleArns }));
}
