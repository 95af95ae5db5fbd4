import assert from "assert/strict";
import { ecsServiceArns } from "../components/core/capabilities/ecs-deploy";
import { stateBackendScope, stateBackendStatements, stateLayout } from "../components/core/capabilities/state-backend";
import { ECR_PUSH_ACTIONS } from "../components/core/ecr-actions";
import { buildCiPolicy, buildPreviewPolicy } from "../components/core/permissions";

const REPO = "arn:aws:ecr:eu-west-1:123456789012:repository/app-dev";
const REPO2 = "arn:aws:ecr:eu-west-1:123456789012:repository/worker-dev";
const PUSH = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:DescribeImages",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
];
const LOGIN = { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" };

describe("buildCiPolicy", () => {
    it("push/pull: GetAuthorizationToken alone on *, push+pull+DescribeImages on exactly the repositories", () => {
        assert.deepEqual(ECR_PUSH_ACTIONS, PUSH);
        assert.deepEqual(buildCiPolicy({ repositoryArns: [REPO2, REPO] }), {
            Version: "2012-10-17",
            Statement: [LOGIN, { Sid: "PushPull", Effect: "Allow", Action: PUSH, Resource: [REPO, REPO2] }],
        });
    });

    it("one repository: a single Resource string", () => {
        assert.deepEqual(buildCiPolicy({ repositoryArns: [REPO] }).Statement[1], {
            Sid: "PushPull",
            Effect: "Allow",
            Action: PUSH,
            Resource: REPO,
        });
    });

    it("promotion: read-only pull on the listed repositories", () => {
        const prod = "arn:aws:ecr:eu-west-1:123456789012:repository/app-prod";
        assert.deepEqual(buildCiPolicy({ repositoryArns: [prod], pullFrom: [REPO] }).Statement, [
            LOGIN,
            { Sid: "PushPull", Effect: "Allow", Action: PUSH, Resource: prod },
            {
                Sid: "PromotionPull",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Resource: REPO,
            },
        ]);
    });

    it("ECS deploy: task definitions on *, their tags only while registering, services by ARN, PassRole only to ECS tasks", () => {
        const doc = buildCiPolicy({
            repositoryArns: [REPO],
            ecsDeploy: {
                clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/main",
                services: ["web", "api"],
                passRoleArns: ["arn:aws:iam::123456789012:role/app-task", "arn:aws:iam::123456789012:role/app-execution"],
            },
        });
        assert.deepEqual(doc.Statement.slice(2), [
            {
                Sid: "EcsTaskDefinitions",
                Effect: "Allow",
                Action: ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
                Resource: "*",
            },
            {
                Sid: "EcsTagOnRegister",
                Effect: "Allow",
                Action: "ecs:TagResource",
                Resource: "*",
                Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
            },
            {
                Sid: "EcsServices",
                Effect: "Allow",
                Action: ["ecs:DescribeServices", "ecs:UpdateService"],
                Resource: ["arn:aws:ecs:eu-west-1:123456789012:service/main/api", "arn:aws:ecs:eu-west-1:123456789012:service/main/web"],
            },
            {
                Sid: "EcsPassRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: ["arn:aws:iam::123456789012:role/app-execution", "arn:aws:iam::123456789012:role/app-task"],
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
            },
        ]);
    });

    it("ECS deploy with passRoleArns: [] has no PassRole statement", () => {
        const doc = buildCiPolicy({
            repositoryArns: [REPO],
            ecsDeploy: { clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/main", services: ["web"], passRoleArns: [] },
        });
        assert.deepEqual(
            doc.Statement.map((s) => s.Sid),
            ["EcrLogin", "PushPull", "EcsTaskDefinitions", "EcsTagOnRegister", "EcsServices"],
        );
    });

    it("tag-guarded creation: request tags (the guard's and ecr-ci:created-by) and TagKeys, never ResourceTag on CreateRepository; TagResource beside it, never on a managed, created or guard-tagged repository; push only where ecr-ci:created-by names this environment; describe under the prefix", () => {
        const pattern = "arn:aws:ecr:eu-west-1:123456789012:repository/team-a/*";
        const doc = buildCiPolicy({
            repositoryArns: [REPO],
            createRepositories: { repositoryArnPattern: pattern, requiredTags: { team: "a", "managed-by": "ci" }, environment: "dev" },
        });
        assert.deepEqual(doc.Statement.slice(2), [
            {
                Sid: "CreateTaggedRepository",
                Effect: "Allow",
                Action: "ecr:CreateRepository",
                Resource: pattern,
                Condition: {
                    StringEquals: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/managed-by": "ci", "aws:RequestTag/team": "a" },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["ecr-ci:created-by", "managed-by", "team"] },
                },
            },
            {
                Sid: "TagCreatedRepository",
                Effect: "Allow",
                Action: "ecr:TagResource",
                Resource: pattern,
                Condition: {
                    StringEquals: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/managed-by": "ci", "aws:RequestTag/team": "a" },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["ecr-ci:created-by", "managed-by", "team"] },
                    StringNotEquals: { "aws:ResourceTag/ManagedBy": "ecr-ci" },
                    Null: { "aws:ResourceTag/ecr-ci:created-by": "true", "aws:ResourceTag/managed-by": "true", "aws:ResourceTag/team": "true" },
                },
            },
            {
                Sid: "PushToCreatedRepositories",
                Effect: "Allow",
                Action: PUSH,
                Resource: pattern,
                Condition: {
                    StringEquals: { "aws:ResourceTag/ecr-ci:created-by": "dev", "aws:ResourceTag/managed-by": "ci", "aws:ResourceTag/team": "a" },
                    StringNotEquals: { "aws:ResourceTag/ManagedBy": "ecr-ci" },
                },
            },
            { Sid: "DescribeRepositoriesUnderPrefix", Effect: "Allow", Action: "ecr:DescribeRepositories", Resource: pattern },
        ]);
    });

    it("grants nothing destructive in any configuration", () => {
        const text = JSON.stringify(
            buildCiPolicy({
                repositoryArns: [REPO],
                pullFrom: [REPO2],
                ecsDeploy: { clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/main", services: ["web"], passRoleArns: [] },
                createRepositories: { repositoryArnPattern: "arn:aws:ecr:eu-west-1:123456789012:repository/x*", requiredTags: { a: "b" }, environment: "dev" },
            }),
        );
        assert.doesNotMatch(text, /Delete|SetRepositoryPolicy|PutLifecyclePolicy|ecr:\*|ResourceTag\/.*CreateRepository|ecr:ResourceTag/);
    });
});

describe("ecsServiceArns", () => {
    it("takes partition, region, account and cluster from the cluster ARN", () => {
        assert.deepEqual(ecsServiceArns("arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod", ["web"]), [
            "arn:aws-cn:ecs:cn-north-1:123456789012:service/prod/web",
        ]);
    });
    it("refuses something that is not a cluster ARN", () => {
        assert.throws(() => ecsServiceArns("arn:aws:ecs:eu-west-1:123456789012:service/main/web", ["web"]), {
            message: 'not an ECS cluster ARN: "arn:aws:ecs:eu-west-1:123456789012:service/main/web"',
        });
    });
});

describe("state backend and preview policies", () => {
    const KEY = "arn:aws:kms:eu-west-1:123456789012:key/k1";
    const scope = stateBackendScope("aws", { bucket: "acme-state", prefix: "/infra/", kmsKeyArn: KEY }, "ecr-ci", "dev");
    const object = (key: string) => `arn:aws:s3:::acme-state/infra/.pulumi/${key}`;
    const list = (prefixes: string[]) => ({
        Sid: "StateList",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::acme-state",
        Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `infra/.pulumi/${p}`) } },
    });
    const CHECKPOINTS = ["stacks/ecr-ci/dev.json", "stacks/ecr-ci/dev.json.gz", "stacks/ecr-ci/dev.json.zst"];
    const READ = ["meta.yaml", ...CHECKPOINTS, "stacks/ecr-ci/dev.pulumi-tags"];

    it("the scope of s3://bucket/prefix is <prefix>/.pulumi/, for one stack or a whole project", () => {
        assert.deepEqual(scope, { bucketArn: "arn:aws:s3:::acme-state", objectPrefix: "infra/.pulumi/", project: "ecr-ci", stack: "dev", kmsKeyArn: KEY });
        const project = stateBackendScope("aws-cn", { bucket: "b1" }, "ecr-ci");
        assert.deepEqual(project, { bucketArn: "arn:aws-cn:s3:::b1", objectPrefix: ".pulumi/", project: "ecr-ci" });
    });

    it("the DIY layout of pulumi/pulumi v3.259.0: exact names for one stack, the project's directories without one", () => {
        assert.deepEqual(stateLayout(scope), {
            meta: "infra/.pulumi/meta.yaml",
            stacksRoot: "infra/.pulumi/stacks/",
            checkpoints: CHECKPOINTS.map((k) => `infra/.pulumi/${k}`),
            checkpointBackups: CHECKPOINTS.map((k) => `infra/.pulumi/${k}.bak`),
            tags: ["infra/.pulumi/stacks/ecr-ci/dev.pulumi-tags"],
            history: "infra/.pulumi/history/ecr-ci/dev/",
            backups: "infra/.pulumi/backups/ecr-ci/dev/",
            locks: "infra/.pulumi/locks/organization/ecr-ci/dev/",
            journal: "infra/.pulumi/journal/ecr-ci/dev/",
        });
        assert.deepEqual(stateLayout(stateBackendScope("aws", { bucket: "b1" }, "ecr-ci")), {
            meta: ".pulumi/meta.yaml",
            stacksRoot: ".pulumi/stacks/",
            checkpoints: [".pulumi/stacks/ecr-ci/*"],
            checkpointBackups: [],
            tags: [],
            history: ".pulumi/history/ecr-ci/",
            backups: ".pulumi/backups/ecr-ci/",
            locks: ".pulumi/locks/organization/ecr-ci/",
            journal: ".pulumi/journal/ecr-ci/",
        });
    });

    it("pulumi up (stateBackend on the CI principal): this stack's keys only; meta.yaml read-only; decrypt only", () => {
        assert.deepEqual(buildCiPolicy({ repositoryArns: [REPO], stateBackend: scope }).Statement.slice(2), [
            list([
                "history/ecr-ci/dev/*",
                "journal/ecr-ci/dev/*",
                "locks/organization/ecr-ci/dev/*",
                "stacks/ecr-ci/dev.json",
                "stacks/ecr-ci/dev.pulumi-tags",
            ]),
            {
                Sid: "StateRead",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: [...READ, "history/ecr-ci/dev/*", "locks/organization/ecr-ci/dev/*", "journal/ecr-ci/dev/*"].map(object),
            },
            {
                Sid: "StateWrite",
                Effect: "Allow",
                Action: ["s3:AbortMultipartUpload", "s3:PutObject"],
                Resource: [
                    ...CHECKPOINTS,
                    ...CHECKPOINTS.map((k) => `${k}.bak`),
                    "stacks/ecr-ci/dev.pulumi-tags",
                    "history/ecr-ci/dev/*",
                    "backups/ecr-ci/dev/*",
                    "locks/organization/ecr-ci/dev/*",
                    "journal/ecr-ci/dev/*",
                ].map(object),
            },
            { Sid: "StateDelete", Effect: "Allow", Action: "s3:DeleteObject", Resource: ["locks/organization/ecr-ci/dev/*", "journal/ecr-ci/dev/*"].map(object) },
            { Sid: "StateSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY },
        ]);
    });

    it("the deployer (init): every stack of the project, meta.yaml written on a fresh bucket, encrypt for stack init", () => {
        const project = stateBackendScope("aws", { bucket: "acme-state", prefix: "infra", kmsKeyArn: KEY }, "ecr-ci");
        const dirs = ["stacks/ecr-ci/*", "history/ecr-ci/*", "backups/ecr-ci/*", "locks/organization/ecr-ci/*", "journal/ecr-ci/*"];
        assert.deepEqual(stateBackendStatements(project, "init"), [
            list(["backups/ecr-ci/*", "history/ecr-ci/*", "journal/ecr-ci/*", "locks/organization/ecr-ci/*", "meta.yaml", "stacks/ecr-ci/*"]),
            {
                Sid: "StateListProjects",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: "arn:aws:s3:::acme-state",
                Condition: { StringEquals: { "s3:delimiter": "/", "s3:prefix": "infra/.pulumi/stacks/" } },
            },
            { Sid: "StateObjects", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], Resource: ["meta.yaml", ...dirs].map(object) },
            { Sid: "StateDelete", Effect: "Allow", Action: "s3:DeleteObject", Resource: dirs.map(object) },
            { Sid: "StateSecretsKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt"], Resource: KEY },
        ]);
    });

    it("preview: reads only, and only the checkpoint, the tags file and meta.yaml", () => {
        assert.deepEqual(
            buildPreviewPolicy({
                repositoryArns: [REPO],
                iamArns: ["arn:aws:iam::123456789012:role/ecr-ci-dev", "arn:aws:iam::123456789012:policy/ecr-ci-dev"],
                stateBackend: scope,
            }),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadRepositories",
                        Effect: "Allow",
                        Action: ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"],
                        Resource: REPO,
                    },
                    {
                        Sid: "ReadIam",
                        Effect: "Allow",
                        Action: [
                            "iam:GetOpenIDConnectProvider",
                            "iam:GetPolicy",
                            "iam:GetPolicyVersion",
                            "iam:GetRole",
                            "iam:GetUser",
                            "iam:ListAccessKeys",
                            "iam:ListAttachedRolePolicies",
                            "iam:ListAttachedUserPolicies",
                            "iam:ListPolicyVersions",
                            "iam:ListRolePolicies",
                            "iam:ListUserPolicies",
                        ],
                        Resource: ["arn:aws:iam::123456789012:policy/ecr-ci-dev", "arn:aws:iam::123456789012:role/ecr-ci-dev"],
                    },
                    list(["stacks/ecr-ci/dev.json", "stacks/ecr-ci/dev.pulumi-tags"]),
                    { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: READ.map(object) },
                    { Sid: "StateSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY },
                ],
            },
        );
    });
});
