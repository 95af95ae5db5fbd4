// Stack configuration of the bootstrap program (namespace `ecr-ci-bootstrap`) → `EcrCiDeployerArgs`.
// Pure, like components/config.ts, whose value parsing and messages it reuses: it takes the config
// as Pulumi hands it to a program (`pulumi.runtime.allConfig()`: top-level values are strings, lists
// and objects JSON text) and either returns args or throws one `EcrCiValidationError` listing every
// problem, each naming the key. Only bootstrap/index.ts reads the real config.
import { GITHUB_FIELDS, Shape, parseTopLevel, unknownField } from "../components/config";
import { EcrCiDeployerArgs, validateDeployerArgs } from "../components/deployer";
import { EcrCiValidationError, KeyOf, Problems } from "../components/errors";

/** The bootstrap's Pulumi project name, and so its config namespace. */
export const BOOTSTRAP_NAMESPACE = "ecr-ci-bootstrap";

/** Every key of the `ecr-ci-bootstrap:` namespace and its shape: one per `EcrCiDeployerArgs` field. */
export const BOOTSTRAP_SCHEMA: Readonly<Record<keyof EcrCiDeployerArgs, Shape>> = {
    github: { object: GITHUB_FIELDS },
    oidcProvider: "string",
    repositoryNames: "string[]",
    repositoryNamePrefix: "string",
    rolePaths: "string[]",
    userPaths: "string[]",
    pullFrom: "string[]",
    ecsServiceArns: "string[]",
    ecsPassRoleArns: "string[]",
    stateBackend: { object: { bucket: "string", prefix: "string", kmsKeyArn: "string" } },
    maxSessionDurationSeconds: "integer",
    protect: "boolean",
    tags: "record",
};

/** `ecr-ci-bootstrap:github.environments[0]` */
export const bootstrapKey: KeyOf = (field) => `${BOOTSTRAP_NAMESPACE}:${field}`;

/**
 * Parse and validate the `ecr-ci-bootstrap:` keys of a stack's config. Other namespaces
 * (`aws:region`, …) are ignored. Throws `EcrCiValidationError` with every problem.
 */
export function parseBootstrapConfig(config: Readonly<Record<string, string>>): EcrCiDeployerArgs {
    const problems = new Problems(bootstrapKey);
    const known = Object.keys(BOOTSTRAP_SCHEMA);
    const values: Record<string, unknown> = {};
    const prefix = `${BOOTSTRAP_NAMESPACE}:`;
    for (const [fullKey, raw] of Object.entries(config)) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length);
        if (!known.includes(key)) {
            unknownField(problems, key, key, known, bootstrapKey);
            continue;
        }
        const value = parseTopLevel(problems, key, raw, BOOTSTRAP_SCHEMA[key as keyof EcrCiDeployerArgs]);
        if (value !== undefined) {
            values[key] = value;
        }
    }
    const badKeys = problems.list.map((p) => p.split(/[ =]/, 1)[0]);
    const args = values as unknown as EcrCiDeployerArgs;
    // Semantic rules, minus repeats about a key whose type was already wrong.
    const semantic = validateDeployerArgs(args, bootstrapKey).filter(
        (message) => !badKeys.some((key) => message.startsWith(`${key} `) || message.startsWith(`${key}.`) || message.startsWith(`${key}[`)),
    );
    const all = [...problems.list, ...semantic];
    if (all.length > 0) {
        throw new EcrCiValidationError("Invalid ecr-ci-bootstrap stack configuration", all);
    }
    return args;
}
