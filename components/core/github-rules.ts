// Rules for the `github` settings (environment and deployer) and the OIDC provider ARN: pure
// functions that collect every problem, naming the field, echoing the value and saying what is allowed.
import { ANY_REF, IssuerSettings, SUBJECT_CLAIM_KEYS, githubIssuer } from "./github";
import { OIDC_PROVIDER_CREATE, OIDC_PROVIDER_LOOKUP } from "./naming";
import type { Problems } from "../contract/problems";
import { GitHub, SubjectFormat } from "../contract/args";

/** GitHub user and organization names: alphanumerics and single inner hyphens, at most 39. */
export const GITHUB_OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub repository names. */
export const GITHUB_REPOSITORY_RE = /^[A-Za-z0-9._-]{1,100}$/;
export const NUMERIC_ID_RE = /^[1-9][0-9]{0,19}$/;
export const ENTERPRISE_SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
export const JOB_WORKFLOW_REF_RE =
    /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[A-Za-z0-9._/-]+\.ya?ml@(?:refs\/(?:heads|tags)\/[^\s*?$]+|[0-9a-f]{40})$/;
/** GHE.com subdomains (`https://<subdomain>.ghe.com`): a DNS label. */
export const GHE_SUBDOMAIN_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** GitHub Enterprise Server host names: lowercase DNS names with at least one dot, no scheme, port or path. */
export const SERVER_HOST_RE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const OIDC_PROVIDER_ARN_RE = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):oidc-provider\/(.+)$/;

