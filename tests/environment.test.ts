import assert from "assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, promiseOf, setAwsMocks, settle } from "../tools/mocks";
import { EcrCiEnvironment } from "../components/resources/environment";
import { AuthMode, EcrCiEnvironmentArgs, ImageTagMutability } from "../components/contract/args";
import { AWS_TYPES, nextUnhandledRejection } from "./support/components";

const GH = "token.actions.githubusercontent.com";
const ACCOUNT = "123456789012";
const T = { component: "ecr-ci:index:EcrCiEnvironment", ...AWS_TYPES };

const OIDC: EcrCiEnvironmentArgs = {
    environment: "dev",
    repositories: [{ name: "app-dev" }, { name: "worker-dev", imageTagMutability: ImageTagMutability.Mutable, keepImages: 20 }],
    github: { owner: "acme", repository: "app", branches: ["dev"] },
};

/** Create one environment under fresh mocks and wait for every registration. */
async function deploy(
    args: EcrCiEnvironmentArgs,
    world: { region?: string } = {},
    name = "dev",
): Promise<{ mocks: AwsMocks; env: EcrCiEnvironment }> {
    const mocks = await setAwsMocks(world);
    const env = new EcrCiEnvironment(name, args);
    await promiseOf(env.githubActionsSnippet);
    await settle();
    return { mocks, env };
}

function only(mocks: AwsMocks, type: string) {
    const found = mocks.ofType(type);
    assert.equal(found.length, 1, `expected exactly one ${type}, found ${found.length}`);
    return found[0];
}

function parse(text: unknown): { Statement: { Sid: string; Resource?: unknown; Principal?: unknown; Condition?: unknown }[] } {
    return JSON.parse(String(text));
}

