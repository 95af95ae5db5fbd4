// The GitHub rules (validateGitHub in components/core/github-rules.ts) through the environment's
// validation: git ref and environment names at their edges (only '*', `refs/` given, `${`, `.lock`,
// 255/256 characters), owner and repository, the numeric IDs, reusable workflows, the issuers,
// subject formats and templates, environmentRefs. Whole messages, accepted rows beside refused ones.
// Written against the mutants `npm run mutate` found alive.
import assert from "assert/strict";
import { validateEnvironmentArgs } from "../../components/core/validate";
import type { EcrCiEnvironmentArgs } from "../../components/contract/args";

interface Row {
    readonly name: string;
    readonly github: Record<string, unknown>;
    readonly problems: readonly string[];
}

const ROWS: readonly Row[] = [
    {
        name: "branch only slashes and stars",
        github: {"owner": "acme", "repository": "app", "branches": ["*/*"]},
        problems: [
            "args.github.branches[0] = \"*/*\": a pattern of only '*' matches every branch; name the branches or a narrower pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch refs/ prefix",
        github: {"owner": "acme", "repository": "app", "branches": ["refs/heads/main"]},
        problems: [
            "args.github.branches[0] = \"refs/heads/main\": give the branch name without \"refs/heads/\" (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "tag refs/ prefix",
        github: {"owner": "acme", "repository": "app", "branches": [], "tags": ["refs/tags/v1"]},
        problems: [
            "args.github.tags[0] = \"refs/tags/v1\": give the tag name without \"refs/tags/\" (e.g. \"v1.2.3\" or \"v*\")"
        ],
    },
    {
        name: "branch empty",
        github: {"owner": "acme", "repository": "app", "branches": [""]},
        problems: [
            "args.github.branches[0] = \"\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch ${",
        github: {"owner": "acme", "repository": "app", "branches": ["a${x}"]},
        problems: [
            "args.github.branches[0] = \"a${x}\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch .lock",
        github: {"owner": "acme", "repository": "app", "branches": ["a.lock"]},
        problems: [
            "args.github.branches[0] = \"a.lock\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch leading dash",
        github: {"owner": "acme", "repository": "app", "branches": ["-a"]},
        problems: [
            "args.github.branches[0] = \"-a\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch trailing dot",
        github: {"owner": "acme", "repository": "app", "branches": ["a."]},
        problems: [
            "args.github.branches[0] = \"a.\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch trailing slash",
        github: {"owner": "acme", "repository": "app", "branches": ["a/"]},
        problems: [
            "args.github.branches[0] = \"a/\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "branch lock in middle ok",
        github: {"owner": "acme", "repository": "app", "branches": ["a.locked"]},
        problems: [],
    },
    {
        name: "branch dash inside ok",
        github: {"owner": "acme", "repository": "app", "branches": ["a-b/c.d"]},
        problems: [],
    },
    {
        name: "tag only stars",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "tags": ["**"]},
        problems: [
            "args.github.tags[0] = \"**\": a pattern of only '*' matches every tag; name the tags or a narrower pattern (e.g. \"v1.2.3\" or \"v*\")"
        ],
    },
    {
        name: "env only stars",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["**"]},
        problems: [
            "args.github.environments[0] = \"**\": a pattern of only '*' matches every environment; name the environments (e.g. \"production\")"
        ],
    },
    {
        // Environment names are exact (found by review): a pattern would also trust unprotected ones.
        name: "env star inside refused",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["prod*"]},
        problems: [
            "args.github.environments[0] = \"prod*\": GitHub environment names are exact, and a pattern would also match environments nobody protected (e.g. \"prod-sandbox\" for \"prod*\"); list each environment by name (e.g. \"production\")"
        ],
    },
    {
        name: "env empty",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": [""]},
        problems: [
            "args.github.environments[0] = \"\": not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. \"production\")"
        ],
    },
    {
        name: "env 255 ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"]},
        problems: [],
    },
    {
        name: "env 256",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"]},
        problems: [
            "args.github.environments[0] = \"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee...: not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. \"production\")"
        ],
    },
    {
        name: "env ${",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["a${b}"]},
        problems: [
            "args.github.environments[0] = \"a${b}\": not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. \"production\")"
        ],
    },
    {
        name: "env spaces",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": [" prod"]},
        problems: [
            "args.github.environments[0] = \" prod\": not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. \"production\")"
        ],
    },
    {
        name: "owner empty",
        github: {"owner": "", "repository": "app", "branches": ["main"]},
        problems: [
            "args.github.owner is required: the GitHub user or organization that owns the repository (e.g. \"acme\")"
        ],
    },
    {
        name: "owner number",
        github: {"owner": 5, "repository": "app", "branches": ["main"]},
        problems: [
            "args.github.owner is required: the GitHub user or organization that owns the repository (e.g. \"acme\")"
        ],
    },
    {
        name: "repo empty",
        github: {"owner": "acme", "repository": "", "branches": ["main"]},
        problems: [
            "args.github.repository is required: the repository name without the owner (e.g. \"app\")"
        ],
    },
    {
        name: "repo number",
        github: {"owner": "acme", "repository": 5, "branches": ["main"]},
        problems: [
            "args.github.repository is required: the repository name without the owner (e.g. \"app\")"
        ],
    },
    {
        name: "repo dot",
        github: {"owner": "acme", "repository": ".", "branches": ["main"]},
        problems: [
            "args.github.repository = \".\": use the GitHub repository name: 1–100 letters, digits, '.', '_' or '-' (e.g. \"app\")"
        ],
    },
    {
        name: "repo dotdot",
        github: {"owner": "acme", "repository": "..", "branches": ["main"]},
        problems: [
            "args.github.repository = \"..\": use the GitHub repository name: 1–100 letters, digits, '.', '_' or '-' (e.g. \"app\")"
        ],
    },
    {
        name: "repo dotname ok",
        github: {"owner": "acme", "repository": ".github", "branches": ["main"]},
        problems: [],
    },
    {
        name: "branch non-string",
        github: {"owner": "acme", "repository": "app", "branches": [5]},
        problems: [
            "args.github.branches[0] = 5: must be a string"
        ],
    },
    {
        name: "no subjects",
        github: {"owner": "acme", "repository": "app"},
        problems: [
            "args.github names no workflow that may assume the role: set at least one of github.branches, github.tags, github.environments or github.pullRequests (e.g. branches: [\"main\"])"
        ],
    },
    {
        name: "only pull requests",
        github: {"owner": "acme", "repository": "app", "pullRequests": true},
        problems: [],
    },
    {
        name: "only one env",
        github: {"owner": "acme", "repository": "app", "environments": ["prod"]},
        problems: [],
    },
    {
        name: "only one tag",
        github: {"owner": "acme", "repository": "app", "tags": ["v1"]},
        problems: [],
    },
    {
        name: "ownerId alone",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "ownerId": "1"},
        problems: [
            "args.github.repositoryId is required with github.ownerId: set both numeric IDs (from the GitHub API: /repos/OWNER/REPO → owner.id and id) or neither"
        ],
    },
    {
        name: "repositoryId alone",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "repositoryId": "1"},
        problems: [
            "args.github.ownerId is required with github.repositoryId: set both numeric IDs (from the GitHub API: /repos/OWNER/REPO → owner.id and id) or neither"
        ],
    },
    {
        name: "ids not digits",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "ownerId": "1a", "repositoryId": 7},
        problems: [
            "args.github.ownerId = \"1a\": must be GitHub's numeric ID, digits only (e.g. \"123456789\")",
            "args.github.repositoryId = 7: must be GitHub's numeric ID, digits only (e.g. \"123456789\")"
        ],
    },
    {
        name: "jobWorkflowRef string ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "jobWorkflowRef": "acme/wf/.github/workflows/d.yml@refs/heads/main"},
        problems: [],
    },
    {
        name: "jobWorkflowRef string bad",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "jobWorkflowRef": "acme/wf"},
        problems: [
            "args.github.jobWorkflowRef[0] = \"acme/wf\": use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards"
        ],
    },
    {
        name: "jobWorkflowRef object",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "jobWorkflowRef": {"a": 1}},
        problems: [
            "args.github.jobWorkflowRef = {\"a\":1}: use a list of reusable workflow references (or one)"
        ],
    },
    {
        name: "jobWorkflowRef list nonstring",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "jobWorkflowRef": [5]},
        problems: [
            "args.github.jobWorkflowRef[0] = 5: use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards"
        ],
    },
    {
        name: "enterpriseSlug ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "enterpriseSlug": "acme-corp"},
        problems: [],
    },
    {
        name: "gheSubdomain ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "gheSubdomain": "octocorp"},
        problems: [],
    },
    {
        name: "serverHost number",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "serverHost": 5},
        problems: [
            "args.github.serverHost = 5: use the GitHub Enterprise Server host name only, no scheme, port or path (e.g. \"github.acme.com\")"
        ],
    },
    {
        name: "serverHost github.com",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "serverHost": "github.com"},
        problems: [
            "args.github.serverHost = \"github.com\": is not a GitHub Enterprise Server: for github.com remove serverHost; for GHE.com set github.gheSubdomain instead"
        ],
    },
    {
        name: "serverHost ghe.com",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "serverHost": "x.ghe.com"},
        problems: [
            "args.github.serverHost = \"x.ghe.com\": is not a GitHub Enterprise Server: for github.com remove serverHost; for GHE.com set github.gheSubdomain instead"
        ],
    },
    {
        name: "serverHost ghe.com prefix ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "serverHost": "ghe.com.acme.com"},
        problems: [],
    },
    {
        name: "serverHost ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "serverHost": "github.acme.com"},
        problems: [],
    },
    {
        name: "immutable without ids",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectFormat": "immutable"},
        problems: [
            "args.github.subjectFormat = \"immutable\": the immutable subject repo:OWNER@OWNER_ID/REPO@REPO_ID:… needs github.ownerId and github.repositoryId (npm run github-ids -- OWNER/REPO prints them); set both, or use \"legacy\""
        ],
    },
    {
        name: "immutable with one id",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectFormat": "immutable", "ownerId": "1"},
        problems: [
            "args.github.repositoryId is required with github.ownerId: set both numeric IDs (from the GitHub API: /repos/OWNER/REPO → owner.id and id) or neither",
            "args.github.subjectFormat = \"immutable\": the immutable subject repo:OWNER@OWNER_ID/REPO@REPO_ID:… needs github.ownerId and github.repositoryId (npm run github-ids -- OWNER/REPO prints them); set both, or use \"legacy\""
        ],
    },
    {
        name: "immutable with ids ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectFormat": "immutable", "ownerId": "123456789", "repositoryId": "987654321"},
        problems: [],
    },
    {
        name: "both with ids ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectFormat": "both", "ownerId": "123456789", "repositoryId": "987654321"},
        problems: [],
    },
    {
        name: "legacy on GHES ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectFormat": "legacy", "serverHost": "github.acme.com"},
        problems: [],
    },
    {
        name: "claims empty",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectClaims": []},
        problems: [
            "args.github.subjectClaims = []: list the template's include_claim_keys in order, e.g. [\"repo\", \"context\", \"job_workflow_ref\"]"
        ],
    },
    {
        name: "claims not list",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectClaims": "repo"},
        problems: [
            "args.github.subjectClaims = \"repo\": list the template's include_claim_keys in order, e.g. [\"repo\", \"context\", \"job_workflow_ref\"]"
        ],
    },
    {
        name: "claims repository_id without ids",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectClaims": ["repo", "context", "repository_id"]},
        problems: [
            "args.github.repositoryId is required with \"repository_id\" in github.subjectClaims: set github.ownerId and github.repositoryId"
        ],
    },
    {
        name: "claims repository_owner_id without ids",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectClaims": ["repo", "context", "repository_owner_id"]},
        problems: [
            "args.github.ownerId is required with \"repository_owner_id\" in github.subjectClaims: set github.ownerId and github.repositoryId"
        ],
    },
    {
        name: "claims repository_id with ids ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "subjectClaims": ["repo", "context", "repository_id"], "ownerId": "123456789", "repositoryId": "987654321"},
        problems: [],
    },
    {
        name: "claims env with tags",
        github: {"owner": "acme", "repository": "app", "tags": ["v1"], "environments": ["p"], "subjectClaims": ["repo", "context", "environment"]},
        problems: [
            "args.github.subjectClaims = [\"repo\",\"context\",\"environment\"]: with \"environment\" in the template only jobs that name an environment get a token; trust github.environments only (remove branches, tags and pullRequests)"
        ],
    },
    {
        name: "claims env with pr",
        github: {"owner": "acme", "repository": "app", "pullRequests": true, "environments": ["p"], "subjectClaims": ["repo", "context", "environment"]},
        problems: [
            "args.github.subjectClaims = [\"repo\",\"context\",\"environment\"]: with \"environment\" in the template only jobs that name an environment get a token; trust github.environments only (remove branches, tags and pullRequests)"
        ],
    },
    {
        name: "claims env with branches",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "subjectClaims": ["repo", "context", "environment"]},
        problems: [
            "args.github.subjectClaims = [\"repo\",\"context\",\"environment\"]: with \"environment\" in the template only jobs that name an environment get a token; trust github.environments only (remove branches, tags and pullRequests)"
        ],
    },
    {
        name: "claims env only ok",
        github: {"owner": "acme", "repository": "app", "environments": ["p"], "subjectClaims": ["repo", "context", "environment"]},
        problems: [],
    },
    {
        name: "envRefs empty list",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": []},
        problems: [
            "args.github.environmentRefs = []: list full refs (e.g. [\"refs/heads/main\", \"refs/tags/v*\"]), or use \"any\""
        ],
    },
    {
        name: "envRefs object",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": {"a": 1}},
        problems: [
            "args.github.environmentRefs = {\"a\":1}: list full refs (e.g. [\"refs/heads/main\", \"refs/tags/v*\"]), or use \"any\""
        ],
    },
    {
        name: "envRefs any alone ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": "any"},
        problems: [],
    },
    {
        name: "envRefs any with more",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["any", "refs/heads/main"]},
        problems: [
            "args.github.environmentRefs = [\"any\",\"refs/heads/main\"]: \"any\" accepts every ref: use it alone, or list the refs"
        ],
    },
    {
        name: "envRefs one ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["refs/heads/main"]},
        problems: [],
    },
    {
        name: "envRefs non-string",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": [5]},
        problems: [
            "args.github.environmentRefs[0] = 5: must be a string"
        ],
    },
    {
        name: "envRefs not refs",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["main", "xrefs/heads/a", "refs/heads/a/x"]},
        problems: [
            "args.github.environmentRefs[0] = \"main\": use a full branch or tag ref, refs/heads/BRANCH or refs/tags/TAG (patterns with '*', e.g. \"refs/heads/main\" or \"refs/tags/v*\"), or \"any\" alone",
            "args.github.environmentRefs[1] = \"xrefs/heads/a\": use a full branch or tag ref, refs/heads/BRANCH or refs/tags/TAG (patterns with '*', e.g. \"refs/heads/main\" or \"refs/tags/v*\"), or \"any\" alone"
        ],
    },
    {
        name: "envRefs bad tag name",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["refs/tags/a..b", "refs/heads/a..b"]},
        problems: [
            "args.github.environmentRefs[0] = \"refs/tags/a..b\": not a valid git tag name; use the name as git shows it, '*' for a pattern (e.g. \"v1.2.3\" or \"v*\")",
            "args.github.environmentRefs[1] = \"refs/heads/a..b\": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. \"main\" or \"release/*\")"
        ],
    },
    {
        name: "envRefs tag ok",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["refs/tags/v*"]},
        problems: [],
    },
    {
        name: "envRefs trailing",
        github: {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["refs/heads/main\n"]},
        problems: [
            "args.github.environmentRefs[0] = \"refs/heads/main\\n\": use a full branch or tag ref, refs/heads/BRANCH or refs/tags/TAG (patterns with '*', e.g. \"refs/heads/main\" or \"refs/tags/v*\"), or \"any\" alone"
        ],
    },
];

describe("GitHub rules at their edges, whole messages", () => {
    it("the table has accepted and refused rows", () => {
        assert.ok(ROWS.some((r) => r.problems.length === 0) && ROWS.some((r) => r.problems.length > 0));
    });
    for (const row of ROWS) {
        it(row.name, () => {
            const args = { environment: "dev", repositories: [{ name: "app-dev" }], github: row.github };
            assert.deepEqual(validateEnvironmentArgs(args as unknown as EcrCiEnvironmentArgs), row.problems);
        });
    }
});
