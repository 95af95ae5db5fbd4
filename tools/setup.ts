// `npm run setup`: write `Pulumi.<env>.yaml` for each environment of a GitHub repository from a few
// answers, given as flags (scriptable) or, on a terminal, asked for when missing. Every answer goes
// through the stack config's own rules: each file is rendered, read back the way Pulumi hands config
// to the program, and parsed with `parseStackConfig`; its messages are shown unchanged. Nothing is
// written unless every file is valid, and no existing file is replaced without --force.
// A tool for people: it uses the library through its public entry only. `yaml` is a dev dependency,
// which is enough: tools run from the checkout after `npm ci` (as tools/plan.ts does), and the
// published package holds dist/ only.
//
//   npm run setup -- --repo octo-org/web --region eu-west-1 --repositories web,worker \
//     --env dev:branch=develop --env prod:branch=main,tag=v*,environment=production
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline/promises";
import * as YAML from "yaml";
import { EcrCiValidationError, formatProblems, parseStackConfig } from "../components";
import { partitionOf } from "./mocks";
import { programConfig } from "./plan";

/** The project directory: Pulumi.yaml, and where the stack files go unless --dir says otherwise. */
export const PROJECT_DIR = path.resolve(__dirname, "..");
export const USAGE = [
    "usage: npm run setup -- --repo <owner>/<repo> --env <name>[:<key>=<value>,...] [--env ...] [--region <region>]",
    "         [--account <12-digit ID>] [--repositories <base>,...] [--owner-id <id> --repository-id <id>]",
    "         [--dir <dir>] [--force] [--dry-run]",
    "  --env keys (repeat a key for several values): branch, tag, environment (GitHub deployment environment),",
    "         repository (exact ECR name; default <base>-<env>), region, account, protect (true|false),",
    "         cluster (ECS cluster name or ARN), service, passRole (task/execution role name or ARN, or none)",
].join("\n");
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** AWS region names (`aws:region` is not an ecr-ci key, so parseStackConfig does not check it). */
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT_RE = /^\d{12}$/;

/** A problem with the answers: the message is shown alone. */
export class SetupError extends Error {
    constructor(
        message: string,
        readonly exitCode: number = EXIT_FAILURE,
    ) {
        super(message);
        this.name = "SetupError";
    }
}

// ---------------------------------------------------------------------------------------------
// Answers

/** What one environment (one stack) deploys from and to. */
export interface EnvironmentAnswers {
    readonly name: string;
    readonly branches: string[];
    readonly tags: string[];
    /** GitHub deployment environments. */
    readonly environments: string[];
    /** Exact ECR repository names; default `<base>-<name>` for each base. */
    readonly repositories: string[];
    readonly region?: string;
    readonly accountId?: string;
    /** @default false for the first environment, true for the others */
    readonly protect?: boolean;
    /** ECS cluster name or ARN. */
    readonly cluster?: string;
    readonly services: string[];
    readonly passRoles: string[];
}

export interface Answers {
    /** `owner/name`. */
    readonly repo?: string;
    readonly ownerId?: string;
    readonly repositoryId?: string;
    /** Base names of the repositories each environment gets; default the GitHub repository's name. */
    readonly repositories?: string[];
    readonly region?: string;
    readonly accountId?: string;
    /** In promotion order: each environment pulls from the one before it. */
    readonly environments: EnvironmentAnswers[];
}

