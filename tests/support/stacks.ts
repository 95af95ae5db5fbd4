// The sample stacks the tests run: fixtures under tests/fixtures/stacks, never the user's
// Pulumi.<stack>.yaml at the root (those are examples a user replaces). One loader for every test
// that turns a stack file into the config Pulumi hands the program.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { programConfig } from "../../tools/plan";

export const ROOT = path.resolve(__dirname, "..", "..");
export const SAMPLE_STACKS_DIR = path.join(ROOT, "tests", "fixtures", "stacks");

/** The sample stacks' names: dev and prod. */
export const SAMPLE_STACKS = ["dev", "prod"] as const;

export function sampleStackFile(stack: string): string {
    return path.join(SAMPLE_STACKS_DIR, `Pulumi.${stack}.yaml`);
}

export function readYaml(file: string): { config?: unknown } {
    return YAML.parse(fs.readFileSync(file, "utf8")) as { config?: unknown };
}

/** The config of a stack file (a sample stack's by default), project defaults of `projectFile` included. */
export function stackConfig(
    file: string,
    namespace = "ecr-ci",
    projectFile = path.join(ROOT, "Pulumi.yaml"),
): Record<string, string> {
    return { ...programConfig(namespace, readYaml(projectFile).config, readYaml(file).config).values };
}
