// The delivery workflows: the infrastructure pipeline (.github/workflows/infrastructure.yml) and the
// example application pipeline (examples/app/.github/workflows/app.yml). Checked offline against
// GitHub's workflow schema (@action-validator/core, WebAssembly) and for the semantics that matter:
// pinned actions, OIDC permissions, no long-lived keys, the STS audience, where PR write access
// lives, which stack outputs feed which inputs, and the OIDC subject each job presents to its role.
import assert from "assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { validateWorkflow, type ValidationError } from "@action-validator/core";
import * as ts from "typescript";
import * as YAML from "yaml";
import { stsAudience } from "../components/core/aws";
import { CONFIG_SCHEMA, parseStackConfig } from "../components/contract/parse";
import { githubSubjects, repositoryPrefixes } from "../components/core/github";
import { ACTIONS, type ActionStep, PULUMI_CLI_VERSION, credentialSteps, githubActionsSnippet, imageExistsScript } from "../components/core/snippet";
import { AuthMode } from "../components/contract/args";
import { partitionOf } from "../tools/mocks";
import { fixtureStacks } from "./fixtures/stacks";
import { type Decision, evaluateTrust } from "./support/iam-eval";
import {
    type Step,
    type Trust,
    type Workflow,
    assumesRole,
    audienceProblems,
    jobSubject,
    jobToken,
    longLivedKeys,
    missingIdToken,
    offTableActions,
    parseWorkflow,
    pullRequestWrite,
    scriptInjection,
    stepsOf,
    triggerRuns,
    undocumentedVariables,
    unpinnedActions,
    untrustedSubjects,
    variablesOfInput,
    variablesRead,
    writeWithPullRequestCode,
    runsRepositoryCode,
} from "./support/workflow-checks";
import { COMMENT_MARKER } from "../tools/access-diff";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string): string => readFileSync(path.join(ROOT, file), "utf8");

const INFRA_FILE = ".github/workflows/infrastructure.yml";
const APP_FILE = "examples/app/.github/workflows/app.yml";
const INFRA_TEXT = read(INFRA_FILE);
const APP_TEXT = read(APP_FILE);
const INFRA = parseWorkflow(INFRA_TEXT);
const APP = parseWorkflow(APP_TEXT);

/** Every action the workflows may use, each at the one version the project pins. */
const PINNED_ACTIONS: readonly string[] = Object.values(ACTIONS);

/** The stack each push goes to: `dev` from branch dev, `prod` from main. */
const PUSH_STACK = "${{ github.ref_name == 'main' && 'prod' || 'dev' }}";
/** The stack a pull request would update: its base branch's. */
const PR_STACK = "${{ github.base_ref == 'main' && 'prod' || 'dev' }}";

type Feeds = "role" | "region" | "repository" | "ecs";

/** A variable the workflows read, and where its value comes from (README: "Wire the stack outputs into GitHub"). */
interface Variable {
    readonly feeds: Feeds;
    /** Repository variable, or a variable of the GitHub environment the job deploys to. */
    readonly scope: "repository" | "environment";
    readonly stack?: "dev" | "prod";
    /** A stack output (`pulumi stack output --json`). */
    readonly output?: string;
    /** A stack config path under `ecr-ci:` (`pulumi config get --path`). */
    readonly config?: string;
    /** Set by hand. */
    readonly manual?: string;
}

const perStack = (stack: "dev" | "prod"): Record<string, Variable> => {
    const prefix = stack.toUpperCase();
    return {
        [`${prefix}_ROLE_ARN`]: { feeds: "role", scope: "repository", stack, output: "roleArn" },
        [`${prefix}_PREVIEW_ROLE_ARN`]: { feeds: "role", scope: "repository", stack, output: "previewRoleArn" },
        [`${prefix}_REGION`]: { feeds: "region", scope: "repository", stack, output: "region" },
        [`${prefix}_REPOSITORIES`]: { feeds: "repository", scope: "repository", stack, output: "repositoryUrls" },
        [`${prefix}_ECS_CLUSTER_ARN`]: { feeds: "ecs", scope: "repository", stack, config: "ecsDeploy.clusterArn" },
        [`${prefix}_ECS_SERVICES`]: { feeds: "ecs", scope: "repository", stack, config: "ecsDeploy.services" },
    };
};

const VARIABLES: Readonly<Record<string, Variable>> = {
    ...perStack("dev"),
    ...perStack("prod"),
    AWS_DEPLOY_ROLE_ARN: { feeds: "role", scope: "environment", manual: "the infrastructure deployer role (issue 9)" },
    AWS_REGION: { feeds: "region", scope: "environment", manual: "the stack's aws:region" },
};

/** Every stack output index.ts can export: the property names of its `outputs` object, in any mode. */
function stackOutputs(): string[] {
    const source = ts.createSourceFile("index.ts", read("index.ts"), ts.ScriptTarget.ES2022);
    const declaration = source.statements
        .filter(ts.isVariableStatement)
        .flatMap((s) => s.declarationList.declarations)
        .find((d) => ts.isIdentifier(d.name) && d.name.text === "outputs");
    const names: string[] = [];
    const visit = (node: ts.Node): void => {
        if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isIdentifier(node.name)) {
            names.push(node.name.text);
        }
        ts.forEachChild(node, visit);
    };
    if (declaration?.initializer) {
        visit(declaration.initializer);
    }
    return names.sort();
}