export interface SetupOptions {
    readonly answers: Answers;
    readonly dir: string;
    readonly force: boolean;
    readonly dryRun: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const LIST_KEYS = { branch: "branches", tag: "tags", environment: "environments", repository: "repositories", service: "services", passRole: "passRoles" } as const;
const SCALAR_KEYS = ["region", "account", "protect", "cluster"] as const;
const ENV_KEYS = [...Object.keys(LIST_KEYS), ...SCALAR_KEYS];

/** `a, b,,c` → `["a", "b", "c"]`. */
export function list(text: string): string[] {
    return text
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

function emptyEnvironment(name: string): Mutable<EnvironmentAnswers> {
    return { name, branches: [], tags: [], environments: [], repositories: [], services: [], passRoles: [] };
}

/** `dev:branch=develop,tag=v*` → the environment's answers; problems are collected. */
export function parseEnvironmentFlag(value: string, problems: string[]): EnvironmentAnswers {
    const colon = value.indexOf(":");
    const env = emptyEnvironment(colon < 0 ? value : value.slice(0, colon));
    for (const item of colon < 0 ? [] : list(value.slice(colon + 1))) {
        const eq = item.indexOf("=");
        const key = eq < 0 ? item : item.slice(0, eq);
        const v = eq < 0 ? "" : item.slice(eq + 1).trim();
        if (eq < 0 || v === "") {
            problems.push(`--env ${env.name}: ${JSON.stringify(item)} needs a value: write ${key}=<value>`);
        } else if (key in LIST_KEYS) {
            env[LIST_KEYS[key as keyof typeof LIST_KEYS]].push(v);
        } else if (key === "region") {
            env.region = v;
        } else if (key === "account") {
            env.accountId = v;
        } else if (key === "cluster") {
            env.cluster = v;
        } else if (key === "protect") {
            if (v === "true" || v === "false") {
                env.protect = v === "true";
            } else {
                problems.push(`--env ${env.name}: protect=${v}: use protect=true or protect=false`);
            }
        } else {
            problems.push(`--env ${env.name}: ${key} is not a known key; known: ${ENV_KEYS.join(", ")}`);
        }
    }
    return env;
}

const VALUE_FLAGS = ["--repo", "--env", "--region", "--account", "--repositories", "--owner-id", "--repository-id", "--dir"] as const;
const BOOLEAN_FLAGS = ["--force", "--dry-run"] as const;
/** Flags that set one answer. */
const SCALAR_FLAGS = { "--repo": "repo", "--region": "region", "--account": "accountId", "--owner-id": "ownerId", "--repository-id": "repositoryId" } as const;

/**
 * Parse the command line (without `node` and the script). Returns "help" for `--help`. Unknown
 * flags and missing values are usage errors (exit 2); the answers are checked later, all at once.
 */
export function parseFlags(argv: readonly string[], cwd: string = process.cwd()): { options: SetupOptions; problems: string[] } | "help" {
    const problems: string[] = [];
    const answers: Mutable<Answers> = { environments: [] };
    let dir = PROJECT_DIR;
    let force = false;
    let dryRun = false;
    const usage: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
        const flag = eq > 0 ? arg.slice(0, eq) : arg;
        if (flag === "--help" || flag === "-h") {
            return "help";
        }
        if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
            if (eq > 0) {
                usage.push(`${flag} takes no value`);
            }
            force ||= flag === "--force";
            dryRun ||= flag === "--dry-run";
            continue;
        }
        if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
            usage.push(flag.startsWith("-") ? `${flag} is not a known flag; known: ${[...VALUE_FLAGS, ...BOOLEAN_FLAGS, "--help"].join(", ")}` : `${JSON.stringify(arg)} is not a flag`);
            continue;
        }
        const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1] !== undefined && !argv[i + 1].startsWith("--") ? argv[++i] : undefined;
        if (value === undefined || value === "") {
            usage.push(`${flag} needs a value`);
            continue;
        }
        switch (flag) {
            case "--env":
                answers.environments.push(parseEnvironmentFlag(value, problems));
                break;
            case "--repositories":
                answers.repositories = list(value);
                break;
            case "--dir":
                dir = path.resolve(cwd, value);
                break;
            default: {
                const field = SCALAR_FLAGS[flag as keyof typeof SCALAR_FLAGS];
                if (answers[field] !== undefined) {
                    problems.push(`${flag} is given twice (${answers[field]} and ${value})`);
                }
                answers[field] = value;
            }
        }
    }
    if (usage.length > 0) {
        throw new SetupError(`${formatProblems("Invalid setup arguments", usage)}\n${USAGE}`, EXIT_USAGE);
    }
    return { options: { answers, dir, force, dryRun }, problems };
}

// ---------------------------------------------------------------------------------------------
// Prompts (only on a terminal, only when something is missing)

/** Ask one question; `fallback` is what an empty answer means. */
export type Ask = (question: string, fallback?: string) => Promise<string>;

/** Whether the answers lack something only the user can say. */
export function isIncomplete(answers: Answers): boolean {
    return (
        answers.repo === undefined ||
        answers.environments.length === 0 ||
        answers.environments.some((e) => (e.region ?? answers.region) === undefined || e.branches.length + e.tags.length + e.environments.length === 0)
    );
}

