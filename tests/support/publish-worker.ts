// Worker thread of ./published.ts: all the TypeScript work of `npm test`, done once, off the main
// thread, in one compiler instance whose parsed (and bound) source files every program shares. It
// reports the type check first, then the npm package (for package.test.ts), then the schema
// (schema.test.ts).
//
// The type check: tsconfig.json's program, checked as `tsc --noEmit` checks it, incrementally (like
// `tsc --incremental`: the semantic diagnostics of files whose text and dependencies did not change
// since the last run come from node_modules/.cache/ecr-ci-ts/typecheck-<checkout>.tsbuildinfo, one per checkout).
//
// The package: the repository's files are staged in a temporary directory, the library is built
// there with tsconfig.build.json (or the repository's dist/ is copied when it was built from the
// current sources; a build made here is also written to the repository's dist/, so the next run
// reuses it), `npm pack` makes the tarball, the tarball is extracted into a fresh consumer project
// (offline: its @pulumi dependencies are this repository's node_modules) and a strict TypeScript
// consumer is compiled against the *published* declarations. `npm pack --ignore-scripts` packs the
// staged build instead of running `prepack` again.
//
// The schema: ComponentProvider, as `pulumi package add` runs it on the package directory. Its
// analyzer asks TypeScript for tsconfig.json's program, the one the type check has just built.
//
// When no file any of these compilers read has changed since a clean earlier run, their results are
// that run's (see readRecordedResults); staging and extracting the package happen anyway, and
// packing too, unless the same npm packed the same staged files before (see pack).
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { parentPort, workerData } from "worker_threads";
import Module = require("module");
import * as ts from "typescript";
import type * as experimental from "@pulumi/pulumi/provider/experimental";
import { CONSUMER_PROGRAM, PublishedPackage, WorkerData, WorkerMessage } from "./published";

const exec = promisify(execFile);
const { repo: REPO, tmp: TMP } = workerData as WorkerData;
const CACHE_DIR = path.join(REPO, "node_modules", ".cache", "ecr-ci-ts");
/**
 * One record per checkout: git worktrees may share one node_modules (a symlink), and a record of
 * another checkout's files would never match this one's, so each run would compute afresh.
 */
const CHECKOUT = createHash("sha256").update(fs.realpathSync(REPO)).digest("hex").slice(0, 12);
const TYPECHECK_BUILD_INFO = path.join(CACHE_DIR, `typecheck-${CHECKOUT}.tsbuildinfo`);
const RESULTS = path.join(CACHE_DIR, `publish-results-${CHECKOUT}.json`);

/**
 * Every source file read by any program of this worker, parsed (and, once a checker has bound it,
 * bound) once: the programs share tsconfig.json's target and strictness, and a worker's run sees
 * one version of each file.
 */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

function shareSourceFiles<H extends ts.CompilerHost>(host: H): H {
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        let file = sharedSourceFiles.get(fileName);
        if (!file) {
            file = read(fileName, languageVersion, onError, shouldCreate);
            if (file) {
                sharedSourceFiles.set(fileName, file);
            }
        }
        return file;
    };
    return host;
}

/** A compiler host whose source files carry versions (content hashes), as the incremental builder needs of all of them. */
function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
    return shareSourceFiles(ts.createIncrementalCompilerHost(options));
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string[] {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => TMP, getNewLine: () => "\n" };
    return diagnostics.map((d) => ts.formatDiagnostic(d, host).trim());
}

/** Compile and emit; returns the program and every diagnostic as text. */
function compile(rootNames: readonly string[], options: ts.CompilerOptions): { program: ts.Program; diagnostics: string[] } {
    const program = ts.createProgram({ rootNames, options, host: compilerHost(options) });
    const emitted = program.emit();
    return { program, diagnostics: formatDiagnostics([...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]) };
}

/** Copy the files a checkout of the repository has (tracked and new, not ignored) to `dir`. */
async function stageRepository(dir: string): Promise<void> {
    const { stdout } = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO });
    for (const file of stdout.split("\0").filter((f) => f && fs.existsSync(path.join(REPO, f)))) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
}

function parseConfig(file: string): ts.ParsedCommandLine | readonly ts.Diagnostic[] {
    const problems: ts.Diagnostic[] = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d) });
    return parsed ?? problems;
}

