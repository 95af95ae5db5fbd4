// The environment's rules (validateEnvironmentArgs in components/core/validate.ts) on args as code
// passes them — values of the wrong type too, which stack config cannot spell — and the stack context
// parseStackConfig reads (components/contract/parse.ts): whole messages, accepted rows beside refused
// ones, both sides of each bound. Written against the mutants `npm run mutate` found alive.
import assert from "assert/strict";
import { validateEnvironmentArgs } from "../../components/core/validate";
import { stackContext } from "../../components/contract/parse";
import type { EcrCiEnvironmentArgs } from "../../components/contract/args";

const GITHUB = { owner: "acme", repository: "app", branches: ["main"] };
const OIDC = { environment: "dev", repositories: [{ name: "app-dev" }], github: GITHUB };
const USER = { environment: "dev", repositories: [{ name: "app-dev" }], authMode: "user" };
const NAME_RULE = `use 2–256 lowercase characters: letters and digits, separated by single '.', '_', '-' or '/' (e.g. "app-dev" or "team/app")`;
const PGP_RULE = `use "keybase:USERNAME" or a base64-encoded (unarmored) PGP public key`;
const PATH_RULE = `use "/" or "/segment/…/" (letters, digits and + = , . @ _ -, at most 512 characters, e.g. "/ci/")`;
/** 512 characters: IAM's longest path. */
const PATH_512 = `/ab/${"a/".repeat(254)}`;
const PATH_513 = `/${"a/".repeat(256)}`;
const PATH_513_SHOWN = `${PATH_513.slice(0, 116)}...`;

interface Row {
    readonly name: string;
    readonly args: Record<string, unknown>;
    readonly problems: readonly string[];
}