/** A stack's config as `pulumi.runtime.allConfig()` hands it to the program: objects as JSON text. */
function stackConfig(stack: string): Record<string, string> {
    // The example stacks as shipped (tests/fixtures/examples): the root Pulumi.<stack>.yaml are the user's.
    const doc = YAML.parse(read(`tests/fixtures/examples/Pulumi.${stack}.yaml`)) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** The subjects the committed stack's role trusts. */
function trustOf(stack: string): Trust {
    const github = parseStackConfig(stackConfig(stack)).github!;
    return { stack, prefix: repositoryPrefixes(github)[0], ...githubSubjects(github) };
}

/** The STS audience for the committed stack's region. */
function audienceOf(stack: string): string {
    return stsAudience(partitionOf(stackConfig(stack)["aws:region"]));
}

/** The stack each role-assuming job of the app workflow deploys to. */
const APP_TRUST = (): Record<string, Trust> => {
    const [dev, prod] = [trustOf("dev"), trustOf("prod")];
    return { "dev-images": dev, "dev-deploy": dev, "prod-images": prod, "prod-deploy": prod };
};

const clone = (workflow: Workflow): Workflow => structuredClone(workflow);
const job = (workflow: Workflow, name: string) => workflow.jobs[name];
const step = (workflow: Workflow, jobName: string, index: number): Step => job(workflow, jobName).steps![index];
const mutable = <T>(value: T): { -readonly [K in keyof T]: T[K] } => value as { -readonly [K in keyof T]: T[K] };
const indexOfStep = (workflow: Workflow, jobName: string, predicate: (s: Step) => boolean): number =>
    job(workflow, jobName).steps!.findIndex(predicate);
const withoutIf = ({ if: _condition, ...rest }: Step): Step => rest;

/**
 * Validation errors in a stable order (the validator's order of alternatives is not) and without the
 * keys the WebAssembly binding sets to `undefined`.
 */
function normalized(errors: unknown): unknown {
    if (Array.isArray(errors)) {
        return errors.map(normalized).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    if (errors !== null && typeof errors === "object") {
        return Object.fromEntries(
            Object.entries(errors)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, normalized(v)]),
        );
    }
    return errors;
}

/** The sample stacks (tests/fixtures/stacks/*.yaml), planned, and each one's githubActionsSnippet. */
const FIXTURES = fixtureStacks();
const SNIPPETS = FIXTURES.map((f) => ({ fixture: f, text: githubActionsSnippet(f.snippet) }));

describe("workflows: GitHub's workflow schema (@action-validator/core)", () => {
    const valid: { name: string; text: () => string }[] = [
        { name: INFRA_FILE, text: () => INFRA_TEXT },
        { name: APP_FILE, text: () => APP_TEXT },
        ...SNIPPETS.map(({ fixture, text }) => ({ name: `the githubActionsSnippet of the sample stack ${fixture.stack}`, text: () => text })),
    ];
    for (const c of valid) {
        it(`accepts ${c.name}`, () => {
            assert.deepEqual(validateWorkflow(c.text()).errors, []);
        });
    }

    const build = (steps: string, top = ""): string =>
        `on: push\n${top}jobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`;
    const invalid: { name: string; text: string; errors: ValidationError[] }[] = [
        {
            name: "an unquoted ': ' in a step name (the snippet's former bug)",
            text: build("      - name: Build and push (immutable tag: the commit SHA)\n        run: make\n"),
            errors: [
                {
                    code: "parse_error",
                    detail: "mapping values are not allowed in this context at line 6 column 44",
                    path: "",
                    title: "Parse Error",
                    location: { index: 104, line: 6, column: 44 },
                } as ValidationError,
            ],
        },
        {
            name: "a misspelt permission level",
            text: build("      - run: make\n", "permissions:\n  id-token: writ\n"),
            errors: [
                {
                    code: "one_of",
                    path: "/permissions",
                    title: "OneOf conditions are not met",
                    states: [
                        {
                            errors: [
                                { code: "wrong_type", detail: "The value must be string", path: "/permissions", title: "Type of the value is wrong" },
                                { code: "enum", path: "/permissions", title: "Enum conditions are not met" },
                            ],
                        },
                        { errors: [{ code: "enum", path: "/permissions/id-token", title: "Enum conditions are not met" }] },
                    ],
                },
            ],
        },
        {
            name: "a misspelt job key (step: for steps:)",
            text: "on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    step:\n      - run: make\n",
            errors: [
                {
                    code: "one_of",
                    path: "/jobs/build",
                    title: "OneOf conditions are not met",
                    states: [
                        {
                            errors: [
                                { code: "properties", detail: "Additional property 'step' is not allowed", path: "/jobs/build", title: "Property conditions are not met" },
                            ],
                        },
                        {
                            errors: [
                                { code: "properties", detail: "Additional property 'runs-on' is not allowed", path: "/jobs/build", title: "Property conditions are not met" },
                                { code: "properties", detail: "Additional property 'step' is not allowed", path: "/jobs/build", title: "Property conditions are not met" },
                                { code: "required", path: "/jobs/build/uses", title: "This property is required" },
                            ],
                        },
                    ],
                },
            ],
        },
    ];
    for (const c of invalid) {
        it(`rejects ${c.name}`, () => {
            assert.deepEqual(normalized(validateWorkflow(c.text).errors), normalized(c.errors));
        });
    }
});

describe("workflows: semantic checks pass on both workflows", () => {
    const checks: { name: string; run: (w: Workflow) => string[] }[] = [
        { name: "every action pinned", run: unpinnedActions },
        { name: "every action at the project's pinned version", run: (w) => offTableActions(w, PINNED_ACTIONS) },
        { name: "id-token: write wherever a role is assumed", run: missingIdToken },
        { name: "no long-lived AWS keys", run: longLivedKeys },
        { name: "the aws partition's audience", run: (w) => audienceProblems(w, audienceOf("dev")) },
        { name: "pull-requests: write only on the preview and access-review comment jobs", run: (w) => pullRequestWrite(w, ["preview", "access-review-comment"]) },
        { name: "no pull-request code next to a write token, except the preview", run: (w) => writeWithPullRequestCode(w, ["preview"]) },
        { name: "only documented variables", run: (w) => undocumentedVariables(w, Object.keys(VARIABLES)) },
        { name: "no untrusted input expanded into scripts", run: scriptInjection },
    ];
    for (const [file, workflow] of [
        [INFRA_FILE, INFRA],
        [APP_FILE, APP],
    ] as const) {
        for (const c of checks) {
            it(`${file}: ${c.name}`, () => {
                assert.deepEqual(c.run(workflow), []);
            });
        }
    }

    it("both stacks are in the aws partition, whose audience is sts.amazonaws.com", () => {
        assert.deepEqual([audienceOf("dev"), audienceOf("prod")], ["sts.amazonaws.com", "sts.amazonaws.com"]);
    });

    it("the app workflow's jobs present the subjects the committed stacks trust", () => {
        assert.deepEqual(untrustedSubjects(APP, APP_TRUST()), []);
        assert.deepEqual(
            Object.keys(APP.jobs).map((j) => [j, jobSubject(job(APP, j))]),
            [
                ["dev-images", "ref:refs/heads/dev"],
                ["dev-deploy", "ref:refs/heads/dev"],
                ["prod-source", "ref:refs/heads/main"],
                ["prod-images", "ref:refs/heads/main"],
                ["prod-deploy", "ref:refs/heads/main"],
            ],
        );
    });
});

