// AWS limits and rules checked before anything is created (components/core/limits.ts): whole
// messages, boundary values on both sides of every numeric bound, and the stack program's context
// (`aws:region`, `aws:allowedAccountIds`) as parseStackConfig receives it from allConfig().
import assert from "assert/strict";
import { Region } from "@pulumi/aws/types/enums";
import { parseStackConfig } from "../components/contract/parse";
import { Problems } from "../components/contract/problems";
import { ALL_REGIONS, UNSUPPORTED_REGION_PARTITIONS, partitionOfRegion } from "../components/core/aws";
import { stateBackendScope } from "../components/core/capabilities/state-backend";
import { validateDeployerArgs } from "../components/core/deployer-plan";
import { environmentLayout, trustDocuments } from "../components/core/environment-plan";
import { checkIamNames, nearestRegions, policyChars, policyCharacterProblem, sizingTarget } from "../components/core/limits";
import type { EcrCiEnvironmentArgs } from "../components/contract/args";

/** Stack config as Pulumi hands it to the program: top-level values are text, structures are JSON. */
function config(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k.includes(":") ? k : `ecr-ci:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

function problems(...lines: string[]): string {
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    return [`Invalid ecr-ci stack configuration: ${count}:`, ...lines.map((l) => `  - ${l}`)].join("\n");
}

const STACK = { project: "ecr-ci", stack: "dev" };
const ACCOUNT = "123456789012";
const GITHUB = { owner: "acme", repository: "app", branches: ["main"] };
const VALID = { "aws:region": "eu-west-1", environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB };
const IDS = { ownerId: "123456789", repositoryId: "987654321" };

/** `release-00` … : exact branch names. */
function branches(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `release-${String(i).padStart(2, "0")}`);
}
/** The role's trust policy for `github` as the plan builds it in the sizing target, in characters IAM counts. */
function trustSize(github: EcrCiEnvironmentArgs["github"], region = "eu-west-1"): number {
    const target = sizingTarget({ region, ...STACK });
    const args = { environment: "dev", repositories: [{ name: "app-dev" }], github } as EcrCiEnvironmentArgs;
    const provider = `arn:${target.partition}:iam::000000000000:oidc-provider/token.actions.githubusercontent.com`;
    return policyChars(trustDocuments(environmentLayout("dev", args), args as never, target, provider)!.trustPolicy);
}
/** 39 release branches and one of x's, long enough for a trust policy of `size` characters. */
function branchesOfTrustSize(size: number): string[] {
    const base = trustSize({ ...GITHUB, branches: [...branches(39), "x"] }) - 1;
    return [...branches(39), "x".repeat(size - base)];
}
function tags(n: number, prefix = "t"): Record<string, string> {
    return Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "v"]));
}

interface Case {
    readonly name: string;
    readonly values: Record<string, unknown>;
    /** undefined: accepted. */
    readonly message: string | undefined;
}

function run(cases: readonly Case[]): void {
    for (const c of cases) {
        it(c.name, () => {
            if (c.message === undefined) {
                assert.doesNotThrow(() => parseStackConfig(config(c.values), STACK));
            } else {
                assert.throws(() => parseStackConfig(config(c.values), STACK), { name: "EcrCiValidationError", message: c.message });
            }
        });
    }
}

const TRUST_REMEDY = `trust fewer branches, tags or environments, or cover several with one pattern (e.g. "release/*")`;

describe("limits: trust policy length (ACLSizePerRole)", () => {
    it("the sizing helper really builds the documents: one more character in a branch is one more in the policy", () => {
        const at = trustSize({ ...GITHUB, branches: branchesOfTrustSize(2048) });
        assert.equal(at, 2048);
        assert.equal(trustSize({ ...GITHUB, branches: [...branches(39), "x".repeat(branchesOfTrustSize(2048)[39].length + 1)] }), at + 1);
    });
    run([
        { name: "2048 characters: accepted", values: { ...VALID, github: { ...GITHUB, branches: branchesOfTrustSize(2048) } }, message: undefined },
        {
            name: "2049 characters: refused, with the number, the limit and what to do",
            values: { ...VALID, github: { ...GITHUB, branches: branchesOfTrustSize(2049) } },
            message: problems(
                `ecr-ci:github = {"owner":"acme","repository":"app","branches":["release-00","release-01","release-02","release-03","release-04","rele...: the role's trust policy would be 2049 characters (whitespace excluded), over IAM's default 2048 (quota ACLSizePerRole): ${TRUST_REMEDY}, or, with a raised ACLSizePerRole quota, set ecr-ci:trustPolicyMaxChars to it (at most 4096)`,
            ),
        },
        // 2,621 characters before the trust was compacted (issue 13): it fits now.
        { name: "20 branches in both subject forms: accepted", values: { ...VALID, github: { ...GITHUB, branches: branches(20), ...IDS } }, message: undefined },
        { name: "2441 characters with a raised quota of 2441: accepted", values: { ...VALID, trustPolicyMaxChars: "2441", github: { ...GITHUB, branches: branchesOfTrustSize(2441) } }, message: undefined },
        {
            name: "one character over a raised quota",
            values: { ...VALID, trustPolicyMaxChars: "2440", github: { ...GITHUB, branches: branchesOfTrustSize(2441) } },
            message: problems(
                `ecr-ci:github = {"owner":"acme","repository":"app","branches":["release-00","release-01","release-02","release-03","release-04","rele...: the role's trust policy would be 2441 characters (whitespace excluded), over the 2440 of ecr-ci:trustPolicyMaxChars: ${TRUST_REMEDY}, or, with a raised ACLSizePerRole quota, set ecr-ci:trustPolicyMaxChars to it (at most 4096)`,
            ),
        },
        {
            name: "in China the provider ARN is longer: sized in the stack's partition",
            values: { ...VALID, "aws:region": "cn-north-1", github: { ...GITHUB, branches: branchesOfTrustSize(2048) } },
            message: problems(
                `ecr-ci:github = {"owner":"acme","repository":"app","branches":["release-00","release-01","release-02","release-03","release-04","rele...: the role's trust policy would be 2054 characters (whitespace excluded), over IAM's default 2048 (quota ACLSizePerRole): ${TRUST_REMEDY}, or, with a raised ACLSizePerRole quota, set ecr-ci:trustPolicyMaxChars to it (at most 4096)`,
            ),
        },
    ]);
});

