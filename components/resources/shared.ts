// The three resources both components register the same way: GitHub's OIDC provider, a role
// trusted through it, and a managed policy refused when over IAM's size limit.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { policyChars } from "../core/limits";
import { MANAGED_POLICY_MAX_CHARS } from "../core/naming";
import type { PolicyLayout } from "../core/environment-plan";

type Tags = Readonly<Record<string, string>>;

/** GitHub's OIDC provider for `url`, trusting the STS `audience`. */
export function githubOidcProvider(
    parent: pulumi.Resource,
    childName: string,
    url: string,
    audience: pulumi.Input<string>,
    tags: Tags,
    protect: boolean,
): iam.OpenIdConnectProvider {
    return new iam.OpenIdConnectProvider(childName, { url, clientIdLists: [audience], tags }, { parent, protect });
}

export interface TrustedRoleSpec {
    readonly childName: string;
    readonly name: string;
    readonly path: string;
    readonly description: string;
    readonly trustPolicy: pulumi.Input<string>;
    readonly maxSessionDuration: number;
    readonly permissionsBoundary?: pulumi.Input<string>;
}

/** A role trusted by `trustPolicy`, with `policyArn` attached (the attachment shares the role's child name). */
export function trustedRole(parent: pulumi.Resource, spec: TrustedRoleSpec, policyArn: pulumi.Input<string>, tags: Tags): iam.Role {
    const role = new iam.Role(
        spec.childName,
        {
            name: spec.name,
            path: spec.path,
            description: spec.description,
            assumeRolePolicy: spec.trustPolicy,
            maxSessionDuration: spec.maxSessionDuration,
            permissionsBoundary: spec.permissionsBoundary,
            tags,
        },
        { parent },
    );
    new iam.RolePolicyAttachment(spec.childName, { role: role.name, policyArn }, { parent });
    return role;
}

/**
 * A managed policy. The document is refused, with the component named, when it is over IAM's limit
 * (the pure validation refuses what it can foresee; this is the last line, for documents that
 * depend on Outputs such as an `ecsDeploy.clusterArn` from another resource).
 */
export function managedPolicy(
    parent: pulumi.Resource,
    layout: PolicyLayout,
    document: pulumi.Output<string>,
    tags: Tags,
    opts: { protect?: boolean; what: string; remedy: string },
): iam.Policy {
    const policy = document.apply((text) => {
        const size = policyChars(text);
        if (size > MANAGED_POLICY_MAX_CHARS) {
            throw new pulumi.ResourceError(
                `the ${opts.what} policy is ${size} characters (whitespace excluded), over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy: ${opts.remedy}`,
                parent,
            );
        }
        return text;
    });
    return new iam.Policy(
        layout.childName,
        { name: layout.name, path: layout.path, description: layout.description, policy, tags },
        { parent, protect: opts.protect },
    );
}
