import assert from "assert/strict";
import { closest, parseStackConfig } from "../components/contract/parse";
import { AuthMode } from "../components/contract/args";

/** Stack config as Pulumi hands it to the program: top-level values are text, structures are JSON. */
function config(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k.includes(":") ? k : `ecr-ci:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

const GITHUB = { owner: "acme", repository: "app", branches: ["main"] };
const VALID = { environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB };

/** The whole error text for a list of problems. */
function problems(...lines: string[]): string {
    const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
    return [`Invalid ecr-ci stack configuration: ${count}:`, ...lines.map((l) => `  - ${l}`)].join("\n");
}

describe("parseStackConfig: valid configuration", () => {
    it("minimal oidc stack; other namespaces ignored; Pulumi.yaml defaults as text", () => {
        assert.deepEqual(parseStackConfig(config({ ...VALID, "aws:region": "eu-west-1", protect: "true", authMode: "oidc" })), {
            environment: "dev",
            repositories: [{ name: "app-dev" }],
            github: GITHUB,
            protect: true,
            authMode: AuthMode.Oidc,
        });
    });

    it("every key, with numbers and booleans as Pulumi passes them", () => {
        const full = {
            environment: "prod",
            protect: "false",
            maxSessionDurationSeconds: "7200",
            oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            iamPath: "/ci/",
            permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/ci-boundary",
            repositories: [
                {
                    name: "app-prod",
                    imageTagMutability: "MUTABLE",
                    scanOnPush: false,
                    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    untaggedExpiryDays: 7,
                    keepImages: 100,
                    forceDelete: true,
                    pullAccounts: ["210987654321"],
                },
            ],
            github: {
                owner: "acme",
                repository: "app",
                branches: ["main", "release/*"],
                tags: ["v*"],
                environments: ["production"],
                pullRequests: false,
                ownerId: 111,
                repositoryId: "222",
                jobWorkflowRef: "acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
            },
            pullFrom: ["app-dev"],
            ecsDeploy: { clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/main", services: ["web"], passRoleArns: ["arn:aws:iam::123456789012:role/app-task"] },
            createRepositories: { namePrefix: "team-a/", requiredTags: { team: "a" } },
            tags: { CostCenter: "42" },
        };
        assert.deepEqual(parseStackConfig(config(full)), {
            ...full,
            protect: false,
            maxSessionDurationSeconds: 7200,
            // A single jobWorkflowRef (as older configs wrote it) becomes a one-item list.
            github: { ...full.github, ownerId: "111", jobWorkflowRef: [full.github.jobWorkflowRef] },
        });
    });

    it("previewRole: true is an empty object, false is absent; stateBackend as given", () => {
        const parsed = (previewRole: string) => parseStackConfig(config({ ...VALID, previewRole, stateBackend: { bucket: "acme-state" } }));
        assert.deepEqual(parsed("true"), { ...VALID, previewRole: {}, stateBackend: { bucket: "acme-state" } });
        assert.deepEqual(parsed("false"), { ...VALID, stateBackend: { bucket: "acme-state" } });
        assert.deepEqual(parsed(`{"maxSessionDurationSeconds":7200}`), { ...VALID, previewRole: { maxSessionDurationSeconds: 7200 }, stateBackend: { bucket: "acme-state" } });
    });

    it("user mode needs no github", () => {
        assert.deepEqual(parseStackConfig(config({ environment: "ci", repositories: [{ name: "app" }], authMode: "user", pgpKey: "keybase:acme" })), {
            environment: "ci",
            repositories: [{ name: "app" }],
            authMode: AuthMode.User,
            pgpKey: "keybase:acme",
        });
    });
});

describe("parseStackConfig: every problem reported together, key named, value echoed", () => {
    /** `message: undefined`: the values are valid (a rule that must not over-reach). */
    const cases: { name: string; values: Record<string, unknown>; message: string | undefined }[] = [
        {
            name: "empty config",
            values: {},
            message: problems(
                `ecr-ci:environment is required: the environment name, 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`,
                `ecr-ci:repositories is required: a list of at least one repository, e.g. [{ name: "app-dev" }]`,
                `ecr-ci:github is required: authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`,
            ),
        },
        {
            name: "typos never fall back to defaults; bad names; duplicates",
            values: {
                environment: "Dev",
                repositorys: [],
                repositories: [{ name: "App" }, { name: "a" }, { name: "ok", scanOnPsh: true }, { name: "ok" }],
                github: GITHUB,
            },
            message: problems(
                `ecr-ci:repositorys is not a known setting (did you mean ecr-ci:repositories?); known: ecr-ci:environment, ecr-ci:repositories, ecr-ci:protect, ecr-ci:authMode, ecr-ci:github, ecr-ci:oidcProvider, ecr-ci:maxSessionDurationSeconds, ecr-ci:trustPolicyMaxChars, ecr-ci:iamPath, ecr-ci:permissionsBoundaryArn, ecr-ci:pgpKey, ecr-ci:pullFrom, ecr-ci:ecsDeploy, ecr-ci:createRepositories, ecr-ci:stateBackend, ecr-ci:previewRole, ecr-ci:tags`,
                `ecr-ci:repositories[2].scanOnPsh is not a known setting (did you mean scanOnPush?); known: name, imageTagMutability, scanOnPush, kmsKeyArn, untaggedExpiryDays, keepImages, forceDelete, pullAccounts`,
                `ecr-ci:environment = "Dev": use 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`,
                `ecr-ci:repositories[0].name = "App": use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. "app-dev" or "team/app")`,
                `ecr-ci:repositories[1].name = "a": use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. "app-dev" or "team/app")`,
                `ecr-ci:repositories[3].name = "ok": duplicates repositories[2].name; list each repository once`,
            ),
        },
        {
            name: "github refusals: wildcards, owner/repo in repository, IDs, provider ARN, session length",
            values: {
                environment: "dev",
                repositories: [{ name: "app" }],
                github: {
                    owner: "acme/x",
                    repository: "acme/app",
                    branches: ["*", "refs/heads/main"],
                    tags: ["**"],
                    environments: ["*"],
                    ownerId: "12a",
                },
                oidcProvider: "arn:aws:iam::123:oidc-provider/x",
                maxSessionDurationSeconds: "60",
            },
            message: problems(
                `ecr-ci:github.owner = "acme/x": use the GitHub user or organization name: letters, digits and single inner '-', at most 39 (e.g. "acme")`,
                `ecr-ci:github.repository = "acme/app": give the name without the owner: set github.owner to "acme" and github.repository to "app"`,
                `ecr-ci:github.branches[0] = "*": a pattern of only '*' matches every branch; name the branches or a narrower pattern (e.g. "main" or "release/*")`,
                `ecr-ci:github.branches[1] = "refs/heads/main": give the branch name without "refs/heads/" (e.g. "main" or "release/*")`,
                `ecr-ci:github.tags[0] = "**": a pattern of only '*' matches every tag; name the tags or a narrower pattern (e.g. "v1.2.3" or "v*")`,
                `ecr-ci:github.environments[0] = "*": a pattern of only '*' matches every environment; name the environments (e.g. "production")`,
                `ecr-ci:github.repositoryId is required with github.ownerId: set both numeric IDs (from the GitHub API: /repos/OWNER/REPO → owner.id and id) or neither`,
                `ecr-ci:github.ownerId = "12a": must be GitHub's numeric ID, digits only (e.g. "123456789")`,
                `ecr-ci:oidcProvider = "arn:aws:iam::123:oidc-provider/x": use "create", "lookup" (find the account's provider by its URL) or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/token.actions.githubusercontent.com`,
                `ecr-ci:maxSessionDurationSeconds = 60: use a whole number of seconds from 3600 to 43200`,
            ),
        },
        {
            name: "provider ARN must match the enterprise slug",
            values: {
                ...VALID,
                github: { ...GITHUB, enterpriseSlug: "acme-corp" },
                oidcProvider: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            },
            message: problems(
                `ecr-ci:oidcProvider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": use "create", "lookup" (find the account's provider by its URL) or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/token.actions.githubusercontent.com/acme-corp`,
            ),
        },
        {
            name: "no subjects at all",
            values: { ...VALID, github: { owner: "acme", repository: "app", pullRequests: false } },
            message: problems(
                `ecr-ci:github names no workflow that may assume the role: set at least one of github.branches, github.tags, github.environments or github.pullRequests (e.g. branches: ["main"])`,
            ),
        },
        {
            name: "unknown auth mode",
            values: { ...VALID, authMode: "token" },
            message: problems(`ecr-ci:authMode = "token": use "oidc" or "user"`),
        },
        {
            name: "oidc without github",
            values: { environment: "dev", repositories: [{ name: "app" }] },
            message: problems(
                `ecr-ci:github is required: authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`,
            ),
        },
        {
            name: "wrong types: not JSON, not a boolean, not a number",
            values: { ...VALID, repositories: "app", protect: "yes", maxSessionDurationSeconds: "1h" },
            message: problems(
                `ecr-ci:repositories = "app": use a list of objects (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)`,
                `ecr-ci:protect = "yes": use true or false`,
                `ecr-ci:maxSessionDurationSeconds = "1h": use a whole number`,
            ),
        },
        {
            name: "nested wrong types",
            values: { ...VALID, repositories: [{ name: "app", scanOnPush: "no", keepImages: 1.5, pullAccounts: "210987654321" }] },
            message: problems(
                `ecr-ci:repositories[0].scanOnPush = "no": use true or false`,
                `ecr-ci:repositories[0].keepImages = 1.5: use a whole number`,
                `ecr-ci:repositories[0].pullAccounts = "210987654321": use a list of strings (e.g. ["main"])`,
            ),
        },
        {
            name: "repository settings out of range",
            values: {
                ...VALID,
                repositories: [
                    { name: "app", imageTagMutability: "immutable", untaggedExpiryDays: 0, keepImages: 20000, kmsKeyArn: "alias/ecr", pullAccounts: ["*", "12345"] },
                ],
            },
            message: problems(
                `ecr-ci:repositories[0].imageTagMutability = "immutable": use "IMMUTABLE" or "MUTABLE"`,
                `ecr-ci:repositories[0].kmsKeyArn = "alias/ecr": use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>`,
                `ecr-ci:repositories[0].untaggedExpiryDays = 0: use a whole number of days from 1 to 3650`,
                `ecr-ci:repositories[0].keepImages = 20000: use a whole number of images from 1 to 10000`,
                `ecr-ci:repositories[0].pullAccounts[0] = "*": use a 12-digit account ID or a principal ARN arn:<partition>:iam::<account-id>:root|role/NAME|user/NAME, no wildcards`,
                `ecr-ci:repositories[0].pullAccounts[1] = "12345": use a 12-digit account ID or a principal ARN arn:<partition>:iam::<account-id>:root|role/NAME|user/NAME, no wildcards`,
            ),
        },
        {
            name: "user mode refuses oidc-only keys",
            values: { ...VALID, authMode: "user", maxSessionDurationSeconds: "7200" },
            message: problems(
                `ecr-ci:github only applies to authMode "oidc": remove it, or set authMode to "oidc" (preferred: no long-lived key)`,
                `ecr-ci:maxSessionDurationSeconds only applies to authMode "oidc": remove it, or set authMode to "oidc" (preferred: no long-lived key)`,
            ),
        },
        {
            name: "oidc mode refuses pgpKey; bad path and boundary",
            values: { ...VALID, pgpKey: "keybase:acme", iamPath: "ci", permissionsBoundaryArn: "arn:aws:iam::123456789012:role/x" },
            message: problems(
                `ecr-ci:pgpKey only applies to authMode "user" (an OIDC role has no access key): remove it`,
                `ecr-ci:iamPath = "ci": use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/")`,
                `ecr-ci:permissionsBoundaryArn = "arn:aws:iam::123456789012:role/x": use a managed policy ARN, arn:<partition>:iam::<account-id>:policy/NAME`,
            ),
        },
        {
            name: "capabilities: wildcards and malformed ARNs",
            values: {
                ...VALID,
                pullFrom: ["*", "arn:aws:ecr:eu-west-1:123456789012:repository/*"],
                ecsDeploy: { clusterArn: "arn:aws:ecs:eu-west-1:123456789012:service/x", services: [], passRoleArns: ["arn:aws:iam::123456789012:role/*", "app-task"] },
                createRepositories: { namePrefix: "", requiredTags: {} },
            },
            message: problems(
                `ecr-ci:pullFrom[0] = "*": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
                `ecr-ci:pullFrom[1] = "arn:aws:ecr:eu-west-1:123456789012:repository/*": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
                `ecr-ci:ecsDeploy.clusterArn = "arn:aws:ecs:eu-west-1:123456789012:service/x": use the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME`,
                `ecr-ci:ecsDeploy.services is required: the names of the services CI may update, at least one (e.g. ["web"])`,
                `ecr-ci:ecsDeploy.passRoleArns[0] = "arn:aws:iam::123456789012:role/*": use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards`,
                `ecr-ci:ecsDeploy.passRoleArns[1] = "app-task": use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards`,
                `ecr-ci:createRepositories.namePrefix is required: a non-empty repository name prefix (e.g. "team-a/")`,
                `ecr-ci:createRepositories.requiredTags is required: at least one tag every created repository must carry (e.g. { "managed-by": "ci" })`,
            ),
        },
        {
            name: "wildcard service name, wildcard prefix, reserved tag key",
            values: {
                ...VALID,
                ecsDeploy: { clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/main", services: ["web-*"], passRoleArns: [] },
                createRepositories: { namePrefix: "team*", requiredTags: { "aws:owner": "x" } },
                tags: { "bad key!": "x" },
            },
            message: problems(
                `ecr-ci:ecsDeploy.services[0] = "web-*": use the service name: 1–255 letters, digits, '-' or '_', no wildcards`,
                `ecr-ci:createRepositories.namePrefix = "team*": start with a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-' or '/', no wildcards`,
                `ecr-ci:createRepositories.requiredTags.aws:owner = "aws:owner": tag keys use 1–128 letters, digits, spaces and _ . : / = + - @, and must not start with "aws:"`,
                `ecr-ci:tags.bad key! = "bad key!": tag keys use 1–128 letters, digits, spaces and _ . : / = + - @, and must not start with "aws:"`,
            ),
        },
        {
            name: "git ref names that cannot exist",
            values: { ...VALID, github: { owner: "-acme", repository: "..", branches: ["feature..x", "a b", "main.lock"], tags: ["v1:2"], environments: [" prod"] } },
            message: problems(
                `ecr-ci:github.owner = "-acme": use the GitHub user or organization name: letters, digits and single inner '-', at most 39 (e.g. "acme")`,
                `ecr-ci:github.repository = "..": use the GitHub repository name: 1–100 letters, digits, '.', '_' or '-' (e.g. "app")`,
                `ecr-ci:github.branches[0] = "feature..x": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. "main" or "release/*")`,
                `ecr-ci:github.branches[1] = "a b": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. "main" or "release/*")`,
                `ecr-ci:github.branches[2] = "main.lock": not a valid git branch name; use the name as git shows it, '*' for a pattern (e.g. "main" or "release/*")`,
                `ecr-ci:github.tags[0] = "v1:2": not a valid git tag name; use the name as git shows it, '*' for a pattern (e.g. "v1.2.3" or "v*")`,
                `ecr-ci:github.environments[0] = " prod": not a valid GitHub environment name; use 1–255 characters without ? [ ] \\ : quotes or surrounding spaces (e.g. "production")`,
            ),
        },
        {
            name: "state backend and preview role refusals",
            values: {
                ...VALID,
                authMode: "user",
                github: undefined,
                stateBackend: { bucket: "acme-*", prefix: "a/../b", kmsKeyArn: "alias/state" },
                previewRole: { maxSessionDurationSeconds: 60 },
            },
            message: problems(
                `ecr-ci:previewRole only applies to authMode "oidc" (it is trusted through GitHub's OIDC provider): remove it`,
                `ecr-ci:previewRole.maxSessionDurationSeconds = 60: use a whole number of seconds from 3600 to 43200`,
                `ecr-ci:stateBackend.bucket = "acme-*": use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards`,
                `ecr-ci:stateBackend.prefix = "a/../b": use the backend URL's path without wildcards (e.g. "infra" for s3://bucket/infra)`,
                `ecr-ci:stateBackend.kmsKeyArn = "alias/state": use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>, no wildcards or aliases`,
            ),
        },
        {
            name: "previewRole is true, false or an object",
            values: { ...VALID, previewRole: "sometimes" },
            message: problems(`ecr-ci:previewRole = "sometimes": use true, false or an object (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)`),
        },
        {
            name: "IAM wildcards and policy variables cannot ride in through ARNs, paths or refs",
            values: {
                ...VALID,
                github: { ...GITHUB, jobWorkflowRef: "acme/wf/.github/workflows/d.yml@refs/heads/${token.actions.githubusercontent.com:actor}" },
                pullFrom: ["arn:aws:ecr:us-east-1:123456789012:repository/app-pro?", "arn:aws:ecr:us-east-1:123456789012:repository/${aws:userid}"],
                iamPath: "/?/",
            },
            message: problems(
                `ecr-ci:github.jobWorkflowRef[0] = "acme/wf/.github/workflows/d.yml@refs/heads/\${token.actions.githubusercontent.com:actor}": use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards`,
                `ecr-ci:iamPath = "/?/": use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/")`,
                `ecr-ci:pullFrom[0] = "arn:aws:ecr:us-east-1:123456789012:repository/app-pro?": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
                `ecr-ci:pullFrom[1] = "arn:aws:ecr:us-east-1:123456789012:repository/\${aws:userid}": use a repository name in this account and region (e.g. "app-dev") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards`,
            ),
        },
        {
            name: "the creation guard may not be the managed marker, nor name one key twice (IAM folds case)",
            values: { ...VALID, createRepositories: { namePrefix: "app-", requiredTags: { managedby: "ecr-ci", Team: "a", team: "b" } } },
            message: problems(
                `ecr-ci:createRepositories.requiredTags.managedby = "ecr-ci": ManagedBy = "ecr-ci" marks the repositories ecr-ci manages, which created repositories never reach; use another value (e.g. "github-actions") or another key`,
                `ecr-ci:createRepositories.requiredTags.team = "team": IAM compares tag keys case-insensitively, so this is the same key as "Team"; keep one of them`,
            ),
        },
        {
            name: "the seed's own guard (ManagedBy: github-actions) and keys of ecr-ci:tags are accepted",
            values: { ...VALID, tags: { team: "a" }, createRepositories: { namePrefix: "app-", requiredTags: { ManagedBy: "github-actions", team: "a" } } },
            message: undefined,
        },
        {
            name: "tags may not restate a built-in key in any case",
            values: { ...VALID, tags: { environment: "qa", MANAGEDBY: "me", team: "a" } },
            message: problems(
                `ecr-ci:tags.environment = "environment": ecr-ci sets Environment on every resource itself (IAM compares tag keys case-insensitively, and a second Environment fails as a duplicate); remove it or use another key`,
                `ecr-ci:tags.MANAGEDBY = "MANAGEDBY": ecr-ci sets ManagedBy on every resource itself (IAM compares tag keys case-insensitively, and a second ManagedBy fails as a duplicate); remove it or use another key`,
            ),
        },
        {
            name: "bad reusable workflow ref and enterprise slug",
            values: { ...VALID, github: { ...GITHUB, jobWorkflowRef: "acme/wf/.github/workflows/*.yml@refs/heads/main", enterpriseSlug: "Acme Corp" } },
            message: problems(
                `ecr-ci:github.enterpriseSlug = "Acme Corp": use the enterprise slug: lowercase letters, digits and '-' (e.g. "acme-corp")`,
                `ecr-ci:github.jobWorkflowRef[0] = "acme/wf/.github/workflows/*.yml@refs/heads/main": use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards`,
            ),
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            if (c.message === undefined) {
                assert.doesNotThrow(() => parseStackConfig(config(c.values)));
            } else {
                assert.throws(() => parseStackConfig(config(c.values)), { name: "EcrCiValidationError", message: c.message });
            }
        });
    }
});

describe("closest", () => {
    const cases: [string, string | undefined][] = [
        ["repositorys", "repositories"],
        ["authmode", "authMode"],
        ["enviroment", "environment"],
        ["region", undefined],
    ];
    for (const [input, expected] of cases) {
        it(`${input} → ${expected}`, () =>
            assert.equal(closest(input, ["environment", "repositories", "authMode", "github", "protect"]), expected));
    }
});