/** tsconfig.json's program, once type-checked: the analyzer's program too. */
let checkedProgram: ts.Program | undefined;

/**
 * `tsc --noEmit` over tsconfig.json: the same diagnostics in the same order (configuration, options,
 * syntax; then global and semantic ones; then declaration ones, tsconfig.json having `declaration`),
 * through TypeScript's incremental builder.
 */
function typeCheck(): string[] {
    const parsed = parseConfig(path.join(REPO, "tsconfig.json"));
    if (!("options" in parsed)) {
        return formatDiagnostics(parsed);
    }
    fs.mkdirSync(path.dirname(TYPECHECK_BUILD_INFO), { recursive: true });
    const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, incremental: true, tsBuildInfoFile: TYPECHECK_BUILD_INFO };
    const builder = ts.createIncrementalProgram({
        rootNames: parsed.fileNames,
        options,
        configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
        projectReferences: parsed.projectReferences,
        host: compilerHost(options),
    });
    // As tsc's emitFilesAndReportErrors: each step only when the ones before it found nothing.
    const diagnostics: ts.Diagnostic[] = [...builder.getConfigFileParsingDiagnostics()];
    const clean = () => diagnostics.length === builder.getConfigFileParsingDiagnostics().length;
    diagnostics.push(...builder.getSyntacticDiagnostics());
    if (clean()) {
        diagnostics.push(...builder.getOptionsDiagnostics(), ...builder.getGlobalDiagnostics());
        if (clean()) {
            diagnostics.push(...builder.getSemanticDiagnostics());
        }
        if (clean() && (options.declaration || options.composite)) {
            diagnostics.push(...builder.getDeclarationDiagnostics());
        }
    }
    builder.emit(); // noEmit: writes the .tsbuildinfo only
    checkedProgram = builder.getProgram();
    return formatDiagnostics(ts.sortAndDeduplicateDiagnostics(diagnostics));
}

/** `tsc -p tsconfig.build.json`, in this thread. */
function buildLibrary(dir: string): string[] {
    const parsed = parseConfig(path.join(dir, "tsconfig.build.json"));
    if (!("options" in parsed)) {
        return formatDiagnostics(parsed);
    }
    return compile(parsed.fileNames, parsed.options).diagnostics;
}

/** Replace the repository's dist/ with `built` (a fresh build of the same sources). */
function refreshRepositoryDist(built: string): void {
    const dist = path.join(REPO, "dist");
    const next = `${dist}.${process.pid}.tmp`;
    fs.cpSync(built, next, { recursive: true });
    fs.rmSync(dist, { recursive: true, force: true });
    fs.renameSync(next, dist);
}

/** What the library build reads: a newer file than dist/index.js makes that build stale. */
function buildInputs(): string[] {
    const sources = fs
        .readdirSync(path.join(REPO, "components"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(REPO, "components", f));
    return [...sources, ...["tsconfig.json", "tsconfig.build.json", "package.json"].map((f) => path.join(REPO, f))];
}

/**
 * The repository's dist/ if `npm run build` (or an earlier run of this worker) built it from the
 * current sources, else undefined. Reusing it saves the worker a library compile; after an edit to
 * the library the test builds afresh.
 */
function freshDist(): string | undefined {
    const dist = path.join(REPO, "dist");
    const entry = path.join(dist, "index.js");
    if (!fs.existsSync(entry)) {
        return undefined;
    }
    const built = fs.statSync(entry).mtimeMs;
    return buildInputs().every((f) => fs.statSync(f).mtimeMs <= built) ? dist : undefined;
}

/** `npm pack` of the staged build: the tarball's path and its file list. */
async function npmPack(dir: string, destination: string): Promise<{ tarball: string; files: string[] }> {
    const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--offline", "--pack-destination", destination], { cwd: dir });
    const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    return { tarball: path.join(destination, result.filename), files: result.files.map((f) => f.path).sort() };
}

/**
 * The npm that `npm pack` runs: the package.json of the `npm` first on PATH (its version and
 * location), or undefined when it cannot be told (then nothing is reused).
 */
function npmIdentity(): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        try {
            const cli = fs.realpathSync(path.join(dir, "npm"));
            return `${cli}\0${fs.readFileSync(path.join(path.dirname(cli), "..", "package.json"), "utf8")}`;
        } catch {
            // not here
        }
    }
    return undefined;
}

