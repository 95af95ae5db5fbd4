// previewRole.stateBackend: the preview role reads its stack's state without the CI principal getting
// any state access (issue 12). Config contract, rules with whole messages, whole documents, and the
// independent evaluator on the documents the plan builds.
import assert from "assert/strict";
import { parseStackConfig } from "../../components/contract/parse";
import { ResolvedEnvironmentArgs, capabilityScopes } from "../../components/core/environment-plan";
import { buildCiPolicy, buildPreviewPolicy } from "../../components/core/permissions";
import { evaluateIdentity } from "../support/iam-eval";

const ACCOUNT = "123456789012";
const TARGET = { partition: "aws", region: "eu-west-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com", project: "ecr-ci", stack: "dev" };
const GITHUB = { owner: "acme", repository: "app", branches: ["main"] };
const VALID = { environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB };
const STATE = { bucket: "acme-state", prefix: "infra", kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k1` };
const REPO = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-dev`;

function config(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`ecr-ci:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

function problems(...lines: string[]): string {
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    return [`Invalid ecr-ci stack configuration: ${count}:`, ...lines.map((l) => `  - ${l}`)].join("\n");
}

describe("previewRole.stateBackend: config", () => {
    it("parses as a nested object; true and { maxSessionDurationSeconds } still work", () => {
        assert.deepEqual(parseStackConfig(config({ ...VALID, previewRole: { stateBackend: STATE } })), { ...VALID, previewRole: { stateBackend: STATE } });
        assert.deepEqual(parseStackConfig(config({ ...VALID, previewRole: "true" })), { ...VALID, previewRole: {} });
        assert.deepEqual(parseStackConfig(config({ ...VALID, previewRole: { maxSessionDurationSeconds: 7200 } })), { ...VALID, previewRole: { maxSessionDurationSeconds: 7200 } });
    });

    const cases: { name: string; previewRole: unknown; extra?: Record<string, unknown>; message: string }[] = [
        {
            name: "every field checked, named from previewRole down",
            previewRole: { stateBackend: { bucket: "Acme_State", prefix: "a/../b", kmsKeyArn: "alias/pulumi" } },
            message: problems(
                `ecr-ci:previewRole.stateBackend.bucket = "Acme_State": use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards`,
                `ecr-ci:previewRole.stateBackend.prefix = "a/../b": use the backend URL's path without wildcards (e.g. "infra" for s3://bucket/infra)`,
                `ecr-ci:previewRole.stateBackend.kmsKeyArn = "alias/pulumi": use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>, no wildcards or aliases`,
            ),
        },
        {
            name: "a missing bucket",
            previewRole: { stateBackend: { prefix: "infra" } },
            message: problems(`ecr-ci:previewRole.stateBackend.bucket is required: the state bucket's name, as in s3://<bucket> (e.g. "acme-pulumi-state")`),
        },
        {
            name: "a typo inside the nested object",
            previewRole: { stateBackend: { bucket: "acme-state", kmsKeyArm: "x" } },
            message: problems(`ecr-ci:previewRole.stateBackend.kmsKeyArm is not a known setting (did you mean kmsKeyArn?); known: bucket, prefix, kmsKeyArn`),
        },
        {
            name: "not an object",
            previewRole: { stateBackend: "s3://acme-state/infra" },
            message: problems(`ecr-ci:previewRole.stateBackend = "s3://acme-state/infra": use an object with bucket, prefix, kmsKeyArn`),
        },
        {
            name: "not together with stateBackend",
            previewRole: { stateBackend: STATE },
            extra: { stateBackend: STATE },
            message: problems(
                `ecr-ci:previewRole.stateBackend is set together with stateBackend, which already lets the preview role read this stack's state: keep stateBackend (the CI principal runs Pulumi itself) or previewRole.stateBackend (only the preview role reads state), not both`,
            ),
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.throws(() => parseStackConfig(config({ ...VALID, previewRole: c.previewRole, ...c.extra })), { name: "EcrCiValidationError", message: c.message });
        });
    }
});

describe("previewRole.stateBackend: documents", () => {
    const args = parseStackConfig(config({ ...VALID, previewRole: { stateBackend: STATE } }));
    const scopes = capabilityScopes(args as ResolvedEnvironmentArgs, TARGET);
    const object = (key: string) => `arn:aws:s3:::acme-state/infra/.pulumi/${key}`;

    it("the preview policy reads this stack's state; the CI policy has no state statement at all", () => {
        assert.deepEqual(buildPreviewPolicy({ repositoryArns: [REPO], iamArns: [`arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`], ...scopes }).Statement.slice(2), [
            {
                Sid: "StateList",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: "arn:aws:s3:::acme-state",
                Condition: { StringLike: { "s3:prefix": ["infra/.pulumi/stacks/ecr-ci/dev.json", "infra/.pulumi/stacks/ecr-ci/dev.pulumi-tags"] } },
            },
            {
                Sid: "StateRead",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: ["meta.yaml", "stacks/ecr-ci/dev.json", "stacks/ecr-ci/dev.json.gz", "stacks/ecr-ci/dev.json.zst", "stacks/ecr-ci/dev.pulumi-tags"].map(object),
            },
            { Sid: "StateSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: STATE.kmsKeyArn },
        ]);
        assert.deepEqual(
            buildCiPolicy({ repositoryArns: [REPO], ...scopes }).Statement.map((s) => s.Sid),
            ["EcrLogin", "PushPull"],
        );
    });

    describe("under the independent evaluator", () => {
        const preview = buildPreviewPolicy({ repositoryArns: [REPO], iamArns: [`arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`], ...scopes });
        const ci = buildCiPolicy({ repositoryArns: [REPO], ...scopes });
        const previewRole = `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-ci-dev-preview/GitHubActions`;
        const ciRole = `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-ci-dev/GitHubActions`;
        const rows: { name: string; who: "preview" | "ci"; action: string; resource: string; context?: Record<string, string>; expected: string }[] = [
            { name: "preview reads its checkpoint", who: "preview", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json"), expected: "Allowed" },
            { name: "preview reads its tags file", who: "preview", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.pulumi-tags"), expected: "Allowed" },
            { name: "preview gets 404 for a missing tags file", who: "preview", action: "s3:ListBucket", resource: "arn:aws:s3:::acme-state", context: { "s3:prefix": "infra/.pulumi/stacks/ecr-ci/dev.pulumi-tags" }, expected: "Allowed" },
            { name: "preview writes its checkpoint", who: "preview", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json"), expected: "ImplicitlyDenied" },
            { name: "preview reads prod's checkpoint", who: "preview", action: "s3:GetObject", resource: object("stacks/ecr-ci/prod.json"), expected: "ImplicitlyDenied" },
            { name: "the CI principal reads the checkpoint", who: "ci", action: "s3:GetObject", resource: object("stacks/ecr-ci/dev.json"), expected: "ImplicitlyDenied" },
            { name: "the CI principal writes the checkpoint", who: "ci", action: "s3:PutObject", resource: object("stacks/ecr-ci/dev.json"), expected: "ImplicitlyDenied" },
            { name: "the CI principal still pushes", who: "ci", action: "ecr:PutImage", resource: REPO, expected: "Allowed" },
        ];
        for (const row of rows) {
            it(`${row.name} → ${row.expected}`, async () => {
                const [policy, principalArn] = row.who === "preview" ? [preview, previewRole] : [ci, ciRole];
                assert.equal(await evaluateIdentity([policy], { principalArn, action: row.action, resource: row.resource, context: row.context }), row.expected);
            });
        }
    });
});