const QUOTA_RULE = `use the account's "Role trust policy length" quota (ACLSizePerRole, Service Quotas L-C07B4B0D): a whole number of characters from 2048 (IAM's default) to 4096 (IAM's maximum)`;
const SESSION_RULE = "use a whole number of seconds from 3600 to 43200";

describe("limits: every numeric bound, both sides", () => {
    const repo = (field: string, value: number) => ({ ...VALID, repositories: [{ name: "app-dev", [field]: value }] });
    run([
        { name: "trustPolicyMaxChars 2048", values: { ...VALID, trustPolicyMaxChars: "2048" }, message: undefined },
        { name: "trustPolicyMaxChars 4096", values: { ...VALID, trustPolicyMaxChars: "4096" }, message: undefined },
        { name: "trustPolicyMaxChars 2047", values: { ...VALID, trustPolicyMaxChars: "2047" }, message: problems(`ecr-ci:trustPolicyMaxChars = 2047: ${QUOTA_RULE}`) },
        { name: "trustPolicyMaxChars 4097", values: { ...VALID, trustPolicyMaxChars: "4097" }, message: problems(`ecr-ci:trustPolicyMaxChars = 4097: ${QUOTA_RULE}`) },
        {
            name: "trustPolicyMaxChars in user mode",
            values: { ...VALID, github: undefined, authMode: "user", trustPolicyMaxChars: "4096" },
            message: problems(`ecr-ci:trustPolicyMaxChars only applies to authMode "oidc": remove it, or set authMode to "oidc" (preferred: no long-lived key)`),
        },
        { name: "maxSessionDurationSeconds 3600", values: { ...VALID, maxSessionDurationSeconds: "3600" }, message: undefined },
        { name: "maxSessionDurationSeconds 43200", values: { ...VALID, maxSessionDurationSeconds: "43200" }, message: undefined },
        { name: "maxSessionDurationSeconds 3599", values: { ...VALID, maxSessionDurationSeconds: "3599" }, message: problems(`ecr-ci:maxSessionDurationSeconds = 3599: ${SESSION_RULE}`) },
        { name: "maxSessionDurationSeconds 43201", values: { ...VALID, maxSessionDurationSeconds: "43201" }, message: problems(`ecr-ci:maxSessionDurationSeconds = 43201: ${SESSION_RULE}`) },
        { name: "previewRole session 3600", values: { ...VALID, previewRole: { maxSessionDurationSeconds: 3600 } }, message: undefined },
        { name: "previewRole session 43200", values: { ...VALID, previewRole: { maxSessionDurationSeconds: 43200 } }, message: undefined },
        { name: "previewRole session 3599", values: { ...VALID, previewRole: { maxSessionDurationSeconds: 3599 } }, message: problems(`ecr-ci:previewRole.maxSessionDurationSeconds = 3599: ${SESSION_RULE}`) },
        { name: "previewRole session 43201", values: { ...VALID, previewRole: { maxSessionDurationSeconds: 43201 } }, message: problems(`ecr-ci:previewRole.maxSessionDurationSeconds = 43201: ${SESSION_RULE}`) },
        { name: "untaggedExpiryDays 1", values: repo("untaggedExpiryDays", 1), message: undefined },
        { name: "untaggedExpiryDays 3650", values: repo("untaggedExpiryDays", 3650), message: undefined },
        { name: "untaggedExpiryDays 0", values: repo("untaggedExpiryDays", 0), message: problems(`ecr-ci:repositories[0].untaggedExpiryDays = 0: use a whole number of days from 1 to 3650`) },
        { name: "untaggedExpiryDays 3651", values: repo("untaggedExpiryDays", 3651), message: problems(`ecr-ci:repositories[0].untaggedExpiryDays = 3651: use a whole number of days from 1 to 3650`) },
        { name: "keepImages 1", values: repo("keepImages", 1), message: undefined },
        { name: "keepImages 10000", values: repo("keepImages", 10000), message: undefined },
        { name: "keepImages 0", values: repo("keepImages", 0), message: problems(`ecr-ci:repositories[0].keepImages = 0: use a whole number of images from 1 to 10000`) },
        { name: "keepImages 10001", values: repo("keepImages", 10001), message: problems(`ecr-ci:repositories[0].keepImages = 10001: use a whole number of images from 1 to 10000`) },
        { name: "48 tags (+2 built-in = 50)", values: { ...VALID, tags: tags(48) }, message: undefined },
        {
            name: "49 tags (+2 built-in = 51)",
            values: { ...VALID, tags: tags(49) },
            message: problems(`ecr-ci:tags has 49 tags plus the 2 ecr-ci sets (Environment, ManagedBy): 51, over the 50 tags IAM and ECR allow per resource; remove 1`),
        },
        {
            // Within the tag limit, but every guard tag is written into four conditions of the CI
            // policy (create, tag-on-create, push, and the absent-key guard): 50 never fit.
            name: "49 creation-guard tags (+ ecr-ci:created-by = 50)",
            values: { ...VALID, createRepositories: { namePrefix: "team-", requiredTags: tags(49) } },
            message: problems(
                "ecr-ci:repositories give the CI policy 7396 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: split the repositories over several environments (stacks), pull from fewer repositories, or require fewer creation-guard tags",
            ),
        },
        {
            name: "50 creation-guard tags (+ ecr-ci:created-by = 51)",
            values: { ...VALID, createRepositories: { namePrefix: "team-", requiredTags: tags(50) } },
            message: problems(`ecr-ci:createRepositories.requiredTags has 50 tags plus the 1 ecr-ci sets (ecr-ci:created-by): 51, over the 50 tags IAM and ECR allow per resource; remove 1`),
        },
        { name: "environment of 32 characters", values: { ...VALID, environment: "e".repeat(32) }, message: undefined },
        {
            name: "environment of 33 characters",
            values: { ...VALID, environment: "e".repeat(33) },
            message: problems(`ecr-ci:environment = "${"e".repeat(33)}": use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`),
        },
    ]);
});