/** Why a git ref name (branch or tag) is not usable in a `sub` claim, or undefined if it is. */
export function refNameProblem(value: string, kind: "branch" | "tag"): string | undefined {
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

/**
 * Why a GitHub environment name is not usable in a trust policy, or undefined. No patterns: a job
 * names one exact environment (`environment: NAME`), and each environment's protection rules are
 * configured by name, so `prod*` would also trust `prod-sandbox`, which nobody protected — with no
 * refs trusted, from a pull request's ref too (review finding; tests/hardening.test.ts).
 */
export function environmentNameProblem(value: string): string | undefined {
    if (/^\*+$/.test(value)) {
        return `a pattern of only '*' matches every environment; name the environments (e.g. "production")`;
    }
    if (value.includes("*")) {
        return `GitHub environment names are exact, and a pattern would also match environments nobody protected (e.g. "prod-sandbox" for "prod*"); list each environment by name (e.g. "production")`;
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
    validateIssuer(github, problems);
    validateSubjects(github, problems);
    const workflows = github.jobWorkflowRef as unknown;
    const workflowList = typeof workflows === "string" ? [workflows] : workflows;
    if (workflowList !== undefined && !Array.isArray(workflowList)) {
        problems.invalid("github.jobWorkflowRef", workflows, "use a list of reusable workflow references (or one)");
    } else {
        (workflowList ?? []).forEach((value: unknown, i: number) => {
            if (typeof value !== "string" || !JOB_WORKFLOW_REF_RE.test(value)) {
                problems.invalid(
                    `github.jobWorkflowRef[${i}]`,
                    value,
                    "use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards",
                );
            }
        });
    }
}

/** The issuer settings: each well-formed, at most one of them. */
function validateIssuer(github: GitHub, problems: Problems): void {
    if (github.enterpriseSlug !== undefined && !ENTERPRISE_SLUG_RE.test(github.enterpriseSlug)) {
        problems.invalid("github.enterpriseSlug", github.enterpriseSlug, "use the enterprise slug: lowercase letters, digits and '-' (e.g. \"acme-corp\")");
    }
    if (github.gheSubdomain !== undefined && !GHE_SUBDOMAIN_RE.test(github.gheSubdomain)) {
        problems.invalid("github.gheSubdomain", github.gheSubdomain, `use the subdomain of your GHE.com enterprise, as in https://SUBDOMAIN.ghe.com: lowercase letters, digits and '-' (e.g. "octocorp")`);
    }
    if (github.serverHost !== undefined) {
        const host = github.serverHost;
        if (typeof host !== "string" || !SERVER_HOST_RE.test(host)) {
            problems.invalid("github.serverHost", host, `use the GitHub Enterprise Server host name only, no scheme, port or path (e.g. "github.acme.com")`);
        } else if (host === "github.com" || host.endsWith(".ghe.com")) {
            problems.invalid("github.serverHost", host, `is not a GitHub Enterprise Server: for github.com remove serverHost; for GHE.com set github.gheSubdomain instead`);
        }
    }
    const set = (["enterpriseSlug", "gheSubdomain", "serverHost"] as const).filter((k) => github[k] !== undefined);
    if (set.length > 1) {
        problems.other(
            "github",
            `sets ${set.map((k) => `github.${k}`).join(" and ")}: they name different token issuers (enterpriseSlug: github.com's unique issuer, gheSubdomain: GHE.com, serverHost: GitHub Enterprise Server); keep one`,
        );
    }
}

/** subjectFormat, subjectClaims and environmentRefs. */
function validateSubjects(github: GitHub, problems: Problems): void {
    const issuer = githubIssuer(github);
    const hasIds = github.ownerId !== undefined && github.repositoryId !== undefined;
    const formats = Object.values(SubjectFormat);
    const format = github.subjectFormat;
    if (format !== undefined) {
        if (!formats.includes(format)) {
            problems.invalid("github.subjectFormat", format, `use ${formats.map((f) => JSON.stringify(f)).join(", ")}`);
        } else if (format !== SubjectFormat.Legacy && github.serverHost !== undefined) {
            problems.invalid("github.subjectFormat", format, `GitHub Enterprise Server sends only legacy subjects (repo:OWNER/REPO:…): use "legacy" or remove it`);
        } else if (format !== SubjectFormat.Legacy && !hasIds) {
            problems.invalid(
                "github.subjectFormat",
                format,
                `the immutable subject repo:OWNER@OWNER_ID/REPO@REPO_ID:… needs github.ownerId and github.repositoryId (npm run github-ids -- OWNER/REPO prints them); set both, or use "legacy"`,
            );
        }
    }

    const claims = github.subjectClaims;
    if (claims !== undefined) {
        const supported: readonly string[] = SUBJECT_CLAIM_KEYS;
        if (!Array.isArray(claims) || claims.length === 0) {
            problems.invalid("github.subjectClaims", claims, `list the template's include_claim_keys in order, e.g. ["repo", "context", "job_workflow_ref"]`);
        } else {
            claims.forEach((key, i) => {
                if (!supported.includes(key)) {
                    problems.invalid(
                        `github.subjectClaims[${i}]`,
                        key,
                        `ecr-ci cannot know this claim's value ahead of time; use only ${SUBJECT_CLAIM_KEYS.join(", ")} (or trust it another way)`,
                    );
                } else if (claims.indexOf(key) !== i) {
                    problems.invalid(`github.subjectClaims[${i}]`, key, `duplicates github.subjectClaims[${claims.indexOf(key)}]; GitHub's claim keys are unique`);
                }
            });
            if (!claims.includes("repo")) {
                problems.invalid(
                    "github.subjectClaims",
                    claims,
                    `a template without "repo" gives a sub that does not name the repository, so a role trusting it could be assumed from other repositories; add "repo" (e.g. ["repo", "context", "job_workflow_ref"])`,
                );
            }
            if (claims.includes("repo") && claims[0] !== "repo") {
                // GitHub writes the claims in template order (OIDC reference, "Customizing the subject
                // claims": ["repo", "context", "job_workflow_ref"] gives repo:octo-org/octo-repo:…),
                // so repo first is always possible.
                problems.invalid(
                    "github.subjectClaims",
                    claims,
                    `"repo" must come first: only a sub that starts with repo:OWNER/REPO: names the repository by its start; with claims before it (e.g. ref:*:repo:acme/app) keeping other repositories out would depend on how GitHub escapes ':' in the values before it; reorder the template in GitHub and here (e.g. ["repo", "context", "job_workflow_ref"])`,
                );
            }
            if (!claims.includes("context")) {
                problems.invalid(
                    "github.subjectClaims",
                    claims,
                    `a template without "context" gives the same sub to a push, a pull_request_target run and an environment job; add "context" (e.g. ["repo", "context", "job_workflow_ref"])`,
                );
            }
            if (claims.includes("job_workflow_ref") && github.jobWorkflowRef === undefined) {
                problems.other("github.jobWorkflowRef", `is required with "job_workflow_ref" in github.subjectClaims: list the reusable workflows whose jobs may assume the role`);
            }
            for (const key of ["repository_id", "repository_owner_id"] as const) {
                if (claims.includes(key) && !hasIds) {
                    problems.other(`github.${key === "repository_id" ? "repositoryId" : "ownerId"}`, `is required with "${key}" in github.subjectClaims: set github.ownerId and github.repositoryId`);
                }
            }
            if (claims.includes("environment") && (github.branches?.length || github.tags?.length || github.pullRequests)) {
                problems.invalid(
                    "github.subjectClaims",
                    claims,
                    `with "environment" in the template only jobs that name an environment get a token; trust github.environments only (remove branches, tags and pullRequests)`,
                );
            }
        }
    }

    const rawRefs = github.environmentRefs as unknown;
    const refs = typeof rawRefs === "string" ? [rawRefs] : rawRefs;
    if (refs !== undefined) {
        if (!Array.isArray(refs) || refs.length === 0) {
            problems.invalid("github.environmentRefs", refs, `list full refs (e.g. ["refs/heads/main", "refs/tags/v*"]), or use "any"`);
        } else if (!issuer.claimKeys) {
            problems.other("github.environmentRefs", `cannot be enforced for GitHub Enterprise Server (STS checks no ref claim for its tokens): remove it, and restrict the environments' deployment branches in GitHub`);
        } else if ((github.environments ?? []).length === 0) {
            problems.other("github.environmentRefs", `only applies with github.environments: remove it, or list the environments`);
        } else if (refs.includes(ANY_REF)) {
            if (refs.length > 1) {
                problems.invalid("github.environmentRefs", refs, `"any" accepts every ref: use it alone, or list the refs`);
            }
        } else {
            refs.forEach((ref: unknown, i: number) => {
                const problem = typeof ref !== "string" ? "must be a string" : refProblem(ref);
                if (problem) {
                    problems.invalid(`github.environmentRefs[${i}]`, ref, problem);
                }
            });
        }
    }
    if (!issuer.claimKeys && github.pullRequests) {
        problems.other(
            "github.pullRequests",
            `cannot be trusted on GitHub Enterprise Server: STS checks no ref claim for its tokens, so a pull_request_target run (which may execute fork code) would present the same subject as a pull request; remove it`,
        );
    }
}

/** Why a full ref (`refs/heads/B` or `refs/tags/T`, patterns allowed) is not usable, or undefined. */
export function refProblem(value: string): string | undefined {
    const match = /^refs\/(heads|tags)\/(.*)$/.exec(value);
    if (!match) {
        return `use a full branch or tag ref, refs/heads/BRANCH or refs/tags/TAG (patterns with '*', e.g. "refs/heads/main" or "refs/tags/v*"), or "any" alone`;
    }
    return refNameProblem(match[2], match[1] === "heads" ? "branch" : "tag");
}

/** `oidcProvider`: "create" or the ARN of the provider of the configured issuer (`issuer`: the github settings, or an enterprise slug). */
export function validateOidcProvider(value: unknown, issuer: IssuerSettings | string | undefined, problems: Problems): void {
    if (typeof value !== "string" || value === OIDC_PROVIDER_CREATE || value === OIDC_PROVIDER_LOOKUP) {
        return; // an Output is checked when known
    }
    const expected = githubIssuer(issuer).host;
    const match = OIDC_PROVIDER_ARN_RE.exec(value);
    if (!match || match[3] !== expected) {
        problems.invalid(
            "oidcProvider",
            value,
            `use "create", "lookup" (find the account's provider by its URL) or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/${expected}`,
        );
    }
}
