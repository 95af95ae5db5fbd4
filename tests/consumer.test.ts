// examples/consumer under mocks: an awsx Fargate service composed with EcrCiEnvironment. awsx
// components are remote, so only they (not their children) register here; what is asserted is what
// the example passes to ecr-ci and what ecr-ci grants from it.
//
// @pulumi/awsx is a dependency of the example's own package (examples/consumer/package.json), not of
// this repository: its two classes the example uses are stood in for below by what the generated
// awsx SDK does for them — register a *remote* component of that type with the given inputs and the
// output properties left unknown — so the test runs from a root `npm ci` alone. Type-checking and
// checking the example against the real awsx is `npm run test:examples` (it installs the example's
// dependencies and type-checks it).
import assert from "assert/strict";
import * as path from "path";
import Module = require("module");
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, RecordedResource, promiseOf, setAwsMocks, settle } from "../tools/mocks";

const ROOT = path.join(__dirname, "..");
const EXAMPLE_PROGRAM = path.join(__dirname, "..", "examples", "consumer", "index.ts");
/** The example depends on `ecr-ci`; here that name resolves to this repository's library. */
const LIBRARY_ENTRY = path.join(__dirname, "..", "components", "index.ts");
/** ...and `@pulumi/awsx` to awsxStandIn(), registered under this (non-existent) module file name. */
const AWSX_STAND_IN_ID = path.join(__dirname, "awsx-stand-in.virtual.js");
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

/**
 * What `@pulumi/awsx` (3.x, generated SDK) does for the two classes the example uses: each is a
 * remote component registering its type with the inputs as given, outputs unknown until the engine
 * (here tools/mocks.ts) answers.
 */
function awsxStandIn(): unknown {
    const remoteComponent = (type: string, inputs: (args: Record<string, unknown>) => Record<string, unknown>) =>
        class extends pulumi.ComponentResource {
            constructor(name: string, args: Record<string, unknown> = {}, opts: pulumi.ComponentResourceOptions = {}) {
                super(type, name, inputs(args), opts, true /* remote */);
            }
        };
    return {
        ec2: { DefaultVpc: remoteComponent("awsx:ec2:DefaultVpc", () => ({ privateSubnetIds: undefined, publicSubnetIds: undefined, vpcId: undefined })) },
        ecs: { FargateService: remoteComponent("awsx:ecs:FargateService", (args) => ({ ...args, service: undefined })) },
    };
}

type ResolveFilename = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
const moduleLoader = Module as unknown as { _resolveFilename: ResolveFilename };

/**
 * Load the example program as `pulumi up` would, with `ecr-ci` resolved to the library source,
 * `@pulumi/awsx` to the stand-in, and the example's `@pulumi/pulumi` and `@pulumi/aws` to this
 * repository's (the ones the mocks are set on), even after `npm run test:examples` installed the
 * example's own copies.
 */
function loadExample(): ExampleExports {
    if (!require.cache[AWSX_STAND_IN_ID]) {
        const standIn = new Module(AWSX_STAND_IN_ID);
        standIn.filename = AWSX_STAND_IN_ID;
        standIn.loaded = true;
        standIn.exports = awsxStandIn();
        require.cache[AWSX_STAND_IN_ID] = standIn;
    }
    const resolve = moduleLoader._resolveFilename;
    moduleLoader._resolveFilename = (request, parent, ...rest) => {
        if (parent?.filename !== EXAMPLE_PROGRAM) {
            return resolve.call(Module, request, parent, ...rest);
        }
        if (request === "@pulumi/awsx") {
            return AWSX_STAND_IN_ID;
        }
        return request === "ecr-ci" ? LIBRARY_ENTRY : require.resolve(request, { paths: [ROOT] });
    };
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
