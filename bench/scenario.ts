// The benchmark's environments: what one program with N environments configures. Shared by the
// ecr-ci side of the benchmark, the hand-written baseline (bench/baseline.ts) and the test that
// proves both register the same resources (tests/bench-baseline.test.ts). Not part of the library.
import type * as pulumi from "@pulumi/pulumi";
import type { EcrCiEnvironment } from "../components/resources/environment";
import { EcrCiEnvironmentArgs, ImageTagMutability } from "../components/contract/args";

/** The mocked account and region every benchmark program deploys to. */
export const BENCH_WORLD = { accountId: "123456789012", region: "eu-west-1" } as const;

/** The GitHub repository every environment trusts. */
export const BENCH_GITHUB = { owner: "acme", repository: "app" } as const;

/** One environment as plain facts: what a person would write down before writing either program. */
export interface BenchEnvironment {
    /** The environment name, e.g. `e007`; also the component's resource name. */
    readonly name: string;
    /** The branch whose workflows may push, e.g. `deploy/e007`. */
    readonly branch: string;
    /** The immutable application repository, default lifecycle (untagged images expire after 14 days). */
    readonly appRepository: string;
    /** The mutable worker repository that also keeps only the newest `workerKeepImages` images. */
    readonly workerRepository: string;
    readonly workerKeepImages: number;
}

/** The `i`-th environment (0-based). The first one creates the account's GitHub OIDC provider. */
export function benchEnvironment(i: number): BenchEnvironment {
    const name = `e${String(i).padStart(3, "0")}`;
    return { name, branch: `deploy/${name}`, appRepository: `app-${name}`, workerRepository: `worker-${name}`, workerKeepImages: 20 };
}

/** Environments 0..n-1. */
export function benchEnvironments(n: number): BenchEnvironment[] {
    return Array.from({ length: n }, (_, i) => benchEnvironment(i));
}

/**
 * The ecr-ci arguments of one environment. `oidcProvider` is undefined for the first environment
 * (it creates the provider) and the first environment's `oidcProviderArn` for the others: there is
 * one GitHub provider per account.
 */
export function ecrCiArgs(env: BenchEnvironment, oidcProvider?: pulumi.Input<string | undefined>): EcrCiEnvironmentArgs {
    return {
        environment: env.name,
        repositories: [
            { name: env.appRepository },
            { name: env.workerRepository, imageTagMutability: ImageTagMutability.Mutable, keepImages: env.workerKeepImages },
        ],
        github: { ...BENCH_GITHUB, branches: [env.branch] },
        ...(oidcProvider === undefined ? {} : { oidcProvider }),
    };
}

/** The ecr-ci program: one `EcrCiEnvironment` per environment, sharing the first one's OIDC provider. */
export function registerEcrCi(envs: readonly BenchEnvironment[], Environment: typeof EcrCiEnvironment): EcrCiEnvironment[] {
    const created: EcrCiEnvironment[] = [];
    for (const env of envs) {
        created.push(new Environment(env.name, ecrCiArgs(env, created[0]?.oidcProviderArn)));
    }
    return created;
}
