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
import { ACTIONS, type ActionStep, credentialSteps, githubActionsSnippet } from "../components/core/snippet";
import { AuthMode } from "../components/contract/args";
import { partitionOf } from "../tools/mocks";
import {
    type Step,
    type Trust,
    type Workflow,
    assumesRole,
    audienceProblems,
    jobSubject,
    longLivedKeys,
    missingIdToken,
    offTableActions,
    parseWorkflow,
    pullRequestWrite,
    scriptInjection,
    stepsOf,
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
const PINNED_ACTIONS = [
    ...Object.values(ACTIONS),
    "actions/setup-node@v6",
    "pulumi/actions@v7",
    "actions/github-script@v8",
    "aws-actions/amazon-ecs-render-task-definition@v1",
    "aws-actions/amazon-ecs-deploy-task-definition@v2",
];

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
        [`${prefix}_REPOSITORY_URL`]: { feeds: "repository", scope: "repository", stack, output: "repositoryUrls" },
        [`${prefix}_ECS_CLUSTER_ARN`]: { feeds: "ecs", scope: "repository", stack, config: "ecsDeploy.clusterArn" },
        [`${prefix}_ECS_SERVICE`]: { feeds: "ecs", scope: "repository", stack, config: "ecsDeploy.services" },
    };
};

const VARIABLES: Readonly<Record<string, Variable>> = {
    ...perStack("dev"),
    ...perStack("prod"),
    ECS_CONTAINER_NAME: { feeds: "ecs", scope: "repository", manual: "the container to update in the task definition (default app)" },
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
    const doc = YAML.parse(read(`Pulumi.${stack}.yaml`)) as { config: Record<string, unknown> };
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

/** The snippet (a job body) as a whole workflow. */
function snippetWorkflow(snippet: string): string {
    const body = snippet
        .split("\n")
        .map((line) => (line ? `    ${line}` : line))
        .join("\n");
    return `on: push\njobs:\n  push:\n    runs-on: ubuntu-24.04\n${body}`;
}

const SNIPPET_OIDC = {
    authMode: AuthMode.Oidc,
    roleArn: "arn:aws:iam::123456789012:role/ecr-ci-dev",
    region: "eu-west-1",
    audience: "sts.amazonaws.com",
    repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app-dev",
};
const SNIPPET_USER = { ...SNIPPET_OIDC, authMode: AuthMode.User, roleArn: undefined };

describe("workflows: GitHub's workflow schema (@action-validator/core)", () => {
    const valid: { name: string; text: () => string }[] = [
        { name: INFRA_FILE, text: () => INFRA_TEXT },
        { name: APP_FILE, text: () => APP_TEXT },
        { name: "the githubActionsSnippet output (oidc) as a job", text: () => snippetWorkflow(githubActionsSnippet(SNIPPET_OIDC)) },
        { name: "the githubActionsSnippet output (user) as a job", text: () => snippetWorkflow(githubActionsSnippet(SNIPPET_USER)) },
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
        assert.deepEqual(untrustedSubjects(APP, { dev: trustOf("dev"), prod: trustOf("prod") }), []);
        assert.deepEqual([jobSubject(job(APP, "dev")), jobSubject(job(APP, "prod"))], ["ref:refs/heads/dev", "ref:refs/heads/main"]);
    });
});

