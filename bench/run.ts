// `npm run bench`: what ecr-ci costs a Pulumi program, measured against the bare minimum.
//
//   npm run bench [-- --runs 5] [--test-runs 3] [--sizes 1,10,100] [--modes node,host] [--only eval,import,test,plan] [--dist DIR]
//
// `--dist` measures another build of the library (e.g. the previous commit's) in place of ./dist.
//
// Every measurement runs in a fresh child process. Prints Markdown tables and writes
// bench/results.json. Not part of the library, not run by `npm test`; see bench/README.md.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { DIST_ENTRY, Evaluation, PROGRAMS, Program, projectRoot } from "./evaluate";
import { Stats, formatStats, stats, table } from "./stats";

const ROOT = projectRoot(__dirname);
const EVALUATE_JS = path.join(__dirname, "evaluate.js");
const RESULTS = path.join(ROOT, "bench", "results.json");

/**
 * How the measured program is run. `node`: plain JavaScript, the floor. `host`: with
 * source-map-support registered first, as Pulumi's Node.js language host always does
 * (`@pulumi/pulumi/cmd/run` requires `source-map-support/register`): every stack the SDK captures
 * is then source-mapped. Both programs carry source maps (dist/ and bench/.build/), so neither
 * is spared that mapping.
 */
export const MODES = ["node", "host"] as const;
export type Mode = (typeof MODES)[number];
export const SECTIONS = ["eval", "import", "test", "plan"] as const;
export type Section = (typeof SECTIONS)[number];

export interface Options {
    /** Runs per evaluation, import and plan figure. @default 5 */
    readonly runs: number;
    /** Runs of `npm test` (slow). @default 3 */
    readonly testRuns: number;
    /** Environments per program. @default [1, 10, 100] */
    readonly sizes: readonly number[];
    readonly modes: readonly Mode[];
    readonly sections: readonly Section[];
    /** The built library's entry point. @default ./dist/index.js */
    readonly entry: string;
}

// ---------------------------------------------------------------------------------------------
// Flags

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
    const items = value.split(",").filter(Boolean);
    const bad = items.filter((i) => !allowed.includes(i as T));
    if (items.length === 0 || bad.length > 0) {
        throw new Error(`${flag}: ${JSON.stringify(value)} is not a comma-separated list of ${allowed.join(", ")}`);
    }
    return items as T[];
}

function positiveInteger(flag: string, value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`${flag}: ${JSON.stringify(value)} is not a positive integer`);
    }
    return n;
}

/** Parse `--flag value` pairs; unknown flags are an error. */
export function parseOptions(argv: readonly string[]): Options {
    let options: Options = { runs: 5, testRuns: 3, sizes: [1, 10, 100], modes: [...MODES], sections: [...SECTIONS], entry: DIST_ENTRY };
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1] ?? ""];
        switch (flag) {
            case "--runs":
                options = { ...options, runs: positiveInteger(flag, value) };
                break;
            case "--test-runs":
                options = { ...options, testRuns: positiveInteger(flag, value) };
                break;
            case "--sizes":
                options = { ...options, sizes: value.split(",").map((v) => positiveInteger(flag, v)) };
                break;
            case "--modes":
                options = { ...options, modes: list(flag, value, MODES) };
                break;
            case "--only":
                options = { ...options, sections: list(flag, value, SECTIONS) };
                break;
            case "--dist":
                options = { ...options, entry: path.resolve(value, "index.js") };
                break;
            default:
                throw new Error(`unknown flag ${JSON.stringify(flag)}; flags: --runs, --test-runs, --sizes, --modes, --only, --dist`);
        }
    }
    return options;
}

// ---------------------------------------------------------------------------------------------
// Children

/**
 * Run `node args...` in the project and return its stdout; a failure throws with its stderr. NODE_PATH
 * lets a `--dist` build outside the project resolve the project's SDKs (the same module instances).
 */
function node(args: readonly string[]): string {
    const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
    const child = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (child.status !== 0) {
        throw new Error(`node ${args.join(" ")} exited ${child.status}:\n${child.stderr}`);
    }
    return child.stdout;
}

/** Wall time of a shell command in the project (output discarded) and its exit status. */
function timeCommand(command: string): { ms: number; status: number | null } {
    const start = performance.now();
    const child = spawnSync(command, { cwd: ROOT, shell: true, stdio: "ignore" });
    return { ms: performance.now() - start, status: child.status };
}

