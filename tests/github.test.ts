// GitHub subjects, issuers and the trust policy as whole documents, one per form; the github rules
// as whole messages. The decisions these documents lead to are in trust.test.ts.
import assert from "assert/strict";
import { buildTrustPolicy, escapeClaimValue, githubIssuer, githubSubjects, oidcProviderArn } from "../components/core/github";
import { validateGitHub, validateOidcProvider } from "../components/core/github-rules";
import { previewGitHub } from "../components/core/environment-plan";
import { validateDeployerArgs } from "../components/core/deployer-plan";
import { validateEnvironmentArgs } from "../components/core/validate";
import { Problems, argsKey } from "../components/contract/problems";
import { SubjectFormat, type GitHub } from "../components/contract/args";
import type { ConditionBlock } from "../components/core/policy";

const GH = "token.actions.githubusercontent.com";
const ACCOUNT = "123456789012";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;

describe("githubSubjects: every sub a trusted run presents, spelt out", () => {
    const cases: { name: string; github: GitHub; exact: string[]; patterns: string[] }[] = [
        {
            name: "branches",
            github: { owner: "acme", repository: "app", branches: ["main", "dev"] },
            exact: ["repo:acme/app:ref:refs/heads/dev", "repo:acme/app:ref:refs/heads/main"],
            patterns: [],
        },
        {
            name: "tags, exact and pattern",
            github: { owner: "acme", repository: "app", tags: ["v1.2.3", "v*"] },
            exact: ["repo:acme/app:ref:refs/tags/v1.2.3"],
            patterns: ["repo:acme/app:ref:refs/tags/v*"],
        },
        {
            name: "environments and pull requests",
            github: { owner: "acme", repository: "app", environments: ["production"], pullRequests: true },
            exact: ["repo:acme/app:environment:production", "repo:acme/app:pull_request"],
            patterns: [],
        },
        {
            name: "IDs: both exact forms by default",
            github: { owner: "acme", repository: "app", branches: ["main", "release/*"], ownerId: "111", repositoryId: "222" },
            exact: ["repo:acme/app:ref:refs/heads/main", "repo:acme@111/app@222:ref:refs/heads/main"],
            patterns: ["repo:acme/app:ref:refs/heads/release/*", "repo:acme@111/app@222:ref:refs/heads/release/*"],
        },
        {
            name: "subjectFormat immutable: the legacy half dropped",
            github: { owner: "acme", repository: "app", branches: ["main"], ownerId: "111", repositoryId: "222", subjectFormat: SubjectFormat.Immutable },
            exact: ["repo:acme@111/app@222:ref:refs/heads/main"],
            patterns: [],
        },
        {
            name: "custom template: key:value pairs in the template's order, ':' in values as %3A",
            github: { owner: "acme", repository: "app", environments: ["Prod:EU"], subjectClaims: ["repo", "context", "repository_owner_id", "environment"], ownerId: "111", repositoryId: "222", subjectFormat: SubjectFormat.Legacy },
            exact: ["repo:acme/app:environment:Prod%3AEU:repository_owner_id:111:environment:Prod%3AEU"],
            patterns: [],
        },
        {
            name: "duplicates collapse",
            github: { owner: "acme", repository: "app", branches: ["main", "main"] },
            exact: ["repo:acme/app:ref:refs/heads/main"],
            patterns: [],
        },
    ];
    for (const c of cases) {
        it(c.name, () => assert.deepEqual(githubSubjects(c.github), { exact: c.exact, patterns: c.patterns }));
    }
    it("escapeClaimValue writes ':' as %3A and nothing else", () => assert.equal(escapeClaimValue("a:b%c:d"), "a%3Ab%c%3Ad"));
});

describe("githubIssuer / oidcProviderArn", () => {
    const cases: { name: string; github?: GitHub | string; url: string; claimKeys: boolean; immutableSubjects: boolean }[] = [
        { name: "github.com", url: `https://${GH}`, claimKeys: true, immutableSubjects: true },
        { name: "enterprise unique issuer", github: { owner: "a", repository: "b", enterpriseSlug: "acme-corp" }, url: `https://${GH}/acme-corp`, claimKeys: true, immutableSubjects: true },
        { name: "enterprise slug as a bare string (older callers)", github: "acme-corp", url: `https://${GH}/acme-corp`, claimKeys: true, immutableSubjects: true },
        { name: "GHE.com", github: { owner: "a", repository: "b", gheSubdomain: "octocorp" }, url: "https://token.actions.octocorp.ghe.com", claimKeys: true, immutableSubjects: true },
        { name: "GitHub Enterprise Server", github: { owner: "a", repository: "b", serverHost: "github.acme.com" }, url: "https://github.acme.com/_services/token", claimKeys: false, immutableSubjects: false },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const issuer = githubIssuer(c.github);
            assert.deepEqual(issuer, { url: c.url, host: c.url.slice("https://".length), claimKeys: c.claimKeys, immutableSubjects: c.immutableSubjects });
            assert.equal(oidcProviderArn("aws-cn", ACCOUNT, issuer), `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/${c.url.slice("https://".length)}`);
        });
    }
});

