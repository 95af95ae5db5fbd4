// The access diff (tools/access-diff.ts, `npm run plan -- --against`). Plans come from the real
// program (index.ts) under the plan's mocks, one stack config per row of the table below (fixtures
// here, never the user's Pulumi.<stack>.yaml). Each row asserts the whole rendered diff (a golden
// under tests/golden/access-diff/, rewritten with UPDATE_GOLDEN=1) and the verdict; every gained
// atom is proved with the independent evaluator: a concrete request Denied under the old documents
// and Allowed under the new (lost atoms the other way round).
import assert from "assert/strict";
import { sampleStackFile } from "./support/stacks";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    AccessDiff,
    Atom,
    COMMENT_MARKER,
    NO_ACCESS_CHANGES,
    PlanData,
    accessDiff,
    arnCovers,
    atomCovers,
    atomsOf,
    diffAtoms,
    globCovers,
    renderAccessDiff,
    renderAccessDiffJson,
} from "../tools/access-diff";
import { DEFAULT_ACCOUNT_ID, NEW_ACCESS_EXIT_CODE, PROJECT_DIR, PlanResource, loadStack, renderJson, runPlan } from "../tools/plan";
import { PreviousPlanError, readSavedPlan, revisionPlan } from "../tools/previous-plan";
import { Decision, evaluateIdentity, evaluateTrust } from "./support/iam-eval";

const GOLDEN_DIR = path.join(__dirname, "golden", "access-diff");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const STACK = "dev";
const ARN = (resource: string) => `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:${resource}`;
const PROVIDER = ARN("oidc-provider/token.actions.githubusercontent.com");
const KEY = "token.actions.githubusercontent.com";

type Config = Record<string, unknown>;

/** The baseline: an OIDC stack with a protected repository, one exact branch and one release branch. */
const BASE: Config = {
    "aws:region": "eu-west-1",
    "ecr-ci:environment": "dev",
    "ecr-ci:repositories": [{ name: "app" }],
    "ecr-ci:github": { owner: "acme", repository: "app", branches: ["main", "release/1.x"] },
};
const github = (over: Config): Config => ({ ...BASE, "ecr-ci:github": { ...(BASE["ecr-ci:github"] as Config), ...over } });
const ECS = { clusterArn: `arn:aws:ecs:eu-west-1:${DEFAULT_ACCOUNT_ID}:cluster/main`, services: ["web"], passRoleArns: [ARN("role/web-task")] };
const PINNED = github({ jobWorkflowRef: "acme/workflows/.github/workflows/deploy.yml@refs/heads/main" });
const USER: Config = { "aws:region": "eu-west-1", "ecr-ci:environment": "dev", "ecr-ci:authMode": "user", "ecr-ci:repositories": [{ name: "app" }] };

interface Row {
    readonly name: string;
    readonly before: Config;
    readonly after: Config;
    readonly newAccess: boolean;
    /** Numbers of gained / lost atoms per principal id (trust + permissions). */
    readonly atoms: Record<string, [gained: number, lost: number]>;
}