/** Fill what is missing by asking; given answers are kept as they are. */
export async function promptMissing(answers: Answers, ask: Ask): Promise<Answers> {
    const repo = answers.repo ?? (await ask("GitHub repository (owner/name)"));
    const names = answers.environments.length > 0 ? [] : list(await ask("Environments, in promotion order (comma-separated)", "dev,prod"));
    const environments = answers.environments.length > 0 ? answers.environments.map((e) => ({ ...e })) : names.map(emptyEnvironment);
    const needsRegion = environments.some((e) => e.region === undefined) && answers.region === undefined;
    const region = needsRegion ? await ask("AWS region (e.g. eu-west-1)") : answers.region;
    const accountGiven = answers.accountId !== undefined || environments.some((e) => e.accountId !== undefined);
    const accountId = accountGiven ? answers.accountId : (await ask("AWS account ID, 12 digits (Enter to skip: needed for ECS cluster names)", "")) || undefined;
    const repoName = repo.split("/")[1] ?? repo;
    const repositories = answers.repositories ?? list(await ask("ECR repositories of each environment, base names (comma-separated)", repoName.toLowerCase()));
    const filled: EnvironmentAnswers[] = [];
    for (const env of environments) {
        const e: Mutable<EnvironmentAnswers> = { ...env, branches: [...env.branches], tags: [...env.tags], environments: [...env.environments] };
        if (e.branches.length + e.tags.length + e.environments.length === 0) {
            e.branches = list(await ask(`${e.name}: branches it deploys from (comma-separated, Enter for none)`, ""));
            e.tags = list(await ask(`${e.name}: tags it deploys from, e.g. v* (Enter for none)`, ""));
            e.environments = list(await ask(`${e.name}: GitHub deployment environments of its jobs (Enter for none)`, ""));
        }
        if (env.cluster === undefined && answers.environments.length === 0) {
            const cluster = await ask(`${e.name}: ECS cluster to deploy to, name or ARN (Enter for none)`, "");
            if (cluster !== "") {
                e.cluster = cluster;
                e.services = list(await ask(`${e.name}: ECS services in ${cluster} (comma-separated)`));
                e.passRoles = list(await ask(`${e.name}: task and execution roles the task definitions name, names or ARNs (comma-separated, or none)`));
            }
        }
        filled.push(e);
    }
    return { ...answers, repo, region, accountId, repositories, environments: filled };
}

