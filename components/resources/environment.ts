// EcrCiEnvironment: registers what core/environment-plan.ts decides for one environment — its ECR
// repositories, its CI principal and that principal's least-privilege policy.
import * as pulumi from "@pulumi/pulumi";
// Submodule imports: `@pulumi/aws` as a whole is ~2,700 declaration files, which made every
// compile of this library and of its consumers several seconds slower.
import * as ecr from "@pulumi/aws/ecr";
import * as iam from "@pulumi/aws/iam";
import { getOpenIdConnectProviderOutput } from "@pulumi/aws/iam/getOpenIdConnectProvider";
import { AwsTarget, stsAudience } from "../core/aws";
import { checkEcsDeploy } from "../core/capabilities/ecs-deploy";
import { promotion } from "../core/capabilities/promotion";
import { EnvironmentDocuments, EnvironmentLayout, RepositoryLayout, ResolvedEnvironmentArgs, environmentDocuments, environmentLayout, trustDocuments } from "../core/environment-plan";
import { checkDocumentSizes, checkTargetRules } from "../core/limits";
import { OIDC_PROVIDER_CREATE, OIDC_PROVIDER_LOOKUP } from "../core/naming";
import { githubActionsSnippet } from "../core/snippet";
import { checkPermissionsBoundary, validateEnvironmentArgs, validateOidcProvider } from "../core/validate";
import type { EcrCiEnvironmentArgs } from "../contract/args";
import { Problems, argsKey, formatProblems } from "../contract/problems";
import { githubOidcProvider, managedPolicy, trustedRole } from "./shared";
import { sharedAwsTarget } from "./target";

/** The component's type token. Changing it would replace every child: add `aliases` if it ever must. */
export const ECR_CI_ENVIRONMENT_TYPE = "ecr-ci:index:EcrCiEnvironment";

