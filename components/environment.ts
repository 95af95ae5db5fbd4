// EcrCiEnvironment: one environment's ECR repositories, its CI principal and that principal's
// least-privilege policy. The pure builders decide every document; this class only turns them into
// resources.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AwsTarget, ECR_REPOSITORY_ARN_RE, ecrRepositoryArn, stsAudience } from "./aws";
import { Problems, argsKey, formatProblems } from "./errors";
import { buildTrustPolicy, githubIssuer } from "./github";
import { CreateRepositoriesScope, ECR_PULL_ACTIONS, EcsDeployScope, buildCiPolicy } from "./permissions";
import { policyDocument, serializePolicy, sortedUnique } from "./policy";
import { lifecyclePolicy, repositorySettings } from "./repository";
import { githubActionsSnippet } from "./snippet";
import { AuthMode, EcrCiEnvironmentArgs, EcsDeployArgs, RepositoryArgs } from "./types";
import { OIDC_PROVIDER_CREATE, checkEcsDeploy, validateEnvironmentArgs, validateOidcProvider } from "./validate";

/** The component's type token. Changing it would replace every child: add `aliases` if it ever must. */
export const ECR_CI_ENVIRONMENT_TYPE = "ecr-ci:index:EcrCiEnvironment";

/** IAM's limit for a managed policy document, whitespace excluded. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** Physical name of the role, user and policy: `ecr-ci-<environment>`. */
export function principalName(environment: string): string {
    return `ecr-ci-${environment}`;
}

