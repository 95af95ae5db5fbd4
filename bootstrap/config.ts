// Stack configuration of the bootstrap program (namespace `ecr-ci-bootstrap`) → `EcrCiDeployerArgs`.
// Pure, like components/config.ts, whose value parsing and messages it reuses: it takes the config
// as Pulumi hands it to a program (`pulumi.runtime.allConfig()`: top-level values are strings, lists
// and objects JSON text) and either returns args or throws one `EcrCiValidationError` listing every
// problem, each naming the key. Only bootstrap/index.ts reads the real config.
import { GITHUB_FIELDS, Shape, parseNamespace } from "../components/contract/parse";
import type { SchemaOf } from "../components/contract/shape";
import type { EcrCiDeployerArgs } from "../components/contract/args";
import { stateBackend } from "../components/core/capabilities/state-backend";
import { validateDeployerArgs } from "../components/core/deployer-plan";

/** The bootstrap's Pulumi project name, and so its config namespace. */
export const BOOTSTRAP_NAMESPACE = "ecr-ci-bootstrap";

/**
 * Every key of the `ecr-ci-bootstrap:` namespace and its shape: one per `EcrCiDeployerArgs` field,
 * checked by the compiler. The order is the order of the `known:` list in messages.
 */
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
    stateBackend: stateBackend.shape,
    maxSessionDurationSeconds: "integer",
    protect: "boolean",
    tags: "record",
} satisfies SchemaOf<EcrCiDeployerArgs>;

/**
 * Parse and validate the `ecr-ci-bootstrap:` keys of a stack's config. Other namespaces
 * (`aws:region`, …) are ignored. Throws `EcrCiValidationError` with every problem.
 */
export function parseBootstrapConfig(config: Readonly<Record<string, string>>): EcrCiDeployerArgs {
    return parseNamespace(config, {
        namespace: BOOTSTRAP_NAMESPACE,
        schema: BOOTSTRAP_SCHEMA,
        validate: validateDeployerArgs,
        subject: "Invalid ecr-ci-bootstrap stack configuration",
    });
}
