// Helpers shared by the component tests.

/** The Pulumi types of the AWS resources ecr-ci's components create. */
export const AWS_TYPES = {
    repository: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    repositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    provider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    roleAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    user: "aws:iam/user:User",
    userAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    accessKey: "aws:iam/accessKey:AccessKey",
} as const;

/**
 * The next unhandled rejection, which is how the runtime surfaces an input that fails to resolve.
 * Mocha's own handler is set aside meanwhile, so the expected failure does not fail the test.
 */
export function nextUnhandledRejection(timeoutMs = 5000): Promise<Error> {
    const saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const restore = () => {
        process.removeAllListeners("unhandledRejection");
        saved.forEach((l) => process.on("unhandledRejection", l));
    };
    return new Promise<Error>((resolve, reject) => {
        const timer = setTimeout(() => (restore(), reject(new Error("no failure reported"))), timeoutMs);
        process.once("unhandledRejection", (reason) => {
            clearTimeout(timer);
            restore();
            resolve(reason as Error);
        });
    });
}