describe("limits: managed policy length (6,144)", () => {
    /** `service-000` …: each adds its 60-character ARN to PushPull (and ReadRepositories). */
    const repositories = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `service-${String(i).padStart(3, "0")}` }));
    run([
        { name: "96 repositories: 6141 characters, accepted", values: { ...VALID, repositories: repositories(96) }, message: undefined },
        {
            name: "97 repositories: 6201 characters, refused before anything is created",
            values: { ...VALID, repositories: repositories(97) },
            message: problems(
                `ecr-ci:repositories give the CI policy 6201 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: split the repositories over several environments (stacks), or pull from fewer repositories`,
            ),
        },
        {
            name: "the preview policy too",
            values: { ...VALID, repositories: repositories(91), previewRole: true },
            message: problems(
                `ecr-ci:previewRole give the preview policy 6201 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: split the repositories over several environments (stacks)`,
            ),
        },
    ]);
});

const CHARSET = "IAM accepts only tab, line feed, carriage return and U+0020–U+00FF in a policy document, which this value is written into; use the name in those characters (rename it in GitHub or AWS if needed)";

describe("limits: characters IAM accepts in a policy document (U+0009, U+000A, U+000D, U+0020–U+00FF)", () => {
    run([
        {
            name: "trusted branches, tags and environments; the creation guard",
            values: {
                ...VALID,
                // "mаin" with a Cyrillic а (U+0430), a look-alike of "main".
                github: { ...GITHUB, branches: ["main", "\u043cаin", "本番"], tags: ["v1-本"], environments: ["прод"] },
                createRepositories: { namePrefix: "team-", requiredTags: { team: "本番", "ключ": "a" } },
            },
            message: problems(
                `ecr-ci:github.branches[1] = "маin": contains "м" (U+043C), and ${CHARSET}`,
                `ecr-ci:github.branches[2] = "本番": contains "本" (U+672C), and ${CHARSET}`,
                `ecr-ci:github.tags[0] = "v1-本": contains "本" (U+672C), and ${CHARSET}`,
                `ecr-ci:github.environments[0] = "прод": contains "п" (U+043F), and ${CHARSET}`,
                `ecr-ci:createRepositories.requiredTags.team = "本番": contains "本" (U+672C), and ${CHARSET}`,
                `ecr-ci:createRepositories.requiredTags.ключ = "ключ": contains "к" (U+043A), and ${CHARSET}`,
            ),
        },
        {
            name: "Latin-1 is fine in policies; resource tags may use any letters (they reach no policy document)",
            values: { ...VALID, github: { ...GITHUB, branches: ["café"] }, tags: { équipe: "本番" } },
            message: undefined,
        },
        {
            name: "policy variables in branches, tags and environments",
            values: { ...VALID, github: { ...GITHUB, branches: ["${aws:username}"], tags: ["v${x}"], environments: ["${aws:userid}"] } },
            message: problems(
                `ecr-ci:github.branches[0] = "\${aws:username}": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. "main" or "release/*")`,
                `ecr-ci:github.tags[0] = "v\${x}": not a valid git tag name; use the name as git shows it, '*' for a pattern (e.g. "v1.2.3" or "v*")`,
                `ecr-ci:github.environments[0] = "\${aws:userid}": not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. "production")`,
            ),
        },
    ]);
    it("the character rule itself: tab, LF, CR and U+0020–U+00FF only", () => {
        assert.deepEqual(
            ["a\tb", "a\nb", "a\rb", " ~ÿ", "\u0000", "\u001f", "\u0100", "😀"].map((v) => policyCharacterProblem(v)?.slice(0, 22)),
            [undefined, undefined, undefined, undefined, 'contains "\\u0000" (U+0', 'contains "\\u001f" (U+0', 'contains "Ā" (U+0100),', 'contains "😀" (U+1F600'],
        );
    });
});

