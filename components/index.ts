// The ecr-ci library. Importing it registers nothing.
export * from "./contract/args";
export { EcrCiEnvironment, ECR_CI_ENVIRONMENT_TYPE, principalName } from "./resources/environment";
export { parseStackConfig, CONFIG_NAMESPACE, CONFIG_SCHEMA } from "./contract/parse";
export { EcrCiValidationError, formatProblems } from "./contract/problems";
export { validateEnvironmentArgs } from "./core/validate";
export { buildTrustPolicy, githubSubjects, githubIssuer } from "./core/github";
export { buildCiPolicy } from "./core/permissions";
export { lifecyclePolicy, repositorySettings } from "./core/repository";
export { githubActionsSnippet } from "./core/snippet";
export { EcrCiDeployer, ECR_CI_DEPLOYER_TYPE, buildBoundaryPolicy, buildDeployerPolicy, validateDeployerArgs, type EcrCiDeployerArgs } from "./resources/deployer";
