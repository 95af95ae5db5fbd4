// The npm package as a consumer gets it: staged, built with tsconfig.build.json, packed with
// `npm pack`, extracted into a fresh consumer project whose strict TypeScript program is compiled
// against the published declarations (all of that in ./support/publish-worker.ts, started when this
// file loads) — then run here under mocks: two environments sharing one OIDC provider.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, RecordedResource, promiseOf, setAwsMocks, settle } from "../tools/mocks";
import { PublishedPackage, WORKER_TIMEOUT_MS, startPublication } from "./support/published";
import { AWS_TYPES, nextUnhandledRejection } from "./support/components";

const publication = startPublication();

const REPO = path.resolve(__dirname, "..");
const ACCOUNT = "123456789012";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const T = { component: "ecr-ci:index:EcrCiEnvironment", ...AWS_TYPES };

/** What the consumer program (CONSUMER_PROGRAM in ./support/published.ts) exports. */
interface ConsumerExports {
    roleArns: pulumi.Output<Record<"dev" | "prod", string | undefined>>;
    oidcProviderArns: pulumi.Output<Record<"dev" | "prod", string | undefined>>;
}

/** The library's sources, relative to components/ (with `/`), in any subdirectory. */
function librarySources(): string[] {
    return fs
        .readdirSync(path.join(REPO, "components"), { recursive: true, encoding: "utf8" })
        .map((f) => f.split(path.sep).join("/"))
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
}

/** The files `npm pack` must publish: the compiled library, package.json, README and LICENSE if present. */
function expectedTarballFiles(): string[] {
    const sources = librarySources();
    const dist = sources.flatMap((f) => {
        const base = `dist/${f.slice(0, -".ts".length)}`;
        return [`${base}.d.ts`, `${base}.js`, `${base}.js.map`];
    });
    const alwaysIncluded = ["README.md", "LICENSE"].filter((f) => fs.existsSync(path.join(REPO, f)));
    return ["package.json", ...alwaysIncluded, ...dist].sort();
}

function only(mocks: AwsMocks, type: string): RecordedResource {
    const found = mocks.ofType(type);
    assert.equal(found.length, 1, `expected exactly one ${type}, found ${found.length}`);
    return found[0];
}

function byName(mocks: AwsMocks, type: string, name: string): RecordedResource {
    const found = mocks.ofType(type).find((r) => r.name === name);
    assert.ok(found, `no ${type} named ${name}`);
    return found;
}

/** Every ECR repository ARN a policy document names, sorted. */
function repositoryArnsIn(policy: RecordedResource): string[] {
    const document = JSON.parse(String(policy.inputs.policy)) as { Statement: { Resource: string | string[] }[] };
    return document.Statement.flatMap((s) => [s.Resource].flat()).filter((r) => r.includes(":repository/")).sort();
}

describe("type check: tsconfig.json (library, program, tests, tools, bootstrap)", () => {
    it("has no errors, as `tsc --noEmit` (npm run typecheck) reports them", async function () {
        this.timeout(WORKER_TIMEOUT_MS);
        assert.deepEqual(await publication.typeCheck, []);
    });
});

