// `npm run github-ids` (tools/github-ids.ts) against a stub GitHub API on 127.0.0.1: no real
// network. Each test starts its own stub on a random port and closes it; every request is bounded
// by a short timeout, so a stub that never answers fails the test quickly instead of hanging.
import assert from "assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { DEFAULT_TIMEOUT_MS, EXIT_FAILURE, EXIT_USAGE, USAGE, parseArgs, run } from "../tools/github-ids";

const ROOT = path.resolve(__dirname, "..");
const TIMEOUT_MS = 2000;
const TOKEN = "ghp_test0123456789secret";

interface Reply {
    readonly status: number;
    readonly body?: unknown;
    /** Sent as is instead of JSON. */
    readonly raw?: string;
    readonly headers?: Record<string, string>;
    /** Never answer (to test the timeout). */
    readonly hang?: boolean;
}

interface Received {
    readonly url: string;
    readonly headers: http.IncomingHttpHeaders;
}

interface Stub {
    readonly url: string;
    readonly received: Received[];
    close(): Promise<void>;
}

/** A stub API answering `routes[path]` (404 with GitHub's body for any other path). */
async function stub(routes: Record<string, Reply>): Promise<Stub> {
    const received: Received[] = [];
    const server = http.createServer((req, res) => {
        received.push({ url: req.url ?? "", headers: req.headers });
        const reply = routes[req.url ?? ""] ?? { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
        if (reply.hang) {
            return;
        }
        res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...(reply.headers ?? {}) });
        res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        received,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

const REPO = {
    id: 123456789,
    name: "web",
    full_name: "octo-org/web",
    created_at: "2019-03-01T10:00:00Z",
    owner: { login: "octo-org", id: 987654, type: "Organization" },
};
const DEFAULT_TEMPLATE: Reply = { status: 200, body: { use_default: true } };
const REPO_PATH = "/repos/octo-org/web";
const OIDC_PATH = "/repos/octo-org/web/actions/oidc/customization/sub";

interface Result {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

async function ids(argv: string[], env: Record<string, string> = {}, timeoutMs = TIMEOUT_MS): Promise<Result> {
    let stdout = "";
    let stderr = "";
    const code = await run(argv, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, timeoutMs);
    return { code, stdout, stderr };
}

/** Run one case against a fresh stub; the stub is closed whatever happens. */
async function withStub(routes: Record<string, Reply>, body: (api: Stub) => Promise<void>): Promise<void> {
    const api = await stub(routes);
    try {
        await body(api);
    } finally {
        await api.close();
    }
}

const CONFIG_LINES = [
    "  ecr-ci:github:",
    "    owner: octo-org",
    "    repository: web",
    '    ownerId: "987654"',
    '    repositoryId: "123456789"',
    "    # subjectFormat: both   (suggested while GitHub migrates; not an ecr-ci key: with ownerId and",
    "    #                        repositoryId set, ecr-ci already trusts both exact subject forms)",
].join("\n");

describe("github-ids", () => {
    it("prints the config lines, the subject forms and the default template for a repository", async () => {
        await withStub({ [REPO_PATH]: { status: 200, body: REPO }, [OIDC_PATH]: DEFAULT_TEMPLATE }, async (api) => {
            const result = await ids(["octo-org/web", "--api-url", api.url]);
            assert.deepEqual({ code: result.code, stderr: result.stderr }, { code: 0, stderr: "" });
            assert.equal(
                result.stdout,
                [
                    `GitHub repository octo-org/web (${api.url})`,
                    "  repository ID 123456789, owner octo-org ID 987654",
                    "",
                    "Put these lines in each Pulumi.<stack>.yaml of this repository, under config: (keep the stack's branches,",
                    "tags and environments):",
                    "",
                    CONFIG_LINES,
                    "",
                    "Subject form: created 2019-03-01T10:00:00Z. Repositories created, renamed or transferred on or after 2026-07-15",
                    "  (or opted in) present the immutable form repo:octo-org@987654/web@123456789:..., others the legacy form repo:octo-org/web:...",
                    "  The API has no field saying which form this repository presents: with ownerId and repositoryId",
                    "  set, ecr-ci trusts both exact forms, so either works. To see it, add this step to a job:",
                    "        - name: Show the OIDC subject (needs permissions: id-token: write)",
                    "          run: |",
                    `            token=$(curl -sS -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com" | jq -r .value)`,
                    `            node -e 'console.log(JSON.parse(Buffer.from(process.argv[1].split(".")[1], "base64url")).sub)' "$token"`,
                    "",
                    "OIDC subject template: GitHub's default (use_default: true), the form ecr-ci's trust is built for.",
                    "",
                ].join("\n"),
            );
            assert.deepEqual(
                api.received.map((r) => [r.url, r.headers.accept, r.headers["x-github-api-version"]]),
                [
                    [REPO_PATH, "application/vnd.github+json", "2022-11-28"],
                    [OIDC_PATH, "application/vnd.github+json", "2022-11-28"],
                ],
            );
        });
    });

    it("--json gives the IDs as strings, the config to merge and the template", async () => {
        await withStub({ [REPO_PATH]: { status: 200, body: { ...REPO, created_at: "2026-08-02T09:00:00Z" } }, [OIDC_PATH]: DEFAULT_TEMPLATE }, async (api) => {
            const result = await ids(["--json", `--api-url=${api.url}/`, "octo-org/web"]);
            assert.equal(result.code, 0);
            assert.deepEqual(JSON.parse(result.stdout), {
                apiUrl: api.url,
                owner: "octo-org",
                repository: "web",
                ownerId: "987654",
                repositoryId: "123456789",
                createdAt: "2026-08-02T09:00:00Z",
                config: { "ecr-ci:github": { owner: "octo-org", repository: "web", ownerId: "987654", repositoryId: "123456789" } },
                subjectFormat: "both",
                subjectForm: "immutable",
                subjects: { legacy: "repo:octo-org/web", immutable: "repo:octo-org@987654/web@123456789" },
                subjectTemplate: { kind: "default" },
            });
        });
    });

    it("says a repository created after 2026-07-15 presents the immutable subject", async () => {
        await withStub({ [REPO_PATH]: { status: 200, body: { ...REPO, created_at: "2026-07-15T00:00:01Z" } }, [OIDC_PATH]: DEFAULT_TEMPLATE }, async (api) => {
            const { stdout } = await ids(["octo-org/web", "--api-url", api.url]);
            assert.ok(
                stdout.includes(
                    "Subject form: created 2026-07-15T00:00:01Z, on or after 2026-07-15, so its tokens carry the immutable form\n  repo:octo-org@987654/web@123456789:...\n",
                ),
                stdout,
            );
        });
    });

    it("warns when a custom subject template (use_default false) is in effect", async () => {
        const custom: Reply = { status: 200, body: { use_default: false, include_claim_keys: ["repo", "context", "job_workflow_ref"] } };
        await withStub({ [REPO_PATH]: { status: 200, body: REPO }, [OIDC_PATH]: custom }, async (api) => {
            const { code, stdout } = await ids(["octo-org/web", "--api-url", api.url]);
            assert.equal(code, 0);
            assert.ok(
                stdout.endsWith(
                    [
                        "OIDC subject template: CUSTOM (use_default: false, include_claim_keys: repo, context, job_workflow_ref).",
                        "  Tokens carry a sub built from those claims, not the default form, and ecr-ci's role trusts only",
                        "  default-form subjects: assuming it will fail until the repository uses the default template",
                        "  (gh api -X PUT repos/octo-org/web/actions/oidc/customization/sub -F use_default=true).",
                        "",
                    ].join("\n"),
                ),
                stdout,
            );
        });
    });

    it("says what is unknown when the template cannot be read (403), and that the organization's may apply", async () => {
        await withStub({ [REPO_PATH]: { status: 200, body: REPO }, [OIDC_PATH]: { status: 403, body: { message: "Resource not accessible by personal access token" } } }, async (api) => {
            const { code, stdout } = await ids(["octo-org/web", "--api-url", api.url], { GH_TOKEN: TOKEN });
            assert.equal(code, 0);
            assert.ok(
                stdout.endsWith(
                    `OIDC subject template: unknown (GET ${api.url}${OIDC_PATH}: HTTP 403: the token cannot read it); ecr-ci's trust assumes GitHub's default template.\n`,
                ),
                stdout,
            );
        });
        await withStub({ [REPO_PATH]: { status: 200, body: REPO }, [OIDC_PATH]: { status: 200, body: { use_default: false } } }, async (api) => {
            const { stdout } = await ids(["octo-org/web", "--api-url", api.url]);
            assert.ok(stdout.includes("the organization's template applies if it has\n  one (gh api orgs/octo-org/actions/oidc/customization/sub)"), stdout);
        });
    });

    it("404: no such repository or no access, one line, exit 1", async () => {
        await withStub({}, async (api) => {
            assert.deepEqual(await ids(["octo-org/missing", "--api-url", api.url]), {
                code: EXIT_FAILURE,
                stdout: "",
                stderr: `error: octo-org/missing: no such repository or no access: for a private repository set GITHUB_TOKEN or GH_TOKEN to a token that can read it (GET ${api.url}/repos/octo-org/missing: HTTP 404)\n`,
            });
        });
    });

    it("rate-limited 403 (x-ratelimit-remaining 0): says so and when it resets", async () => {
        const limited: Reply = {
            status: 403,
            body: { message: "API rate limit exceeded for 203.0.113.7." },
            headers: { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1790000000" },
        };
        await withStub({ [REPO_PATH]: limited }, async (api) => {
            assert.deepEqual(await ids(["octo-org/web", "--api-url", api.url]), {
                code: EXIT_FAILURE,
                stdout: "",
                stderr: `error: GET ${api.url}${REPO_PATH}: GitHub API rate limit exceeded until 2026-09-21T14:13:20.000Z (HTTP 403): set GITHUB_TOKEN or GH_TOKEN for a higher limit, or wait for the reset\n`,
            });
        });
    });

    it("malformed JSON: says the answer is not JSON, exit 1", async () => {
        await withStub({ [REPO_PATH]: { status: 200, raw: "<html>Sign in</html>" } }, async (api) => {
            assert.deepEqual(await ids(["octo-org/web", "--api-url", api.url]), {
                code: EXIT_FAILURE,
                stdout: "",
                stderr: `error: GET ${api.url}${REPO_PATH}: the answer is not JSON (HTTP 200, 20 bytes): is --api-url the API (e.g. https://HOST/api/v3), not the web site?\n`,
            });
        });
        await withStub({ [REPO_PATH]: { status: 200, body: { ...REPO, id: "123" } } }, async (api) => {
            const { code, stderr } = await ids(["octo-org/web", "--api-url", api.url]);
            assert.equal(code, EXIT_FAILURE);
            assert.equal(stderr, `error: GET ${api.url}${REPO_PATH}: the answer has no numeric id, owner.id, owner.login and name: is --api-url a GitHub API?\n`);
        });
    });

    it("uses the API's canonical owner login and name when the user typed another case", async () => {
        await withStub({ "/repos/Octo-Org/WEB": { status: 200, body: REPO }, [OIDC_PATH]: DEFAULT_TEMPLATE }, async (api) => {
            const { code, stdout } = await ids(["Octo-Org/WEB", "--api-url", api.url]);
            assert.equal(code, 0);
            assert.ok(stdout.includes(CONFIG_LINES), stdout);
            assert.deepEqual(
                api.received.map((r) => r.url),
                ["/repos/Octo-Org/WEB", OIDC_PATH],
            );
        });
    });

    it("sends the token as Authorization: Bearer only when GITHUB_TOKEN or GH_TOKEN is set, and never prints it", async () => {
        const routes = { [REPO_PATH]: { status: 200, body: REPO }, [OIDC_PATH]: DEFAULT_TEMPLATE };
        for (const [env, expected] of [
            [{}, undefined],
            [{ GITHUB_TOKEN: "" }, undefined],
            [{ GITHUB_TOKEN: TOKEN }, `Bearer ${TOKEN}`],
            [{ GH_TOKEN: TOKEN }, `Bearer ${TOKEN}`],
        ] as const) {
            await withStub(routes, async (api) => {
                const result = await ids(["octo-org/web", "--api-url", api.url], env);
                assert.equal(result.code, 0);
                assert.deepEqual(
                    api.received.map((r) => r.headers.authorization),
                    [expected, expected],
                    JSON.stringify(env),
                );
                assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN));
            });
        }
        await withStub({ [REPO_PATH]: { status: 401, body: { message: "Bad credentials" } } }, async (api) => {
            const result = await ids(["octo-org/web", "--api-url", api.url], { GITHUB_TOKEN: TOKEN });
            assert.deepEqual(result, {
                code: EXIT_FAILURE,
                stdout: "",
                stderr: `error: GET ${api.url}${REPO_PATH}: GitHub rejected the token (HTTP 401 Bad credentials): check GITHUB_TOKEN / GH_TOKEN\n`,
            });
        });
    });

    it("gives up on an API that does not answer, within the timeout", async () => {
        await withStub({ [REPO_PATH]: { status: 200, hang: true } }, async (api) => {
            const started = Date.now();
            const result = await ids(["octo-org/web", "--api-url", api.url], {}, 200);
            assert.deepEqual(result, { code: EXIT_FAILURE, stdout: "", stderr: `error: GET ${api.url}${REPO_PATH}: no answer within 0.2 s\n` });
            assert.ok(Date.now() - started < DEFAULT_TIMEOUT_MS, "the given timeout, not the default");
        });
    });

    it("reports an unreachable API as one line", async () => {
        const api = await stub({});
        await api.close(); // nothing listens on that port any more
        const { code, stderr } = await ids(["octo-org/web", "--api-url", api.url]);
        assert.equal(code, EXIT_FAILURE);
        assert.match(stderr, new RegExp(`^error: GET ${api.url}${REPO_PATH}: cannot reach the GitHub API \\(ECONNREFUSED\\)\\n$`));
    });

    it("refuses bad arguments with exit 2 and the usage line", async () => {
        const cases: [string[], string][] = [
            [[], "name the repository, e.g. octo-org/web"],
            [["octo-org"], `"octo-org" is not <owner>/<repo> (e.g. octo-org/web)`],
            [["a/b/c"], `"a/b/c" is not <owner>/<repo> (e.g. octo-org/web)`],
            [["octo-org/web", "--token", TOKEN], "--token is not accepted (a flag would land in your shell history): set GITHUB_TOKEN or GH_TOKEN"],
            [["octo-org/web", "--api-url", "http://github.example.com/api/v3"], `--api-url "http://github.example.com/api/v3" must use https://`],
            [["octo-org/web", "--api-url"], "--api-url needs a value"],
            [["octo-org/web", "--jsn"], "--jsn is not a known flag; known: --api-url, --json, --help"],
        ];
        for (const [argv, problem] of cases) {
            assert.deepEqual(await ids(argv), { code: EXIT_USAGE, stdout: "", stderr: `error: ${problem}\n${USAGE}\n` }, argv.join(" "));
        }
        assert.deepEqual(parseArgs(["octo-org/web", "--api-url", "https://api.acme.ghe.com/"]), {
            owner: "octo-org",
            repository: "web",
            apiUrl: "https://api.acme.ghe.com",
            json: false,
        });
        assert.equal(parseArgs(["octo-org/web", "--api-url", "https://ghes.example.com/api/v3"]) !== "help" && "ok", "ok");
    });

    it("runs as package.json's github-ids script", async () => {
        const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["github-ids"];
        assert.equal(script, "node -r ./tools/ts-register.js tools/github-ids.ts");
        await withStub({ [REPO_PATH]: { status: 200, body: REPO }, [OIDC_PATH]: DEFAULT_TEMPLATE }, async (api) => {
            const [command, ...args] = script.split(" ");
            assert.equal(command, "node");
            const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_TOKEN: "", GH_TOKEN: "" };
            // Both runs at once: they overlap instead of starting one after the other.
            const child = spawn(process.execPath, [...args, "octo-org/web", "--json", "--api-url", api.url], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
            const usage = spawn(process.execPath, [...args], { cwd: ROOT, env, stdio: "ignore" });
            const usageCode = new Promise<number | null>((resolve) => usage.on("close", resolve));
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (c) => (stdout += c));
            child.stderr.on("data", (c) => (stderr += c));
            const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
            assert.equal(code, 0, stderr);
            assert.equal((JSON.parse(stdout) as { repositoryId: string }).repositoryId, "123456789");
            assert.equal(await usageCode, EXIT_USAGE);
        });
    });
});
