// `npm test`: mocha over every test file (or over the files given: `npm test -- tests/x.test.ts`),
// with a plain `N passed, N failed` summary as the last line. The type check is one of the tests
// (tests/package.test.ts): it runs in the publish worker (tests/support/publish-worker.ts), whose one
// TypeScript instance also builds, packs and compiles the package and infers the schema, sharing the
// parsed declaration files, while the other tests run on the main thread. Exits non-zero on failure.
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
    const tests = await run("mocha/bin/mocha.js", mochaArgs(process.argv.slice(2)), { echo: true });
    // A mocha crash without a summary counts as a failure.
    const count = (word) => Number((new RegExp(`(\\d+) ${word}`).exec(tests.output) ?? [0, 0])[1]);
    const failed = count("failing") + (tests.code !== 0 && count("failing") === 0 ? 1 : 0);
    console.log(`\nchecks: ${count("passing")} passed, ${failed} failed`);
    process.exitCode = tests.code !== 0 ? 1 : 0;
}

void main();
