// The house's rule, as a test: the pure core (components/contract, components/core) imports nothing
// from the Pulumi runtime (type-only imports are erased by the compiler) and nothing from the
// resource layer, so the plan it computes is plain data, testable without mocks.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const PURE = ["components/contract", "components/core"];

/** Every TypeScript file under `dir`, relative to the repository. */
function sources(dir: string): string[] {
    return fs
        .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .map((f) => path.join(dir, f).split(path.sep).join("/"))
        .sort();
}

/** The module specifiers a file loads at run time: `import … from`, `export … from`, `require()`, `import()`; not `import type`. */
export function runtimeImports(text: string): string[] {
    const specifiers: string[] = [];
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+["']([^"']+)["']/gm)) {
        if (m[2] === undefined) {
            specifiers.push(m[3]);
        }
    }
    for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) {
        specifiers.push(m[1]);
    }
    for (const m of text.matchAll(/\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g)) {
        specifiers.push(m[1]);
    }
    return specifiers;
}

describe("layering: the pure core", () => {
    it("the scanner sees runtime imports and ignores type-only ones", () => {
        const text = [
            `import * as pulumi from "@pulumi/pulumi";`,
            `import type { Input } from "@pulumi/pulumi";`,
            `export type { Shape } from "./shape";`,
            `export { parse } from "./parse";`,
            `import "./side-effect";`,
            `const iam = require("@pulumi/aws/iam");`,
        ].join("\n");
        assert.deepEqual(runtimeImports(text), ["@pulumi/pulumi", "./parse", "./side-effect", "@pulumi/aws/iam"]);
    });

    for (const file of PURE.flatMap(sources)) {
        it(`${file} loads no @pulumi module and nothing of components/resources`, () => {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            const offending = runtimeImports(text).filter(
                (spec) => spec.startsWith("@pulumi/") || path.resolve(path.dirname(path.join(ROOT, file)), spec).startsWith(path.join(ROOT, "components", "resources")),
            );
            assert.deepEqual(offending, []);
        });
    }
});
