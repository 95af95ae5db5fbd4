// GitHub Actions OIDC: issuer, subject claims and the role trust policy. Pure.
//
// Subject forms (GitHub docs, "OpenID Connect reference"):
//   branch       repo:OWNER/REPO:ref:refs/heads/BRANCH
//   tag          repo:OWNER/REPO:ref:refs/tags/TAG
//   environment  repo:OWNER/REPO:environment:NAME   (a job with an environment never gets the ref: form)
//   pull request repo:OWNER/REPO:pull_request       (pull_request events without an environment)
// Repositories created after 2026-07-15 (and renamed, transferred or opted-in ones) send the immutable
// form repo:OWNER@OWNER_ID/REPO@REPO_ID:...; with both IDs configured we accept both exact forms.
import type { GitHub } from "../contract/args";
import { ConditionBlock, PolicyDocument, PolicyStatement, policyDocument, sortedUnique } from "./policy";

export const GITHUB_TOKEN_HOST = "token.actions.githubusercontent.com";

export interface GitHubIssuer {
    /** The provider URL, `https://token.actions.githubusercontent.com[/<slug>]`. */
    readonly url: string;
    /** The IAM provider name and condition-key prefix, `token.actions.githubusercontent.com[/<slug>]`. */
    readonly host: string;
}

export function githubIssuer(enterpriseSlug?: string): GitHubIssuer {
    const host = enterpriseSlug ? `${GITHUB_TOKEN_HOST}/${enterpriseSlug}` : GITHUB_TOKEN_HOST;
    return { url: `https://${host}`, host };
}

/** The OIDC provider ARN for an issuer in an account. */
export function oidcProviderArn(partition: string, accountId: string, issuer: GitHubIssuer): string {
    return `arn:${partition}:iam::${accountId}:oidc-provider/${issuer.host}`;
}

/** A subject value is a pattern (StringLike) exactly when it contains `*`. */
export function isPattern(value: string): boolean {
    return value.includes("*");
}

export interface Subjects {
    /** Matched with StringEquals. */
    readonly exact: string[];
    /** Matched with StringLike. */
    readonly patterns: string[];
}

/** The `repo:` prefixes a token of this repository may carry: legacy, and immutable when IDs are known. */
export function repositoryPrefixes(github: GitHub): string[] {
    const legacy = `repo:${github.owner}/${github.repository}`;
    if (github.ownerId && github.repositoryId) {
        return [legacy, `repo:${github.owner}@${github.ownerId}/${github.repository}@${github.repositoryId}`];
    }
    return [legacy];
}

/** Every `sub` value the trust accepts, split into exact values and patterns, each sorted. */
export function githubSubjects(github: GitHub): Subjects {
    const suffixes = [
        ...(github.branches ?? []).map((b) => `ref:refs/heads/${b}`),
        ...(github.tags ?? []).map((t) => `ref:refs/tags/${t}`),
        ...(github.environments ?? []).map((e) => `environment:${e}`),
        ...(github.pullRequests ? ["pull_request"] : []),
    ];
    const all = repositoryPrefixes(github).flatMap((prefix) => suffixes.map((s) => `${prefix}:${s}`));
    return {
        exact: sortedUnique(all.filter((s) => !isPattern(s))),
        patterns: sortedUnique(all.filter(isPattern)),
    };
}

export interface TrustPolicyInput {
    readonly providerArn: string;
    readonly audience: string;
    readonly github: GitHub;
}

/**
 * The CI role's trust policy. Exact subjects and patterns live in separate statements: conditions
 * in one statement are ANDed, so mixing StringEquals and StringLike on `sub` there would match nothing.
 * No ForAllValues/ForAnyValue (sub and aud are single-valued), no sts:TagSession (not needed).
 */
export function buildTrustPolicy(input: TrustPolicyInput): PolicyDocument {
    const key = githubIssuer(input.github.enterpriseSlug).host;
    const subjects = githubSubjects(input.github);
    const common: Record<string, string> = { [`${key}:aud`]: input.audience };
    if (input.github.jobWorkflowRef) {
        common[`${key}:job_workflow_ref`] = input.github.jobWorkflowRef;
    }
    const statement = (sid: string, condition: ConditionBlock): PolicyStatement => ({
        Sid: sid,
        Effect: "Allow",
        Principal: { Federated: input.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
    });
    const statements: PolicyStatement[] = [];
    if (subjects.exact.length > 0) {
        statements.push(statement("GitHubActions", { StringEquals: { ...common, [`${key}:sub`]: subjects.exact } }));
    }
    if (subjects.patterns.length > 0) {
        statements.push(
            statement("GitHubActionsPatterns", {
                StringEquals: common,
                StringLike: { [`${key}:sub`]: subjects.patterns },
            }),
        );
    }
    return policyDocument(statements);
}
