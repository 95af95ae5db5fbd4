// The deployer's rules (validateDeployerArgs in components/core/deployer-plan.ts), pure and whole:
// one row per rule with the complete list of problems, accepted rows beside refused ones, both sides
// of every numeric bound. Written against the mutants `npm run mutate` found alive.
import assert from "assert/strict";
import { validateDeployerArgs } from "../../components/core/deployer-plan";
import type { EcrCiDeployerArgs } from "../../components/contract/args";

const GITHUB = { owner: "acme", repository: "infra", environments: ["dev", "prod"], environmentRefs: ["refs/heads/dev", "refs/heads/main"] };
const VALID = { github: GITHUB, repositoryNames: ["app-dev"] };
const ROLE = "arn:aws:iam::123456789012:role/app-task";
const PATH_RULE = `use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/"), no segment starting with "ecr-ci-"`;
const PATTERN_RULE = "use an exact name: a pattern also matches branches or environments nobody protected";
const NAMES_RULE = "use ECR repository names (2–256 lowercase letters and digits separated by '.', '_', '-' or '/'), no wildcards";
const PULL_RULE = `use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`;
const SESSION_RULE = "use a whole number of seconds from 3600 to 43200";

interface Row {
    readonly name: string;
    readonly args: Record<string, unknown>;
    readonly problems: readonly string[];
}

