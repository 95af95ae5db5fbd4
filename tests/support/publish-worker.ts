// Worker thread of ./published.ts: all the TypeScript work of `npm test`, done once, off the main
// thread, in one compiler instance whose parsed (and bound) source files every program shares. It
// reports the type check first, then the npm package (for package.test.ts), then the schema
// (schema.test.ts).
//
// The type check: tsconfig.json's program, checked as `tsc --noEmit` checks it, incrementally (like
// `tsc --incremental`: the semantic diagnostics of files whose text and dependencies did not change
// since the last run come from node_modules/.cache/ecr-ci-ts/typecheck.tsbuildinfo).
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
import { execFile } from "child_process";
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
const TYPECHECK_BUILD_INFO = path.join(REPO, "node_modules", ".cache", "ecr-ci-ts", "typecheck.tsbuildinfo");

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

function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
    return shareSourceFiles(ts.createCompilerHost(options));
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
        host: shareSourceFiles(ts.createIncrementalCompilerHost(options)),
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
async function pack(dir: string, destination: string): Promise<{ tarball: string; files: string[] }> {
    const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--offline", "--pack-destination", destination], { cwd: dir });
    const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    return { tarball: path.join(destination, result.filename), files: result.files.map((f) => f.path).sort() };
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

async function publishPackage(): Promise<PublishedPackage> {
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
        buildDiagnostics,
        tarballFiles: files,
        consumerDir,
        consumerDiagnostics: consumer.diagnostics,
        consumerProgramFiles: consumer.program.getSourceFiles().map((f) => path.resolve(f.fileName)),
    };
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
        post({ kind: "typecheck", result: typeCheck() });
        post({ kind: "package", result: await publishPackage() });
        post({ kind: "schema", result: await inferSchema() });
    } catch (err) {
        post({ kind: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
}

void main();