describe("limits: tag keys are one key to IAM whatever their case", () => {
    run([
        {
            name: "two user keys differing only in case",
            values: { ...VALID, tags: { team: "a", Team: "b", TEAM: "c" } },
            message: problems(
                `ecr-ci:tags.Team = "Team": IAM compares tag keys case-insensitively, so this is the same key as "team" (a role or user cannot carry both); keep one of them`,
                `ecr-ci:tags.TEAM = "TEAM": IAM compares tag keys case-insensitively, so this is the same key as "team" (a role or user cannot carry both); keep one of them`,
            ),
        },
    ]);
});

describe("limits: IAM names in ecr-ci's namespace", () => {
    run([
        {
            name: "an environment named like another one's preview role",
            values: { ...VALID, environment: "dev-preview" },
            message: problems(
                `ecr-ci:environment = "dev-preview": its role would be ecr-ci-dev-preview, which is the dev environment's preview role ecr-ci-dev-preview (IAM names are unique per account); choose a name that does not end in "-preview"`,
            ),
        },
        {
            name: "the bootstrap's deployer",
            values: { ...VALID, environment: "deployer" },
            message: problems(
                `ecr-ci:environment = "deployer": its role would be ecr-ci-deployer, which is the bootstrap's deployer role and policy ecr-ci-deployer (IAM names are unique per account); choose another name`,
            ),
        },
        {
            name: "the bootstrap's boundary",
            values: { ...VALID, environment: "boundary" },
            message: problems(
                `ecr-ci:environment = "boundary": its role would be ecr-ci-boundary, which is the bootstrap's permissions boundary ecr-ci-boundary (IAM names are unique per account); choose another name`,
            ),
        },
        { name: "preview, previews and deployers are free", values: { ...VALID, environment: "preview" }, message: undefined },
        { name: "deployers", values: { ...VALID, environment: "deployers" }, message: undefined },
    ]);
    it("name and path lengths: role and user 64, policy 128, path 512", () => {
        const problems = new Problems((f) => `args.${f}`);
        const path = `/${"p".repeat(510)}/`;
        checkIamNames(
            [
                { field: "environment", kind: "role", name: "r".repeat(64), path },
                { field: "environment", kind: "user", name: "u".repeat(65), path: "/" },
                { field: "environment", kind: "policy", name: "p".repeat(128), path: `${path}x/` },
                { field: "environment", kind: "policy", name: "p".repeat(129), path: "/" },
            ],
            problems,
        );
        assert.deepEqual(problems.list, [
            `args.environment gives the user the name ${"u".repeat(65)}, 65 characters, over IAM's 64 for a user name; use a shorter name`,
            `args.environment gives the policy a path of 514 characters, over IAM's 512; use a shorter path`,
            `args.environment gives the policy the name ${"p".repeat(129)}, 129 characters, over IAM's 128 for a policy name; use a shorter name`,
        ]);
    });
});