describe("workflows: the checks catch broken copies, with the exact message", () => {
    const devCredentials = indexOfStep(APP, "dev-images", assumesRole);
    const cases: { name: string; base: Workflow; mutate: (w: Workflow) => void; check: (w: Workflow) => string[]; expected: string[] }[] = [
        {
            name: "an action on a branch",
            base: APP,
            mutate: (w) => (mutable(step(w, "dev-images", 0)).uses = "actions/checkout@main"),
            check: unpinnedActions,
            expected: ['jobs.dev-images.steps[0].uses: "actions/checkout@main" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA'],
        },
        {
            name: "an action without any ref, and a docker image by tag",
            base: APP,
            mutate: (w) => {
                mutable(step(w, "dev-images", 0)).uses = "actions/checkout";
                mutable(step(w, "prod-source", 0)).uses = "docker://alpine:3";
            },
            check: unpinnedActions,
            expected: [
                'jobs.dev-images.steps[0].uses: "actions/checkout" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA',
                'jobs.prod-source.steps[0].uses: "docker://alpine:3" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA',
            ],
        },
        {
            name: "a commit SHA, a release and a docker digest are pinned",
            base: APP,
            mutate: (w) => {
                mutable(step(w, "dev-images", 0)).uses = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8";
                mutable(step(w, "prod-source", 0)).uses = "actions/checkout@v5.0.0";
                mutable(step(w, "prod-source", 1)).uses = `docker://alpine@sha256:${"a".repeat(64)}`;
            },
            check: unpinnedActions,
            expected: [],
        },
        {
            name: "an action at another version than the table",
            base: INFRA,
            mutate: (w) => (mutable(step(w, "up", 1)).uses = "actions/setup-node@v4"),
            check: (w) => offTableActions(w, PINNED_ACTIONS),
            expected: ['jobs.up.steps[1].uses: "actions/setup-node@v4" is not the version the project pins (actions/setup-node@v6)'],
        },
        {
            name: "an action missing from the table",
            base: INFRA,
            mutate: (w) => (mutable(step(w, "up", 1)).uses = "some/action@v1"),
            check: (w) => offTableActions(w, PINNED_ACTIONS),
            expected: ['jobs.up.steps[1].uses: "some/action@v1" is not in the project\'s table of pinned actions'],
        },
        {
            name: "a role assumed without id-token: write",
            base: APP,
            mutate: (w) => (mutable(job(w, "dev-images")).permissions = { contents: "read" }),
            check: missingIdToken,
            expected: ['jobs.dev-images: assumes a role through OIDC but its permissions lack "id-token: write"'],
        },
        {
            name: "job permissions dropped, the workflow's {} applies",
            base: INFRA,
            mutate: (w) => delete mutable(job(w, "up")).permissions,
            check: missingIdToken,
            expected: ['jobs.up: assumes a role through OIDC but its permissions lack "id-token: write"'],
        },
        {
            name: "id-token read instead of write",
            base: INFRA,
            mutate: (w) => (mutable(job(w, "preview")).permissions = { contents: "read", "id-token": "read", "pull-requests": "write" }),
            check: missingIdToken,
            expected: ['jobs.preview: assumes a role through OIDC but its permissions lack "id-token: write"'],
        },
        {
            name: "long-lived keys beside the role",
            base: APP,
            mutate: (w) => {
                const s = mutable(step(w, "dev-images", devCredentials));
                s.with = { ...s.with, "aws-access-key-id": "${{ secrets.AWS_ACCESS_KEY_ID }}", "aws-secret-access-key": "${{ secrets.AWS_SECRET_ACCESS_KEY }}" };
            },
            check: longLivedKeys,
            expected: [
                `jobs.dev-images.steps[${devCredentials}].with.aws-access-key-id: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead`,
                `jobs.dev-images.steps[${devCredentials}].with.aws-secret-access-key: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead`,
            ],
        },
        {
            name: "keys in job env and in a script",
            base: INFRA,
            mutate: (w) => {
                mutable(job(w, "up")).env = { ...job(w, "up").env, AWS_SECRET_ACCESS_KEY: "${{ secrets.AWS_SECRET_ACCESS_KEY }}" };
                mutable(step(w, "up", 3)).run = "AWS_ACCESS_KEY_ID=${{ secrets.KEY }} npm test";
            },
            check: longLivedKeys,
            expected: [
                "jobs.up.env.AWS_SECRET_ACCESS_KEY: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead",
                "jobs.up.steps[3].run: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead",
            ],
        },
        {
            name: "the China audience in an aws-partition stack",
            base: APP,
            mutate: (w) => (mutable(step(w, "dev-images", devCredentials)).with = { ...step(w, "dev-images", devCredentials).with, audience: "sts.amazonaws.com.cn" }),
            check: (w) => audienceProblems(w, "sts.amazonaws.com"),
            expected: [`jobs.dev-images.steps[${devCredentials}].with.audience: "sts.amazonaws.com.cn" is not the partition's STS audience "sts.amazonaws.com"`],
        },
        {
            name: "no audience at all",
            base: APP,
            mutate: (w) => {
                const { audience: _audience, ...rest } = step(w, "dev-images", devCredentials).with!;
                mutable(step(w, "dev-images", devCredentials)).with = rest;
            },
            check: (w) => audienceProblems(w, "sts.amazonaws.com"),
            expected: [`jobs.dev-images.steps[${devCredentials}].with.audience: missing; the partition's STS audience is "sts.amazonaws.com"`],
        },
        {
            name: "every aws audience is wrong for an aws-cn stack",
            base: APP,
            mutate: () => undefined,
            check: (w) => audienceProblems(w, stsAudience(partitionOf("cn-north-1"))),
            expected: ["dev-images", "dev-deploy", "prod-images", "prod-deploy"].map(
                (j) => `jobs.${j}.steps[${indexOfStep(APP, j, assumesRole)}].with.audience: "sts.amazonaws.com" is not the partition's STS audience "sts.amazonaws.com.cn"`,
            ),
        },
        {
            name: "pull-requests: write on the deploy job",
            base: INFRA,
            mutate: (w) => (mutable(job(w, "up")).permissions = { contents: "read", "id-token": "write", "pull-requests": "write" }),
            check: (w) => pullRequestWrite(w, ["preview", "access-review-comment"]),
            expected: ['jobs.up: "pull-requests: write" outside the pull-request job (preview, access-review-comment)'],
        },
        {
            name: "the access review comment written by the job that runs the pull request's code",
            base: INFRA,
            mutate: (w) => (mutable(job(w, "access-review")).permissions = { contents: "read", "pull-requests": "write" }),
            check: (w) => writeWithPullRequestCode(w, ["preview"]),
            expected: ["jobs.access-review: runs pull-request code with a write-capable token; split the writing into a job that runs no repository code"],
        },
        {
            name: "pull-requests: write for the whole workflow, and write-all on a job",
            base: APP,
            mutate: (w) => {
                mutable(w).permissions = { "pull-requests": "write" };
                mutable(job(w, "prod-images")).permissions = "write-all";
            },
            check: (w) => pullRequestWrite(w, ["preview"]),
            expected: [
                'permissions: "pull-requests: write" for the whole workflow; grant it only to preview',
                'jobs.prod-images: "pull-requests: write" outside the pull-request job (preview)',
            ],
        },
        {
            name: "a role from a variable no stack output fills",
            base: APP,
            mutate: (w) => (mutable(step(w, "dev-images", devCredentials)).with = { ...step(w, "dev-images", devCredentials).with, "role-to-assume": "${{ vars.DEV_ROLE }}" }),
            check: (w) => undocumentedVariables(w, Object.keys(VARIABLES)),
            expected: [`jobs.dev-images.steps[${devCredentials}].with.role-to-assume: vars.DEV_ROLE is not a documented variable`],
        },
        {
            name: "a dispatch input expanded into a script",
            base: APP,
            mutate: (w) => (mutable(step(w, "prod-source", 1)).run = 'git checkout "${{ inputs.sha }}"'),
            check: scriptInjection,
            expected: ['jobs.prod-source.steps[1].run: "${{ inputs.sha }}" expands untrusted input into the script; pass it through env:'],
        },
        {
            name: "a GitHub environment on the prod job: its subject becomes environment:prod",
            base: APP,
            mutate: (w) => (mutable(job(w, "prod-images")).environment = "prod"),
            check: (w) => untrustedSubjects(w, APP_TRUST()),
            expected: [
                "jobs.prod-images: presents the OIDC subject repo:acme/app:environment:prod, which the prod stack's role does not trust (repo:acme/app:ref:refs/heads/main)",
            ],
        },
        {
            name: "the dev job guarded by main's ref",
            base: APP,
            mutate: (w) => (mutable(job(w, "dev-images")).if = "github.event_name == 'push' && github.ref == 'refs/heads/main'"),
            check: (w) => untrustedSubjects(w, APP_TRUST()),
            expected: [
                "jobs.dev-images: presents the OIDC subject repo:acme/app:ref:refs/heads/main, which the dev stack's role does not trust (repo:acme/app:ref:refs/heads/dev)",
            ],
        },
        {
            name: "a job whose subject the text does not decide",
            base: APP,
            mutate: (w) => delete mutable(job(w, "dev-images")).if,
            check: (w) => untrustedSubjects(w, APP_TRUST()),
            expected: ["jobs.dev-images: its OIDC subject cannot be told from the workflow (no environment, no github.ref guard)"],
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const copy = clone(c.base);
            c.mutate(copy);
            assert.deepEqual(c.check(copy), c.expected);
        });
    }
});

