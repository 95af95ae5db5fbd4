// Rules for the `github` settings (environment and deployer) and the OIDC provider ARN: pure
// functions that collect every problem, naming the field, echoing the value and saying what is allowed.
import { GITHUB_TOKEN_HOST } from "./github";
import { OIDC_PROVIDER_CREATE } from "./naming";
import type { Problems } from "../contract/problems";
import type { GitHub } from "../contract/args";

/** GitHub user and organization names: alphanumerics and single inner hyphens, at most 39. */
export const GITHUB_OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub repository names. */
export const GITHUB_REPOSITORY_RE = /^[A-Za-z0-9._-]{1,100}$/;
export const NUMERIC_ID_RE = /^[1-9][0-9]{0,19}$/;
export const ENTERPRISE_SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;
export const JOB_WORKFLOW_REF_RE =
    /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+\/\.github\/workflows\/[A-Za-z0-9._/-]+\.ya?ml@(?:refs\/(?:heads|tags)\/[^\s*?$]+|[0-9a-f]{40})$/;
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

export function environmentNameProblem(value: string): string | undefined {
    if (/^\*+$/.test(value)) {
        return `a pattern of only '*' matches every environment; name the environments (e.g. "production")`;
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
    if (github.enterpriseSlug !== undefined && !ENTERPRISE_SLUG_RE.test(github.enterpriseSlug)) {
        problems.invalid("github.enterpriseSlug", github.enterpriseSlug, "use the enterprise slug: lowercase letters, digits and '-' (e.g. \"acme-corp\")");
    }
    if (github.jobWorkflowRef !== undefined && !JOB_WORKFLOW_REF_RE.test(github.jobWorkflowRef)) {
        problems.invalid(
            "github.jobWorkflowRef",
            github.jobWorkflowRef,
            "use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards",
        );
    }
}

export function validateOidcProvider(value: unknown, enterpriseSlug: string | undefined, problems: Problems): void {
    if (typeof value !== "string" || value === OIDC_PROVIDER_CREATE) {
        return; // an Output is checked when known
    }
    const expected = enterpriseSlug ? `${GITHUB_TOKEN_HOST}/${enterpriseSlug}` : GITHUB_TOKEN_HOST;
    const match = OIDC_PROVIDER_ARN_RE.exec(value);
    if (!match || match[3] !== expected) {
        problems.invalid(
            "oidcProvider",
            value,
            `use "create" or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/${expected}`,
        );
    }
}
