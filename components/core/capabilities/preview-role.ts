// The read-only preview role (`previewRole`): `ecr-ci-<environment>-preview`, trusted only for this
// repository's `pull_request` subject, so pull-request code never holds write credentials. With
// `previewRole.stateBackend` it reads its stack's state (and only that) without the CI principal
// getting any state access.
import { isInt } from "../checks";
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, ecrCiArnPatterns, policyPaths } from "../naming";
import { list, sortedUnique } from "../policy";
import { AuthMode } from "../../contract/args";
import type { Capability } from "./capability";
import { STATE_BACKEND_FIELDS, StateBackendScope, stateBackendScope, stateBackendStatements, validateStateBackend } from "./state-backend";

/**
 * What `pulumi preview --refresh` reads of one environment's IAM principal, policy and provider.
 * No write action at all.
 */
export const IAM_READ_ACTIONS = [
    "iam:GetOpenIDConnectProvider",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetUser",
    "iam:ListAccessKeys",
    "iam:ListAttachedRolePolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListPolicyVersions",
    "iam:ListRolePolicies",
    "iam:ListUserPolicies",
] as const;

/**
 * Finding GitHub's provider by its URL (`oidcProvider: lookup`): the AWS provider's
 * `getOpenIdConnectProvider` lists the account's providers, then reads the match
 * (terraform-provider-aws internal/service/iam/openid_connect_provider_data_source.go,
 * findOpenIDConnectProviderByURL). `iam:ListOpenIDConnectProviders` has no resource-level
 * permissions: "*" only (IAM service authorization reference).
 */
export const FIND_OIDC_PROVIDER_STATEMENT = {
    Sid: "FindGitHubOidcProvider",
    Effect: "Allow",
    Action: "iam:ListOpenIDConnectProviders",
    Resource: "*",
} as const;

/** Resolved preview role scope. */
export interface PreviewRoleScope {
    readonly maxSessionDurationSeconds: number;
    /** `previewRole.stateBackend`: this stack's state, read-only. */
    readonly stateBackend?: StateBackendScope;
}

export const previewRole: Capability<"previewRole", PreviewRoleScope> = {
    key: "previewRole",
    shape: { flag: { maxSessionDurationSeconds: "integer", stateBackend: { object: STATE_BACKEND_FIELDS } } },
    validate(preview, args, problems) {
        if ((args.authMode ?? AuthMode.Oidc) !== AuthMode.Oidc) {
            problems.other("previewRole", `only applies to authMode "oidc" (it is trusted through GitHub's OIDC provider): remove it`);
        }
        if (args.github?.serverHost !== undefined) {
            // Its trust needs `ref` (refs/pull/*/merge) to keep pull_request_target runs out; STS checks no ref for GHES tokens.
            problems.other("previewRole", `cannot be offered on GitHub Enterprise Server (github.serverHost): STS checks no ref claim for its tokens, so a pull_request_target run could assume it; remove it`);
        }
        if (preview.maxSessionDurationSeconds !== undefined && !isInt(preview.maxSessionDurationSeconds, MIN_SESSION_SECONDS, MAX_SESSION_SECONDS)) {
            problems.invalid("previewRole.maxSessionDurationSeconds", preview.maxSessionDurationSeconds, `use a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
        }
        if (preview.stateBackend !== undefined && preview.stateBackend !== null) {
            if (typeof preview.stateBackend !== "object" || Array.isArray(preview.stateBackend)) {
                problems.invalid("previewRole.stateBackend", preview.stateBackend, "use an object with bucket, prefix, kmsKeyArn");
            } else if (args.stateBackend !== undefined && args.stateBackend !== null) {
                problems.other(
                    "previewRole.stateBackend",
                    "is set together with stateBackend, which already lets the preview role read this stack's state: keep stateBackend (the CI principal runs Pulumi itself) or previewRole.stateBackend (only the preview role reads state), not both",
                );
            } else {
                validateStateBackend(preview.stateBackend, problems, "previewRole.stateBackend");
            }
        }
    },
    resolve: (preview, target) => ({
        maxSessionDurationSeconds: preview.maxSessionDurationSeconds ?? MIN_SESSION_SECONDS,
        ...(preview.stateBackend ? { stateBackend: stateBackendScope(target.partition, preview.stateBackend, target.project, target.stack) } : {}),
    }),
    // Read-only: pull-request code may assume the preview role.
    previewStatements: (scope) => (scope.stateBackend ? stateBackendStatements(scope.stateBackend, "read") : []),
    boundaryStatements: (scope) => [
        FIND_OIDC_PROVIDER_STATEMENT,
        {
            // The preview roles read their environment's IAM principal, policy and provider.
            Sid: "ReadEcrCiIam",
            Effect: "Allow",
            Action: [...IAM_READ_ACTIONS],
            Resource: list(
                sortedUnique([
                    ...ecrCiArnPatterns(scope, "role", scope.rolePaths),
                    ...ecrCiArnPatterns(scope, "user", scope.userPaths),
                    ...ecrCiArnPatterns(scope, "policy", policyPaths(scope)),
                    scope.oidcProviderArn,
                ]),
            ),
        },
    ],
};
