// The ecr-ci library. Importing it registers nothing.
export * from "./types";
export { EcrCiEnvironment, ECR_CI_ENVIRONMENT_TYPE, principalName } from "./environment";
export { parseStackConfig, CONFIG_NAMESPACE, CONFIG_SCHEMA } from "./config";
export { EcrCiValidationError, formatProblems } from "./errors";
export { validateEnvironmentArgs } from "./validate";
export { buildTrustPolicy, githubSubjects, githubIssuer } from "./github";
export { buildCiPolicy } from "./permissions";
export { lifecyclePolicy, repositorySettings } from "./repository";
export { githubActionsSnippet } from "./snippet";
export { EcrCiDeployer, ECR_CI_DEPLOYER_TYPE, buildBoundaryPolicy, buildDeployerPolicy, validateDeployerArgs, type EcrCiDeployerArgs } from "./deployer";