/** What an `oidcProvider` given as an Output (or Promise) must resolve to. */
const RESOLVED_OIDC_PROVIDER_RULE =
    'an Output must resolve to the ARN of an existing GitHub OIDC provider (e.g. another oidc-mode environment\'s oidcProviderArn); to create one, leave oidcProvider unset or pass the plain string "create"; to find the account\'s provider by its URL, pass the plain string "lookup"';

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
        const problems = validateEnvironmentArgs(args, argsKey, { project: pulumi.getProject(), stack: pulumi.getStack() });
        if (problems.length > 0) {
            // RunError: the user sees the messages, not a stack trace.
            throw new pulumi.RunError(formatProblems(`EcrCiEnvironment "${name}" has invalid arguments`, problems));
        }
        super(ECR_CI_ENVIRONMENT_TYPE, name, {}, opts);

        // validate → layout (what to register, from plain values) → documents (once the target and
        // every Input are known) → resources → outputs.
        const layout = environmentLayout(name, args);
        const tags = layout.tags;
        // Every child waits for the target to pass the rules that need it (partition, account, sizes
        // in the real partition and region), so a refusal there registers no child either.
        const target = sharedAwsTarget(this).apply((t) => this.checkedTarget(t, args));
        const providerArn = layout.role ? this.providerArn(layout, args, target) : undefined;
        const planTarget = target.apply((t) => ({ ...t, project: pulumi.getProject(), stack: pulumi.getStack() }));
        const resolved = this.resolvedInputs(args, target);
        const documents = pulumi.all([planTarget, resolved]).apply(([t, a]) => environmentDocuments(layout, a, t));
        // The boundary as given, or as an Output once checked (resolvedInputs).
        const boundary: pulumi.Input<string> | undefined =
            args.permissionsBoundaryArn === undefined || typeof args.permissionsBoundaryArn === "string"
                ? args.permissionsBoundaryArn
                : resolved.apply((a) => a.permissionsBoundaryArn as string);
        const trust = pulumi.all([planTarget, resolved, providerArn]).apply(([t, a, arn]) => trustDocuments(layout, a, t, arn ?? ""));

        const repositories = layout.repositories.map((repo) => this.repository(repo, target, documents, tags));
        this.repositoryUrls = pulumi.output(Object.fromEntries(repositories.map((r) => [r.name, r.repository.repositoryUrl])));
        this.repositoryArns = pulumi.output(Object.fromEntries(repositories.map((r) => [r.name, r.repository.arn])));
        this.registryId = repositories[0].repository.registryId;
        this.region = target.region;

        const policy = managedPolicy(this, layout.policy, documents.ciPolicy, tags, {
            what: "CI",
            remedy: "split the environment's repositories or shorten names",
        });
        this.policyArn = policy.arn;

        const none = pulumi.output<string | undefined>(undefined);
        if (layout.role) {
            const role = trustedRole(this, { ...layout.role, permissionsBoundary: boundary, trustPolicy: trust.apply((d) => d!.trustPolicy) }, policy.arn, tags);
            this.roleArn = role.arn;
            this.oidcProviderArn = providerArn!;
            const preview = layout.previewRole;
            if (preview) {
                const previewPolicy = managedPolicy(this, preview.policy, trust.apply((d) => d!.previewPolicy!), tags, {
                    what: "preview",
                    remedy: "split the environment's repositories or shorten names",
                });
                this.previewRoleArn = trustedRole(
                    this,
                    { ...preview, permissionsBoundary: boundary, trustPolicy: trust.apply((d) => d!.previewTrustPolicy!) },
                    previewPolicy.arn,
                    tags,
                ).arn;
            } else {
                this.previewRoleArn = none;
            }
            this.userName = this.accessKeyId = this.secretAccessKey = this.encryptedSecretAccessKey = none;
        } else {
            const spec = layout.user!;
            const user = new iam.User(spec.childName, { name: target.apply(() => spec.name), path: spec.path, permissionsBoundary: boundary, tags }, { parent: this });
            new iam.UserPolicyAttachment(spec.childName, { user: user.name, policyArn: policy.arn }, { parent: this });
            const key = new iam.AccessKey(spec.childName, { user: user.name, pgpKey: spec.pgpKey }, { parent: this });
            this.userName = user.name;
            this.accessKeyId = key.id;
            this.secretAccessKey = spec.pgpKey ? none : pulumi.secret(key.secret);
            this.encryptedSecretAccessKey = spec.pgpKey ? key.encryptedSecret : none;
            this.roleArn = this.oidcProviderArn = this.previewRoleArn = none;
        }

        const authMode = layout.authMode;
        this.githubActionsSnippet = pulumi
            .all([this.roleArn, target, this.repositoryUrls, resolved])
            .apply(([roleArn, t, urls, a]) =>
                githubActionsSnippet({
                    authMode,
                    roleArn,
                    region: t.region,
                    audience: stsAudience(t),
                    environment: a.environment,
                    github: a.github,
                    repositories: layout.repositories.map((r) => ({ name: r.settings.name, url: urls[r.settings.name] })),
                    ...(a.ecsDeploy ? { ecs: { clusterArn: a.ecsDeploy.clusterArn, services: a.ecsDeploy.services } } : {}),
                }),
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

    private repository(
        repo: RepositoryLayout,
        target: pulumi.Output<AwsTarget>,
        documents: pulumi.Output<EnvironmentDocuments>,
        tags: Readonly<Record<string, string>>,
    ): { name: string; repository: ecr.Repository } {
        const { settings, childName } = repo;
        const repository = new ecr.Repository(
            childName,
            {
                name: target.apply(() => settings.name),
                imageTagMutability: settings.imageTagMutability,
                imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
                encryptionConfigurations: [settings.encryption],
                forceDelete: settings.forceDelete,
                tags,
            },
            { parent: this, protect: repo.protect },
        );
        new ecr.LifecyclePolicy(
            childName,
            { repository: repository.name, policy: documents.apply((d) => d.lifecyclePolicies[settings.name]) },
            { parent: this },
        );
        if (repo.pullAccounts.length > 0) {
            // pullAccounts are plain strings naming principals that already exist (IAM rejects a
            // repository policy naming a missing principal): nothing here races IAM propagation.
            new ecr.RepositoryPolicy(
                childName,
                { repository: repository.name, policy: documents.apply((d) => d.repositoryPolicies[settings.name]) },
                { parent: this },
            );
        }
        return { name: settings.name, repository };
    }

    /**
     * GitHub's provider: created here (protected — every environment of the account depends on it,
     * so it must outlive a torn-down dev stack), found by its URL, or the configured ARN.
     */
    private providerArn(layout: EnvironmentLayout, args: EcrCiEnvironmentArgs, target: pulumi.Output<AwsTarget>): pulumi.Output<string> {
        const provider = layout.oidcProvider;
        if (provider?.create) {
            return githubOidcProvider(this, provider.childName, provider.url, target.apply(stsAudience), layout.tags, true).arn;
        }
        if (provider?.lookup) {
            return getOpenIdConnectProviderOutput({ url: provider.url }, { parent: this }).arn;
        }
        return this.checkedProviderArn(args);
    }

    /** A configured provider ARN, re-checked once known (it may be another environment's Output). */
    private checkedProviderArn(args: EcrCiEnvironmentArgs): pulumi.Output<string> {
        return pulumi.output(args.oidcProvider).apply((arn) => {
            const problems = new Problems(argsKey);
            if (arn === undefined || arn === null || arn === OIDC_PROVIDER_CREATE || arn === OIDC_PROVIDER_LOOKUP) {
                // e.g. the `oidcProviderArn` of an environment in user mode: nothing to trust.
                problems.invalid("oidcProvider", arn, RESOLVED_OIDC_PROVIDER_RULE);
            } else {
                validateOidcProvider(arn, args.github, problems);
            }
            this.failIfAny(problems);
            return arn as string;
        });
    }

    /**
     * The target, once it passes the rules that need it: every configured ARN in its partition, the
     * OIDC provider and the ECS cluster in its account, and the documents (sized in its partition and
     * region) within IAM's limits. Warns when the ECS cluster is in another region.
     */
    private checkedTarget(target: AwsTarget, args: EcrCiEnvironmentArgs): AwsTarget {
        const problems = new Problems(argsKey);
        const warnings = checkTargetRules(args, { partition: target.partition, region: target.region, accountIds: [target.accountId] }, problems);
        if (problems.list.length === 0) {
            checkDocumentSizes(args, { ...target, project: pulumi.getProject(), stack: pulumi.getStack() }, problems);
        }
        this.failIfAny(problems, true);
        warnings.forEach((warning) => pulumi.log.warn(warning, this));
        return target;
    }

    /**
     * The args with every Input resolved. Outputs (an ECS cluster ARN from another resource, another
     * stack's repository ARN in `pullFrom`, the bootstrap's boundary through a StackReference) are
     * checked once known, with the target: plain values were checked before anything was registered.
     */
    private resolvedInputs(args: EcrCiEnvironmentArgs, target: pulumi.Output<AwsTarget>): pulumi.Output<ResolvedEnvironmentArgs> {
        const ecs = args.ecsDeploy;
        const plain = (values: readonly unknown[]) => values.every((v) => typeof v === "string");
        const ecsInputs = ecs ? [ecs.clusterArn, ...ecs.services, ...(ecs.passRoleArns ?? [])] : [];
        const givenAsOutputs = !plain(ecsInputs) || !plain(args.pullFrom ?? []) || !plain(args.permissionsBoundaryArn === undefined ? [] : [args.permissionsBoundaryArn]);
        const resolvedEcs: pulumi.Output<ResolvedEnvironmentArgs["ecsDeploy"]> = ecs
            ? pulumi
                  .all([ecs.clusterArn, pulumi.all(ecs.services), pulumi.all(ecs.passRoleArns ?? [])])
                  .apply(([clusterArn, services, passRoleArns]) => ({ clusterArn, services, passRoleArns }))
            : pulumi.output(undefined);
        const resolvedPullFrom = args.pullFrom ? pulumi.all(args.pullFrom) : pulumi.output(undefined);
        return pulumi
            .all([target, resolvedEcs, resolvedPullFrom, pulumi.output(args.permissionsBoundaryArn)])
            .apply(([t, ecsDeploy, pullFrom, permissionsBoundaryArn]) => {
                const resolved = {
                    ...(args as ResolvedEnvironmentArgs),
                    ...(ecsDeploy ? { ecsDeploy } : {}),
                    ...(pullFrom ? { pullFrom } : {}),
                    ...(permissionsBoundaryArn !== undefined ? { permissionsBoundaryArn } : {}),
                };
                const problems = new Problems(argsKey);
                if (ecsDeploy) {
                    checkEcsDeploy(ecsDeploy, problems);
                }
                if (pullFrom) {
                    promotion.validate(pullFrom, args, problems);
                }
                checkPermissionsBoundary(permissionsBoundaryArn, problems);
                if (givenAsOutputs) {
                    // Plain values were checked with the target already (checkedTarget).
                    const warnings = checkTargetRules(resolved as EcrCiEnvironmentArgs, { partition: t.partition, region: t.region, accountIds: [t.accountId] }, problems);
                    this.failIfAny(problems, true);
                    warnings.forEach((warning) => pulumi.log.warn(warning, this));
                }
                this.failIfAny(problems);
                return resolved;
            });
    }

    /** `shared`: the refusal fails many children's inputs (see below). */
    private failIfAny(problems: Problems, shared = false): void {
        if (problems.list.length > 0) {
            const error = new pulumi.ResourceError(formatProblems("EcrCiEnvironment has invalid arguments", problems.list), this);
            if (shared) {
                // A target refusal fails the inputs of every child, and Pulumi's serializer prefixes
                // `error serializing property "<name>": ` onto the one shared error's message per
                // failed property (@pulumi/pulumi runtime/rpc.js): once per child. The runtime
                // reports the error once (by identity); keep its text whole.
                const message = error.message;
                Object.defineProperty(error, "message", { get: () => message, set: () => undefined });
            }
            throw error;
        }
    }
}
