// Semantic checks of GitHub Actions workflows, beyond the schema: pinned actions, OIDC permissions,
// no long-lived AWS keys, the STS audience, where `pull-requests: write` may appear, which variables
// a workflow reads, script injection, and the OIDC subject each job presents. Pure: each check takes
// a parsed workflow and returns problem messages (empty when the workflow passes).
import * as YAML from "yaml";

/** A step, as far as the checks read it. */
export interface Step {
    readonly name?: string;
    readonly id?: string;
    readonly if?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
}

/** `read-all`, `write-all`, `{}` or scope → `read` | `write` | `none`. */
export type Permissions = string | Record<string, string>;

export interface Job {
    readonly name?: string;
    readonly if?: string;
    readonly environment?: string | { readonly name: string; readonly url?: string };
    readonly permissions?: Permissions;
    readonly env?: Record<string, unknown>;
    readonly concurrency?: string | { readonly group: string; readonly "cancel-in-progress"?: boolean | string };
    readonly uses?: string;
    readonly needs?: string | readonly string[];
    readonly outputs?: Record<string, string>;
    readonly strategy?: { readonly matrix?: Record<string, unknown>; readonly "fail-fast"?: boolean };
    readonly steps?: Step[];
}

export interface Workflow {
    readonly name?: string;
    readonly on: unknown;
    readonly permissions?: Permissions;
    readonly env?: Record<string, unknown>;
    readonly jobs: Record<string, Job>;
}

/** Parses a workflow file (YAML 1.2, so `on` stays a string key). */
export function parseWorkflow(text: string): Workflow {
    return YAML.parse(text) as Workflow;
}

export const CONFIGURE_AWS_CREDENTIALS = "aws-actions/configure-aws-credentials";

/** Inputs and environment variables that carry long-lived AWS credentials. */
export const LONG_LIVED_INPUTS = ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"] as const;
export const LONG_LIVED_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;

