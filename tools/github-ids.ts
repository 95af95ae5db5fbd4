// `npm run github-ids -- <owner>/<repo>`: the numeric owner and repository IDs a stack's
// `ecr-ci:github` needs for GitHub's immutable OIDC subjects, and which subject the repository's
// tokens carry. A tool for people: it asks GitHub's REST API, prints the lines to paste into
// `Pulumi.<stack>.yaml`, and writes nothing.
//
//   npm run github-ids -- octo-org/web [--api-url URL] [--json]
//   token (optional; needed for private repositories): env GITHUB_TOKEN or GH_TOKEN, never a flag
//
// GitHub REST API, version 2022-11-28:
//   Get a repository: GET /repos/{owner}/{repo} → id, name, created_at, owner.id, owner.login
//     https://docs.github.com/en/rest/repos/repos#get-a-repository
//   Get the customization template for an OIDC subject claim for a repository:
//   GET /repos/{owner}/{repo}/actions/oidc/customization/sub → use_default, include_claim_keys
//     https://docs.github.com/en/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-a-repository
//     (use_default false without include_claim_keys: the organization's template applies, if it
//     has one — https://www.pulumi.com/registry/packages/github/api-docs/actionsrepositoryoidcsubjectclaimcustomizationtemplate)
//   Rate limits: 403 or 429 with x-ratelimit-remaining 0 (reset at x-ratelimit-reset), or a
//   retry-after header for secondary limits
//     https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
// Immutable subjects `repo:OWNER@OWNER_ID/REPO@REPO_ID:...` for repositories created, renamed or
// transferred on or after 2026-07-15, or opted in:
//   https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens/
//   https://docs.github.com/en/actions/reference/security/oidc (immutable subject claims)

/** GitHub.com's API; GHE.com is `https://api.<subdomain>.ghe.com`, GitHub Enterprise Server `https://HOST/api/v3`. */
export const DEFAULT_API_URL = "https://api.github.com";
export const API_VERSION = "2022-11-28";
/** Every request is abandoned after this long. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Repositories created on or after this day present the immutable subject by default. */
export const IMMUTABLE_SUBJECTS_SINCE = "2026-07-15";
/** The env variables a token is read from, first set one wins. */
export const TOKEN_VARIABLES = ["GITHUB_TOKEN", "GH_TOKEN"] as const;
export const USAGE = "usage: npm run github-ids -- <owner>/<repo> [--api-url <url>] [--json]   (token: env GITHUB_TOKEN or GH_TOKEN)";

/** Exit codes: 1 for a failed lookup, 2 for bad arguments. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the user can act on: its message is one line, shown alone. */
export class GitHubIdsError extends Error {
    constructor(
        message: string,
        readonly exitCode: number = EXIT_FAILURE,
    ) {
        super(message);
        this.name = "GitHubIdsError";
    }
}

// ---------------------------------------------------------------------------------------------
// Arguments

export interface GitHubIdsOptions {
    /** As typed; GitHub's canonical spelling comes back from the API. */
    readonly owner: string;
    readonly repository: string;
    /** Without a trailing slash. */
    readonly apiUrl: string;
    readonly json: boolean;
}

/** What the API will accept in a path: GitHub's owner and repository name characters. */
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY_RE = /^[A-Za-z0-9._-]{1,100}$/;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function usageError(problem: string): GitHubIdsError {
    return new GitHubIdsError(`${problem}\n${USAGE}`, EXIT_USAGE);
}

/** The API base URL, checked: https (http only to this machine, so a token never crosses a network in clear). */
export function apiBaseUrl(raw: string): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw usageError(`--api-url ${JSON.stringify(raw)} is not a URL: use e.g. ${DEFAULT_API_URL}, https://api.SUBDOMAIN.ghe.com or https://HOST/api/v3`);
    }
    const loopback = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
    if (url.protocol !== "https:" && !loopback) {
        throw usageError(`--api-url ${JSON.stringify(raw)} must use https://`);
    }
    if (url.search || url.hash || url.username || url.password) {
        throw usageError(`--api-url ${JSON.stringify(raw)} must be a plain base URL without credentials, query or fragment`);
    }
    return url.toString().replace(/\/+$/, "");
}

