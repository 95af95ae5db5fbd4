// tools/ts-register.js, the loader of `npm run plan` and of these tests: the transpile cache shared by
// copies of the project, V8's code cache of CommonJS modules, and the requires @pulumi/pulumi makes
// only for closure serialization, loaded when first used. This process runs under it (.mocharc.json).
import assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { types } from "util";

interface Internals {
    cacheFile(filename: string, source: string): string;
    codeCacheFile(source: string): string;
    readonly codeCacheCounts: { hits: number; misses: number; rejected: number };
    saveCodeCache(): void;
    readonly codeCacheOn: boolean;
    lazyModule<T extends object>(load: () => T): T;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { internals } = require("../tools/ts-register") as { internals: Internals };

describe("ts-register: transpile cache", () => {
    it("one entry per base name and text, wherever the project is (plan --against runs a copy)", () => {
        const source = "export const x: number = 1;\n";
        assert.deepEqual(
            {
                copy: internals.cacheFile("/tmp/ecr-ci-against-x/tools/plan.ts", source) === internals.cacheFile("/work/project/tools/plan.ts", source),
                otherName: internals.cacheFile("/work/project/tools/other.ts", source) === internals.cacheFile("/work/project/tools/plan.ts", source),
                otherText: internals.cacheFile("/work/project/tools/plan.ts", `${source} `) === internals.cacheFile("/work/project/tools/plan.ts", source),
            },
            { copy: true, otherName: false, otherText: false },
        );
    });
});

describe("ts-register: V8 code cache", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-ts-register-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is on in this test process", () => {
        assert.equal(internals.codeCacheOn, !process.env.ECR_CI_NO_CODE_CACHE && !process.sourceMapsEnabled);
    });

    it("a module compiled from the cache sees what Node gives a module: require, module, __filename, __dirname, exports; a hashbang line is fine", function () {
        if (!internals.codeCacheOn) {
            this.skip();
        }
        // Texts of their own per run, so the first require is a miss (the probe and its sibling) and
        // the second a hit (the probe; the sibling stays in require.cache).
        const unique = `${process.pid}-${Date.now()}`;
        const file = path.join(dir, "probe.js");
        fs.writeFileSync(path.join(dir, "sibling.js"), `module.exports = 'sibling'; // ${unique}\n`);
        fs.writeFileSync(
            file,
            [
                "#!/usr/bin/env node",
                `exports.unique = ${JSON.stringify(unique)};`,
                "exports.seen = { filename: __filename, dirname: __dirname, sibling: require('./sibling'), resolved: require.resolve('./sibling'),",
                "  self: module.exports === exports && this === exports, cache: require.cache === require('module')._cache, id: module.id };",
                "exports.line = new Error().stack.split('\\n')[1].replace(/.*:(\\d+):\\d+\\)?$/, '$1');",
                "",
            ].join("\n"),
        );
        const expected = {
            unique,
            seen: { filename: file, dirname: dir, sibling: "sibling", resolved: path.join(dir, "sibling.js"), self: true, cache: true, id: file },
            line: "5",
        };
        const load = () => {
            delete require.cache[file];
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            return { ...(require(file) as object) };
        };
        const before = { ...internals.codeCacheCounts };
        assert.deepEqual(load(), expected);
        const afterMiss = { ...internals.codeCacheCounts };
        internals.saveCodeCache();
        assert.ok(fs.existsSync(internals.codeCacheFile(fs.readFileSync(file, "utf8").replace(/^#!/, "//"))), "the entry was written");
        assert.deepEqual(load(), expected);
        const afterHit = { ...internals.codeCacheCounts };
        assert.deepEqual(
            { first: afterMiss.misses - before.misses, second: afterHit.hits - afterMiss.hits, rejected: afterHit.rejected - before.rejected },
            { first: 2, second: 1, rejected: 0 },
        );
    });

    it("an entry is for one text only: another text of the same length is another entry", () => {
        assert.notEqual(internals.codeCacheFile("module.exports = 1;"), internals.codeCacheFile("module.exports = 2;"));
    });
});

describe("ts-register: requires made only for closure serialization load when first used", () => {
    it("@pulumi/pulumi's TypeScript shim is a stand-in that forwards to the real compiler", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const shim = require("@pulumi/pulumi/typescript-shim") as typeof import("typescript");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require("typescript") as typeof import("typescript");
        assert.deepEqual(
            { standIn: types.isProxy(shim) !== Boolean(process.env.ECR_CI_NO_LAZY_LOAD), version: shim.version, createSourceFile: shim.createSourceFile === ts.createSourceFile },
            { standIn: true, version: ts.version, createSourceFile: true },
        );
    });

    it("a stand-in loads once, on first use, and forwards reads, writes, keys and `in`", () => {
        let loads = 0;
        const real: Record<string, unknown> = { a: 1, f() { return "f"; } };
        const lazy = internals.lazyModule(() => (loads++, real)) as Record<string, unknown> & { f(): string };
        const beforeUse = loads;
        lazy.b = 2;
        assert.deepEqual(
            { beforeUse, a: lazy.a, f: lazy.f(), b: real.b, keys: Object.keys(lazy), has: "a" in lazy, esModule: lazy.__esModule, loads },
            { beforeUse: 0, a: 1, f: "f", b: 2, keys: ["a", "f", "b"], has: true, esModule: true, loads: 1 },
        );
    });
});
