// The method of issue 12 item 5, as tests: every AWS call the real clients of the shipped workflows
// make (tests/fixtures/client-calls.ts, each row citing the client's source at the pinned release) is
// evaluated with the independent evaluator against the policies ecr-ci generates for the sample
// stacks — the CI principal for the application workflow and the snippet, the preview role for
// `pulumi preview`, the deployer for `pulumi up` — and every grant of those policies is used by a row
// or listed, with its reason, as deliberately extra.
import assert from "assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "../bootstrap/config";
import { bootstrapArns, buildDeployerPolicy, deployerScope } from "../components/core/deployer-plan";
import { ecrRepositoryArn } from "../components/core/aws";
import { pullFromArns } from "../components/core/capabilities/promotion";
import { ecsServiceArns } from "../components/core/capabilities/ecs-deploy";
import { stateBackendScope } from "../components/core/capabilities/state-backend";
import { githubIssuer, oidcProviderArn } from "../components/core/github";
import { ENVIRONMENTS_PROJECT } from "../components/core/naming";
import { ACTIONS, PULUMI_CLI_VERSION } from "../components/core/snippet";
import { AuthMode } from "../components/contract/args";
import { type CallScope, CLIENT_CALLS, type ClientCall, DELIBERATELY_EXTRA, type Principal } from "./fixtures/client-calls";
import { FIXTURE_ACCOUNT, type FixtureStack, fixtureStacks } from "./fixtures/stacks";
import { stackConfig } from "./support/stacks";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { type Decision, evaluateIdentity } from "./support/iam-eval";
import { parseWorkflow, stepsOf } from "./support/workflow-checks";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = fixtureStacks();

/** The bootstrap of the sample account (tests/fixtures/bootstrap.yaml): the deployer that runs `pulumi up`. */
const BOOTSTRAP = (() => {
    const args = parseBootstrapConfig(stackConfig(path.join(__dirname, "fixtures", "bootstrap.yaml"), BOOTSTRAP_NAMESPACE, path.join(ROOT, "bootstrap", "Pulumi.yaml")));
    const target = { partition: "aws", region: "eu-west-1", accountId: FIXTURE_ACCOUNT };
    const scope = deployerScope(args, target, oidcProviderArn("aws", FIXTURE_ACCOUNT, githubIssuer()));
    return { args, policy: buildDeployerPolicy(scope) as unknown as PolicyDoc, roleArn: bootstrapArns(target).roleArn };
})();

interface Statement {
    readonly Sid: string;
    readonly Effect: string;
    readonly Action: string | string[];
    readonly Resource: string | string[];
}
interface PolicyDoc {
    readonly Statement: Statement[];
}
const arr = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);
const glob = (pattern: string, value: string): boolean =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i").test(value);

