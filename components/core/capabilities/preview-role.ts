// The read-only preview role (`previewRole`): `ecr-ci-<environment>-preview`, trusted only for this
// repository's `pull_request` subject, so pull-request code never holds write credentials.
import { isInt } from "../checks";
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, ecrCiArnPatterns, policyPaths } from "../naming";
import { list, sortedUnique } from "../policy";
import { AuthMode } from "../../contract/args";
import type { Capability } from "./capability";

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

export const previewRole: Capability<"previewRole", { maxSessionDurationSeconds: number }> = {
    key: "previewRole",
    shape: { flag: { maxSessionDurationSeconds: "integer" } },
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
    },
    resolve: (preview) => ({ maxSessionDurationSeconds: preview.maxSessionDurationSeconds ?? MIN_SESSION_SECONDS }),
    boundaryStatements: (scope) => [
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