describe("limits: regions that exist", () => {
    run([
        { name: "eu-west-1", values: VALID, message: undefined },
        { name: "cn-northwest-1", values: { ...VALID, "aws:region": "cn-northwest-1" }, message: undefined },
        { name: "us-gov-west-1", values: { ...VALID, "aws:region": "us-gov-west-1" }, message: undefined },
        {
            name: "eu-west1",
            values: { ...VALID, "aws:region": "eu-west1" },
            message: problems(`aws:region = "eu-west1": not an AWS region; did you mean "eu-west-1", "eu-west-2", "eu-west-3"? (regions: ${ALL_REGIONS.join(", ")})`),
        },
        {
            name: "eu-west-9",
            values: { ...VALID, "aws:region": "eu-west-9" },
            message: problems(`aws:region = "eu-west-9": not an AWS region; did you mean "eu-west-1", "eu-west-2", "eu-west-3"? (regions: ${ALL_REGIONS.join(", ")})`),
        },
        {
            name: "an isolated partition's region",
            values: { ...VALID, "aws:region": "us-iso-east-1" },
            message: problems(`aws:region = "us-iso-east-1": is a region of partition aws-iso, which ecr-ci does not support (GitHub's OIDC provider is used in aws, aws-cn, aws-us-gov); deploy to a region of those`),
        },
    ]);
    it("closest names first", () => {
        assert.deepEqual(nearestRegions("us-east1"), ["us-east-1", "us-east-2", "ap-east-1"]);
        assert.deepEqual(nearestRegions("cn-nort-1"), ["cn-north-1", "eu-north-1", "ca-west-1"]);
    });
    it("the list is @pulumi/aws's Region enum: supported regions by partition, the rest refused by prefix", () => {
        const enumValues: string[] = Object.values(Region);
        const unsupported = enumValues.filter((r) => UNSUPPORTED_REGION_PARTITIONS.some(([prefix]) => r.startsWith(prefix)));
        assert.deepEqual([...ALL_REGIONS, ...unsupported].sort(), [...enumValues].sort());
        assert.deepEqual(
            ["cn-north-1", "us-gov-east-1", "eu-west-1", "us-iso-east-1"].map(partitionOfRegion),
            ["aws-cn", "aws-us-gov", "aws", undefined],
        );
    });
});