/** The principal, its policy and the scope the rows read, per sample stack; undefined where the stack has no such principal. */
function principalOf(fixture: FixtureStack, principal: Principal): { arn: string; policy: PolicyDoc; scope: CallScope; grantsOf: string } | undefined {
    const t = fixture.target;
    const ecs = fixture.args.ecsDeploy as { clusterArn: string; services: string[]; passRoleArns?: string[] } | undefined;
    const base: CallScope = {
        fixture,
        repositoryArnPrefix: ecrRepositoryArn(t, ""),
        repositoryArns: fixture.args.repositories.map((r) => ecrRepositoryArn(t, r.name)),
        pullFromArns: pullFromArns((fixture.args.pullFrom ?? []) as string[], t),
        serviceArns: ecs ? ecsServiceArns(ecs.clusterArn, ecs.services) : [],
        services: ecs?.services ?? [],
        passRoleArns: ecs?.passRoleArns ?? [],
        taskDefinitionArn: (family, revision) => `arn:${t.partition}:ecs:${t.region}:${t.accountId}:task-definition/${family}:${revision}`,
    };
    const backend = fixture.args.stateBackend;
    const stateOf = (kmsKeyArn: string | undefined): CallScope["state"] => {
        const s = stateBackendScope(t.partition, backend!, ENVIRONMENTS_PROJECT, fixture.stack);
        return { bucketArn: s.bucketArn, base: s.objectPrefix, project: ENVIRONMENTS_PROJECT, stack: fixture.stack, ...(kmsKeyArn ? { kmsKeyArn } : {}) };
    };
    if (principal === "ci") {
        const arn = fixture.roleArn ?? `arn:${t.partition}:iam::${t.accountId}:user/ci/ecr-ci-${fixture.args.environment}`;
        return { arn, policy: fixture.ciPolicy as PolicyDoc, scope: base, grantsOf: fixture.stack };
    }
    if (!backend) {
        return undefined; // no `pulumi preview`/`up` of this stack in the infrastructure workflow
    }
    if (principal === "preview") {
        return fixture.previewPolicy
            ? { arn: fixture.previewRoleArn!, policy: fixture.previewPolicy as PolicyDoc, scope: { ...base, state: stateOf(backend.kmsKeyArn) }, grantsOf: fixture.stack }
            : undefined;
    }
    return { arn: BOOTSTRAP.roleArn, policy: BOOTSTRAP.policy, scope: { ...base, state: stateOf(BOOTSTRAP.args.stateBackend?.kmsKeyArn) }, grantsOf: "bootstrap" };
}

/** What a row must get: Allowed, unless a denial is tolerated, its grant is pending, or the key policy decides too. */
function expectedOf(row: ClientCall): Decision {
    return row.toleratedDenial || row.pendingGrant || row.keyPolicy ? "ImplicitlyDenied" : "Allowed";
}

/** `<grants-of> <principal> <Sid> <action>` of every Allow grant the test accounts for. The deployer: its state statements only. */
function grantKeys(grantsOf: string, principal: Principal, policy: PolicyDoc): string[] {
    return policy.Statement.filter((s) => s.Effect === "Allow" && (principal !== "deployer" || s.Sid.startsWith("State"))).flatMap((s) =>
        arr(s.Action).map((a) => `${grantsOf} ${principal} ${s.Sid} ${a}`),
    );
}

interface Evaluated {
    readonly fixture: string;
    readonly row: ClientCall;
    readonly request: { resource: string; context?: Record<string, string | string[]> };
    readonly principal: NonNullable<ReturnType<typeof principalOf>>;
}

const EVALUATED: Evaluated[] = FIXTURES.flatMap((fixture) =>
    CLIENT_CALLS.flatMap((row) => {
        const principal = principalOf(fixture, row.principal);
        return principal ? row.requests(principal.scope).map((request) => ({ fixture: fixture.stack, row, request, principal })) : [];
    }),
);

