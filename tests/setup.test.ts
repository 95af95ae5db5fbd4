// `npm run setup` (tools/setup.ts): answers → Pulumi.<env>.yaml. Table-driven: each case's files
// are compared whole with the goldens under tests/fixtures/setup/<case>/ and parsed back through
// parseStackConfig the way Pulumi hands config to the program; bad answers give whole messages.
// Every case writes into its own temp dir. UPDATE_GOLDENS=1 rewrites the goldens (review the diff).
import assert from "assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { EcrCiEnvironmentArgs, parseStackConfig } from "../components";
import { programConfig } from "../tools/plan";
import { Ask, EXIT_FAILURE, EXIT_USAGE, USAGE, run } from "../tools/setup";

const ROOT = path.resolve(__dirname, "..");
const GOLDENS = path.join(__dirname, "fixtures", "setup");
const UPDATE = process.env.UPDATE_GOLDENS === "1";
const PROJECT = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: unknown };

interface Result {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

async function setup(argv: string[], ask?: Ask): Promise<Result> {
    let stdout = "";
    let stderr = "";
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ask });
    return { code, stdout, stderr };
}

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-setup-"));
}

/** A stack file as the program would get it: through Pulumi's config map and parseStackConfig. */
function parsed(file: string): { region: string; args: EcrCiEnvironmentArgs } {
    const stack = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    const values = programConfig(PROJECT.name, PROJECT.config, stack.config).values;
    return { region: values["aws:region"], args: parseStackConfig(values) };
}

/** The realistic user: octo-org/web, dev from develop, prod from main + v* + production, two repositories, ECS. */
const REALISTIC = [
    "--repo", "octo-org/web",
    "--owner-id", "987654",
    "--repository-id", "123456789",
    "--region", "eu-west-1",
    "--account", "111111111111",
    "--repositories", "web,worker",
    "--env", "dev:branch=develop,cluster=web-dev,service=web,service=worker,passRole=ecsTaskExecutionRole",
    "--env", "prod:branch=main,tag=v*,environment=production,cluster=web-prod,service=web,service=worker,passRole=none",
];

interface GoldenCase {
    readonly name: string;
    readonly argv: string[];
    readonly files: string[];
    readonly stderr: string;
    /** Facts about the parsed args, per file. */
    readonly check: (stacks: Record<string, { region: string; args: EcrCiEnvironmentArgs }>) => void;
}

const GOLDEN_CASES: GoldenCase[] = [
    {
        name: "realistic",
        argv: REALISTIC,
        files: ["Pulumi.dev.yaml", "Pulumi.prod.yaml"],
        stderr: "",
        check: ({ "Pulumi.dev.yaml": dev, "Pulumi.prod.yaml": prod }) => {
            assert.equal(dev.region, "eu-west-1");
            assert.deepEqual(dev.args.repositories, [{ name: "web-dev" }, { name: "worker-dev" }]);
            assert.deepEqual(dev.args.github, { owner: "octo-org", repository: "web", branches: ["develop"], ownerId: "987654", repositoryId: "123456789" });
            assert.equal(dev.args.protect, false);
            assert.equal(dev.args.oidcProvider, "lookup");
            assert.equal(dev.args.pullFrom, undefined);
            assert.deepEqual(dev.args.ecsDeploy, {
                clusterArn: "arn:aws:ecs:eu-west-1:111111111111:cluster/web-dev",
                services: ["web", "worker"],
                passRoleArns: ["arn:aws:iam::111111111111:role/ecsTaskExecutionRole"],
            });
            assert.deepEqual(prod.args.github, {
                owner: "octo-org",
                repository: "web",
                branches: ["main"],
                tags: ["v*"],
                environments: ["production"],
                ownerId: "987654",
                repositoryId: "123456789",
            });
            assert.equal(prod.args.protect, true);
            assert.equal(prod.args.oidcProvider, "lookup");
            assert.deepEqual(prod.args.pullFrom, ["web-dev", "worker-dev"]);
        },
    },
    {
        name: "two-accounts",
        argv: [
            "--repo", "octo-org/web",
            "--region", "eu-west-1",
            "--env", "dev:branch=develop,account=111111111111",
            "--env", "prod:branch=main,account=222222222222,region=eu-central-1,cluster=arn:aws:ecs:eu-central-1:222222222222:cluster/web,service=web,passRole=web-task,passRole=arn:aws:iam::222222222222:role/ecsTaskExecutionRole",
        ],
        files: ["Pulumi.dev.yaml", "Pulumi.prod.yaml"],
        stderr: "",
        check: ({ "Pulumi.dev.yaml": dev, "Pulumi.prod.yaml": prod }) => {
            assert.deepEqual(dev.args.repositories, [{ name: "web-dev", pullAccounts: ["222222222222"] }]);
            assert.equal(prod.region, "eu-central-1");
            assert.equal(prod.args.oidcProvider, "lookup");
            assert.deepEqual(prod.args.pullFrom, ["arn:aws:ecr:eu-west-1:111111111111:repository/web-dev"]);
            assert.deepEqual(prod.args.ecsDeploy?.passRoleArns, ["arn:aws:iam::222222222222:role/web-task", "arn:aws:iam::222222222222:role/ecsTaskExecutionRole"]);
        },
    },
    {
        name: "no-account",
        argv: ["--repo", "Octo-Org/Web", "--region", "us-east-1", "--env", "staging:environment=staging,protect=true", "--env", "prod:branch=main,repository=web"],
        files: ["Pulumi.prod.yaml", "Pulumi.staging.yaml"],
        stderr: "",
        check: ({ "Pulumi.staging.yaml": staging, "Pulumi.prod.yaml": prod }) => {
            assert.deepEqual(staging.args.repositories, [{ name: "web-staging" }]);
            assert.equal(staging.args.protect, true);
            assert.deepEqual(staging.args.github, { owner: "Octo-Org", repository: "Web", environments: ["staging"] });
            assert.deepEqual(prod.args.repositories, [{ name: "web" }]);
            assert.deepEqual(prod.args.pullFrom, ["web-staging"]);
            assert.equal(prod.args.oidcProvider, "lookup");
        },
    },
];

