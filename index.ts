// The ecr-ci Pulumi program: one EcrCiEnvironment per stack, configured by `Pulumi.<stack>.yaml`.
// This is the only place that reads stack configuration.
import * as pulumi from "@pulumi/pulumi";
import { EcrCiEnvironment, EcrCiValidationError, parseStackConfig } from "./components";

function readArgs() {
    try {
        return parseStackConfig(pulumi.runtime.allConfig());
    } catch (err) {
        // Every problem at once, no stack trace.
        throw err instanceof EcrCiValidationError ? new pulumi.RunError(err.message) : err;
    }
}

const args = readArgs();
const environment = new EcrCiEnvironment(args.environment, args);

export const repositoryUrls = environment.repositoryUrls;
export const repositoryArns = environment.repositoryArns;
export const registryId = environment.registryId;
export const region = environment.region;
export const policyArn = environment.policyArn;
export const roleArn = environment.roleArn;
export const oidcProviderArn = environment.oidcProviderArn;
export const previewRoleArn = environment.previewRoleArn;
export const userName = environment.userName;
export const accessKeyId = environment.accessKeyId;
export const secretAccessKey = environment.secretAccessKey;
export const encryptedSecretAccessKey = environment.encryptedSecretAccessKey;
export const githubActionsSnippet = environment.githubActionsSnippet;