/** Alternate which of two things goes first, run by run, so neither always gets the warmer machine. */
function alternate<T>(run: number, pair: readonly [T, T]): [T, T] {
    return run % 2 === 0 ? [pair[0], pair[1]] : [pair[1], pair[0]];
}

// ---------------------------------------------------------------------------------------------
// Program evaluation

/** The resources each program must register for `n` environments: anything else is a broken run. */
export function expectedResources(program: Program, n: number): number {
    const custom = 1 + 7 * n; // the provider; per environment 2 repositories, 2 lifecycle policies, policy, role, attachment
    return program === "ecr-ci" ? custom + n : custom;
}

function evaluateInChild(mode: Mode, program: Program, n: number, entry: string): Evaluation {
    const preload = mode === "host" ? ["-r", require.resolve("source-map-support/register", { paths: [ROOT] })] : [];
    const result = JSON.parse(node(["--expose-gc", ...preload, EVALUATE_JS, program, String(n), entry])) as Evaluation;
    if (result.resources !== expectedResources(program, n)) {
        throw new Error(`${program} × ${n} registered ${result.resources} resources, expected ${expectedResources(program, n)}`);
    }
    return result;
}

/** One run: both programs, back to back, per mode and size. */
type PairRun = Record<Program, Evaluation>;

export interface EvaluationFigures {
    readonly mode: Mode;
    readonly environments: number;
    readonly programs: Record<Program, { wallMs: Stats; cpuMs: Stats; wallPerEnvMs: Stats; maxRssMb: Stats; retainedHeapMb: Stats }>;
    /** ecr-ci ÷ baseline, computed within each run, then summarized. */
    readonly wallRatio: Stats;
    readonly cpuRatio: Stats;
}

/** Marginal cost of one more environment between the two largest sizes, per program, and its ratio. */
export interface MarginalFigures {
    readonly mode: Mode;
    readonly from: number;
    readonly to: number;
    readonly cpuPerEnvMs: Record<Program, Stats>;
    readonly cpuRatio: Stats;
}

function summarizePrograms(pairs: readonly PairRun[]): EvaluationFigures["programs"] {
    const of = (program: Program) => {
        const runs = pairs.map((p) => p[program]);
        return {
            wallMs: stats(runs.map((r) => r.wallMs)),
            cpuMs: stats(runs.map((r) => r.cpuMs)),
            wallPerEnvMs: stats(runs.map((r) => r.wallMs / r.environments)),
            maxRssMb: stats(runs.map((r) => r.maxRssMb)),
            retainedHeapMb: stats(runs.map((r) => r.retainedHeapMb)),
        };
    };
    return { "ecr-ci": of("ecr-ci"), baseline: of("baseline") };
}

function marginal(mode: Mode, from: number, to: number, small: readonly PairRun[], large: readonly PairRun[]): MarginalFigures {
    const perEnv = (program: Program) => large.map((l, i) => (l[program].cpuMs - small[i][program].cpuMs) / (to - from));
    const ecrCi = perEnv("ecr-ci");
    const baseline = perEnv("baseline");
    return {
        mode,
        from,
        to,
        cpuPerEnvMs: { "ecr-ci": stats(ecrCi), baseline: stats(baseline) },
        cpuRatio: stats(ecrCi.map((e, i) => e / baseline[i])),
    };
}

/** Every (mode, size) pair `runs` times, runs outermost so a slow spell of the machine hits every figure. */
export function measureEvaluation(options: Options): { figures: EvaluationFigures[]; marginal: MarginalFigures[] } {
    const collected = new Map<string, PairRun[]>();
    const key = (mode: Mode, n: number) => `${mode}:${n}`;
    for (let run = 0; run < options.runs; run++) {
        for (const mode of options.modes) {
            for (const n of options.sizes) {
                const pair = {} as PairRun;
                for (const program of alternate(run, PROGRAMS)) {
                    pair[program] = evaluateInChild(mode, program, n, options.entry);
                }
                collected.set(key(mode, n), [...(collected.get(key(mode, n)) ?? []), pair]);
                progress(`eval ${mode} ×${n} run ${run + 1}/${options.runs}`);
            }
        }
    }
    const figures: EvaluationFigures[] = [];
    const margins: MarginalFigures[] = [];
    const sizes = [...options.sizes].sort((a, b) => a - b);
    for (const mode of options.modes) {
        for (const n of sizes) {
            const pairs = collected.get(key(mode, n))!;
            figures.push({
                mode,
                environments: n,
                programs: summarizePrograms(pairs),
                wallRatio: stats(pairs.map((p) => p["ecr-ci"].wallMs / p.baseline.wallMs)),
                cpuRatio: stats(pairs.map((p) => p["ecr-ci"].cpuMs / p.baseline.cpuMs)),
            });
        }
        if (sizes.length >= 2) {
            const [from, to] = sizes.slice(-2);
            margins.push(marginal(mode, from, to, collected.get(key(mode, from))!, collected.get(key(mode, to))!));
        }
    }
    return { figures, marginal: margins };
}

