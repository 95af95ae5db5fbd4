// The GitHub Actions workflow a pipeline needs to use an environment. Pure. The stack output
// `githubActionsSnippet` and the example workflows are generated from / checked against this one source.
import { AuthMode, type GitHub } from "../contract/args";

/**
 * Every action the project's workflows use, each at the one release the project pins. The table of
 * AWS calls each client makes (tests/fixtures/client-calls.ts, evaluated against the generated
 * policies) was derived from the source of exactly these releases, so a newer release is a change
 * to review, not a drift: tests/workflows.test.ts fails when a workflow uses another version.
 * Sources (tag → commit): configure-aws-credentials v6.2.3 e6de0542, amazon-ecr-login v2.1.7
 * 03f1aad4, amazon-ecs-render-task-definition v1.9.0 138c24f3, amazon-ecs-deploy-task-definition
 * v2.6.3 c465972e, build-push-action v6.19.2 10e90e36, setup-buildx-action v3.12.0 8d2750c6,
 * pulumi/actions v7 (= v7.0.0) 8e5e406f.
 */
export const ACTIONS = {
    checkout: "actions/checkout@v5",
    setupNode: "actions/setup-node@v6",
    configureAwsCredentials: "aws-actions/configure-aws-credentials@v6.2.3",
    ecrLogin: "aws-actions/amazon-ecr-login@v2.1.7",
    setupBuildx: "docker/setup-buildx-action@v3.12.0",
    buildPush: "docker/build-push-action@v6.19.2",
    ecsRender: "aws-actions/amazon-ecs-render-task-definition@v1.9.0",
    ecsDeploy: "aws-actions/amazon-ecs-deploy-task-definition@v2.6.3",
    pulumi: "pulumi/actions@v7",
    githubScript: "actions/github-script@v8",
} as const;

/**
 * The Pulumi CLI the infrastructure workflow installs (`pulumi-version`). pulumi/actions@v7 installs
 * the newest 3.x otherwise (src/config.ts@v7 `makeConfig`: the unset input is '' = any version), and
 * the DIY backend's object keys changed within 3.x (`.pulumi-tags`, read since v3.211.0).
 */
export const PULUMI_CLI_VERSION = "3.259.0";

/** The runner image of every generated job. */
export const RUNNER = "ubuntu-24.04";

/** One workflow step that runs an action, as data. */
export interface ActionStep {
    readonly name: string;
    readonly id?: string;
    readonly if?: string;
    readonly uses: string;
    /** The action's inputs, in the order they are written. */
    readonly with?: Readonly<Record<string, string | boolean>>;
}

/** What the credential steps need. */
export interface CredentialInput {
    readonly authMode: AuthMode;
    /** OIDC: the role to assume. */
    readonly roleArn?: string;
    readonly region: string;
    /** OIDC: `sts.amazonaws.com` (`sts.amazonaws.com.cn` in aws-cn). */
    readonly audience: string;
}

/**
 * The steps that give a job AWS credentials and a Docker login to ECR. The stack output renders them
 * with literal values; the example workflows must contain exactly these steps with `${{ vars.* }}`
 * expressions as values (tests/workflows.test.ts).
 */
export function credentialSteps(input: CredentialInput): ActionStep[] {
    const credentials: Record<string, string> =
        input.authMode === AuthMode.Oidc
            ? { "role-to-assume": `${input.roleArn}`, "aws-region": input.region, audience: input.audience }
            : {
                  "aws-access-key-id": "${{ secrets.AWS_ACCESS_KEY_ID }}",
                  "aws-secret-access-key": "${{ secrets.AWS_SECRET_ACCESS_KEY }}",
                  "aws-region": input.region,
              };
    return [
        { name: "Configure AWS credentials", uses: ACTIONS.configureAwsCredentials, with: credentials },
        { name: "Log in to Amazon ECR", id: "ecr", uses: ACTIONS.ecrLogin },
    ];
}