/** Questions on stderr (stdout stays for --dry-run output), answers from stdin. */
function terminalAsk(): { ask: Ask; close: () => void } {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return {
        ask: async (question, fallback) => {
            const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ""}: `)).trim();
            return answer === "" ? (fallback ?? "") : answer;
        },
        close: () => rl.close(),
    };
}

// ---------------------------------------------------------------------------------------------
// Stack files (pure)

/** One stack file to write. */
export interface StackFile {
    readonly environment: string;
    readonly fileName: string;
    readonly text: string;
}

export interface SetupPlan {
    readonly files: readonly StackFile[];
    /** Things to do by hand, said after writing. */
    readonly notes: readonly string[];
}

interface Resolved {
    readonly env: EnvironmentAnswers;
    readonly region?: string;
    readonly accountId?: string;
    readonly repositories: string[];
}

/** A value with the comment above its key. */
interface Entry {
    readonly key: string;
    readonly value: unknown;
    readonly comment: string;
}

function ecrArn(region: string, accountId: string, name: string): string {
    return `arn:${partitionOf(region).partition}:ecr:${region}:${accountId}:repository/${name}`;
}

/** The stack file's `config:` entries, in the order they are written, with their comments. */
function entries(r: Resolved, index: number, all: readonly Resolved[], answers: Answers, owner: string, repository: string, notes: string[]): Entry[] {
    const { env, region, accountId } = r;
    const first = all[0];
    const protect = env.protect ?? index > 0;
    const out: Entry[] = [];
    if (region !== undefined) {
        out.push({ key: "aws:region", value: region, comment: "The AWS region of this environment's ECR repositories (and ECS services)." });
    }
    if (accountId !== undefined) {
        out.push({
            key: "aws:allowedAccountIds",
            value: [accountId],
            comment: "The AWS provider refuses to run against any other account; the plan and the checks use it too.",
        });
    }
    out.push({
        key: "ecr-ci:environment",
        value: env.name,
        comment: `Names the CI role and policy (ecr-ci-${env.name}) and is their Environment tag: unique within the AWS account.`,
    });
    out.push({
        key: "ecr-ci:protect",
        value: protect,
        comment: protect
            ? "true: pulumi destroy, and any change that would replace a repository (and lose its images), fail\nuntil this is set to false."
            : "false: pulumi destroy may delete these repositories (ECR still refuses while one holds images).",
    });
    // Cross-account promotion: the environment after this one pulls from these repositories.
    const next = all[index + 1];
    const pullAccount = next?.accountId !== undefined && accountId !== undefined && next.accountId !== accountId ? next.accountId : undefined;
    out.push({
        key: "ecr-ci:repositories",
        value: r.repositories.map((name) => (pullAccount ? { name, pullAccounts: [pullAccount] } : { name })),
        comment:
            "This environment's ECR repositories, with secure defaults: immutable tags, scan on push, AES256,\nuntagged images expire after 14 days." +
            (pullAccount ? `\npullAccounts: ${next.env.name}'s account may pull from them (a repository policy), to promote images.` : ""),
    });
    const github: Record<string, unknown> = { owner, repository };
    for (const [field, values] of [
        ["branches", env.branches],
        ["tags", env.tags],
        ["environments", env.environments],
    ] as const) {
        if (values.length > 0) {
            github[field] = values;
        }
    }
    if (answers.ownerId !== undefined) {
        github.ownerId = answers.ownerId;
    }
    if (answers.repositoryId !== undefined) {
        github.repositoryId = answers.repositoryId;
    }
    out.push({
        key: "ecr-ci:github",
        value: github,
        comment:
            "Only workflows of this GitHub repository may assume the CI role, and only from these branches, tags\n" +
            "and deployment environments (branches and tags: exact names, '*' makes a pattern; environments: exact\n" +
            "names). A job with `environment:` presents only the environment, from whatever ref ran it. Spell owner\n" +
            "and repository exactly as GitHub does: subjects are compared case-sensitively." +
            (answers.ownerId !== undefined && answers.repositoryId !== undefined
                ? "\nownerId, repositoryId: GitHub's immutable subjects (repo:OWNER@ID/REPO@ID:...) are trusted as well."
                : `\nAdd ownerId and repositoryId (npm run github-ids -- ${owner}/${repository} prints them and GitHub's spelling)\nso that GitHub's immutable subjects (repositories created, renamed or transferred since 2026-07-15) are\ntrusted too.`),
    });
    // One provider per account, one owner: the bootstrap creates it (protected), every stack finds it by URL.
    out.push({
        key: "ecr-ci:oidcProvider",
        value: "lookup",
        comment:
            "GitHub's OIDC provider: IAM allows one per AWS account. The bootstrap creates it (protected) and every\n" +
            "stack finds it by its URL. Without the bootstrap, set exactly one stack of the account to create.",
    });
    if (index > 0) {
        const previous = all[index - 1];
        const sameRegion = previous.region === region;
        const sameAccount = previous.accountId === undefined || accountId === undefined || previous.accountId === accountId;
        let pullFrom: string[] | undefined;
        if (sameRegion && sameAccount) {
            pullFrom = previous.repositories;
        } else if (previous.accountId !== undefined && previous.region !== undefined) {
            pullFrom = previous.repositories.map((name) => ecrArn(previous.region!, previous.accountId!, name));
        } else {
            notes.push(
                `${env.name}: ${previous.env.name}'s repositories are in another region and its account ID is unknown, so Pulumi.${env.name}.yaml has no ecr-ci:pullFrom; add their ARNs to promote images.`,
            );
        }
        if (pullFrom !== undefined) {
            out.push({
                key: "ecr-ci:pullFrom",
                value: pullFrom,
                comment: `Promotion: CI may pull (read only) the images tested in ${previous.env.name} and push them unchanged here.${
                    pullFrom === previous.repositories ? "\nNames are repositories in this stack's account and region." : ""
                }`,
            });
        }
    }
    if (env.cluster !== undefined || env.services.length > 0 || env.passRoles.length > 0) {
        const partition = partitionOf(region ?? "").partition;
        const clusterArn =
            env.cluster === undefined || env.cluster.startsWith("arn:") || accountId === undefined || region === undefined
                ? env.cluster
                : `arn:${partition}:ecs:${region}:${accountId}:cluster/${env.cluster}`;
        // passRole=none: the explicit choice of task definitions that name no role.
        const passRoleArns = env.passRoles
            .filter((role) => role !== "none")
            .map((role) => (role.startsWith("arn:") || accountId === undefined ? role : `arn:${partition}:iam::${accountId}:role/${role}`));
        out.push({
            key: "ecr-ci:ecsDeploy",
            value: { clusterArn, services: env.services, passRoleArns },
            comment:
                "ECS deploy: CI may register task definitions and update exactly these services of this cluster." +
                (passRoleArns.length > 0
                    ? "\npassRoleArns: the task and execution roles CI may pass to ECS (only to ecs-tasks)."
                    : "\npassRoleArns: [] — the task definitions name no task or execution role; list them here if they do\n(CI must pass them when it registers a new revision)."),
        });
    }
    return out;
}

