// Smaller pieces of the core the other tests reach only through documents: the preview role's rules
// (capabilities/preview-role.ts), the list check every ARN list goes through (checks.ts), and the
// trust policy readers the plan prints (github.ts). Whole messages and values. Written against the
// mutants `npm run mutate` found alive.
import assert from "assert/strict";
import { validateEnvironmentArgs } from "../../components/core/validate";
import { checkList } from "../../components/core/checks";
import { acceptedSubjectForms, trustPolicySize } from "../../components/core/github";
import { Problems } from "../../components/contract/problems";
import type { PolicyDocument } from "../../components/core/policy";
import type { EcrCiEnvironmentArgs } from "../../components/contract/args";

const GITHUB = { owner: "acme", repository: "app", branches: ["main"] };
const OIDC = { environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB };
const STATE = { bucket: "acme-state", prefix: "infra" };

describe("previewRole rules, whole messages", () => {
    const rows: [string, Record<string, unknown>, string[]][] = [
        ["a state backend of its own", { ...OIDC, previewRole: { stateBackend: STATE } }, []],
        ["stateBackend: null is none", { ...OIDC, previewRole: { stateBackend: null } }, []],
        ["null beside the stack's stateBackend is none", { ...OIDC, stateBackend: STATE, previewRole: { stateBackend: null } }, []],
        ["its state backend as a list", { ...OIDC, previewRole: { stateBackend: [STATE] } }, [`args.previewRole.stateBackend = [{"bucket":"acme-state","prefix":"infra"}]: use an object with bucket, prefix, kmsKeyArn`]],
        ["its state backend as text", { ...OIDC, previewRole: { stateBackend: "acme-state" } }, [`args.previewRole.stateBackend = "acme-state": use an object with bucket, prefix, kmsKeyArn`]],
        [
            "both state backends",
            { ...OIDC, stateBackend: STATE, previewRole: { stateBackend: STATE } },
            [
                "args.previewRole.stateBackend is set together with stateBackend, which already lets the preview role read this stack's state: keep stateBackend (the CI principal runs Pulumi itself) or previewRole.stateBackend (only the preview role reads state), not both",
            ],
        ],
        ["its bucket, named from previewRole", { ...OIDC, previewRole: { stateBackend: { bucket: "Acme" } } }, [`args.previewRole.stateBackend.bucket = "Acme": use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards`]],
        [
            "user mode",
            { environment: "dev", repositories: [{ name: "app-dev" }], authMode: "user", previewRole: true },
            [`args.previewRole only applies to authMode "oidc" (it is trusted through GitHub's OIDC provider): remove it`],
        ],
        [
            "GitHub Enterprise Server",
            { ...OIDC, github: { ...GITHUB, serverHost: "github.acme.com" }, previewRole: true },
            [
                "args.previewRole cannot be offered on GitHub Enterprise Server (github.serverHost): STS checks no ref claim for its tokens, so a pull_request_target run could assume it; remove it",
            ],
        ],
        ["a session of 3600.5 seconds", { ...OIDC, previewRole: { maxSessionDurationSeconds: 3600.5 } }, ["args.previewRole.maxSessionDurationSeconds = 3600.5: use a whole number of seconds from 3600 to 43200"]],
    ];
    for (const [name, args, problems] of rows) {
        it(name, () => {
            assert.deepEqual(validateEnvironmentArgs(args as unknown as EcrCiEnvironmentArgs), problems);
        });
    }
});

describe("checkList: strings the rule accepts, no '*'; objects (Outputs) are checked once known", () => {
    const rows: [string, unknown, string[]][] = [
        ["absent", undefined, []],
        ["one string, not a list", "x", [`f = "x": must be a list`]],
        ["a number, not a list", 5, ["f = 5: must be a list"]],
        ["each item at its index: '*', a number, null, refused by the rule; an object skipped", ["ok", "a*", 5, { output: 1 }, null, "bad"], [`f[1] = "a*": RULE`, "f[2] = 5: RULE", "f[4] = null: RULE", `f[5] = "bad": RULE`]],
    ];
    for (const [name, values, problems] of rows) {
        it(name, () => {
            const found = new Problems((field) => field);
            checkList(found, "f", values, (s) => s !== "bad", "RULE");
            assert.deepEqual(found.list, problems);
        });
    }
});

describe("trust policy readers", () => {
    const doc = (subs: unknown): PolicyDocument =>
        ({
            Version: "2012-10-17",
            Statement: [
                { Sid: "NoCondition", Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity" },
                { Sid: "Subjects", Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { "token.actions.githubusercontent.com:sub": subs, "token.actions.githubusercontent.com:aud": "repo:x@1/y" } } },
            ],
        }) as unknown as PolicyDocument;
    it("size: the JSON without whitespace, of a string or an object", () => {
        assert.deepEqual([trustPolicySize(`{ "a" : [ 1, 2 ] }`), trustPolicySize({ a: [1, 2] } as unknown as PolicyDocument)], [11, 11]);
    });
    it("subject forms: immutable and legacy, sorted, from a string or an object; other keys and other subjects ignored", () => {
        const both = doc(["repo:acme/app:ref:refs/heads/main", "repo:acme@1/app@2:ref:refs/heads/main", "pull_request"]);
        assert.deepEqual(acceptedSubjectForms(both), ["immutable", "legacy"]);
        assert.deepEqual(acceptedSubjectForms(JSON.stringify(both)), ["immutable", "legacy"]);
        assert.deepEqual(acceptedSubjectForms(doc("repo:acme/app:environment:prod")), ["legacy"]);
        assert.deepEqual(acceptedSubjectForms(doc("repo:acme@1/app@2:environment:prod")), ["immutable"]);
        assert.deepEqual(acceptedSubjectForms(doc("x:repo:acme/app")), []);
    });
});