const ROLE = "aws:iam/role:Role dev-ci";
const TABLE: readonly Row[] = [
    { name: "add-branch", before: BASE, after: github({ branches: ["main", "release/1.x", "hotfix"] }), newAccess: true, atoms: { [ROLE]: [1, 0] } },
    { name: "add-tag-pattern", before: BASE, after: github({ tags: ["v*"] }), newAccess: true, atoms: { [ROLE]: [1, 0] } },
    // release/* covers release/1.x: one gained pattern, nothing lost.
    { name: "widen-branch-pattern", before: BASE, after: github({ branches: ["main", "release/*"] }), newAccess: true, atoms: { [ROLE]: [1, 0] } },
    { name: "add-repository", before: BASE, after: { ...BASE, "ecr-ci:repositories": [{ name: "app" }, { name: "api" }] }, newAccess: true, atoms: { [ROLE]: [8, 0] } },
    { name: "enable-ecs-deploy", before: BASE, after: { ...BASE, "ecr-ci:ecsDeploy": ECS }, newAccess: true, atoms: { [ROLE]: [6, 0] } },
    {
        name: "add-service",
        before: { ...BASE, "ecr-ci:ecsDeploy": ECS },
        after: { ...BASE, "ecr-ci:ecsDeploy": { ...ECS, services: ["web", "worker"] } },
        newAccess: true,
        atoms: { [ROLE]: [2, 0] },
    },
    {
        name: "user-to-oidc",
        before: USER,
        after: BASE,
        newAccess: true,
        atoms: { [ROLE]: [11, 0], "aws:iam/user:User dev-ci": [0, 10] },
    },
    { name: "drop-claim-pin", before: PINNED, after: BASE, newAccess: true, atoms: { [ROLE]: [2, 0] } },
    { name: "add-claim-pin", before: BASE, after: PINNED, newAccess: false, atoms: { [ROLE]: [0, 2] } },
    { name: "rename-repository", before: BASE, after: { ...BASE, "ecr-ci:repositories": [{ name: "application" }] }, newAccess: true, atoms: { [ROLE]: [8, 8] } },
    {
        name: "reorder",
        before: { ...BASE, "ecr-ci:repositories": [{ name: "app" }, { name: "api" }] },
        after: { ...BASE, "ecr-ci:repositories": [{ name: "api" }, { name: "app" }], "ecr-ci:github": { repository: "app", branches: ["release/1.x", "main"], owner: "acme" } },
        newAccess: false,
        atoms: {},
    },
];

let tmp: string;
let counter = 0;

