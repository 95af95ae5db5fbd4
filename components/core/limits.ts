// AWS limits and rules that mocks never enforce and AWS only enforces at apply time, checked in the
// pure validation, before anything is created. Each refusal names the number, the limit and what to
// do. Sources (README "Limits checked before anything is created" lists them all):
// - IAM User Guide, "IAM and AWS STS quotas, name requirements, and character limits"
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: policy characters,
//   role trust policy length (ACLSizePerRole, 2,048 by default, raisable; 4,096 the documented
//   maximum, awsdocs/iam-user-guide doc_source/reference_iam-quotas.md@c5e04d4), managed policy
//   6,144, whitespace not counted, 50 tags per role/user, name lengths, names unique per account.
// - ECR: 50 tags per repository (TooManyTagsException), API_TagResource.
// - AssumeRoleWithWebIdentity needs the provider in the role's account; ECS has no cross-account
//   UpdateService (/work/shared/FACTS.md, "IAM rules that mocks never enforce").
// Pure: no Pulumi runtime.
import type { GitHub, EcrCiEnvironmentArgs } from "../contract/args";
import { AuthMode } from "../contract/args";
import type { Problems } from "../contract/problems";
import { ACCOUNT_ID_RE, ALL_REGIONS, AwsTarget, ECS_CLUSTER_ARN_RE, REGIONS, UNSUPPORTED_REGION_PARTITIONS, arnParts, dnsSuffixOf, partitionOfRegion } from "./aws";
import type { PlanTarget } from "./capabilities";
import { CREATED_BY_TAG_KEY } from "./capabilities/create-repositories";
import { ResolvedEnvironmentArgs, environmentDocuments, environmentLayout, providerArnByUrl, trustDocuments } from "./environment-plan";
import { githubIssuer, oidcProviderArn } from "./github";
import {
    ENVIRONMENTS_PROJECT,
    IAM_NAME_MAX_CHARS,
    MANAGED_POLICY_MAX_CHARS,
    MANAGED_TAG_KEYS,
    OIDC_PROVIDER_CREATE,
    PREVIEW_SUFFIX,
    RESERVED_ENVIRONMENTS,
    principalName,
    previewRoleName,
} from "./naming";

/** IAM's default role trust policy length, whitespace excluded (quota `ACLSizePerRole`, Service Quotas L-C07B4B0D). */
export const TRUST_POLICY_DEFAULT_MAX_CHARS = 2048;
/**
 * The largest trust policy length IAM documents a raised quota for (4,096; 2026 reports of 8,192 are
 * not confirmed by AWS: /tmp/research/github-aws.md B2). `trustPolicyMaxChars` cannot go beyond it.
 */
export const TRUST_POLICY_QUOTA_MAX_CHARS = 4096;
/** Tags per IAM role or user, and per ECR repository. */
export const MAX_TAGS_PER_RESOURCE = 50;

/** The config key of the stack's region, which the stack program passes to the validation. */
export const REGION_KEY = "aws:region";
/** The AWS provider's allowed accounts: when set, the stack's account is known before deployment. */
export const ALLOWED_ACCOUNTS_KEY = "aws:allowedAccountIds";

/** What the validation knows of where the stack deploys: everything is optional (a library caller gives nothing). */
export interface StackContext {
    /** The stack's region (`aws:region`). */
    readonly region?: string;
    /** The accounts the stack may deploy to (`aws:allowedAccountIds`, or the resolved target's account). */
    readonly accountIds?: readonly string[];
    /** The Pulumi project and stack (the state backend's object keys name them). */
    readonly project?: string;
    readonly stack?: string;
}

/** The size IAM counts for a policy document: its characters, whitespace excluded. */
export function policyChars(text: string): number {
    return text.replace(/\s/g, "").length;
}

