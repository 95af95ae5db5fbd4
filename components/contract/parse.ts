// Stack configuration (namespace `ecr-ci`) → `EcrCiEnvironmentArgs`. Pure: it takes the stack's
// config as Pulumi hands it to a program (`pulumi.runtime.allConfig()`: top-level values are
// strings, lists and objects are JSON text) and either returns args or throws one
// `EcrCiValidationError` listing every problem. Only `index.ts` reads the real config.
import { EcrCiValidationError, KeyOf, Problems, isWithin, show } from "./problems";
import type { Field, FieldsOf, Scalar, SchemaOf, Shape } from "./shape";
export type { Field, Scalar, Shape } from "./shape";
import { AuthMode, EcrCiEnvironmentArgs, GitHub, ImageTagMutability, Repository } from "./args";
import { validateEnvironmentArgs } from "../core/validate";
import { createRepositories } from "../core/capabilities/create-repositories";
import { ecsDeploy } from "../core/capabilities/ecs-deploy";
import { previewRole } from "../core/capabilities/preview-role";
import { promotion } from "../core/capabilities/promotion";
import { stateBackend } from "../core/capabilities/state-backend";
import { ALLOWED_ACCOUNTS_KEY, REGION_KEY, StackContext, editDistance } from "../core/limits";

export const CONFIG_NAMESPACE = "ecr-ci";

/** The fields of each `repositories` item. */
export const REPOSITORY_FIELDS = {
    name: "string",
    imageTagMutability: "string",
    scanOnPush: "boolean",
    kmsKeyArn: "string",
    untaggedExpiryDays: "integer",
    keepImages: "integer",
    forceDelete: "boolean",
    pullAccounts: "string[]",
} as const satisfies FieldsOf<Repository>;

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
} as const satisfies FieldsOf<GitHub>;

/**
 * Every key of the `ecr-ci:` namespace and its shape: the public config contract. One entry per
 * `EcrCiEnvironmentArgs` field, checked by the compiler; a capability's key uses the capability's
 * own shape. The order is the order of the `known:` list in messages.
 */
export const CONFIG_SCHEMA: Readonly<Record<string, Shape>> = {
    environment: "string",
    repositories: { list: REPOSITORY_FIELDS },
    protect: "boolean",
    authMode: "string",
    github: { object: GITHUB_FIELDS },
    oidcProvider: "string",
    maxSessionDurationSeconds: "integer",
    trustPolicyMaxChars: "integer",
    iamPath: "string",
    permissionsBoundaryArn: "string",
    pgpKey: "string",
    [promotion.key]: promotion.shape,
    [ecsDeploy.key]: ecsDeploy.shape,
    [createRepositories.key]: createRepositories.shape,
    [stateBackend.key]: stateBackend.shape,
    [previewRole.key]: previewRole.shape,
    tags: "record",
} satisfies SchemaOf<EcrCiEnvironmentArgs>;


const SCALAR_HINT: Record<Scalar, string> = {
    string: "must be a string",
    boolean: "use true or false",
    integer: "use a whole number",
    id: "use a numeric ID",
    "string[]": `use a list of strings (e.g. ["main"])`,
    strings: `use a string or a list of strings (e.g. ["main"])`,
    record: `use a map of strings (e.g. { team: "platform" })`,
};

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

function typedObject(problems: Problems, field: string, value: unknown, fields: Readonly<Record<string, Field>>): unknown {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.invalid(field, value, `use an object with ${Object.keys(fields).join(", ")}`);
        return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
        if (!(name in fields)) {
            unknownField(problems, `${field}.${name}`, name, Object.keys(fields));
        } else if (inner !== null && inner !== undefined) {
            const kind = fields[name];
            const v = typeof kind === "string" ? typed(problems, `${field}.${name}`, inner, kind) : typedObject(problems, `${field}.${name}`, inner, kind.object);
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
    /** The component's semantic rules: every problem goes into `problems` (keys made by `keyOf`). */
    readonly validate: (args: T, keyOf: KeyOf, problems: Problems) => unknown;
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
    // A key whose value had the wrong type was dropped (or kept only in part): the semantic rules
    // would only repeat that it is missing or wrong.
    const mistyped = problems.items.map((p) => p.field);
    const args = values as unknown as T;
    const semantic = new Problems(keyOf);
    spec.validate(args, keyOf, semantic);
    const all = [...problems.items, ...semantic.items.filter((p) => !mistyped.some((field) => isWithin(p.field, field)))];
    if (all.length > 0) {
        throw new EcrCiValidationError(spec.subject, all.map((p) => p.message));
    }
    return args;
}

/**
 * What the stack's own config says about where it deploys: `aws:region`, and the AWS provider's
 * `aws:allowedAccountIds` (a list, as JSON text) when set; anything unreadable is left to the provider.
 */
export function stackContext(config: Readonly<Record<string, string>>): StackContext {
    const region = config[REGION_KEY];
    let accountIds: string[] | undefined;
    try {
        const parsed: unknown = config[ALLOWED_ACCOUNTS_KEY] === undefined ? undefined : JSON.parse(config[ALLOWED_ACCOUNTS_KEY]);
        if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => typeof a === "string")) {
            accountIds = parsed;
        }
    } catch {
        // not a list: the AWS provider reports it
    }
    return { ...(region !== undefined ? { region } : {}), ...(accountIds ? { accountIds } : {}) };
}

/**
 * Parse and validate the `ecr-ci:` keys of a stack's config. Of other namespaces only `aws:region`
 * and `aws:allowedAccountIds` are read, for the rules that need the target (partition, region,
 * account); `stack` (the Pulumi project and stack) sizes the state backend's statements exactly.
 * Throws `EcrCiValidationError` with every problem, each naming the key.
 */
export function parseStackConfig(config: Readonly<Record<string, string>>, stack: Pick<StackContext, "project" | "stack"> = {}): EcrCiEnvironmentArgs {
    const context = { ...stackContext(config), ...stack };
    return parseNamespace(config, {
        namespace: CONFIG_NAMESPACE,
        schema: CONFIG_SCHEMA,
        validate: (args, keyOf, problems) => validateEnvironmentArgs(args, keyOf, context, problems),
        subject: "Invalid ecr-ci stack configuration",
    });
}

/** Reference used in docs and error hints: the allowed modes and mutabilities. */
export const ENUM_VALUES = {
    authMode: Object.values(AuthMode),
    imageTagMutability: Object.values(ImageTagMutability),
} as const;

export { show };