/** Parse the command line (without `node` and the script). Returns "help" for `--help`; throws usage errors (exit 2). */
export function parseArgs(argv: readonly string[]): GitHubIdsOptions | "help" {
    let apiUrl: string | undefined;
    let json = false;
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        if (flag === "--help" || flag === "-h") {
            return "help";
        } else if (flag === "--json" && inline === undefined) {
            json = true;
        } else if (flag === "--api-url") {
            const value = inline ?? argv[++i];
            if (value === undefined || value === "") {
                throw usageError("--api-url needs a value");
            }
            apiUrl = value;
        } else if (flag === "--token") {
            throw usageError("--token is not accepted (a flag would land in your shell history): set GITHUB_TOKEN or GH_TOKEN");
        } else if (flag.startsWith("-")) {
            throw usageError(`${flag} is not a known flag; known: --api-url, --json, --help`);
        } else {
            positional.push(arg);
        }
    }
    if (positional.length !== 1) {
        throw usageError(positional.length === 0 ? "name the repository, e.g. octo-org/web" : `give one repository, not ${positional.length}: ${positional.join(" ")}`);
    }
    const [owner, repository, ...rest] = positional[0].split("/");
    if (rest.length > 0 || !OWNER_RE.test(owner ?? "") || !REPOSITORY_RE.test(repository ?? "") || repository === "." || repository === "..") {
        throw usageError(`${JSON.stringify(positional[0])} is not <owner>/<repo> (e.g. octo-org/web)`);
    }
    return { owner, repository, apiUrl: apiBaseUrl(apiUrl ?? DEFAULT_API_URL), json };
}

