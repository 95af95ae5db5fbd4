// The plan of one environment: every resource to register with its inputs, and every document, as
// plain data. Pure: validated args in (Inputs resolved), plan out; resources/environment.ts only
// registers what it says. ARNs are named as IAM and ECR will write them, so no document waits for a
// resource to exist.
import type { Unwrap } from "@pulumi/pulumi";
import { AwsTarget, ecrRepositoryArn, iamArn, stsAudience } from "./aws";
import { CAPABILITIES, CapabilityScopes, PlanTarget } from "./capabilities";
import { crossAccountPullPolicy } from "./capabilities/cross-account-pull";
import { GitHub } from "../contract/args";
import { buildTrustPolicy, githubIssuer, oidcProviderArn } from "./github";
import { MANAGED_MARKER, MIN_SESSION_SECONDS, OIDC_PROVIDER_CREATE, OIDC_PROVIDER_LOOKUP, principalName, previewRoleName } from "./naming";
import { buildCiPolicy, buildPreviewPolicy } from "./permissions";
import { serializePolicy } from "./policy";
import { RepositorySettings, lifecyclePolicy, repositorySettings } from "./repository";
import { AuthMode, EcrCiEnvironmentArgs } from "../contract/args";

/** The args with every Input resolved (e.g. an `ecsDeploy.clusterArn` from another resource). */
export type ResolvedEnvironmentArgs = Unwrap<EcrCiEnvironmentArgs>;

/** One repository: its settings, and the child name (component name + repository name, never a position). */
export interface RepositoryLayout {
    readonly childName: string;
    readonly settings: RepositorySettings;
    readonly protect: boolean;
    /** Principals of a cross-account pull repository policy; none: no repository policy. */
    readonly pullAccounts: readonly string[];
}

/** A managed policy: physical name, path, description. */
export interface PolicyLayout {
    readonly childName: string;
    readonly name: string;
    readonly path: string;
    readonly description: string;
}

/** A role trusted through GitHub's OIDC provider. */
export interface RoleLayout extends PolicyLayout {
    readonly github: GitHub;
    readonly maxSessionDuration: number;
    readonly permissionsBoundary?: string;
}

export interface UserLayout extends PolicyLayout {
    readonly permissionsBoundary?: string;
    readonly pgpKey?: string;
}

/**
 * What to register, known from the args alone (so registration never waits on an Output): every
 * resource, its physical name and settings. The documents follow from `environmentDocuments`.
 */
export interface EnvironmentLayout {
    readonly authMode: AuthMode;
    /** Tags of every taggable resource: the user's, then the built-in ones, which they never replace. */
    readonly tags: Readonly<Record<string, string>>;
    readonly repositories: readonly RepositoryLayout[];
    readonly policy: PolicyLayout;
    /** OIDC mode: create GitHub's provider (its child name), or reuse the configured ARN. */
    readonly oidcProvider?:
        | { readonly create: true; readonly childName: string; readonly url: string }
        | { readonly create: false; readonly lookup: true; readonly url: string }
        | { readonly create: false; readonly lookup: false };
    readonly role?: RoleLayout;
    readonly user?: UserLayout;
    readonly previewRole?: RoleLayout & { readonly policy: PolicyLayout };
}

export function environmentLayout(name: string, args: EcrCiEnvironmentArgs): EnvironmentLayout {
    const env = args.environment;
    const authMode = args.authMode ?? AuthMode.Oidc;
    const protect = args.protect ?? true;
    const path = args.iamPath ?? (authMode === AuthMode.User ? "/ci/" : "/");
    // A boundary given as an Output is passed by the resource layer, checked once known.
    const boundary = typeof args.permissionsBoundaryArn === "string" ? args.permissionsBoundaryArn : undefined;
    const repositories = args.repositories.map((repo) => {
        const settings = repositorySettings(repo);
        // The child name is the component name plus the repository name, never a list position:
        // reordering the config must not replace (and so empty) a repository.
        return { childName: `${name}-${settings.name}`, settings, protect, pullAccounts: repo.pullAccounts ?? [] };
    });
    const layout = {
        authMode,
        tags: { ...args.tags, Environment: env, [MANAGED_MARKER.key]: MANAGED_MARKER.value },
        repositories,
        policy: {
            childName: `${name}-ci`,
            name: principalName(env),
            path: args.iamPath ?? "/",
            description: `ecr-ci: push/pull for the ${env} environment's repositories`,
        },
    };
    if (authMode === AuthMode.User) {
        return {
            ...layout,
            user: { childName: `${name}-ci`, name: principalName(env), path, description: "", permissionsBoundary: boundary, pgpKey: args.pgpKey },
        };
    }
    const github = args.github!;
    const creates = args.oidcProvider === undefined || args.oidcProvider === OIDC_PROVIDER_CREATE;
    return {
        ...layout,
        oidcProvider: creates
            ? { create: true, childName: `${name}-github`, url: githubIssuer(github).url }
            : args.oidcProvider === OIDC_PROVIDER_LOOKUP
              ? { create: false, lookup: true, url: githubIssuer(github).url }
              : { create: false, lookup: false },
        role: {
            childName: `${name}-ci`,
            name: principalName(env),
            path,
            description: `ecr-ci: GitHub Actions of ${github.owner}/${github.repository} for the ${env} environment`,
            github,
            maxSessionDuration: args.maxSessionDurationSeconds ?? MIN_SESSION_SECONDS,
            permissionsBoundary: boundary,
        },
        ...(args.previewRole
            ? {
                  previewRole: {
                      childName: `${name}-preview`,
                      name: previewRoleName(env),
                      path,
                      description: `ecr-ci: read-only pulumi preview for pull requests of ${github.owner}/${github.repository}, ${env} environment`,
                      github: previewGitHub(github),
                      maxSessionDuration: args.previewRole.maxSessionDurationSeconds ?? MIN_SESSION_SECONDS,
                      permissionsBoundary: boundary,
                      policy: {
                          childName: `${name}-preview`,
                          name: previewRoleName(env),
                          path,
                          description: `ecr-ci: read-only preview of the ${env} environment`,
                      },
                  },
              }
            : {}),
    };
}

