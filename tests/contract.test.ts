// The input contract: problems as data, and (below) the documents generated from the JSDoc of
// components/contract/args.ts.
import assert from "assert/strict";
import { Problems, isWithin } from "../components/contract/problems";
import { parseStackConfig } from "../components/contract/parse";
import { parseBootstrapConfig } from "../bootstrap/config";
import type { FieldsOf, SchemaOf } from "../components/contract/shape";
import type { Capability } from "../components/core/capabilities";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { ARGS_FILE, NamespaceDoc, contractProblems, generate, namespaces, projectSection, readContract, readmeSection } from "../tools/contract-docs";
import { projectDefaults, programConfig } from "../tools/plan";

const ROOT = path.resolve(__dirname, "..");

/** Stack config as Pulumi hands it to the program: top-level values are text, structures are JSON. */
function config(namespace: string, values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${namespace}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** The problems `parse` throws for `values`, or [] if it accepts them. */
function problemsOf(parse: () => unknown): readonly string[] {
    try {
        parse();
        return [];
    } catch (err) {
        return (err as { problems?: readonly string[] }).problems ?? [String(err)];
    }
}

describe("Problems: structured items", () => {
    it("keeps field, key and the whole message of every kind of problem", () => {
        const problems = new Problems((field) => `ecr-ci:${field}`);
        problems.invalid("github.branches[0]", "*", "name the branches");
        problems.missing("environment", `the environment name (e.g. "dev")`);
        problems.other("previewRole", "only applies to authMode \"oidc\"");
        assert.deepEqual(problems.items, [
            { field: "github.branches[0]", key: "ecr-ci:github.branches[0]", message: `ecr-ci:github.branches[0] = "*": name the branches` },
            { field: "environment", key: "ecr-ci:environment", message: `ecr-ci:environment is required: the environment name (e.g. "dev")` },
            { field: "previewRole", key: "ecr-ci:previewRole", message: `ecr-ci:previewRole only applies to authMode "oidc"` },
        ]);
        assert.deepEqual(problems.list, problems.items.map((p) => p.message));
    });

    const WITHIN: [string, string, boolean][] = [
        ["github", "github", true],
        ["github.owner", "github", true],
        ["repositories[0].name", "repositories", true],
        ["repositories[0].name", "repositories[0]", true],
        ["githubx", "github", false],
        ["github.ownerId", "github.owner", false],
        ["repositories[1]", "repositories[0]", false],
        ["github", "github.owner", false],
    ];
    for (const [field, parent, expected] of WITHIN) {
        it(`isWithin(${field}, ${parent}) is ${expected}`, () => assert.equal(isWithin(field, parent), expected));
    }
});

describe("parse: rules are filtered by the field whose type was wrong, not by re-reading messages", () => {
    const VALID = { environment: "dev", repositories: [{ name: "app-dev" }] };
    // The message of an unknown key such as `owner=1` starts `ecr-ci:github.owner=1 is not …`;
    // reading the key back up to the first ' ' or '=' gave `ecr-ci:github.owner` and silently
    // dropped the real problem that owner is missing.
    const ROWS: { name: string; github: Record<string, unknown>; expected: string[] }[] = [
        {
            name: "an unknown key with '=' does not hide that owner is missing",
            github: { "owner=1": "acme", repository: "app", branches: ["main"] },
            expected: [
                "ecr-ci:github.owner=1 is not a known setting (did you mean owner?); known: owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef",
                `ecr-ci:github.owner is required: the GitHub user or organization that owns the repository (e.g. "acme")`,
            ],
        },
        {
            name: "an unknown key with a space does not hide that owner is missing",
            github: { "owner x": "acme", repository: "app", branches: ["main"] },
            expected: [
                "ecr-ci:github.owner x is not a known setting (did you mean owner?); known: owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef",
                `ecr-ci:github.owner is required: the GitHub user or organization that owns the repository (e.g. "acme")`,
            ],
        },
        {
            name: "a mistyped owner is reported once (not again as missing)",
            github: { owner: 5, repository: "app", branches: ["main"] },
            expected: ["ecr-ci:github.owner = 5: must be a string"],
        },
    ];
    for (const row of ROWS) {
        it(row.name, () => assert.deepEqual(problemsOf(() => parseStackConfig(config("ecr-ci", { ...VALID, github: row.github }))), row.expected));
    }

    it("valid config gives no problem (the table above is not vacuous)", () => {
        assert.deepEqual(problemsOf(() => parseStackConfig(config("ecr-ci", { ...VALID, github: { owner: "acme", repository: "app", branches: ["main"] } }))), []);
    });

    it("the bootstrap config is filtered the same way", () => {
        const github = { "owner=1": "acme", repository: "infra", environments: ["prod"], environmentRefs: ["refs/heads/main"] };
        assert.deepEqual(problemsOf(() => parseBootstrapConfig(config("ecr-ci-bootstrap", { github, repositoryNames: ["app-prod"] }))), [
            "ecr-ci-bootstrap:github.owner=1 is not a known setting (did you mean owner?); known: owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef",
            `ecr-ci-bootstrap:github.owner is required: the GitHub user or organization that owns the repository (e.g. "acme")`,
        ]);
        assert.deepEqual(problemsOf(() => parseBootstrapConfig(config("ecr-ci-bootstrap", { github: { owner: "acme", repository: "infra", environments: ["prod"], environmentRefs: ["refs/heads/main"] }, repositoryNames: ["app-prod"] }))), []);
    });
});

// The schema is tied to the args by the compiler: `npm test` type-checks this file, and every
// `@ts-expect-error` below fails the type check if the line it marks ever compiles.
interface Sample {
    readonly name: string;
    readonly enabled?: boolean;
    readonly count?: number;
    readonly ids?: string[];
    readonly labels?: Record<string, string>;
    readonly items?: { readonly key: string; readonly value?: number }[];
    readonly nested?: { readonly inner: string };
}
const SAMPLE_SCHEMA = {
    name: "string",
    enabled: "boolean",
    count: "integer",
    ids: "string[]",
    labels: "record",
    items: { list: { key: "string", value: "integer" } },
    nested: { flag: { inner: "string" } },
} as const satisfies SchemaOf<Sample>;

describe("config schema: tied to the args by the compiler", () => {
    it("a schema with one shape per field compiles; missing, extra and mistyped keys do not", () => {
        // @ts-expect-error: an args field without a shape
        const missing: SchemaOf<Sample> = { ...SAMPLE_SCHEMA, count: undefined };
        // @ts-expect-error: a shape without an args field
        const extra = { ...SAMPLE_SCHEMA, other: "string" } as const satisfies SchemaOf<Sample>;
        // @ts-expect-error: a boolean spelled as a string
        const mistyped: SchemaOf<Sample> = { ...SAMPLE_SCHEMA, enabled: "string" };
        // @ts-expect-error: a map spelled as an object
        const notObject: SchemaOf<Sample> = { ...SAMPLE_SCHEMA, labels: { object: {} } };
        // @ts-expect-error: a list of objects spelled as a list of strings
        const notStrings: SchemaOf<Sample> = { ...SAMPLE_SCHEMA, items: "string[]" };
        // @ts-expect-error: a nested field missing
        const nestedMissing: SchemaOf<Sample> = { ...SAMPLE_SCHEMA, items: { list: { key: "string" } } };
        // @ts-expect-error: a nested field spelled wrong
        const nestedWrong: FieldsOf<{ readonly inner: string }> = { inner: "boolean" };
        // @ts-expect-error: a capability's shape must spell its args field (previewRole is an object)
        const capability: Capability<"previewRole", unknown>["shape"] = "string";
        assert.deepEqual([missing, extra, mistyped, notObject, notStrings, nestedMissing, nestedWrong, capability].length, 8);
    });
});

describe("generated config docs (npm run contract)", () => {
    const spaces = namespaces();
    const contract = readContract(fs.readFileSync(path.join(ROOT, ARGS_FILE), "utf8"));

    it("README.md, Pulumi.yaml and bootstrap/Pulumi.yaml are what npm run contract writes (no drift)", () => {
        for (const { file, text } of generate(ROOT, spaces)) {
            assert.equal(fs.readFileSync(path.join(ROOT, file), "utf8"), text, `${file} is out of date: run npm run contract`);
        }
    });

    it("every args field has a JSDoc, every optional one a @default, every one a shape (and no shape lacks a field)", () => {
        assert.deepEqual(contractProblems(contract, [spaces.environment, spaces.bootstrap]), []);
    });

    it("names every undocumented field, missing @default and shape/field mismatch", () => {
        const sample = readContract(`
            export interface Inner {
                /** Documented. */
                readonly a: string;
                readonly b?: string;
            }
            export interface SampleArgs {
                /** Required, so no default needed. */
                readonly name: string;
                /** Optional without a default. */
                readonly count?: number;
                /** A literal default is needed for the project file. @default none @projectDefault */
                readonly mode?: string;
                /** Nested. @default none */
                readonly inner?: Inner;
            }`);
        const schema = { name: "string", count: "integer", mode: "string", inner: { object: { a: "string", c: "string" } }, extra: "boolean" } as const;
        assert.deepEqual(contractProblems(sample, [{ namespace: "s", args: "SampleArgs", schema }]), [
            `${ARGS_FILE}: SampleArgs.count is optional but its JSDoc has no @default (write e.g. "@default none")`,
            `${ARGS_FILE}: SampleArgs.mode has @projectDefault but no literal @default (true, 3600, "create", ["/"] or Enum.Member)`,
            `${ARGS_FILE}: Inner.b has no JSDoc: say what it means and what is allowed`,
            `${ARGS_FILE}: Inner.b is optional but its JSDoc has no @default (write e.g. "@default none")`,
            `${ARGS_FILE}: Inner.b has no shape in s.inner`,
            "s.inner.c is not a field of Inner",
            "s.extra is not a field of SampleArgs",
        ]);
    });

    it("documents a new field from its JSDoc alone, nested ones and enums included (no generator change)", () => {
        const sample = readContract(`
            /** How subjects are written. */
            export enum SubjectFormat { /** Names. */ Names = "names", /** IDs. */ Ids = "ids" }
            /** The repository. */
            export interface GitHub {
                /** The owner. */
                readonly owner: string;
                /** The subject format. @default SubjectFormat.Names */
                readonly subjectFormat?: SubjectFormat;
            }
            /** Args. */
            export interface NewArgs {
                /** The repository. @default none */
                readonly github?: GitHub;
                /** Characters a trust policy may use, at most 4096. @default 2048 @projectDefault */
                readonly trustPolicyMaxChars?: number;
            }`);
        const space: NamespaceDoc = { namespace: "x", args: "NewArgs", schema: { github: { object: { owner: "string", subjectFormat: "string" } }, trustPolicyMaxChars: "integer" } };
        assert.equal(
            readmeSection(sample, space),
            [
                `<!-- Generated by \`npm run contract\` from the JSDoc of NewArgs in components/contract/args.ts: edit it there. -->`,
                "",
                "| key | type | default | meaning |",
                "|---|---|---|---|",
                "| `x:github` | `GitHub` object | none | The repository. |",
                "| `x:trustPolicyMaxChars` | integer | `2048` | Characters a trust policy may use, at most 4096. |",
                "",
                "`GitHub` (`x:github`): The repository.",
                "",
                "| field | type | default | meaning |",
                "|---|---|---|---|",
                "| `owner` | string | required | The owner. |",
                "| `subjectFormat` | `names` \\| `ids` | `names` | The subject format. |",
            ].join("\n"),
        );
        assert.deepEqual(YAML.parse(projectSection(sample, space, "x.ts")), {
            config: {
                "x:trustPolicyMaxChars": { type: "integer", default: 2048, description: "Characters a trust policy may use, at most 4096. Default: 2048." },
            },
        });
    });

    // What Pulumi.yaml's `config:` may say, as the CLI checks it: pulumi/pulumi
    // sdk/go/common/workspace/project.json (configTypeDeclaration), project.go (Validate,
    // ValidateConfigValue) and config.go (mergeConfig: a key without default or value is required).
    const DECLARATION_KEYS = ["type", "items", "description", "default", "secret", "value"];
    const PULUMI_TYPES = ["string", "integer", "boolean", "array"];
    function declarationProblems(project: { name: string; config?: Record<string, Record<string, unknown>> }, args: string): string[] {
        const problems: string[] = [];
        const fields = new Map(contract.interfaces.get(args)!.fields.map((f) => [f.name, f]));
        for (const [key, d] of Object.entries(project.config ?? {})) {
            const field = fields.get(key.slice(project.name.length + 1));
            const extra = Object.keys(d).filter((k) => !DECLARATION_KEYS.includes(k));
            if (!key.startsWith(`${project.name}:`) || field === undefined) {
                problems.push(`${key}: not a key of ${args}`);
            }
            if (extra.length > 0) {
                problems.push(`${key}: unknown attributes ${extra.join(", ")}`);
            }
            if (!PULUMI_TYPES.includes(String(d.type)) || (d.type === "array" && (d.items as { type?: string } | undefined)?.type !== "string")) {
                problems.push(`${key}: type ${JSON.stringify(d.type)} (items ${JSON.stringify(d.items)}) is not one Pulumi types`);
            }
            if ("default" in d) {
                const ok = { string: typeof d.default === "string", integer: Number.isInteger(d.default), boolean: typeof d.default === "boolean", array: Array.isArray(d.default) }[String(d.type)];
                if (!ok) {
                    problems.push(`${key}: default ${JSON.stringify(d.default)} is not a ${String(d.type)}`);
                }
            } else if (field?.optional) {
                problems.push(`${key}: declared without a default, so the CLI would require the optional key in every stack`);
            }
            if (typeof d.description !== "string" || !d.description.endsWith(field?.optional ? "." : " Required.")) {
                problems.push(`${key}: no description, or it does not say whether it is required`);
            }
        }
        return problems;
    }

    for (const [file, args] of [
        ["Pulumi.yaml", "EcrCiEnvironmentArgs"],
        [path.join("bootstrap", "Pulumi.yaml"), "EcrCiDeployerArgs"],
    ] as const) {
        it(`${file}: every declaration is one the Pulumi CLI accepts and none makes an optional key required`, () => {
            assert.deepEqual(declarationProblems(YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8")), args), []);
        });
    }

    it("the declaration check catches what the CLI would refuse or require", () => {
        const project = {
            name: "ecr-ci",
            config: {
                "ecr-ci:pgpKey": { type: "string", description: "x." },
                "ecr-ci:repositories": { type: "object", description: "x Required." },
                "ecr-ci:protect": { type: "boolean", default: "yes", description: "x." },
            },
        };
        assert.deepEqual(declarationProblems(project, "EcrCiEnvironmentArgs"), [
            "ecr-ci:pgpKey: declared without a default, so the CLI would require the optional key in every stack",
            `ecr-ci:repositories: type "object" (items undefined) is not one Pulumi types`,
            `ecr-ci:protect: default "yes" is not a boolean`,
        ]);
    });

    it("Pulumi.yaml declares environment (required) and the defaults of protect and authMode, with the default in the text", () => {
        const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown; description: string }> };
        assert.deepEqual(
            Object.entries(project.config).map(([k, d]) => [k, d.default, d.description.replace(/^.*\. (Default: .*|Required\.)$/, "$1")]),
            [
                ["ecr-ci:environment", undefined, "Required."],
                ["ecr-ci:protect", true, "Default: true."],
                ["ecr-ci:authMode", "oidc", `Default: "oidc".`],
            ],
        );
    });

    // A declared default is applied to every stack that does not set the key (config.go mergeConfig):
    // it must be accepted in every mode.
    const MODES: Record<string, Record<string, unknown>> = {
        oidc: { environment: "dev", repositories: [{ name: "app-dev" }], github: { owner: "acme", repository: "app", branches: ["main"] } },
        user: { environment: "dev", repositories: [{ name: "app-dev" }], authMode: "user" },
    };
    const projectConfig = () => YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).config as Record<string, unknown>;
    for (const [mode, stack] of Object.entries(MODES)) {
        it(`Pulumi.yaml's defaults are accepted in ${mode} mode`, () => {
            assert.deepEqual(problemsOf(() => parseStackConfig(programConfig("ecr-ci", projectConfig(), stack).values)), []);
        });
    }
    it("…which is not true of every @default: maxSessionDurationSeconds (oidc only) would break user mode", () => {
        assert.equal(projectDefaults(projectConfig())["ecr-ci:maxSessionDurationSeconds"], undefined);
        const withSession = { ...projectConfig(), "ecr-ci:maxSessionDurationSeconds": { type: "integer", default: 3600 } };
        assert.deepEqual(problemsOf(() => parseStackConfig(programConfig("ecr-ci", withSession, MODES.user).values)), [
            `ecr-ci:maxSessionDurationSeconds only applies to authMode "oidc": remove it, or set authMode to "oidc" (preferred: no long-lived key)`,
        ]);
    });
});
