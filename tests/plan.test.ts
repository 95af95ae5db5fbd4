// The offline plan (tools/plan.ts). Its pure parts are tested in-process; the command itself runs as
// five child processes, exactly as package.json's `plan` script starts it, all started together when
// this file loads so they overlap with each other and with the tests of other files: dev (--json),
// prod (human), a user-mode config in a temp dir (both formats) and a bad config. Bad flags are
// covered in-process (same exit path as a bad config).
import assert from "assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../components/contract/parse";
import { githubActionsSnippet } from "../components/core/snippet";
import { AuthMode } from "../components/contract/args";
import { AwsMocks, RecordedResource } from "../tools/mocks";
import {
    DEFAULT_ACCOUNT_ID,
    PROJECT_DIR,
    Plan,
    PlanError,
    PlanOptions,
    PlanResource,
    SECRET,
    USAGE,
    errorText,
    loadStack,
    palette,
    parseFlags,
    planResource,
    otherStacksCreatingProvider,
    programConfig,
    renderHuman,
    reviewNotes,
    treeOrder,
    useColour,
} from "../tools/plan";
import { sampleStackFile } from "./support/stacks";

/** The `plan` script of package.json, e.g. `node -r ./tools/ts-register.js tools/plan.ts`. */
const PLAN_COMMAND = (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan.split(" ");
/** The loader the script uses: transpiled JavaScript cached across processes. */
const TS_REGISTER = path.join(PROJECT_DIR, "tools", "ts-register.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tsRegister = require(TS_REGISTER) as { warm(filenames: readonly string[]): void };

/** Every TypeScript file the plan can load: the program, the library and the tools. */
function programFiles(): string[] {
    const ts = (dir: string) =>
        fs.readdirSync(path.join(PROJECT_DIR, dir)).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).map((f) => path.join(PROJECT_DIR, dir, f));
    return [path.join(PROJECT_DIR, "index.ts"), ...ts("components"), ...ts("tools")];
}

const RESOURCE_KEYS = ["urn", "type", "name", "custom", "id", "parent", "protect", "retainOnDelete", "inputs", "outputs"];
const T = {
    stack: "pulumi:pulumi:Stack",
    component: "ecr-ci:index:EcrCiEnvironment",
    repository: "aws:ecr/repository:Repository",
    accessKey: "aws:iam/accessKey:AccessKey",
};
const USER_ACCOUNT = "111122223333";
const USER_REGION = "cn-north-1";

/** A user-mode stack in China (partition aws-cn), with one key without a namespace. */
const USER_MODE_CONFIG = `config:
  aws:region: ${USER_REGION}
  environment: ci
  ecr-ci:authMode: user
  ecr-ci:repositories:
    - name: api
      pullAccounts: ["210987654321"]
  ecr-ci:tags:
    team: platform
`;

/** Two problems: a bad environment name and an unknown key. */
const BAD_CONFIG = `config:
  aws:region: eu-west-1
  ecr-ci:environment: Prod_1
  ecr-ci:repositories:
    - name: app
  ecr-ci:github:
    owner: acme
    repository: app
    branches: [main]
  ecr-ci:colour: blue
`;

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Run the plan as its own process, the way `npm run plan -- <args>` does (without npm's banner). */
function plan(args: readonly string[]): Promise<Run> {
    const [command, ...scriptArgs] = PLAN_COMMAND;
    return new Promise((resolve, reject) => {
        const child = spawn(command === "node" ? process.execPath : command, [...scriptArgs, ...args], {
            cwd: PROJECT_DIR,
            env: { ...process.env, NO_COLOR: "" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

interface JsonPlan {
    readonly stack: string;
    readonly resources: PlanResource[];
    readonly outputs: Record<string, unknown>;
}

/** A successful run: exit 0, and stderr holds warnings only (the runtime warns about undefined stack outputs). */
function assertSucceeded(run: Run): void {
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("warning: ")), []);
}

function parseJson(run: Run): JsonPlan {
    assertSucceeded(run);
    return JSON.parse(run.stdout) as JsonPlan;
}

/** The `type name` pairs of the human output's resource tree, in order. */
function treeRows(human: string): string[] {
    const section = human.split("\n\n").find((block) => block.startsWith("Resources\n"));
    assert.ok(section, human);
    return section
        .split("\n")
        .slice(1)
        .map((line) => line.replace(/^[\s│├└─]+/, "").split(/\s+/).slice(0, 2).join(" "));
}

function only(plan: JsonPlan, type: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0];
}

/** `[type, name, parent as "stack"/"component"/null, protect]` of every resource, in output order. */
function tree(plan: JsonPlan): [string, string, string | null, boolean][] {
    const component = only(plan, T.component).urn;
    return plan.resources.map((r) => [r.type, r.name, r.parent === null ? null : r.parent === component ? "component" : "stack", r.protect]);
}

/** The snippet as the human output indents it under `githubActionsSnippet:`. */
function indentedSnippet(snippet: string): string {
    return snippet.replace(/\n$/, "").split("\n").map((line) => `    ${line}`.trimEnd()).join("\n");
}

type CommandRuns = Record<"devJson" | "prodHuman" | "userHuman" | "userJson" | "badConfig", Promise<Run>>;

/**
 * The command's five runs, started together when this file loads (mocha loads every test file before
 * running any), so they run beside the test files before this one instead of being waited for here.
 * Their files live in `tmp`, removed when the runs are done (or, if no test awaited them, at exit).
 */
function startCommandRuns(): { tmp: string; runs: CommandRuns } {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-plan-"));
    process.once("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
    const userFile = path.join(tmp, "Pulumi.ci.yaml");
    const badFile = path.join(tmp, "Pulumi.bad.yaml");
    fs.writeFileSync(userFile, USER_MODE_CONFIG);
    fs.writeFileSync(badFile, BAD_CONFIG);
    const user = ["--stack", "ci", "--config-file", userFile, "--account", USER_ACCOUNT];
    // This process has the compiler warm: transpile once here, not cold in every child.
    tsRegister.warm(programFiles());
    return {
        tmp,
        runs: {
            devJson: plan(["--stack", "dev", "--config-file", sampleStackFile("dev"), "--json"]),
            prodHuman: plan(["--stack", "prod", "--config-file", sampleStackFile("prod")]),
            userHuman: plan(user),
            userJson: plan([...user, "--json"]),
            badConfig: plan(["--stack", "bad", "--config-file", badFile]),
        },
    };
}

const commandRuns = startCommandRuns();

describe("offline plan: command", function () {
    this.timeout(30000);
    const { tmp, runs } = commandRuns;

    after(async () => {
        await Promise.all(Object.values(runs));
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("--json has the shape { stack, resources, outputs }, parents before children, in a stable order", async () => {
        const dev = parseJson(await runs.devJson);
        assert.deepEqual(Object.keys(dev), ["stack", "resources", "outputs"]);
        assert.equal(dev.stack, "dev");
        for (const r of dev.resources) {
            assert.deepEqual(Object.keys(r), RESOURCE_KEYS, r.urn);
        }
        assert.deepEqual(dev.resources, treeOrder(dev.resources));
        assert.deepEqual(tree(dev), [
            [T.stack, "ecr-ci-dev", null, false],
            [T.component, "dev", "stack", false],
            ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "dev-app-dev", "component", false],
            [T.repository, "dev-app-dev", "component", false],
            ["aws:iam/policy:Policy", "dev-ci", "component", false],
            ["aws:iam/role:Role", "dev-ci", "component", false],
            ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "dev-ci", "component", false],
        ]);
    });

    it("--json: URNs as the engine writes them, and the stack outputs Pulumi would record", async () => {
        const dev = parseJson(await runs.devJson);
        const arn = (resource: string) => `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:${resource}`;
        const repositoryUrl = `${DEFAULT_ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/app-dev`;
        const outputs = {
            githubActionsSnippet: githubActionsSnippet({
                authMode: AuthMode.Oidc,
                roleArn: arn("role/ecr-ci-dev"),
                region: "eu-west-1",
                audience: "sts.amazonaws.com",
                environment: "dev",
                github: { owner: "acme", repository: "app", branches: ["dev"] },
                repositories: [{ name: "app-dev", url: repositoryUrl }],
            }),
            oidcProviderArn: arn("oidc-provider/token.actions.githubusercontent.com"),
            policyArn: arn("policy/ecr-ci-dev"),
            region: "eu-west-1",
            registryId: DEFAULT_ACCOUNT_ID,
            repositoryArns: { "app-dev": `arn:aws:ecr:eu-west-1:${DEFAULT_ACCOUNT_ID}:repository/app-dev` },
            repositoryUrls: { "app-dev": repositoryUrl },
            roleArn: arn("role/ecr-ci-dev"),
        };
        assert.deepEqual(dev.outputs, outputs);
        assert.deepEqual(only(dev, T.stack), {
            urn: "urn:pulumi:dev::ecr-ci::pulumi:pulumi:Stack::ecr-ci-dev",
            type: T.stack,
            name: "ecr-ci-dev",
            custom: false,
            id: null,
            parent: null,
            protect: false,
            retainOnDelete: false,
            inputs: {},
            outputs,
        });
        // No `pulumi:pulumi:Stack$` in the children's URNs: the engine leaves the root's type out.
        assert.equal(only(dev, T.component).urn, "urn:pulumi:dev::ecr-ci::ecr-ci:index:EcrCiEnvironment::dev");
        assert.equal(only(dev, T.repository).urn, "urn:pulumi:dev::ecr-ci::ecr-ci:index:EcrCiEnvironment$aws:ecr/repository:Repository::dev-app-dev");
    });

    it("human output reads like a review: target, protection, repository settings, trust, permissions, snippet last", async () => {
        const run = await runs.prodHuman;
        assertSucceeded(run);
        const text = run.stdout;
        assert.doesNotMatch(text, /\x1b\[/, "no colour when stdout is not a terminal");
        const lines = text.split("\n");
        assert.deepEqual(lines.slice(0, 4), [
            `Plan for stack prod of project ecr-ci: ${treeRows(text).length} resources to create`,
            `  config  ${sampleStackFile("prod")}`,
            `  target  account ${DEFAULT_ACCOUNT_ID}, region eu-west-1, partition aws`,
            "  offline Pulumi mocks, no AWS calls: IDs and ARNs are what AWS would assign",
        ]);
        const expectedBlocks = [
            ["aws:ecr/repository:Repository                      prod-app-prod  app-prod [protected]"],
            ["    Image tags    IMMUTABLE (a pushed tag cannot be moved)", "    Scan on push  yes", "    Encryption    AES256", "    Force delete  no", "    Protected     yes"],
            ["    Trust size   457 of 2048 characters (IAM's default ACLSizePerRole quota)"],
            ["    Who can assume it — trust policy:", "      Allow GitHubRefs"],
            [
                "        Conditions  StringEquals token.actions.githubusercontent.com:aud = sts.amazonaws.com",
                "                    StringLike token.actions.githubusercontent.com:sub = repo:acme/app:ref:*",
                "                    StringLike token.actions.githubusercontent.com:ref = refs/heads/main",
            ],
            [`    What it can do — managed policy ecr-ci-prod (arn:aws:iam::${DEFAULT_ACCOUNT_ID}:policy/ecr-ci-prod):`, "      Allow EcrLogin"],
            ["        Actions    ecr:GetAuthorizationToken", "        Resources  *"],
            // The promotion: prod may pull (only pull) from app-dev.
            [
                "      Allow PromotionPull",
                "        Actions    ecr:BatchCheckLayerAvailability",
                "                   ecr:BatchGetImage",
                "                   ecr:GetDownloadUrlForLayer",
                `        Resources  arn:aws:ecr:eu-west-1:${DEFAULT_ACCOUNT_ID}:repository/app-dev`,
            ],
        ];
        for (const block of expectedBlocks) {
            assert.ok(text.includes(block.join("\n")), `missing:\n${block.join("\n")}\nin:\n${text}`);
        }
        const snippet = githubActionsSnippet({
            authMode: AuthMode.Oidc,
            roleArn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/ecr-ci-prod`,
            region: "eu-west-1",
            audience: "sts.amazonaws.com",
            environment: "prod",
            github: { owner: "acme", repository: "app", branches: ["main"] },
            repositories: [{ name: "app-prod", url: `${DEFAULT_ACCOUNT_ID}.dkr.ecr.eu-west-1.amazonaws.com/app-prod` }],
        });
        assert.ok(text.endsWith(`  githubActionsSnippet:\n${indentedSnippet(snippet)}\n`), "the snippet closes the output");
    });

    it("human output names every resource of the same stack's JSON, in the same order", async () => {
        const [human, json] = await Promise.all([runs.userHuman, runs.userJson]);
        assertSucceeded(human);
        const plan = parseJson(json);
        assert.deepEqual(treeRows(human.stdout), plan.resources.map((r) => `${r.type} ${r.name}`));
        assert.deepEqual(tree(plan), [
            [T.stack, "ecr-ci-ci", null, false],
            [T.component, "ci", "stack", false],
            ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "ci-api", "component", false],
            [T.repository, "ci-api", "component", true],
            ["aws:ecr/repositoryPolicy:RepositoryPolicy", "ci-api", "component", false],
            [T.accessKey, "ci-ci", "component", false],
            ["aws:iam/policy:Policy", "ci-ci", "component", false],
            ["aws:iam/user:User", "ci-ci", "component", false],
            ["aws:iam/userPolicyAttachment:UserPolicyAttachment", "ci-ci", "component", false],
        ]);
        assert.ok(human.stdout.includes(`${T.repository}                      ci-api     api [protected]\n`));
    });

    it("user mode: the mock's secret access key appears nowhere, [secret] does, in both formats", async () => {
        const [human, jsonRun] = await Promise.all([runs.userHuman, runs.userJson]);
        const json = parseJson(jsonRun);
        assertSucceeded(human);
        const key = only(json, T.accessKey);
        // What the shared mock returns for this very access key.
        const mocked = new AwsMocks({ accountId: USER_ACCOUNT, region: USER_REGION }).newResource({
            type: T.accessKey,
            name: key.name,
            inputs: key.inputs,
            custom: true,
        });
        const secret = String(mocked.state.secret);
        assert.match(secret, /^[A-Za-z0-9+/]{40}$/);
        for (const run of [human, jsonRun]) {
            assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), "the secret leaked");
        }
        assert.deepEqual(key.outputs, { secret: SECRET, status: "Active", user: "ecr-ci-ci" });
        assert.equal(only(json, T.component).outputs.secretAccessKey, SECRET);
        const repositoryUrl = `${USER_ACCOUNT}.dkr.ecr.${USER_REGION}.amazonaws.com.cn/api`;
        assert.deepEqual(json.outputs, {
            accessKeyId: mocked.id,
            githubActionsSnippet: githubActionsSnippet({ authMode: AuthMode.User, region: USER_REGION, audience: "sts.amazonaws.com.cn", environment: "ci", repositories: [{ name: "api", url: repositoryUrl }] }),
            policyArn: `arn:aws-cn:iam::${USER_ACCOUNT}:policy/ecr-ci-ci`,
            region: USER_REGION,
            registryId: USER_ACCOUNT,
            repositoryArns: { api: `arn:aws-cn:ecr:${USER_REGION}:${USER_ACCOUNT}:repository/api` },
            repositoryUrls: { api: repositoryUrl },
            secretAccessKey: SECRET,
            userName: "ecr-ci-ci",
        });
        assert.ok(human.stdout.includes(`\n  secretAccessKey  ${SECRET}\n`));
        assert.ok(human.stdout.includes(`    Who can use it  anyone holding its access key ${mocked.id} (secret ${SECRET})\n`));
    });

    it("bad config: exit 1, the program's own message alone on stderr, nothing on stdout", async () => {
        const run = await runs.badConfig;
        const setup = loadStack({ stack: "bad", json: false, configFile: path.join(tmp, "Pulumi.bad.yaml"), accountId: DEFAULT_ACCOUNT_ID });
        const message = (() => {
            try {
                parseStackConfig(setup.config.values);
            } catch (err) {
                return (err as Error).message;
            }
            return assert.fail("the bad config parsed");
        })();
        assert.match(message, /^Invalid ecr-ci stack configuration: 2 problems:\n {2}- ecr-ci:/);
        assert.deepEqual(run, { code: 1, stdout: "", stderr: `${message}\n` });
    });
});

describe("offline plan: flags", () => {
    const defaults: PlanOptions = { stack: "dev", json: false, accountId: DEFAULT_ACCOUNT_ID };
    const allowed: [string[], PlanOptions | "help"][] = [
        [["--stack", "dev"], defaults],
        [["-s", "prod", "--json"], { ...defaults, stack: "prod", json: true }],
        [
            ["--stack=dev", "--config-file", "cfg/Pulumi.other.yaml", "--account=210987654321"],
            { ...defaults, configFile: "cfg/Pulumi.other.yaml", accountId: "210987654321" },
        ],
        [["--stack", "dev", "--help"], "help"],
        [["-s", "dev", "--against", "origin/main", "--fail-on-new-access"], { ...defaults, against: "origin/main", failOnNewAccess: true }],
        [["--stack", "dev", "--against=plan.json", "--json"], { ...defaults, json: true, against: "plan.json" }],
    ];
    for (const [argv, expected] of allowed) {
        it(`accepts ${argv.join(" ")}`, () => assert.deepEqual(parseFlags(argv), expected));
    }

    const denied: [string[], string[]][] = [
        [[], ["--stack is required: name the stack to plan, e.g. --stack dev (reads Pulumi.dev.yaml)"]],
        [["--stack"], ["--stack needs a value", "--stack is required: name the stack to plan, e.g. --stack dev (reads Pulumi.dev.yaml)"]],
        [["--stack", "dev", "-s", "prod"], ["-s is given twice (dev and prod)"]],
        [["--stack", "my/stack"], ['--stack = "my/stack": use 1-100 letters, digits, "-", "_" or "."']],
        [
            ["--stak", "dev", "--jsn"],
            [
                "--stak is not a known flag (did you mean --stack?); known: --stack, -s, --config-file, --account, --against, --json, --fail-on-new-access, --help, -h",
                "--jsn is not a known flag (did you mean --json?); known: --stack, -s, --config-file, --account, --against, --json, --fail-on-new-access, --help, -h",
                "--stack is required: name the stack to plan, e.g. --stack dev (reads Pulumi.dev.yaml)",
            ],
        ],
        [["dev"], ["dev is not a flag: name the stack with --stack dev", "--stack is required: name the stack to plan, e.g. --stack dev (reads Pulumi.dev.yaml)"]],
        [["--stack", "dev", "--account", "21098765432x"], ['--account = "21098765432x": use a 12-digit AWS account ID']],
        [["--stack", "dev", "--fail-on-new-access"], ["--fail-on-new-access needs --against <plan.json | git revision>: new access is judged against a previous plan"]],
        [["--stack", "dev", "--against", "HEAD", "--fail-on-new-access=yes"], ["--fail-on-new-access takes no value"]],
    ];
    for (const [argv, problems] of denied) {
        it(`rejects ${argv.join(" ") || "no arguments"}`, () => {
            const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
            const message = [`Invalid plan arguments: ${count}:`, ...problems.map((p) => `  - ${p}`), USAGE].join("\n");
            assert.throws(() => parseFlags(argv), (err: unknown) => err instanceof PlanError && err.message === message);
        });
    }
});

describe("offline plan: config as Pulumi hands it to the program", () => {
    const cases: [string, unknown, unknown, { values: Record<string, string>; secretKeys: string[] }][] = [
        [
            "namespaces, text scalars, JSON lists and objects",
            undefined,
            { "aws:region": "eu-west-1", environment: "dev", "ecr-ci:protect": false, "ecr-ci:maxSessionDurationSeconds": 3600, "ecr-ci:repositories": [{ name: "app", forceDelete: true }], "ecr-ci:github": { owner: "acme", branches: ["dev"] } },
            {
                values: {
                    "aws:region": "eu-west-1",
                    "ecr-ci:environment": "dev",
                    "ecr-ci:github": '{"owner":"acme","branches":["dev"]}',
                    "ecr-ci:maxSessionDurationSeconds": "3600",
                    "ecr-ci:protect": "false",
                    "ecr-ci:repositories": '[{"name":"app","forceDelete":true}]',
                },
                secretKeys: [],
            },
        ],
        [
            "project defaults and values, overridden by the stack",
            { "ecr-ci:protect": { type: "boolean", default: true }, "ecr-ci:authMode": { type: "string", default: "oidc" }, "ecr-ci:environment": { type: "string" }, owner: "acme", "aws:region": { value: "us-east-1" } },
            { "ecr-ci:authMode": "user" },
            { values: { "aws:region": "us-east-1", "ecr-ci:authMode": "user", "ecr-ci:owner": "acme", "ecr-ci:protect": "true" }, secretKeys: [] },
        ],
        [
            "secure values, top-level or nested, become the placeholder and mark their key secret",
            undefined,
            { "ecr-ci:pgpKey": { secure: "v1:abc" }, "ecr-ci:github": { owner: "acme", ownerId: { secure: "v1:def" } }, "ecr-ci:iamPath": null },
            {
                values: { "ecr-ci:github": `{"owner":"acme","ownerId":"${SECRET}"}`, "ecr-ci:iamPath": "", "ecr-ci:pgpKey": SECRET },
                secretKeys: ["ecr-ci:github", "ecr-ci:pgpKey"],
            },
        ],
    ];
    for (const [title, project, stack, expected] of cases) {
        it(title, () => assert.deepEqual(programConfig("ecr-ci", project, stack), expected));
    }

    it("a sample stack file: project defaults applied, and aws:region passed through", () => {
        const setup = loadStack({ stack: "dev", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: sampleStackFile("dev") });
        assert.deepEqual(
            { configFile: setup.configFile, region: setup.region, protect: setup.config.values["ecr-ci:protect"], authMode: setup.config.values["ecr-ci:authMode"] },
            { configFile: sampleStackFile("dev"), region: "eu-west-1", protect: "false", authMode: "oidc" },
        );
    });

    it("without --account, the stack's aws:allowedAccountIds is the account planned; --account wins", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-plan-account-"));
        try {
            const file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(file, fs.readFileSync(sampleStackFile("dev"), "utf8").replace("config:\n", 'config:\n  aws:allowedAccountIds: ["111111111111"]\n'));
            assert.equal(loadStack({ stack: "dev", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: file }).accountId, "111111111111");
            assert.equal(loadStack({ stack: "dev", json: false, accountId: "210987654321", configFile: file }).accountId, "210987654321");
            assert.equal(loadStack({ stack: "dev", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: sampleStackFile("dev") }).accountId, DEFAULT_ACCOUNT_ID);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("files the plan cannot use", () => {
        let tmp: string;
        before(() => {
            tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-plan-files-"));
            fs.writeFileSync(path.join(tmp, "Pulumi.noregion.yaml"), "config:\n  ecr-ci:environment: dev\n");
            fs.writeFileSync(path.join(tmp, "Pulumi.noregion-bad.yaml"), "config:\n  ecr-ci:environment: Dev\n  ecr-ci:repositories: [{ name: app-dev }]\n  ecr-ci:authMode: user\n");
            fs.writeFileSync(path.join(tmp, "Pulumi.noroot.yaml"), "ecr-ci:environment: dev\necr-ci:authMode: user\n");
            fs.writeFileSync(path.join(tmp, "Pulumi.broken.yaml"), "config:\n  aws:region: [eu-west-1\n");
        });
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));

        const cases: [string, (dir: string) => PlanOptions, (dir: string) => string][] = [
            [
                "no aws:region, reported with every other problem of the file",
                (dir) => ({ stack: "x", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: path.join(dir, "Pulumi.noregion.yaml") }),
                (dir) =>
                    [
                        "Invalid ecr-ci stack configuration: 3 problems:",
                        `  - aws:region is required: set the stack's region in ${path.join(dir, "Pulumi.noregion.yaml")} (e.g. aws:region: eu-west-1)`,
                        `  - ecr-ci:repositories is required: a list of at least one repository, e.g. [{ name: "app-dev" }]`,
                        `  - ecr-ci:github is required: authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`,
                    ].join("\n"),
            ],
            [
                "no aws:region in an otherwise valid file: the region alone",
                (dir) => ({ stack: "x", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: path.join(dir, "Pulumi.noregion-bad.yaml") }),
                (dir) =>
                    [
                        "Invalid ecr-ci stack configuration: 2 problems:",
                        `  - aws:region is required: set the stack's region in ${path.join(dir, "Pulumi.noregion-bad.yaml")} (e.g. aws:region: eu-west-1)`,
                        `  - ecr-ci:environment = "Dev": use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`,
                    ].join("\n"),
            ],
            [
                "no config: root: said so, not a misleading missing region alone",
                (dir) => ({ stack: "x", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: path.join(dir, "Pulumi.noroot.yaml") }),
                (dir) =>
                    [
                        "Invalid ecr-ci stack configuration: 5 problems:",
                        `  - ${path.join(dir, "Pulumi.noroot.yaml")} has ecr-ci:environment, ecr-ci:authMode at the top level: stack settings go under config: (indent them below a line "config:")`,
                        `  - aws:region is required: set the stack's region in ${path.join(dir, "Pulumi.noroot.yaml")} (e.g. aws:region: eu-west-1)`,
                        "  - ecr-ci:environment is required: the environment name, 1–32 characters from a-z, 0-9 and '-' (e.g. \"dev\")",
                        `  - ecr-ci:repositories is required: a list of at least one repository, e.g. [{ name: "app-dev" }]`,
                        `  - ecr-ci:github is required: authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`,
                    ].join("\n"),
            ],
            [
                "a missing --config-file",
                (dir) => ({ stack: "x", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: path.join(dir, "Pulumi.none.yaml") }),
                (dir) => `cannot read ${path.join(dir, "Pulumi.none.yaml")}: ENOENT`,
            ],
        ];
        for (const [title, options, message] of cases) {
            it(title, () => assert.throws(() => loadStack(options(tmp)), (err: unknown) => err instanceof PlanError && err.message === message(tmp)));
        }

        it("no such stack: the message lists the stacks the project has", () => {
            // A project of its own, so the user's stack files at the root (any number) change nothing.
            const project = fs.mkdtempSync(path.join(tmp, "project-"));
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
            for (const stack of ["qa", "live"]) {
                fs.copyFileSync(sampleStackFile("dev"), path.join(project, `Pulumi.${stack}.yaml`));
            }
            assert.throws(
                () => loadStack({ stack: "staging", json: false, accountId: DEFAULT_ACCOUNT_ID }, project),
                (err: unknown) =>
                    err instanceof PlanError &&
                    err.message === `stack staging has no config file Pulumi.staging.yaml in ${project} (stacks here: live, qa); pass --config-file <file> to use another`,
            );
        });

        it("invalid YAML names the file", () =>
            assert.throws(
                () => loadStack({ stack: "x", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: path.join(tmp, "Pulumi.broken.yaml") }),
                (err: unknown) => err instanceof PlanError && err.message.startsWith(`${path.join(tmp, "Pulumi.broken.yaml")} is not valid YAML: `),
            ));
    });
});

describe("offline plan: presentation helpers", () => {
    const secret = (value: unknown) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value });
    const recorded = (over: Partial<RecordedResource>): RecordedResource => ({
        urn: "urn:pulumi:s::p::t::n",
        type: "t",
        name: "n",
        id: "n-id",
        custom: true,
        parent: undefined,
        protect: false,
        retainOnDelete: false,
        inputs: {},
        outputs: {},
        additionalSecretOutputs: [],
        ...over,
    });

    it("hides provider-marked secret outputs, secret inputs and the outputs they feed; sorts keys", () => {
        const r = recorded({
            inputs: { user: "u", pgpKey: secret("k"), nested: { b: 1, a: [secret("x")] } },
            outputs: { user: "u", pgpKey: "k", secret: "s3cr3t", status: "Active", sesSmtpPasswordV4: undefined },
            additionalSecretOutputs: ["secret", "sesSmtpPasswordV4"],
        });
        assert.deepEqual(planResource(r), {
            urn: "urn:pulumi:s::p::t::n",
            type: "t",
            name: "n",
            custom: true,
            id: "n-id",
            parent: null,
            protect: false,
            retainOnDelete: false,
            inputs: { nested: { a: [SECRET], b: 1 }, pgpKey: SECRET, user: "u" },
            outputs: { pgpKey: SECRET, secret: SECRET, sesSmtpPasswordV4: undefined, status: "Active", user: "u" },
        });
    });

    it("leaves a resource without secrets as it is", () => {
        const r = recorded({ custom: false, id: undefined, parent: "urn:p", protect: true, inputs: { a: "1" }, outputs: { a: "1", arn: "arn" } });
        assert.deepEqual(planResource(r), {
            urn: r.urn,
            type: "t",
            name: "n",
            custom: false,
            id: null,
            parent: "urn:p",
            protect: true,
            retainOnDelete: false,
            inputs: { a: "1" },
            outputs: { a: "1", arn: "arn" },
        });
    });

    it("orders the tree parents first, siblings by URN, orphans as roots", () => {
        const r = (urn: string, parent: string | null) => ({ urn, parent });
        const shuffled = [r("c2", "b"), r("b", "a"), r("x", "missing"), r("c1", "b"), r("a", null), r("d", "a")];
        assert.deepEqual(
            treeOrder(shuffled).map((x) => x.urn),
            ["a", "b", "c1", "c2", "d", "x"],
        );
    });

    const colour: [string, boolean | undefined, string | undefined, boolean][] = [
        ["a terminal", true, undefined, true],
        ["a terminal with NO_COLOR=1", true, "1", false],
        ["a terminal with an empty NO_COLOR", true, "", true],
        ["a pipe", undefined, undefined, false],
    ];
    for (const [title, isTTY, noColor, expected] of colour) {
        it(`colour on ${title}: ${expected}`, () => {
            const env = noColor === undefined ? {} : { NO_COLOR: noColor };
            assert.equal(useColour({ isTTY }, env), expected);
        });
    }

    it("palette: escape codes only when colour is on", () => {
        assert.deepEqual([palette(false).allow("Allow"), palette(true).allow("Allow"), palette(true).deny("Deny")], ["Allow", "\x1b[32mAllow\x1b[0m", "\x1b[31mDeny\x1b[0m"]);
    });

    it("renders a nested tree, Deny/Not* statements, multi-valued principals and conditions, inline policies, outputs", () => {
        const S = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
        const outer = "urn:pulumi:s::p::my:index:Outer::outer";
        const inner = "urn:pulumi:s::p::my:index:Outer$my:index:Inner::inner";
        const res = (type: string, name: string, urn: string, parent: string | null, more: Partial<PlanResource> = {}): PlanResource => ({
            urn,
            type,
            name,
            custom: type.startsWith("aws:"),
            id: null,
            parent,
            protect: false,
            retainOnDelete: false,
            inputs: {},
            outputs: {},
            ...more,
        });
        const trust = { Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalTag/team": ["a", "b"] } } }] };
        const deny = { Statement: { Sid: "NoDelete", Effect: "Deny", NotAction: ["ecr:Describe*"], NotResource: "arn:x" } };
        const plan: Plan = {
            review: [],
            project: "p",
            stack: "s",
            configFile: "/p/Pulumi.s.yaml",
            accountId: "111111111111",
            region: "us-east-1",
            partition: "aws",
            resources: [
                res(T.stack, "p-s", S, null),
                res("my:index:Outer", "outer", outer, S),
                res("my:index:Inner", "inner", inner, outer),
                res("aws:iam/role:Role", "r", "urn:r", inner, {
                    protect: true,
                    retainOnDelete: true,
                    inputs: { assumeRolePolicy: JSON.stringify(trust), maxSessionDuration: 7200, inlinePolicies: [{ name: "deny", policy: JSON.stringify(deny) }] },
                    outputs: { name: "role-r", arn: "arn:aws:iam::111111111111:role/role-r" },
                }),
                res("aws:iam/user:User", "u", "urn:u", outer, {
                    inputs: { permissionsBoundary: "arn:aws:iam::111111111111:policy/b" },
                    outputs: { name: "user-u", arn: "arn:aws:iam::111111111111:user/user-u" },
                }),
            ],
            outputs: { token: SECRET, names: { a: "x", b: "y" }, text: "line 1\nline 2\n" },
        };
        assert.equal(
            renderHuman(plan, palette(false)),
            [
                "Plan for stack s of project p: 5 resources to create",
                "  config  /p/Pulumi.s.yaml",
                "  target  account 111111111111, region us-east-1, partition aws",
                "  offline Pulumi mocks, no AWS calls: IDs and ARNs are what AWS would assign",
                "",
                "Resources",
                "  pulumi:pulumi:Stack         p-s",
                "  └─ my:index:Outer           outer",
                "     ├─ my:index:Inner        inner",
                "     │  └─ aws:iam/role:Role  r      role-r [protected] [retain on delete]",
                "     └─ aws:iam/user:User     u      user-u",
                "",
                "IAM principals: who can act, and what they can do",
                "  IAM role role-r (r)",
                "    ARN          arn:aws:iam::111111111111:role/role-r",
                "    Max session  7200 s",
                "    Boundary     none",
                "    Trust size   191 of 2048 characters (IAM's default ACLSizePerRole quota)",
                "    Who can assume it — trust policy:",
                "      Allow (no Sid)",
                "        Principal   AWS: arn:aws:iam::1:root",
                "                    AWS: arn:aws:iam::2:root",
                "        Actions     sts:AssumeRole",
                "        Conditions  StringEquals aws:PrincipalTag/team in [a, b]",
                "    What it can do — inline policy deny:",
                "      Deny NoDelete",
                "        NotActions    ecr:Describe*",
                "        NotResources  arn:x",
                "  IAM user user-u (u)",
                "    ARN             arn:aws:iam::111111111111:user/user-u",
                "    Boundary        arn:aws:iam::111111111111:policy/b",
                "    Who can use it  no access keys",
                "    What it can do: nothing (no policy attached)",
                "",
                "Stack outputs",
                "  names  a: x",
                "         b: y",
                `  token  ${SECRET}`,
                "  text:",
                "    line 1",
                "    line 2",
                "",
            ].join("\n"),
        );
    });

    it("errors: the user's mistakes by message alone, bugs with their stack", () => {
        const bug = new TypeError("boom");
        assert.deepEqual(
            [errorText(new pulumi.RunError("bad config")), errorText(new PlanError("bad flag")), errorText(bug), errorText("text")],
            ["bad config", "bad flag", bug.stack, "text"],
        );
    });
});

describe("offline plan: what a reviewer must see", () => {
    const resource = (type: string, name: string, inputs: Record<string, unknown>, protect = false): PlanResource => ({
        urn: `urn:pulumi:s::p::${type}::${name}`,
        type,
        name,
        custom: true,
        id: null,
        parent: null,
        protect,
        retainOnDelete: false,
        inputs,
        outputs: {},
    });
    const tags = { Environment: "dev", ManagedBy: "ecr-ci", team: "web" };
    const repo = (name: string, extra: Record<string, unknown>, protect: boolean) => resource("aws:ecr/repository:Repository", `dev-${name}`, { name, tags, ...extra }, protect);
    const cases: [string, PlanResource[], boolean, string[], string[]][] = [
        ["a protected repository and a looked-up provider", [repo("app", {}, true)], true, [], [
            "finds GitHub's OIDC provider by its URL (created by the bootstrap, or by one stack with oidcProvider: create): pulumi up fails if the account has none",
            "tags on every taggable resource: Environment=dev, ManagedBy=ecr-ci, team=web",
        ]],
        [
            "user mode, forceDelete, unprotected, a created provider that another stack creates too",
            [
                repo("app", { forceDelete: true }, false),
                resource("aws:iam/user:User", "dev-ci", { name: "ecr-ci-dev" }),
                resource("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "dev-github", { url: "https://token.actions.githubusercontent.com" }, true),
            ],
            false,
            ["prod"],
            [
                "IAM user ecr-ci-dev has a long-lived access key (a Pulumi secret output): store it as a GitHub secret, rotate it, and prefer authMode oidc",
                "repository app: forceDelete — pulumi destroy deletes it with every image in it",
                "repository app: not protected — pulumi destroy, or a change that replaces it, deletes its images",
                "creates GitHub's OIDC provider https://token.actions.githubusercontent.com (protected): IAM allows one per account, and stack prod of this project creates it too: if they share this AWS account, the second pulumi up fails — set ecr-ci:oidcProvider: lookup there",
                "tags on every taggable resource: Environment=dev, ManagedBy=ecr-ci, team=web",
            ],
        ],
        [
            "a created provider, alone in the project",
            [resource("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "dev-github", { url: "https://token.actions.githubusercontent.com" }, true)],
            false,
            [],
            ["creates GitHub's OIDC provider https://token.actions.githubusercontent.com (protected): IAM allows one per account; every other stack of the account must find it (ecr-ci:oidcProvider: lookup)"],
        ],
    ];
    for (const [title, resources, finds, others, expected] of cases) {
        it(title, () => assert.deepEqual(reviewNotes(resources, finds, others), expected));
    }

    it("the other stack files that would create the provider: unset or create, in OIDC mode", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-plan-review-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const files: Record<string, string> = {
                dev: "config:\n  aws:region: eu-west-1\n",
                qa: "config:\n  ecr-ci:oidcProvider: create\n",
                prod: "config:\n  ecr-ci:oidcProvider: lookup\n",
                ci: "config:\n  ecr-ci:authMode: user\n",
                shared: "config:\n  ecr-ci:oidcProvider: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\n",
                broken: "config: [\n",
            };
            for (const [stack, text] of Object.entries(files)) {
                fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
            }
            const setup = loadStack({ stack: "x", json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: sampleStackFile("dev") }, dir);
            assert.deepEqual(otherStacksCreatingProvider(setup), ["dev", "qa"]);
            assert.deepEqual(otherStacksCreatingProvider({ ...setup, configFile: path.join(dir, "Pulumi.dev.yaml") }), ["qa"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
