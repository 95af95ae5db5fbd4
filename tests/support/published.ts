// The slow, independent half of package.test.ts and schema.test.ts — type-checking the project,
// building, packing and compiling the npm package, and inferring the multi-language schema — runs in
// a worker thread (./publish-worker.ts) that starts when those test files are loaded. Mocha loads every spec file
// before running any test, so the TypeScript work overlaps the other test files on the second core;
// the two test files then await the results in their `before` hooks.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";

/**
 * How long a `before` hook may wait for the worker: its few seconds of CPU can stretch a lot on a
 * busy machine, and the wait also covers whatever the worker could not overlap.
 */
export const WORKER_TIMEOUT_MS = 120_000;

/** The consumer: two environments of one account in one program, sharing dev's OIDC provider. */
export const CONSUMER_PROGRAM = `
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

/** The npm package as packed and installed into a fresh consumer project. */
export interface PublishedPackage {
    /** Diagnostics of the library build with tsconfig.build.json (none when an up-to-date dist/ was reused). */
    readonly buildDiagnostics: string[];
    /** Paths in the tarball, sorted. */
    readonly tarballFiles: string[];
    /** The consumer project: node_modules/ecr-ci is the extracted tarball, bin/index.js the compiled program. */
    readonly consumerDir: string;
    /** Diagnostics of the strict consumer compile. */
    readonly consumerDiagnostics: string[];
    /** Every file of the consumer's TypeScript program. */
    readonly consumerProgramFiles: string[];
}

export interface WorkerData {
    readonly repo: string;
    readonly tmp: string;
}

export type WorkerMessage =
    | { readonly kind: "typecheck"; readonly result: string[] }
    | { readonly kind: "package"; readonly result: PublishedPackage }
    | { readonly kind: "schema"; readonly result: string }
    | { readonly kind: "error"; readonly message: string };

interface Publication {
    /** Every diagnostic of `tsc --noEmit` over tsconfig.json, as text. */
    readonly typeCheck: Promise<string[]>;
    readonly publishedPackage: Promise<PublishedPackage>;
    /** The package schema JSON, as `ComponentProvider#getSchema()` returns it. */
    readonly schema: Promise<string>;
}

let publication: Publication | undefined;

function start(): Publication {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-publish-"));
    process.once("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
    const workerData: WorkerData = { repo: path.resolve(__dirname, "..", ".."), tmp };
    const worker = new Worker(path.join(__dirname, "publish-worker.ts"), {
        execArgv: ["--require", path.resolve(__dirname, "..", "..", "tools", "ts-register.js")],
        workerData,
    });
    // Never keep the test run alive for it (e.g. when --grep skips both test files).
    worker.unref();

    const settle: Partial<Record<"typecheck" | "package" | "schema", { resolve(value: never): void; reject(err: Error): void }>> = {};
    const promiseFor = <T>(kind: "typecheck" | "package" | "schema") =>
        new Promise<T>((resolve, reject) => {
            settle[kind] = { resolve: resolve as (value: never) => void, reject };
        });
    const result: Publication = { typeCheck: promiseFor("typecheck"), publishedPackage: promiseFor("package"), schema: promiseFor("schema") };
    const failAll = (err: Error) => Object.values(settle).forEach((s) => s.reject(err));
    worker.on("message", (message: WorkerMessage) => {
        if (message.kind === "error") {
            failAll(new Error(message.message));
        } else {
            settle[message.kind]!.resolve(message.result as never);
        }
    });
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`the publish worker exited (code ${code}) before reporting`)));
    // A failure is reported by the tests that await it, not as an unhandled rejection meanwhile.
    result.typeCheck.catch(() => undefined);
    result.publishedPackage.catch(() => undefined);
    result.schema.catch(() => undefined);
    return result;
}

/** Start (once) type-checking, building, packing and compiling the package and inferring its schema. */
export function startPublication(): Publication {
    publication ??= start();
    return publication;
}