// ---------------------------------------------------------------------------------------------
// Cold import

const SDKS = "@pulumi/pulumi + @pulumi/aws";
const SDKS_AND_LIBRARY = "@pulumi/pulumi + @pulumi/aws + ecr-ci";

/** What each import variant requires, in order, in a fresh `node`. */
export function importVariants(entry: string): Record<string, readonly string[]> {
    return {
        "@pulumi/pulumi": ["@pulumi/pulumi"],
        [SDKS]: ["@pulumi/pulumi", "@pulumi/aws"],
        [SDKS_AND_LIBRARY]: ["@pulumi/pulumi", "@pulumi/aws", entry],
        "ecr-ci alone": [entry],
    };
}

export interface ImportFigures {
    /** Total require time of each variant. */
    readonly variants: Record<string, Stats>;
    /** (SDKs + ecr-ci) − SDKs, totals of two processes run back to back. */
    readonly addedPairwiseMs: Stats;
    /** The require of ecr-ci alone, timed inside the process that has just loaded both SDKs. */
    readonly addedInProcessMs: Stats;
}

/**
 * Milliseconds to require each of `modules`, in order, in a fresh node (node's own start-up is
 * excluded: it is the same for every variant).
 */
function importTimes(modules: readonly string[]): number[] {
    const script = [
        'const { performance } = require("perf_hooks");',
        `const times = ${JSON.stringify(modules)}.map((m) => { const t = performance.now(); require(m); return performance.now() - t; });`,
        "process.stdout.write(JSON.stringify(times));",
    ].join(" ");
    return JSON.parse(node(["-e", script])) as number[];
}

export function measureImport(options: Options): ImportFigures {
    const variants = importVariants(options.entry);
    const names = Object.keys(variants);
    const times: Record<string, number[][]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let run = 0; run < options.runs; run++) {
        // Rotate the order so no variant always runs first (or right after the same neighbour).
        const order = names.map((_, i) => names[(i + run) % names.length]);
        for (const name of order) {
            times[name].push(importTimes(variants[name]));
        }
        progress(`import run ${run + 1}/${options.runs}`);
    }
    const total = (name: string) => times[name].map((parts) => parts.reduce((a, b) => a + b, 0));
    const sdk = total(SDKS);
    return {
        variants: Object.fromEntries(names.map((n) => [n, stats(total(n))])),
        addedPairwiseMs: stats(total(SDKS_AND_LIBRARY).map((t, i) => t - sdk[i])),
        addedInProcessMs: stats(times[SDKS_AND_LIBRARY].map((parts) => parts[parts.length - 1])),
    };
}

// ---------------------------------------------------------------------------------------------
// npm test and the offline plan

export interface CommandFigures {
    readonly command: string;
    readonly wallMs: Stats;
    /** Exit statuses, one per run (a failing suite is still timed, and reported). */
    readonly statuses: readonly (number | null)[];
}

function timeRuns(command: string, runs: number, label: string): CommandFigures {
    const results: { ms: number; status: number | null }[] = [];
    for (let run = 0; run < runs; run++) {
        results.push(timeCommand(command));
        progress(`${label} run ${run + 1}/${runs}`);
    }
    return { command, wallMs: stats(results.map((r) => r.ms)), statuses: results.map((r) => r.status) };
}

/** `npm test`, and its type-check half alone (the rest is mocha). */
export function measureTests(options: Options): CommandFigures[] {
    return [timeRuns("npm test", options.testRuns, "npm test"), timeRuns("npx tsc --noEmit", options.testRuns, "tsc --noEmit")];
}

