// The documents ecr-ci builds, evaluated by an independent IAM engine (tests/support/iam-eval.ts,
// @cloud-copilot/iam-simulate) instead of this project's own string matching. Every table has
// allowed and denied rows, so no table can pass because everything is denied.
import assert from "assert/strict";
import { crossAccountPullPolicy } from "../components/core/capabilities/cross-account-pull";
import { stateBackendScope, stateBackendStatements } from "../components/core/capabilities/state-backend";
import { buildCiPolicy, buildPreviewPolicy } from "../components/core/permissions";
import { Decision, evaluateIdentity, evaluateResourcePolicy } from "./support/iam-eval";

const ACCOUNT = "123456789012";
const OTHER = "210987654321";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`;

function assertMixed(rows: { expected: Decision }[]): void {
    const decisions = new Set(rows.map((r) => r.expected));
    assert.ok(decisions.has("Allowed") && decisions.has("ImplicitlyDenied"), "a table needs allowed and denied rows");
}

interface IdentityRow {
    name: string;
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    expected: Decision;
}

/** One test per row: the CI role's decision for the request under `policy`. */
function identityTable(policy: object, rows: IdentityRow[]): void {
    assertMixed(rows);
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => {
            assert.equal(
                await evaluateIdentity([policy], { principalArn: ROLE, action: row.action, resource: row.resource, context: row.context }),
                row.expected,
            );
        });
    }
}

// The trust policies' tables, with full GitHub tokens, are in trust.test.ts.

describe("CI policy under an independent evaluator", () => {
    const repo = (name: string, region = "eu-west-1") => `arn:aws:ecr:${region}:${ACCOUNT}:repository/${name}`;
    const cluster = `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main`;
    const service = (c: string, s: string) => `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/${c}/${s}`;
    const taskRole = `arn:aws:iam::${ACCOUNT}:role/app-task`;
    const policy = buildCiPolicy({
        repositoryArns: [repo("app-prod")],
        pullFrom: [repo("app-dev")],
        ecsDeploy: { clusterArn: cluster, services: ["web"], passRoleArns: [taskRole] },
        createRepositories: { repositoryArnPattern: repo("team-a/*"), requiredTags: { team: "a" }, environment: "dev" },
    });
    const rows: IdentityRow[] = [
        { name: "log in to ECR", action: "ecr:GetAuthorizationToken", resource: "*", expected: "Allowed" },
        { name: "push to its repository", action: "ecr:PutImage", resource: repo("app-prod"), expected: "Allowed" },
        { name: "upload a layer to its repository", action: "ecr:UploadLayerPart", resource: repo("app-prod"), expected: "Allowed" },
        { name: "check whether a tag exists", action: "ecr:DescribeImages", resource: repo("app-prod"), expected: "Allowed" },
        { name: "push to another repository", action: "ecr:PutImage", resource: repo("other"), expected: "ImplicitlyDenied" },
        { name: "push to its repository name in another region", action: "ecr:PutImage", resource: repo("app-prod", "us-east-1"), expected: "ImplicitlyDenied" },
        { name: "delete images", action: "ecr:BatchDeleteImage", resource: repo("app-prod"), expected: "ImplicitlyDenied" },
        { name: "change the repository policy", action: "ecr:SetRepositoryPolicy", resource: repo("app-prod"), expected: "ImplicitlyDenied" },
        { name: "change the lifecycle policy", action: "ecr:PutLifecyclePolicy", resource: repo("app-prod"), expected: "ImplicitlyDenied" },
        { name: "pull from the promoted repository", action: "ecr:BatchGetImage", resource: repo("app-dev"), expected: "Allowed" },
        { name: "download layers from the promoted repository", action: "ecr:GetDownloadUrlForLayer", resource: repo("app-dev"), expected: "Allowed" },
        { name: "push to the promoted repository", action: "ecr:PutImage", resource: repo("app-dev"), expected: "ImplicitlyDenied" },
        { name: "register a task definition", action: "ecs:RegisterTaskDefinition", resource: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/app:7`, expected: "Allowed" },
        { name: "update the listed service", action: "ecs:UpdateService", resource: service("main", "web"), expected: "Allowed" },
        { name: "describe the listed service", action: "ecs:DescribeServices", resource: service("main", "web"), expected: "Allowed" },
        { name: "update another service", action: "ecs:UpdateService", resource: service("main", "admin"), expected: "ImplicitlyDenied" },
        { name: "update the service name in another cluster", action: "ecs:UpdateService", resource: service("other", "web"), expected: "ImplicitlyDenied" },
        { name: "delete the listed service", action: "ecs:DeleteService", resource: service("main", "web"), expected: "ImplicitlyDenied" },
        { name: "pass the task role to ECS tasks", action: "iam:PassRole", resource: taskRole, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expected: "Allowed" },
        { name: "pass another role to ECS tasks", action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/admin`, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expected: "ImplicitlyDenied" },
        { name: "pass the task role to Lambda", action: "iam:PassRole", resource: taskRole, context: { "iam:PassedToService": "lambda.amazonaws.com" }, expected: "ImplicitlyDenied" },
        { name: "create a repository with the required tag", action: "ecr:CreateRepository", resource: repo("team-a/api"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/team": "a", "aws:TagKeys": ["ecr-ci:created-by", "team"] }, expected: "Allowed" },
        { name: "create a repository with a wrong tag value", action: "ecr:CreateRepository", resource: repo("team-a/api"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/team": "b", "aws:TagKeys": ["ecr-ci:created-by", "team"] }, expected: "ImplicitlyDenied" },
        { name: "create a repository without tags", action: "ecr:CreateRepository", resource: repo("team-a/api"), expected: "ImplicitlyDenied" },
        {
            name: "create a repository with an extra tag key",
            action: "ecr:CreateRepository",
            resource: repo("team-a/api"),
            context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/team": "a", "aws:RequestTag/owner": "x", "aws:TagKeys": ["ecr-ci:created-by", "team", "owner"] },
            expected: "ImplicitlyDenied",
        },
        { name: "create a repository outside the prefix", action: "ecr:CreateRepository", resource: repo("team-b/api"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/team": "a", "aws:TagKeys": ["ecr-ci:created-by", "team"] }, expected: "ImplicitlyDenied" },
        { name: "push to a created repository carrying the tag", action: "ecr:PutImage", resource: repo("team-a/api"), context: { "aws:ResourceTag/ecr-ci:created-by": "dev", "aws:ResourceTag/team": "a" }, expected: "Allowed" },
        { name: "push to a prefix repository without the tag", action: "ecr:PutImage", resource: repo("team-a/api"), context: { "aws:ResourceTag/team": "b" }, expected: "ImplicitlyDenied" },
    ];
    identityTable(policy, rows);
});

describe("tag-guarded creation never reaches managed repositories, whatever the guard's case or key", () => {
    // Each stack's managed repositories carry Environment=<env> and ManagedBy=ecr-ci (plus ecr-ci:tags);
    // IAM matches the tag keys of aws:ResourceTag/<key> case-insensitively.
    const repo = (name: string) => `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`;
    const managed = (env: string, extra: Record<string, string> = {}) => ({
        "aws:ResourceTag/Environment": env,
        "aws:ResourceTag/ManagedBy": "ecr-ci",
        ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
    });
    const guarded = (requiredTags: Record<string, string>) =>
        buildCiPolicy({
            repositoryArns: [repo("app-dev")],
            createRepositories: { repositoryArnPattern: repo("app-*"), requiredTags, environment: "dev" },
        });
    describe("dev's guard `environment: prod` (lower case)", () => {
        identityTable(guarded({ environment: "prod" }), [
            { name: "push into prod's managed repository", action: "ecr:PutImage", resource: repo("app-prod"), context: managed("prod"), expected: "ImplicitlyDenied" },
            { name: "upload a layer into prod's managed repository", action: "ecr:UploadLayerPart", resource: repo("app-prod"), context: managed("prod"), expected: "ImplicitlyDenied" },
            { name: "push into a repository dev's pipeline created", action: "ecr:PutImage", resource: repo("app-scratch"), context: { "aws:ResourceTag/ecr-ci:created-by": "dev", "aws:ResourceTag/environment": "prod" }, expected: "Allowed" },
            { name: "create a repository with the guard", action: "ecr:CreateRepository", resource: repo("app-scratch"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/environment": "prod", "aws:TagKeys": ["ecr-ci:created-by", "environment"] }, expected: "Allowed" },
        ]);
    });
    describe("a guard equal to a tag another environment's managed repositories carry (team=a)", () => {
        identityTable(guarded({ team: "a" }), [
            { name: "push into prod's managed repository tagged team=a", action: "ecr:PutImage", resource: repo("app-prod"), context: managed("prod", { team: "a" }), expected: "ImplicitlyDenied" },
            { name: "push into a created repository tagged team=a", action: "ecr:PutImage", resource: repo("app-tools"), context: { "aws:ResourceTag/ecr-ci:created-by": "dev", "aws:ResourceTag/team": "a" }, expected: "Allowed" },
        ]);
    });
    describe("seed 003's own guard, ManagedBy: github-actions", () => {
        identityTable(guarded({ ManagedBy: "github-actions" }), [
            { name: "create with the seed's tag", action: "ecr:CreateRepository", resource: repo("app-new"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/ManagedBy": "github-actions", "aws:TagKeys": ["ecr-ci:created-by", "ManagedBy"] }, expected: "Allowed" },
            { name: "create claiming to be managed by ecr-ci", action: "ecr:CreateRepository", resource: repo("app-new"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/ManagedBy": "ecr-ci", "aws:TagKeys": ["ecr-ci:created-by", "ManagedBy"] }, expected: "ImplicitlyDenied" },
            { name: "push into what the pipeline created", action: "ecr:PutImage", resource: repo("app-new"), context: { "aws:ResourceTag/ecr-ci:created-by": "dev", "aws:ResourceTag/ManagedBy": "github-actions" }, expected: "Allowed" },
            { name: "push into prod's managed repository", action: "ecr:PutImage", resource: repo("app-prod"), context: managed("prod"), expected: "ImplicitlyDenied" },
        ]);
    });
});

describe("ECS deploy: tags on a registered task definition (render v1.9.0 copies the live revision's, deploy v2.6.3 registers them)", () => {
    const taskDefinition = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/app:8`;
    const policy = buildCiPolicy({
        repositoryArns: [`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-prod`],
        ecsDeploy: { clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main`, services: ["web"], passRoleArns: [] },
    });
    const register = { "aws:RequestTag/team": "a", "aws:TagKeys": ["team"] };
    identityTable(policy, [
        { name: "register a tagged task definition", action: "ecs:RegisterTaskDefinition", resource: taskDefinition, context: register, expected: "Allowed" },
        { name: "tag it while registering", action: "ecs:TagResource", resource: taskDefinition, context: { ...register, "ecs:CreateAction": "RegisterTaskDefinition" }, expected: "Allowed" },
        { name: "retag an existing task definition", action: "ecs:TagResource", resource: taskDefinition, context: register, expected: "ImplicitlyDenied" },
        { name: "retag the service", action: "ecs:TagResource", resource: `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/main/web`, context: register, expected: "ImplicitlyDenied" },
        { name: "tag tasks it runs (RunTask is not granted)", action: "ecs:TagResource", resource: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/main/0123`, context: { ...register, "ecs:CreateAction": "RunTask" }, expected: "ImplicitlyDenied" },
        { name: "remove tags", action: "ecs:UntagResource", resource: taskDefinition, expected: "ImplicitlyDenied" },
        { name: "pass any role (passRoleArns: [])", action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/app-task`, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expected: "ImplicitlyDenied" },
    ]);
});

describe("tag-guarded creation: tag-on-create, never a retag of a managed or guard-tagged repository; describe under the prefix", () => {
    const repo = (name: string) => `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`;
    const policy = buildCiPolicy({
        repositoryArns: [repo("app-dev")],
        createRepositories: { repositoryArnPattern: repo("app-*"), requiredTags: { ManagedBy: "github-actions" }, environment: "dev" },
    });
    const guard = { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/ManagedBy": "github-actions", "aws:TagKeys": ["ecr-ci:created-by", "ManagedBy"] };
    identityTable(policy, [
        { name: "check whether app-new exists (seed 003)", action: "ecr:DescribeRepositories", resource: repo("app-new"), expected: "Allowed" },
        { name: "describe a repository outside the prefix", action: "ecr:DescribeRepositories", resource: repo("payments"), expected: "ImplicitlyDenied" },
        { name: "create app-new with the guard", action: "ecr:CreateRepository", resource: repo("app-new"), context: guard, expected: "Allowed" },
        { name: "tag app-new on create (the example's reading: no resource tags yet)", action: "ecr:TagResource", resource: repo("app-new"), context: guard, expected: "Allowed" },
        { name: "tag on create with an extra key", action: "ecr:TagResource", resource: repo("app-new"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/ManagedBy": "github-actions", "aws:RequestTag/x": "y", "aws:TagKeys": ["ecr-ci:created-by", "ManagedBy", "x"] }, expected: "ImplicitlyDenied" },
        { name: "tag on create with another value", action: "ecr:TagResource", resource: repo("app-new"), context: { "aws:RequestTag/ecr-ci:created-by": "dev", "aws:RequestTag/ManagedBy": "ecr-ci", "aws:TagKeys": ["ecr-ci:created-by", "ManagedBy"] }, expected: "ImplicitlyDenied" },
        {
            name: "retag prod's managed repository into the guard",
            action: "ecr:TagResource",
            resource: repo("app-prod"),
            context: { ...guard, "aws:ResourceTag/ManagedBy": "ecr-ci", "aws:ResourceTag/Environment": "prod" },
            expected: "ImplicitlyDenied",
        },
        {
            name: "retag a repository another pipeline created with another guard value",
            action: "ecr:TagResource",
            resource: repo("app-other"),
            context: { ...guard, "aws:ResourceTag/ManagedBy": "team-b" },
            expected: "ImplicitlyDenied",
        },
        { name: "tag outside the prefix", action: "ecr:TagResource", resource: repo("payments"), context: guard, expected: "ImplicitlyDenied" },
        // The residual the README states: an untagged repository under the prefix that ecr-ci does not manage.
        { name: "tag an untagged foreign repository under the prefix (residual)", action: "ecr:TagResource", resource: repo("app-legacy"), context: guard, expected: "Allowed" },
        { name: "untag anything", action: "ecr:UntagResource", resource: repo("app-new"), expected: "ImplicitlyDenied" },
    ]);
});

describe("cross-account repository policy under an independent evaluator", () => {
    const policy = JSON.parse(crossAccountPullPolicy("aws", [OTHER]));
    const resource = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-prod`;
    const rows: { name: string; principal: string; action: string; expected: Decision }[] = [
        { name: "pull from the listed account", principal: `arn:aws:iam::${OTHER}:role/ecs-execution`, action: "ecr:BatchGetImage", expected: "Allowed" },
        { name: "layer download from the listed account", principal: `arn:aws:iam::${OTHER}:role/ecs-execution`, action: "ecr:GetDownloadUrlForLayer", expected: "Allowed" },
        { name: "push from the listed account", principal: `arn:aws:iam::${OTHER}:role/ecs-execution`, action: "ecr:PutImage", expected: "ImplicitlyDenied" },
        { name: "delete from the listed account", principal: `arn:aws:iam::${OTHER}:role/ecs-execution`, action: "ecr:BatchDeleteImage", expected: "ImplicitlyDenied" },
        { name: "pull from an unlisted account", principal: "arn:aws:iam::333333333333:role/ecs-execution", action: "ecr:BatchGetImage", expected: "ImplicitlyDenied" },
    ];
    assertMixed(rows);
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => {
            assert.equal(
                await evaluateResourcePolicy(policy, { principalArn: row.principal, action: row.action, resource, resourceAccount: ACCOUNT }),
                row.expected,
            );
        });
    }
});