/** Why IAM would refuse `value` inside a policy document, or undefined (only tab, LF, CR and U+0020–U+00FF). */
export function policyCharacterProblem(value: string): string | undefined {
    for (const ch of value) {
        const code = ch.codePointAt(0)!;
        if (code > 0xff || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) {
            const hex = code.toString(16).toUpperCase().padStart(4, "0");
            return `contains ${JSON.stringify(ch)} (U+${hex}), and IAM accepts only tab, line feed, carriage return and U+0020–U+00FF in a policy document, which this value is written into; use the name in those characters (rename it in GitHub or AWS if needed)`;
        }
    }
    return undefined;
}

/** Whether `field` already has a problem (so a second, less precise one is not added). */
function reported(problems: Problems, field: string): boolean {
    const key = problems.key(field);
    return problems.list.some((p) => p.startsWith(`${key} `));
}

/** The trusted refs and environments of `github` (the trust policy's `sub` values) in IAM's character set. */
export function checkGitHubCharacters(github: GitHub | undefined, problems: Problems): void {
    for (const field of ["branches", "tags", "environments"] as const) {
        const values = github?.[field];
        (Array.isArray(values) ? values : []).forEach((value, i) => {
            const problem = typeof value === "string" ? policyCharacterProblem(value) : undefined;
            if (problem && !reported(problems, `github.${field}[${i}]`)) {
                problems.invalid(`github.${field}[${i}]`, value, problem);
            }
        });
    }
}

/**
 * A tag map that ecr-ci puts on a resource beside `builtIn` keys: at most 50 in all, and no two keys
 * that differ only in case (IAM compares tag keys case-insensitively: a role cannot carry both).
 */
export function checkTagSet(tags: Readonly<Record<string, unknown>> | undefined, field: string, builtIn: readonly string[], problems: Problems): void {
    if (tags === undefined || tags === null || typeof tags !== "object") {
        return;
    }
    const keys = Object.keys(tags);
    const seen = new Map<string, string>();
    for (const key of keys) {
        const folded = key.toLowerCase();
        const earlier = seen.get(folded);
        if (earlier !== undefined && !reported(problems, `${field}.${key}`)) {
            problems.invalid(`${field}.${key}`, key, `IAM compares tag keys case-insensitively, so this is the same key as ${JSON.stringify(earlier)} (a role or user cannot carry both); keep one of them`);
        } else if (earlier === undefined) {
            seen.set(folded, key);
        }
    }
    const total = keys.length + builtIn.length;
    if (total > MAX_TAGS_PER_RESOURCE) {
        const besides = builtIn.length > 0 ? ` plus the ${builtIn.length} ecr-ci sets (${builtIn.join(", ")})` : "";
        problems.other(
            field,
            `has ${keys.length} tags${besides}: ${total}, over the ${MAX_TAGS_PER_RESOURCE} tags IAM and ECR allow per resource; remove ${total - MAX_TAGS_PER_RESOURCE}`,
        );
    }
}

/** Characters and counts of everything the environment writes into a policy document or a tag. */
export function checkEnvironmentCharactersAndTags(args: EcrCiEnvironmentArgs, problems: Problems): void {
    if ((args.authMode ?? AuthMode.Oidc) === AuthMode.Oidc && args.github) {
        checkGitHubCharacters(args.github, problems);
    }
    const guard = args.createRepositories?.requiredTags;
    if (guard && typeof guard === "object") {
        for (const [key, value] of Object.entries(guard)) {
            const field = `createRepositories.requiredTags.${key}`;
            const keyProblem = policyCharacterProblem(key);
            const valueProblem = typeof value === "string" ? policyCharacterProblem(value) : undefined;
            if (!reported(problems, field) && (keyProblem || valueProblem)) {
                problems.invalid(field, keyProblem ? key : value, (keyProblem ?? valueProblem)!);
            }
        }
        // A created repository carries exactly the guard's tags (aws:TagKeys) and ecr-ci:created-by.
        checkTagSet(guard, "createRepositories.requiredTags", [CREATED_BY_TAG_KEY], problems);
    }
    checkTagSet(args.tags, "tags", MANAGED_TAG_KEYS, problems);
}