/** One repository of the environment, as the snippet pushes to it. */
export interface SnippetRepository {
    readonly name: string;
    /** `<account>.dkr.ecr.<region>.<dns suffix>/<name>` */
    readonly url: string;
}

export interface SnippetInput extends CredentialInput {
    /** The ecr-ci environment name (workflow name, concurrency group). */
    readonly environment: string;
    /** OIDC: what the role trusts; it decides the workflow's trigger and the job's `environment:`. User mode: the branches to push from, if given. */
    readonly github?: GitHub;
    /** Every repository of the environment, in config order. */
    readonly repositories: readonly SnippetRepository[];
    /** With `ecsDeploy`: the cluster and every service CI may update. */
    readonly ecs?: { readonly clusterArn: string; readonly services: readonly string[] };
}

/**
 * The container a repository's image runs in: the repository's last path segment without the
 * environment suffix (`app-dev` → `app`, `team/web-dev` → `web`). The snippet and the example
 * workflow update, in each service's task definition, the container of that name.
 */
export function containerName(repository: string, environment: string): string {
    const last = repository.split("/").pop()!;
    const suffix = `-${environment}`;
    return last.endsWith(suffix) && last.length > suffix.length ? last.slice(0, -suffix.length) : last;
}

/** Which repository's image a service runs: the one whose container name is the service's name, else the first. */
export function serviceRepository(service: string, repositories: readonly SnippetRepository[], environment: string): SnippetRepository {
    return repositories.find((r) => containerName(r.name, environment) === service) ?? repositories[0];
}

/** A git ref name as a GitHub filter: `+` and a leading `!` are filter syntax, so they are escaped. `*` stays a pattern. */
function refFilter(name: string): string {
    return name.replace(/\+/g, "\\+").replace(/^!/, "\\!");
}

/** When the workflow runs, and the GitHub environment its job must name for the role to trust it. */
interface Trigger {
    readonly on: Record<string, unknown>;
    readonly environment?: string;
    readonly notes: readonly string[];
}

/**
 * The trigger the role's trust accepts. GitHub's `*` in a filter never matches `/`, IAM's StringLike
 * `*` does: every ref a filter lets through is one the trust accepts (the trigger is never wider).
 * Branches and tags first (a `push` job without an environment presents `ref:refs/...`); with only
 * environments, the job names the first one (its subject is then `environment:NAME`, whatever the
 * ref); with only pull requests, `pull_request`.
 */
function trigger(input: SnippetInput): Trigger {
    const github = input.github;
    const branches = (github?.branches ?? []).map(refFilter);
    const tags = (github?.tags ?? []).map(refFilter);
    if (input.authMode === AuthMode.User) {
        return {
            on: { push: branches.length + tags.length > 0 ? { ...(branches.length ? { branches } : {}), ...(tags.length ? { tags } : {}) } : { branches: ["main"] } },
            notes: ["User mode: the access key works from any ref, so the trigger alone limits who pushes; keep it to protected branches."],
        };
    }
    // One string from an untyped caller, as validation accepts it, or a list.
    const workflows: readonly string[] = [github?.jobWorkflowRef ?? []].flat();
    if (workflows.length > 0) {
        return {
            on: { workflow_call: {} },
            notes: [
                `The role trusts only the reusable workflow ${workflows.join(" or ")}: save this file at that path and ref, and call it`,
                "from a job whose trigger presents a subject the role trusts.",
            ],
        };
    }
    if (branches.length + tags.length > 0) {
        return { on: { push: { ...(branches.length ? { branches } : {}), ...(tags.length ? { tags } : {}) } }, notes: [] };
    }
    const environments = github?.environments ?? [];
    if (environments.length > 0) {
        const [environment, ...others] = environments;
        return {
            on: { workflow_dispatch: {} },
            environment,
            notes: [
                `The role trusts the GitHub environment ${environment}${others.length ? ` (and ${others.join(", ")})` : ""}, not a branch: the job names it, so its`,
                `token's subject is environment:${environment} whatever the ref. Limit the refs that may deploy under Settings →`,
                `Environments → ${environment} → Deployment branches and tags, then add the trigger you want (e.g. push: { branches: [main] }).`,
            ],
        };
    }
    return { on: { pull_request: {} }, notes: ["The role trusts pull requests only (the pull_request subject)."] };
}

