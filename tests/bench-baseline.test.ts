// The benchmark's baseline (bench/baseline.ts) must register exactly what ecr-ci registers, or the
// ratio `npm run bench` reports compares different work. Also pins the benchmark's one library
// finding: environments share the three target invokes per provider and per run.
import assert from "assert/strict";
import { Provider } from "@pulumi/aws/provider";
import { registerBaseline } from "../bench/baseline";
import { BENCH_WORLD, benchEnvironments, ecrCiArgs, registerEcrCi } from "../bench/scenario";
import { ECR_CI_ENVIRONMENT_TYPE, EcrCiEnvironment } from "../components/resources/environment";
import { AwsMocks, RecordedResource, promiseOf, setAwsMocks, settle } from "../tools/mocks";

/** What must match: type, name, every input, and `protect`. Sorted, so order does not matter. */
function multiset(resources: readonly RecordedResource[]): string[] {
    return resources
        .filter((r) => r.type !== ECR_CI_ENVIRONMENT_TYPE)
        .map((r) => JSON.stringify({ type: r.type, name: r.name, protect: r.protect, inputs: r.inputs }))
        .sort();
}

/** Wait for every environment's outputs and every registration. */
async function finish(environments: readonly EcrCiEnvironment[]): Promise<void> {
    await Promise.all(environments.map((e) => promiseOf(e.githubActionsSnippet)));
    await settle();
}

/** Run one program for `n` environments under fresh mocks and return what it registered. */
async function record(program: "ecr-ci" | "baseline", n: number): Promise<RecordedResource[]> {
    const mocks = await setAwsMocks(BENCH_WORLD, "bench", "bench");
    const envs = benchEnvironments(n);
    if (program === "ecr-ci") {
        await finish(registerEcrCi(envs, EcrCiEnvironment));
    } else {
        registerBaseline(envs);
        await settle();
    }
    return mocks.resources;
}

function invokeCounts(mocks: AwsMocks): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { token } of mocks.invokes) {
        counts[token] = (counts[token] ?? 0) + 1;
    }
    return counts;
}

const ONE_EACH = {
    "aws:index/getCallerIdentity:getCallerIdentity": 1,
    "aws:index/getPartition:getPartition": 1,
    "aws:index/getRegion:getRegion": 1,
};

describe("bench baseline", () => {
    it("registers the same (type, name, protect, inputs) multiset as ecr-ci for 2 environments", async () => {
        const ecrCi = await record("ecr-ci", 2);
        const baseline = await record("baseline", 2);
        assert.equal(ecrCi.filter((r) => r.type === ECR_CI_ENVIRONMENT_TYPE).length, 2);
        // 1 provider + per environment 2 repositories, 2 lifecycle policies, policy, role, attachment.
        assert.equal(baseline.length, 1 + 2 * 7);
        assert.deepEqual(multiset(baseline), multiset(ecrCi));
    });
});

describe("EcrCiEnvironment target invokes (bench finding)", () => {
    it("are made once per run for every environment on the default provider", async () => {
        const mocks = await setAwsMocks(BENCH_WORLD, "bench", "bench");
        await finish(registerEcrCi(benchEnvironments(3), EcrCiEnvironment));
        assert.deepEqual(invokeCounts(mocks), ONE_EACH);
    });

    it("are made once per explicit provider, and not shared with the default one", async () => {
        const mocks = await setAwsMocks(BENCH_WORLD, "bench", "bench");
        const [a, b, c] = benchEnvironments(3);
        const other = new Provider("other", { region: "us-east-1" });
        const first = new EcrCiEnvironment(a.name, ecrCiArgs(a));
        const second = new EcrCiEnvironment(b.name, ecrCiArgs(b, first.oidcProviderArn), { providers: { aws: other } });
        const third = new EcrCiEnvironment(c.name, ecrCiArgs(c, first.oidcProviderArn), { provider: other });
        await finish([first, second, third]);
        assert.deepEqual(invokeCounts(mocks), {
            "aws:index/getCallerIdentity:getCallerIdentity": 2,
            "aws:index/getPartition:getPartition": 2,
            "aws:index/getRegion:getRegion": 2,
        });
    });

    it("are made again in the next run, so a run never sees another run's account or region", async () => {
        await record("ecr-ci", 1);
        const mocks = await setAwsMocks({ accountId: "210987654321", region: "cn-north-1" }, "bench", "bench");
        const [env] = registerEcrCi(benchEnvironments(1), EcrCiEnvironment);
        await finish([env]);
        assert.deepEqual(invokeCounts(mocks), ONE_EACH);
        assert.equal(await promiseOf(env.region), "cn-north-1");
        const [provider] = mocks.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com.cn"]);
    });
});