describe("npm package: packed, installed and used by a TypeScript consumer", () => {
    let published: PublishedPackage;

    before(async function () {
        this.timeout(WORKER_TIMEOUT_MS);
        published = await publication.publishedPackage;
    });

    it("builds the library with tsconfig.build.json without errors", () => {
        assert.deepEqual(published.buildDiagnostics, []);
    });

    it("publishes the compiled library only: no sources, tests, tools, stacks or examples", () => {
        assert.deepEqual(published.tarballFiles, expectedTarballFiles());
    });

    it("ships source maps that carry their TypeScript sources", () => {
        const dist = path.join(published.consumerDir, "node_modules", "ecr-ci", "dist");
        const sources = librarySources();
        const mismatched = sources.filter((f) => {
            const map = JSON.parse(fs.readFileSync(path.join(dist, f.replace(/\.ts$/, ".js.map")), "utf8")) as { sourcesContent?: string[] };
            return map.sourcesContent?.[0] !== fs.readFileSync(path.join(REPO, "components", f), "utf8");
        });
        assert.deepEqual({ maps: sources.length > 0, mismatched }, { maps: true, mismatched: [] });
    });

    it("compiles a strict consumer against the published declarations, not the sources", () => {
        assert.deepEqual(published.consumerDiagnostics, []);
        const files = published.consumerProgramFiles;
        assert.deepEqual(
            {
                published: files.includes(path.join(published.consumerDir, "node_modules", "ecr-ci", "dist", "index.d.ts")),
                sources: files.filter((f) => f.startsWith(path.join(REPO, "components"))),
            },
            { published: true, sources: [] },
        );
    });

    describe("two environments in one program, one OIDC provider", () => {
        let mocks: AwsMocks;
        let exported: ConsumerExports;

        before(async () => {
            mocks = await setAwsMocks({ accountId: ACCOUNT }, "consumer", "test");
            exported = require(path.join(published.consumerDir, "bin", "index.js")) as ConsumerExports;
            await promiseOf(exported.roleArns);
            await settle();
        });

        it("creates exactly one provider, in dev, and prod reuses its ARN", async () => {
            const provider = only(mocks, T.provider);
            assert.deepEqual(
                { arn: provider.outputs.arn, parent: provider.parent },
                { arn: PROVIDER_ARN, parent: byName(mocks, T.component, "dev").urn },
            );
            assert.deepEqual(await promiseOf(exported.oidcProviderArns), { dev: PROVIDER_ARN, prod: PROVIDER_ARN });
        });

        it("gives each environment its own role, both trusting that provider for their own subjects", async () => {
            const trust = (name: string) => JSON.parse(String(byName(mocks, T.role, name).inputs.assumeRolePolicy));
            const statement = (Sid: string, like: Record<string, string[]>) => ({
                Sid,
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: like },
            });
            assert.deepEqual(
                { dev: trust("dev-ci"), prod: trust("prod-ci") },
                {
                    dev: {
                        Version: "2012-10-17",
                        Statement: [statement("GitHubRefs", { "token.actions.githubusercontent.com:sub": ["repo:acme/app:ref:*"], "token.actions.githubusercontent.com:ref": ["refs/heads/main"] })],
                    },
                    prod: { Version: "2012-10-17", Statement: [statement("GitHubEnvironments", { "token.actions.githubusercontent.com:sub": ["repo:acme/app:environment:production"] })] },
                },
            );
            assert.deepEqual(await promiseOf(exported.roleArns), {
                dev: `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`,
                prod: `arn:aws:iam::${ACCOUNT}:role/ecr-ci-prod`,
            });
        });

        it("gives each environment its own repository, and a policy naming only that repository", () => {
            const component = (env: string) => byName(mocks, T.component, env).urn;
            assert.deepEqual(
                mocks.ofType(T.repository).map((r) => ({ name: r.outputs.name, parent: r.parent })),
                [
                    { name: "app-dev", parent: component("dev") },
                    { name: "app-prod", parent: component("prod") },
                ],
            );
            const repositoryArn = (name: string) => `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/${name}`;
            assert.deepEqual(
                { dev: repositoryArnsIn(byName(mocks, T.policy, "dev-ci")), prod: repositoryArnsIn(byName(mocks, T.policy, "prod-ci")) },
                { dev: [repositoryArn("app-dev")], prod: [repositoryArn("app-prod")] },
            );
            assert.deepEqual(
                mocks.ofType(T.roleAttachment).map((a) => ({ role: a.inputs.role, policyArn: a.inputs.policyArn })),
                [
                    { role: "ecr-ci-dev", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-dev` },
                    { role: "ecr-ci-prod", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-prod` },
                ],
            );
        });
    });

    it("refuses a shared provider Output that resolves to no ARN (the source environment is in user mode)", async () => {
        await setAwsMocks({ accountId: ACCOUNT }, "consumer", "refusal");
        const library = require(path.join(published.consumerDir, "node_modules", "ecr-ci")) as typeof import("../components");
        const failure = nextUnhandledRejection();
        const shared = new library.EcrCiEnvironment("shared", {
            environment: "shared",
            repositories: [{ name: "app-shared" }],
            authMode: library.AuthMode.User,
        });
        new library.EcrCiEnvironment("prod", {
            environment: "prod",
            repositories: [{ name: "app-prod" }],
            github: { owner: "acme", repository: "app", environments: ["production"] },
            oidcProvider: shared.oidcProviderArn,
        });
        const err = await failure;
        assert.equal(
            err.message,
            [
                `error serializing property "assumeRolePolicy": EcrCiEnvironment has invalid arguments: 1 problem:`,
                `  - args.oidcProvider = undefined: an Output must resolve to the ARN of an existing GitHub OIDC provider (e.g. another oidc-mode environment's oidcProviderArn); to create one, leave oidcProvider unset or pass the plain string "create"; to find the account's provider by its URL, pass the plain string "lookup"`,
            ].join("\n"),
        );
    });
});