/** A GitHub Actions step id from a name: letters, digits, `_` and `-`, starting with a letter. */
function stepId(prefix: string, name: string, taken: Set<string>): string {
    const base = `${prefix}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) {
        id = `${base}-${n}`;
    }
    taken.add(id);
    return id;
}

/**
 * Whether `<repository>:<commit SHA>` exists (`ecr:DescribeImages`): tags are immutable, so a re-run
 * must not push the same tag again. Any error but "image not found" fails the step.
 */
export function imageExistsScript(): string {
    return [
        "set -euo pipefail",
        'if out=$(aws ecr describe-images --repository-name "${REPOSITORY}" --image-ids "imageTag=${GITHUB_SHA}" 2>&1); then',
        '  echo "${REPOSITORY}:${GITHUB_SHA} already exists: not pushed again (immutable tags)"',
        '  echo "exists=true" >> "${GITHUB_OUTPUT}"',
        "elif grep -q ImageNotFoundException <<<\"${out}\"; then",
        '  echo "exists=false" >> "${GITHUB_OUTPUT}"',
        "else",
        '  echo "${out}" >&2',
        "  exit 1",
        "fi",
        "",
    ].join("\n");
}

/** The task definition an ECS service runs now (`ecs:DescribeServices`), as a step output. */
export function serviceTaskDefinitionScript(): string {
    return [
        "set -euo pipefail",
        "arn=$(aws ecs describe-services --cluster \"${CLUSTER}\" --services \"${SERVICE}\" --query 'services[0].taskDefinition' --output text)",
        'if [ -z "${arn}" ] || [ "${arn}" = "None" ]; then',
        '  echo "::error::service ${SERVICE} not found in ${CLUSTER}"',
        "  exit 1",
        "fi",
        'echo "task-definition-arn=${arn}" >> "${GITHUB_OUTPUT}"',
        "",
    ].join("\n");
}

type Step = ActionStep | { readonly [key: string]: unknown };

/** The workflow as data: what `githubActionsSnippet` renders. */
export function snippetWorkflow(input: SnippetInput): { workflow: Record<string, unknown>; notes: readonly string[] } {
    const oidc = input.authMode === AuthMode.Oidc;
    const { on, environment, notes } = trigger(input);
    const taken = new Set<string>(["ecr"]);
    const image = (r: SnippetRepository) => `${r.url}:\${{ github.sha }}`;
    const steps: Step[] = [
        { uses: ACTIONS.checkout },
        ...credentialSteps(input),
        { name: "Set up Docker Buildx", uses: ACTIONS.setupBuildx },
    ];
    for (const repository of input.repositories) {
        const id = stepId("exists", repository.name, taken);
        steps.push(
            { name: `Does ${repository.name}:<commit SHA> exist?`, id, env: { REPOSITORY: repository.name }, run: imageExistsScript() },
            {
                name: `Build and push ${repository.name}`,
                if: `steps.${id}.outputs.exists == 'false'`,
                uses: ACTIONS.buildPush,
                with: { context: ".", push: true, tags: image(repository) },
            },
        );
    }
    for (const service of input.ecs?.services ?? []) {
        const repository = serviceRepository(service, input.repositories, input.environment);
        const find = stepId("service", service, taken);
        const render = stepId("render", service, taken);
        steps.push(
            { name: `Find ${service}'s task definition`, id: find, env: { CLUSTER: input.ecs!.clusterArn, SERVICE: service }, run: serviceTaskDefinitionScript() },
            {
                name: `Render ${service}'s task definition with the new image`,
                id: render,
                uses: ACTIONS.ecsRender,
                with: {
                    "task-definition-arn": `\${{ steps.${find}.outputs.task-definition-arn }}`,
                    "container-name": containerName(repository.name, input.environment),
                    image: image(repository),
                },
            },
            {
                name: `Deploy ${service}`,
                uses: ACTIONS.ecsDeploy,
                with: {
                    "task-definition": `\${{ steps.${render}.outputs.task-definition }}`,
                    cluster: input.ecs!.clusterArn,
                    service,
                    "wait-for-service-stability": true,
                },
            },
        );
    }
    const job: Record<string, unknown> = {
        name: `Build and push (${input.environment})`,
        "runs-on": RUNNER,
        ...(environment ? { environment } : {}),
        permissions: oidc ? { contents: "read", "id-token": "write" } : { contents: "read" },
        // One rollout at a time, never cancelled halfway.
        concurrency: { group: `ecr-ci-${input.environment}`, "cancel-in-progress": false },
        steps,
    };
    return { workflow: { name: `ecr-ci ${input.environment}`, on, permissions: {}, jobs: { images: job } }, notes };
}

