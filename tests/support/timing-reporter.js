// A mocha reporter for finding what makes `npm test` slow: mocha's dot reporter, then the test
// files by wall time (from a file's first hook or test starting to its last one ending, hooks
// included: a `before` that waits for a child process counts), then the slowest tests and hooks.
//   npm test -- --reporter ./tests/support/timing-reporter.js
//   ECR_CI_TIMING_TOP=20 (how many rows of each table; default 10)
// Plain JavaScript: mocha loads reporters before any TypeScript loader.
"use strict";
const path = require("path");
const Mocha = require("mocha");

const { EVENT_HOOK_BEGIN, EVENT_HOOK_END, EVENT_TEST_BEGIN, EVENT_TEST_END, EVENT_RUN_END } = Mocha.Runner.constants;
const ROOT = path.resolve(__dirname, "..", "..");

class TimingReporter extends Mocha.reporters.Dot {
    constructor(runner, options) {
        super(runner, options);
        const top = Number(process.env.ECR_CI_TIMING_TOP) || 10;
        /** file → [first start, last end] */
        const files = new Map();
        const runnables = [];
        const started = new Map();
        const fileOf = (r) => path.relative(ROOT, r.file || (r.parent && r.parent.file) || "(no file)");
        const begin = (r) => {
            const now = performance.now();
            started.set(r, now);
            const file = fileOf(r);
            const span = files.get(file);
            files.set(file, span ? [Math.min(span[0], now), span[1]] : [now, now]);
        };
        const end = (r) => {
            const now = performance.now();
            const file = fileOf(r);
            const span = files.get(file) || [now, now];
            files.set(file, [span[0], Math.max(span[1], now)]);
            runnables.push({ title: `${file}: ${r.fullTitle()}`, ms: now - (started.get(r) ?? now) });
        };
        runner.on(EVENT_HOOK_BEGIN, begin).on(EVENT_TEST_BEGIN, begin).on(EVENT_HOOK_END, end).on(EVENT_TEST_END, end);
        runner.once(EVENT_RUN_END, () => {
            const ms = (n) => `${Math.round(n).toString().padStart(6)} ms`;
            const lines = ["", "Test files by wall time (hooks included):"];
            for (const [file, [from, to]] of [...files].sort((a, b) => b[1][1] - b[1][0] - (a[1][1] - a[1][0])).slice(0, top)) {
                lines.push(`${ms(to - from)}  ${file}`);
            }
            lines.push("Slowest tests and hooks:");
            for (const r of runnables.sort((a, b) => b.ms - a.ms).slice(0, top)) {
                lines.push(`${ms(r.ms)}  ${r.title.length > 140 ? `${r.title.slice(0, 139)}…` : r.title}`);
            }
            process.stdout.write(`${lines.join("\n")}\n`);
        });
    }
}

module.exports = TimingReporter;
