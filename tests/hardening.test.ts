// Findings of the security review of main, each closed with whole-message validation and rows of the
// independent evaluator (tests/support/iam-eval.ts) that were decided the other way before the fix.
import assert from "assert/strict";
import { parseStackConfig } from "../components/contract/parse";
import type { EcrCiDeployerArgs, GitHub } from "../components/contract/args";
import { Problems, argsKey } from "../components/contract/problems";
import { CREATED_BY_TAG_KEY } from "../components/core/capabilities/create-repositories";
import { TAG_KEY_RE } from "../components/core/checks";
import { buildBoundaryPolicy, deployerScope, validateDeployerArgs } from "../components/core/deployer-plan";
import { ResolvedEnvironmentArgs, capabilityScopes } from "../components/core/environment-plan";
import { buildTrustPolicy } from "../components/core/github";
import { validateGitHub } from "../components/core/github-rules";
import { buildCiPolicy } from "../components/core/permissions";
import type { PolicyDocument } from "../components/core/policy";
import { Decision, evaluateIdentity, evaluateTrust } from "./support/iam-eval";
import { stsView, token } from "./support/tokens";

const ACCOUNT = "123456789012";
const TARGET = { partition: "aws", region: "eu-west-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com", project: "ecr-ci", stack: "dev" };
const GITHUB = { owner: "acme", repository: "app", branches: ["main"] };
const repo = (name: string) => `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`;