/**
 * A complete, paste-ready workflow (`.github/workflows/ecr-ci-<environment>.yml`) for the environment
 * as configured: the trigger and GitHub environment its role trusts, credentials, the ECR login, for
 * every repository a build and push by commit SHA that a re-run skips, and for every ECS service a
 * render and deploy.
 */
export function githubActionsSnippet(input: SnippetInput): string {
    const { workflow, notes } = snippetWorkflow(input);
    const header = [
        `# .github/workflows/ecr-ci-${input.environment}.yml, generated by ecr-ci for the ${input.environment} environment.`,
        ...(input.repositories.length > 1 ? ["# Every image is built from the repository root (context: .): point each build at its own directory."] : []),
        ...(input.ecs ? ["# Each service's task definition is updated in the container named after its image's repository (app-dev → app)."] : []),
        ...notes.map((n) => `# ${n}`),
    ];
    return [...header, ...yamlLines(workflow, 0), ""].join("\n");
}

// ---------------------------------------------------------------------------------------------
// A minimal YAML writer for the workflow above (the library has no YAML dependency).

const PLAIN = /^[A-Za-z0-9_./$(][A-Za-z0-9 _./:@${}()<>'*,=|&!?\\-]*$/;
/** In a flow sequence (`[a, b]`), commas and brackets end a plain scalar. */
const FLOW_PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./*-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~|[-+]?[0-9.]+)$/i;

function scalar(value: unknown): string {
    if (typeof value === "boolean" || typeof value === "number") {
        return String(value);
    }
    const text = String(value);
    return PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(" ") && !text.endsWith(":") && !text.includes(" #") && !text.includes(": ")
        ? text
        : JSON.stringify(text);
}

function isEmptyObject(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

function yamlLines(value: Record<string, unknown>, indent: number): string[] {
    const pad = " ".repeat(indent);
    return Object.entries(value).flatMap(([key, item]) => {
        if (typeof item === "string" && item.includes("\n")) {
            return [`${pad}${key}: |`, ...item.replace(/\n$/, "").split("\n").map((line) => (line ? `${pad}  ${line}` : ""))];
        }
        if (Array.isArray(item)) {
            if (item.every((x) => typeof x !== "object")) {
                return [`${pad}${key}: [${item.map((x) => (FLOW_PLAIN.test(String(x)) && !RESERVED.test(String(x)) ? String(x) : JSON.stringify(String(x)))).join(", ")}]`];
            }
            return [
                `${pad}${key}:`,
                ...item.flatMap((entry) => {
                    const lines = yamlLines(entry as Record<string, unknown>, indent + 4);
                    return [`${pad}  - ${lines[0].trimStart()}`, ...lines.slice(1)];
                }),
            ];
        }
        if (typeof item === "object" && item !== null) {
            return isEmptyObject(item) ? [`${pad}${key}: {}`] : [`${pad}${key}:`, ...yamlLines(item as Record<string, unknown>, indent + 2)];
        }
        return [`${pad}${key}: ${scalar(item)}`];
    });
}