describe("limits: ARNs in the stack's partition, provider and cluster in its account", () => {
    const CN = "region cn-north-1 of partition aws-cn";
    run([
        {
            name: "arn:aws: ARNs in a China stack",
            values: {
                ...VALID,
                "aws:region": "cn-north-1",
                oidcProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
                permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/b`,
                repositories: [{ name: "app-dev", kmsKeyArn: `arn:aws:kms:cn-north-1:${ACCOUNT}:key/k`, pullAccounts: ["210987654321", "arn:aws:iam::210987654321:root"] }],
                pullFrom: ["app-base", `arn:aws:ecr:cn-north-1:${ACCOUNT}:repository/base`],
                ecsDeploy: { clusterArn: `arn:aws:ecs:cn-north-1:${ACCOUNT}:cluster/main`, services: ["web"], passRoleArns: [`arn:aws-cn:iam::${ACCOUNT}:role/task`] },
                stateBackend: { bucket: "acme-state", kmsKeyArn: `arn:aws:kms:cn-north-1:${ACCOUNT}:key/s` },
            },
            message: problems(
                "ecr-ci:stateBackend gives the CI principal write access to this stack's checkpoint, which the bootstrap's deployer applies at its next pulumi up (permissionsBoundaryArn is set): the app pipeline could then make the deployer delete or rewrite what it manages. Use previewRole.stateBackend (only the read-only preview role reads state), or remove permissionsBoundaryArn if the CI principal deploys this stack itself",
                `ecr-ci:oidcProvider = "arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
                `ecr-ci:permissionsBoundaryArn = "arn:aws:iam::${ACCOUNT}:policy/b": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
                `ecr-ci:repositories[0].kmsKeyArn = "arn:aws:kms:cn-north-1:${ACCOUNT}:key/k": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
                `ecr-ci:repositories[0].pullAccounts[1] = "arn:aws:iam::210987654321:root": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
                `ecr-ci:pullFrom[1] = "arn:aws:ecr:cn-north-1:${ACCOUNT}:repository/base": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
                `ecr-ci:ecsDeploy.clusterArn = "arn:aws:ecs:cn-north-1:${ACCOUNT}:cluster/main": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
                `ecr-ci:stateBackend.kmsKeyArn = "arn:aws:kms:cn-north-1:${ACCOUNT}:key/s": is an ARN of partition aws, but the stack deploys to ${CN}, where IAM refuses it; use the arn:aws-cn: ARN`,
            ),
        },
        {
            name: "the same ARNs in the China partition: accepted",
            values: {
                ...VALID,
                "aws:region": "cn-north-1",
                oidcProvider: `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
                ecsDeploy: { clusterArn: `arn:aws-cn:ecs:cn-north-1:${ACCOUNT}:cluster/main`, services: ["web"], passRoleArns: [] },
            },
            message: undefined,
        },
        {
            name: "provider and cluster of another account than aws:allowedAccountIds",
            values: {
                ...VALID,
                "aws:allowedAccountIds": `["${ACCOUNT}"]`,
                oidcProvider: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
                ecsDeploy: { clusterArn: "arn:aws:ecs:eu-west-1:111111111111:cluster/main", services: ["web"], passRoleArns: [] },
            },
            message: problems(
                `ecr-ci:oidcProvider = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com": the provider is in account 111111111111, but the stack deploys to account ${ACCOUNT}; a role trusts only an OIDC provider of its own account: use that account's provider ARN, or "create"`,
                `ecr-ci:ecsDeploy.clusterArn = "arn:aws:ecs:eu-west-1:111111111111:cluster/main": the cluster is in account 111111111111, but the stack deploys to account ${ACCOUNT}; ECS has no cross-account UpdateService: configure ecsDeploy in a stack of the cluster's account`,
            ),
        },
        {
            name: "without aws:allowedAccountIds the account is checked only once the target is known",
            values: {
                ...VALID,
                oidcProvider: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
                ecsDeploy: { clusterArn: "arn:aws:ecs:us-east-1:111111111111:cluster/main", services: ["web"], passRoleArns: [] },
            },
            message: undefined,
        },
    ]);
});

