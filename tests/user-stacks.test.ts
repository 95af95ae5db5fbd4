// The user's stack files at the root (Pulumi.<stack>.yaml) are theirs to replace: the suite asserts
// nothing about what they contain, only that each one the user keeps is a configuration the program
// accepts — so a valid edit keeps `npm test` green and an invalid one is reported with the program's
// own messages, before the infrastructure workflow runs a preview with it.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../components/contract/parse";
import { EcrCiValidationError } from "../components/contract/problems";
import { ROOT, stackConfig } from "./support/stacks";

const userStacks = fs
    .readdirSync(ROOT)
    .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
    .sort();

describe("the user's stack files at the root", () => {
    for (const file of userStacks) {
        it(`${file} is a configuration the program accepts`, () => {
            try {
                parseStackConfig(stackConfig(path.join(ROOT, file)));
            } catch (err) {
                assert.fail(err instanceof EcrCiValidationError ? `${file}: ${err.message}` : err instanceof Error ? err : String(err));
            }
        });
    }
});