/** Render one stack file: a header, then `config:` with a comment above each key. */
function render(environment: string, repo: string, items: readonly Entry[]): string {
    const doc = new YAML.Document({ config: Object.fromEntries(items.map((e) => [e.key, e.value])) });
    doc.commentBefore = [
        ` Stack ${environment} of ecr-ci for the GitHub repository ${repo}, written by npm run setup.`,
        ` Check it offline: npm run plan -- --stack ${environment}. Every key: README.md, "Stack configuration".`,
    ].join("\n");
    const map = doc.get("config") as YAML.YAMLMap<YAML.Scalar, unknown>;
    map.items.forEach((pair, i) => {
        pair.key.commentBefore = items[i].comment
            .split("\n")
            .map((line) => ` ${line}`)
            .join("\n");
    });
    return doc.toString({ lineWidth: 0 });
}

function readProjectConfig(): { name: string; config: unknown } {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { name: string; config?: unknown };
    return { name: project.name, config: project.config };
}

/**
 * The problems with one rendered stack file, as `pulumi up` would report them: the file read back,
 * turned into the config map the program gets (project defaults included), then parseStackConfig.
 */
export function stackProblems(text: string): string | undefined {
    const project = readProjectConfig();
    const stack = YAML.parse(text) as { config?: unknown };
    try {
        parseStackConfig(programConfig(project.name, project.config, stack.config).values);
        return undefined;
    } catch (err) {
        if (err instanceof EcrCiValidationError) {
            return err.message;
        }
        throw err;
    }
}

/**
 * The stack files for the answers, each validated; throws `SetupError` listing every problem (the
 * answers' own, then each file's parseStackConfig message unchanged).
 */
