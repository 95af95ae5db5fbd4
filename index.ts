// The ecr-ci Pulumi program: one EcrCiEnvironment per stack, configured by `Pulumi.<stack>.yaml`.
// This is the only place that reads stack configuration.
import * as pulumi from "@pulumi/pulumi";
import { AuthMode, EcrCiEnvironment, EcrCiValidationError, parseStackConfig } from "./components";

function readArgs() {
    try {
        return parseStackConfig(pulumi.runtime.allConfig(), { project: pulumi.getProject(), stack: pulumi.getStack() });
    } catch (err) {
        // Every problem at once, no stack trace.
        throw err instanceof EcrCiValidationError ? new pulumi.RunError(err.message) : err;
    }
}

const args = readArgs();
const environment = new EcrCiEnvironment(args.environment, args);

/**
 * The stack outputs (the names are the contract the workflows and README use): those of every stack,
 * then those of its principal. An output that does not apply to this stack is left out rather than
 * exported as undefined, which Pulumi would warn about at every run.
 */
const outputs = {
    repositoryUrls: environment.repositoryUrls,
    repositoryArns: environment.repositoryArns,
    registryId: environment.registryId,
    region: environment.region,
    policyArn: environment.policyArn,
    githubActionsSnippet: environment.githubActionsSnippet,
    ...(args.authMode === AuthMode.User
        ? {
              userName: environment.userName,
              accessKeyId: environment.accessKeyId,
              ...(args.pgpKey
                  ? { encryptedSecretAccessKey: environment.encryptedSecretAccessKey }
                  : { secretAccessKey: environment.secretAccessKey }),
          }
        : {
              roleArn: environment.roleArn,
              oidcProviderArn: environment.oidcProviderArn,
              ...(args.previewRole ? { previewRoleArn: environment.previewRoleArn } : {}),
          }),
};

export = outputs;