/** Every file of the staged package directory (not node_modules), by path and content: what `npm pack` reads. */
function stagedDigest(dir: string): string {
    const hash = createHash("sha256");
    const files = fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.split(path.sep)[0] !== "node_modules" && fs.lstatSync(path.join(dir, f)).isFile())
        .sort();
    for (const f of files) {
        hash.update(`${f}\0`).update(fs.readFileSync(path.join(dir, f))).update("\0");
    }
    return hash.digest("hex");
}

/**
 * `npm pack`, or the tarball and file list it made of the very same staged files with the same npm
 * (kept under node_modules/.cache/ecr-ci-ts/pack/; npm takes ~2 s of CPU to start). The tarball is
 * still extracted into a fresh consumer project and everything after it runs. Not with
 * ECR_CI_NO_RESULT_CACHE=1.
 */
async function pack(dir: string, destination: string): Promise<{ tarball: string; files: string[] }> {
    const npm = process.env.ECR_CI_NO_RESULT_CACHE ? undefined : npmIdentity();
    if (npm === undefined) {
        return npmPack(dir, destination);
    }
    const key = createHash("sha256").update(npm).update("\0").update(stagedDigest(dir)).digest("hex");
    const entry = path.join(CACHE_DIR, "pack", key);
    try {
        const recorded = JSON.parse(fs.readFileSync(`${entry}.json`, "utf8")) as { filename: string; files: string[] };
        const tarball = path.join(destination, recorded.filename);
        fs.copyFileSync(`${entry}.tgz`, tarball);
        return { tarball, files: recorded.files };
    } catch {
        // not packed before: pack now, and keep it
    }
    const packed = await npmPack(dir, destination);
    try {
        fs.mkdirSync(path.dirname(entry), { recursive: true });
        const tmp = `${entry}.${process.pid}.tmp`;
        fs.copyFileSync(packed.tarball, `${tmp}.tgz`);
        fs.renameSync(`${tmp}.tgz`, `${entry}.tgz`);
        fs.writeFileSync(`${tmp}.json`, JSON.stringify({ filename: path.basename(packed.tarball), files: packed.files }));
        fs.renameSync(`${tmp}.json`, `${entry}.json`);
    } catch {
        // No record: the next run packs again.
    }
    return packed;
}

/** A consumer project with the tarball extracted as node_modules/ecr-ci (what `npm install` unpacks). */
async function consumerProject(dir: string, tarball: string): Promise<void> {
    const installed = path.join(dir, "node_modules", "ecr-ci");
    fs.mkdirSync(installed, { recursive: true });
    await exec("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
    fs.symlinkSync(path.join(REPO, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, dependencies: { "ecr-ci": `file:${tarball}` } }));
    fs.writeFileSync(path.join(dir, "index.ts"), CONSUMER_PROGRAM);
}

interface StagedPackage {
    readonly buildDiagnostics: string[];
    readonly tarballFiles: string[];
    readonly consumerDir: string;
}

/** Stage, build (or reuse dist/), pack, and extract into the consumer project. */
async function stagePackage(): Promise<StagedPackage> {
    const stage = path.join(TMP, "repo");
    const consumerDir = path.join(TMP, "consumer");
    await stageRepository(stage);
    const dist = freshDist();
    let buildDiagnostics: string[] = [];
    if (dist) {
        fs.cpSync(dist, path.join(stage, "dist"), { recursive: true });
    } else {
        buildDiagnostics = buildLibrary(stage);
        if (buildDiagnostics.length === 0) {
            refreshRepositoryDist(path.join(stage, "dist"));
        }
    }
    const { tarball, files } = await pack(stage, TMP);
    await consumerProject(consumerDir, tarball);
    return { buildDiagnostics, tarballFiles: files, consumerDir };
}

function compileConsumer(staged: StagedPackage): PublishedPackage {
    const { consumerDir } = staged;
    const consumer = compile([path.join(consumerDir, "index.ts")], {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        skipLibCheck: true,
        types: [],
        outDir: path.join(consumerDir, "bin"),
    });
    return {
        ...staged,
        consumerDiagnostics: consumer.diagnostics,
        consumerProgramFiles: consumer.program.getSourceFiles().map((f) => path.resolve(f.fileName)),
    };
}

