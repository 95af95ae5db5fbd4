// Validation of `EcrCiEnvironmentArgs`: a pure function that collects every problem, naming the
// field (as the caller wrote it: `ecr-ci:github.branches[0]` from stack config, `args.…` from code),
// echoing the value and saying what is allowed. Nothing is created until this passes.
import { KMS_KEY_ARN_RE, POLICY_ARN_RE, isEcrRepositoryName } from "./aws";
import { CAPABILITIES } from "./capabilities";
import { checkPullAccounts } from "./capabilities/cross-account-pull";
import { isInt, validateTags } from "./checks";
import { validateGitHub, validateOidcProvider } from "./github-rules";
import {
    StackContext,
    TRUST_POLICY_DEFAULT_MAX_CHARS,
    TRUST_POLICY_QUOTA_MAX_CHARS,
    checkDocumentSizes,
    checkEnvironmentCharactersAndTags,
    checkEnvironmentName,
    checkIamNames,
    checkRegion,
    checkTargetRules,
    knownTarget,
    sizingTarget,
} from "./limits";
import { MANAGED_TAG_KEYS, MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, OIDC_PROVIDER_CREATE, OIDC_PROVIDER_LOOKUP, principalName, previewRoleName } from "./naming";
import { KeyOf, Problems, argsKey } from "../contract/problems";
import { AuthMode, EcrCiEnvironmentArgs, ImageTagMutability } from "../contract/args";

// The GitHub rules live in github-rules.ts; re-exported for existing importers.
export {
    ENTERPRISE_SLUG_RE,
    GITHUB_OWNER_RE,
    GITHUB_REPOSITORY_RE,
    JOB_WORKFLOW_REF_RE,
    NUMERIC_ID_RE,
    OIDC_PROVIDER_ARN_RE,
    validateGitHub,
    validateOidcProvider,
} from "./github-rules";

export const ENVIRONMENT_RE = /^[a-z0-9-]{1,32}$/;
/** IAM paths, restricted to IAM's name characters: no `*`, `?` or `${…}` can reach a policy ARN. */
export const IAM_PATH_RE = /^\/(?:[\w+=,.@-]+\/)*$/;


const ECR_NAME_RULE =
    "use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. \"app-dev\" or \"team/app\")";

/** Every value of a const enum-like object. */
function oneOf<T extends string>(values: readonly T[]): string {
    return values.map((v) => JSON.stringify(v)).join(" or ");
}

/**
 * Problems with `args`; empty when valid. `keyOf` names fields the way the caller wrote them;
 * `problems` (if given) also holds them as data. `context` is what is known of where the stack
 * deploys (the stack program knows `aws:region`): rules that need the region, partition or account
 * run when it is given (core/limits.ts).
 */
