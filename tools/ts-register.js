// Load this project's TypeScript in plain Node (`node -r ./tools/ts-register.js tools/plan.ts`):
// like `ts-node/register/transpile-only` (TypeScript's transpileModule with tsconfig.json's compiler
// options, no type check: `npm test` runs tsc), but each file's JavaScript is cached under
// node_modules/.cache/, keyed by the file's text, the TypeScript version and tsconfig.json. A warm
// run never loads the compiler: measured on a 2-core machine, the offline plan takes about 0.7 s of
// CPU instead of 1.6 s with ts-node, half of which was warming up the compiler.
// Plain JavaScript on purpose: it must run before anything can be transpiled.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const PROJECT_DIR = path.resolve(__dirname, "..");
const TSCONFIG = path.join(PROJECT_DIR, "tsconfig.json");
const CACHE_DIR = path.join(PROJECT_DIR, "node_modules", ".cache", "ecr-ci-ts");
/** Bump when the way this file transpiles changes, to invalidate every cached entry. */
const FORMAT = "1";

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
    const key = crypto.createHash("sha256").update([FORMAT, tsVersion, tsconfigText, filename, source].join("\0")).digest("hex");
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
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, file);
    } catch {
        // No cache: the next run transpiles again.
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

// Inline source maps are emitted but not enabled here (that costs 0.2 s of parsing pulumi's maps):
// run with `node --enable-source-maps` for stack traces that point at .ts lines.
// A TypeScript loader already in place (ts-node under mocha) is left alone: then only `warm` is used.
if (!require.extensions[".ts"]) {
    require.extensions[".ts"] = compileTypeScript;
}

module.exports = { warm };