const ROWS: readonly Row[] = [
    { name: "a valid deployer", args: VALID, problems: [] },
    {
        name: "no github",
        args: { repositoryNames: ["app-dev"] },
        problems: [
            `args.github is required: the repository whose infrastructure workflow deploys, and its protected branches or environments (e.g. { owner: "acme", repository: "app", environments: ["dev", "prod"] })`,
        ],
    },
    {
        // Not only tag patterns: anyone who can push any tag could deploy.
        name: "an exact tag",
        args: { ...VALID, github: { ...GITHUB, tags: ["v1.0.0"] } },
        problems: ["args.github.tags cannot be trusted by the deployer: anyone who can push a tag could deploy; use protected branches or environments"],
    },
    { name: "no tags (an empty list)", args: { ...VALID, github: { ...GITHUB, tags: [] } }, problems: [] },
    {
        name: "pull requests",
        args: { ...VALID, github: { ...GITHUB, pullRequests: true } },
        problems: ["args.github.pullRequests cannot be trusted by the deployer: pull requests get each environment's read-only preview role (ecr-ci:previewRole); remove it"],
    },
    { name: "pullRequests: false", args: { ...VALID, github: { ...GITHUB, pullRequests: false } }, problems: [] },
    {
        name: "a branch pattern, at its index",
        args: { ...VALID, github: { ...GITHUB, branches: ["main", "release/*"] } },
        problems: [`args.github.branches[1] = "release/*": ${PATTERN_RULE}`],
    },
    {
        name: "an environment pattern",
        args: { ...VALID, github: { ...GITHUB, environments: ["dev", "prod-*"] } },
        problems: [`args.github.environments[1] = "prod-*": GitHub environment names are exact, and a pattern would also match environments nobody protected (e.g. "prod-sandbox" for "prod*"); list each environment by name (e.g. "production")`],
    },
    {
        name: "environmentRefs as a list, and as one string",
        args: { ...VALID, github: { ...GITHUB, environmentRefs: ["refs/heads/main", "refs/heads/r*"] } },
        problems: [`args.github.environmentRefs[1] = "refs/heads/r*": ${PATTERN_RULE}`],
    },
    {
        name: "environmentRefs as one string",
        args: { ...VALID, github: { ...GITHUB, environmentRefs: "refs/heads/r*" } },
        problems: [`args.github.environmentRefs[0] = "refs/heads/r*": ${PATTERN_RULE}`],
    },
    { name: "exact environmentRefs", args: { ...VALID, github: { ...GITHUB, environmentRefs: ["refs/heads/main"] } }, problems: [] },
    {
        name: "repository names: not ECR names, a wildcard",
        args: { ...VALID, repositoryNames: ["App", "app-*", "ok"] },
        problems: [`args.repositoryNames[0] = "App": ${NAMES_RULE}`, `args.repositoryNames[1] = "app-*": ${NAMES_RULE}`],
    },
    {
        name: "a bad prefix",
        args: { ...VALID, repositoryNamePrefix: "-app" },
        problems: [`args.repositoryNamePrefix = "-app": start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards (e.g. "app-")`],
    },
    {
        name: "a prefix that is no string",
        args: { ...VALID, repositoryNamePrefix: 7 },
        problems: [`args.repositoryNamePrefix = 7: start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards (e.g. "app-")`],
    },
    { name: "a prefix instead of names", args: { github: GITHUB, repositoryNames: [], repositoryNamePrefix: "app-" }, problems: [] },
    { name: "a prefix without names", args: { github: GITHUB, repositoryNamePrefix: "app-" }, problems: [] },
    {
        name: "no repository at all",
        args: { github: GITHUB, repositoryNames: [] },
        problems: [`args.repositoryNames names no repository: set repositoryNames (e.g. ["app-dev", "app-prod"]) or repositoryNamePrefix (e.g. "app-")`],
    },
    {
        name: "paths: an ecr-ci- segment, an empty list",
        args: { ...VALID, rolePaths: ["/ecr-ci-x/", "/ok/"], userPaths: [] },
        problems: [`args.rolePaths[0] = "/ecr-ci-x/": ${PATH_RULE}`, "args.userPaths is empty: leave it out for the default, or list the paths environments use"],
    },
    {
        name: "paths: a wildcard, an empty role list",
        args: { ...VALID, rolePaths: [], userPaths: ["/ci/*/"] },
        problems: ["args.rolePaths is empty: leave it out for the default, or list the paths environments use", `args.userPaths[0] = "/ci/*/": ${PATH_RULE}`],
    },
    {
        // Within the path rule; such a path is written into several ARN patterns, so only the size check refuses it.
        name: "a path of 512 characters",
        args: { ...VALID, rolePaths: [`/ab/${"a/".repeat(254)}`] },
        problems: [
            "args.repositoryNames and the other settings give the deployer policy 8318 characters (whitespace excluded), over IAM's 6144 for a managed policy, which cannot be raised: use repositoryNamePrefix instead of many names, or fewer paths, pullFrom repositories or ECS services",
        ],
    },
    {
        name: "a path of 513 characters",
        args: { ...VALID, userPaths: [`/${"a/".repeat(256)}`] },
        problems: [`args.userPaths[0] = "${`/${"a/".repeat(256)}`.slice(0, 116)}...: ${PATH_RULE}`],
    },
    {
        name: "pullFrom: not a name, a wildcard ARN",
        args: { ...VALID, pullFrom: ["base/node", "Bad", "arn:aws:ecr:eu-west-1:123456789012:repository/x*"] },
        problems: [`args.pullFrom[1] = "Bad": ${PULL_RULE}`, `args.pullFrom[2] = "arn:aws:ecr:eu-west-1:123456789012:repository/x*": ${PULL_RULE}`],
    },
    {
        name: "a wildcard service",
        args: { ...VALID, ecsServiceArns: ["arn:aws:ecs:eu-west-1:123456789012:service/main/*"], ecsPassRoleArns: [ROLE] },
        problems: [`args.ecsServiceArns[0] = "arn:aws:ecs:eu-west-1:123456789012:service/main/*": use the service ARN, arn:<partition>:ecs:<region>:<account-id>:service/CLUSTER/SERVICE, no wildcards`],
    },
    {
        name: "a wildcard pass role",
        args: { ...VALID, ecsServiceArns: ["arn:aws:ecs:eu-west-1:123456789012:service/main/web"], ecsPassRoleArns: ["arn:aws:iam::123456789012:role/*"] },
        problems: [`args.ecsPassRoleArns[0] = "arn:aws:iam::123456789012:role/*": use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards`],
    },
    { name: "services with pass roles", args: { ...VALID, ecsServiceArns: ["arn:aws:ecs:eu-west-1:123456789012:service/main/web"], ecsPassRoleArns: [ROLE] }, problems: [] },
    {
        name: "pass roles without services",
        args: { ...VALID, ecsPassRoleArns: [ROLE] },
        problems: ["args.ecsPassRoleArns only applies with ecsServiceArns (roles are passed to ECS tasks of those services): set ecsServiceArns or remove it"],
    },
    { name: "no pass roles, no services (empty lists)", args: { ...VALID, ecsPassRoleArns: [], ecsServiceArns: [] }, problems: [] },
    {
        name: "a state bucket that is no S3 name",
        args: { ...VALID, stateBackend: { bucket: "B" } },
        problems: [`args.stateBackend.bucket = "B": use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards`],
    },
    { name: "session 3600", args: { ...VALID, maxSessionDurationSeconds: 3600 }, problems: [] },
    { name: "session 43200", args: { ...VALID, maxSessionDurationSeconds: 43200 }, problems: [] },
    { name: "session 3599", args: { ...VALID, maxSessionDurationSeconds: 3599 }, problems: [`args.maxSessionDurationSeconds = 3599: ${SESSION_RULE}`] },
    { name: "session 43201", args: { ...VALID, maxSessionDurationSeconds: 43201 }, problems: [`args.maxSessionDurationSeconds = 43201: ${SESSION_RULE}`] },
    { name: "session 3600.5", args: { ...VALID, maxSessionDurationSeconds: 3600.5 }, problems: [`args.maxSessionDurationSeconds = 3600.5: ${SESSION_RULE}`] },
    { name: "session as text", args: { ...VALID, maxSessionDurationSeconds: "3600" }, problems: [`args.maxSessionDurationSeconds = "3600": ${SESSION_RULE}`] },
    { name: "protect", args: { ...VALID, protect: false }, problems: [] },
    { name: "protect as text", args: { ...VALID, protect: "yes" }, problems: [`args.protect = "yes": use true or false`] },
    {
        name: "an aws: tag key",
        args: { ...VALID, tags: { "aws:x": "v" } },
        problems: [`args.tags.aws:x = "aws:x": tag keys use 1–128 letters, digits, spaces and _ . : / = + - @, and must not start with "aws:"`],
    },
    {
        name: "49 tags and ManagedBy (ecr-ci's own, replaced): 50",
        args: { ...VALID, tags: { ...Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"])), ManagedBy: "me" } },
        problems: [],
    },
    {
        // The resource layer writes { ManagedBy: "ecr-ci-bootstrap", ...tags }: a "managedby" beside it is a
        // second key to IAM, which refuses the role ("Duplicate tag keys found", IAM User Guide id_tags).
        name: "ManagedBy in another case",
        args: { ...VALID, tags: { managedby: "me" } },
        problems: [
            `args.tags.managedby = "managedby": ecr-ci-bootstrap sets ManagedBy on the deployer's role and policies itself (IAM compares tag keys case-insensitively, and a second ManagedBy fails as a duplicate); write it "ManagedBy" to replace its value, or use another key`,
        ],
    },
    {
        name: "50 tags besides ManagedBy: 51",
        args: { ...VALID, tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])) },
        problems: ["args.tags has 50 tags plus the 1 ecr-ci sets (ManagedBy): 51, over the 50 tags IAM and ECR allow per resource; remove 1"],
    },
];

describe("deployer rules, whole messages", () => {
    for (const row of ROWS) {
        it(row.name, () => {
            assert.deepEqual(validateDeployerArgs(row.args as unknown as EcrCiDeployerArgs), row.problems);
        });
    }
});
