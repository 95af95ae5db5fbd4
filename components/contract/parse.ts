// Stack configuration (namespace `ecr-ci`) → `EcrCiEnvironmentArgs`. Pure: it takes the stack's
// config as Pulumi hands it to a program (`pulumi.runtime.allConfig()`: top-level values are
// strings, lists and objects are JSON text) and either returns args or throws one
// `EcrCiValidationError` listing every problem. Only `index.ts` reads the real config.
import { EcrCiValidationError, KeyOf, Problems, show } from "./problems";
import type { Scalar, Shape } from "./shape";
export type { Scalar, Shape } from "./shape";
import { AuthMode, EcrCiEnvironmentArgs, GitHub, ImageTagMutability } from "./args";
import { validateEnvironmentArgs } from "../core/validate";

export const CONFIG_NAMESPACE = "ecr-ci";

const REPOSITORY_FIELDS: Record<string, Scalar> = {
    name: "string",
    imageTagMutability: "string",
    scanOnPush: "boolean",
    kmsKeyArn: "string",
    untaggedExpiryDays: "integer",
    keepImages: "integer",
    forceDelete: "boolean",
    pullAccounts: "string[]",
};

/** The fields of a `github` object (shared with the bootstrap config), one per field of `GitHub`. */
export const GITHUB_FIELDS = {
    owner: "string",
    repository: "string",
    branches: "string[]",
    tags: "string[]",
    environments: "string[]",
    environmentRefs: "strings",
    pullRequests: "boolean",
    ownerId: "id",
    repositoryId: "id",
    subjectFormat: "string",
    subjectClaims: "string[]",
    enterpriseSlug: "string",
    gheSubdomain: "string",
    serverHost: "string",
    jobWorkflowRef: "strings",
} as const satisfies Record<keyof GitHub, Scalar>;

/** Every key of the `ecr-ci:` namespace and its shape: the public config contract. */
export const CONFIG_SCHEMA: Readonly<Record<string, Shape>> = {
    environment: "string",
    repositories: { list: REPOSITORY_FIELDS },
    protect: "boolean",
    authMode: "string",
    github: { object: GITHUB_FIELDS },
    oidcProvider: "string",
    maxSessionDurationSeconds: "integer",
    iamPath: "string",
    permissionsBoundaryArn: "string",
    pgpKey: "string",
    pullFrom: "string[]",
    ecsDeploy: { object: { clusterArn: "string", services: "string[]", passRoleArns: "string[]" } },
    createRepositories: { object: { namePrefix: "string", requiredTags: "record" } },
    stateBackend: { object: { bucket: "string", prefix: "string", kmsKeyArn: "string" } },
    previewRole: { flag: { maxSessionDurationSeconds: "integer" } },
    tags: "record",
};


const SCALAR_HINT: Record<Scalar, string> = {
    string: "must be a string",
    boolean: "use true or false",
    integer: "use a whole number",
    id: "use a numeric ID",
    "string[]": `use a list of strings (e.g. ["main"])`,
    strings: `use a string or a list of strings (e.g. ["main"])`,
    record: `use a map of strings (e.g. { team: "platform" })`,
};

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** The known name closest to `name`, if it is close enough to be a typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of known) {
        const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** `<key> is not a known setting (did you mean <closest>?); known: …`, names rendered by `render`. */
function unknownField(problems: Problems, field: string, name: string, known: readonly string[], render = (k: string) => k): void {
    const guess = closest(name, known);
    problems.other(field, `is not a known setting${guess ? ` (did you mean ${render(guess)}?)` : ""}; known: ${known.map(render).join(", ")}`);
}

/** Check a nested (JSON) value against its scalar kind; returns the value to use, or undefined. */
function typed(problems: Problems, field: string, value: unknown, kind: Scalar): unknown {
    const ok =
        (kind === "string" && typeof value === "string") ||
        (kind === "boolean" && typeof value === "boolean") ||
        (kind === "integer" && typeof value === "number" && Number.isInteger(value)) ||
        (kind === "string[]" && Array.isArray(value) && value.every((v) => typeof v === "string")) ||
        (kind === "record" &&
            typeof value === "object" &&
            value !== null &&
            !Array.isArray(value) &&
            Object.values(value).every((v) => typeof v === "string"));
    if (ok) {
        return value;
    }
    if (kind === "strings" && typeof value === "string") {
        return [value]; // one value, as older configs wrote it
    }
    if (kind === "strings" && Array.isArray(value) && value.every((v) => typeof v === "string")) {
        return value;
    }
    if (kind === "id" && ((typeof value === "number" && Number.isInteger(value)) || typeof value === "string")) {
        return String(value); // validated as digits later
    }
    problems.invalid(field, value, SCALAR_HINT[kind]);
    return undefined;
}

function typedObject(problems: Problems, field: string, value: unknown, fields: Readonly<Record<string, Scalar>>): unknown {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.invalid(field, value, `use an object with ${Object.keys(fields).join(", ")}`);
        return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
        if (!(name in fields)) {
            unknownField(problems, `${field}.${name}`, name, Object.keys(fields));
        } else if (inner !== null && inner !== undefined) {
            const v = typed(problems, `${field}.${name}`, inner, fields[name]);
            if (v !== undefined) {
                out[name] = v;
            }
        }
    }
    return out;
}

