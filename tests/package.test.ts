// The npm package as a consumer gets it: the repository's files are staged in a temporary directory,
// the library is built there with tsconfig.build.json, `npm pack` makes the tarball, the tarball is
// extracted into a fresh consumer project (offline: its @pulumi dependencies are this repository's
// node_modules), a strict TypeScript program is compiled against the *published* declarations and
// run under mocks.
//
// Speed: the build and the consumer compile run in this process and share the parsed declaration
// files of node_modules (the bulk of both compiles); `npm pack --ignore-scripts` then packs the
// staged build instead of running the `prepare` build a second time.
import assert from "assert/strict";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as ts from "typescript";
import * as pulumi from "@pulumi/pulumi";
import { AwsMocks, RecordedResource, promiseOf, setAwsMocks, settle } from "../tools/mocks";

const exec = promisify(execFile);
const REPO = path.resolve(__dirname, "..");
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const ACCOUNT = "123456789012";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const T = {
    component: "ecr-ci:index:EcrCiEnvironment",
    provider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    repository: "aws:ecr/repository:Repository",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
};

/** The consumer: two environments of one account in one program, sharing dev's OIDC provider. */
const CONSUMER_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { EcrCiEnvironment } from "ecr-ci";

const github = { owner: "acme", repository: "app" };

// Creates the account's GitHub OIDC provider (oidcProvider defaults to "create").
const dev = new EcrCiEnvironment("dev", {
    environment: "dev",
    repositories: [{ name: "app-dev" }],
    github: { ...github, branches: ["main"] },
});

// Same account: there is one provider per URL, so prod trusts dev's (an Output, passed as is).
const prod = new EcrCiEnvironment("prod", {
    environment: "prod",
    repositories: [{ name: "app-prod" }],
    github: { ...github, environments: ["production"] },
    oidcProvider: dev.oidcProviderArn,
});