/** A whole trust document of GitHubRefs-style statements for `provider`. */
function trust(provider: string, statements: [string, ConditionBlock][]) {
    return {
        Version: "2012-10-17",
        Statement: statements.map(([Sid, Condition]) => ({ Sid, Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", Condition })),
    };
}

describe("buildTrustPolicy: whole documents, one per form", () => {
    const base: GitHub = { owner: "acme", repository: "app", branches: ["main"], environments: ["prod"], ownerId: "111", repositoryId: "222" };
    const ids = (k: string) => ({ [`${k}:aud`]: "sts.amazonaws.com", [`${k}:repository_id`]: "222", [`${k}:repository_owner_id`]: "111" });
    const build = (github: GitHub) => buildTrustPolicy({ providerArn: oidcProviderArn("aws", ACCOUNT, githubIssuer(github)), audience: "sts.amazonaws.com", github });
    const bothSubjects = ["repo:acme/app:environment:prod", "repo:acme/app:ref:*", "repo:acme@111/app@222:environment:prod", "repo:acme@111/app@222:ref:*"];
    const cases: { name: string; github: GitHub; expected: ReturnType<typeof trust> }[] = [
        {
            name: "no IDs: legacy subjects, the repository and kind in sub, the exact refs in ref",
            github: { owner: "acme", repository: "app", branches: ["main"] },
            expected: trust(PROVIDER, [["GitHubRefs", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${GH}:sub`]: ["repo:acme/app:ref:*"], [`${GH}:ref`]: ["refs/heads/main"] } }]]),
        },
        {
            name: "legacy, IDs pinned",
            github: { ...base, subjectFormat: SubjectFormat.Legacy },
            expected: trust(PROVIDER, [["GitHubRefs", { StringEquals: ids(GH), StringLike: { [`${GH}:sub`]: ["repo:acme/app:environment:prod", "repo:acme/app:ref:*"], [`${GH}:ref`]: ["refs/heads/main"] } }]]),
        },
        {
            name: "immutable",
            github: { ...base, subjectFormat: SubjectFormat.Immutable },
            expected: trust(PROVIDER, [["GitHubRefs", { StringEquals: ids(GH), StringLike: { [`${GH}:sub`]: ["repo:acme@111/app@222:environment:prod", "repo:acme@111/app@222:ref:*"], [`${GH}:ref`]: ["refs/heads/main"] } }]]),
        },
        {
            name: "both (the default with IDs)",
            github: base,
            expected: trust(PROVIDER, [["GitHubRefs", { StringEquals: ids(GH), StringLike: { [`${GH}:sub`]: bothSubjects, [`${GH}:ref`]: ["refs/heads/main"] } }]]),
        },
        {
            name: "custom template with job_workflow_ref",
            github: { ...base, subjectClaims: ["repo", "context", "job_workflow_ref"], jobWorkflowRef: ["acme/wf/.github/workflows/deploy.yml@refs/heads/main"] },
            expected: trust(PROVIDER, [
                [
                    "GitHubRefs",
                    {
                        StringEquals: { ...ids(GH), [`${GH}:job_workflow_ref`]: ["acme/wf/.github/workflows/deploy.yml@refs/heads/main"] },
                        StringLike: {
                            [`${GH}:sub`]: [
                                "repo:acme/app:environment:prod:job_workflow_ref:acme/wf/.github/workflows/deploy.yml@refs/heads/main",
                                "repo:acme/app:ref:*:job_workflow_ref:acme/wf/.github/workflows/deploy.yml@refs/heads/main",
                                "repo:acme@111/app@222:environment:prod:job_workflow_ref:acme/wf/.github/workflows/deploy.yml@refs/heads/main",
                                "repo:acme@111/app@222:ref:*:job_workflow_ref:acme/wf/.github/workflows/deploy.yml@refs/heads/main",
                            ],
                            [`${GH}:ref`]: ["refs/heads/main"],
                        },
                    },
                ],
            ]),
        },
        {
            name: "enterprise unique issuer: provider and every key carry the slug",
            github: { ...base, enterpriseSlug: "acme-corp" },
            expected: trust(`arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}/acme-corp`, [
                ["GitHubRefs", { StringEquals: ids(`${GH}/acme-corp`), StringLike: { [`${GH}/acme-corp:sub`]: bothSubjects, [`${GH}/acme-corp:ref`]: ["refs/heads/main"] } }],
            ]),
        },
        {
            name: "GHE.com",
            github: { ...base, gheSubdomain: "octocorp" },
            expected: trust(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.octocorp.ghe.com`, [
                ["GitHubRefs", { StringEquals: ids("token.actions.octocorp.ghe.com"), StringLike: { ["token.actions.octocorp.ghe.com:sub"]: bothSubjects, ["token.actions.octocorp.ghe.com:ref"]: ["refs/heads/main"] } }],
            ]),
        },
        {
            name: "GitHub Enterprise Server: every subject spelt out in sub, no other claim (STS checks none for it)",
            github: { owner: "acme", repository: "app", branches: ["main", "release/*"], environments: ["prod"], serverHost: "github.acme.com" },
            expected: trust(`arn:aws:iam::${ACCOUNT}:oidc-provider/github.acme.com/_services/token`, [
                [
                    "GitHubActions",
                    {
                        StringEquals: { "github.acme.com/_services/token:aud": "sts.amazonaws.com" },
                        StringLike: { "github.acme.com/_services/token:sub": ["repo:acme/app:environment:prod", "repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/release/*"] },
                    },
                ],
            ]),
        },
        {
            name: "environment refs differ from the trusted refs: a statement of their own; pull requests with their merge ref",
            github: { owner: "acme", repository: "app", branches: ["main"], environments: ["prod"], environmentRefs: ["refs/tags/v*"], pullRequests: true },
            expected: trust(PROVIDER, [
                ["GitHubRefs", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${GH}:sub`]: ["repo:acme/app:ref:*"], [`${GH}:ref`]: ["refs/heads/main"] } }],
                ["GitHubEnvironments", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${GH}:sub`]: ["repo:acme/app:environment:prod"], [`${GH}:ref`]: ["refs/tags/v*"] } }],
                ["GitHubPullRequests", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${GH}:sub`]: ["repo:acme/app:pull_request"], [`${GH}:ref`]: ["refs/pull/*/merge"] } }],
            ]),
        },
        {
            name: `environmentRefs "any": environment subjects without a ref condition`,
            github: { owner: "acme", repository: "app", environments: ["prod"], environmentRefs: ["any"] },
            expected: trust(PROVIDER, [["GitHubEnvironments", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${GH}:sub`]: ["repo:acme/app:environment:prod"] } }]]),
        },
    ];
    for (const c of cases) {
        it(c.name, () => assert.deepEqual(build(c.github), c.expected));
    }

    it("never uses set operators or sts:TagSession", () => {
        const text = JSON.stringify(build({ ...base, tags: ["v*"], pullRequests: true, jobWorkflowRef: ["acme/wf/.github/workflows/a.yml@refs/heads/main"] }));
        assert.doesNotMatch(text, /ForAllValues|ForAnyValue|TagSession/);
    });

    it("a single jobWorkflowRef string (older JavaScript callers) is a one-item list", () => {
        const github = { owner: "acme", repository: "app", branches: ["main"], jobWorkflowRef: "acme/wf/.github/workflows/a.yml@refs/heads/main" } as unknown as GitHub;
        assert.deepEqual(build(github).Statement[0].Condition?.StringEquals, { [`${GH}:aud`]: "sts.amazonaws.com", [`${GH}:job_workflow_ref`]: ["acme/wf/.github/workflows/a.yml@refs/heads/main"] });
    });
});

