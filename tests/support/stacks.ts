// The stacks the tests run are fixtures under tests/: tests/fixtures/examples holds the example
// stacks as the project ships them (the root Pulumi.<stack>.yaml files are the user's, who replaces
// them), tests/fixtures/stacks the realistic sample stacks. One loader for every test that turns a
// stack file into the config Pulumi hands the program.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { programConfig } from "../../tools/plan";

export const ROOT = path.resolve(__dirname, "..", "..");
export const EXAMPLE_STACKS_DIR = path.join(ROOT, "tests", "fixtures", "examples");

/** The example stack `stack` (dev or prod) as the project ships it. */
export function sampleStackFile(stack: string): string {
    return path.join(EXAMPLE_STACKS_DIR, `Pulumi.${stack}.yaml`);
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