describe("workflows: one source for the credential steps (components/core/snippet.ts)", () => {
    const audience = audienceOf("dev");
    const expectedFor = (role: string, region: string): ActionStep[] =>
        credentialSteps({ authMode: AuthMode.Oidc, roleArn: `\${{ vars.${role} }}`, region: `\${{ vars.${region} }}`, audience });
    const credentialStepsOf = (workflow: Workflow, jobName: string): Step[] =>
        job(workflow, jobName).steps!.filter((s) => s.uses === ACTIONS.configureAwsCredentials || s.uses === ACTIONS.ecrLogin);

    const jobs = [
        { job: "dev-images", role: "DEV_ROLE_ARN", region: "DEV_REGION", login: true },
        { job: "dev-deploy", role: "DEV_ROLE_ARN", region: "DEV_REGION", login: false },
        { job: "prod-images", role: "PROD_ROLE_ARN", region: "PROD_REGION", login: true },
        { job: "prod-deploy", role: "PROD_ROLE_ARN", region: "PROD_REGION", login: false },
    ];
    for (const c of jobs) {
        it(`${APP_FILE} jobs.${c.job}: exactly the snippet's configure-aws-credentials and amazon-ecr-login steps`, () => {
            assert.deepEqual(credentialStepsOf(APP, c.job), expectedFor(c.role, c.region).slice(0, c.login ? 2 : 1));
        });
    }

    it(`${INFRA_FILE}: each configure-aws-credentials step is the snippet's, with the job's role and region`, () => {
        const steps = stepsOf(INFRA).filter(({ step: s }) => assumesRole(s));
        assert.equal(steps.length, 2);
        for (const { step: s } of steps) {
            const [configure] = credentialSteps({
                authMode: AuthMode.Oidc,
                roleArn: String(s.with!["role-to-assume"]),
                region: String(s.with!["aws-region"]),
                audience,
            });
            assert.deepEqual(withoutIf(s), configure);
        }
    });

    it("the snippet's steps parse to the same structure the workflows are checked against", () => {
        for (const { fixture, text } of SNIPPETS) {
            const input = fixture.snippet;
            const parsed = YAML.parse(text).jobs.images as { steps: Step[] };
            assert.deepEqual(
                parsed.steps.filter((s) => s.uses === ACTIONS.configureAwsCredentials || s.uses === ACTIONS.ecrLogin),
                credentialSteps(input),
            );
            assert.equal(parsed.steps[0].uses, ACTIONS.checkout);
        }
    });
});