describe("client calls: every AWS call of the shipped workflows' clients, under the independent evaluator", () => {
    it("the table has allowed and denied rows, and rows for every principal", () => {
        const decisions = new Set(EVALUATED.map((e) => expectedOf(e.row)));
        assert.deepEqual([...decisions].sort(), ["Allowed", "ImplicitlyDenied"]);
        assert.deepEqual([...new Set(EVALUATED.map((e) => e.row.principal))].sort(), ["ci", "deployer", "preview"]);
    });

    it("every row cites its client's source", () => {
        for (const row of CLIENT_CALLS) {
            assert.ok(row.client && row.source.length > 10, `${row.client} ${row.action}`);
        }
    });

    for (const e of EVALUATED) {
        const expected = expectedOf(e.row);
        const note = e.row.pendingGrant ? ` [pending: ${e.row.pendingGrant}]` : e.row.toleratedDenial ? " [denial tolerated]" : e.row.noPermission ? " [needs no permission]" : e.row.keyPolicy ? " [the key policy decides too]" : "";
        it(`${e.fixture}: ${e.row.client}: ${e.row.call}: ${e.row.principal} ${e.row.action} ${e.request.resource} → ${expected}${note}`, async () => {
            const decision = await evaluateIdentity([e.principal.policy], { principalArn: e.principal.arn, action: e.row.action, resource: e.request.resource, context: e.request.context });
            assert.equal(decision, expected);
        });
    }

    for (const e of EVALUATED.filter((x) => x.row.keyPolicy)) {
        it(`${e.fixture}: ${e.row.principal} ${e.row.action} → Allowed once the key's default key policy delegates to IAM`, async () => {
            // The default key policy (AWS KMS Developer Guide, key-policy-default): the account's IAM policies decide.
            const account = e.request.resource.split(":")[4];
            const keyPolicy = {
                Version: "2012-10-17",
                Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
            };
            const result = await runSimulation(
                {
                    request: { principal: e.principal.arn, action: e.row.action, resource: { resource: e.request.resource, accountId: account }, contextVariables: {} },
                    identityPolicies: [{ name: "identity", policy: e.principal.policy }],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                    resourcePolicy: keyPolicy,
                },
                { simulationMode: "Strict" },
            );
            assert.equal(result.resultType, "single");
            assert.deepEqual(result.resultType === "single" ? [result.overallResult, result.result.ignoredContextKeys] : [], ["Allowed", []]);
        });
    }

    it("every grant is used by a row, or listed with its reason as deliberately extra", async () => {
        const granted = new Set<string>();
        const used = new Set<string>();
        for (const fixture of FIXTURES) {
            for (const principal of ["ci", "preview", "deployer"] as const) {
                const p = principalOf(fixture, principal);
                if (p) {
                    grantKeys(p.grantsOf, principal, p.policy).forEach((k) => granted.add(k));
                }
            }
        }
        for (const e of EVALUATED.filter((x) => expectedOf(x.row) === "Allowed" || x.row.keyPolicy)) {
            for (const s of e.principal.policy.Statement.filter((x) => x.Effect === "Allow")) {
                if (arr(s.Action).some((a) => glob(a, e.row.action)) && arr(s.Resource).some((r) => glob(r, e.request.resource))) {
                    used.add(`${e.principal.grantsOf} ${e.row.principal} ${s.Sid} ${arr(s.Action).find((a) => glob(a, e.row.action))}`);
                }
            }
        }
        const unused = [...granted].filter((k) => !used.has(k)).sort();
        assert.deepEqual(unused, DELIBERATELY_EXTRA.flatMap((x) => x.grants).sort());
    });
});

describe("client calls: the workflows use the releases the table was read from", () => {
    const workflows = [".github/workflows/infrastructure.yml", "examples/app/.github/workflows/app.yml"].map((f) => parseWorkflow(readFileSync(path.join(ROOT, f), "utf8")));
    const clients = [...new Set(CLIENT_CALLS.map((r) => r.client).filter((c) => /^[\w-]+\/[\w-]+@v\d/.test(c)))].sort();

    it("every action client of the table is pinned in snippet.ts ACTIONS at the same release", () => {
        const pinned = Object.values(ACTIONS) as string[];
        assert.deepEqual(clients.filter((c) => !c.startsWith("containers/") && !pinned.includes(c)), []);
    });

    it("each workflow step runs a pinned action, and every pulumi/actions step pins the CLI the DIY rows were read from", () => {
        const steps = workflows.flatMap((w) => stepsOf(w).map((s) => s.step));
        assert.deepEqual(steps.filter((s) => s.uses && !(Object.values(ACTIONS) as string[]).includes(s.uses)).map((s) => s.uses), []);
        const pulumi = steps.filter((s) => s.uses === ACTIONS.pulumi);
        assert.equal(pulumi.length, 2);
        assert.deepEqual(pulumi.map((s) => s.with!["pulumi-version"]), [PULUMI_CLI_VERSION, PULUMI_CLI_VERSION]);
        assert.equal(PULUMI_CLI_VERSION, "3.259.0");
    });

    it("the user-mode sample stack's CI principal is its IAM user", () => {
        const user = FIXTURES.find((f) => f.args.authMode === AuthMode.User)!;
        assert.equal(principalOf(user, "ci")!.arn, "arn:aws-cn:iam::123456789012:user/ci/ecr-ci-ci");
    });
});
