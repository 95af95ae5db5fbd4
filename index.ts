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

// Stack outputs: the names are the contract the workflows and README use.
export const {
    repositoryUrls,
    repositoryArns,
    registryId,
    region,
    policyArn,
    roleArn,
    oidcProviderArn,
    previewRoleArn,
    userName,
    accessKeyId,
    secretAccessKey,
    encryptedSecretAccessKey,
    githubActionsSnippet,
} = environment;