describe("EcrCiEnvironment (oidc)", () => {
    let mocks: AwsMocks;
    let env: EcrCiEnvironment;
    before(async () => ({ mocks, env } = await deploy(OIDC)));

    it("registers exactly the expected (type, name) pairs, all parented to the component", () => {
        assert.deepEqual(
            mocks.resources.map((r) => [r.type, r.name]).sort(),
            [
                [T.component, "dev"],
                [T.repository, "dev-app-dev"],
                [T.repository, "dev-worker-dev"],
                [T.lifecycle, "dev-app-dev"],
                [T.lifecycle, "dev-worker-dev"],
                [T.provider, "dev-github"],
                [T.policy, "dev-ci"],
                [T.role, "dev-ci"],
                [T.roleAttachment, "dev-ci"],
            ].sort(),
        );
        const component = only(mocks, T.component);
        for (const r of mocks.resources.filter((r) => r.custom)) {
            assert.equal(r.parent, component.urn, `${r.type} ${r.name} is not parented to the component`);
            assert.match(r.urn, /ecr-ci:index:EcrCiEnvironment\$aws:/);
        }
    });

    it("repositories: secure defaults, protected, per-repository overrides", () => {
        const [app, worker] = mocks.ofType(T.repository);
        assert.deepEqual(
            { protect: app.protect, ...app.inputs },
            {
                protect: true,
                name: "app-dev",
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "AES256" }],
                forceDelete: false,
                tags: { Environment: "dev", ManagedBy: "ecr-ci" },
            },
        );
        assert.equal(worker.inputs.imageTagMutability, "MUTABLE");
        assert.equal(worker.protect, true);
    });

    it("each repository gets its own lifecycle policy, attached by the mocked repository name", () => {
        const policies = mocks.ofType(T.lifecycle);
        assert.deepEqual(
            policies.map((p) => [p.inputs.repository, JSON.parse(String(p.inputs.policy)).rules.map((r: { selection: { tagStatus: string } }) => r.selection.tagStatus)]),
            [
                ["app-dev", ["untagged"]],
                ["worker-dev", ["untagged", "any"]],
            ],
        );
    });

    it("policy resources are exactly this environment's mocked repository ARNs", () => {
        const doc = parse(only(mocks, T.policy).inputs.policy);
        assert.deepEqual(doc.Statement.find((s) => s.Sid === "PushPull")?.Resource, [
            `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-dev`,
            `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/worker-dev`,
        ]);
        assert.deepEqual(
            doc.Statement.map((s) => s.Sid),
            ["EcrLogin", "PushPull"],
        );
    });

    it("the role trusts the created provider's ARN, for exactly the configured branch", () => {
        const provider = only(mocks, T.provider);
        assert.deepEqual(provider.inputs, {
            url: `https://${GH}`,
            clientIdLists: ["sts.amazonaws.com"],
            tags: { Environment: "dev", ManagedBy: "ecr-ci" },
        });
        const role = only(mocks, T.role);
        assert.equal(role.inputs.name, "ecr-ci-dev");
        assert.equal(role.inputs.maxSessionDuration, 3600);
        const trust = parse(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement, [
            {
                Sid: "GitHubRefs",
                Effect: "Allow",
                Principal: { Federated: provider.outputs.arn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" },
                    StringLike: { [`${GH}:sub`]: ["repo:acme/app:ref:*"], [`${GH}:ref`]: ["refs/heads/dev"] },
                },
            },
        ]);
    });

    it("attaches the policy to the role by the mocked names and ARNs", () => {
        assert.deepEqual(only(mocks, T.roleAttachment).inputs, {
            role: "ecr-ci-dev",
            policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-dev`,
        });
    });

    it("outputs: URLs, ARNs, registry, region, role; no user or key", async () => {
        assert.deepEqual(await promiseOf(env.repositoryUrls), {
            "app-dev": `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app-dev`,
            "worker-dev": `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/worker-dev`,
        });
        assert.equal(await promiseOf(env.registryId), ACCOUNT);
        assert.equal(await promiseOf(env.region), "eu-west-1");
        assert.equal(await promiseOf(env.roleArn), `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`);
        assert.equal(await promiseOf(env.oidcProviderArn), `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`);
        assert.equal(await promiseOf(env.accessKeyId), undefined);
        assert.equal(await promiseOf(env.secretAccessKey), undefined);
        for (const type of [T.user, T.accessKey, T.userAttachment, "aws:iam/userLoginProfile:UserLoginProfile"]) {
            assert.equal(mocks.ofType(type).length, 0, `${type} must not exist in oidc mode`);
        }
    });

    it("the GitHub Actions snippet names this role, region and audience", async () => {
        const snippet = await promiseOf(env.githubActionsSnippet);
        assert.match(snippet, /role-to-assume: arn:aws:iam::123456789012:role\/ecr-ci-dev\n/);
        assert.match(snippet, /aws-region: eu-west-1\n/);
        assert.match(snippet, /audience: sts\.amazonaws\.com\n/);
        assert.match(snippet, /id-token: write/);
        assert.doesNotMatch(snippet, /aws-access-key-id/);
    });
});

describe("EcrCiEnvironment: stability and options", () => {
    it("reordering the repository list changes no child name", async () => {
        const names = (m: AwsMocks) => m.resources.map((r) => `${r.type}::${r.name}`).sort();
        const first = names((await deploy(OIDC)).mocks);
        const reordered = names((await deploy({ ...OIDC, repositories: [...OIDC.repositories].reverse() })).mocks);
        assert.deepEqual(reordered, first);
    });

    it("protect: false lifts protection; forceDelete is per repository", async () => {
        const { mocks } = await deploy({ ...OIDC, protect: false, repositories: [{ name: "app-dev", forceDelete: true }] });
        const repo = only(mocks, T.repository);
        assert.equal(repo.protect, false);
        assert.equal(repo.inputs.forceDelete, true);
    });

    it("an existing provider ARN is reused: no provider created, the role trusts that ARN", async () => {
        const existing = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;
        const { mocks, env } = await deploy({ ...OIDC, oidcProvider: existing, maxSessionDurationSeconds: 7200, iamPath: "/ci/" });
        assert.equal(mocks.ofType(T.provider).length, 0);
        const role = only(mocks, T.role);
        assert.equal(parse(role.inputs.assumeRolePolicy).Statement[0].Principal && (parse(role.inputs.assumeRolePolicy).Statement[0].Principal as { Federated: string }).Federated, existing);
        assert.equal(role.inputs.maxSessionDuration, 7200);
        assert.equal(role.inputs.path, "/ci/");
        assert.equal(await promiseOf(env.roleArn), `arn:aws:iam::${ACCOUNT}:role/ci/ecr-ci-dev`);
        assert.equal(await promiseOf(env.oidcProviderArn), existing);
    });

    it("aws-cn: audience, provider client id and every ARN follow the partition", async () => {
        const { mocks, env } = await deploy({ ...OIDC, repositories: [{ name: "app-dev" }] }, { region: "cn-north-1" });
        assert.deepEqual(only(mocks, T.provider).inputs.clientIdLists, ["sts.amazonaws.com.cn"]);
        const trust = parse(only(mocks, T.role).inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Federated: `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/${GH}` });
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com.cn" },
            StringLike: { [`${GH}:sub`]: ["repo:acme/app:ref:*"], [`${GH}:ref`]: ["refs/heads/dev"] },
        });
        assert.equal(parse(only(mocks, T.policy).inputs.policy).Statement[1].Resource, `arn:aws-cn:ecr:cn-north-1:${ACCOUNT}:repository/app-dev`);
        assert.match(await promiseOf(env.githubActionsSnippet), /audience: sts\.amazonaws\.com\.cn\n/);
    });

    it("enterprise slug moves the provider URL and the condition keys", async () => {
        const { mocks } = await deploy({ ...OIDC, github: { ...OIDC.github!, enterpriseSlug: "acme-corp" } });
        assert.equal(only(mocks, T.provider).inputs.url, `https://${GH}/acme-corp`);
        const trust = parse(only(mocks, T.role).inputs.assumeRolePolicy);
        const condition = trust.Statement[0].Condition as { StringEquals: object; StringLike: object };
        assert.deepEqual([...Object.keys(condition.StringEquals), ...Object.keys(condition.StringLike)], [
            `${GH}/acme-corp:aud`,
            `${GH}/acme-corp:sub`,
            `${GH}/acme-corp:ref`,
        ]);
    });

    it("cross-account pulls: a repository policy only where configured, pull actions only", async () => {
        const { mocks } = await deploy({
            ...OIDC,
            repositories: [{ name: "app-dev", pullAccounts: ["210987654321", "arn:aws:iam::333333333333:role/deployer"] }, { name: "worker-dev" }],
        });
        const policy = only(mocks, T.repositoryPolicy);
        assert.equal(policy.inputs.repository, "app-dev");
        assert.deepEqual(JSON.parse(String(policy.inputs.policy)), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "CrossAccountPull",
                    Effect: "Allow",
                    Principal: { AWS: ["arn:aws:iam::210987654321:root", "arn:aws:iam::333333333333:role/deployer"] },
                    Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                },
            ],
        });
    });

    it("capabilities appear only when configured, resolved against this account and region", async () => {
        const { mocks } = await deploy({
            ...OIDC,
            repositories: [{ name: "app-prod" }],
            pullFrom: ["app-dev", "arn:aws:ecr:us-east-1:210987654321:repository/base"],
            ecsDeploy: {
                clusterArn: pulumi.output(`arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main`),
                services: ["web"],
                passRoleArns: [`arn:aws:iam::${ACCOUNT}:role/app-task`],
            },
            createRepositories: { namePrefix: "team-a/", requiredTags: { team: "a" } },
        });
        const doc = parse(only(mocks, T.policy).inputs.policy);
        assert.deepEqual(
            doc.Statement.map((s) => s.Sid),
            [
                "EcrLogin",
                "PushPull",
                "PromotionPull",
                "EcsTaskDefinitions",
                "EcsTagOnRegister",
                "EcsServices",
                "EcsPassRole",
                "CreateTaggedRepository",
                "TagCreatedRepository",
                "PushToCreatedRepositories",
                "DescribeRepositoriesUnderPrefix",
            ],
        );
        assert.deepEqual(doc.Statement[2].Resource, [
            "arn:aws:ecr:eu-west-1:123456789012:repository/app-dev",
            "arn:aws:ecr:us-east-1:210987654321:repository/base",
        ]);
        const bySid = (sid: string) => doc.Statement.find((s) => s.Sid === sid)?.Resource;
        assert.equal(bySid("EcsServices"), `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/main/web`);
        assert.equal(bySid("CreateTaggedRepository"), `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/team-a/*`);
    });
});