/** Contexts an attacker can fill (a pull request's title, branch name, a dispatch input...). */
const UNTRUSTED_CONTEXT = /\bgithub\.event\.|\bgithub\.head_ref\b|\binputs\./;
const EXPRESSION = /\$\{\{(.*?)\}\}/g;
const VARIABLE = /\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g;
const ENV_REFERENCE = /\benv\.([A-Za-z_][A-Za-z0-9_]*)/g;
const MATRIX_REFERENCE = /\bmatrix\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** A major version (`v6`), an exact release (`v6.1.0`) or a full commit SHA. */
const PINNED_REF = /^(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;
const DOCKER_DIGEST = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;

const stepPath = (job: string, index: number): string => `jobs.${job}.steps[${index}]`;

/** Every step with its path, in file order. */
export function stepsOf(workflow: Workflow): { job: string; path: string; step: Step }[] {
    return Object.entries(workflow.jobs).flatMap(([job, body]) =>
        (body.steps ?? []).map((step, index) => ({ job, path: stepPath(job, index), step })),
    );
}

/** The action a `uses:` names, without its ref: `aws-actions/configure-aws-credentials`. */
export function actionName(uses: string): string {
    return uses.split("@", 1)[0];
}

/** A configure-aws-credentials step that assumes a role (the OIDC flow). */
export function assumesRole(step: Step): boolean {
    return step.uses !== undefined && actionName(step.uses) === CONFIGURE_AWS_CREDENTIALS && step.with?.["role-to-assume"] !== undefined;
}

/** Whether any job of the workflow authenticates to AWS through OIDC. */
export function usesOidc(workflow: Workflow): boolean {
    return stepsOf(workflow).some(({ step }) => assumesRole(step));
}

/** A job's permissions: its own, else the workflow's. `undefined`: GitHub's repository default. */
export function effectivePermissions(workflow: Workflow, job: Job): Permissions | undefined {
    return job.permissions ?? workflow.permissions;
}

function grants(permissions: Permissions | undefined, scope: string, level: "write"): boolean {
    if (permissions === undefined || typeof permissions === "string") {
        return permissions === `${level}-all`;
    }
    return permissions[scope] === level;
}

/** Every `uses:` not pinned to a major version, a release or a commit SHA (local actions excepted). */
export function unpinnedActions(workflow: Workflow): string[] {
    const uses = [
        ...Object.entries(workflow.jobs).flatMap(([job, body]) => (body.uses ? [{ path: `jobs.${job}`, uses: body.uses }] : [])),
        ...stepsOf(workflow).flatMap(({ path, step }) => (step.uses ? [{ path, uses: step.uses }] : [])),
    ];
    return uses
        .filter(({ uses }) => !isPinned(uses))
        .map(({ path, uses }) => `${path}.uses: "${uses}" is not pinned: use a major version (@vN), a release (@vN.N.N) or a full commit SHA`);
}

function isPinned(uses: string): boolean {
    if (uses.startsWith("./")) {
        return true;
    }
    if (uses.startsWith("docker://")) {
        return DOCKER_DIGEST.test(uses);
    }
    const at = uses.lastIndexOf("@");
    return at > 0 && PINNED_REF.test(uses.slice(at + 1));
}

/** Every `uses:` whose action is pinned at another version than the project's table says, or not listed. */
export function offTableActions(workflow: Workflow, table: readonly string[]): string[] {
    const byName = new Map(table.map((uses) => [actionName(uses), uses]));
    return stepsOf(workflow).flatMap(({ path, step }) => {
        if (!step.uses || step.uses.startsWith("./") || table.includes(step.uses)) {
            return [];
        }
        const pinned = byName.get(actionName(step.uses));
        return [
            pinned
                ? `${path}.uses: "${step.uses}" is not the version the project pins (${pinned})`
                : `${path}.uses: "${step.uses}" is not in the project's table of pinned actions`,
        ];
    });
}

/** Jobs that assume a role through OIDC without `id-token: write`. */
export function missingIdToken(workflow: Workflow): string[] {
    return Object.entries(workflow.jobs)
        .filter(([, job]) => (job.steps ?? []).some(assumesRole))
        .filter(([, job]) => !grants(effectivePermissions(workflow, job), "id-token", "write"))
        .map(([name]) => `jobs.${name}: assumes a role through OIDC but its permissions lack "id-token: write"`);
}

/** In a workflow that uses OIDC: any input, variable or script that carries a long-lived AWS key. */
export function longLivedKeys(workflow: Workflow): string[] {
    if (!usesOidc(workflow)) {
        return [];
    }
    const problem = (path: string): string => `${path}: a long-lived AWS key in an OIDC workflow; assume a role with role-to-assume instead`;
    const envKeys = (path: string, env: Record<string, unknown> | undefined): string[] =>
        Object.keys(env ?? {})
            .filter((key) => (LONG_LIVED_ENV as readonly string[]).includes(key))
            .map((key) => problem(`${path}env.${key}`));
    return [
        ...envKeys("", workflow.env),
        ...Object.entries(workflow.jobs).flatMap(([name, job]) => envKeys(`jobs.${name}.`, job.env)),
        ...stepsOf(workflow).flatMap(({ path, step }) => [
            ...Object.keys(step.with ?? {})
                .filter((key) => (LONG_LIVED_INPUTS as readonly string[]).includes(key))
                .map((key) => problem(`${path}.with.${key}`)),
            ...envKeys(`${path}.`, step.env),
            ...(step.run !== undefined && LONG_LIVED_ENV.some((name) => step.run!.includes(name)) ? [problem(`${path}.run`)] : []),
        ]),
    ];
}

/** Role-assuming steps whose `audience` is not the partition's STS audience. */
export function audienceProblems(workflow: Workflow, expected: string): string[] {
    return stepsOf(workflow)
        .filter(({ step }) => assumesRole(step))
        .flatMap(({ path, step }) => {
            const audience = step.with?.audience;
            if (audience === undefined) {
                return [`${path}.with.audience: missing; the partition's STS audience is "${expected}"`];
            }
            return audience === expected ? [] : [`${path}.with.audience: "${String(audience)}" is not the partition's STS audience "${expected}"`];
        });
}

/** `pull-requests: write` anywhere but the listed jobs (and never for the whole workflow). */
export function pullRequestWrite(workflow: Workflow, allowedJobs: readonly string[]): string[] {
    const workflowLevel = grants(workflow.permissions, "pull-requests", "write")
        ? [`permissions: "pull-requests: write" for the whole workflow; grant it only to ${allowedJobs.join(", ")}`]
        : [];
    const jobs = Object.entries(workflow.jobs)
        .filter(([name, job]) => !allowedJobs.includes(name) && job.permissions !== undefined && grants(job.permissions, "pull-requests", "write"))
        .map(([name]) => `jobs.${name}: "pull-requests: write" outside the pull-request job (${allowedJobs.join(", ")})`);
    return [...workflowLevel, ...jobs];
}

/** Whether a job runs code of the repository (a checkout, or any `run:` script). */
export function runsRepositoryCode(job: Job): boolean {
    return (job.steps ?? []).some((s) => s.run !== undefined || (s.uses !== undefined && actionName(s.uses) === "actions/checkout"));
}

/** Whether a job can run for a pull request: the workflow triggers on one and the job's `if` does not exclude it. */
export function runsOnPullRequests(workflow: Workflow, job: Job): boolean {
    const on = workflow.on;
    const triggers = typeof on === "string" ? [on] : Array.isArray(on) ? (on as string[]) : Object.keys((on ?? {}) as object);
    const pr = triggers.some((t) => t === "pull_request" || t === "pull_request_target");
    return pr && (job.if === undefined || /'pull_request(_target)?'/.test(job.if));
}

/**
 * Jobs that can write (any `write` permission, or the repository default) and also run the
 * repository's code on a pull request: that code could use or tamper with the write token.
 * `allowed` names the jobs that do so knowingly.
 */
export function writeWithPullRequestCode(workflow: Workflow, allowed: readonly string[]): string[] {
    return Object.entries(workflow.jobs)
        .filter(([name, job]) => !allowed.includes(name) && runsRepositoryCode(job) && runsOnPullRequests(workflow, job))
        .filter(([, job]) => {
            const permissions = effectivePermissions(workflow, job);
            return permissions === undefined || permissions === "write-all" || (typeof permissions === "object" && Object.values(permissions).includes("write"));
        })
        .map(([name]) => `jobs.${name}: runs pull-request code with a write-capable token; split the writing into a job that runs no repository code`);
}

/** Every string in a value, with its path. */
function strings(value: unknown, path: string): { path: string; text: string }[] {
    if (typeof value === "string") {
        return [{ path, text: value }];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => strings(item, `${path}[${index}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, item]) => strings(item, path ? `${path}.${key}` : key));
    }
    return [];
}

/** The repository/environment variables (`vars.NAME`) a workflow reads, sorted. */
export function variablesRead(workflow: Workflow): string[] {
    const names = strings(workflow, "").flatMap(({ text }) => [...text.matchAll(VARIABLE)].map((m) => m[1]));
    return [...new Set(names)].sort();
}

/** Every `vars.NAME` that the project's variable table does not document. */
export function undocumentedVariables(workflow: Workflow, documented: readonly string[]): string[] {
    return strings(workflow, "").flatMap(({ path, text }) =>
        [...text.matchAll(VARIABLE)]
            .filter((m) => !documented.includes(m[1]))
            .map((m) => `${path}: vars.${m[1]} is not a documented variable`),
    );
}

/** `run:` scripts that expand attacker-controlled contexts inline instead of through `env:`. */
export function scriptInjection(workflow: Workflow): string[] {
    return stepsOf(workflow).flatMap(({ path, step }) =>
        [...(step.run ?? "").matchAll(EXPRESSION)]
            .filter((m) => UNTRUSTED_CONTEXT.test(m[1]))
            .map((m) => `${path}.run: "${m[0]}" expands untrusted input into the script; pass it through env:`),
    );
}

/**
 * The variables a step input reads, directly (`${{ vars.X }}`) or through an environment variable
 * of the step, its job or the workflow (`${{ env.X }}` where `X: ${{ vars.Y }}`), or through the job's
 * matrix (`${{ matrix.X }}` where `matrix: { X: ${{ fromJSON(vars.Y) }} }`), sorted.
 */
export function variablesOfInput(workflow: Workflow, job: string, step: Step, input: string): string[] {
    const env: Record<string, unknown> = { ...workflow.env, ...workflow.jobs[job].env, ...step.env };
    const matrix: Record<string, unknown> = workflow.jobs[job].strategy?.matrix ?? {};
    const text = String(step.with?.[input] ?? "");
    const through = [
        ...[...text.matchAll(ENV_REFERENCE)].map((m) => String(env[m[1]] ?? "")),
        ...[...text.matchAll(MATRIX_REFERENCE)].map((m) => String(matrix[m[1]] ?? "")),
    ];
    const names = [text, ...through].flatMap((t) => [...t.matchAll(VARIABLE)].map((m) => m[1]));
    return [...new Set(names)].sort();
}

/**
 * The suffix of the OIDC `sub` claim a job's token carries (after `repo:OWNER/REPO:`), as far as the
 * workflow text decides it: a job with an environment always gets `environment:NAME`; otherwise a
 * job guarded by `github.ref == 'refs/heads/B'` gets `ref:refs/heads/B`, and a job that runs only for
 * pull requests gets `pull_request`. `undefined` when the text does not decide it.
 */
export function jobSubject(job: Job): string | undefined {
    if (job.environment !== undefined) {
        return `environment:${typeof job.environment === "string" ? job.environment : job.environment.name}`;
    }
    const condition = job.if ?? "";
    const branch = /\bgithub\.ref == 'refs\/heads\/([^']+)'/.exec(condition);
    if (branch) {
        return `ref:refs/heads/${branch[1]}`;
    }
    return /^github\.event_name == 'pull_request'$/.test(condition.trim()) ? "pull_request" : undefined;
}

/** What a job's role trusts: the `repo:` prefix its subjects start with and the accepted subjects. */
export interface Trust {
    readonly stack: string;
    readonly prefix: string;
    readonly exact: readonly string[];
    readonly patterns: readonly string[];
}

/** IAM StringLike: `*` matches any run of characters, `?` one character. */
function stringLike(pattern: string, value: string): boolean {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${source}$`).test(value);
}

/** OIDC jobs whose subject the role of their stack does not trust. */
export function untrustedSubjects(workflow: Workflow, trustOf: Readonly<Record<string, Trust>>): string[] {
    return Object.entries(workflow.jobs)
        .filter(([, job]) => (job.steps ?? []).some(assumesRole))
        .flatMap(([name, job]) => {
            const trust = trustOf[name];
            if (!trust) {
                return [`jobs.${name}: assumes a role, but no stack is declared for it`];
            }
            const suffix = jobSubject(job);
            if (suffix === undefined) {
                return [`jobs.${name}: its OIDC subject cannot be told from the workflow (no environment, no github.ref guard)`];
            }
            const subject = `${trust.prefix}:${suffix}`;
            const trusted = trust.exact.includes(subject) || trust.patterns.some((p) => stringLike(p, subject));
            return trusted
                ? []
                : [`jobs.${name}: presents the OIDC subject ${subject}, which the ${trust.stack} stack's role does not trust (${[...trust.exact, ...trust.patterns].join(", ")})`];
        });
}

/** One run a workflow's trigger allows: the event and the ref GitHub puts in `ref`. */
export interface TriggerRun {
    readonly event: string;
    readonly ref: string;
}

/** A ref that a branch or tag filter lets through: each `*` (or `**`) stands for `x`, escapes dropped. */
function exampleRef(filter: string): string {
    return filter.replace(/\*+/g, "x").replace(/\\(.)/g, "$1");
}

/**
 * One run per filter of `on.push` (branch and tag), and for `workflow_dispatch` a run on the default
 * branch (`refs/heads/main`), for `pull_request` a merge ref. GitHub docs, "Events that trigger
 * workflows" (GITHUB_REF per event).
 */
export function triggerRuns(workflow: Workflow): TriggerRun[] {
    const on = (typeof workflow.on === "string" ? { [workflow.on]: {} } : workflow.on) as Record<string, { branches?: string[]; tags?: string[] } | null>;
    const runs: TriggerRun[] = [];
    for (const [event, filter] of Object.entries(on)) {
        if (event === "push") {
            runs.push(...(filter?.branches ?? []).map((b) => ({ event, ref: `refs/heads/${exampleRef(b)}` })));
            runs.push(...(filter?.tags ?? []).map((t) => ({ event, ref: `refs/tags/${exampleRef(t)}` })));
        } else if (event === "workflow_dispatch") {
            runs.push({ event, ref: "refs/heads/main" });
        } else if (event === "pull_request") {
            runs.push({ event, ref: "refs/pull/7/merge" });
        }
    }
    return runs;
}

/**
 * The claims of the OIDC token GitHub issues to `jobName` in a run (those STS turns into condition
 * keys, plus `sub` and `aud`): a job with an environment gets `environment:NAME` as its subject
 * whatever the ref, a pull request `pull_request`, otherwise `ref:<ref>`. IDs are GitHub's numeric
 * strings (the configured ones when known). GitHub docs, "OpenID Connect reference" (example token).
 */
export function jobToken(input: {
    readonly github: { readonly owner: string; readonly repository: string; readonly ownerId?: string; readonly repositoryId?: string };
    /** The `repo:` prefix of the subject: legacy or immutable. */
    readonly prefix: string;
    readonly workflow: Workflow;
    readonly jobName: string;
    /** The workflow's file name under .github/workflows/. */
    readonly file: string;
    readonly event: string;
    readonly ref: string;
}): Record<string, string> {
    const job = input.workflow.jobs[input.jobName];
    const environment = job.environment === undefined ? undefined : typeof job.environment === "string" ? job.environment : job.environment.name;
    const context = environment !== undefined ? `environment:${environment}` : input.event.startsWith("pull_request") ? "pull_request" : `ref:${input.ref}`;
    const repository = `${input.github.owner}/${input.github.repository}`;
    return {
        sub: `${input.prefix}:${context}`,
        aud: "sts.amazonaws.com",
        ref: input.ref,
        repository,
        repository_id: input.github.repositoryId ?? "74",
        repository_owner_id: input.github.ownerId ?? "65",
        workflow: input.workflow.name ?? input.file,
        job_workflow_ref: `${repository}/.github/workflows/${input.file}@${input.ref}`,
        actor: "octocat",
        actor_id: "12",
        ...(environment !== undefined ? { environment } : {}),
    };
}