function config(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`ecr-ci:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

function problems(...lines: string[]): string {
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    return [`Invalid ecr-ci stack configuration: ${count}:`, ...lines.map((l) => `  - ${l}`)].join("\n");
}

type Context = Record<string, string | string[]>;
interface Row {
    name: string;
    action: string;
    resource: string;
    context?: Context;
    expected: Decision;
}

/** One test per row; a table needs allowed and denied rows, so it cannot pass because everything is denied. */
function identityTable(policy: object, rows: Row[], principalArn: string): void {
    const decisions = new Set(rows.map((r) => r.expected));
    assert.ok(decisions.has("Allowed") && decisions.has("ImplicitlyDenied"), "a table needs allowed and denied rows");
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => {
            assert.equal(await evaluateIdentity([policy], { principalArn, action: row.action, resource: row.resource, context: row.context }), row.expected);
        });
    }
}

/** The CI policy an environment's stack config produces, through the same parse and plan as the program. */
function ciPolicyOf(values: Record<string, unknown>): object {
    const args = parseStackConfig(config(values)) as ResolvedEnvironmentArgs;
    return buildCiPolicy({ repositoryArns: args.repositories.map((r) => repo(r.name)), ...capabilityScopes(args, { ...TARGET, stack: args.environment }) });
}

const request = (tags: Record<string, string>): Context => ({
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    "aws:TagKeys": Object.keys(tags),
});
const resource = (tags: Record<string, string>): Context => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

describe("review finding 1: one environment's creation guard never reaches another environment's created repositories", () => {
    // The review's configuration: same account and region, overlapping prefix, guards with different keys.
    const dev = ciPolicyOf({ environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB, createRepositories: { namePrefix: "svc/", requiredTags: { team: "dev" } } });
    const prod = ciPolicyOf({
        environment: "prod",
        repositories: [{ name: "app-prod" }],
        github: GITHUB,
        createRepositories: { namePrefix: "svc/", requiredTags: { "created-by": "prod-ci" } },
    });
    // svc/payments as prod's pipeline creates it now: its guard and the built-in tag naming prod.
    const prodCreated = { "created-by": "prod-ci", [CREATED_BY_TAG_KEY]: "prod" };
    const devCreated = { team: "dev", [CREATED_BY_TAG_KEY]: "dev" };

    describe("dev's pipeline (guard team: dev)", () => {
        identityTable(
            dev,
            [
                // Allowed before the fix: the Null check covered only dev's own key.
                { name: "retag prod's created svc/payments into dev's guard (the review's request)", action: "ecr:TagResource", resource: repo("svc/payments"), context: { ...resource(prodCreated), ...request({ team: "dev" }) }, expected: "ImplicitlyDenied" },
                {
                    name: "retag svc/payments as the review found it (created-by: prod-ci only)",
                    action: "ecr:TagResource",
                    resource: repo("svc/payments"),
                    context: { ...resource({ "created-by": "prod-ci" }), ...request({ team: "dev" }) },
                    expected: "ImplicitlyDenied",
                },
                {
                    name: "retag prod's created repository with dev's guard and ecr-ci:created-by=dev",
                    action: "ecr:TagResource",
                    resource: repo("svc/payments"),
                    context: { ...resource(prodCreated), ...request(devCreated) },
                    expected: "ImplicitlyDenied",
                },
                {
                    name: "retag a repository prod created with dev's very guard key (team: dev, ecr-ci:created-by: prod)",
                    action: "ecr:TagResource",
                    resource: repo("svc/billing"),
                    context: { ...resource({ team: "dev", [CREATED_BY_TAG_KEY]: "prod" }), ...request(devCreated) },
                    expected: "ImplicitlyDenied",
                },
                // Allowed before the fix: the retagged repository carried dev's guard.
                { name: "push to svc/payments after the review's retag", action: "ecr:PutImage", resource: repo("svc/payments"), context: resource({ "created-by": "prod-ci", team: "dev" }), expected: "ImplicitlyDenied" },
                { name: "push to prod's created repository carrying dev's guard too", action: "ecr:PutImage", resource: repo("svc/payments"), context: resource({ ...prodCreated, team: "dev" }), expected: "ImplicitlyDenied" },
                {
                    name: "upload a layer to a repository prod created under the same guard key",
                    action: "ecr:UploadLayerPart",
                    resource: repo("svc/billing"),
                    context: resource({ team: "dev", [CREATED_BY_TAG_KEY]: "prod" }),
                    expected: "ImplicitlyDenied",
                },
                { name: "create svc/api with its guard and ecr-ci:created-by=dev", action: "ecr:CreateRepository", resource: repo("svc/api"), context: request(devCreated), expected: "Allowed" },
                { name: "tag svc/api on create (no resource tags yet)", action: "ecr:TagResource", resource: repo("svc/api"), context: request(devCreated), expected: "Allowed" },
                { name: "push to svc/api, which dev created", action: "ecr:PutImage", resource: repo("svc/api"), context: resource(devCreated), expected: "Allowed" },
                { name: "upload a layer to svc/api", action: "ecr:UploadLayerPart", resource: repo("svc/api"), context: resource(devCreated), expected: "Allowed" },
                // Allowed before the fix: creation did not name the environment.
                { name: "create without ecr-ci:created-by", action: "ecr:CreateRepository", resource: repo("svc/api"), context: request({ team: "dev" }), expected: "ImplicitlyDenied" },
                { name: "create claiming prod created it", action: "ecr:CreateRepository", resource: repo("svc/api"), context: request({ team: "dev", [CREATED_BY_TAG_KEY]: "prod" }), expected: "ImplicitlyDenied" },
                { name: "tag on create claiming prod created it", action: "ecr:TagResource", resource: repo("svc/api"), context: request({ team: "dev", [CREATED_BY_TAG_KEY]: "prod" }), expected: "ImplicitlyDenied" },
                { name: "create with prod's guard and ecr-ci:created-by=prod", action: "ecr:CreateRepository", resource: repo("svc/api"), context: request(prodCreated), expected: "ImplicitlyDenied" },
                // The residual the README states: a repository under the prefix without ecr-ci:created-by
                // (made by hand, by another tool, or by a pipeline before this tag existed) and without
                // the guard's keys can still be tagged into the guard; tag such repositories (README).
                { name: "tag an untagged repository under the prefix (residual)", action: "ecr:TagResource", resource: repo("svc/legacy"), context: request(devCreated), expected: "Allowed" },
                { name: "retag a pre-fix repository of prod's (created-by: prod-ci) into the guard (residual)", action: "ecr:TagResource", resource: repo("svc/old"), context: { ...resource({ "created-by": "prod-ci" }), ...request(devCreated) }, expected: "Allowed" },
            ],
            `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`,
        );
    });

    describe("prod's pipeline (guard created-by: prod-ci)", () => {
        identityTable(
            prod,
            [
                { name: "push to svc/payments, which prod created", action: "ecr:PutImage", resource: repo("svc/payments"), context: resource(prodCreated), expected: "Allowed" },
                { name: "create svc/ledger with its guard and ecr-ci:created-by=prod", action: "ecr:CreateRepository", resource: repo("svc/ledger"), context: request(prodCreated), expected: "Allowed" },
                { name: "push to dev's svc/api", action: "ecr:PutImage", resource: repo("svc/api"), context: resource(devCreated), expected: "ImplicitlyDenied" },
                { name: "push to dev's repository retagged with prod's guard key", action: "ecr:PutImage", resource: repo("svc/api"), context: resource({ ...devCreated, "created-by": "prod-ci" }), expected: "ImplicitlyDenied" },
                { name: "retag dev's svc/api into prod's guard", action: "ecr:TagResource", resource: repo("svc/api"), context: { ...resource(devCreated), ...request(prodCreated) }, expected: "ImplicitlyDenied" },
            ],
            `arn:aws:iam::${ACCOUNT}:role/ecr-ci-prod`,
        );
    });

    describe("the deployer's boundary still allows what the CI policy grants, and no retag of a created repository", () => {
        const scope = deployerScope(
            { github: { owner: "acme", repository: "infra", branches: ["main"] }, repositoryNames: ["app-dev"], repositoryNamePrefix: "svc/" } as EcrCiDeployerArgs,
            { partition: "aws", region: "eu-west-1", accountId: ACCOUNT },
            `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        );
        identityTable(
            buildBoundaryPolicy(scope),
            [
                { name: "create svc/api with dev's tags", action: "ecr:CreateRepository", resource: repo("svc/api"), context: request(devCreated), expected: "Allowed" },
                { name: "tag svc/api on create", action: "ecr:TagResource", resource: repo("svc/api"), context: request(devCreated), expected: "Allowed" },
                { name: "push to svc/api", action: "ecr:PutImage", resource: repo("svc/api"), context: resource(devCreated), expected: "Allowed" },
                // Whatever an ecr-ci policy is rewritten to say.
                { name: "retag prod's created repository", action: "ecr:TagResource", resource: repo("svc/payments"), context: { ...resource(prodCreated), ...request(devCreated) }, expected: "ImplicitlyDenied" },
                { name: "retag a managed repository", action: "ecr:TagResource", resource: repo("app-dev"), context: { ...resource({ ManagedBy: "ecr-ci", Environment: "dev" }), ...request(devCreated) }, expected: "ImplicitlyDenied" },
            ],
            `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`,
        );
    });
});