/** The direct command `npm run plan` wraps, for the dev stack; undefined when the plan is not there yet. */
function planCommand(): string | undefined {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    const plan = pkg.scripts?.plan;
    return plan ? `${plan} --stack dev` : undefined;
}

export function measurePlan(options: Options): CommandFigures[] {
    const command = planCommand();
    if (!command) {
        progress("plan: no `plan` script in package.json, skipped");
        return [];
    }
    return [timeRuns(command, options.runs, "plan")];
}

// ---------------------------------------------------------------------------------------------
// Report

function progress(message: string): void {
    process.stderr.write(`  ${message}\n`);
}

function evaluationTable(figures: readonly EvaluationFigures[]): string {
    const rows = figures.flatMap((f) =>
        PROGRAMS.map((program) => {
            const p = f.programs[program];
            return [
                f.mode,
                String(f.environments),
                program,
                formatStats(p.wallMs),
                formatStats(p.wallPerEnvMs, 1),
                formatStats(p.cpuMs),
                formatStats(p.maxRssMb),
                formatStats(p.retainedHeapMb, 1),
            ];
        }),
    );
    return table(["mode", "envs", "program", "wall ms", "wall ms/env", "CPU ms", "peak RSS MB", "retained heap MB"], rows);
}

function ratioTable(figures: readonly EvaluationFigures[]): string {
    const rows = figures.map((f) => [f.mode, String(f.environments), formatStats(f.wallRatio, 2), formatStats(f.cpuRatio, 2)]);
    return table(["mode", "envs", "wall ratio ecr-ci/baseline", "CPU ratio ecr-ci/baseline"], rows);
}

function marginalTable(margins: readonly MarginalFigures[]): string {
    const rows = margins.map((m) => [
        m.mode,
        `${m.from}→${m.to}`,
        formatStats(m.cpuPerEnvMs["ecr-ci"], 1),
        formatStats(m.cpuPerEnvMs.baseline, 1),
        formatStats(m.cpuRatio, 2),
    ]);
    return table(["mode", "envs", "ecr-ci CPU ms per extra env", "baseline CPU ms per extra env", "ratio"], rows);
}

function importTable(figures: ImportFigures): string {
    const rows = Object.entries(figures.variants).map(([name, s]) => [name, formatStats(s)]);
    rows.push(["ecr-ci added to both SDKs, same process", formatStats(figures.addedInProcessMs)]);
    rows.push(["ecr-ci added to both SDKs, pairwise totals", formatStats(figures.addedPairwiseMs)]);
    return table(["require (fresh node)", "ms"], rows);
}

function commandTable(figures: readonly CommandFigures[]): string {
    const seconds = (v: number) => (v / 1000).toFixed(1);
    const rows = figures.map((f) => [f.command, `${seconds(f.wallMs.median)} (${seconds(f.wallMs.min)}–${seconds(f.wallMs.max)})`, f.statuses.join(",")]);
    return table(["command", "wall s", "exit statuses"], rows);
}

function environment(): Record<string, unknown> {
    return { date: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, loadAverage: os.loadavg() };
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    if (!fs.existsSync(options.entry)) {
        throw new Error(`${options.entry} is missing: run \`npm run build\` (npm run bench does)`);
    }
    const has = (s: Section) => options.sections.includes(s);
    const before = environment();
    const evaluation = has("eval") ? measureEvaluation(options) : undefined;
    const imports = has("import") ? measureImport(options) : undefined;
    const commands = [...(has("test") ? measureTests(options) : []), ...(has("plan") ? measurePlan(options) : [])];
    const results = { machine: before, loadAverageAfter: os.loadavg(), options, evaluation, imports, commands };
    fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

    const library = path.relative(ROOT, options.entry);
    const out: string[] = [
        `ecr-ci bench — ${library}, node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; median (min–max) of ${options.runs} runs`,
    ];
    if (evaluation) {
        out.push("", "Program evaluation under mocks", "", evaluationTable(evaluation.figures), "", ratioTable(evaluation.figures));
        if (evaluation.marginal.length > 0) {
            out.push("", marginalTable(evaluation.marginal));
        }
    }
    if (imports) {
        out.push("", "Cold import", "", importTable(imports));
    }
    if (commands.length > 0) {
        out.push("", "Commands", "", commandTable(commands));
    }
    out.push("", `written: ${path.relative(ROOT, RESULTS)}`);
    process.stdout.write(`${out.join("\n")}\n`);
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}
