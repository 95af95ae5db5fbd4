// Every document the pure core builds for the sample stacks (tests/fixtures/stacks) and two deployer
// scopes, compared whole with golden files under tests/core/golden/: the CI policy, the lifecycle and
// cross-account repository policies, the trust policies, the preview role's policy, the generated
// workflow, the deployer's policy and boundary. The other test files say what these documents must
// mean (evaluator tables); these pin every character, so a changed statement, condition, ARN or
// line of the workflow fails here (and a mutant of the code that writes it dies here: `npm run
// mutate`). Everything is built inside the tests, never while the file loads.
//
// After an intended change: ECR_CI_UPDATE_GOLDEN=1 npm test -- tests/core/documents.test.ts, then
// review the diff of tests/core/golden/ like code.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parseBootstrapConfig } from "../../bootstrap/config";
import { parseStackConfig } from "../../components/contract/parse";
import { AuthMode, type EcrCiEnvironmentArgs } from "../../components/contract/args";
import { validateEnvironmentArgs } from "../../components/core/validate";
import { dnsSuffixOf, partitionOfRegion, stsAudience } from "../../components/core/aws";
import type { PlanTarget } from "../../components/core/capabilities";
import { buildBoundaryPolicy, buildDeployerPolicy, deployerScope, managedRepositoryArns, bootstrapArns } from "../../components/core/deployer-plan";
import { environmentDocuments, environmentLayout, providerArnByUrl, trustDocuments, type ResolvedEnvironmentArgs } from "../../components/core/environment-plan";
import { buildTrustPolicy } from "../../components/core/github";
import { githubActionsSnippet } from "../../components/core/snippet";
import { ROOT, readYaml, stackConfig } from "../support/stacks";

const GOLDEN = path.join(__dirname, "golden");
const STACKS = path.join(ROOT, "tests", "fixtures", "stacks");
const ACCOUNT = "123456789012";
const UPDATE = process.env.ECR_CI_UPDATE_GOLDEN === "1";

/** `actual` equals the golden file `name` (written instead, with ECR_CI_UPDATE_GOLDEN=1). */
function golden(name: string, actual: string): void {
    const file = path.join(GOLDEN, name);
    if (UPDATE) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, actual);
        return;
    }
    assert.equal(actual, fs.readFileSync(file, "utf8"), `${name} differs (after an intended change: ECR_CI_UPDATE_GOLDEN=1)`);
}