describe("review finding 1: ecr-ci:created-by is ecr-ci's own key", () => {
    it("is a tag key AWS accepts: ':' allowed, not aws:, at most 128 (AWS's common tag key pattern, e.g. ECS API reference Tag)", () => {
        assert.match(CREATED_BY_TAG_KEY, /^(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u);
        assert.match(CREATED_BY_TAG_KEY, TAG_KEY_RE);
    });

    const VALID = { environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB };
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
    const cases: { name: string; requiredTags: Record<string, string>; message?: string }[] = [
        {
            name: "the built-in key in the guard, in any case, and any other ecr-ci: key",
            requiredTags: { "ecr-ci:created-by": "prod", "ECR-CI:Created-By": "prod", "Ecr-Ci:owner": "x", team: "a" },
            message: problems(
                `ecr-ci:createRepositories.requiredTags.ecr-ci:created-by = "ecr-ci:created-by": keys starting with "ecr-ci:" (in any case) are ecr-ci's own: every created repository already carries ecr-ci:created-by = <environment>, which ecr-ci requires; use another key`,
                `ecr-ci:createRepositories.requiredTags.ECR-CI:Created-By = "ECR-CI:Created-By": keys starting with "ecr-ci:" (in any case) are ecr-ci's own: every created repository already carries ecr-ci:created-by = <environment>, which ecr-ci requires; use another key`,
                `ecr-ci:createRepositories.requiredTags.Ecr-Ci:owner = "Ecr-Ci:owner": keys starting with "ecr-ci:" (in any case) are ecr-ci's own: every created repository already carries ecr-ci:created-by = <environment>, which ecr-ci requires; use another key`,
            ),
        },
        { name: "a key that merely contains ecr-ci", requiredTags: { "team/ecr-ci:x": "a" } },
        { name: "the same prefix without ':' is a user key", requiredTags: { "ecr-ci-team": "a" } },
        {
            name: "50 guard tags: with ecr-ci:created-by, 51",
            requiredTags: tags(50),
            message: problems(
                `ecr-ci:createRepositories.requiredTags has 50 tags plus the 1 ecr-ci sets (ecr-ci:created-by): 51, over the 50 tags IAM and ECR allow per resource; remove 1`,
            ),
        },
    ];
    for (const c of cases) {
        it(`${c.name}: ${c.message ? "refused" : "accepted"}`, () => {
            const values = config({ ...VALID, createRepositories: { namePrefix: "svc/", requiredTags: c.requiredTags } });
            if (c.message === undefined) {
                assert.doesNotThrow(() => parseStackConfig(values));
            } else {
                assert.throws(() => parseStackConfig(values), { name: "EcrCiValidationError", message: c.message });
            }
        });
    }
});

// ---------------------------------------------------------------------------------------------
// Findings 2 and 3: the trust policy's subjects.

const GH = "token.actions.githubusercontent.com";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;

/** One run: the claims GitHub sends for it (OIDC reference, example token), `sub` as given. */
interface Run {
    readonly sub: string;
    readonly event: "push" | "pull_request" | "workflow_dispatch";
    readonly ref: string;
    readonly environment?: string;
    /** @default acme/app */
    readonly repository?: string;
}

/** What STS passes to the trust policy of the run's full token (tests/support/tokens.ts). */
function stsClaims(run: Run): Record<string, string> {
    const repository = run.repository ?? "acme/app";
    const ours = repository === "acme/app";
    return stsView(token({ ...run, repository, ownerId: ours ? "111" : "888", repositoryId: ours ? "222" : "999" }));
}

function trustTable(doc: PolicyDocument, rows: { name: string; run: Run; expected: Decision }[]): void {
    const decisions = new Set(rows.map((r) => r.expected));
    assert.ok(decisions.has("Allowed") && decisions.has("ImplicitlyDenied"), "a table needs allowed and denied rows");
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => {
            assert.equal(await evaluateTrust(doc, { providerArn: PROVIDER, roleArn: `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`, claims: stsClaims(row.run) }), row.expected);
        });
    }
}