describe("workflows: the checks catch broken copies, with the exact message", () => {
    const devCredentials = indexOfStep(APP, "dev", assumesRole);
    const cases: { name: string; base: Workflow; mutate: (w: Workflow) => void; check: (w: Workflow) => string[]; expected: string[] }[] = [
        {
            name: "an action on a branch",
            base: APP,
            mutate: (w) => (mutable(step(w, "dev", 0)).uses = "actions/checkout@main"),
            check: unpinnedActions,
            expected: ['jobs.dev.steps[0].uses: "actions/checkout@main" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA'],
        },
        {
            name: "an action without any ref, and a docker image by tag",
            base: APP,
            mutate: (w) => {
                mutable(step(w, "dev", 0)).uses = "actions/checkout";
                mutable(step(w, "prod", 0)).uses = "docker://alpine:3";
            },
            check: unpinnedActions,
            expected: [
                'jobs.dev.steps[0].uses: "actions/checkout" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA',
                'jobs.prod.steps[0].uses: "docker://alpine:3" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA',
            ],
        },
        {
            name: "a commit SHA, a release and a docker digest are pinned",
            base: APP,
            mutate: (w) => {
                mutable(step(w, "dev", 0)).uses = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8";
                mutable(step(w, "prod", 0)).uses = "actions/checkout@v5.0.0";
                mutable(step(w, "prod", 1)).uses = `docker://alpine@sha256:${"a".repeat(64)}`;
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
            mutate: (w) => (mutable(job(w, "dev")).permissions = { contents: "read" }),
            check: missingIdToken,
            expected: ['jobs.dev: assumes a role through OIDC but its permissions lack "id-token: write"'],
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
                const s = mutable(step(w, "dev", devCredentials));
                s.with = { ...s.with, "aws-access-key-id": "${{ secrets.AWS_ACCESS_KEY_ID }}", "aws-secret-access-key": "${{ secrets.AWS_SECRET_ACCESS_KEY }}" };
            },
            check: longLivedKeys,
            expected: [
                `jobs.dev.steps[${devCredentials}].with.aws-access-key-id: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead`,
                `jobs.dev.steps[${devCredentials}].with.aws-secret-access-key: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead`,
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
            mutate: (w) => (mutable(step(w, "dev", devCredentials)).with = { ...step(w, "dev", devCredentials).with, audience: "sts.amazonaws.com.cn" }),
            check: (w) => audienceProblems(w, "sts.amazonaws.com"),
            expected: [`jobs.dev.steps[${devCredentials}].with.audience: "sts.amazonaws.com.cn" is not the partition's STS audience "sts.amazonaws.com"`],
        },
        {
            name: "no audience at all",
            base: APP,
            mutate: (w) => {
                const { audience: _audience, ...rest } = step(w, "dev", devCredentials).with!;
                mutable(step(w, "dev", devCredentials)).with = rest;
            },
            check: (w) => audienceProblems(w, "sts.amazonaws.com"),
            expected: [`jobs.dev.steps[${devCredentials}].with.audience: missing; the partition's STS audience is "sts.amazonaws.com"`],
        },
        {
            name: "every aws audience is wrong for an aws-cn stack",
            base: APP,
            mutate: () => undefined,
            check: (w) => audienceProblems(w, stsAudience(partitionOf("cn-north-1"))),
            expected: [
                `jobs.dev.steps[${devCredentials}].with.audience: "sts.amazonaws.com" is not the partition's STS audience "sts.amazonaws.com.cn"`,
                `jobs.prod.steps[${indexOfStep(APP, "prod", assumesRole)}].with.audience: "sts.amazonaws.com" is not the partition's STS audience "sts.amazonaws.com.cn"`,
            ],
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
                mutable(job(w, "prod")).permissions = "write-all";
            },
            check: (w) => pullRequestWrite(w, ["preview"]),
            expected: [
                'permissions: "pull-requests: write" for the whole workflow; grant it only to preview',
                'jobs.prod: "pull-requests: write" outside the pull-request job (preview)',
            ],
        },
        {
            name: "a role from a variable no stack output fills",
            base: APP,
            mutate: (w) => (mutable(step(w, "dev", devCredentials)).with = { ...step(w, "dev", devCredentials).with, "role-to-assume": "${{ vars.DEV_ROLE }}" }),
            check: (w) => undocumentedVariables(w, Object.keys(VARIABLES)),
            expected: [`jobs.dev.steps[${devCredentials}].with.role-to-assume: vars.DEV_ROLE is not a documented variable`],
        },
        {
            name: "a dispatch input expanded into a script",
            base: APP,
            mutate: (w) => (mutable(step(w, "prod", 1)).run = 'git checkout "${{ inputs.sha }}"'),
            check: scriptInjection,
            expected: ['jobs.prod.steps[1].run: "${{ inputs.sha }}" expands untrusted input into the script; pass it through env:'],
        },
        {
            name: "a GitHub environment on the prod job: its subject becomes environment:prod",
            base: APP,
            mutate: (w) => (mutable(job(w, "prod")).environment = "prod"),
            check: (w) => untrustedSubjects(w, { dev: trustOf("dev"), prod: trustOf("prod") }),
            expected: [
                "jobs.prod: presents the OIDC subject repo:acme/app:environment:prod, which the prod stack's role does not trust (repo:acme/app:ref:refs/heads/main)",
            ],
        },
        {
            name: "the dev job guarded by main's ref",
            base: APP,
            mutate: (w) => (mutable(job(w, "dev")).if = "github.event_name == 'push' && github.ref == 'refs/heads/main'"),
            check: (w) => untrustedSubjects(w, { dev: trustOf("dev"), prod: trustOf("prod") }),
            expected: [
                "jobs.dev: presents the OIDC subject repo:acme/app:ref:refs/heads/main, which the dev stack's role does not trust (repo:acme/app:ref:refs/heads/dev)",
            ],
        },
        {
            name: "a job whose subject the text does not decide",
            base: APP,
            mutate: (w) => delete mutable(job(w, "dev")).if,
            check: (w) => untrustedSubjects(w, { dev: trustOf("dev"), prod: trustOf("prod") }),
            expected: ["jobs.dev: its OIDC subject cannot be told from the workflow (no environment, no github.ref guard)"],
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
        { job: "dev", role: "DEV_ROLE_ARN", region: "DEV_REGION" },
        { job: "prod", role: "PROD_ROLE_ARN", region: "PROD_REGION" },
    ];
    for (const c of jobs) {
        it(`${APP_FILE} jobs.${c.job}: exactly the snippet's configure-aws-credentials and amazon-ecr-login steps`, () => {
            assert.deepEqual(credentialStepsOf(APP, c.job), expectedFor(c.role, c.region));
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
        for (const input of [SNIPPET_OIDC, SNIPPET_USER]) {
            const parsed = YAML.parse(githubActionsSnippet(input)) as { steps: Step[] };
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
        { uses: "aws-actions/amazon-ecs-render-task-definition@v1", input: "image", feeds: "repository" },
        { uses: "aws-actions/amazon-ecs-deploy-task-definition@v2", input: "cluster", feeds: "ecs" },
        { uses: "aws-actions/amazon-ecs-deploy-task-definition@v2", input: "service", feeds: "ecs" },
    ];
    for (const [file, workflow] of [
        [INFRA_FILE, INFRA],
        [APP_FILE, APP],
    ] as const) {
        it(`${file}: role, region, image, cluster and service inputs read variables of their kind, one stack per step`, () => {
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

    it("the promotion copies dev's image, tagged with the chosen commit, into prod's repository", () => {
        const copy = job(APP, "prod").steps!.find((s) => s.name === "Copy the image from dev to prod unchanged")!;
        assert.deepEqual(copy.env, {
            SOURCE: "${{ vars.DEV_REPOSITORY_URL }}:${{ steps.source.outputs.sha }}",
            TARGET: "${{ vars.PROD_REPOSITORY_URL }}:${{ steps.source.outputs.sha }}",
        });
        assert.match(copy.run!, /skopeo copy --all --preserve-digests .* "docker:\/\/\$\{SOURCE\}" "docker:\/\/\$\{TARGET\}"/);
    });

    it("the dev build pushes one immutable tag, the commit SHA", () => {
        assert.equal(job(APP, "dev").env!.IMAGE, "${{ vars.DEV_REPOSITORY_URL }}:${{ github.sha }}");
    });

    it("ECS steps run only when the environment has ECS deploy configured", () => {
        const ecsSteps = (jobName: string) =>
            job(APP, jobName).steps!.filter((s) => /ECS|task definition/.test(s.name ?? "")).map((s) => [s.name, s.if]);
        assert.deepEqual(ecsSteps("dev"), [
            ["Find the ECS service's task definition", "vars.DEV_ECS_CLUSTER_ARN != ''"],
            ["Render the task definition with the new image", "vars.DEV_ECS_CLUSTER_ARN != ''"],
            ["Deploy to Amazon ECS", "vars.DEV_ECS_CLUSTER_ARN != ''"],
        ]);
        assert.deepEqual(ecsSteps("prod"), [
            ["Find the ECS service's task definition", "vars.PROD_ECS_CLUSTER_ARN != ''"],
            ["Render the task definition with the promoted image", "vars.PROD_ECS_CLUSTER_ARN != ''"],
            ["Deploy to Amazon ECS", "vars.PROD_ECS_CLUSTER_ARN != ''"],
        ]);
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