/** Environment names whose role or policy name is already taken in ecr-ci's namespace. */
export function checkEnvironmentName(environment: string, problems: Problems): void {
    const reserved = RESERVED_ENVIRONMENTS[environment];
    if (reserved !== undefined) {
        problems.invalid("environment", environment, `its role would be ${principalName(environment)}, which is ${reserved} (IAM names are unique per account); choose another name`);
    } else if (environment.endsWith(PREVIEW_SUFFIX) && environment.length > PREVIEW_SUFFIX.length) {
        const other = environment.slice(0, -PREVIEW_SUFFIX.length);
        problems.invalid(
            "environment",
            environment,
            `its role would be ${principalName(environment)}, which is the ${other} environment's preview role ${previewRoleName(other)} (IAM names are unique per account); choose a name that does not end in "${PREVIEW_SUFFIX}"`,
        );
    }
}

/** IAM's name and path lengths for the principals and policies an environment creates. */
export function checkIamNames(names: readonly { readonly field: string; readonly kind: "role" | "user" | "policy"; readonly name: string; readonly path: string }[], problems: Problems): void {
    for (const { field, kind, name, path } of names) {
        if (name.length > IAM_NAME_MAX_CHARS[kind]) {
            problems.other(field, `gives the ${kind} the name ${name}, ${name.length} characters, over IAM's ${IAM_NAME_MAX_CHARS[kind]} for a ${kind} name; use a shorter name`);
        }
        if (path.length > IAM_NAME_MAX_CHARS.path) {
            problems.other(field, `gives the ${kind} a path of ${path.length} characters, over IAM's ${IAM_NAME_MAX_CHARS.path}; use a shorter path`);
        }
    }
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** Up to three known regions closest to `name`, nearest first. */
export function nearestRegions(name: string): string[] {
    return ALL_REGIONS.map((r) => [r, editDistance(name.toLowerCase(), r)] as const)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 3)
        .map(([r]) => r);
}

/** The stack's region must be one of `REGIONS`; refusals are keyed `aws:region`, whatever the namespace. */
export function checkRegion(region: string, problems: Problems): void {
    if (partitionOfRegion(region) !== undefined) {
        return;
    }
    const unsupported = UNSUPPORTED_REGION_PARTITIONS.find(([prefix]) => region.startsWith(prefix));
    if (unsupported && ALL_REGIONS.every((r) => r !== region)) {
        problems.invalid(REGION_KEY, region, `is a region of partition ${unsupported[1]}, which ecr-ci does not support (GitHub's OIDC provider is used in ${Object.keys(REGIONS).join(", ")}); deploy to a region of those`);
        return;
    }
    problems.invalid(REGION_KEY, region, `not an AWS region; did you mean ${nearestRegions(region).map((r) => JSON.stringify(r)).join(", ")}? (regions: ${ALL_REGIONS.join(", ")})`);
}

/** Where the stack deploys, when known: the partition follows from the region. */
export interface KnownTarget {
    readonly partition: string;
    readonly region: string;
    /** The stack's account(s), when known. */
    readonly accountIds?: readonly string[];
}

/** The target of a known, supported region (partition from the region), or undefined. */
export function knownTarget(context: StackContext): KnownTarget | undefined {
    const partition = context.region === undefined ? undefined : partitionOfRegion(context.region);
    return partition === undefined ? undefined : { partition, region: context.region!, ...(context.accountIds ? { accountIds: context.accountIds } : {}) };
}