/** Parse one top-level value as Pulumi hands it over (always text). */
function parseTopLevel(problems: Problems, key: string, raw: string, shape: Shape): unknown {
    if (shape === "string") {
        return raw;
    }
    if (shape === "boolean") {
        if (raw === "true" || raw === "false") {
            return raw === "true";
        }
        problems.invalid(key, raw, SCALAR_HINT.boolean);
        return undefined;
    }
    if (shape === "integer" || shape === "id") {
        if (/^-?\d+$/.test(raw)) {
            return Number(raw);
        }
        problems.invalid(key, raw, SCALAR_HINT.integer);
        return undefined;
    }
    if (typeof shape === "object" && "flag" in shape && (raw === "true" || raw === "false")) {
        return raw === "true" ? {} : undefined;
    }
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        const expected =
            typeof shape === "string"
                ? SCALAR_HINT[shape]
                : "list" in shape
                  ? "use a list of objects"
                  : "flag" in shape
                    ? "use true, false or an object"
                    : "use an object";
        problems.invalid(key, raw, `${expected} (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)`);
        return undefined;
    }
    if (typeof shape === "string") {
        return typed(problems, key, value, shape);
    }
    if ("object" in shape) {
        return typedObject(problems, key, value, shape.object);
    }
    if ("flag" in shape) {
        return typedObject(problems, key, value, shape.flag);
    }
    if (!Array.isArray(value)) {
        problems.invalid(key, value, `use a list of objects, e.g. [{ name: "app-dev" }]`);
        return undefined;
    }
    return value.map((item, i) => typedObject(problems, `${key}[${i}]`, item, shape.list) ?? {});
}

/** How to parse one Pulumi config namespace into a component's args. */
export interface NamespaceSpec<T> {
    /** The namespace, e.g. `ecr-ci`. */
    readonly namespace: string;
    /** Every key of the namespace and its shape. */
    readonly schema: Readonly<Record<string, Shape>>;
    /** The component's semantic rules, naming fields with the `keyOf` given. */
    readonly validate: (args: T, keyOf: KeyOf) => readonly string[];
    /** The first line of the error, e.g. `Invalid ecr-ci stack configuration`. */
    readonly subject: string;
}

/**
 * Parse and validate the keys of one namespace of a stack's config; other namespaces (`aws:region`,
 * …) are ignored. Type problems come first, then the semantic rules minus repeats about a key whose
 * type was already wrong. Throws `EcrCiValidationError` with every problem, each naming the key.
 */
export function parseNamespace<T>(config: Readonly<Record<string, string>>, spec: NamespaceSpec<T>): T {
    const keyOf: KeyOf = (field) => `${spec.namespace}:${field}`;
    const problems = new Problems(keyOf);
    const known = Object.keys(spec.schema);
    const values: Record<string, unknown> = {};
    const prefix = `${spec.namespace}:`;
    for (const [fullKey, raw] of Object.entries(config)) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const key = fullKey.slice(prefix.length);
        if (!(key in spec.schema)) {
            unknownField(problems, key, key, known, keyOf);
            continue;
        }
        const value = parseTopLevel(problems, key, raw, spec.schema[key]);
        if (value !== undefined) {
            values[key] = value;
        }
    }
    const typeProblems = problems.list.map((p) => p.split(/[ =]/, 1)[0]);
    const args = values as unknown as T;
    const semantic = spec.validate(args, keyOf).filter(
        (message) => !typeProblems.some((key) => message.startsWith(`${key} `) || message.startsWith(`${key}.`) || message.startsWith(`${key}[`)),
    );
    const all = [...problems.list, ...semantic];
    if (all.length > 0) {
        throw new EcrCiValidationError(spec.subject, all);
    }
    return args;
}

/**
 * Parse and validate the `ecr-ci:` keys of a stack's config. Other namespaces (`aws:region`, …)
 * are ignored. Throws `EcrCiValidationError` with every problem, each naming the key.
 */
export function parseStackConfig(config: Readonly<Record<string, string>>): EcrCiEnvironmentArgs {
    return parseNamespace(config, {
        namespace: CONFIG_NAMESPACE,
        schema: CONFIG_SCHEMA,
        validate: validateEnvironmentArgs,
        subject: "Invalid ecr-ci stack configuration",
    });
}

/** Reference used in docs and error hints: the allowed modes and mutabilities. */
export const ENUM_VALUES = {
    authMode: Object.values(AuthMode),
    imageTagMutability: Object.values(ImageTagMutability),
} as const;

export { show };
