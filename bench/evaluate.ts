// One measurement, in its own process: evaluate one program (ecr-ci from the built package, or the
// hand-written baseline) for N environments under the shared mocks, and print one JSON line.
// Spawned by bench/run.ts from the compiled copy (plain JavaScript, like a built program: ts-node's
// source-map-support would otherwise dominate, see bench/README.md); by hand, after `npm run bench`:
//   node --expose-gc bench/.build/bench/evaluate.js ecr-ci 100
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { promiseOf, setAwsMocks, settle } from "../tools/mocks";
import { BENCH_WORLD, benchEnvironments, registerEcrCi } from "./scenario";

/** The two programs the benchmark compares. */
export const PROGRAMS = ["ecr-ci", "baseline"] as const;
export type Program = (typeof PROGRAMS)[number];

/** What one evaluation measured. */
export interface Evaluation {
    readonly program: Program;
    readonly environments: number;
    /** Resources the mock monitor recorded (components included). */
    readonly resources: number;
    /** From the first constructor call until every registration and invoke has finished. */
    readonly wallMs: number;
    /** CPU time (user + system, all threads) over the same window: less sensitive to a busy machine. */
    readonly cpuMs: number;
    /** Peak resident set size of the whole process (imports included). */
    readonly maxRssMb: number;
    /** Heap the evaluation left behind: used heap after a full GC, minus the same before. */
    readonly retainedHeapMb: number;
}

/** The nearest directory at or above `from` holding a package.json: the project, from source or compiled. */
export function projectRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no package.json at or above ${from}`);
        }
    }
}

/** Where the built library lives: `npm run build` writes it, the benchmark measures it. */
export const DIST_ENTRY = path.join(projectRoot(__dirname), "dist", "index.js");

type Library = typeof import("../components");

/** Load the program's code before the clock starts; return the function that registers it. */
function load(program: Program, entry: string): (n: number) => Promise<void> {
    if (program === "baseline") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { registerBaseline } = require("./baseline") as typeof import("./baseline");
        return async (n) => registerBaseline(benchEnvironments(n));
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const library = require(entry) as Library;
    return async (n) => {
        const created = registerEcrCi(benchEnvironments(n), library.EcrCiEnvironment);
        await Promise.all(created.map((e) => promiseOf(e.githubActionsSnippet)));
    };
}

function gc(): void {
    (globalThis as { gc?: () => void }).gc?.();
}

const MB = 1024 * 1024;

/** Evaluate `program` for `n` environments once; ecr-ci is loaded from `entry`. */
export async function evaluate(program: Program, n: number, entry = DIST_ENTRY): Promise<Evaluation> {
    const register = load(program, entry);
    const mocks = await setAwsMocks(BENCH_WORLD, "bench", "bench");
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await register(n);
    await settle();
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    gc();
    const retainedHeapMb = (process.memoryUsage().heapUsed - heapBefore) / MB;
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    return { program, environments: n, resources: mocks.resources.length, wallMs, cpuMs, maxRssMb, retainedHeapMb };
}

function parseArgs(argv: readonly string[]): { program: Program; n: number; entry: string } {
    const [program, count, entry = DIST_ENTRY] = argv;
    const n = Number(count);
    if (!PROGRAMS.includes(program as Program) || !Number.isInteger(n) || n < 1 || argv.length > 3) {
        throw new Error(`usage: evaluate.js <${PROGRAMS.join("|")}> <environments ≥ 1> [ecr-ci entry], got ${JSON.stringify(argv)}`);
    }
    return { program: program as Program, n, entry: path.resolve(entry) };
}

if (require.main === module) {
    const { program, n, entry } = parseArgs(process.argv.slice(2));
    evaluate(program, n, entry).then(
        (result) => {
            process.stdout.write(`${JSON.stringify(result)}\n`);
            // Mocked runtimes leave nothing worth waiting for.
            process.exit(0);
        },
        (err: unknown) => {
            process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
            process.exit(1);
        },
    );
}
