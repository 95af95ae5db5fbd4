import assert from "assert/strict";
import { buildTrustPolicy, githubIssuer, githubSubjects, oidcProviderArn } from "../components/core/github";
import type { GitHub } from "../components/contract/args";

const GH = "token.actions.githubusercontent.com";
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GH}`;

describe("githubSubjects", () => {
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
            name: "immutable IDs: both exact forms of every subject, patterns too",
            github: { owner: "acme", repository: "app", branches: ["main", "release/*"], ownerId: "111", repositoryId: "222" },
            exact: ["repo:acme/app:ref:refs/heads/main", "repo:acme@111/app@222:ref:refs/heads/main"],
            patterns: ["repo:acme/app:ref:refs/heads/release/*", "repo:acme@111/app@222:ref:refs/heads/release/*"],
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

    it("pullRequests false adds nothing", () => {
        assert.deepEqual(githubSubjects({ owner: "a", repository: "b", branches: ["main"], pullRequests: false }).exact, [
            "repo:a/b:ref:refs/heads/main",
        ]);
    });
});

describe("githubIssuer / oidcProviderArn", () => {
    it("default issuer", () => {
        assert.deepEqual(githubIssuer(), { url: `https://${GH}`, host: GH });
        assert.equal(oidcProviderArn("aws", "123456789012", githubIssuer()), PROVIDER);
    });
    it("enterprise unique issuer moves URL, ARN and key prefix", () => {
        const issuer = githubIssuer("acme-corp");
        assert.deepEqual(issuer, { url: `https://${GH}/acme-corp`, host: `${GH}/acme-corp` });
        assert.equal(oidcProviderArn("aws-cn", "123456789012", issuer), `arn:aws-cn:iam::123456789012:oidc-provider/${GH}/acme-corp`);
    });
});

describe("buildTrustPolicy", () => {
    it("exact subjects only: one statement, StringEquals aud and sub, nothing else", () => {
        assert.deepEqual(
            buildTrustPolicy({
                providerArn: PROVIDER,
                audience: "sts.amazonaws.com",
                github: { owner: "acme", repository: "app", branches: ["main"] },
            }),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "GitHubActions",
                        Effect: "Allow",
                        Principal: { Federated: PROVIDER },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${GH}:aud`]: "sts.amazonaws.com",
                                [`${GH}:sub`]: ["repo:acme/app:ref:refs/heads/main"],
                            },
                        },
                    },
                ],
            },
        );
    });

    it("exact and pattern subjects are alternatives: separate statements, never ANDed", () => {
        const doc = buildTrustPolicy({
            providerArn: PROVIDER,
            audience: "sts.amazonaws.com",
            github: { owner: "acme", repository: "app", branches: ["main", "release/*"], tags: ["v*"] },
        });
        assert.deepEqual(doc.Statement, [
            {
                Sid: "GitHubActions",
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com", [`${GH}:sub`]: ["repo:acme/app:ref:refs/heads/main"] },
                },
            },
            {
                Sid: "GitHubActionsPatterns",
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" },
                    StringLike: { [`${GH}:sub`]: ["repo:acme/app:ref:refs/heads/release/*", "repo:acme/app:ref:refs/tags/v*"] },
                },
            },
        ]);
    });

    it("patterns only: no empty exact statement", () => {
        const doc = buildTrustPolicy({
            providerArn: PROVIDER,
            audience: "sts.amazonaws.com",
            github: { owner: "acme", repository: "app", tags: ["v*"] },
        });
        assert.deepEqual(
            doc.Statement.map((s) => s.Sid),
            ["GitHubActionsPatterns"],
        );
    });

    it("aws-cn, enterprise slug, immutable IDs and job_workflow_ref together", () => {
        const slug = "acme-corp";
        const key = `${GH}/${slug}`;
        const provider = `arn:aws-cn:iam::123456789012:oidc-provider/${key}`;
        assert.deepEqual(
            buildTrustPolicy({
                providerArn: provider,
                audience: "sts.amazonaws.com.cn",
                github: {
                    owner: "acme",
                    repository: "app",
                    environments: ["production"],
                    ownerId: "111",
                    repositoryId: "222",
                    enterpriseSlug: slug,
                    jobWorkflowRef: "acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
                },
            }),
            {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "GitHubActions",
                        Effect: "Allow",
                        Principal: { Federated: provider },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${key}:aud`]: "sts.amazonaws.com.cn",
                                [`${key}:job_workflow_ref`]: "acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
                                [`${key}:sub`]: ["repo:acme/app:environment:production", "repo:acme@111/app@222:environment:production"],
                            },
                        },
                    },
                ],
            },
        );
    });

    it("never uses set operators or sts:TagSession", () => {
        const text = JSON.stringify(
            buildTrustPolicy({
                providerArn: PROVIDER,
                audience: "sts.amazonaws.com",
                github: { owner: "acme", repository: "app", branches: ["main", "release/*"], tags: ["v*"], pullRequests: true },
            }),
        );
        assert.doesNotMatch(text, /ForAllValues|ForAnyValue|TagSession/);
    });
});
