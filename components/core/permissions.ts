// The environment's identity policies, assembled from the base grants and each configured
// capability's statements (capabilities/). Pure: plain strings in, policy documents out.
import { CAPABILITIES, CapabilityScopes } from "./capabilities";
import { FIND_OIDC_PROVIDER_STATEMENT, IAM_READ_ACTIONS } from "./capabilities/preview-role";
import { ECR_LOGIN_ACTIONS, ECR_PUSH_ACTIONS, ECR_READ_ACTIONS } from "./ecr-actions";
import { PolicyDocument, PolicyStatement, list, policyDocument, sortedUnique } from "./policy";

/** The statements of every capability in `scopes`, in registry order, from `pick`. */
function capabilityStatements(
    scopes: CapabilityScopes,
    pick: "ciStatements" | "previewStatements",
): PolicyStatement[] {
    return CAPABILITIES.flatMap((capability) => {
        const scope = scopes[capability.key];
        const build = (capability as { [k in typeof pick]?: (scope: unknown) => PolicyStatement[] })[pick];
        return scope === undefined || build === undefined ? [] : build(scope);
    });
}

export interface CiPolicyInput extends CapabilityScopes {
    /** The environment's repositories: push and pull. */
    readonly repositoryArns: readonly string[];
}

/** The environment's permission policy: one named statement per grant, only the capabilities configured. */
export function buildCiPolicy(input: CiPolicyInput): PolicyDocument {
    return policyDocument([
        { Sid: "EcrLogin", Effect: "Allow", Action: [...ECR_LOGIN_ACTIONS], Resource: "*" },
        { Sid: "PushPull", Effect: "Allow", Action: ECR_PUSH_ACTIONS, Resource: list(sortedUnique(input.repositoryArns)) },
        ...capabilityStatements(input, "ciStatements"),
    ]);
}

export interface PreviewPolicyInput extends CapabilityScopes {
    readonly repositoryArns: readonly string[];
    /** ARNs of the environment's role/user, policy, preview role and OIDC provider. */
    readonly iamArns: readonly string[];
    /** The environment finds the OIDC provider by its URL (`oidcProvider: lookup`), which lists the account's providers. */
    readonly findsOidcProvider?: boolean;
}

/**
 * Read-only access for `pulumi preview --refresh` of one environment, for the preview role that
 * pull-request code may assume: describe the environment's repositories and read its IAM
 * principal, policy and provider, plus what capabilities add (reading the stack's state). No write.
 */
export function buildPreviewPolicy(input: PreviewPolicyInput): PolicyDocument {
    return policyDocument([
        { Sid: "ReadRepositories", Effect: "Allow", Action: [...ECR_READ_ACTIONS], Resource: list(sortedUnique(input.repositoryArns)) },
        { Sid: "ReadIam", Effect: "Allow", Action: [...IAM_READ_ACTIONS], Resource: list(sortedUnique(input.iamArns)) },
        ...(input.findsOidcProvider ? [FIND_OIDC_PROVIDER_STATEMENT] : []),
        ...capabilityStatements(input, "previewStatements"),
    ]);
}
