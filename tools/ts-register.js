// Load this project's TypeScript in plain Node (`node -r ./tools/ts-register.js tools/plan.ts`):
// like `ts-node/register/transpile-only` (TypeScript's transpileModule with tsconfig.json's compiler
// options, no type check: `npm test` runs tsc), but each file's JavaScript is cached under
// node_modules/.cache/, keyed by the file's text and base name (transpileModule's output depends on
// nothing else of the path, so a copy of the project elsewhere — `plan --against <revision>` runs
// one in a temporary directory — reuses the same entries), the TypeScript version and tsconfig.json.
// A warm run never loads the compiler.
//
// It also keeps V8's code cache of every CommonJS module the process compiles (our transpiled
// TypeScript and node_modules' JavaScript alike), as Node 22's `module.enableCompileCache()` does
// and Node 20 cannot: most of a plan's start-up is compiling @pulumi/pulumi, which loads ~770
// modules before the program runs. A module is compiled with its cached code when V8 accepts it; a
// module compiled without it has its code (every function compiled by then) written a second later
// and at process exit. Keyed by the module's text and Node's version (V8 itself rejects data made
// under other V8 flags); `ECR_CI_NO_CODE_CACHE=1` turns it off, and so does `--enable-source-maps`
// (Node registers source maps only in its own compile). Measured on a 2-core machine:
// `require("@pulumi/pulumi")` with @pulumi/aws's ecr and iam modules takes ~0.75 s of CPU instead
// of ~1.15 s (and ~0.4 s with the lazy requires below).
// Plain JavaScript on purpose: it must run before anything can be transpiled.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const PROJECT_DIR = path.resolve(__dirname, "..");
const TSCONFIG = path.join(PROJECT_DIR, "tsconfig.json");
const CACHE_DIR = path.join(PROJECT_DIR, "node_modules", ".cache", "ecr-ci-ts");
const CODE_CACHE_DIR = path.join(CACHE_DIR, "v8");
/** Bump when the way this file transpiles changes, to invalidate every cached entry. */
const FORMAT = "2";

const tsconfigText = fs.readFileSync(TSCONFIG, "utf8");
const tsVersion = require("typescript/package.json").version;

let compilerOptions; // loaded with the compiler, on the first cache miss

function options() {
    if (compilerOptions === undefined) {
        const ts = require("typescript");
        const read = ts.parseConfigFileTextToJson(TSCONFIG, tsconfigText);
        const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, PROJECT_DIR);
        compilerOptions = {
            ...parsed.options,
            module: ts.ModuleKind.CommonJS,
            declaration: false,
            sourceMap: false,
            inlineSourceMap: true,
            inlineSources: true,
            noEmit: false,
        };
    }
    return compilerOptions;
}

function cacheFile(filename, source) {
    const key = crypto.createHash("sha256").update([FORMAT, tsVersion, tsconfigText, path.basename(filename), source].join("\0")).digest("hex");
    return path.join(CACHE_DIR, `${key}.js`);
}

function transpile(filename, source) {
    const ts = require("typescript");
    const result = ts.transpileModule(source, { fileName: filename, compilerOptions: options(), reportDiagnostics: true });
    const errors = (result.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        throw new SyntaxError(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => PROJECT_DIR, getNewLine: () => "\n" }));
    }
    return result.outputText;
}

/** Write atomically (concurrent processes may write the same entry); a read-only cache is no error. */
function store(file, code) {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, file);
    } catch {
        // No cache: the next run transpiles (or compiles) again.
    }
}

/** The JavaScript of one .ts file, from the cache or transpiled (and cached). */
function javaScriptOf(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const file = cacheFile(filename, source);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        const code = transpile(filename, source);
        store(file, code);
        return code;
    }
}

function compileTypeScript(module, filename) {
    module._compile(javaScriptOf(filename), filename);
}

/**
 * Fill the cache for `filenames` (absolute .ts paths), e.g. from a test process that has the
 * compiler warm already, before starting several processes that would each transpile them cold.
 */
function warm(filenames) {
    filenames.forEach(javaScriptOf);
}

// ---------------------------------------------------------------------------------------------
// V8's code cache for CommonJS modules

/** What a cached entry is valid for besides the module's text (V8 itself rejects data made under other V8 flags). */
const CODE_CACHE_SALT = [FORMAT, process.version, process.arch].join("\0");

/** Modules compiled by this process: with accepted cached data, without any, with rejected data. */
const codeCacheCounts = { hits: 0, misses: 0, rejected: 0 };

/** Scripts compiled without usable cached data, to be written: [script, cache file, whether V8 rejected the entry]. */
const unsaved = [];

function codeCacheFile(source) {
    const key = crypto.createHash("sha1").update(CODE_CACHE_SALT).update("\0").update(source).digest("hex");
    return path.join(CODE_CACHE_DIR, key.slice(0, 2), key.slice(2));
}

function readCodeCache(file) {
    try {
        return fs.readFileSync(file);
    } catch {
        return undefined;
    }
}

/** `require` for `module`, as Node builds it for a module's wrapper. */
function requireFor(module) {
    const require = (id) => module.require(id);
    require.resolve = (request, opts) => Module._resolveFilename(request, module, false, opts);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
}

const nodeCompile = Module.prototype._compile;