export function planSetup(answers: Answers, flagProblems: readonly string[] = []): SetupPlan {
    const problems = [...flagProblems];
    if (answers.repo === undefined) {
        problems.push("--repo is required: the GitHub repository, e.g. --repo octo-org/web");
    }
    if (answers.environments.length === 0) {
        problems.push("--env is required: at least one environment, e.g. --env dev:branch=develop");
    }
    const slash = (answers.repo ?? "").indexOf("/");
    const owner = slash < 0 ? (answers.repo ?? "") : answers.repo!.slice(0, slash);
    const repository = slash < 0 ? "" : answers.repo!.slice(slash + 1);
    const seen = new Set<string>();
    for (const [flag, value] of [
        ["--region", answers.region],
        ["--account", answers.accountId],
    ] as const) {
        if (value !== undefined && !(flag === "--region" ? REGION_RE : ACCOUNT_RE).test(value)) {
            problems.push(flag === "--region" ? `--region ${JSON.stringify(value)}: use an AWS region name, e.g. eu-west-1` : `--account ${JSON.stringify(value)}: use a 12-digit AWS account ID`);
        }
    }
    const resolved: Resolved[] = [];
    for (const env of answers.environments) {
        if (seen.has(env.name)) {
            problems.push(`--env ${env.name} is given twice: one --env per environment`);
            continue;
        }
        seen.add(env.name);
        const region = env.region ?? answers.region;
        // An invalid account ID is reported above or below and names nothing (no ARN is built from it).
        const givenAccount = env.accountId ?? answers.accountId;
        const accountId = givenAccount !== undefined && ACCOUNT_RE.test(givenAccount) ? givenAccount : undefined;
        if (region === undefined) {
            problems.push(`${env.name}: the AWS region is required: --region <region> for every environment, or --env ${env.name}:region=<region>`);
        } else if (env.region !== undefined && !REGION_RE.test(env.region)) {
            problems.push(`--env ${env.name}: region=${env.region}: use an AWS region name, e.g. eu-west-1`);
        }
        if (env.accountId !== undefined && !ACCOUNT_RE.test(env.accountId)) {
            problems.push(`--env ${env.name}: account=${env.accountId}: use a 12-digit AWS account ID`);
        }
        if ((env.cluster !== undefined || env.services.length > 0) && env.passRoles.length === 0) {
            problems.push(
                `--env ${env.name}: ECS deploy needs passRole=<role name or ARN> for each task or execution role its task definitions name (CI passes them when it registers a revision), or passRole=none if they name none`,
            );
        }
        if (env.cluster !== undefined && !env.cluster.startsWith("arn:") && givenAccount === undefined) {
            problems.push(`--env ${env.name}: cluster=${env.cluster} is a name: give the account ID (--account or account=) to build its ARN, or the cluster ARN`);
        }
        // Without a repository name there is no default: parseStackConfig then says repositories are required.
        const bases = answers.repositories ?? (repository === "" ? [] : [repository.toLowerCase()]);
        const repositories = env.repositories.length > 0 ? env.repositories : bases.map((base) => `${base}-${env.name}`);
        resolved.push({ env, region, accountId, repositories });
    }
    const notes: string[] = [];
    const files: StackFile[] = [];
    const invalid: string[] = [];
    resolved.forEach((r, i) => {
        const text = render(r.env.name, `${owner}/${repository}`, entries(r, i, resolved, answers, owner, repository, notes));
        const fileName = `Pulumi.${r.env.name}.yaml`;
        const problem = stackProblems(text);
        if (problem !== undefined) {
            invalid.push(`${fileName} (--env ${r.env.name}): ${problem}`);
        }
        files.push({ environment: r.env.name, fileName, text });
    });
    if (problems.length > 0 || invalid.length > 0) {
        throw new SetupError([...(problems.length > 0 ? [formatProblems("Invalid setup answers", problems)] : []), ...invalid].join("\n"));
    }
    return { files, notes };
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Write every file into `dir`, or none: existing files are refused unless `force`. Returns the paths written. */
export function writeStacks(files: readonly StackFile[], dir: string, force: boolean): string[] {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new SetupError(`--dir ${dir} is not a directory`);
    }
    const targets = files.map((f) => path.join(dir, f.fileName));
    const existing = targets.filter((t) => fs.existsSync(t));
    if (existing.length > 0 && !force) {
        throw new SetupError(`${existing.join(", ")} already ${existing.length === 1 ? "exists" : "exist"}: nothing written; rerun with --force to replace, or --dir to write elsewhere`);
    }
    files.forEach((f, i) => fs.writeFileSync(targets[i], f.text, { flag: force ? "w" : "wx" }));
    return targets;
}

// ---------------------------------------------------------------------------------------------
// Command line

export interface Io {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** Set when questions may be asked (stdin is a terminal). */
    readonly ask?: Ask;
}

/** The whole command: returns the exit code. */
export async function run(argv: readonly string[], io: Io, cwd: string = process.cwd()): Promise<number> {
    try {
        const parsed = parseFlags(argv, cwd);
        if (parsed === "help") {
            io.stdout(`${USAGE}\n`);
            return 0;
        }
        const { options, problems } = parsed;
        const answers = io.ask !== undefined && isIncomplete(options.answers) ? await promptMissing(options.answers, io.ask) : options.answers;
        const plan = planSetup(answers, problems);
        if (options.dryRun) {
            io.stdout(plan.files.map((f) => `# ${path.join(options.dir, f.fileName)} (dry run: not written)\n${f.text}`).join("\n"));
        } else {
            const written = writeStacks(plan.files, options.dir, options.force);
            io.stdout(written.map((w) => `wrote ${w}\n`).join(""));
            // The plan reads Pulumi.<stack>.yaml beside Pulumi.yaml; elsewhere it needs the file's path.
            const elsewhere = path.resolve(options.dir) !== PROJECT_DIR;
            const plans = plan.files.map((f, i) => `npm run plan -- --stack ${f.environment}${elsewhere ? ` --config-file ${written[i]}` : ""}`);
            io.stdout(`next: ${plans.join("; ")}\n`);
        }
        for (const note of plan.notes) {
            io.stderr(`note: ${note}\n`);
        }
        return 0;
    } catch (err) {
        if (err instanceof SetupError) {
            io.stderr(`${err.message}\n`);
            return err.exitCode;
        }
        io.stderr(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return EXIT_FAILURE;
    }
}

if (require.main === module) {
    const terminal = process.stdin.isTTY ? terminalAsk() : undefined;
    void run(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), ask: terminal?.ask }).then((code) => {
        terminal?.close();
        process.exitCode = code;
    });
}