describe("limits: wildcards and policy variables that must never reach a document", () => {
    run([
        {
            name: "'*' in an ECS cluster ARN, an S3 bucket or prefix, an IAM path",
            values: {
                ...VALID,
                ecsDeploy: { clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/*`, services: ["web"], passRoleArns: [] },
                stateBackend: { bucket: "acme-*", prefix: "infra/*" },
                iamPath: "/ci/*/",
            },
            message: problems(
                `ecr-ci:iamPath = "/ci/*/": use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/")`,
                `ecr-ci:ecsDeploy.clusterArn = "arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/*": use the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME`,
                `ecr-ci:stateBackend.bucket = "acme-*": use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards`,
                `ecr-ci:stateBackend.prefix = "infra/*": use the backend URL's path without wildcards (e.g. "infra" for s3://bucket/infra)`,
            ),
        },
    ]);
    it("an inner wildcard (feature/*/deploy) is a pattern (StringLike), never an exact subject", () => {
        const args = { environment: "dev", repositories: [{ name: "app-dev" }], github: { ...GITHUB, branches: ["main", "feature/*/deploy"] } } as EcrCiEnvironmentArgs;
        const docs = trustDocuments(environmentLayout("dev", args), args as never, sizingTarget({ region: "eu-west-1" }), "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com")!;
        const statements = JSON.parse(docs.trustPolicy).Statement as { Sid: string; Condition: Record<string, Record<string, unknown>> }[];
        // The branches are matched on the token's `ref` with StringLike (no '*': exact); the pattern
        // never reaches a StringEquals condition, where '*' would be a literal.
        assert.deepEqual(
            statements.map((s) => [s.Sid, s.Condition.StringEquals["token.actions.githubusercontent.com:ref"], s.Condition.StringLike?.["token.actions.githubusercontent.com:ref"]]),
            [["GitHubRefs", undefined, ["refs/heads/feature/*/deploy", "refs/heads/main"]]],
        );
    });
    it("state prefixes: several leading or trailing slashes are trimmed, inner ones kept", () => {
        const prefix = (p: string | undefined) => stateBackendScope("aws", { bucket: "b", prefix: p }, "ecr-ci", "dev").objectPrefix;
        assert.deepEqual(
            [undefined, "infra", "//infra//", "/infra/team/", "infra/team"].map(prefix),
            [".pulumi/", "infra/.pulumi/", "infra/.pulumi/", "infra/team/.pulumi/", "infra/team/.pulumi/"],
        );
    });
});

describe("limits: the deployer's documents", () => {
    const github = { owner: "acme", repository: "infra", environments: ["dev", "prod"], environmentRefs: ["refs/heads/dev", "refs/heads/main"] };
    it("a deployer within every limit is accepted", () => {
        assert.deepEqual(validateDeployerArgs({ github, repositoryNames: ["app-dev", "app-prod"] }), []);
    });
    it("too many repository names for the deployer policy and the boundary", () => {
        const names = Array.from({ length: 120 }, (_, i) => `service-${String(i).padStart(3, "0")}`);
        assert.deepEqual(validateDeployerArgs({ github, repositoryNames: names }), [
            `args.repositoryNames and the other settings give the deployer policy 11376 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: use repositoryNamePrefix instead of many names, or fewer paths, pullFrom repositories or ECS services`,
            `args.repositoryNames and the other settings give the boundary policy 15804 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: use repositoryNamePrefix instead of many names, or fewer paths, pullFrom repositories or ECS services`,
        ]);
    });
    it("trusted environments in IAM's character set, tags within 50", () => {
        assert.deepEqual(validateDeployerArgs({ github: { ...github, environments: ["прод"] }, repositoryNames: ["app"], tags: tags(50) }), [
            `args.github.environments[0] = "прод": contains "п" (U+043F), and ${CHARSET}`,
            `args.tags has 50 tags plus the 1 ecr-ci sets (ManagedBy): 51, over the 50 tags IAM and ECR allow per resource; remove 1`,
        ]);
    });
});