describe("workflows: variables come from the stack outputs, by name", () => {
    it("the workflows read exactly the documented variables", () => {
        const read = [...new Set([...variablesRead(INFRA), ...variablesRead(APP)])].sort();
        assert.deepEqual(read, Object.keys(VARIABLES).sort());
    });

    it("every output-fed variable names an output index.ts exports", () => {
        const fed = [...new Set(Object.values(VARIABLES).flatMap((v) => (v.output ? [v.output] : [])))].sort();
        assert.deepEqual(fed, ["previewRoleArn", "region", "repositoryUrls", "roleArn"]);
        assert.deepEqual(fed.filter((o) => !stackOutputs().includes(o)), []);
    });

    it("every config-fed variable names a key of the ecr-ci config contract", () => {
        for (const v of Object.values(VARIABLES).filter((x) => x.config)) {
            const [key, field] = v.config!.split(".");
            const shape = CONFIG_SCHEMA[key] as { object?: Record<string, string> };
            assert.ok(shape.object && field in shape.object, `ecr-ci:${v.config}`);
        }
    });

    /** Which kind of variable each input may read. */
    const INPUT_FEEDS: { uses: string; input: string; feeds: Feeds }[] = [
        { uses: ACTIONS.configureAwsCredentials, input: "role-to-assume", feeds: "role" },
        { uses: ACTIONS.configureAwsCredentials, input: "aws-region", feeds: "region" },
        { uses: ACTIONS.ecsDeploy, input: "cluster", feeds: "ecs" },
        { uses: ACTIONS.ecsDeploy, input: "service", feeds: "ecs" },
    ];
    for (const [file, workflow] of [
        [INFRA_FILE, INFRA],
        [APP_FILE, APP],
    ] as const) {
        it(`${file}: role, region, cluster and service inputs read variables of their kind, one stack per step`, () => {
            for (const { job: jobName, path: at, step: s } of stepsOf(workflow)) {
                const stacks: string[][] = [];
                for (const rule of INPUT_FEEDS.filter((r) => r.uses === s.uses && s.with?.[r.input] !== undefined)) {
                    const names = variablesOfInput(workflow, jobName, s, rule.input);
                    assert.notDeepEqual(names, [], `${at}.with.${rule.input} reads a variable`);
                    assert.deepEqual(
                        names.filter((n) => VARIABLES[n].feeds !== rule.feeds),
                        [],
                        `${at}.with.${rule.input} reads only ${rule.feeds} variables`,
                    );
                    stacks.push([...new Set(names.map((n) => VARIABLES[n].stack ?? "environment"))].sort());
                }
                assert.ok(stacks.every((x) => JSON.stringify(x) === JSON.stringify(stacks[0])), `${at}: inputs of one stack`);
            }
        });
    }

    it("every image job runs once per repository of its stack's repositoryUrls output, every deploy job once per service", () => {
        assert.deepEqual(
            Object.entries(APP.jobs).map(([name, j]) => [name, j.strategy?.matrix ?? null, j.needs ?? null]),
            [
                ["dev-images", { repository: "${{ fromJSON(vars.DEV_REPOSITORIES) }}" }, null],
                ["dev-deploy", { service: "${{ fromJSON(vars.DEV_ECS_SERVICES || '[]') }}" }, "dev-images"],
                ["prod-source", null, null],
                ["prod-images", { repository: "${{ fromJSON(vars.PROD_REPOSITORIES) }}" }, "prod-source"],
                ["prod-deploy", { service: "${{ fromJSON(vars.PROD_ECS_SERVICES || '[]') }}" }, ["prod-source", "prod-images"]],
            ],
        );
        assert.deepEqual(
            ["dev-deploy", "prod-deploy"].map((j) => job(APP, j).if),
            [
                "github.event_name == 'push' && github.ref == 'refs/heads/dev' && vars.DEV_ECS_CLUSTER_ARN != ''",
                "github.ref == 'refs/heads/main' && vars.PROD_ECS_CLUSTER_ARN != ''",
            ],
        );
    });

    it("the dev build pushes one immutable tag, the commit SHA, and a re-run skips an existing tag", () => {
        const steps = job(APP, "dev-images").steps!;
        const check = steps.find((s) => s.id === "exists")!;
        const build = steps.find((s) => s.uses === ACTIONS.buildPush)!;
        assert.equal(build.if, "steps.exists.outputs.exists == 'false'");
        assert.deepEqual(build.with, {
            context: "${{ steps.exists.outputs.context }}",
            push: true,
            "build-args": "GIT_SHA=${{ github.sha }}",
            tags: "${{ matrix.repository.url }}:${{ github.sha }}",
        });
        assert.deepEqual(check.env, { REPOSITORY: "${{ matrix.repository.name }}" });
        // The same check as the snippet's, which tests/client-calls.test.ts evaluates (ecr:DescribeImages).
        assert.ok(check.run!.includes(imageExistsScript().split("\n").slice(1).join("\n")), check.run);
    });

    it("the promotion copies dev's image of the same name, tagged with the chosen commit, into each prod repository", () => {
        const copy = job(APP, "prod-images").steps!.find((s) => s.name === "Copy the image from dev to prod unchanged")!;
        assert.deepEqual(copy.env, {
            DEV_REPOSITORIES: "${{ vars.DEV_REPOSITORIES }}",
            REPOSITORY: "${{ matrix.repository.name }}",
            TARGET: "${{ matrix.repository.url }}:${{ needs.prod-source.outputs.sha }}",
            SHA: "${{ needs.prod-source.outputs.sha }}",
        });
        assert.match(copy.run!, /skopeo copy --all --preserve-digests .* "docker:\/\/\$\{SOURCE\}" "docker:\/\/\$\{TARGET\}"/);
        assert.match(copy.run!, /skopeo inspect --no-tags /);
    });

    it("each deploy job renders its service's task definition with its stack's image and deploys it", () => {
        for (const [name, stack, tag] of [
            ["dev-deploy", "DEV", "${{ github.sha }}"],
            ["prod-deploy", "PROD", "${{ needs.prod-source.outputs.sha }}"],
        ] as const) {
            const steps = job(APP, name).steps!;
            assert.deepEqual(steps.map((s) => s.uses ?? `script: ${s.name}`), [
                ACTIONS.configureAwsCredentials,
                "script: Find the service's task definition and its image's container",
                ACTIONS.ecsRender,
                ACTIONS.ecsDeploy,
            ]);
            assert.deepEqual(steps[1].env, {
                CLUSTER: `\${{ vars.${stack}_ECS_CLUSTER_ARN }}`,
                SERVICE: "${{ matrix.service }}",
                REPOSITORIES: `\${{ vars.${stack}_REPOSITORIES }}`,
                SUFFIX: `-${stack.toLowerCase()}`,
                TAG: tag,
            });
            assert.deepEqual(steps[2].with, {
                "task-definition-arn": "${{ steps.service.outputs.task-definition-arn }}",
                "container-name": "${{ steps.service.outputs.container }}",
                image: "${{ steps.service.outputs.image }}",
            });
            assert.deepEqual(steps[3].with, {
                "task-definition": "${{ steps.render.outputs.task-definition }}",
                cluster: `\${{ vars.${stack}_ECS_CLUSTER_ARN }}`,
                service: "${{ matrix.service }}",
                "wait-for-service-stability": true,
            });
        }
    });
});