const trustOf = (github: GitHub) => buildTrustPolicy({ providerArn: PROVIDER, audience: "sts.amazonaws.com", github });

function githubProblems(github: GitHub): readonly string[] {
    const problems = new Problems(argsKey);
    validateGitHub(github, problems);
    return problems.list;
}

describe("review finding 2: a custom subject template must start with repo", () => {
    const REPO_FIRST = `"repo" must come first: only a sub that starts with repo:OWNER/REPO: names the repository by its start; with claims before it (e.g. ref:*:repo:acme/app) keeping other repositories out would depend on how GitHub escapes ':' in the values before it; reorder the template in GitHub and here (e.g. ["repo", "context", "job_workflow_ref"])`;
    const cases: { name: string; github: GitHub; problems: string[] }[] = [
        { name: "the review's template, context before repo", github: { ...GITHUB, subjectClaims: ["context", "repo"] }, problems: [`args.github.subjectClaims = ["context","repo"]: ${REPO_FIRST}`] },
        {
            name: "repo after another claim",
            github: { ...GITHUB, subjectClaims: ["repository_owner", "repo", "context"] },
            problems: [`args.github.subjectClaims = ["repository_owner","repo","context"]: ${REPO_FIRST}`],
        },
        { name: "GitHub's default order", github: { ...GITHUB, subjectClaims: ["repo", "context"] }, problems: [] },
        {
            name: "repo first with more claims after it (GitHub's documented example)",
            github: { ...GITHUB, subjectClaims: ["repo", "context", "job_workflow_ref"], jobWorkflowRef: ["acme/wf/.github/workflows/deploy.yml@refs/heads/main"] },
            problems: [],
        },
    ];
    for (const c of cases) {
        it(`${c.name}: ${c.problems.length ? "refused" : "accepted"}`, () => assert.deepEqual(githubProblems(c.github), c.problems));
    }

    it("the program refuses it too, before anything exists", () => {
        assert.throws(() => parseStackConfig(config({ environment: "dev", repositories: [{ name: "app-dev" }], github: { ...GITHUB, subjectClaims: ["context", "repo"] } })), {
            name: "EcrCiValidationError",
            message: problems(`ecr-ci:github.subjectClaims = ["context","repo"]: ${REPO_FIRST}`),
        });
    });

    // A sub from another repository that carries `:repo:acme/app` inside an earlier value, as it would
    // if GitHub did not escape ':' there (its docs say it does: OIDC reference, "Customizing the
    // subject claims"; ecr-ci should not depend on it).
    const forged = (sub: string): Run => ({ sub, event: "push", ref: "refs/heads/main", repository: "evil/app" });
    describe("with repo first, a forged earlier value cannot reach the role", () => {
        trustTable(trustOf({ ...GITHUB, subjectClaims: ["repo", "context"] }), [
            { name: "push to main of acme/app", run: { sub: "repo:acme/app:ref:refs/heads/main", event: "push", ref: "refs/heads/main" }, expected: "Allowed" },
            { name: "evil/app with :repo:acme/app in a value", run: forged("repo:evil/app:environment:x:repo:acme/app:ref:refs/heads/main"), expected: "ImplicitlyDenied" },
            { name: "evil/app, push to main", run: forged("repo:evil/app:ref:refs/heads/main"), expected: "ImplicitlyDenied" },
        ]);
    });
    describe("what the refused template's document would accept (built without the rules)", () => {
        trustTable(trustOf({ ...GITHUB, subjectClaims: ["context", "repo"] }), [
            { name: "push to main of acme/app", run: { sub: "ref:refs/heads/main:repo:acme/app", event: "push", ref: "refs/heads/main" }, expected: "Allowed" },
            { name: "evil/app with :repo:acme/app at the end of an earlier value", run: forged("ref:refs/heads/main:environment:x:repo:acme/app"), expected: "Allowed" },
            { name: "evil/app, push to main", run: forged("ref:refs/heads/main:repo:evil/app"), expected: "ImplicitlyDenied" },
        ]);
    });
});