describe("state backend access under an independent evaluator (pulumi/pulumi pkg/backend/diy at v3.259.0)", () => {
    const bucket = "arn:aws:s3:::acme-state";
    const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k1`;
    const backend = { bucket: "acme-state", prefix: "infra", kmsKeyArn: key };
    const object = (k: string) => `${bucket}/infra/.pulumi/${k}`;
    /** A listing as the CLI sends it: the prefix, and delimiter `/` (state.go, lock.go, store.go). */
    const listing = (prefix: string) => ({ "s3:prefix": `infra/.pulumi/${prefix}`, "s3:delimiter": "/" });
    /** S3's not-found check for a missing key: ListBucket with the key as `s3:prefix`, no delimiter (ceph/ceph#68577). */
    const notFoundCheck = (k: string) => ({ "s3:prefix": `infra/.pulumi/${k}` });
    const repository = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-dev`;
    // No kms:* rows: the evaluator (rightly) also requires a key policy, which these tables do not
    // model, so every KMS request is denied whatever the identity policy says. The KMS actions are
    // asserted in the whole documents (tests/permissions.test.ts).

    describe("the CI principal with stateBackend: pulumi up of its own stack (dev)", () => {
        identityTable(buildCiPolicy({ repositoryArns: [repository], stateBackend: stateBackendScope("aws", backend, "ecr-ci", "dev") }), [
            { name: "read the backend's layout", action: "s3:GetObject", resource: object("meta.yaml"), expected: "Allowed" },
            { name: "list its checkpoint variants (stackPath)", action: "s3:ListBucket", resource: bucket, context: listing("stacks/ecr-ci/dev.json"), expected: "Allowed" },
            { name: "read its checkpoint", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json"), expected: "Allowed" },
            { name: "read its zstd checkpoint", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json.zst"), expected: "Allowed" },
            { name: "write its gzip checkpoint", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json.gz"), expected: "Allowed" },
            { name: "write its zstd checkpoint", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json.zst"), expected: "Allowed" },
            { name: "copy its checkpoint to .bak", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json.bak"), expected: "Allowed" },
            { name: "abort a multipart upload of its checkpoint", action: "s3:AbortMultipartUpload", resource: object("stacks/ecr-ci/dev.json"), expected: "Allowed" },
            { name: "read its tags file", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.pulumi-tags"), expected: "Allowed" },
            { name: "a missing tags file answers 404, not 403", action: "s3:ListBucket", resource: bucket, context: notFoundCheck("stacks/ecr-ci/dev.pulumi-tags"), expected: "Allowed" },
            { name: "write its tags file (the issue's reading)", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.pulumi-tags"), expected: "Allowed" },
            { name: "list its locks", action: "s3:ListBucket", resource: bucket, context: listing("locks/organization/ecr-ci/dev/"), expected: "Allowed" },
            { name: "take its lock", action: "s3:PutObject", resource: object("locks/organization/ecr-ci/dev/0b1c.json"), expected: "Allowed" },
            { name: "release its lock", action: "s3:DeleteObject", resource: object("locks/organization/ecr-ci/dev/0b1c.json"), expected: "Allowed" },
            { name: "write its history entry", action: "s3:PutObject", resource: object("history/ecr-ci/dev/dev-1723.history.json"), expected: "Allowed" },
            { name: "list its history (stack history)", action: "s3:ListBucket", resource: bucket, context: listing("history/ecr-ci/dev/"), expected: "Allowed" },
            { name: "read its newest history entry", action: "s3:GetObject", resource: object("history/ecr-ci/dev/dev-1723.history.json"), expected: "Allowed" },
            { name: "write its backup", action: "s3:PutObject", resource: object("backups/ecr-ci/dev/dev.1723.json"), expected: "Allowed" },
            { name: "write its journal (the issue's reading)", action: "s3:PutObject", resource: object("journal/ecr-ci/dev/0000000001.journal.json"), expected: "Allowed" },
            { name: "rewrite the backend's layout", action: "s3:PutObject", resource: object("meta.yaml"), expected: "ImplicitlyDenied" },
            { name: "delete its checkpoint", action: "s3:DeleteObject", resource: object("stacks/ecr-ci/dev.json"), expected: "ImplicitlyDenied" },
            { name: "read prod's checkpoint (secrets)", action: "s3:GetObject", resource: object("stacks/ecr-ci/prod.json"), expected: "ImplicitlyDenied" },
            { name: "rewrite prod's checkpoint", action: "s3:PutObject", resource: object("stacks/ecr-ci/prod.json"), expected: "ImplicitlyDenied" },
            { name: "rewrite prod's tags file", action: "s3:PutObject", resource: object("stacks/ecr-ci/prod.pulumi-tags"), expected: "ImplicitlyDenied" },
            { name: "read the checkpoint of a stack named dev.json-x", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json-x.json"), expected: "ImplicitlyDenied" },
            { name: "rewrite the checkpoint of a stack named dev.json-x", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json-x.json"), expected: "ImplicitlyDenied" },
            { name: "delete prod's lock", action: "s3:DeleteObject", resource: object("locks/organization/ecr-ci/prod/0b1c.json"), expected: "ImplicitlyDenied" },
            { name: "list prod's history", action: "s3:ListBucket", resource: bucket, context: listing("history/ecr-ci/prod/"), expected: "ImplicitlyDenied" },
            { name: "list every stack of the project", action: "s3:ListBucket", resource: bucket, context: listing("stacks/ecr-ci/"), expected: "ImplicitlyDenied" },
            { name: "write prod's journal", action: "s3:PutObject", resource: object("journal/ecr-ci/prod/manifest.json"), expected: "ImplicitlyDenied" },
            { name: "read another project's stack", action: "s3:GetObject", resource: object("stacks/payments/dev.json"), expected: "ImplicitlyDenied" },
        ]);
    });

    describe("the preview role: pulumi preview and stack output of its own stack, read-only", () => {
        identityTable(
            buildPreviewPolicy({ repositoryArns: [repository], iamArns: [`arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`], stateBackend: stateBackendScope("aws", backend, "ecr-ci", "dev") }),
            [
                { name: "read the backend's layout", action: "s3:GetObject", resource: object("meta.yaml"), expected: "Allowed" },
                { name: "list its checkpoint variants", action: "s3:ListBucket", resource: bucket, context: listing("stacks/ecr-ci/dev.json"), expected: "Allowed" },
                { name: "read its checkpoint", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json"), expected: "Allowed" },
                { name: "read its zstd checkpoint", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json.zst"), expected: "Allowed" },
                { name: "read its tags file", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.pulumi-tags"), expected: "Allowed" },
                { name: "a missing tags file answers 404, not 403", action: "s3:ListBucket", resource: bucket, context: notFoundCheck("stacks/ecr-ci/dev.pulumi-tags"), expected: "Allowed" },
                { name: "write its checkpoint", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json"), expected: "ImplicitlyDenied" },
                { name: "write its tags file", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.pulumi-tags"), expected: "ImplicitlyDenied" },
                { name: "take its lock", action: "s3:PutObject", resource: object("locks/organization/ecr-ci/dev/0b1c.json"), expected: "ImplicitlyDenied" },
                { name: "rewrite the backend's layout", action: "s3:PutObject", resource: object("meta.yaml"), expected: "ImplicitlyDenied" },
                { name: "read its history (not needed for a preview)", action: "s3:GetObject", resource: object("history/ecr-ci/dev/dev-1.checkpoint.json"), expected: "ImplicitlyDenied" },
                { name: "read prod's checkpoint", action: "s3:GetObject", resource: object("stacks/ecr-ci/prod.json"), expected: "ImplicitlyDenied" },
                { name: "list every stack of the project", action: "s3:ListBucket", resource: bucket, context: listing("stacks/ecr-ci/"), expected: "ImplicitlyDenied" },
            ],
        );
    });

    describe("the deployer: every stack of the project, stack init and the first login", () => {
        identityTable({ Version: "2012-10-17", Statement: stateBackendStatements(stateBackendScope("aws", backend, "ecr-ci"), "init") }, [
            { name: "a missing meta.yaml answers 404 (fresh bucket)", action: "s3:ListBucket", resource: bucket, context: notFoundCheck("meta.yaml"), expected: "Allowed" },
            { name: "probe for a legacy layout (fresh bucket)", action: "s3:ListBucket", resource: bucket, context: listing("stacks/"), expected: "Allowed" },
            { name: "write meta.yaml on the first login", action: "s3:PutObject", resource: object("meta.yaml"), expected: "Allowed" },
            { name: "a missing checkpoint answers 404 (stack select → init)", action: "s3:ListBucket", resource: bucket, context: notFoundCheck("stacks/ecr-ci/prod.json"), expected: "Allowed" },
            { name: "create prod's checkpoint", action: "s3:PutObject", resource: object("stacks/ecr-ci/prod.json"), expected: "Allowed" },
            { name: "remove a stack's history (stack rm)", action: "s3:DeleteObject", resource: object("history/ecr-ci/prod/prod-1.history.json"), expected: "Allowed" },
            { name: "list every stack of every project", action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": "infra/.pulumi/stacks/" }, expected: "ImplicitlyDenied" },
            { name: "read another project's stack", action: "s3:GetObject", resource: object("stacks/payments/prod.json"), expected: "ImplicitlyDenied" },
            { name: "delete meta.yaml", action: "s3:DeleteObject", resource: object("meta.yaml"), expected: "ImplicitlyDenied" },
            { name: "write outside the prefix", action: "s3:PutObject", resource: `${bucket}/platform/.pulumi/meta.yaml`, expected: "ImplicitlyDenied" },
        ]);
    });
});