/** Compare `actual` with the golden file, or write it under UPDATE_GOLDENS=1. */
function assertGolden(caseName: string, file: string, actual: string): void {
    const golden = path.join(GOLDENS, caseName, file);
    if (UPDATE) {
        fs.mkdirSync(path.dirname(golden), { recursive: true });
        fs.writeFileSync(golden, actual);
    }
    assert.equal(actual, fs.readFileSync(golden, "utf8"), `${caseName}/${file}`);
}

describe("setup", () => {
    const dirs: string[] = [];
    const dir = () => {
        const d = tempDir();
        dirs.push(d);
        return d;
    };
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    describe("writes the stack files (goldens), each valid for parseStackConfig", () => {
        for (const c of GOLDEN_CASES) {
            it(c.name, async () => {
                const out = dir();
                const result = await setup([...c.argv, "--dir", out]);
                assert.deepEqual(result, {
                    code: 0,
                    stdout: `${c.files
                        .slice()
                        .sort((a, b) => c.argv.join(" ").indexOf(`--env ${a.split(".")[1]}`) - c.argv.join(" ").indexOf(`--env ${b.split(".")[1]}`))
                        .map((f) => `wrote ${path.join(out, f)}\n`)
                        .join("")}next: ${c.argv
                        .filter((_, i) => c.argv[i - 1] === "--env")
                        .map((e) => `npm run plan -- --stack ${e.split(":")[0]} --config-file ${path.join(out, `Pulumi.${e.split(":")[0]}.yaml`)}`)
                        .join("; ")}\n`,
                    stderr: c.stderr,
                });
                assert.deepEqual(fs.readdirSync(out).sort(), c.files);
                const stacks: Record<string, { region: string; args: EcrCiEnvironmentArgs }> = {};
                for (const file of c.files) {
                    assertGolden(c.name, file, fs.readFileSync(path.join(out, file), "utf8"));
                    stacks[file] = parsed(path.join(out, file));
                }
                c.check(stacks);
            });
        }
    });

    it("asks for what is missing on a terminal, and the answers give the same files as the flags", async () => {
        const answers: Record<string, string> = {
            "GitHub repository (owner/name)": "octo-org/web",
            "Environments, in promotion order (comma-separated)": "",
            "AWS region (e.g. eu-west-1)": "eu-west-1",
            "AWS account ID, 12 digits (Enter to skip: needed for ECS cluster names)": "111111111111",
            "ECR repositories of each environment, base names (comma-separated)": "web, worker",
            "dev: branches it deploys from (comma-separated, Enter for none)": "develop",
            "dev: tags it deploys from, e.g. v* (Enter for none)": "",
            "dev: GitHub deployment environments of its jobs (Enter for none)": "",
            "dev: ECS cluster to deploy to, name or ARN (Enter for none)": "web-dev",
            "dev: ECS services in web-dev (comma-separated)": "web,worker",
            "dev: task and execution roles the task definitions name, names or ARNs (comma-separated, or none)": "ecsTaskExecutionRole",
            "prod: branches it deploys from (comma-separated, Enter for none)": "main",
            "prod: tags it deploys from, e.g. v* (Enter for none)": "v*",
            "prod: GitHub deployment environments of its jobs (Enter for none)": "production",
            "prod: ECS cluster to deploy to, name or ARN (Enter for none)": "web-prod",
            "prod: ECS services in web-prod (comma-separated)": "web, worker",
            "prod: task and execution roles the task definitions name, names or ARNs (comma-separated, or none)": "none",
        };
        const asked: [string, string | undefined][] = [];
        const ask: Ask = async (question, fallback) => {
            asked.push([question, fallback]);
            assert.ok(question in answers, `unexpected question: ${question}`);
            return answers[question] === "" ? (fallback ?? "") : answers[question];
        };
        const out = dir();
        const result = await setup(["--owner-id", "987654", "--repository-id", "123456789", "--dir", out], ask);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(asked, [
            ["GitHub repository (owner/name)", undefined],
            ["Environments, in promotion order (comma-separated)", "dev,prod"],
            ["AWS region (e.g. eu-west-1)", undefined],
            ["AWS account ID, 12 digits (Enter to skip: needed for ECS cluster names)", ""],
            ["ECR repositories of each environment, base names (comma-separated)", "web"],
            ...Object.keys(answers)
                .slice(5)
                .map((q): [string, string | undefined] => [q, q.includes("ECS services") || q.includes("task and execution roles") ? undefined : ""]),
        ]);
        for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
            assertGolden("realistic", file, fs.readFileSync(path.join(out, file), "utf8"));
        }
    });

    it("asks nothing when the flags say everything, even on a terminal", async () => {
        const ask: Ask = async (question) => assert.fail(`asked: ${question}`);
        assert.equal((await setup([...REALISTIC, "--dry-run"], ask)).code, 0);
    });

    describe("refuses bad answers with the whole message, writing nothing", () => {
        const cases: { name: string; argv: string[]; stderr: string; code?: number }[] = [
            {
                name: "the stack config's own rules, messages unchanged, for every file",
                argv: ["--repo", "octo-org/web", "--region", "eu-west-1", "--repositories", "Web", "--env", "dev:branch=refs/heads/develop", "--env", "prod:tag=*,environment=prod:eu"],
                stderr: [
                    "Pulumi.dev.yaml (--env dev): Invalid ecr-ci stack configuration: 2 problems:",
                    `  - ecr-ci:repositories[0].name = "Web-dev": use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. "app-dev" or "team/app")`,
                    `  - ecr-ci:github.branches[0] = "refs/heads/develop": give the branch name without "refs/heads/" (e.g. "main" or "release/*")`,
                    "Pulumi.prod.yaml (--env prod): Invalid ecr-ci stack configuration: 4 problems:",
                    `  - ecr-ci:repositories[0].name = "Web-prod": use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. "app-dev" or "team/app")`,
                    `  - ecr-ci:github.tags[0] = "*": a pattern of only '*' matches every tag; name the tags or a narrower pattern (e.g. "v1.2.3" or "v*")`,
                    `  - ecr-ci:github.environments[0] = "prod:eu": not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. "production")`,
                    `  - ecr-ci:pullFrom[0] = "Web-dev": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
                    "",
                ].join("\n"),
            },
            {
                name: "the answers' own problems first, then each file's",
                argv: ["--repo", "octo-org", "--env", "Dev:brnch=main,protect=yes", "--env", "prod:branch=main,cluster=web", "--env", "prod:branch=main", "--account", "1234"],
                stderr: [
                    "Invalid setup answers: 7 problems:",
                    "  - --env Dev: brnch is not a known key; known: branch, tag, environment, repository, service, passRole, region, account, protect, cluster",
                    "  - --env Dev: protect=yes: use protect=true or protect=false",
                    `  - --account "1234": use a 12-digit AWS account ID`,
                    "  - Dev: the AWS region is required: --region <region> for every environment, or --env Dev:region=<region>",
                    "  - prod: the AWS region is required: --region <region> for every environment, or --env prod:region=<region>",
                    "  - --env prod: ECS deploy needs passRole=<role name or ARN> for each task or execution role its task definitions name (CI passes them when it registers a revision), or passRole=none if they name none",
                    "  - --env prod is given twice: one --env per environment",
                    "Pulumi.Dev.yaml (--env Dev): Invalid ecr-ci stack configuration: 4 problems:",
                    `  - ecr-ci:environment = "Dev": use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`,
                    `  - ecr-ci:repositories is required: a list of at least one repository, e.g. [{ name: "app-dev" }]`,
                    `  - ecr-ci:github.repository is required: the repository name without the owner (e.g. "app")`,
                    `  - ecr-ci:github names no workflow that may assume the role: set at least one of github.branches, github.tags, github.environments or github.pullRequests (e.g. branches: ["main"])`,
                    "Pulumi.prod.yaml (--env prod): Invalid ecr-ci stack configuration: 4 problems:",
                    `  - ecr-ci:repositories is required: a list of at least one repository, e.g. [{ name: "app-dev" }]`,
                    `  - ecr-ci:github.repository is required: the repository name without the owner (e.g. "app")`,
                    `  - ecr-ci:ecsDeploy.clusterArn = "web": use the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME`,
                    `  - ecr-ci:ecsDeploy.services is required: the names of the services CI may update, at least one (e.g. ["web"])`,
                    "",
                ].join("\n"),
            },
            {
                name: "nothing given, not on a terminal",
                argv: [],
                stderr: [
                    "Invalid setup answers: 2 problems:",
                    "  - --repo is required: the GitHub repository, e.g. --repo octo-org/web",
                    "  - --env is required: at least one environment, e.g. --env dev:branch=develop",
                    "",
                ].join("\n"),
            },
            {
                name: "unknown flags are usage errors (exit 2)",
                argv: ["--repo", "octo-org/web", "--enviroment", "dev", "--force=yes"],
                code: EXIT_USAGE,
                stderr: [
                    "Invalid setup arguments: 3 problems:",
                    "  - --enviroment is not a known flag; known: --repo, --env, --region, --account, --repositories, --owner-id, --repository-id, --dir, --force, --dry-run, --help",
                    `  - "dev" is not a flag`,
                    "  - --force takes no value",
                    USAGE,
                    "",
                ].join("\n"),
            },
        ];
        for (const c of cases) {
            it(c.name, async () => {
                const out = dir();
                assert.deepEqual(await setup([...c.argv, "--dir", out]), { code: c.code ?? EXIT_FAILURE, stdout: "", stderr: c.stderr });
                assert.deepEqual(fs.readdirSync(out), []);
            });
        }
    });

    it("refuses to overwrite an existing stack file (writing none) unless --force", async () => {
        const out = dir();
        fs.writeFileSync(path.join(out, "Pulumi.prod.yaml"), "config: {}\n");
        assert.deepEqual(await setup([...REALISTIC, "--dir", out]), {
            code: EXIT_FAILURE,
            stdout: "",
            stderr: `${path.join(out, "Pulumi.prod.yaml")} already exists: nothing written; rerun with --force to replace, or --dir to write elsewhere\n`,
        });
        assert.deepEqual(fs.readdirSync(out), ["Pulumi.prod.yaml"]);
        assert.equal(fs.readFileSync(path.join(out, "Pulumi.prod.yaml"), "utf8"), "config: {}\n");
        assert.equal((await setup([...REALISTIC, "--dir", out, "--force"])).code, 0);
        assertGolden("realistic", "Pulumi.prod.yaml", fs.readFileSync(path.join(out, "Pulumi.prod.yaml"), "utf8"));
    });

    it("--dry-run prints the files and writes nothing", async () => {
        const out = dir();
        const result = await setup([...REALISTIC, "--dir", out, "--dry-run"]);
        const golden = (f: string) => fs.readFileSync(path.join(GOLDENS, "realistic", f), "utf8");
        assert.deepEqual(result, {
            code: 0,
            stdout: `# ${path.join(out, "Pulumi.dev.yaml")} (dry run: not written)\n${golden("Pulumi.dev.yaml")}\n# ${path.join(out, "Pulumi.prod.yaml")} (dry run: not written)\n${golden("Pulumi.prod.yaml")}`,
            stderr: "",
        });
        assert.deepEqual(fs.readdirSync(out), []);
    });

    it("runs as package.json's setup script and never waits for input when stdin is not a terminal", async () => {
        const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.setup;
        assert.equal(script, "node -r ./tools/ts-register.js tools/setup.ts");
        const out = dir();
        const [, ...args] = script.split(" ");
        const child = spawn(process.execPath, [...args, "--env", "dev:branch=main", "--dir", out], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (c) => (stderr += c));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.equal(code, EXIT_FAILURE);
        assert.equal(
            stderr,
            [
                "Invalid setup answers: 2 problems:",
                "  - --repo is required: the GitHub repository, e.g. --repo octo-org/web",
                "  - dev: the AWS region is required: --region <region> for every environment, or --env dev:region=<region>",
                "Pulumi.dev.yaml (--env dev): Invalid ecr-ci stack configuration: 3 problems:",
                `  - ecr-ci:repositories is required: a list of at least one repository, e.g. [{ name: "app-dev" }]`,
                `  - ecr-ci:github.owner is required: the GitHub user or organization that owns the repository (e.g. "acme")`,
                `  - ecr-ci:github.repository is required: the repository name without the owner (e.g. "app")`,
                "",
            ].join("\n"),
        );
        assert.deepEqual(fs.readdirSync(out), []);
    });
});