describe("review finding 3: environments are exact names, never patterns", () => {
    const EXACT = `GitHub environment names are exact, and a pattern would also match environments nobody protected (e.g. "prod-sandbox" for "prod*"); list each environment by name (e.g. "production")`;
    const cases: { name: string; github: GitHub; problems: string[] }[] = [
        { name: "the review's prod*", github: { owner: "acme", repository: "app", environments: ["prod*"] }, problems: [`args.github.environments[0] = "prod*": ${EXACT}`] },
        {
            name: "a pattern beside exact names and branches",
            github: { owner: "acme", repository: "app", branches: ["main"], environments: ["production", "eu-*-prod"] },
            problems: [`args.github.environments[1] = "eu-*-prod": ${EXACT}`],
        },
        {
            name: "only '*' keeps its own message",
            github: { owner: "acme", repository: "app", environments: ["*"] },
            problems: [`args.github.environments[0] = "*": a pattern of only '*' matches every environment; name the environments (e.g. "production")`],
        },
        { name: "exact names", github: { owner: "acme", repository: "app", environments: ["prod", "prod-eu"] }, problems: [] },
    ];
    for (const c of cases) {
        it(`${c.name}: ${c.problems.length ? "refused" : "accepted"}`, () => assert.deepEqual(githubProblems(c.github), c.problems));
    }

    it("the deployer reports it once, with the same message", () => {
        assert.deepEqual(validateDeployerArgs({ github: { owner: "acme", repository: "app", environments: ["prod*"], environmentRefs: ["refs/heads/main"] }, repositoryNames: ["app-prod"] }), [
            `args.github.environments[0] = "prod*": ${EXACT}`,
        ]);
    });

    const envRun = (environment: string, event: Run["event"], ref: string): Run => ({ sub: `repo:acme/app:environment:${environment}`, event, ref, environment });
    describe("exact environments, no refs trusted: only the named environment's jobs", () => {
        trustTable(trustOf({ owner: "acme", repository: "app", environments: ["prod"] }), [
            { name: "a prod job dispatched on main", run: envRun("prod", "workflow_dispatch", "refs/heads/main"), expected: "Allowed" },
            { name: "a prod-sandbox job of a pull request", run: envRun("prod-sandbox", "pull_request", "refs/pull/7/merge"), expected: "ImplicitlyDenied" },
            { name: "a prod-sandbox job dispatched on main", run: envRun("prod-sandbox", "workflow_dispatch", "refs/heads/main"), expected: "ImplicitlyDenied" },
        ]);
    });
    describe("what the refused prod* would accept (built without the rules)", () => {
        trustTable(trustOf({ owner: "acme", repository: "app", environments: ["prod*"] }), [
            { name: "a prod-sandbox job of a pull request", run: envRun("prod-sandbox", "pull_request", "refs/pull/7/merge"), expected: "Allowed" },
            { name: "another repository's prod job", run: { ...envRun("prod", "workflow_dispatch", "refs/heads/main"), sub: "repo:evil/app:environment:prod", repository: "evil/app" }, expected: "ImplicitlyDenied" },
        ]);
    });
});