// Results of an earlier run, reused when none of their inputs changed — what `tsc --incremental` and
// `tsc -b` do for a type check, applied to the three compiler results of this worker: the type check,
// the consumer compile (its diagnostics, program files and emitted JavaScript) and the schema. Their
// inputs are every file any of the programs read (the project's sources and tests, the staged
// package's files and declarations, the consumer, node_modules' declarations, TypeScript's lib
// files), by content, plus the configuration files, the analyzer's code and the compiler version;
// tsconfig.json's list of root files must be the same too (a new test file is a change). Only a run
// whose results were all clean is recorded, so a failure is always computed afresh.
// ECR_CI_NO_RESULT_CACHE=1 turns this off.

/** The temporary directory of this run in recorded paths (the consumer lives there). */
const TMP_MARK = "<tmp>";

interface RecordedResults {
    readonly typescript: string;
    readonly rootNames: string[];
    /** Input file (TMP as TMP_MARK) → sha256 of its content. */
    readonly inputs: Record<string, string>;
    readonly typeCheck: string[];
    readonly consumerDiagnostics: string[];
    readonly consumerProgramFiles: string[];
    /** The consumer's bin/, relative path → content. */
    readonly consumerOutput: Record<string, string>;
    readonly schema: string;
}

const toRecorded = (file: string) => (file.startsWith(TMP + path.sep) ? TMP_MARK + file.slice(TMP.length) : file);
const fromRecorded = (file: string) => (file.startsWith(TMP_MARK + path.sep) ? TMP + file.slice(TMP_MARK.length) : file);

function contentHash(file: string): string | undefined {
    try {
        return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    } catch {
        return undefined;
    }
}

/** Files the results depend on besides those the programs read. */
function extraInputs(): string[] {
    const experimental = path.dirname(require.resolve("@pulumi/pulumi/provider/experimental"));
    return [
        ...["package.json", "tsconfig.json", "tsconfig.build.json"].map((f) => path.join(REPO, f)),
        ...["analyzer.js", "provider.js", "schema.js", "index.js"].map((f) => path.join(experimental, f)),
        require.resolve("@pulumi/pulumi/package.json"),
        require.resolve("typescript/package.json"),
    ];
}

function rootNames(): string[] {
    const parsed = parseConfig(path.join(REPO, "tsconfig.json"));
    return "fileNames" in parsed ? parsed.fileNames : [];
}

function readRecordedResults(): RecordedResults | undefined {
    if (process.env.ECR_CI_NO_RESULT_CACHE) {
        return undefined;
    }
    let recorded: RecordedResults;
    try {
        recorded = JSON.parse(fs.readFileSync(RESULTS, "utf8")) as RecordedResults;
    } catch {
        return undefined;
    }
    const current = rootNames();
    const unchanged =
        recorded.typescript === ts.version &&
        recorded.rootNames.length === current.length &&
        recorded.rootNames.every((f, i) => f === current[i]) &&
        Object.entries(recorded.inputs).every(([file, hash]) => contentHash(fromRecorded(file)) === hash);
    return unchanged ? recorded : undefined;
}

