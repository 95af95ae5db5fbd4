// `npm test`: type-check once (`tsc --noEmit`) while mocha runs the suite transpile-only, then
// report both. Running them side by side takes ~12 s instead of ~15 s on a 2-core machine.
// Exits non-zero if either fails; the last line is a plain `N passed, N failed` summary (the type
// check counts as one check).
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/** Run `node <script> ...args`; resolves with the exit code and everything it printed. */
function run(script, args, { echo }) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [require.resolve(script, { paths: [ROOT] }), ...args], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        for (const stream of [child.stdout, child.stderr]) {
            stream.on("data", (chunk) => {
                output += chunk;
                if (echo) {
                    (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
                }
            });
        }
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
    });
}

/** Every test file, unless the arguments name files or globs of their own (`npm test -- tests/x.test.ts`). */
const DEFAULT_SPEC = "tests/**/*.test.ts";

/**
 * mocha's arguments: the given ones, plus the default spec when none of them is a file. (The spec
 * is not in .mocharc.json, where mocha would add it to files named on the command line.)
 */
function mochaArgs(args) {
    const valued = new Set(["--grep", "-g", "--fgrep", "-f", "--timeout", "-t", "--reporter", "-R", "--reporter-option", "-O", "--require", "-r", "--ignore", "--exclude", "--slow", "-s", "--config", "--package", "--ui", "-u", "--jobs", "-j", "--extension", "--file", "--retries"]);
    let files = 0;
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--spec") {
            files++;
            i++;
        } else if (valued.has(args[i])) {
            i++;
        } else if (!args[i].startsWith("-")) {
            files++;
        }
    }
    return files > 0 ? args : [...args, DEFAULT_SPEC];
}

async function main() {
    const typecheck = run("typescript/bin/tsc", ["--noEmit"], { echo: false });
    const tests = await run("mocha/bin/mocha.js", mochaArgs(process.argv.slice(2)), { echo: true });
    const tsc = await typecheck;
    if (tsc.code !== 0) {
        process.stdout.write(`\ntsc --noEmit failed:\n${tsc.output}`);
    }
    // The type check counts as one more check; a mocha crash without a summary counts as a failure.
    const count = (word) => Number((new RegExp(`(\\d+) ${word}`).exec(tests.output) ?? [0, 0])[1]);
    const passed = count("passing") + (tsc.code === 0 ? 1 : 0);
    const failed = count("failing") + (tests.code !== 0 && count("failing") === 0 ? 1 : 0) + (tsc.code === 0 ? 0 : 1);
    console.log(`\nchecks: ${passed} passed, ${failed} failed`);
    process.exitCode = tests.code !== 0 || tsc.code !== 0 ? 1 : 0;
}

void main();