describe("previewGitHub: pull requests only, the same identity pins and template", () => {
    it("keeps owner, IDs, format, issuer and template; drops branches, tags, environments", () => {
        assert.deepEqual(
            previewGitHub({ owner: "acme", repository: "app", branches: ["main"], tags: ["v*"], environments: ["prod"], ownerId: "1", repositoryId: "2", subjectFormat: SubjectFormat.Immutable, gheSubdomain: "octocorp", jobWorkflowRef: ["a/b/.github/workflows/c.yml@refs/heads/main"] }),
            { owner: "acme", repository: "app", pullRequests: true, ownerId: "1", repositoryId: "2", subjectFormat: SubjectFormat.Immutable, gheSubdomain: "octocorp" },
        );
    });
    it("keeps jobWorkflowRef when the template writes it into sub", () => {
        const github: GitHub = { owner: "acme", repository: "app", branches: ["main"], subjectClaims: ["repo", "context", "job_workflow_ref"], jobWorkflowRef: ["a/b/.github/workflows/c.yml@refs/heads/main"] };
        assert.deepEqual(previewGitHub(github), { owner: "acme", repository: "app", pullRequests: true, subjectClaims: github.subjectClaims, jobWorkflowRef: github.jobWorkflowRef });
    });
});

describe("validateGitHub: whole messages, every problem together", () => {
    const problemsOf = (github: GitHub) => {
        const problems = new Problems(argsKey);
        validateGitHub(github, problems);
        return problems.list;
    };
    const ok: GitHub = { owner: "acme", repository: "app", branches: ["main"] };
    const cases: { name: string; github: GitHub; problems: string[] }[] = [
        { name: "valid: IDs, format, template, issuer, environment refs, workflows", github: { ...ok, environments: ["prod"], environmentRefs: ["refs/heads/main", "refs/tags/v*"], ownerId: "1", repositoryId: "2", subjectFormat: SubjectFormat.Both, subjectClaims: ["repo", "context", "job_workflow_ref"], jobWorkflowRef: ["a/b/.github/workflows/c.yml@refs/heads/main"], gheSubdomain: "octocorp" }, problems: [] },
        {
            name: "a template without repo or context, with unknown and repeated keys",
            github: { ...ok, subjectClaims: ["actor", "job_workflow_ref", "job_workflow_ref"] },
            problems: [
                `args.github.subjectClaims[0] = "actor": ecr-ci cannot know this claim's value ahead of time; use only repo, context, job_workflow_ref, repository, repository_owner, repository_id, repository_owner_id, environment (or trust it another way)`,
                `args.github.subjectClaims[2] = "job_workflow_ref": duplicates github.subjectClaims[1]; GitHub's claim keys are unique`,
                `args.github.subjectClaims = ["actor","job_workflow_ref","job_workflow_ref"]: a template without "repo" gives a sub that does not name the repository, so a role trusting it could be assumed from other repositories; add "repo" (e.g. ["repo", "context", "job_workflow_ref"])`,
                `args.github.subjectClaims = ["actor","job_workflow_ref","job_workflow_ref"]: a template without "context" gives the same sub to a push, a pull_request_target run and an environment job; add "context" (e.g. ["repo", "context", "job_workflow_ref"])`,
                `args.github.jobWorkflowRef is required with "job_workflow_ref" in github.subjectClaims: list the reusable workflows whose jobs may assume the role`,
            ],
        },
        {
            name: "template keys that need IDs or an environment-only trust",
            github: { ...ok, subjectClaims: ["repo", "context", "repository_id", "environment"] },
            problems: [
                `args.github.repositoryId is required with "repository_id" in github.subjectClaims: set github.ownerId and github.repositoryId`,
                `args.github.subjectClaims = ["repo","context","repository_id","environment"]: with "environment" in the template only jobs that name an environment get a token; trust github.environments only (remove branches, tags and pullRequests)`,
            ],
        },
        {
            name: "subjectFormat: unknown, and immutable without IDs",
            github: { ...ok, subjectFormat: "new" as SubjectFormat },
            problems: [`args.github.subjectFormat = "new": use "legacy", "immutable", "both"`],
        },
        {
            name: "immutable subjects need the IDs",
            github: { ...ok, subjectFormat: SubjectFormat.Immutable },
            problems: [
                `args.github.subjectFormat = "immutable": the immutable subject repo:OWNER@OWNER_ID/REPO@REPO_ID:… needs github.ownerId and github.repositoryId (npm run github-ids -- OWNER/REPO prints them); set both, or use "legacy"`,
            ],
        },
        {
            name: "three issuers at once, each malformed",
            github: { ...ok, enterpriseSlug: "Acme", gheSubdomain: "octo.corp", serverHost: "https://github.acme.com" },
            problems: [
                `args.github.enterpriseSlug = "Acme": use the enterprise slug: lowercase letters, digits and '-' (e.g. "acme-corp")`,
                `args.github.gheSubdomain = "octo.corp": use the subdomain of your GHE.com enterprise, as in https://SUBDOMAIN.ghe.com: lowercase letters, digits and '-' (e.g. "octocorp")`,
                `args.github.serverHost = "https://github.acme.com": use the GitHub Enterprise Server host name only, no scheme, port or path (e.g. "github.acme.com")`,
                `args.github sets github.enterpriseSlug and github.gheSubdomain and github.serverHost: they name different token issuers (enterpriseSlug: github.com's unique issuer, gheSubdomain: GHE.com, serverHost: GitHub Enterprise Server); keep one`,
            ],
        },
        {
            name: "GitHub Enterprise Server: no immutable subjects, no ref checks, no pull requests",
            github: { ...ok, environments: ["prod"], environmentRefs: ["refs/heads/main"], pullRequests: true, ownerId: "1", repositoryId: "2", subjectFormat: SubjectFormat.Both, serverHost: "github.acme.com" },
            problems: [
                `args.github.subjectFormat = "both": GitHub Enterprise Server sends only legacy subjects (repo:OWNER/REPO:…): use "legacy" or remove it`,
                `args.github.environmentRefs cannot be enforced for GitHub Enterprise Server (STS checks no ref claim for its tokens): remove it, and restrict the environments' deployment branches in GitHub`,
                `args.github.pullRequests cannot be trusted on GitHub Enterprise Server: STS checks no ref claim for its tokens, so a pull_request_target run (which may execute fork code) would present the same subject as a pull request; remove it`,
            ],
        },
        {
            name: "serverHost naming github.com",
            github: { ...ok, serverHost: "github.com" },
            problems: [`args.github.serverHost = "github.com": is not a GitHub Enterprise Server: for github.com remove serverHost; for GHE.com set github.gheSubdomain instead`],
        },
        {
            name: "environmentRefs: bad refs, any with others, without environments",
            github: { ...ok, environments: ["prod"], environmentRefs: ["main", "refs/heads/*", "refs/tags/v1"] },
            problems: [
                `args.github.environmentRefs[0] = "main": use a full branch or tag ref, refs/heads/BRANCH or refs/tags/TAG (patterns with '*', e.g. "refs/heads/main" or "refs/tags/v*"), or "any" alone`,
                `args.github.environmentRefs[1] = "refs/heads/*": a pattern of only '*' matches every branch; name the branches or a narrower pattern (e.g. "main" or "release/*")`,
            ],
        },
        { name: `"any" with other refs`, github: { ...ok, environments: ["prod"], environmentRefs: ["any", "refs/heads/main"] }, problems: [`args.github.environmentRefs = ["any","refs/heads/main"]: "any" accepts every ref: use it alone, or list the refs`] },
        { name: "environmentRefs without environments", github: { ...ok, environmentRefs: ["any"] }, problems: [`args.github.environmentRefs only applies with github.environments: remove it, or list the environments`] },
        {
            name: "jobWorkflowRef: each entry checked",
            github: { ...ok, jobWorkflowRef: ["a/b/.github/workflows/c.yml@refs/heads/main", "a/b/.github/workflows/*.yml@refs/heads/main"] },
            problems: [
                `args.github.jobWorkflowRef[1] = "a/b/.github/workflows/*.yml@refs/heads/main": use the exact reusable workflow reference OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH (or @refs/tags/TAG, or @<40-hex SHA>), no wildcards`,
            ],
        },
    ];
    for (const c of cases) {
        it(c.name, () => assert.deepEqual(problemsOf(c.github), c.problems));
    }

    it("oidcProvider must be the configured issuer's provider", () => {
        const problems = new Problems(argsKey);
        validateOidcProvider(`arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`, { gheSubdomain: "octocorp" }, problems);
        validateOidcProvider(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.octocorp.ghe.com`, { gheSubdomain: "octocorp" }, problems);
        assert.deepEqual(problems.list, [
            `args.oidcProvider = "arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}": use "create", "lookup" (find the account's provider by its URL) or the ARN of the existing GitHub provider, arn:<partition>:iam::<account-id>:oidc-provider/token.actions.octocorp.ghe.com`,
        ]);
    });

    it("no preview role on GitHub Enterprise Server", () => {
        const problems = validateEnvironmentArgs({ environment: "dev", repositories: [{ name: "app-dev" }], github: { ...ok, serverHost: "github.acme.com" }, previewRole: {} });
        assert.deepEqual(problems, [
            `args.previewRole cannot be offered on GitHub Enterprise Server (github.serverHost): STS checks no ref claim for its tokens, so a pull_request_target run could assume it; remove it`,
        ]);
    });

    it("the deployer refuses patterns in environmentRefs", () => {
        const problems = validateDeployerArgs({ github: { owner: "acme", repository: "app", environments: ["prod"], environmentRefs: ["refs/heads/release/*"] }, repositoryNames: ["app-prod"] });
        assert.deepEqual(problems, [`args.github.environmentRefs[0] = "refs/heads/release/*": use an exact name: a pattern also matches branches or environments nobody protected`]);
    });
});