describe("EcrCiEnvironment: preview role and state backend", () => {
    let mocks: AwsMocks;
    let env: EcrCiEnvironment;
    before(async () =>
        ({ mocks, env } = await deploy({
            ...OIDC,
            repositories: [{ name: "app-dev" }],
            github: { ...OIDC.github!, ownerId: "111", repositoryId: "222" },
            previewRole: { maxSessionDurationSeconds: 7200 },
            stateBackend: { bucket: "acme-state", prefix: "infra" },
        })));

    it("a second role, trusted only for this repository's pull_request subject", () => {
        const roles = mocks.ofType(T.role);
        assert.deepEqual(
            roles.map((r) => [r.name, r.inputs.name, r.inputs.maxSessionDuration]),
            [
                ["dev-ci", "ecr-ci-dev", 3600],
                ["dev-preview", "ecr-ci-dev-preview", 7200],
            ],
        );
        const provider = only(mocks, T.provider);
        assert.deepEqual(parse(roles[1].inputs.assumeRolePolicy).Statement, [
            {
                Sid: "GitHubPullRequests",
                Effect: "Allow",
                Principal: { Federated: provider.outputs.arn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com", [`${GH}:repository_id`]: "222", [`${GH}:repository_owner_id`]: "111" },
                    // pull_request runs only: a pull_request_target run presents a branch as ref.
                    StringLike: { [`${GH}:sub`]: ["repo:acme/app:pull_request", "repo:acme@111/app@222:pull_request"], [`${GH}:ref`]: ["refs/pull/*/merge"] },
                },
            },
        ]);
    });

    it("the preview policy reads exactly this environment's resources and the state, and writes nothing", async () => {
        const previewPolicy = mocks.ofType(T.policy).find((p) => p.name === "dev-preview")!;
        const doc = parse(previewPolicy.inputs.policy);
        assert.deepEqual(doc.Statement.find((st) => st.Sid === "ReadIam")?.Resource, [
            `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`,
            `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-dev`,
            `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`,
            `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev-preview`,
        ]);
        // The running stack's state only (mocks run project ecr-ci, stack test), never another stack's.
        assert.deepEqual(doc.Statement.find((st) => st.Sid === "StateRead")?.Resource, [
            "arn:aws:s3:::acme-state/infra/.pulumi/meta.yaml",
            "arn:aws:s3:::acme-state/infra/.pulumi/stacks/ecr-ci/test.json",
            "arn:aws:s3:::acme-state/infra/.pulumi/stacks/ecr-ci/test.json.gz",
            "arn:aws:s3:::acme-state/infra/.pulumi/stacks/ecr-ci/test.json.zst",
            "arn:aws:s3:::acme-state/infra/.pulumi/stacks/ecr-ci/test.pulumi-tags",
        ]);
        const actions = doc.Statement.flatMap((st) => (st as unknown as { Action: string | string[] }).Action);
        assert.deepEqual(
            actions.filter((a) => !/^[a-z0-9]+:(Get|List|Describe)[A-Za-z]*$/.test(a)),
            [],
        );
        const attachments = mocks.ofType(T.roleAttachment).map((a) => a.inputs);
        assert.deepEqual(attachments, [
            { role: "ecr-ci-dev", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-dev` },
            { role: "ecr-ci-dev-preview", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-dev-preview` },
        ]);
        assert.equal(await promiseOf(env.previewRoleArn), `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev-preview`);
    });

    it("the CI role may write its stack's state", () => {
        const doc = parse(mocks.ofType(T.policy).find((p) => p.name === "dev-ci")!.inputs.policy);
        assert.deepEqual(
            doc.Statement.map((st) => st.Sid),
            ["EcrLogin", "PushPull", "StateList", "StateRead", "StateWrite", "StateDelete"],
        );
    });

    it("no preview role unless asked for", async () => {
        const { mocks: m, env: e } = await deploy(OIDC);
        assert.deepEqual(
            m.ofType(T.role).map((r) => r.name),
            ["dev-ci"],
        );
        assert.equal(await promiseOf(e.previewRoleArn), undefined);
    });
});

