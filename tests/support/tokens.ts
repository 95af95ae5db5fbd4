// Full GitHub Actions OIDC tokens for the trust tables: every claim GitHub sends for a run (GitHub
// docs, OIDC reference, example token; github/docs content/actions/concepts/security/openid-connect.md@0a760a3a),
// and the view STS passes to a trust policy (`sub`, `aud` and its claim keys, STS_CLAIM_KEYS).
import { STS_CLAIM_KEYS } from "../../components/core/github";

const AUD = "sts.amazonaws.com";
const OWNER_ID = "111";
const REPO_ID = "222";

/** One workflow run, as GitHub describes it in the token. */
export interface Run {
    readonly event: "push" | "pull_request" | "pull_request_target" | "workflow_dispatch" | "release";
    readonly ref: string;
    readonly environment?: string;
    /** `owner/name`. @default acme/app */
    readonly repository?: string;
    readonly ownerId?: string;
    readonly repositoryId?: string;
    /** The repository has moved to immutable subjects. */
    readonly immutable?: boolean;
    readonly jobWorkflowRef?: string;
    /** The repository's custom subject template. @default ["repo", "context"] */
    readonly template?: readonly string[];
    readonly aud?: string;
    /** The `sub` as given (e.g. a forged one), instead of the one the template makes. */
    readonly sub?: string;
}

/** Every claim of the run's token (values are strings; `head_ref`/`base_ref` empty outside pull requests). */
export function token(run: Run): Record<string, string> {
    const repository = run.repository ?? "acme/app";
    const [owner, name] = repository.split("/");
    const ownerId = run.ownerId ?? OWNER_ID;
    const repositoryId = run.repositoryId ?? REPO_ID;
    const repo = run.immutable ? `${owner}@${ownerId}/${name}@${repositoryId}` : repository;
    const pr = run.event === "pull_request" || run.event === "pull_request_target";
    const context = run.environment !== undefined ? `environment:${run.environment.replace(/:/g, "%3A")}` : pr ? "pull_request" : `ref:${run.ref}`;
    const values: Record<string, string | undefined> = {
        repo: `repo:${repo}`,
        context,
        job_workflow_ref: run.jobWorkflowRef,
        repository,
        repository_owner: owner,
        repository_id: repositoryId,
        repository_owner_id: ownerId,
        environment: run.environment,
    };
    const sub = (run.template ?? ["repo", "context"])
        .map((key) => (key === "repo" || key === "context" ? values[key] : `${key}:${(values[key] ?? "").replace(/:/g, "%3A")}`))
        .join(":");
    const claims: Record<string, string | undefined> = {
        sub: run.sub ?? sub,
        aud: run.aud ?? AUD,
        iss: "https://token.actions.githubusercontent.com",
        ref: run.ref,
        ref_type: run.ref.startsWith("refs/tags/") ? "tag" : "branch",
        sha: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        repository,
        repository_id: repositoryId,
        repository_owner: owner,
        repository_owner_id: ownerId,
        repository_visibility: "private",
        actor: "octocat",
        actor_id: "12",
        workflow: "ci",
        workflow_ref: `${repository}/.github/workflows/ci.yml@${run.ref}`,
        event_name: run.event,
        head_ref: pr ? "feature" : "",
        base_ref: pr ? "main" : "",
        environment: run.environment,
        job_workflow_ref: run.jobWorkflowRef,
        run_id: "1",
        run_number: "1",
        run_attempt: "1",
        runner_environment: "github-hosted",
    };
    return Object.fromEntries(Object.entries(claims).filter((e): e is [string, string] => e[1] !== undefined));
}

/** What STS passes to the trust policy: `sub`, `aud` and its claim keys; the other claims it ignores. */
export function stsView(claims: Record<string, string>, claimKeys = true): Record<string, string> {
    const passed: readonly string[] = ["sub", "aud", ...(claimKeys ? STS_CLAIM_KEYS : [])];
    return Object.fromEntries(Object.entries(claims).filter(([k]) => passed.includes(k)));
}
