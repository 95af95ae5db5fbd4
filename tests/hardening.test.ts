// Findings of the security review of main, each closed with whole-message validation and rows of the
// independent evaluator (tests/support/iam-eval.ts) that were decided the other way before the fix.
import assert from "assert/strict";
import { parseStackConfig } from "../components/contract/parse";
import type { EcrCiDeployerArgs } from "../components/contract/args";
import { CREATED_BY_TAG_KEY } from "../components/core/capabilities/create-repositories";
import { buildBoundaryPolicy, deployerScope } from "../components/core/deployer-plan";
import { ResolvedEnvironmentArgs, capabilityScopes } from "../components/core/environment-plan";
import { buildCiPolicy } from "../components/core/permissions";
import { Decision, evaluateIdentity } from "./support/iam-eval";

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