/**
 * What the preview role trusts: only this repository's `pull_request` runs (sub `…:pull_request`,
 * ref `refs/pull/N/merge`, so never a `pull_request_target` run, a branch, a tag or an environment
 * job), with the same identity pins (IDs, subject format, issuer) and the same subject template as
 * the CI role. The reusable-workflow pin only when the template writes it into `sub`.
 */
export function previewGitHub(github: GitHub): GitHub {
    const { owner, repository, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef } = github;
    const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
    return defined({
        owner,
        repository,
        pullRequests: true,
        ownerId,
        repositoryId,
        subjectFormat,
        subjectClaims,
        enterpriseSlug,
        gheSubdomain,
        serverHost,
        jobWorkflowRef: subjectClaims?.includes("job_workflow_ref") ? jobWorkflowRef : undefined,
    });
}

/** The documents of the repositories and the CI policy, serialized as they are registered. */
export interface EnvironmentDocuments {
    readonly repositoryArns: readonly string[];
    readonly lifecyclePolicies: Readonly<Record<string, string>>;
    /** Repository name → cross-account pull policy, for repositories with `pullAccounts`. */
    readonly repositoryPolicies: Readonly<Record<string, string>>;
    readonly ciPolicy: string;
}

/** OIDC mode: the documents that name the provider. */
export interface TrustDocuments {
    readonly roleArn: string;
    readonly trustPolicy: string;
    readonly previewTrustPolicy?: string;
    readonly previewPolicy?: string;
}

/** Each configured capability's scope in the target. */
export function capabilityScopes(args: ResolvedEnvironmentArgs, target: PlanTarget): CapabilityScopes {
    const scopes: Record<string, unknown> = {};
    for (const capability of CAPABILITIES) {
        const value = args[capability.key];
        if (value !== undefined && value !== null) {
            scopes[capability.key] = capability.resolve(value as never, target, args);
        }
    }
    return scopes as CapabilityScopes;
}

/** The repositories' and the CI policy's documents of `layout` in `target`; `args` validated, Inputs resolved. */
export function environmentDocuments(layout: EnvironmentLayout, args: ResolvedEnvironmentArgs, target: PlanTarget): EnvironmentDocuments {
    const repositoryArns = layout.repositories.map((r) => ecrRepositoryArn(target, r.settings.name));
    return {
        repositoryArns,
        lifecyclePolicies: Object.fromEntries(layout.repositories.map((r) => [r.settings.name, JSON.stringify(lifecyclePolicy(r.settings))])),
        repositoryPolicies: Object.fromEntries(
            layout.repositories.filter((r) => r.pullAccounts.length > 0).map((r) => [r.settings.name, crossAccountPullPolicy(target.partition, r.pullAccounts)]),
        ),
        ciPolicy: serializePolicy(buildCiPolicy({ repositoryArns, ...capabilityScopes(args, target) })),
    };
}

/** The provider's ARN as IAM writes it, when this environment creates it or finds it by its URL. */
export function providerArnByUrl(layout: EnvironmentLayout, target: AwsTarget): string | undefined {
    const provider = layout.oidcProvider;
    return layout.role && (provider?.create || provider?.lookup)
        ? oidcProviderArn(target.partition, target.accountId, githubIssuer(layout.role.github))
        : undefined;
}

/**
 * OIDC mode: the role's and the preview role's documents, which name the provider `providerArn`
 * (the resource layer passes the provider's own ARN, so the roles wait for it).
 */
export function trustDocuments(layout: EnvironmentLayout, args: ResolvedEnvironmentArgs, target: PlanTarget, providerArn: string): TrustDocuments | undefined {
    const role = layout.role;
    if (!role) {
        return undefined;
    }
    const audience = stsAudience(target);
    const trust = (github: GitHub) => serializePolicy(buildTrustPolicy({ providerArn, audience, github }));
    const roleArn = roleArnOf(target, role);
    const preview = layout.previewRole;
    return {
        roleArn,
        trustPolicy: trust(role.github),
        ...(preview
            ? {
                  previewTrustPolicy: trust(preview.github),
                  previewPolicy: serializePolicy(
                      buildPreviewPolicy({
                          repositoryArns: layout.repositories.map((r) => ecrRepositoryArn(target, r.settings.name)),
                          iamArns: [roleArn, iamArn(target, `policy${layout.policy.path}${layout.policy.name}`), providerArn, roleArnOf(target, preview)],
                          findsOidcProvider: layout.oidcProvider?.create === false && layout.oidcProvider.lookup,
                          ...capabilityScopes(args, target),
                      }),
                  ),
              }
            : {}),
    };
}

function roleArnOf(target: Pick<AwsTarget, "partition" | "accountId">, role: PolicyLayout): string {
    return iamArn(target, `role${role.path}${role.name}`);
}
