// The input contract: problems as data, and (below) the documents generated from the JSDoc of
// components/contract/args.ts.
import assert from "assert/strict";
import { Problems, isWithin } from "../components/contract/problems";
import { parseStackConfig } from "../components/contract/parse";
import { parseBootstrapConfig } from "../bootstrap/config";
import type { FieldsOf, SchemaOf } from "../components/contract/shape";
import type { Capability } from "../components/core/capabilities";

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
                "ecr-ci:github.owner=1 is not a known setting (did you mean owner?); known: owner, repository, branches, tags, environments, pullRequests, ownerId, repositoryId, enterpriseSlug, jobWorkflowRef",
                `ecr-ci:github.owner is required: the GitHub user or organization that owns the repository (e.g. "acme")`,
            ],
        },
        {
            name: "an unknown key with a space does not hide that owner is missing",
            github: { "owner x": "acme", repository: "app", branches: ["main"] },
            expected: [
                "ecr-ci:github.owner x is not a known setting (did you mean owner?); known: owner, repository, branches, tags, environments, pullRequests, ownerId, repositoryId, enterpriseSlug, jobWorkflowRef",
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
        const github = { "owner=1": "acme", repository: "infra", environments: ["prod"] };
        assert.deepEqual(problemsOf(() => parseBootstrapConfig(config("ecr-ci-bootstrap", { github, repositoryNames: ["app-prod"] }))), [
            "ecr-ci-bootstrap:github.owner=1 is not a known setting (did you mean owner?); known: owner, repository, branches, tags, environments, pullRequests, ownerId, repositoryId, enterpriseSlug, jobWorkflowRef",
            `ecr-ci-bootstrap:github.owner is required: the GitHub user or organization that owns the repository (e.g. "acme")`,
        ]);
        assert.deepEqual(problemsOf(() => parseBootstrapConfig(config("ecr-ci-bootstrap", { github: { owner: "acme", repository: "infra", environments: ["prod"] }, repositoryNames: ["app-prod"] }))), []);
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