/** Every plain ARN of the args, with its field. Outputs are checked once known. */
function configuredArns(args: EcrCiEnvironmentArgs): [field: string, arn: string][] {
    const arns: [string, string][] = [];
    const add = (field: string, value: unknown, onlyArns = false) => {
        if (typeof value === "string" && (!onlyArns || value.startsWith("arn:"))) {
            arns.push([field, value]);
        }
    };
    // "create" and "lookup" are not ARNs.
    add("oidcProvider", args.oidcProvider, true);
    add("permissionsBoundaryArn", args.permissionsBoundaryArn);
    (Array.isArray(args.repositories) ? args.repositories : []).forEach((repo, i) => {
        add(`repositories[${i}].kmsKeyArn`, repo?.kmsKeyArn);
        (Array.isArray(repo?.pullAccounts) ? repo.pullAccounts : []).forEach((p, j) => add(`repositories[${i}].pullAccounts[${j}]`, p, true));
    });
    (Array.isArray(args.pullFrom) ? args.pullFrom : []).forEach((p, i) => add(`pullFrom[${i}]`, p, true));
    add("ecsDeploy.clusterArn", args.ecsDeploy?.clusterArn);
    (Array.isArray(args.ecsDeploy?.passRoleArns) ? args.ecsDeploy!.passRoleArns : []).forEach((r, i) => add(`ecsDeploy.passRoleArns[${i}]`, r));
    add("stateBackend.kmsKeyArn", args.stateBackend?.kmsKeyArn);
    return arns;
}

/**
 * Rules that need the target: every ARN in the stack's partition (IAM rejects `arn:aws:` in a China
 * account), the OIDC provider and the ECS cluster in the stack's account (when known). Returns the
 * warnings: an ECS cluster in another region than the stack's.
 */
export function checkTargetRules(args: EcrCiEnvironmentArgs, target: KnownTarget, problems: Problems): string[] {
    const warnings: string[] = [];
    const where = `region ${target.region} of partition ${target.partition}`;
    const accounts = target.accountIds ?? [];
    const inAccount = (account: string) => accounts.length === 0 || accounts.includes(account);
    const stackAccount = accounts.length === 1 ? `account ${accounts[0]}` : `accounts ${accounts.join(", ")}`;
    for (const [field, arn] of configuredArns(args)) {
        const parts = arnParts(arn);
        if (!parts || reported(problems, field)) {
            continue; // malformed ARNs are refused by the rules of their field
        }
        if (parts.partition !== target.partition) {
            problems.invalid(field, arn, `is an ARN of partition ${parts.partition}, but the stack deploys to ${where}, where IAM refuses it; use the arn:${target.partition}: ARN`);
            continue;
        }
        if (field === "oidcProvider" && ACCOUNT_ID_RE.test(parts.accountId) && !inAccount(parts.accountId)) {
            problems.invalid(
                field,
                arn,
                `the provider is in account ${parts.accountId}, but the stack deploys to ${stackAccount}; a role trusts only an OIDC provider of its own account: use that account's provider ARN, or "create"`,
            );
        }
        if (field === "ecsDeploy.clusterArn" && ECS_CLUSTER_ARN_RE.test(arn)) {
            if (!inAccount(parts.accountId)) {
                problems.invalid(
                    field,
                    arn,
                    `the cluster is in account ${parts.accountId}, but the stack deploys to ${stackAccount}; ECS has no cross-account UpdateService: configure ecsDeploy in a stack of the cluster's account`,
                );
            } else if (parts.region !== target.region) {
                warnings.push(
                    `${problems.key(field)} = ${JSON.stringify(arn)}: the cluster is in ${parts.region}, the stack in ${target.region}; the deploy job must call ECS in ${parts.region} (e.g. aws-region: ${parts.region} for that step) while images are pushed to ${target.region}`,
                );
            }
        }
    }
    return warnings;
}

/** The shortest names a target can have: sizes computed with it never exceed the real ones. */
const SHORTEST_REGION = [...REGIONS.aws].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0];
/** Any 12-digit account: every account ID has the same length. */
const SIZING_ACCOUNT = "000000000000";

/**
 * The target documents are sized in: the stack's partition and region when known, else the shortest
 * (so no document is refused that could fit; the component re-checks once the target is resolved).
 */
