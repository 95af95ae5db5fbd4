// Worker thread of ./published.ts: everything slow about publishing ecr-ci, done once, off the main
// thread. It reports the npm package first (for package.test.ts), then the schema (schema.test.ts).
//
// The package: the repository's files are staged in a temporary directory, the library is built
// there with tsconfig.build.json (or the repository's dist/ is copied when `npm ci`/`npm run build`
// built it from the current sources), `npm pack` makes the tarball, the tarball is extracted into a fresh
// consumer project (offline: its @pulumi dependencies are this repository's node_modules) and a
// strict TypeScript consumer is compiled against the *published* declarations. The build and the
// consumer compile share the parsed declaration files of node_modules (most of either compile);
// `npm pack --ignore-scripts` then packs the staged build instead of running `prepare` again.
//
// The schema: ComponentProvider, as `pulumi package add` runs it on the package directory.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { parentPort, workerData } from "worker_threads";
import * as ts from "typescript";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { CONSUMER_PROGRAM, PublishedPackage, WorkerData, WorkerMessage } from "./published";

const exec = promisify(execFile);
const { repo: REPO, tmp: TMP } = workerData as WorkerData;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Declaration files of node_modules, parsed (and bound) once for both programs. */
const sharedDeclarations = new Map<string, ts.SourceFile>();

function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        if (!fileName.includes(NODE_MODULES)) {
            return read(fileName, languageVersion, onError, shouldCreate);
        }
        let file = sharedDeclarations.get(fileName);
        if (!file) {
            file = read(fileName, languageVersion, onError, shouldCreate);
            if (file) {
                sharedDeclarations.set(fileName, file);
            }
        }
        return file;
    };
    return host;
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

/** `tsc -p tsconfig.build.json`, in this thread. */
function buildLibrary(dir: string): string[] {
    const problems: ts.Diagnostic[] = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.build.json"), {}, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d),
    });
    if (!parsed) {
        return formatDiagnostics(problems);
    }
    return compile(parsed.fileNames, parsed.options).diagnostics;
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
 * The repository's dist/ if `npm ci` (its `prepare` script) or `npm run build` built it from the
 * current sources, else undefined. Reusing it saves the worker a whole library compile in CI, where
 * `npm ci` has just built it; after an edit to the library the test builds afresh.
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
 * The package directory as the plugin host reads it — package.json (entry points, name, version),
 * tsconfig.json's compiler options, the program entry `index.ts` and the library — linked into `dir`.
 * Only the tsconfig `include` is narrowed to what `index.ts` reaches: the schema is inferred from the
 * entry point's imports, and the tests, tools and benchmarks the root tsconfig also includes would
 * only make the analyzer's TypeScript program several times larger.
 */
function linkPluginView(dir: string): void {
    for (const entry of ["package.json", "index.ts", "components", "node_modules"]) {
        fs.symlinkSync(path.join(REPO, entry), path.join(dir, entry));
    }
    const tsconfig = { extends: path.join(REPO, "tsconfig.json"), include: ["index.ts", "components/**/*.ts"] };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
}

async function inferSchema(): Promise<string> {
    const view = path.join(TMP, "plugin");
    fs.mkdirSync(view);
    linkPluginView(view);
    const { name } = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { name: string };
    // Like `@pulumi/pulumi/cmd/run-plugin`: the components are those the package exports, the
    // provider name is the package name, the directory is the package root.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const library = require(path.join(REPO, "components")) as Record<string, unknown>;
    return new ComponentProvider({ components: getPulumiComponents(library), dirname: view, name }).getSchema();
}

async function main(): Promise<void> {
    const post = (message: WorkerMessage) => parentPort!.postMessage(message);
    try {
        post({ kind: "package", result: await publishPackage() });
        post({ kind: "schema", result: await inferSchema() });
    } catch (err) {
        post({ kind: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
}

void main();
