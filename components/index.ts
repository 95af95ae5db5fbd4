// The ecr-ci library. Importing it registers nothing.
export * from "./contract/args";
export { environmentArgs, deployerArgs, type EcrCiEnvironmentInput, type EcrCiDeployerInput, type WithEnumValues } from "./contract/literals";
export { EcrCiEnvironment, ECR_CI_ENVIRONMENT_TYPE } from "./resources/environment";
export { EcrCiDeployer, ECR_CI_DEPLOYER_TYPE } from "./resources/deployer";
export { principalName } from "./core/naming";
export { parseStackConfig, CONFIG_NAMESPACE, CONFIG_SCHEMA } from "./contract/parse";
export { EcrCiValidationError, formatProblems } from "./contract/problems";
export { validateEnvironmentArgs } from "./core/validate";
export { buildTrustPolicy, githubSubjects, githubIssuer } from "./core/github";
export { buildCiPolicy } from "./core/permissions";
export { lifecyclePolicy, repositorySettings } from "./core/repository";
export { githubActionsSnippet } from "./core/snippet";
export { buildBoundaryPolicy, buildDeployerPolicy, validateDeployerArgs } from "./core/deployer-plan";