/** Repository policy for cross-account pulls: pull actions only, to exactly the listed principals. */
export function crossAccountPullPolicy(partition: string, pullAccounts: readonly string[]): string {
    const principals = sortedUnique(pullAccounts.map((p) => (/^\d{12}$/.test(p) ? `arn:${partition}:iam::${p}:root` : p)));
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
        const tags = { Environment: args.environment, ManagedBy: "ecr-ci", ...args.tags };
        const target = this.resolveTarget();

        const repositories = args.repositories.map((repo) => this.createRepository(name, repo, args.protect ?? true, tags, target));
        this.repositoryUrls = pulumi.output(Object.fromEntries(repositories.map((r) => [r.name, r.repository.repositoryUrl])));
        this.repositoryArns = pulumi.output(Object.fromEntries(repositories.map((r) => [r.name, r.repository.arn])));
        this.registryId = repositories[0].repository.registryId;
        this.region = target.region;

        const policy = new aws.iam.Policy(
            `${name}-ci`,
            {
                name: principalName(args.environment),
                path: args.iamPath ?? "/",
                description: `ecr-ci: push/pull for the ${args.environment} environment's repositories`,
                policy: this.ciPolicy(args, repositories.map((r) => r.repository.arn), target),
                tags,
            },
            { parent: this },
        );
        this.policyArn = policy.arn;

        const none = pulumi.output<string | undefined>(undefined);
        if (authMode === AuthMode.Oidc) {
            const { role, providerArn } = this.createRole(name, args, target, tags);
            new aws.iam.RolePolicyAttachment(`${name}-ci`, { role: role.name, policyArn: policy.arn }, { parent: this });
            this.roleArn = role.arn;
            this.oidcProviderArn = providerArn;
            this.userName = this.accessKeyId = this.secretAccessKey = this.encryptedSecretAccessKey = none;
        } else {
            const user = new aws.iam.User(
                `${name}-ci`,
                {
                    name: principalName(args.environment),
                    path: args.iamPath ?? "/ci/",
                    permissionsBoundary: args.permissionsBoundaryArn,
                    tags,
                },
                { parent: this },
            );
            new aws.iam.UserPolicyAttachment(`${name}-ci`, { user: user.name, policyArn: policy.arn }, { parent: this });
            const key = new aws.iam.AccessKey(`${name}-ci`, { user: user.name, pgpKey: args.pgpKey }, { parent: this });
            this.userName = user.name;
            this.accessKeyId = key.id;
            this.secretAccessKey = args.pgpKey ? none : pulumi.secret(key.secret);
            this.encryptedSecretAccessKey = args.pgpKey ? key.encryptedSecret : none;
            this.roleArn = this.oidcProviderArn = none;
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
            userName: this.userName,
            accessKeyId: this.accessKeyId,
            secretAccessKey: this.secretAccessKey,
            encryptedSecretAccessKey: this.encryptedSecretAccessKey,
            githubActionsSnippet: this.githubActionsSnippet,
        });
    }

    /** Partition, region and account of the provider this component deploys with. */
    private resolveTarget(): pulumi.Output<AwsTarget> {
        const invoke = { parent: this };
        return pulumi
            .all([aws.getPartitionOutput({}, invoke), aws.getRegionOutput({}, invoke), aws.getCallerIdentityOutput({}, invoke)])
            .apply(([p, r, id]) => ({ partition: p.partition, dnsSuffix: p.dnsSuffix, region: r.region, accountId: id.accountId }));
    }

    private createRepository(
        name: string,
        repo: RepositoryArgs,
        protect: boolean,
        tags: Record<string, string>,
        target: pulumi.Output<AwsTarget>,
    ): { name: string; repository: aws.ecr.Repository } {
        const settings = repositorySettings(repo);
        // The child name is the component name plus the repository name, never a list position:
        // reordering the config must not replace (and so empty) a repository.
        const childName = `${name}-${settings.name}`;
        const repository = new aws.ecr.Repository(
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
        new aws.ecr.LifecyclePolicy(
            childName,
            { repository: repository.name, policy: JSON.stringify(lifecyclePolicy(settings)) },
            { parent: this },
        );
        if (repo.pullAccounts && repo.pullAccounts.length > 0) {
            // pullAccounts are plain strings naming principals that already exist (IAM rejects a
            // repository policy naming a missing principal): nothing here races IAM propagation.
            const accounts = repo.pullAccounts;
            new aws.ecr.RepositoryPolicy(
                childName,
                { repository: repository.name, policy: target.apply((t) => crossAccountPullPolicy(t.partition, accounts)) },
                { parent: this },
            );
        }
        return { name: settings.name, repository };
    }

    private createRole(
        name: string,
        args: EcrCiEnvironmentArgs,
        target: pulumi.Output<AwsTarget>,
        tags: Record<string, string>,
    ): { role: aws.iam.Role; providerArn: pulumi.Output<string> } {
        const github = args.github!;
        const issuer = githubIssuer(github.enterpriseSlug);
        const configured = pulumi.output(args.oidcProvider ?? OIDC_PROVIDER_CREATE);
        // Whether to create is decided from a plain value, so resource registration never waits on an Output.
        const create = args.oidcProvider === undefined || args.oidcProvider === OIDC_PROVIDER_CREATE;
        const providerArn = create
            ? new aws.iam.OpenIdConnectProvider(
                  `${name}-github`,
                  { url: issuer.url, clientIdLists: [target.apply(stsAudience)], tags },
                  { parent: this },
              ).arn
            : configured;
        const role = new aws.iam.Role(
            `${name}-ci`,
            {
                name: principalName(args.environment),
                path: args.iamPath ?? "/",
                description: `ecr-ci: GitHub Actions of ${github.owner}/${github.repository} for the ${args.environment} environment`,
                assumeRolePolicy: pulumi.all([providerArn, target]).apply(([arn, t]) => {
                    if (!create) {
                        // A provider ARN passed as an Output is checked here, once known.
                        const problems = new Problems(argsKey);
                        validateOidcProvider(arn, github.enterpriseSlug, problems);
                        this.failIfAny(problems);
                    }
                    return serializePolicy(buildTrustPolicy({ providerArn: arn, audience: stsAudience(t), github }));
                }),
                maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
                permissionsBoundary: args.permissionsBoundaryArn,
                tags,
            },
            { parent: this },
        );
        return { role, providerArn };
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

function resolveEcsDeploy(ecs: EcsDeployArgs): pulumi.Output<EcsDeployScope> {
    return pulumi
        .all([ecs.clusterArn, pulumi.all(ecs.services), pulumi.all(ecs.passRoleArns ?? [])])
        .apply(([clusterArn, services, passRoleArns]) => ({ clusterArn, services, passRoleArns }));
}
