// examples/consumer under mocks: an awsx Fargate service composed with EcrCiEnvironment. awsx
// components are remote, so only they (not their children) register here; what is asserted is what
// the example passes to ecr-ci and what ecr-ci grants from it.
import assert from "assert/strict";
import * as path from "path";
import Module = require("module");
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, RecordedResource, promiseOf, setAwsMocks, settle } from "../tools/mocks";

const EXAMPLE_PROGRAM = path.join(__dirname, "..", "examples", "consumer", "index.ts");
/** The example depends on `ecr-ci`; here that name resolves to this repository's library. */
const LIBRARY_ENTRY = path.join(__dirname, "..", "components", "index.ts");
const PROJECT = "ecr-ci-consumer-example";
const STACK = "dev";
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";

interface ExampleExports {
    repositoryUrl: pulumi.Output<string>;
    roleArn: pulumi.Output<string | undefined>;
    clusterName: pulumi.Output<string>;
    serviceName: pulumi.Output<string>;
    githubActionsSnippet: pulumi.Output<string>;
}

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const moduleLoader = Module as unknown as { _resolveFilename: ResolveFilename };

/** Load the example program as `pulumi up` would, with `ecr-ci` resolved to the library source. */
function loadExample(): ExampleExports {
    const resolve = moduleLoader._resolveFilename;
    moduleLoader._resolveFilename = (request, ...rest) => resolve.call(Module, request === "ecr-ci" ? LIBRARY_ENTRY : request, ...rest);
    try {
        return require(EXAMPLE_PROGRAM) as ExampleExports;
    } finally {
        moduleLoader._resolveFilename = resolve;
    }
}

function one(mocks: AwsMocks, type: string, name: string): RecordedResource {
    const found = mocks.ofType(type).filter((r) => r.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
}

function statement(policy: RecordedResource, sid: string): unknown {
    const document = JSON.parse(String(policy.inputs.policy)) as { Statement: { Sid: string }[] };
    return document.Statement.find((s) => s.Sid === sid);
}

describe("examples/consumer: ecr-ci composed with an awsx Fargate service", () => {
    let mocks: AwsMocks;
    let exported: ExampleExports;
    let savedConfig: Record<string, string>;

    before(async () => {
        savedConfig = pulumi.runtime.allConfig();
        mocks = await setAwsMocks({ accountId: ACCOUNT, region: REGION }, PROJECT, STACK);
        pulumi.runtime.setAllConfig({ [`${PROJECT}:githubOwner`]: "acme", [`${PROJECT}:githubRepository`]: "app" });
        exported = loadExample();
        await promiseOf(exported.githubActionsSnippet);
        await settle();
    });

    after(() => pulumi.runtime.setAllConfig(savedConfig));

    it("hands the service's real cluster, service name and roles to awsx and to ecr-ci alike", async () => {
        const cluster = one(mocks, "aws:ecs/cluster:Cluster", "app");
        const service = one(mocks, "awsx:ecs:FargateService", "app");
        const taskRole = one(mocks, "aws:iam/role:Role", "app-task");
        const executionRole = one(mocks, "aws:iam/role:Role", "app-execution");
        const clusterName = String(cluster.outputs.name);
        const serviceName = (service.outputs.service as { name: string }).name;

        assert.equal(cluster.outputs.arn, `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterName}`);
        assert.equal(service.inputs.cluster, cluster.outputs.arn);
        assert.deepEqual(
            { executionRole: (service.inputs.taskDefinitionArgs as Record<string, unknown>).executionRole, taskRole: (service.inputs.taskDefinitionArgs as Record<string, unknown>).taskRole },
            { executionRole: { roleArn: executionRole.outputs.arn }, taskRole: { roleArn: taskRole.outputs.arn } },
        );

        const ciPolicy = one(mocks, "aws:iam/policy:Policy", `${STACK}-ci`);
        assert.deepEqual(statement(ciPolicy, "EcsServices"), {
            Sid: "EcsServices",
            Effect: "Allow",
            Action: ["ecs:DescribeServices", "ecs:UpdateService"],
            Resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterName}/${serviceName}`,
        });
        assert.deepEqual(statement(ciPolicy, "EcsPassRole"), {
            Sid: "EcsPassRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [`arn:aws:iam::${ACCOUNT}:role/${executionRole.outputs.name}`, `arn:aws:iam::${ACCOUNT}:role/${taskRole.outputs.name}`],
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        });
        assert.equal(await promiseOf(exported.serviceName), serviceName);
    });

    it("names the ecr-ci environment after the stack and trusts the configured repository's branch", async () => {
        const role = one(mocks, "aws:iam/role:Role", `${STACK}-ci`);
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Condition: unknown }[] };
        assert.deepEqual(
            trust.Statement.map((s) => s.Condition),
            [
                {
                    StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                    StringLike: {
                        "token.actions.githubusercontent.com:sub": ["repo:acme/app:ref:*"],
                        "token.actions.githubusercontent.com:ref": ["refs/heads/main"],
                    },
                },
            ],
        );
        assert.deepEqual(
            { repositoryUrl: await promiseOf(exported.repositoryUrl), roleArn: await promiseOf(exported.roleArn) },
            { repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app-${STACK}`, roleArn: `arn:aws:iam::${ACCOUNT}:role/ecr-ci-${STACK}` },
        );
    });
});