describe("EcrCiEnvironment (user)", () => {
    let mocks: AwsMocks;
    let env: EcrCiEnvironment;
    const USER: EcrCiEnvironmentArgs = {
        environment: "ci",
        authMode: AuthMode.User,
        repositories: [{ name: "app" }],
        permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/ci-boundary`,
    };
    before(async () => ({ mocks, env } = await deploy(USER, {}, "ci")));

    it("an IAM user under /ci/ with one access key, no role, provider or login profile", () => {
        assert.deepEqual(
            mocks.resources.map((r) => r.type).sort(),
            [T.component, T.repository, T.lifecycle, T.policy, T.user, T.userAttachment, T.accessKey].sort(),
        );
        assert.deepEqual(only(mocks, T.user).inputs, {
            name: "ecr-ci-ci",
            path: "/ci/",
            permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/ci-boundary`,
            tags: { Environment: "ci", ManagedBy: "ecr-ci" },
        });
        assert.deepEqual(only(mocks, T.accessKey).inputs, { user: "ecr-ci-ci" });
        assert.deepEqual(only(mocks, T.userAttachment).inputs, { user: "ecr-ci-ci", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-ci` });
    });

    it("the secret access key is a Pulumi secret; the key ID is not", async () => {
        assert.equal(await pulumi.isSecret(env.secretAccessKey), true);
        assert.equal(await pulumi.isSecret(env.accessKeyId), false);
        const key = only(mocks, T.accessKey);
        assert.equal(await promiseOf(env.secretAccessKey), key.outputs.secret);
        assert.equal(await promiseOf(env.accessKeyId), key.id);
        assert.equal(await promiseOf(env.roleArn), undefined);
    });

    it("the snippet uses repository secrets, never a key value, and no id-token", async () => {
        const snippet = await promiseOf(env.githubActionsSnippet);
        assert.match(snippet, /aws-access-key-id: \$\{\{ secrets\.AWS_ACCESS_KEY_ID \}\}/);
        assert.doesNotMatch(snippet, new RegExp(String(only(mocks, T.accessKey).outputs.secret).replace(/[+/]/g, "\\$&")));
        assert.doesNotMatch(snippet, /id-token/);
    });

    it("with pgpKey only the encrypted secret is exposed", async () => {
        const { mocks: m, env: e } = await deploy({ ...USER, pgpKey: "keybase:acme" }, {}, "ci");
        assert.equal(only(m, T.accessKey).inputs.pgpKey, "keybase:acme");
        assert.equal(await promiseOf(e.secretAccessKey), undefined);
        assert.equal(await promiseOf(e.encryptedSecretAccessKey), only(m, T.accessKey).outputs.encryptedSecret);
    });
});

describe("EcrCiEnvironment: invalid arguments", () => {
    it("throws every problem before registering anything, naming args fields", async () => {
        const mocks = await setAwsMocks();
        assert.throws(
            () =>
                new EcrCiEnvironment("bad", {
                    environment: "Bad Env",
                    repositories: [{ name: "App" }],
                    github: { owner: "acme", repository: "acme/app", branches: ["*"] },
                    maxSessionDurationSeconds: 100,
                }),
            (err: Error) => pulumi.RunError.isInstance(err) && err.message === [
                    `EcrCiEnvironment "bad" has invalid arguments: 5 problems:`,
                    `  - args.environment = "Bad Env": use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`,
                    `  - args.repositories[0].name = "App": use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. "app-dev" or "team/app")`,
                    `  - args.github.repository = "acme/app": give the name without the owner: set github.owner to "acme" and github.repository to "app"`,
                    `  - args.github.branches[0] = "*": a pattern of only '*' matches every branch; name the branches or a narrower pattern (e.g. "main" or "release/*")`,
                    `  - args.maxSessionDurationSeconds = 100: use a whole number of seconds from 3600 to 43200`,
                ].join("\n"),
        );
        await settle();
        assert.deepEqual(mocks.resources, []);
    });

    it("an invalid provider ARN given as an Output fails the deployment with the field named", async () => {
        await setAwsMocks();
        const failure = nextUnhandledRejection();
        new EcrCiEnvironment("dev", { ...OIDC, oidcProvider: pulumi.output("arn:aws:iam::123456789012:role/not-a-provider") });
        const err = await failure;
        assert.equal(
            err.message,
            [
                `error serializing property "assumeRolePolicy": EcrCiEnvironment has invalid arguments: 1 problem:`,
                `  - args.oidcProvider = "arn:aws:iam::123456789012:role/not-a-provider": use "create", "lookup" (find the account's provider by its URL) or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/token.actions.githubusercontent.com`,
            ].join("\n"),
        );
        // The failed registration never completes: forget its promises so the runtime's exit-time
        // leak check does not report them (the next setAwsMocks() resets the runtime anyway).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
    });
});