function json(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

/** A serialized document as an object, for a readable golden file (whitespace is not part of IAM's document). */
function doc(text: string | undefined): unknown {
    return text === undefined ? undefined : JSON.parse(text);
}

function target(region: string, project: string, stack: string): PlanTarget {
    const partition = partitionOfRegion(region)!;
    return { partition, dnsSuffix: dnsSuffixOf(partition), region, accountId: ACCOUNT, project, stack };
}

/** The documents of validated `args` in `region`, planned as EcrCiEnvironment plans them. */
function planDocuments(args: EcrCiEnvironmentArgs, region: string, stack: string): { documents: string; snippet: string } {
    const resolved = args as ResolvedEnvironmentArgs;
    const where = target(region, "ecr-ci", stack);
    const layout = environmentLayout(args.environment, args);
    const documents = environmentDocuments(layout, resolved, where);
    const providerArn = layout.role ? (providerArnByUrl(layout, where) ?? String(args.oidcProvider)) : undefined;
    const trust = providerArn ? trustDocuments(layout, resolved, where, providerArn) : undefined;
    const snippet = githubActionsSnippet({
        authMode: args.authMode ?? AuthMode.Oidc,
        roleArn: trust?.roleArn,
        region,
        audience: stsAudience(where),
        environment: args.environment,
        github: args.github,
        repositories: layout.repositories.map((r) => ({ name: r.settings.name, url: `${ACCOUNT}.dkr.ecr.${region}.${where.dnsSuffix}/${r.settings.name}` })),
        ...(resolved.ecsDeploy ? { ecs: { clusterArn: resolved.ecsDeploy.clusterArn, services: resolved.ecsDeploy.services } } : {}),
    });
    return {
        documents: json({
            layout,
            repositoryArns: documents.repositoryArns,
            lifecyclePolicies: Object.fromEntries(Object.entries(documents.lifecyclePolicies).map(([k, v]) => [k, doc(v)])),
            repositoryPolicies: Object.fromEntries(Object.entries(documents.repositoryPolicies).map(([k, v]) => [k, doc(v)])),
            ciPolicy: doc(documents.ciPolicy),
            providerArn,
            roleArn: trust?.roleArn,
            trustPolicy: doc(trust?.trustPolicy),
            previewTrustPolicy: doc(trust?.previewTrustPolicy),
            previewPolicy: doc(trust?.previewPolicy),
        }),
        snippet,
    };
}

/** The documents of one sample stack. */
function stackDocuments(stack: string): { documents: string; snippet: string } {
    const config = stackConfig(path.join(STACKS, `${stack}.yaml`));
    return planDocuments(parseStackConfig(config, { project: "ecr-ci", stack }), config["aws:region"], stack);
}

const IDS = { ownerId: "123456789", repositoryId: "987654321" };
const OTHER = "210987654321";
/** Settings no sample stack has, each scenario valid (asserted), planned in its region. */
const SCENARIOS: Record<string, () => { args: Record<string, unknown>; region: string }> = {
    // The provider found by URL, a preview role without a state backend, cross-account pulls,
    // a reusable workflow, both subject forms, environments with their refs, ECS without pass roles.
    lookup: () => ({
        region: "eu-west-1",
        args: {
            environment: "qa",
            repositories: [
                { name: "app-qa", pullAccounts: [OTHER, `arn:aws:iam::${OTHER}:role/puller`], keepImages: 20, untaggedExpiryDays: 3, imageTagMutability: "MUTABLE", scanOnPush: false, forceDelete: true },
                { name: "team/api-qa", pullAccounts: [OTHER] },
            ],
            github: {
                owner: "acme",
                repository: "app",
                branches: ["main"],
                environments: ["qa", "staging"],
                environmentRefs: ["refs/heads/main", "refs/tags/v*"],
                jobWorkflowRef: ["acme/workflows/.github/workflows/deploy.yml@refs/heads/main"],
                subjectFormat: "both",
                ...IDS,
            },
            oidcProvider: "lookup",
            previewRole: { maxSessionDurationSeconds: 7200 },
            maxSessionDurationSeconds: 7200,
            iamPath: "/ci/",
            protect: false,
            tags: { team: "platform" },
            pullFrom: ["app-dev", `arn:aws:ecr:us-east-1:${OTHER}:repository/base`],
            ecsDeploy: { clusterArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/qa`, services: ["web", "api"], passRoleArns: [] },
        },
    }),
    // An existing provider by ARN, pull requests and environments only, a custom subject template
    // with every claim ecr-ci can know, a permissions boundary.
    template: () => ({
        region: "us-east-1",
        args: {
            environment: "review",
            repositories: [{ name: "web-review" }],
            github: {
                owner: "acme",
                repository: "web",
                pullRequests: true,
                environments: ["review"],
                subjectClaims: ["repo", "context", "repository", "repository_owner", "repository_id", "repository_owner_id", "job_workflow_ref"],
                jobWorkflowRef: ["acme/workflows/.github/workflows/a.yml@refs/heads/main", "acme/workflows/.github/workflows/b.yml@refs/tags/v1"],
                ...IDS,
            },
            oidcProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
            permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
            trustPolicyMaxChars: 4096,
        },
    }),
    // An enterprise's unique issuer, tags only, tag-guarded creation.
    enterprise: () => ({
        region: "eu-central-1",
        args: {
            environment: "rel",
            repositories: [{ name: "rel-app" }],
            github: { owner: "acme", repository: "app", tags: ["v*", "release-1"], enterpriseSlug: "acme-corp" },
            createRepositories: { namePrefix: "rel-", requiredTags: { team: "platform", cost: "42" } },
        },
    }),
    // GitHub Enterprise Server (legacy subjects only) and GHE.com, in China and GovCloud.
    server: () => ({
        region: "cn-north-1",
        args: { environment: "cn", repositories: [{ name: "app-cn" }], github: { owner: "acme", repository: "app", branches: ["main", "hotfix/*"], serverHost: "github.acme.com", subjectFormat: "legacy" } },
    }),
    ghe: () => ({
        region: "us-gov-west-1",
        args: { environment: "gov", repositories: [{ name: "app-gov" }], github: { owner: "acme", repository: "app", environments: ["gov"], gheSubdomain: "octocorp", ...IDS } },
    }),
    // An access key user with a boundary and its default path.
    user: () => ({
        region: "eu-west-1",
        args: { environment: "legacy", repositories: [{ name: "app-legacy", pullAccounts: [OTHER] }], authMode: "user", permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, pgpKey: "keybase:acme" },
    }),
};

describe("core documents of settings no sample stack has, whole (golden files)", () => {
    for (const [name, make] of Object.entries(SCENARIOS)) {
        it(`${name}: layout, repositories, CI policy, trust and preview documents, workflow`, () => {
            const { args, region } = make();
            assert.deepEqual(validateEnvironmentArgs(args as unknown as EcrCiEnvironmentArgs), [], "the scenario is valid");
            const planned = planDocuments(args as unknown as EcrCiEnvironmentArgs, region, name);
            golden(`scenarios/${name}.json`, planned.documents);
            golden(`scenarios/${name}.workflow.yml`, planned.snippet);
        });
    }
});

describe("core documents of the sample stacks, whole (golden files)", () => {
    const stacks = fs
        .readdirSync(STACKS)
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => f.replace(/\.yaml$/, ""))
        .sort();
    it("there are sample stacks to plan", () => {
        assert.deepEqual(stacks, ["dev", "prod", "production", "staging", "user"]);
    });
    for (const stack of stacks) {
        it(`${stack}: repositories, CI policy, trust and preview documents`, () => {
            golden(`stacks/${stack}.json`, stackDocuments(stack).documents);
        });
        it(`${stack}: the generated GitHub Actions workflow`, () => {
            golden(`stacks/${stack}.workflow.yml`, stackDocuments(stack).snippet);
        });
    }
});

describe("core documents of the deployer, whole (golden files)", () => {
    const AWS = { partition: "aws", accountId: ACCOUNT, region: "eu-west-1" };
    const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    /** The sample bootstrap (tests/fixtures/bootstrap.yaml): environments, names, state with KMS, provider created. */
    function sample() {
        const config = stackConfig(path.join(ROOT, "tests", "fixtures", "bootstrap.yaml"), "ecr-ci-bootstrap", path.join(ROOT, "bootstrap", "Pulumi.yaml"));
        return parseBootstrapConfig(config);
    }
    /** Everything optional: a reused provider, a prefix, paths, ECS, pulls, branches, China. */
    function full() {
        const cn = { partition: "aws-cn", accountId: ACCOUNT, region: "cn-north-1" };
        const provider = `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
        const args = {
            github: { owner: "acme", repository: "app", branches: ["main", "release/*"], ownerId: "123456789", repositoryId: "987654321" },
            oidcProvider: provider,
            repositoryNamePrefix: "team-a/",
            rolePaths: ["/ecr/", "/"],
            userPaths: ["/ci/"],
            pullFrom: ["base/node", `arn:aws-cn:ecr:cn-northwest-1:210987654321:repository/shared`],
            ecsServiceArns: [`arn:aws-cn:ecs:cn-north-1:${ACCOUNT}:service/main/web`],
            ecsPassRoleArns: [`arn:aws-cn:iam::${ACCOUNT}:role/app-task`],
            stateBackend: { bucket: "acme-state", prefix: "/infra/" },
            tags: { team: "platform" },
        };
        return { args, target: cn, provider };
    }
    it("the sample fixture is the one these files were written from", () => {
        assert.equal(readYaml(path.join(ROOT, "tests", "fixtures", "bootstrap.yaml")).config !== undefined, true);
        assert.deepEqual(sample().repositoryNames, ["app-dev", "app-prod"]);
    });
    for (const [name, make] of [
        ["sample", () => ({ args: sample(), target: AWS, provider: PROVIDER })],
        ["full", full],
    ] as const) {
        it(`${name}: scope, deployer policy, boundary and trust`, () => {
            const { args, target: where, provider } = make();
            const scope = deployerScope(args, where, provider);
            golden(
                `deployer/${name}.json`,
                json({
                    scope,
                    arns: bootstrapArns(scope),
                    managedRepositoryArns: managedRepositoryArns(scope),
                    trustPolicy: buildTrustPolicy({ providerArn: provider, audience: stsAudience({ dnsSuffix: dnsSuffixOf(where.partition) }), github: args.github }),
                    deployerPolicy: buildDeployerPolicy(scope),
                    boundaryPolicy: buildBoundaryPolicy(scope),
                }),
            );
        });
    }
});