export const roleArns = pulumi.all({ dev: dev.roleArn, prod: prod.roleArn });
export const oidcProviderArns = pulumi.all({ dev: dev.oidcProviderArn, prod: prod.oidcProviderArn });
`;

interface ConsumerExports {
    roleArns: pulumi.Output<Record<"dev" | "prod", string | undefined>>;
    oidcProviderArns: pulumi.Output<Record<"dev" | "prod", string | undefined>>;
}

/** Declaration files of node_modules, parsed (and bound) once for every program of this test. */
const sharedDeclarations = new Map<string, ts.SourceFile>();

function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        if (!fileName.includes(NODE_MODULES)) {
            return read(fileName, languageVersion, onError, shouldCreate);
        }
        let file = sharedDeclarations.get(fileName);
        if (!file) {
            file = read(fileName, languageVersion, onError, shouldCreate);
            if (file) {
                sharedDeclarations.set(fileName, file);
            }
        }
        return file;
    };
    return host;
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string[] {
    return diagnostics.map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => REPO, getNewLine: () => "\n" }).trim());
}

/** Compile and emit; returns the program and every diagnostic as text. */
function compile(rootNames: readonly string[], options: ts.CompilerOptions): { program: ts.Program; diagnostics: string[] } {
    const program = ts.createProgram({ rootNames, options, host: compilerHost(options) });
    const emitted = program.emit();
    return { program, diagnostics: formatDiagnostics([...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]) };
}

/** Copy the files a checkout of the repository has (tracked and new, not ignored) to `dir`. */
async function stageRepository(dir: string): Promise<void> {
    const { stdout } = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO });
    for (const file of stdout.split("\0").filter((f) => f && fs.existsSync(path.join(REPO, f)))) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** `tsc -p tsconfig.build.json`, in process. */
function buildLibrary(dir: string): string[] {
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.build.json"), {}, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(formatDiagnostics([d]).join("\n")),
    });
    assert.ok(parsed);
    return compile(parsed.fileNames, parsed.options).diagnostics;
}

/** `npm pack` of the staged build: the tarball's path and its file list. */
async function pack(dir: string, destination: string): Promise<{ tarball: string; files: string[] }> {
    const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--offline", "--pack-destination", destination], { cwd: dir });
    const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    return { tarball: path.join(destination, result.filename), files: result.files.map((f) => f.path).sort() };
}

/** A consumer project with the tarball extracted as node_modules/ecr-ci (what `npm install` unpacks). */
async function consumerProject(dir: string, tarball: string): Promise<void> {
    const installed = path.join(dir, "node_modules", "ecr-ci");
    fs.mkdirSync(installed, { recursive: true });
    await exec("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
    fs.symlinkSync(path.join(REPO, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, dependencies: { "ecr-ci": `file:${tarball}` } }));
    fs.writeFileSync(path.join(dir, "index.ts"), CONSUMER_PROGRAM);
}

/** The files `npm pack` must publish: the compiled library, package.json, README and LICENSE if present. */
function expectedTarballFiles(): string[] {
    const sources = fs.readdirSync(path.join(REPO, "components")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
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

/**
 * The next unhandled rejection, which is how the runtime surfaces an input that fails to resolve.
 * Mocha's own handler is set aside meanwhile, so the expected failure does not fail the test.
 */
function nextUnhandledRejection(timeoutMs = 5000): Promise<Error> {
    const saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const restore = () => {
        process.removeAllListeners("unhandledRejection");
        saved.forEach((l) => process.on("unhandledRejection", l));
    };
    return new Promise<Error>((resolve, reject) => {
        const timer = setTimeout(() => (restore(), reject(new Error("no failure reported"))), timeoutMs);
        process.once("unhandledRejection", (reason) => {
            clearTimeout(timer);
            restore();
            resolve(reason as Error);
        });
    });
}

describe("npm package: packed, installed and used by a TypeScript consumer", () => {
    let tmp: string;
    let consumerDir: string;
    let buildDiagnostics: string[];
    let tarballFiles: string[];
    let consumer: { program: ts.Program; diagnostics: string[] };

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-package-"));
        const stage = path.join(tmp, "repo");
        consumerDir = path.join(tmp, "consumer");
        await stageRepository(stage);
        buildDiagnostics = buildLibrary(stage);
        const packed = await pack(stage, tmp);
        tarballFiles = packed.files;
        await consumerProject(consumerDir, packed.tarball);
        consumer = compile([path.join(consumerDir, "index.ts")], {
            strict: true,
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            skipLibCheck: true,
            types: [],
            outDir: path.join(consumerDir, "bin"),
        });
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("builds the library with tsconfig.build.json without errors", () => {
        assert.deepEqual(buildDiagnostics, []);
    });

    it("publishes the compiled library only: no sources, tests, tools, stacks or examples", () => {
        assert.deepEqual(tarballFiles, expectedTarballFiles());
    });

    it("ships source maps that carry their TypeScript sources", () => {
        const dist = path.join(consumerDir, "node_modules", "ecr-ci", "dist");
        const maps = fs.readdirSync(dist).filter((f) => f.endsWith(".js.map"));
        const mismatched = maps.filter((m) => {
            const map = JSON.parse(fs.readFileSync(path.join(dist, m), "utf8")) as { sourcesContent?: string[] };
            const source = fs.readFileSync(path.join(REPO, "components", m.replace(/\.js\.map$/, ".ts")), "utf8");
            return map.sourcesContent?.[0] !== source;
        });
        assert.deepEqual(mismatched, []);
    });

    it("compiles a strict consumer against the published declarations, not the sources", () => {
        assert.deepEqual(consumer.diagnostics, []);
        const files = consumer.program.getSourceFiles().map((f) => path.resolve(f.fileName));
        assert.deepEqual(
            {
                published: files.includes(path.join(consumerDir, "node_modules", "ecr-ci", "dist", "index.d.ts")),
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
            exported = require(path.join(consumerDir, "bin", "index.js")) as ConsumerExports;
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
            const statement = (sub: string) => ({
                Sid: "GitHubActions",
                Effect: "Allow",
                Principal: { Federated: PROVIDER_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": [sub] },
                },
            });
            assert.deepEqual(
                { dev: trust("dev-ci"), prod: trust("prod-ci") },
                {
                    dev: { Version: "2012-10-17", Statement: [statement("repo:acme/app:ref:refs/heads/main")] },
                    prod: { Version: "2012-10-17", Statement: [statement("repo:acme/app:environment:production")] },
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
                mocks.ofType(T.attachment).map((a) => ({ role: a.inputs.role, policyArn: a.inputs.policyArn })),
                [
                    { role: "ecr-ci-dev", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-dev` },
                    { role: "ecr-ci-prod", policyArn: `arn:aws:iam::${ACCOUNT}:policy/ecr-ci-prod` },
                ],
            );
        });
    });

    it("refuses a shared provider Output that resolves to no ARN (the source environment is in user mode)", async () => {
        await setAwsMocks({ accountId: ACCOUNT }, "consumer", "refusal");
        const published = require(path.join(consumerDir, "node_modules", "ecr-ci")) as typeof import("../components");
        const failure = nextUnhandledRejection();
        const shared = new published.EcrCiEnvironment("shared", {
            environment: "shared",
            repositories: [{ name: "app-shared" }],
            authMode: published.AuthMode.User,
        });
        new published.EcrCiEnvironment("prod", {
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
                `  - args.oidcProvider = undefined: an Output must resolve to the ARN of an existing GitHub OIDC provider (e.g. another oidc-mode environment's oidcProviderArn); to create one, leave oidcProvider unset or pass the plain string "create"`,
            ].join("\n"),
        );
    });
});