/**
 * Module.prototype._compile with V8's code cache: the module's wrapper compiled as a vm.Script with
 * the cached data. Anything this cannot compile (say, ES module syntax Node itself would report or
 * handle) goes to Node's own compile.
 */
function compileWithCodeCache(content, filename) {
    // A hashbang line is legal only at the very start of a script, which the wrapper is not.
    const source = content.startsWith("#!") ? `//${content.slice(2)}` : content;
    const file = codeCacheFile(source);
    const cachedData = readCodeCache(file);
    let script;
    try {
        script = new vm.Script(Module.wrap(source), {
            filename,
            cachedData,
            importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
        });
    } catch {
        return nodeCompile.call(this, content, filename);
    }
    codeCacheCounts[cachedData === undefined ? "misses" : script.cachedDataRejected ? "rejected" : "hits"]++;
    if (cachedData === undefined || script.cachedDataRejected) {
        unsaved.push([script, file, cachedData !== undefined]);
        scheduleSave();
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
}

/**
 * Write the code of the scripts compiled without usable cached data. An entry another process has
 * written meanwhile is left as it is (unless it was one V8 rejected here).
 */
function saveCodeCache() {
    for (const [script, file, rejected] of unsaved.splice(0)) {
        try {
            if (rejected || !fs.existsSync(file)) {
                store(file, script.createCachedData());
            }
        } catch {
            // No cache for this one: it is compiled again next time.
        }
    }
}

/**
 * Also save a second after the first miss, not only at exit: processes started meanwhile (the
 * tests start several plans while the test process runs) then find the modules it loaded cached.
 */
let saveTimer;
function scheduleSave() {
    if (saveTimer === undefined) {
        saveTimer = setTimeout(() => {
            saveTimer = undefined;
            saveCodeCache();
        }, 1000);
        saveTimer.unref();
    }
}

const codeCacheOn =
    !process.env.ECR_CI_NO_CODE_CACHE && !process.sourceMapsEnabled && vm.constants !== undefined && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER !== undefined;
if (codeCacheOn && Module.prototype._compile === nodeCompile && !Module.prototype._compile.ecrCiCodeCache) {
    Module.prototype._compile = compileWithCodeCache;
    compileWithCodeCache.ecrCiCodeCache = true;
    process.once("exit", saveCodeCache);
}

// ---------------------------------------------------------------------------------------------
// Modules @pulumi/pulumi loads eagerly and uses only to serialize a function's closure
// (pulumi.runtime.serializeFunction, e.g. for a CallbackFunction), which neither the offline plan
// nor the tests do: @npmcli/arborist (with pacote, sigstore, … ~300 modules, for the closure's
// package paths) and the TypeScript compiler (9 MB, to parse the function's text). Each is handed
// to that one requiring file as a stand-in that loads the real module on first use and forwards
// everything to it, so a program that does serialize a closure (or the schema analyzer, which asks
// the shim for TypeScript) gets the real thing, only later. That is ~0.35 s of CPU of every process
// that loads @pulumi/pulumi. `ECR_CI_NO_LAZY_LOAD=1` turns it off.

/** [file that requires it (path ending), request]: the only requires made lazy. */
const LAZY_REQUIRES = [
    [`${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}closure${path.sep}codePaths.js`, "@npmcli/arborist"],
    [`${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js`, "typescript"],
];

/** A stand-in for a module: the real one is loaded on first use; every operation goes to it. */
function lazyModule(load) {
    let real;
    const target = () => (real ??= load());
    return new Proxy(Object.create(null), {
        // TypeScript's __importStar hands an ES module's namespace over as it is, instead of copying
        // its keys (which would load it at once).
        get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
        set: (_, key, value) => Reflect.set(target(), key, value),
        has: (_, key) => Reflect.has(target(), key),
        ownKeys: () => Reflect.ownKeys(target()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
            return descriptor && { ...descriptor, configurable: true };
        },
        defineProperty: (_, key, descriptor) => Reflect.defineProperty(target(), key, descriptor),
        deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
    });
}

const nodeLoad = Module._load;

function loadLazily(request, parent, isMain) {
    const file = parent && parent.filename;
    if (typeof file === "string" && LAZY_REQUIRES.some(([from, lazy]) => request === lazy && file.endsWith(from))) {
        return lazyModule(() => nodeLoad.call(Module, request, parent, isMain));
    }
    return nodeLoad.call(this, request, parent, isMain);
}

if (!process.env.ECR_CI_NO_LAZY_LOAD && !Module._load.ecrCiLazy) {
    Module._load = loadLazily;
    loadLazily.ecrCiLazy = true;
}

// Inline source maps are emitted but not enabled here (that costs 0.2 s of parsing pulumi's maps):
// run with `node --enable-source-maps` for stack traces that point at .ts lines.
// A TypeScript loader already in place (ts-node under mocha) is left alone: then only `warm` is used.
if (!require.extensions[".ts"]) {
    require.extensions[".ts"] = compileTypeScript;
}

module.exports = {
    warm,
    /** For tests/ts-register.test.ts. */
    internals: { cacheFile, codeCacheFile, codeCacheCounts, saveCodeCache, codeCacheOn: Module.prototype._compile === compileWithCodeCache, lazyModule },
};