export function validateEnvironmentArgs(
    args: EcrCiEnvironmentArgs,
    keyOf: KeyOf = argsKey,
    context: StackContext = {},
    problems = new Problems(keyOf),
): readonly string[] {
    // `aws:region` is another namespace's key: named as written, whatever `keyOf` does.
    const stackProblems = new Problems((field) => field);
    if (context.region !== undefined) {
        checkRegion(context.region, stackProblems);
    }
    if (typeof args.environment !== "string" || args.environment === "") {
        problems.missing("environment", `the environment name, 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`);
    } else if (!ENVIRONMENT_RE.test(args.environment)) {
        problems.invalid("environment", args.environment, `use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`);
    } else {
        checkEnvironmentName(args.environment, problems);
    }

    const repositories = args.repositories ?? [];
    if (!Array.isArray(repositories) || repositories.length === 0) {
        problems.missing("repositories", `a list of at least one repository, e.g. [{ name: "app-dev" }]`);
    } else {
        const seen = new Map<string, number>();
        repositories.forEach((repo, i) => {
            const at = `repositories[${i}]`;
            if (typeof repo?.name !== "string" || repo.name === "") {
                problems.missing(`${at}.name`, ECR_NAME_RULE);
            } else if (!isEcrRepositoryName(repo.name)) {
                problems.invalid(`${at}.name`, repo.name, ECR_NAME_RULE);
            } else if (seen.has(repo.name)) {
                problems.invalid(`${at}.name`, repo.name, `duplicates repositories[${seen.get(repo.name)}].name; list each repository once`);
            } else {
                seen.set(repo.name, i);
            }
            const mutabilities = Object.values(ImageTagMutability);
            if (repo.imageTagMutability !== undefined && !mutabilities.includes(repo.imageTagMutability)) {
                problems.invalid(`${at}.imageTagMutability`, repo.imageTagMutability, `use ${oneOf(mutabilities)}`);
            }
            for (const flag of ["scanOnPush", "forceDelete"] as const) {
                if (repo[flag] !== undefined && typeof repo[flag] !== "boolean") {
                    problems.invalid(`${at}.${flag}`, repo[flag], "use true or false");
                }
            }
            if (repo.kmsKeyArn !== undefined && !KMS_KEY_ARN_RE.test(repo.kmsKeyArn)) {
                problems.invalid(`${at}.kmsKeyArn`, repo.kmsKeyArn, "use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>");
            }
            if (repo.untaggedExpiryDays !== undefined && !isInt(repo.untaggedExpiryDays, 1, 3650)) {
                problems.invalid(`${at}.untaggedExpiryDays`, repo.untaggedExpiryDays, "use a whole number of days from 1 to 3650");
            }
            if (repo.keepImages !== undefined && !isInt(repo.keepImages, 1, 10000)) {
                problems.invalid(`${at}.keepImages`, repo.keepImages, "use a whole number of images from 1 to 10000");
            }
            checkPullAccounts(repo.pullAccounts, `${at}.pullAccounts`, problems);
        });
    }

    if (args.protect !== undefined && typeof args.protect !== "boolean") {
        problems.invalid("protect", args.protect, "use true or false");
    }

    const modes = Object.values(AuthMode);
    const mode = args.authMode ?? AuthMode.Oidc;
    if (!modes.includes(mode)) {
        problems.invalid("authMode", args.authMode, `use ${oneOf(modes)}`);
    } else if (mode === AuthMode.Oidc) {
        if (args.github === undefined || args.github === null) {
            problems.missing("github", `authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`);
        } else {
            validateGitHub(args.github, problems);
        }
        validateOidcProvider(args.oidcProvider, args.github, problems);
        if (args.maxSessionDurationSeconds !== undefined && !isInt(args.maxSessionDurationSeconds, MIN_SESSION_SECONDS, MAX_SESSION_SECONDS)) {
            problems.invalid("maxSessionDurationSeconds", args.maxSessionDurationSeconds, `use a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`);
        }
        if (args.trustPolicyMaxChars !== undefined && !isInt(args.trustPolicyMaxChars, TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_QUOTA_MAX_CHARS)) {
            problems.invalid(
                "trustPolicyMaxChars",
                args.trustPolicyMaxChars,
                `use the account's "Role trust policy length" quota (ACLSizePerRole, Service Quotas L-C07B4B0D): a whole number of characters from ${TRUST_POLICY_DEFAULT_MAX_CHARS} (IAM's default) to ${TRUST_POLICY_QUOTA_MAX_CHARS} (IAM's maximum)`,
            );
        }
        if (args.pgpKey !== undefined) {
            problems.other("pgpKey", `only applies to authMode "user" (an OIDC role has no access key): remove it`);
        }
    } else {
        const oidcOnly = ["github", "oidcProvider", "maxSessionDurationSeconds", "trustPolicyMaxChars"] as const;
        for (const field of oidcOnly) {
            if (args[field] !== undefined) {
                problems.other(field, `only applies to authMode "oidc": remove it, or set authMode to "oidc" (preferred: no long-lived key)`);
            }
        }
        if (args.pgpKey !== undefined && !/^keybase:[A-Za-z0-9_]+$/.test(args.pgpKey) && !/^[A-Za-z0-9+/=\s]{64,}$/.test(args.pgpKey)) {
            problems.invalid("pgpKey", args.pgpKey.slice(0, 40), `use "keybase:USERNAME" or a base64-encoded (unarmored) PGP public key`);
        }
    }

    if (args.iamPath !== undefined && (!IAM_PATH_RE.test(args.iamPath) || args.iamPath.length > 512)) {
        problems.invalid("iamPath", args.iamPath, `use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/")`);
    }
    checkPermissionsBoundary(args.permissionsBoundaryArn, problems);

    for (const capability of CAPABILITIES) {
        const value = args[capability.key];
        if (value !== undefined && value !== null) {
            capability.validate(value as never, args, problems);
        }
    }
    validateTags(args.tags, "tags", problems);
    for (const key of Object.keys(args.tags ?? {})) {
        const builtIn = MANAGED_TAG_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
        if (builtIn !== undefined) {
            problems.invalid(
                `tags.${key}`,
                key,
                `ecr-ci sets ${builtIn} on every resource itself (IAM compares tag keys case-insensitively, and a second ${builtIn} fails as a duplicate); remove it or use another key`,
            );
        }
    }
    checkEnvironmentCharactersAndTags(args, problems);
    if (typeof args.environment === "string" && ENVIRONMENT_RE.test(args.environment)) {
        const path = args.iamPath ?? "/";
        const principal = (args.authMode ?? AuthMode.Oidc) === AuthMode.User ? "user" : "role";
        checkIamNames(
            [
                { field: "environment", kind: principal, name: principalName(args.environment), path },
                { field: "environment", kind: "policy", name: principalName(args.environment), path },
                ...(args.previewRole ? [{ field: "environment", kind: "role" as const, name: previewRoleName(args.environment), path }] : []),
            ],
            problems,
        );
    }
    const target = knownTarget(context);
    if (target) {
        checkTargetRules(args, target, problems);
    }
    if (problems.list.length === 0 && stackProblems.list.length === 0) {
        // The documents the plan builds, sized as IAM counts them, once everything else is valid.
        checkDocumentSizes(args, sizingTarget(context), problems);
    }
    problems.prepend(stackProblems);
    return problems.list;
}

/** A permissions boundary: a managed policy ARN (an Output is checked once known). */
export function checkPermissionsBoundary(value: unknown, problems: Problems): void {
    if (value !== undefined && (typeof value !== "object" || value === null) && (typeof value !== "string" || !POLICY_ARN_RE.test(value))) {
        problems.invalid("permissionsBoundaryArn", value, "use a managed policy ARN, arn:<partition>:iam::<account-id>:policy/NAME");
    }
}