const ROWS: readonly Row[] = [
    { name: "a valid OIDC environment", args: OIDC, problems: [] },
    { name: "a valid user environment", args: USER, problems: [] },
    { name: "an empty environment", args: { ...OIDC, environment: "" }, problems: [`args.environment is required: the environment name, 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`] },
    { name: "an environment that is no string", args: { ...OIDC, environment: 7 }, problems: [`args.environment is required: the environment name, 1–32 characters from a-z, 0-9 and '-' (e.g. "dev")`] },
    {
        name: "repository names: empty, absent, no string",
        args: { ...OIDC, repositories: [{ name: "" }, {}, { name: 5 }] },
        problems: [`args.repositories[0].name is required: ${NAME_RULE}`, `args.repositories[1].name is required: ${NAME_RULE}`, `args.repositories[2].name is required: ${NAME_RULE}`],
    },
    {
        name: "repository flags that are no booleans",
        args: { ...OIDC, repositories: [{ name: "app-dev", scanOnPush: "yes", forceDelete: 1 }] },
        problems: [`args.repositories[0].scanOnPush = "yes": use true or false`, "args.repositories[0].forceDelete = 1: use true or false"],
    },
    { name: "repository flags as booleans", args: { ...OIDC, repositories: [{ name: "app-dev", scanOnPush: false, forceDelete: true }] }, problems: [] },
    { name: "protect as text", args: { ...OIDC, protect: "no" }, problems: [`args.protect = "no": use true or false`] },
    { name: "protect: false", args: { ...OIDC, protect: false }, problems: [] },
    {
        name: "github: null in OIDC mode",
        args: { ...OIDC, github: null },
        problems: [`args.github is required: authMode "oidc" trusts one GitHub repository: set owner, repository and branches (e.g. { owner: "acme", repository: "app", branches: ["main"] })`],
    },
    { name: "a PGP key in OIDC mode", args: { ...OIDC, pgpKey: "keybase:me" }, problems: [`args.pgpKey only applies to authMode "user" (an OIDC role has no access key): remove it`] },
    { name: "a keybase user", args: { ...USER, pgpKey: "keybase:me_1" }, problems: [] },
    { name: "a base64 key of 64 characters", args: { ...USER, pgpKey: "A".repeat(64) }, problems: [] },
    { name: "a base64 key of 63 characters", args: { ...USER, pgpKey: "A".repeat(63) }, problems: [`args.pgpKey = "${"A".repeat(40)}": ${PGP_RULE}`] },
    { name: "keybase: not at the start", args: { ...USER, pgpKey: "xkeybase:me" }, problems: [`args.pgpKey = "xkeybase:me": ${PGP_RULE}`] },
    { name: "keybase: a character after the name", args: { ...USER, pgpKey: "keybase:me!" }, problems: [`args.pgpKey = "keybase:me!": ${PGP_RULE}`] },
    { name: "base64 after another character", args: { ...USER, pgpKey: `!${"A".repeat(64)}` }, problems: [`args.pgpKey = "!${"A".repeat(39)}": ${PGP_RULE}`] },
    { name: "base64 with a character after it", args: { ...USER, pgpKey: `${"A".repeat(64)}!` }, problems: [`args.pgpKey = "${"A".repeat(40)}": ${PGP_RULE}`] },
    { name: "an IAM path of 512 characters", args: { ...OIDC, iamPath: PATH_512 }, problems: [] },
    {
        name: "an IAM path of 513 characters: the rule, and the role's and policy's path",
        args: { ...OIDC, iamPath: PATH_513 },
        problems: [
            `args.iamPath = "${PATH_513_SHOWN}: ${PATH_RULE}`,
            "args.environment gives the role a path of 513 characters, over IAM's 512; use a shorter path",
            "args.environment gives the policy a path of 513 characters, over IAM's 512; use a shorter path",
        ],
    },
    {
        name: "user mode: the user's path, not a role's",
        args: { ...USER, iamPath: PATH_513 },
        problems: [
            `args.iamPath = "${PATH_513_SHOWN}: ${PATH_RULE}`,
            "args.environment gives the user a path of 513 characters, over IAM's 512; use a shorter path",
            "args.environment gives the policy a path of 513 characters, over IAM's 512; use a shorter path",
        ],
    },
    {
        name: "with a preview role: its path too",
        args: { ...OIDC, iamPath: PATH_513, previewRole: true },
        problems: [
            `args.iamPath = "${PATH_513_SHOWN}: ${PATH_RULE}`,
            "args.environment gives the role a path of 513 characters, over IAM's 512; use a shorter path",
            "args.environment gives the policy a path of 513 characters, over IAM's 512; use a shorter path",
            "args.environment gives the role a path of 513 characters, over IAM's 512; use a shorter path",
        ],
    },
];

describe("environment rules on args from code, whole messages", () => {
    for (const row of ROWS) {
        it(row.name, () => {
            assert.deepEqual(validateEnvironmentArgs(row.args as unknown as EcrCiEnvironmentArgs), row.problems);
        });
    }
});

describe("the stack context parseStackConfig reads (aws:region, aws:allowedAccountIds)", () => {
    const rows: [string, Record<string, string>, object][] = [
        ["region and one allowed account", { "aws:region": "eu-west-1", "aws:allowedAccountIds": `["123456789012"]` }, { region: "eu-west-1", accountIds: ["123456789012"] }],
        ["two allowed accounts", { "aws:allowedAccountIds": `["123456789012","210987654321"]` }, { accountIds: ["123456789012", "210987654321"] }],
        ["an empty list: no account known", { "aws:allowedAccountIds": "[]" }, {}],
        ["numbers, not account ID strings: none known", { "aws:allowedAccountIds": "[123456789012]" }, {}],
        ["one string among numbers: none known", { "aws:allowedAccountIds": `["123456789012", 1]` }, {}],
        ["nothing", {}, {}],
    ];
    for (const [name, config, expected] of rows) {
        it(name, () => {
            assert.deepEqual(stackContext(config), expected);
        });
    }
});