describe("workflows: the infrastructure pipeline's shape", () => {
    const preview = job(INFRA, "preview");
    const up = job(INFRA, "up");
    /** Each step as its action, its one-line command, or (for a script) its name. */
    const runs = (jobName: string) =>
        job(INFRA, jobName).steps!.map((s) => s.uses ?? (s.run!.includes("\n") ? `script: ${s.name}` : s.run));

    it("runs on pull requests into and pushes to dev and main, with no default permissions", () => {
        assert.deepEqual(INFRA.on, { pull_request: { branches: ["dev", "main"] }, push: { branches: ["dev", "main"] } });
        assert.deepEqual(INFRA.permissions, {});
    });

    it("preview: pull requests only, no environment (subject pull_request), PR write only here", () => {
        assert.equal(preview.if, "github.event_name == 'pull_request'");
        assert.equal(jobSubject(preview), "pull_request");
        assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.equal(preview.env!.STACK, PR_STACK);
    });

    it("preview: the role of the stack the pull request targets, never the other stack's", () => {
        assert.equal(
            preview.env!.PREVIEW_ROLE_ARN,
            "${{ (github.base_ref == 'main' && vars.PROD_PREVIEW_ROLE_ARN) || (github.base_ref == 'dev' && vars.DEV_PREVIEW_ROLE_ARN) || '' }}",
        );
        assert.equal(
            preview.env!.PREVIEW_REGION,
            "${{ (github.base_ref == 'main' && vars.PROD_REGION) || (github.base_ref == 'dev' && vars.DEV_REGION) || '' }}",
        );
    });

    it("preview: npm ci, npm test, then pulumi preview commented on the PR, only with a preview role and not for forks", () => {
        assert.deepEqual(runs("preview"), [
            ACTIONS.checkout,
            "actions/setup-node@v6",
            "npm ci",
            "npm test",
            "script: Explain a skipped preview",
            ACTIONS.configureAwsCredentials,
            "pulumi/actions@v7",
        ]);
        const guard = "env.PREVIEW_ROLE_ARN != '' && env.SAME_REPOSITORY == 'true'";
        assert.deepEqual(
            preview.steps!.slice(4).map((s) => s.if),
            ["env.PREVIEW_ROLE_ARN == '' || env.SAME_REPOSITORY != 'true'", guard, guard],
        );
        assert.deepEqual(preview.steps![6].with, {
            command: "preview",
            "stack-name": "${{ env.STACK }}",
            "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
            "comment-on-pr": true,
            "comment-on-summary": true,
            "pulumi-version": PULUMI_CLI_VERSION,
        });
    });

    it("up: pushes only, in the GitHub environment of the pushed branch's stack", () => {
        assert.equal(up.if, "github.event_name == 'push'");
        assert.equal(up.environment, PUSH_STACK);
        assert.equal(up.env!.STACK, PUSH_STACK);
        assert.deepEqual(up.permissions, { contents: "read", "id-token": "write" });
    });

    it("up: one concurrency group per stack, never cancelled in progress", () => {
        assert.deepEqual(up.concurrency, { group: `infrastructure-up-${PUSH_STACK}`, "cancel-in-progress": false });
    });

    it("up: npm ci, npm test, the deployer role, then pulumi up on the stack", () => {
        assert.deepEqual(runs("up"), [ACTIONS.checkout, "actions/setup-node@v6", "npm ci", "npm test", ACTIONS.configureAwsCredentials, "pulumi/actions@v7"]);
        assert.deepEqual(up.steps![4].with!["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
        assert.deepEqual(up.steps![5].with, {
            command: "up",
            "stack-name": "${{ env.STACK }}",
            "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
            "comment-on-summary": true,
            "pulumi-version": PULUMI_CLI_VERSION,
        });
    });

    it("the Pulumi backend and passphrase come from secrets, only on the Pulumi steps", () => {
        const env = { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" };
        for (const s of stepsOf(INFRA).map((x) => x.step)) {
            const comment = { BODY_B64: "${{ needs.access-review.outputs.body }}" };
            assert.deepEqual(s.env, s.uses === "pulumi/actions@v7" ? env : s.uses === "actions/github-script@v8" ? comment : undefined, s.name ?? s.uses ?? s.run);
        }
    });
});

describe("workflows: the access review on every pull request", () => {
    const review = job(INFRA, "access-review");
    const comment = job(INFRA, "access-review-comment");

    it("access-review: every pull request, read-only, no id-token (no AWS credentials: runs for forks too)", () => {
        assert.equal(review.if, "github.event_name == 'pull_request'");
        assert.deepEqual(review.permissions, { contents: "read" });
        assert.equal(review.env!.STACK, PR_STACK);
        assert.equal(review.steps!.some(assumesRole), false);
        assert.deepEqual(review.steps![0].with, { "fetch-depth": 2, "persist-credentials": false });
    });

    it("access-review: the plan of the target stack against the merge commit's first parent, into the job summary and the job output", () => {
        const diff = review.steps!.find((s) => s.id === "diff")!;
        assert.match(diff.run!, /npm run --silent plan -- --stack "\$\{STACK\}" --against HEAD\^1 --fail-on-new-access > access-review\.md\n/);
        assert.match(diff.run!, /cat access-review\.md >> "\$\{GITHUB_STEP_SUMMARY\}"/);
        assert.deepEqual(review.outputs, { body: "${{ steps.diff.outputs.body }}" });
    });

    it("access-review-comment: pull-requests: write only, runs no repository code, same-repository pull requests only", () => {
        assert.deepEqual(comment.permissions, { "pull-requests": "write" });
        assert.equal(comment.needs, "access-review");
        assert.equal(runsRepositoryCode(comment), false);
        assert.equal(comment.if, "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
        assert.deepEqual(comment.steps!.map((s) => s.uses), ["actions/github-script@v8"]);
        assert.deepEqual(comment.steps![0].env, { BODY_B64: "${{ needs.access-review.outputs.body }}" });
    });

    /** The comment step's script, run against an in-memory pull request. */
    async function runScript(comments: { id: number; user: { login: string }; body: string }[], body: string): Promise<{ failed?: string }> {
        const script = String(comment.steps![0].with!.script);
        const result: { failed?: string } = {};
        const api = {
            listComments: () => undefined,
            updateComment: async ({ comment_id, body: text }: { comment_id: number; body: string }) => {
                comments.find((c) => c.id === comment_id)!.body = text;
            },
            createComment: async ({ issue_number, body: text }: { issue_number: number; body: string }) => {
                assert.equal(issue_number, 7);
                comments.push({ id: comments.length + 100, user: { login: "github-actions[bot]" }, body: text });
            },
        };
        const github = { rest: { issues: api }, paginate: async (fn: unknown) => (assert.equal(fn, api.listComments), [...comments]) };
        const context = { repo: { owner: "acme", repo: "infra" }, payload: { pull_request: { number: 7 } } };
        const core = { setFailed: (message: string) => (result.failed = message) };
        const env = { BODY_B64: Buffer.from(body).toString("base64") };
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
        await new AsyncFunction("github", "context", "core", "process", script)(github, context, core, { env });
        return result;
    }

    it("keeps one comment: created once, then updated in place; a human's comment with the marker is left alone", async () => {
        const comments = [{ id: 1, user: { login: "mallory" }, body: `${COMMENT_MARKER}\nfake` }];
        assert.deepEqual(await runScript(comments, `${COMMENT_MARKER}\nfirst`), {});
        assert.deepEqual(await runScript(comments, `${COMMENT_MARKER}\nsecond`), {});
        assert.deepEqual(comments, [
            { id: 1, user: { login: "mallory" }, body: `${COMMENT_MARKER}\nfake` },
            { id: 101, user: { login: "github-actions[bot]" }, body: `${COMMENT_MARKER}\nsecond` },
        ]);
    });

    it("refuses a body without the marker (nothing posted)", async () => {
        const comments: { id: number; user: { login: string }; body: string }[] = [];
        assert.deepEqual(await runScript(comments, "no marker"), { failed: "the access review output does not start with its marker" });
        assert.deepEqual(comments, []);
    });

    it("the script's marker is the one the plan prints", () => {
        assert.ok(String(comment.steps![0].with!.script).startsWith(`const marker = "${COMMENT_MARKER}";`));
    });
});

describe("workflows: the job each sample stack's snippet describes is one its own role trusts (independent evaluator)", () => {
    for (const { fixture, text } of SNIPPETS.filter((x) => x.fixture.trustPolicy)) {
        const workflow = parseWorkflow(text);
        const github = fixture.args.github!;
        const images = workflow.jobs.images;
        const rows: { name: string; claims: Record<string, string>; expected: Decision }[] = [];
        for (const prefix of repositoryPrefixes(github)) {
            for (const run of triggerRuns(workflow)) {
                const token = jobToken({ github, prefix, workflow, jobName: "images", file: `ecr-ci-${fixture.stack}.yml`, ...run });
                rows.push({ name: `${run.event} ${run.ref}, ${prefix}`, claims: token, expected: "Allowed" });
                // The same job with its GitHub environment toggled: the subject changes form.
                const toggled = structuredClone(workflow);
                if (images.environment !== undefined) {
                    delete mutable(toggled.jobs.images).environment;
                } else {
                    mutable(toggled.jobs.images).environment = "untrusted";
                }
                const without = jobToken({ github, prefix, workflow: toggled, jobName: "images", file: `ecr-ci-${fixture.stack}.yml`, ...run });
                rows.push({ name: `${run.event} ${run.ref}, ${prefix}, environment toggled (${without.sub})`, claims: without, expected: "Denied" as Decision });
                rows.push({ name: `${run.event} ${run.ref}, wrong audience`, claims: { ...token, aud: "sigstore" }, expected: "Denied" as Decision });
            }
            // A push from a branch the trigger does not name: trusted only when the job names an environment.
            const stray = jobToken({ github, prefix, workflow, jobName: "images", file: `ecr-ci-${fixture.stack}.yml`, event: "push", ref: "refs/heads/untrusted" });
            rows.push({ name: `push refs/heads/untrusted, ${prefix}`, claims: stray, expected: images.environment !== undefined ? "Allowed" : ("Denied" as Decision) });
        }
        const other = jobToken({ github: { ...github, repository: "other" }, prefix: `repo:${github.owner}/other`, workflow, jobName: "images", file: "x.yml", ...triggerRuns(workflow)[0] });
        rows.push({ name: "the same job in another repository of the owner", claims: other, expected: "Denied" as Decision });

        describe(`sample stack ${fixture.stack}`, () => {
            it("the table has allowed and denied rows", () => {
                assert.ok(rows.some((r) => r.expected === "Allowed") && rows.some((r) => r.expected !== "Allowed"));
            });
            for (const row of rows) {
                it(`${row.name} → ${row.expected === "Allowed" ? "Allowed" : "ImplicitlyDenied"}`, async () => {
                    const decision = await evaluateTrust(fixture.trustPolicy!, { providerArn: fixture.providerArn!, roleArn: fixture.roleArn!, claims: row.claims });
                    assert.equal(decision, row.expected === "Allowed" ? "Allowed" : "ImplicitlyDenied");
                });
            }
        });
    }

    it("the sample stacks cover branches, patterns, v* tags, environment: production and immutable subjects", () => {
        const triggers = Object.fromEntries(SNIPPETS.map(({ fixture, text }) => [fixture.stack, [parseWorkflow(text).on, parseWorkflow(text).jobs.images.environment ?? null]]));
        assert.deepEqual(triggers, {
            dev: [{ push: { branches: ["dev"] } }, null],
            prod: [{ push: { branches: ["main"] } }, null],
            production: [{ workflow_dispatch: {} }, "production"],
            staging: [{ push: { branches: ["main", "release/*"], tags: ["v*"] } }, null],
            user: [{ push: { branches: ["main"] } }, null],
        });
        assert.deepEqual(repositoryPrefixes(FIXTURES.find((f) => f.stack === "production")!.args.github!), ["repo:acme/api", "repo:acme@1001/api@2002"]);
    });
});

describe("workflows: the snippet as configured", () => {
    const byStack = Object.fromEntries(SNIPPETS.map(({ fixture, text }) => [fixture.stack, parseWorkflow(text)]));
    const uses = (stack: string) => byStack[stack].jobs.images.steps!.map((s) => s.uses ?? `script: ${s.name}`);

    it("pushes every repository, each skipped when its commit tag exists, then renders and deploys every service", () => {
        assert.deepEqual(uses("staging"), [
            ACTIONS.checkout,
            ACTIONS.configureAwsCredentials,
            ACTIONS.ecrLogin,
            ACTIONS.setupBuildx,
            "script: Does web-staging:<commit SHA> exist?",
            ACTIONS.buildPush,
            "script: Does team/worker-staging:<commit SHA> exist?",
            ACTIONS.buildPush,
            "script: Find web's task definition",
            ACTIONS.ecsRender,
            ACTIONS.ecsDeploy,
            "script: Find worker's task definition",
            ACTIONS.ecsRender,
            ACTIONS.ecsDeploy,
        ]);
        const steps = byStack.staging.jobs.images.steps!;
        assert.deepEqual(
            steps.filter((s) => s.uses === ACTIONS.buildPush).map((s) => [s.if, s.with!.tags]),
            [
                ["steps.exists-web-staging.outputs.exists == 'false'", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-staging:${{ github.sha }}"],
                ["steps.exists-team_worker-staging.outputs.exists == 'false'", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/worker-staging:${{ github.sha }}"],
            ],
        );
        assert.deepEqual(
            steps.filter((s) => s.uses === ACTIONS.ecsRender).map((s) => [s.with!["container-name"], s.with!.image]),
            [
                ["web", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web-staging:${{ github.sha }}"],
                ["worker", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/worker-staging:${{ github.sha }}"],
            ],
        );
        assert.deepEqual(
            steps.filter((s) => s.uses === ACTIONS.ecsDeploy).map((s) => s.with),
            ["web", "worker"].map((service) => ({
                "task-definition": `\${{ steps.render-${service}.outputs.task-definition }}`,
                cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/shop",
                service,
                "wait-for-service-stability": true,
            })),
        );
    });

    it("no ECS steps without ecsDeploy; id-token only in OIDC mode", () => {
        assert.deepEqual(uses("dev").filter((u) => u.includes("ecs")), []);
        assert.deepEqual(byStack.dev.jobs.images.permissions, { contents: "read", "id-token": "write" });
        assert.deepEqual(byStack.user.jobs.images.permissions, { contents: "read" });
    });

    it("passes the semantic checks the shipped workflows pass", () => {
        for (const [stack, workflow] of Object.entries(byStack)) {
            const audience = FIXTURES.find((f) => f.stack === stack)!.snippet.audience;
            assert.deepEqual(
                [...unpinnedActions(workflow), ...offTableActions(workflow, PINNED_ACTIONS), ...missingIdToken(workflow), ...longLivedKeys(workflow), ...audienceProblems(workflow, audience), ...scriptInjection(workflow)],
                [],
                stack,
            );
        }
    });

    it("a reusable-workflow trust gives a workflow_call workflow", () => {
        const dev = FIXTURES.find((f) => f.stack === "dev")!;
        const ref = "acme/workflows/.github/workflows/push.yml@refs/heads/main";
        const text = githubActionsSnippet({ ...dev.snippet, github: { ...dev.args.github!, jobWorkflowRef: [ref] } });
        // One string from an untyped caller (validation accepts it) gives the same workflow.
        assert.equal(githubActionsSnippet({ ...dev.snippet, github: { ...dev.args.github!, jobWorkflowRef: ref as unknown as string[] } }), text);
        assert.deepEqual(validateWorkflow(text).errors, []);
        assert.deepEqual(parseWorkflow(text).on, { workflow_call: {} });
        assert.match(text, new RegExp(`# The role trusts only the reusable workflow ${ref.replace(/[.]/g, "\\.")}`));
    });
});