export function sizingTarget(context: StackContext): PlanTarget {
    const known = knownTarget(context);
    const partition = known?.partition ?? "aws";
    const base: AwsTarget = { partition, dnsSuffix: dnsSuffixOf(partition), region: known?.region ?? SHORTEST_REGION, accountId: SIZING_ACCOUNT };
    return { ...base, project: context.project ?? ENVIRONMENTS_PROJECT, stack: context.stack ?? "a" };
}

/** Whether every ECS deploy value is a plain string (Outputs are sized once known, at registration). */
function ecsDeployIsPlain(ecs: EcrCiEnvironmentArgs["ecsDeploy"]): boolean {
    if (ecs === undefined || ecs === null) {
        return true;
    }
    const values = [ecs.clusterArn, ...(ecs.services ?? []), ...(ecs.passRoleArns ?? [])];
    return values.every((v) => typeof v === "string");
}

/**
 * The sizes of the documents the plan really builds for `args` in `target` (the pure builders, not an
 * estimate): each trust policy within `trustPolicyMaxChars` (IAM's default 2,048), each managed policy
 * within 6,144. `args` must be valid.
 */
export function checkDocumentSizes(args: EcrCiEnvironmentArgs, target: PlanTarget, problems: Problems): void {
    const plainEcs = ecsDeployIsPlain(args.ecsDeploy);
    const sized = (plainEcs ? args : { ...args, ecsDeploy: undefined }) as ResolvedEnvironmentArgs;
    const layout = environmentLayout("size", sized);
    const managed = (field: string, what: string, text: string, remedy: string) => {
        const size = policyChars(text);
        if (size > MANAGED_POLICY_MAX_CHARS) {
            problems.other(field, `give the ${what} policy ${size} characters (whitespace excluded), over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy, which cannot be raised: ${remedy}`);
        }
    };
    if (plainEcs) {
        const documents = environmentDocuments(layout, sized, target);
        managed(
            "repositories",
            "CI",
            documents.ciPolicy,
            args.createRepositories
                ? "split the repositories over several environments (stacks), pull from fewer repositories, or require fewer creation-guard tags"
                : "split the repositories over several environments (stacks), or pull from fewer repositories",
        );
    }
    if (!layout.role) {
        return;
    }
    const max = args.trustPolicyMaxChars ?? TRUST_POLICY_DEFAULT_MAX_CHARS;
    const limit =
        args.trustPolicyMaxChars === undefined
            ? `IAM's default ${TRUST_POLICY_DEFAULT_MAX_CHARS} (quota ACLSizePerRole)`
            : `the ${max} of ${problems.key("trustPolicyMaxChars")}`;
    const raise =
        max < TRUST_POLICY_QUOTA_MAX_CHARS
            ? `, or, with a raised ACLSizePerRole quota, set ${problems.key("trustPolicyMaxChars")} to it (at most ${TRUST_POLICY_QUOTA_MAX_CHARS})`
            : "";
    const providerArn = providerArnByUrl(layout, target) ?? String(args.oidcProvider);
    const documents = trustDocuments(layout, sized, target, providerArn)!;
    const trust = (field: string, role: string, text: string, remedy: string) => {
        const size = policyChars(text);
        if (size > max) {
            problems.invalid(field, field === "github" ? args.github : args.previewRole, `the ${role} trust policy would be ${size} characters (whitespace excluded), over ${limit}: ${remedy}${raise}`);
        }
    };
    trust("github", "role's", documents.trustPolicy, `trust fewer branches, tags or environments, or cover several with one pattern (e.g. "release/*")`);
    if (documents.previewTrustPolicy !== undefined) {
        trust("previewRole", "preview role's", documents.previewTrustPolicy, "drop the immutable subject IDs or the enterprise slug");
        managed("previewRole", "preview", documents.previewPolicy!, "split the repositories over several environments (stacks)");
    }
}