/** The token from the environment, if any; empty values count as unset. */
export function tokenFrom(env: Readonly<Record<string, string | undefined>>): string | undefined {
    for (const name of TOKEN_VARIABLES) {
        const value = env[name]?.trim();
        if (value) {
            return value;
        }
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// The API

/** The OIDC subject template in effect for the repository, as far as the API told us. */
export type SubjectTemplate =
    /** GitHub's default `sub` (use_default true). */
    | { readonly kind: "default" }
    /** A repository template: `sub` is built from these claim keys. */
    | { readonly kind: "custom"; readonly includeClaimKeys: readonly string[] }
    /** use_default false without keys: the organization's template, if it has one, else the default. */
    | { readonly kind: "organization" }
    /** The API did not say (no access, old server, bad answer): why. */
    | { readonly kind: "unknown"; readonly reason: string };

export interface GitHubIds {
    readonly apiUrl: string;
    /** GitHub's spelling, which the tokens carry. */
    readonly owner: string;
    readonly repository: string;
    readonly ownerId: string;
    readonly repositoryId: string;
    /** `created_at` of the repository, when the API gave it. */
    readonly createdAt?: string;
    readonly subjectTemplate: SubjectTemplate;
}

interface Answer {
    readonly status: number;
    readonly headers: Headers;
    readonly text: string;
}

export interface LookupOptions {
    readonly token?: string;
    readonly timeoutMs?: number;
}

async function get(url: string, options: LookupOptions): Promise<Answer> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers: Record<string, string> = {
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": "ecr-ci-github-ids",
    };
    if (options.token) {
        headers.Authorization = `Bearer ${options.token}`;
    }
    try {
        const response = await fetch(url, { headers, redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
        return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        if (e.name === "TimeoutError" || e.name === "AbortError") {
            throw new GitHubIdsError(`GET ${url}: no answer within ${timeoutMs / 1000} s`);
        }
        throw new GitHubIdsError(`GET ${url}: cannot reach the GitHub API (${e.cause?.code ?? e.cause?.message ?? e.message})`);
    }
}

function parseJson(answer: Answer): unknown {
    try {
        return JSON.parse(answer.text);
    } catch {
        return undefined;
    }
}

/** The `message` of a GitHub error body, if it has one. */
function apiMessage(answer: Answer): string | undefined {
    const body = parseJson(answer) as { message?: unknown } | undefined;
    return typeof body?.message === "string" ? body.message : undefined;
}

/** One line saying why a request failed: rate limits, credentials, anything else with its status. */
function failure(url: string, answer: Answer, token: string | undefined): string {
    const remaining = answer.headers.get("x-ratelimit-remaining");
    if ((answer.status === 403 || answer.status === 429) && remaining === "0") {
        const reset = Number(answer.headers.get("x-ratelimit-reset"));
        const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : "";
        const hint = token ? "wait for the reset" : "set GITHUB_TOKEN or GH_TOKEN for a higher limit, or wait for the reset";
        return `GET ${url}: GitHub API rate limit exceeded${when} (HTTP ${answer.status}): ${hint}`;
    }
    const retryAfter = answer.headers.get("retry-after");
    if ((answer.status === 403 || answer.status === 429) && retryAfter) {
        return `GET ${url}: GitHub API secondary rate limit (HTTP ${answer.status}): retry after ${retryAfter} s`;
    }
    if (answer.status === 401) {
        return `GET ${url}: GitHub rejected the token (HTTP 401 ${apiMessage(answer) ?? "Unauthorized"}): check GITHUB_TOKEN / GH_TOKEN`;
    }
    const message = apiMessage(answer);
    return `GET ${url}: HTTP ${answer.status}${message ? ` ${message}` : ""}`;
}

function isId(value: unknown): value is number {
    return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

/** Read the repository's IDs, then its OIDC subject template. Throws `GitHubIdsError` (one line). */
export async function lookup(owner: string, repository: string, apiUrl: string, options: LookupOptions = {}): Promise<GitHubIds> {
    const repoPath = `${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repository)}`;
    const answer = await get(repoPath, options);
    if (answer.status === 404) {
        const hint = options.token
            ? "or the token in GITHUB_TOKEN / GH_TOKEN cannot read it"
            : "or no access: for a private repository set GITHUB_TOKEN or GH_TOKEN to a token that can read it";
        throw new GitHubIdsError(`${owner}/${repository}: no such repository ${hint} (GET ${repoPath}: HTTP 404)`);
    }
    if (answer.status !== 200) {
        throw new GitHubIdsError(failure(repoPath, answer, options.token));
    }
    const body = parseJson(answer) as { id?: unknown; name?: unknown; created_at?: unknown; owner?: { id?: unknown; login?: unknown } } | undefined;
    if (body === undefined) {
        throw new GitHubIdsError(`GET ${repoPath}: the answer is not JSON (HTTP 200, ${answer.text.length} bytes): is --api-url the API (e.g. https://HOST/api/v3), not the web site?`);
    }
    if (!isId(body.id) || !isId(body.owner?.id) || typeof body.owner?.login !== "string" || typeof body.name !== "string") {
        throw new GitHubIdsError(`GET ${repoPath}: the answer has no numeric id, owner.id, owner.login and name: is --api-url a GitHub API?`);
    }
    const canonicalOwner = body.owner.login;
    const canonicalName = body.name;
    return {
        apiUrl,
        owner: canonicalOwner,
        repository: canonicalName,
        ownerId: String(body.owner.id),
        repositoryId: String(body.id),
        ...(typeof body.created_at === "string" ? { createdAt: body.created_at } : {}),
        subjectTemplate: await subjectTemplate(`${apiUrl}/repos/${encodeURIComponent(canonicalOwner)}/${encodeURIComponent(canonicalName)}`, options),
    };
}

async function subjectTemplate(repoPath: string, options: LookupOptions): Promise<SubjectTemplate> {
    const url = `${repoPath}/actions/oidc/customization/sub`;
    let answer: Answer;
    try {
        answer = await get(url, options);
    } catch (err) {
        return { kind: "unknown", reason: (err as Error).message };
    }
    if (answer.status === 403 || answer.status === 404 || answer.status === 401) {
        const access = options.token ? "the token cannot read it" : "reading it needs a token (GITHUB_TOKEN or GH_TOKEN)";
        const limited = answer.headers.get("x-ratelimit-remaining") === "0";
        return { kind: "unknown", reason: limited ? failure(url, answer, options.token) : `GET ${url}: HTTP ${answer.status}: ${access}` };
    }
    if (answer.status !== 200) {
        return { kind: "unknown", reason: failure(url, answer, options.token) };
    }
    const body = parseJson(answer) as { use_default?: unknown; include_claim_keys?: unknown } | undefined;
    const keys = body?.include_claim_keys;
    if (body === undefined || typeof body.use_default !== "boolean" || (keys !== undefined && keys !== null && !(Array.isArray(keys) && keys.every((k) => typeof k === "string")))) {
        return { kind: "unknown", reason: `GET ${url}: the answer has no boolean use_default` };
    }
    if (body.use_default) {
        return { kind: "default" };
    }
    return Array.isArray(keys) && keys.length > 0 ? { kind: "custom", includeClaimKeys: keys as string[] } : { kind: "organization" };
}

// ---------------------------------------------------------------------------------------------
// Output

/** `immutable` when the repository was created on or after the switch, otherwise `unknown` (rename, transfer or opt-in are not visible). */
export function subjectForm(ids: GitHubIds): "immutable" | "unknown" {
    return ids.createdAt !== undefined && ids.createdAt.slice(0, 10) >= IMMUTABLE_SUBJECTS_SINCE ? "immutable" : "unknown";
}

/** The lines for `Pulumi.<stack>.yaml`, indented as under `config:`. */
export function configLines(ids: GitHubIds): string[] {
    return [
        "  ecr-ci:github:",
        `    owner: ${ids.owner}`,
        `    repository: ${ids.repository}`,
        `    ownerId: "${ids.ownerId}"`,
        `    repositoryId: "${ids.repositoryId}"`,
        "    # subjectFormat: both   (suggested while GitHub migrates; not an ecr-ci key: with ownerId and",
        "    #                        repositoryId set, ecr-ci already trusts both exact subject forms)",
    ];
}

/** A workflow step that prints the `sub` of the job's token (not a secret; the token itself is never printed). */
export const SHOW_SUBJECT_STEP = [
    "      - name: Show the OIDC subject (needs permissions: id-token: write)",
    "        run: |",
    `          token=$(curl -sS -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com" | jq -r .value)`,
    `          node -e 'console.log(JSON.parse(Buffer.from(process.argv[1].split(".")[1], "base64url")).sub)' "$token"`,
];

function subjectLines(ids: GitHubIds): string[] {
    const legacy = `repo:${ids.owner}/${ids.repository}:...`;
    const immutable = `repo:${ids.owner}@${ids.ownerId}/${ids.repository}@${ids.repositoryId}:...`;
    const created = ids.createdAt ? `created ${ids.createdAt}` : "creation date not given by the API";
    const lines =
        subjectForm(ids) === "immutable"
            ? [`Subject form: ${created}, on or after ${IMMUTABLE_SUBJECTS_SINCE}, so its tokens carry the immutable form`, `  ${immutable}`]
            : [
                  `Subject form: ${created}. Repositories created, renamed or transferred on or after ${IMMUTABLE_SUBJECTS_SINCE}`,
                  `  (or opted in) present the immutable form ${immutable}, others the legacy form ${legacy}`,
                  "  The API has no field saying which form this repository presents: with ownerId and repositoryId",
                  "  set, ecr-ci trusts both exact forms, so either works. To see it, add this step to a job:",
                  ...SHOW_SUBJECT_STEP.map((l) => `  ${l}`),
              ];
    if (/\/api\/v3$/.test(ids.apiUrl)) {
        lines.push("  GitHub's docs say immutable subjects are not available on GitHub Enterprise Server; setting the IDs does no harm.");
    }
    return lines;
}

function templateLines(template: SubjectTemplate, ids: GitHubIds): string[] {
    switch (template.kind) {
        case "default":
            return ["OIDC subject template: GitHub's default (use_default: true), the form ecr-ci's trust is built for."];
        case "custom":
            return [
                `OIDC subject template: CUSTOM (use_default: false, include_claim_keys: ${template.includeClaimKeys.join(", ")}).`,
                "  Tokens carry a sub built from those claims, not the default form, and ecr-ci's role trusts only",
                "  default-form subjects: assuming it will fail until the repository uses the default template",
                `  (gh api -X PUT repos/${ids.owner}/${ids.repository}/actions/oidc/customization/sub -F use_default=true).`,
            ];
        case "organization":
            return [
                "OIDC subject template: use_default: false without claim keys, so the organization's template applies if it has",
                `  one (gh api orgs/${ids.owner}/actions/oidc/customization/sub); a custom one breaks ecr-ci's default-form trust.`,
            ];
        case "unknown":
            return [`OIDC subject template: unknown (${template.reason}); ecr-ci's trust assumes GitHub's default template.`];
    }
}

/** The report for people. */
export function renderHuman(ids: GitHubIds): string {
    return [
        `GitHub repository ${ids.owner}/${ids.repository} (${ids.apiUrl})`,
        `  repository ID ${ids.repositoryId}, owner ${ids.owner} ID ${ids.ownerId}`,
        "",
        "Put these lines in each Pulumi.<stack>.yaml of this repository, under config: (keep the stack's branches,",
        "tags and environments):",
        "",
        ...configLines(ids),
        "",
        ...subjectLines(ids),
        "",
        ...templateLines(ids.subjectTemplate, ids),
        "",
    ].join("\n");
}

/** Machine-readable: the IDs, the config to merge and what is known about the subject. */
export function renderJson(ids: GitHubIds): string {
    const template = ids.subjectTemplate;
    return `${JSON.stringify(
        {
            apiUrl: ids.apiUrl,
            owner: ids.owner,
            repository: ids.repository,
            ownerId: ids.ownerId,
            repositoryId: ids.repositoryId,
            createdAt: ids.createdAt ?? null,
            config: { "ecr-ci:github": { owner: ids.owner, repository: ids.repository, ownerId: ids.ownerId, repositoryId: ids.repositoryId } },
            subjectFormat: "both",
            subjectForm: subjectForm(ids),
            subjects: {
                legacy: `repo:${ids.owner}/${ids.repository}`,
                immutable: `repo:${ids.owner}@${ids.ownerId}/${ids.repository}@${ids.repositoryId}`,
            },
            subjectTemplate: template,
        },
        null,
        2,
    )}\n`;
}

// ---------------------------------------------------------------------------------------------
// Command line

export interface Io {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** The whole command: returns the exit code. */
export async function run(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: Io, timeoutMs?: number): Promise<number> {
    try {
        const options = parseArgs(argv);
        if (options === "help") {
            io.stdout(`${USAGE}\n`);
            return 0;
        }
        const ids = await lookup(options.owner, options.repository, options.apiUrl, { token: tokenFrom(env), timeoutMs });
        io.stdout(options.json ? renderJson(ids) : renderHuman(ids));
        return 0;
    } catch (err) {
        if (err instanceof GitHubIdsError) {
            io.stderr(`error: ${err.message}\n`);
            return err.exitCode;
        }
        io.stderr(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        return EXIT_FAILURE;
    }
}

if (require.main === module) {
    void run(process.argv.slice(2), process.env, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
        process.exitCode = code;
    });
}