function recordResults(results: Omit<RecordedResults, "typescript" | "rootNames" | "inputs">): void {
    if (process.env.ECR_CI_NO_RESULT_CACHE) {
        return;
    }
    const inputs: Record<string, string> = {};
    for (const file of [...sharedSourceFiles.keys(), ...extraInputs()]) {
        const hash = contentHash(file);
        if (hash === undefined) {
            return; // an input that is gone already: nothing to record
        }
        inputs[toRecorded(path.resolve(file))] = hash;
    }
    const record: RecordedResults = {
        typescript: ts.version,
        rootNames: rootNames(),
        inputs,
        ...results,
        consumerProgramFiles: results.consumerProgramFiles.map(toRecorded),
    };
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = `${RESULTS}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(record));
        fs.renameSync(tmp, RESULTS);
    } catch {
        // No record: the next run computes afresh.
    }
}

function readTree(dir: string): Record<string, string> {
    return Object.fromEntries(
        fs
            .readdirSync(dir, { recursive: true, encoding: "utf8" })
            .filter((f) => fs.statSync(path.join(dir, f)).isFile())
            .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
    );
}

function writeTree(dir: string, files: Record<string, string>): void {
    for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    }
}

/**
 * The analyzer's TypeScript (`@pulumi/pulumi/typescript-shim`, which is this `typescript`), except
 * that asked for tsconfig.json's program — the same root files and configuration the type check
 * compiled — it gets that program, already checked, instead of compiling it again (TypeScript builds
 * the same program from the same files and options; the analyzer's `strictNullChecks: true` is
 * tsconfig.json's `strict`). Any other program is compiled with the shared source files.
 */
function analyzerTypeScript(): typeof ts {
    const createProgram = (rootNamesOrOptions: readonly string[] | ts.CreateProgramOptions, ...rest: unknown[]): ts.Program => {
        const request = Array.isArray(rootNamesOrOptions) ? undefined : (rootNamesOrOptions as ts.CreateProgramOptions);
        if (request && !request.host && checkedProgram) {
            const checked = checkedProgram.getRootFileNames();
            const same =
                request.options.configFilePath === checkedProgram.getCompilerOptions().configFilePath &&
                request.options.strict === true &&
                request.rootNames.length === checked.length &&
                request.rootNames.every((f, i) => f === checked[i]);
            if (same) {
                return checkedProgram;
            }
            return ts.createProgram({ ...request, host: compilerHost(request.options) });
        }
        return (ts.createProgram as (...args: unknown[]) => ts.Program)(rootNamesOrOptions, ...rest);
    };
    return Object.create(ts, { createProgram: { value: createProgram } }) as typeof ts;
}

/** @pulumi/pulumi/provider/experimental, its analyzer loaded with analyzerTypeScript(). */
function loadProviderLibrary(): typeof experimental {
    const shim = require.resolve("@pulumi/pulumi/typescript-shim");
    if (require.cache[shim] || require.cache[require.resolve("@pulumi/pulumi/provider/experimental/analyzer")]) {
        throw new Error("the analyzer's TypeScript is loaded already");
    }
    const module = new Module(shim);
    module.filename = shim;
    module.loaded = true;
    module.exports = analyzerTypeScript();
    require.cache[shim] = module;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@pulumi/pulumi/provider/experimental") as typeof experimental;
}

async function inferSchema(): Promise<string> {
    const { ComponentProvider, getPulumiComponents } = loadProviderLibrary();
    const { name } = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { name: string };
    // Like `@pulumi/pulumi/cmd/run-plugin`: the components are those the package exports, the
    // provider name is the package name, the directory is the package root.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const library = require(path.join(REPO, "components")) as Record<string, unknown>;
    return new ComponentProvider({ components: getPulumiComponents(library), dirname: REPO, name }).getSchema();
}

async function main(): Promise<void> {
    const post = (message: WorkerMessage) => parentPort!.postMessage(message);
    try {
        const staged = await stagePackage();
        const recorded = readRecordedResults();
        if (recorded) {
            post({ kind: "typecheck", result: recorded.typeCheck });
            writeTree(path.join(staged.consumerDir, "bin"), recorded.consumerOutput);
            const consumerProgramFiles = recorded.consumerProgramFiles.map(fromRecorded);
            post({ kind: "package", result: { ...staged, consumerDiagnostics: recorded.consumerDiagnostics, consumerProgramFiles } });
            post({ kind: "schema", result: recorded.schema });
            return;
        }
        const typeCheckResult = typeCheck();
        post({ kind: "typecheck", result: typeCheckResult });
        const published = compileConsumer(staged);
        post({ kind: "package", result: published });
        const schema = await inferSchema();
        post({ kind: "schema", result: schema });
        if (typeCheckResult.length === 0 && published.consumerDiagnostics.length === 0 && published.buildDiagnostics.length === 0) {
            const consumerOutput = readTree(path.join(staged.consumerDir, "bin"));
            recordResults({ typeCheck: typeCheckResult, consumerDiagnostics: [], consumerProgramFiles: published.consumerProgramFiles, consumerOutput, schema });
        }
    } catch (err) {
        post({ kind: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
}

void main();
