// The ecr-ci bootstrap: run once per AWS account (and region), by an administrator, before the
// infrastructure workflow takes over. Creates the permissions boundary every ecr-ci environment
// must carry, the deployer role the workflow assumes, and (unless reused) GitHub's OIDC provider.
// The only place that reads the bootstrap's stack configuration (`Pulumi.<stack>.yaml` here).
import * as pulumi from "@pulumi/pulumi";
import { EcrCiDeployer } from "../components/resources/deployer";
import { EcrCiValidationError } from "../components/contract/problems";
import { parseBootstrapConfig } from "./config";

function readArgs() {
    try {
        return parseBootstrapConfig(pulumi.runtime.allConfig());
    } catch (err) {
        // Every problem at once, no stack trace.
        throw err instanceof EcrCiValidationError ? new pulumi.RunError(err.message) : err;
    }
}

const deployer = new EcrCiDeployer("bootstrap", readArgs());

/** Set as the repository variable AWS_DEPLOY_ROLE_ARN: the infrastructure workflow's role-to-assume. */
export const deployerRoleArn = deployer.roleArn;
/** Set as ecr-ci:permissionsBoundaryArn in every environment's stack config. */
export const permissionsBoundaryArn = deployer.permissionsBoundaryArn;
/** Set as ecr-ci:oidcProvider in every environment's stack config (one provider per account). */
export const oidcProviderArn = deployer.oidcProviderArn;
export const deployerPolicyArn = deployer.policyArn;