/** The plan of the real program for one config (stack `dev`), as `--json` would save it. */
async function planOf(config: Config): Promise<PlanData> {
    const file = path.join(tmp, `Pulumi.${STACK}.${counter++}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config }));
    const plan = await runPlan(loadStack({ stack: STACK, json: false, accountId: DEFAULT_ACCOUNT_ID, configFile: file }));
    return JSON.parse(renderJson(plan)) as PlanData;
}

function golden(name: string, text: string): void {
    const file = path.join(GOLDEN_DIR, `${name}.md`);
    if (UPDATE) {
        fs.mkdirSync(GOLDEN_DIR, { recursive: true });
        fs.writeFileSync(file, text);
    }
    assert.equal(text, fs.readFileSync(file, "utf8"), `golden ${path.relative(PROJECT_DIR, file)} (UPDATE_GOLDEN=1 rewrites it)`);
}

// ---------------------------------------------------------------------------------------------
// The evaluator's view of a plan: documents read straight from the resources (not from the diff).

interface Documents {
    readonly arn: string;
    readonly trust?: object;
    readonly policies: object[];
}

function documentsOf(plan: PlanData, id: string): Documents | undefined {
    const r = plan.resources.find((x) => `${x.type} ${x.name}` === id);
    if (!r) {
        return undefined;
    }
    const name = r.outputs.name;
    const attachment = r.type === "aws:iam/role:Role" ? "aws:iam/rolePolicyAttachment:RolePolicyAttachment" : "aws:iam/userPolicyAttachment:UserPolicyAttachment";
    const field = r.type === "aws:iam/role:Role" ? "role" : "user";
    const arns = plan.resources.filter((x) => x.type === attachment && x.inputs[field] === name).map((x) => x.inputs.policyArn);
    const policies = plan.resources.filter((x) => x.type === "aws:iam/policy:Policy" && arns.includes(x.outputs.arn)).map((x) => JSON.parse(String(x.inputs.policy)) as object);
    return {
        arn: String(r.outputs.arn),
        ...(typeof r.inputs.assumeRolePolicy === "string" ? { trust: JSON.parse(r.inputs.assumeRolePolicy) as object } : {}),
        policies,
    };
}

/** A value that a pattern matches. */
const concrete = (pattern: string) => (pattern === "*" ? pattern : pattern.replace(/[*?]/g, "x"));

/** The decision for the request an atom describes, under one side's documents (absent principal: no access). */
async function decide(docs: Documents | undefined, atom: Atom): Promise<Decision | "NoSuchPrincipal"> {
    if (docs === undefined) {
        return "NoSuchPrincipal";
    }
    if (atom.principal !== undefined) {
        assert.ok(docs.trust, "a trust atom belongs to a role");
        const claims = Object.fromEntries(
            atom.conditions.map((c) => {
                assert.ok(c.key.startsWith(`${KEY}:`), c.key);
                return [c.key.slice(KEY.length + 1), concrete(c.values[0])];
            }),
        );
        assert.equal(atom.principal, `Federated: ${PROVIDER}`);
        return evaluateTrust(docs.trust, { providerArn: PROVIDER, roleArn: docs.arn, claims });
    }
    const context = Object.fromEntries(atom.conditions.map((c) => [c.key, concrete(c.values[0])]));
    const request = { principalArn: docs.arn, action: atom.action, resource: concrete(atom.resource!), context };
    try {
        return await evaluateIdentity(docs.policies, request);
    } catch (err) {
        // `*` on an action the catalogue gives a resource type (ecs:DescribeTaskDefinition): one concrete resource of it.
        if (!/needs a concrete resource ARN/.test((err as Error).message)) {
            throw err;
        }
        return evaluateIdentity(docs.policies, { ...request, resource: `arn:aws:ecs:eu-west-1:${DEFAULT_ACCOUNT_ID}:task-definition/app:1` });
    }
}

const ACCESS_KEY = /^anyone holding access key /;

async function proveAtoms(before: PlanData, after: PlanData, diff: AccessDiff): Promise<number> {
    let proved = 0;
    for (const p of diff.principals) {
        const [old, now] = [documentsOf(before, p.id), documentsOf(after, p.id)];
        for (const [atoms, from, to] of [
            [[...p.trust.gained, ...p.permissions.gained], old, now],
            [[...p.trust.lost, ...p.permissions.lost], now, old],
        ] as const) {
            for (const atom of atoms) {
                if (atom.principal !== undefined && ACCESS_KEY.test(atom.principal)) {
                    // A user's access key: no policy to evaluate; it exists on exactly one side.
                    const key = atom.principal.replace(ACCESS_KEY, "");
                    assert.equal([from, to].filter((d) => d !== undefined).length, 1, `${p.id}: access key ${key} on one side only`);
                    continue;
                }
                const label = `${p.id}: ${JSON.stringify(atom)}`;
                assert.equal(await decide(to, atom), "Allowed", `${label} is allowed where it is listed`);
                assert.notEqual(await decide(from, atom), "Allowed", `${label} is not allowed on the other side`);
                proved++;
            }
        }
    }
    return proved;
}

// ---------------------------------------------------------------------------------------------

describe("access diff: the table of changes (real program, golden output, evaluator proofs)", function () {
    this.timeout(60000);
    const plans = new Map<Config, Promise<PlanData>>();
    const planFor = (config: Config) => {
        if (!plans.has(config)) {
            plans.set(config, planOf(config));
        }
        return plans.get(config)!;
    };

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-access-diff-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    for (const row of TABLE) {
        it(`${row.name}: ${row.newAccess ? "new access" : "no new access"}`, async () => {
            // Plans one after another: each runs the program in this process's one Pulumi runtime.
            const before = await planFor(row.before);
            const after = await planFor(row.after);
            const diff = accessDiff(before, after, "base");
            golden(row.name, renderAccessDiff(diff));
            assert.equal(diff.newAccess, row.newAccess);
            assert.deepEqual(
                Object.fromEntries(diff.principals.map((p) => [p.id, [p.trust.gained.length + p.permissions.gained.length, p.trust.lost.length + p.permissions.lost.length]])),
                row.atoms,
            );
            const proved = await proveAtoms(before, after, diff);
            const total = Object.values(row.atoms).reduce((n, [g, l]) => n + g + l, 0);
            assert.ok(proved > 0 || total === 0, "at least one evaluator proof");
        });
    }

    it("rename-repository: the protected repository's removal is called out, and nothing is 'replaced' by URN", async () => {
        const diff = accessDiff(await planFor(BASE), await planFor({ ...BASE, "ecr-ci:repositories": [{ name: "application" }] }), "base");
        const repo = diff.resources.find((r) => r.type === "aws:ecr/repository:Repository" && r.change === "removed");
        assert.deepEqual(repo && { name: repo.name, protect: repo.protect, warnings: repo.warnings }, {
            name: "dev-app",
            protect: true,
            warnings: [
                "deletes the repository (ECR refuses while it holds images: forceDelete is off)",
                "a repository cannot be renamed: a new name is a new, empty repository",
                "blocked by protect: `pulumi up` fails until protect is lifted",
            ],
        });
    });

    it("reorder: identical decisions for every request of the old plan under both plans", async () => {
        const row = TABLE.find((r) => r.name === "reorder")!;
        const [before, after] = [await planFor(row.before), await planFor(row.after)];
        const [old, now] = [documentsOf(before, ROLE)!, documentsOf(after, ROLE)!];
        const atoms = [...atomsOf(old.trust), ...old.policies.flatMap((p) => atomsOf(p))];
        assert.ok(atoms.length > 10);
        for (const atom of atoms) {
            assert.equal(await decide(now, atom), await decide(old, atom), JSON.stringify(atom));
        }
    });

    it("reformatted, reordered and regrouped documents: no access changes", async () => {
        const before = await planFor(BASE);
        const rewrite = (text: unknown, regroup: boolean): string => {
            const doc = JSON.parse(String(text)) as { Statement: Record<string, unknown>[] };
            const statements = doc.Statement.map((s): Record<string, unknown> => ({ ...s, Action: Array.isArray(s.Action) ? [...(s.Action as string[])].reverse() : [s.Action] })).reverse();
            // Subjects moved into a statement each: the same OR, written differently.
            const split = regroup
                ? statements.flatMap((s) => {
                      const equals = (s.Condition as Record<string, Record<string, unknown>>).StringEquals;
                      const subs = equals[`${KEY}:sub`];
                      return Array.isArray(subs) ? subs.map((sub) => ({ ...s, Sid: undefined, Condition: { StringEquals: { ...equals, [`${KEY}:sub`]: sub } } })) : [s];
                  })
                : statements;
            return JSON.stringify({ Statement: split, Version: "2012-10-17" }, null, 4);
        };
        const after: PlanData = {
            stack: before.stack,
            resources: before.resources.map((r): PlanResource => {
                if (r.type === "aws:iam/role:Role") {
                    return { ...r, inputs: { ...r.inputs, assumeRolePolicy: rewrite(r.inputs.assumeRolePolicy, true) } };
                }
                return r.type === "aws:iam/policy:Policy" ? { ...r, inputs: { ...r.inputs, policy: rewrite(r.inputs.policy, false) } } : r;
            }),
        };
        const diff = accessDiff(before, after, "base");
        assert.deepEqual([diff.newAccess, diff.principals], [false, []]);
        const text = renderAccessDiff(diff);
        assert.ok(text.startsWith(`${COMMENT_MARKER}\n`) && text.includes(`**${NO_ACCESS_CHANGES}**`), text);
        const [old, now] = [documentsOf(before, ROLE)!, documentsOf(after, ROLE)!];
        for (const atom of [...atomsOf(old.trust), ...old.policies.flatMap((p) => atomsOf(p))]) {
            assert.equal(await decide(now, atom), await decide(old, atom), JSON.stringify(atom));
        }
    });
});

describe("access diff: coverage with IAM wildcard semantics", () => {
    const cases: [string, string, boolean][] = [
        ["release/*", "release/1.x", true],
        ["release/*", "release/*", true],
        ["release/1.x", "release/*", false],
        ["v*", "v1.?", true],
        ["v?", "v*", false],
        ["repo:acme/*", "repo:acme/app:ref:refs/heads/main", true],
        ["*", "anything", true],
        ["a*b", "a*c", false],
    ];
    for (const [outer, inner, expected] of cases) {
        it(`${outer} ${expected ? "covers" : "does not cover"} ${inner}`, () => assert.equal(globCovers(outer, inner), expected));
    }

    it("ARNs compare segment by segment; * covers every ARN", () => {
        assert.deepEqual(
            [
                arnCovers("arn:aws:ecr:*:123456789012:repository/app-*", "arn:aws:ecr:eu-west-1:123456789012:repository/app-dev"),
                arnCovers("arn:aws:ecr:eu-*", "arn:aws:ecr:eu-west-1:123456789012:repository/app"),
                arnCovers("*", "arn:aws:ecr:eu-west-1:123456789012:repository/app"),
                arnCovers("arn:aws:ecr:eu-west-1:123456789012:repository/app", "*"),
            ],
            [true, false, true, false],
        );
    });

    const trust = (conditions: Record<string, Record<string, string | string[]>>) =>
        ({ Statement: [{ Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Condition: conditions }] });
    const sub = "repo:acme/app:ref:refs/heads/main";
    const aud = { [`${KEY}:aud`]: "sts.amazonaws.com" };

    it("a new repository_id pin is narrower: nothing gained, the unpinned subject lost — and the evaluator agrees", async () => {
        const before = trust({ StringEquals: { ...aud, [`${KEY}:sub`]: sub } });
        const after = trust({ StringEquals: { ...aud, [`${KEY}:sub`]: sub, [`${KEY}:repository_id`]: "456" } });
        const { gained, lost } = diffAtoms(atomsOf(before), atomsOf(after));
        assert.deepEqual([gained.length, lost.length], [0, 1]);
        const request = (claims: Record<string, string>) => ({ providerArn: PROVIDER, roleArn: ARN("role/ecr-ci-dev"), claims: { aud: "sts.amazonaws.com", sub, ...claims } });
        assert.deepEqual(
            [await evaluateTrust(before, request({})), await evaluateTrust(after, request({})), await evaluateTrust(after, request({ repository_id: "456" }))],
            ["Allowed", "ImplicitlyDenied", "Allowed"],
        );
    });

    it("a dropped condition is wider; a condition-free statement covers the same statement with conditions", () => {
        const withCondition: Atom = { effect: "Allow", action: "iam:PassRole", resource: ARN("role/x"), conditions: [{ operator: "StringEquals", key: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }] };
        const without: Atom = { ...withCondition, conditions: [] };
        assert.deepEqual([atomCovers(without, withCondition), atomCovers(withCondition, without)], [true, false]);
    });

    it("actions compare case-insensitively with wildcards; a removed Deny is gained access", () => {
        const star: Atom = { effect: "Allow", action: "ecr:*", resource: "*", conditions: [] };
        const one: Atom = { effect: "Allow", action: "ECR:PutImage", resource: "*", conditions: [] };
        assert.deepEqual([atomCovers(star, one), atomCovers(one, star)], [true, false]);
        const deny: Atom = { effect: "Deny", action: "ecr:DeleteRepository", resource: "*", conditions: [] };
        assert.deepEqual(diffAtoms([star, deny], [star]), { gained: [deny], lost: [] });
    });

    it("ForAllValues value sets are not split: a larger allowed set is wider", () => {
        const tags = (keys: string[]) => atomsOf({ Statement: [{ Effect: "Allow", Action: "ecr:CreateRepository", Resource: "*", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": keys } } }] });
        assert.deepEqual(
            [diffAtoms(tags(["a"]), tags(["a", "b"])).gained.length, diffAtoms(tags(["a", "b"]), tags(["a"])).gained.length],
            [1, 0],
        );
    });
});

// ---------------------------------------------------------------------------------------------
// The command

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** `npm run plan -- <args>` as its own process. */
function plan(args: readonly string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "./tools/ts-register.js", "tools/plan.ts", ...args], { cwd: PROJECT_DIR, env: { ...process.env, NO_COLOR: "1" } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/**
 * The runs that need no file of the `before` below, started when this file loads (mocha loads every
 * test file before running any), so they overlap with the tests before them: `--against HEAD` runs
 * two plans one after the other (the revision's in a child of its own).
 */
const earlyRuns = {
    // The example stack as shipped (tests/fixtures/examples): the root stack files are the user's.
    head: plan(["--stack", STACK, "--config-file", sampleStackFile("dev"), "--against", "HEAD", "--fail-on-new-access"]),
    unknownRevision: plan(["--stack", STACK, "--against", "no-such-rev"]),
};

describe("access diff: the command (--against a file or a revision, --fail-on-new-access, --json)", function () {
    this.timeout(90000);
    let dir: string;
    let files: { saved: string; wider: string };
    let runs: Record<"failing" | "plain" | "json" | "head" | "unknownRevision", Promise<Run>>;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-ci-against-test-"));
        files = { saved: path.join(dir, "base.json"), wider: path.join(dir, `Pulumi.${STACK}.yaml`) };
        const base = path.join(dir, "base.yaml");
        fs.writeFileSync(base, YAML.stringify({ config: BASE }));
        fs.writeFileSync(files.wider, YAML.stringify({ config: github({ tags: ["v*"] }) }));
        // The saved plan, as `plan --json` writes it (renderJson of runPlan; the command's own --json
        // output is tested in plan.test.ts): made here, in this process, not in one more child.
        fs.writeFileSync(files.saved, renderJson(await runPlan(loadStack({ stack: STACK, json: true, configFile: base, accountId: DEFAULT_ACCOUNT_ID }))));
        // Every command run of the tests below, started together so they overlap; awaited by the tests.
        // (Those against the saved plan need it, so they start here.)
        const args = ["--stack", STACK, "--config-file", files.wider, "--against", files.saved];
        runs = {
            failing: plan([...args, "--fail-on-new-access"]),
            plain: plan(args),
            json: plan([...args, "--json"]),
            ...earlyRuns,
        };
    });
    after(async () => {
        await Promise.all(Object.values(runs ?? {}));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("--fail-on-new-access exits 2 and prints the diff; without it, 0", async () => {
        const [failing, plain, json] = await Promise.all([runs.failing, runs.plain, runs.json]);
        assert.equal(failing.code, NEW_ACCESS_EXIT_CODE, failing.stderr);
        assert.equal(plain.code, 0, plain.stderr);
        assert.equal(failing.stdout, plain.stdout);
        assert.ok(plain.stdout.startsWith(`${COMMENT_MARKER}\n## Access review: stack \`dev\` against \`${files.saved}\``), plain.stdout);
        assert.match(
            plain.stdout,
            /\+ {5}when StringEquals token\.actions\.githubusercontent\.com:aud = sts\.amazonaws\.com\n\+ {6}and StringLike token\.actions\.githubusercontent\.com:ref = refs\/tags\/v\*\n\+ {6}and StringLike token\.actions\.githubusercontent\.com:sub = repo:acme\/app:ref:\*\n/,
        );
        const data = JSON.parse(json.stdout) as AccessDiff;
        assert.equal(json.stdout, renderAccessDiffJson(data));
        assert.deepEqual([data.newAccess, data.principals.map((p) => [p.id, p.trust.gained.length])], [true, [[ROLE, 1]]]);
    });

    it("--against HEAD: the revision's own plan of the committed stack file (dev: no access changes)", async () => {
        const run = await runs.head;
        assert.equal(run.code, 0, run.stderr);
        assert.ok(run.stdout.includes(`**${NO_ACCESS_CHANGES}**`), run.stdout);
    });

    it("a stack file missing at the revision is an empty plan: everything is added", () => {
        // A name no user stack has (the root stack files are the user's).
        assert.deepEqual(
            revisionPlan({ projectDir: PROJECT_DIR, revision: "HEAD", stack: "no-such-stack", accountId: DEFAULT_ACCOUNT_ID, stackFile: "Pulumi.no-such-stack.yaml" }),
            { stack: "no-such-stack", resources: [] },
        );
    });

    it("an unknown revision, or a saved plan of another stack, is a user error", async () => {
        assert.throws(
            () => revisionPlan({ projectDir: PROJECT_DIR, revision: "no-such-rev", stack: STACK, accountId: DEFAULT_ACCOUNT_ID, stackFile: "Pulumi.dev.yaml" }),
            (err: unknown) => err instanceof PreviousPlanError && err.message === `--against no-such-rev: neither a plan file nor a git revision of ${PROJECT_DIR}`,
        );
        assert.throws(
            () => readSavedPlan(files.saved, "prod"),
            (err: unknown) => err instanceof PreviousPlanError && err.message === `--against ${files.saved} is a plan of stack dev, not prod`,
        );
        const run = await runs.unknownRevision;
        assert.deepEqual(run, { code: 1, stdout: "", stderr: `--against no-such-rev: neither a plan file nor a git revision of ${PROJECT_DIR}\n` });
    });
});