describe("EcrCiEnvironment: limits (core/limits.ts), before any resource", () => {
    /** Every rejection until the registrations settle (a target refusal fails every child's inputs). */
    async function rejections(run: () => void): Promise<string[]> {
        const saved = process.listeners("unhandledRejection");
        process.removeAllListeners("unhandledRejection");
        const seen: string[] = [];
        process.on("unhandledRejection", (reason) => seen.push((reason as Error).message));
        try {
            run();
            // A failed registration never completes, so the runtime's RPCs never settle: wait for the
            // first failure, then a moment for the others (every child fails on the same input).
            for (let waited = 0; seen.length === 0 && waited < 5000; waited += 20) {
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
            await new Promise((resolve) => setTimeout(resolve, 300));
        } finally {
            process.removeAllListeners("unhandledRejection");
            saved.forEach((l) => process.on("unhandledRejection", l));
        }
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
        return [...new Set(seen)];
    }
    const names = (m: AwsMocks) => m.resources.map((r) => r.type);
    const branches = Array.from({ length: 120 }, (_, i) => `release-${String(i).padStart(3, "0")}`);
    const services = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `service-${String(i).padStart(3, "0")}` }));

    it("a trust policy over IAM's 2048 is refused by the constructor: nothing registered", async () => {
        const mocks = await setAwsMocks();
        assert.throws(
            () => new EcrCiEnvironment("dev", { ...OIDC, github: { ...OIDC.github!, branches, ownerId: "123456789", repositoryId: "987654321" } }),
            (err: Error) =>
                pulumi.RunError.isInstance(err) &&
                err.message ===
                    [
                        `EcrCiEnvironment "dev" has invalid arguments: 1 problem:`,
                        `  - args.github = {"owner":"acme","repository":"app","branches":["release-000","release-001","release-002","release-003","release-004",...: the role's trust policy would be 3615 characters (whitespace excluded), over IAM's default 2048 (quota ACLSizePerRole): trust fewer branches, tags or environments, or cover several with one pattern (e.g. "release/*"), or, with a raised ACLSizePerRole quota, set args.trustPolicyMaxChars to it (at most 4096)`,
                    ].join("\n"),
        );
        await settle();
        assert.deepEqual(mocks.resources, []);
    });

    it("a CI policy that fits only in a shorter region is refused once the target is known: no child registered", async () => {
        // 96 repositories: 6141 characters in eu-west-1 (the shortest region), 6621 in ap-southeast-5.
        const mocks = await setAwsMocks({ region: "ap-southeast-5" });
        const failures = await rejections(() => new EcrCiEnvironment("dev", { ...OIDC, repositories: services(96) }));
        assert.deepEqual(failures, [
            [
                `EcrCiEnvironment has invalid arguments: 1 problem:`,
                `  - args.repositories give the CI policy 6621 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: split the repositories over several environments (stacks), or pull from fewer repositories`,
            ].join("\n"),
        ]);
        assert.deepEqual(names(mocks), [T.component]);
    });

    it("the same environment in eu-west-1 registers", async () => {
        const { mocks } = await deploy({ ...OIDC, repositories: services(96) });
        assert.equal(mocks.ofType(T.repository).length, 96);
    });

    it("ARNs of another partition, and a provider of another account: refused once the target is known, no child registered", async () => {
        const mocks = await setAwsMocks({ region: "cn-north-1" });
        const failures = await rejections(
            () =>
                new EcrCiEnvironment("dev", {
                    ...OIDC,
                    oidcProvider: `arn:aws-cn:iam::111111111111:oidc-provider/${GH}`,
                    permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/b`,
                }),
        );
        assert.deepEqual(failures, [
            [
                `EcrCiEnvironment has invalid arguments: 2 problems:`,
                `  - args.oidcProvider = "arn:aws-cn:iam::111111111111:oidc-provider/${GH}": the provider is in account 111111111111, but the stack deploys to account ${ACCOUNT}; a role trusts only an OIDC provider of its own account: use that account's provider ARN, or "create"`,
                `  - args.permissionsBoundaryArn = "arn:aws:iam::${ACCOUNT}:policy/b": is an ARN of partition aws, but the stack deploys to region cn-north-1 of partition aws-cn, where IAM refuses it; use the arn:aws-cn: ARN`,
            ].join("\n"),
        ]);
        assert.deepEqual(names(mocks), [T.component]);
    });

    it("Outputs from other stacks: a boundary and a pullFrom ARN are wired once known", async () => {
        const boundary = `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-boundary`;
        const source = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-dev`;
        const { mocks } = await deploy({ ...OIDC, permissionsBoundaryArn: pulumi.output(boundary), pullFrom: [pulumi.output(source)] });
        const role = mocks.ofType(T.role)[0];
        assert.equal(role.inputs.permissionsBoundary, boundary);
        const policy = JSON.parse(String(mocks.ofType(T.policy)[0].inputs.policy)) as { Statement: { Sid: string; Resource: unknown }[] };
        assert.deepEqual(policy.Statement.find((st) => st.Sid === "PromotionPull")?.Resource, source);
    });

    it("Outputs that resolve to a wildcard or to garbage are refused once known", async () => {
        await setAwsMocks();
        const failures = await rejections(
            () =>
                new EcrCiEnvironment("dev", {
                    ...OIDC,
                    permissionsBoundaryArn: pulumi.output("arn:aws:iam::*:policy/*"),
                    pullFrom: [pulumi.output(`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/*`), "app-staging"],
                    ecsDeploy: { clusterArn: pulumi.output("not-an-arn"), services: [pulumi.output("*")], passRoleArns: [pulumi.output("arn:aws:iam::123456789012:role/*")] },
                }),
        );
        assert.deepEqual(failures, [
            [
                `EcrCiEnvironment has invalid arguments: 5 problems:`,
                `  - args.ecsDeploy.clusterArn = "not-an-arn": use the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME`,
                `  - args.ecsDeploy.services[0] = "*": use the service name: 1–255 letters, digits, '-' or '_', no wildcards`,
                `  - args.ecsDeploy.passRoleArns[0] = "arn:aws:iam::123456789012:role/*": use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards`,
                `  - args.pullFrom[0] = "arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/*": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
                `  - args.permissionsBoundaryArn = "arn:aws:iam::*:policy/*": use a managed policy ARN, arn:<partition>:iam::<account-id>:policy/NAME`,
            ].join("\n"),
        ]);
    });

    it("an ECS cluster given as an Output, in another account: refused when it resolves", async () => {
        await setAwsMocks();
        const failures = await rejections(
            () => new EcrCiEnvironment("dev", { ...OIDC, ecsDeploy: { clusterArn: pulumi.output("arn:aws:ecs:eu-west-1:111111111111:cluster/main"), services: ["web"], passRoleArns: [] } }),
        );
        assert.deepEqual(failures, [
            [
                `EcrCiEnvironment has invalid arguments: 1 problem:`,
                `  - args.ecsDeploy.clusterArn = "arn:aws:ecs:eu-west-1:111111111111:cluster/main": the cluster is in account 111111111111, but the stack deploys to account ${ACCOUNT}; ECS has no cross-account UpdateService: configure ecsDeploy in a stack of the cluster's account`,
            ].join("\n"),
        ]);
    });

    it("an ECS cluster in another region is a visible warning, not a refusal", async () => {
        const log = pulumi.log as { warn: (message: string) => Promise<void> };
        const original = log.warn;
        const warnings: string[] = [];
        log.warn = async (message: string) => void warnings.push(message);
        try {
            const { mocks } = await deploy({ ...OIDC, ecsDeploy: { clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/main`, services: ["web"], passRoleArns: [] } });
            assert.equal(mocks.ofType(T.policy).length, 1);
            const plain = await deploy({ ...OIDC, ecsDeploy: { clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/main`, services: ["web"], passRoleArns: [] } });
            assert.equal(plain.mocks.ofType(T.policy).length, 1);
        } finally {
            log.warn = original;
        }
        assert.deepEqual(warnings, [
            `args.ecsDeploy.clusterArn = "arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/main": the cluster is in us-east-1, the stack in eu-west-1; the deploy job must call ECS in us-east-1 (e.g. aws-region: us-east-1 for that step) while images are pushed to eu-west-1`,
        ]);
    });
});
