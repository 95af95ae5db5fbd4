// Offline plan: what `pulumi up -s <stack>` would create, with no AWS account and no Pulumi CLI.
// Runs the real program (index.ts) with the stack's config under the shared mocks (tools/mocks.ts)
// and prints the resource tree, every IAM principal's trust and permissions, and the stack outputs.
// A tool for people: it reuses the program and the library, and the library never imports it.
//
//   npm run plan -- --stack dev [--json] [--config-file FILE] [--account 123456789012]
//   npm run plan -- --stack dev --against <plan.json | git revision> [--fail-on-new-access] [--json]
//     the access diff (tools/access-diff.ts) against a saved plan or a revision (tools/previous-plan.ts)
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { closest, parseStackConfig } from "../components/contract/parse";
import { EcrCiValidationError, Problems, formatProblems } from "../components/contract/problems";
import { Statement, T, accessDiff, renderAccessDiff, renderAccessDiffJson } from "./access-diff";
import { TRUST_POLICY_MAX_CHARS, acceptedSubjectForms, trustPolicySize } from "../components/core/github";
import { RecordedResource, partitionOf, setAwsMocks, settle } from "./mocks";
import { PreviousPlanError, previousPlan } from "./previous-plan";

/** The project directory: where Pulumi.yaml and the stack files live. */
export const PROJECT_DIR = path.resolve(__dirname, "..");
/** The account the plan pretends to deploy to unless `--account` says otherwise. */
export const DEFAULT_ACCOUNT_ID = "123456789012";
/** How a secret is shown, and the stand-in for a `secure:` config value (it cannot be decrypted offline). */
export const SECRET = "[secret]";
export const USAGE =
    "usage: npm run plan -- --stack <name> [--json] [--config-file <file>] [--account <12-digit account ID>] [--against <plan.json | git revision> [--fail-on-new-access]]";
/** The exit code of `--fail-on-new-access` when a principal gains access (1 stays "the plan failed"). */
export const NEW_ACCESS_EXIT_CODE = 2;

const REGION_KEY = "aws:region";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
/** Pulumi's rule for a stack name. */
const STACK_NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;
const ACCOUNT_ID_RE = /^\d{12}$/;
/** Keys a Pulumi.yaml `config:` declaration may have; anything else is a short-form value. */
const DECLARATION_KEYS = new Set(["type", "description", "default", "value", "secret", "items"]);

/** A problem the user can fix (flags, files, config): its message is shown alone, without a stack trace. */
export class PlanError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanError";
    }
}

// ---------------------------------------------------------------------------------------------
// Flags

export interface PlanOptions {
    /** The stack to plan; its config is `Pulumi.<stack>.yaml` unless `configFile` is given. */
    readonly stack: string;
    /** Machine-readable output. @default false */
    readonly json: boolean;
    /** The stack config file, like the CLI's `--config-file`. @default `Pulumi.<stack>.yaml` beside Pulumi.yaml */
    readonly configFile?: string;
    /** The mocked AWS account. @default DEFAULT_ACCOUNT_ID */
    readonly accountId: string;
    /** Print the access diff against this plan: a file saved with `--json`, or a git revision. */
    readonly against?: string;
    /** With `against`: exit `NEW_ACCESS_EXIT_CODE` when any principal gains access. */
    readonly failOnNewAccess?: true;
}

type ValueField = "stack" | "configFile" | "accountId" | "against";
const VALUE_FLAGS: Readonly<Record<string, ValueField>> = {
    "--stack": "stack",
    "-s": "stack",
    "--config-file": "configFile",
    "--account": "accountId",
    "--against": "against",
};
const JSON_FLAG = "--json";
const FAIL_FLAG = "--fail-on-new-access";
const HELP_FLAGS = ["--help", "-h"];
const KNOWN_FLAGS = [...Object.keys(VALUE_FLAGS), JSON_FLAG, FAIL_FLAG, ...HELP_FLAGS];

/** Split `--flag=value`; other arguments have no inline value. */
function splitFlag(arg: string): [string, string | undefined] {
    const eq = arg.indexOf("=");
    return arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/**
 * Parse the command line (without `node` and the script). Returns "help" for `--help`; throws a
 * `PlanError` listing every problem, then the usage line.
 */
export function parseFlags(argv: readonly string[]): PlanOptions | "help" {
    const problems = new Problems((flag) => flag);
    const values: Partial<Record<ValueField, string>> = {};
    let json = false;
    let failOnNewAccess = false;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = splitFlag(argv[i]);
        if (HELP_FLAGS.includes(flag)) {
            return "help";
        }
        if (flag === JSON_FLAG || flag === FAIL_FLAG) {
            if (inline !== undefined) {
                problems.other(flag, "takes no value");
            }
            json ||= flag === JSON_FLAG;
            failOnNewAccess ||= flag === FAIL_FLAG;
            continue;
        }
        const field = VALUE_FLAGS[flag];
        if (field === undefined) {
            if (flag.startsWith("-")) {
                const guess = closest(flag, KNOWN_FLAGS);
                problems.other(flag, `is not a known flag${guess ? ` (did you mean ${guess}?)` : ""}; known: ${KNOWN_FLAGS.join(", ")}`);
                if (inline === undefined && argv[i + 1] !== undefined && !argv[i + 1].startsWith("-")) {
                    i++; // its value, so a misspelt `--stak dev` is one problem, not two
                }
            } else {
                problems.other(flag, `is not a flag: name the stack with --stack ${flag}`);
            }
            continue;
        }
        const next = argv[i + 1];
        const value = inline ?? (next !== undefined && !next.startsWith("-") ? argv[++i] : undefined);
        if (value === undefined || value === "") {
            problems.other(flag, "needs a value");
        } else if (values[field] !== undefined) {
            problems.other(flag, `is given twice (${values[field]} and ${value})`);
        } else {
            values[field] = value;
        }
    }
    if (values.stack === undefined) {
        problems.missing("--stack", "name the stack to plan, e.g. --stack dev (reads Pulumi.dev.yaml)");
    } else if (!STACK_NAME_RE.test(values.stack)) {
        problems.invalid("--stack", values.stack, `use 1-100 letters, digits, "-", "_" or "."`);
    }
    if (values.accountId !== undefined && !ACCOUNT_ID_RE.test(values.accountId)) {
        problems.invalid("--account", values.accountId, "use a 12-digit AWS account ID");
    }
    if (failOnNewAccess && values.against === undefined) {
        problems.other(FAIL_FLAG, "needs --against <plan.json | git revision>: new access is judged against a previous plan");
    }
    if (problems.list.length > 0) {
        throw new PlanError(`${formatProblems("Invalid plan arguments", problems.list)}\n${USAGE}`);
    }
    return {
        stack: values.stack!,
        json,
        ...(values.configFile !== undefined ? { configFile: values.configFile } : {}),
        accountId: values.accountId ?? DEFAULT_ACCOUNT_ID,
        ...(values.against !== undefined ? { against: values.against } : {}),
        ...(failOnNewAccess ? { failOnNewAccess: true as const } : {}),
    };
}

// ---------------------------------------------------------------------------------------------
// Config, the way the Pulumi CLI hands it to a program

/** The config map a program sees (`pulumi.runtime.allConfig()`), and which of its keys are secret. */
export interface ProgramConfig {
    readonly values: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
}

/** Code-point order: the same on every machine, unlike localeCompare. */
function byText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `secure: <ciphertext>`: needs the stack's secrets provider, so it cannot be read offline. */
function isCiphertext(value: unknown): boolean {
    return isObject(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

/** `value` with every `secure:` replaced by the placeholder, and whether there was one. */
function withoutCiphertext(value: unknown): { value: unknown; secret: boolean } {
    if (isCiphertext(value)) {
        return { value: SECRET, secret: true };
    }
    if (Array.isArray(value)) {
        const items = value.map(withoutCiphertext);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (isObject(value)) {
        const entries = Object.entries(value).map(([k, v]) => [k, withoutCiphertext(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/** A key as Pulumi names it: one without a namespace belongs to the project. */
export function qualifiedKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** A value as the program reads it: scalars as text, lists and objects as JSON text. */
export function configText(value: unknown): string {
    if (value === null || value === undefined) {
        return "";
    }
    return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Values Pulumi.yaml's `config:` gives every stack: a declaration's `default`/`value`, or a short-form value. */
export function projectDefaults(projectConfig: unknown): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, declared] of Object.entries(isObject(projectConfig) ? projectConfig : {})) {
        const isDeclaration = isObject(declared) && Object.keys(declared).every((k) => DECLARATION_KEYS.has(k));
        if (!isDeclaration) {
            defaults[key] = declared;
        } else if ("value" in declared) {
            defaults[key] = declared.value;
        } else if ("default" in declared) {
            defaults[key] = declared.default;
        }
    }
    return defaults;
}

/**
 * Translate the project's and the stack's `config:` maps into what the program sees: namespaced
 * keys, stack values over project defaults, text values, ciphertext replaced by `SECRET`.
 */
export function programConfig(project: string, projectConfig: unknown, stackConfig: unknown): ProgramConfig {
    const merged = new Map<string, unknown>();
    for (const source of [projectDefaults(projectConfig), isObject(stackConfig) ? stackConfig : {}]) {
        for (const [key, value] of Object.entries(source)) {
            merged.set(qualifiedKey(project, key), value);
        }
    }
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of [...merged].sort(([a], [b]) => byText(a, b))) {
        const { value, secret } = withoutCiphertext(raw);
        values[key] = configText(value);
        if (secret) {
            secretKeys.push(key);
        }
    }
    return { values, secretKeys };
}

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new PlanError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
        throw new PlanError(`${file} is not valid YAML: ${doc.errors[0].message}`);
    }
    return doc.toJS();
}

/** The stacks that have a config file in `dir`. */
function knownStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export interface Project {
    readonly name: string;
    /** Absolute path of the program. */
    readonly main: string;
    readonly config: unknown;
}

function readProject(dir: string): Project {
    const doc = readYaml(path.join(dir, "Pulumi.yaml"));
    if (!isObject(doc) || typeof doc.name !== "string") {
        throw new PlanError(`${path.join(dir, "Pulumi.yaml")} has no project name`);
    }
    return { name: doc.name, main: path.resolve(dir, typeof doc.main === "string" ? doc.main : "index.ts"), config: doc.config };
}

function readStackConfig(options: PlanOptions, dir: string): { file: string; config: unknown; unrooted: string[] } {
    const file = path.resolve(options.configFile ?? path.join(dir, `Pulumi.${options.stack}.yaml`));
    if (options.configFile === undefined && !fs.existsSync(file)) {
        const stacks = knownStacks(dir);
        throw new PlanError(
            `stack ${options.stack} has no config file ${path.basename(file)} in ${dir}` +
                `${stacks.length > 0 ? ` (stacks here: ${stacks.join(", ")})` : ""}; pass --config-file <file> to use another`,
        );
    }
    const doc = readYaml(file);
    // Keys such as `ecr-ci:environment` at the top level were meant to be under `config:`.
    const unrooted = isObject(doc) ? Object.keys(doc).filter((key) => key !== "config" && key.includes(":")) : [];
    return { file, config: isObject(doc) ? doc.config : undefined, unrooted };
}

// ---------------------------------------------------------------------------------------------
// Running the program

/** One resource as `pulumi stack export` would show it, secrets replaced by `SECRET`. */
export interface PlanResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** The physical ID AWS would assign; null for components. */
    readonly id: string | null;
    /** The parent's URN; null for the root stack. */
    readonly parent: string | null;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly outputs: Readonly<Record<string, unknown>>;
}

export interface Plan {
    readonly project: string;
    readonly stack: string;
    /** The stack config file that was read. */
    readonly configFile: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    /** Every registered resource, parents before children, siblings by URN. */
    readonly resources: readonly PlanResource[];
    /** The stack outputs Pulumi would record (undefined ones are dropped, as Pulumi does). */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** What a reviewer must see before `pulumi up` (human output only; `--json` keeps its shape). */
    readonly review: readonly string[];
}

/** Deep copy with object keys sorted and every secret (as the runtime marks it) replaced by `SECRET`. */
export function redact(value: unknown): unknown {
    if (pulumi.runtime.isRpcSecret(value)) {
        return SECRET;
    }
    if (Array.isArray(value)) {
        return value.map(redact);
    }
    if (isObject(value)) {
        return Object.fromEntries(Object.keys(value).sort(byText).map((k) => [k, redact(value[k])]));
    }
    return value;
}

/** A recorded resource for display: outputs the provider marks secret, or fed by a secret input, are hidden. */
export function planResource(r: RecordedResource): PlanResource {
    const secretOutputs = new Set([...r.additionalSecretOutputs, ...Object.keys(r.inputs).filter((k) => pulumi.runtime.isRpcSecret(r.inputs[k]))]);
    const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, secretOutputs.has(k) && v !== undefined ? SECRET : v]));
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        id: r.id ?? null,
        parent: r.parent ?? null,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        inputs: redact(r.inputs) as Record<string, unknown>,
        outputs: redact(outputs) as Record<string, unknown>,
    };
}

/** Parents before children, siblings sorted by URN: a deterministic walk of the tree. */
export function treeOrder<T extends { readonly urn: string; readonly parent: string | null }>(resources: readonly T[]): T[] {
    const urns = new Set(resources.map((r) => r.urn));
    const children = new Map<string | null, T[]>();
    for (const r of resources) {
        const parent = r.parent !== null && urns.has(r.parent) ? r.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const walk = (parent: string | null): T[] =>
        [...(children.get(parent) ?? [])].sort((a, b) => byText(a.urn, b.urn)).flatMap((r) => [r, ...walk(r.urn)]);
    return walk(null);
}

/** What the plan runs: the project, its program and the config the program will see. */
export interface StackSetup {
    readonly dir: string;
    readonly project: Project;
    readonly stack: string;
    readonly configFile: string;
    readonly config: ProgramConfig;
    readonly region: string;
    readonly accountId: string;
}

/** Read Pulumi.yaml and the stack's config file; nothing runs yet. Throws `PlanError`. */
export function loadStack(options: PlanOptions, dir: string = PROJECT_DIR): StackSetup {
    const project = readProject(dir);
    const stackConfig = readStackConfig(options, dir);
    const config = programConfig(project.name, project.config, stackConfig.config);
    const region = config.values[REGION_KEY];
    // What keeps the file from being planned, reported with every problem the program would report.
    const problems: string[] = [];
    if (stackConfig.unrooted.length > 0) {
        problems.push(
            `${stackConfig.file} has ${stackConfig.unrooted.join(", ")} at the top level: stack settings go under config: (indent them below a line "config:")`,
        );
    }
    if (!region) {
        problems.push(`${REGION_KEY} is required: set the stack's region in ${stackConfig.file} (e.g. ${REGION_KEY}: eu-west-1)`);
    }
    if (problems.length > 0) {
        try {
            parseStackConfig(config.values, { project: project.name, stack: options.stack });
        } catch (err) {
            if (!(err instanceof EcrCiValidationError)) {
                throw err;
            }
            problems.push(...err.problems);
        }
        throw new PlanError(problems.length === 1 ? problems[0] : formatProblems("Invalid ecr-ci stack configuration", problems));
    }
    // Without --account, the account the stack allows (aws:allowedAccountIds), so its ARNs line up.
    const allowed = allowedAccount(config.values["aws:allowedAccountIds"]);
    const accountId = options.accountId === DEFAULT_ACCOUNT_ID && allowed !== undefined ? allowed : options.accountId;
    return { dir, project, stack: options.stack, configFile: stackConfig.file, config, region, accountId };
}

/** The first account of `aws:allowedAccountIds` (JSON text, as Pulumi hands lists over), if it is one. */
function allowedAccount(text: string | undefined): string | undefined {
    try {
        const ids: unknown = text === undefined ? undefined : JSON.parse(text);
        const first = Array.isArray(ids) ? String(ids[0]) : undefined;
        return first !== undefined && ACCOUNT_ID_RE.test(first) ? first : undefined;
    } catch {
        return undefined; // the program reports it
    }
}

/** Said after a failure when the program was given placeholders instead of `secure:` values. */
export function secretsNote(config: ProgramConfig): string {
    const keys = config.secretKeys;
    return keys.length === 0
        ? ""
        : `note: the offline plan cannot decrypt secure values; the program got "${SECRET}" for ${keys.join(", ")}`;
}

/** Run the program with the stack's config under the shared mocks and collect what it registered. */
export async function runPlan(setup: StackSetup): Promise<Plan> {
    const mocks = await setAwsMocks({ accountId: setup.accountId, region: setup.region }, setup.project.name, setup.stack);
    pulumi.runtime.setAllConfig({ ...setup.config.values }, [...setup.config.secretKeys]);
    process.chdir(setup.dir); // the CLI runs a program from its project directory
    delete require.cache[require.resolve(setup.project.main)]; // a second plan in one process runs the program again
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await pulumi.runtime.runInPulumiStack(async () => require(setup.project.main));
    await settle();
    const resources = treeOrder(mocks.resources.map(planResource));
    const root = resources.find((r) => r.type === ROOT_STACK_TYPE);
    const findsProvider = mocks.invokes.some((i) => i.token === FIND_PROVIDER_INVOKE);
    return {
        project: setup.project.name,
        stack: setup.stack,
        configFile: setup.configFile,
        accountId: mocks.accountId,
        region: mocks.region,
        partition: partitionOf(mocks.region).partition,
        resources,
        outputs: root?.outputs ?? {},
        review: reviewNotes(resources, findsProvider, otherStacksCreatingProvider(setup)),
    };
}

const FIND_PROVIDER_INVOKE = "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider";

/**
 * The project's other stack files that create GitHub's OIDC provider (`ecr-ci:oidcProvider` unset or
 * `create` in OIDC mode): one provider per URL per account, so two of them in one account collide.
 */
export function otherStacksCreatingProvider(setup: StackSetup): string[] {
    return knownStacks(setup.dir)
        .filter((stack) => path.resolve(setup.dir, `Pulumi.${stack}.yaml`) !== setup.configFile)
        .filter((stack) => {
            let config: unknown;
            try {
                config = (readYaml(path.join(setup.dir, `Pulumi.${stack}.yaml`)) as { config?: unknown } | undefined)?.config;
            } catch {
                return false; // its own plan reports it
            }
            const values = isObject(config) ? config : {};
            const mode = values[qualifiedKey(setup.project.name, "authMode")] ?? "oidc";
            const provider = values[qualifiedKey(setup.project.name, "oidcProvider")] ?? "create";
            return mode === "oidc" && provider === "create";
        });
}

/** Warnings a reviewer must see: long-lived keys, images that can be deleted, the account's OIDC provider, tags. */
export function reviewNotes(resources: readonly PlanResource[], findsProvider: boolean, othersCreating: readonly string[]): string[] {
    const notes: string[] = [];
    for (const user of resources.filter((r) => r.type === T.user)) {
        notes.push(`IAM user ${str(user.inputs.name)} has a long-lived access key (a Pulumi secret output): store it as a GitHub secret, rotate it, and prefer authMode oidc`);
    }
    for (const repo of resources.filter((r) => r.type === T.repository)) {
        if (repo.inputs.forceDelete === true) {
            notes.push(`repository ${str(repo.inputs.name)}: forceDelete — pulumi destroy deletes it with every image in it`);
        }
        if (!repo.protect) {
            notes.push(`repository ${str(repo.inputs.name)}: not protected — pulumi destroy, or a change that replaces it, deletes its images`);
        }
    }
    for (const provider of resources.filter((r) => r.type === T.oidcProvider)) {
        notes.push(
            `creates GitHub's OIDC provider ${str(provider.inputs.url)} (protected): IAM allows one per account` +
                (othersCreating.length > 0
                    ? `, and stack${othersCreating.length > 1 ? "s" : ""} ${othersCreating.join(", ")} of this project create${othersCreating.length > 1 ? "" : "s"} it too: if they share this AWS account, the second pulumi up fails — set ecr-ci:oidcProvider: lookup there`
                    : "; every other stack of the account must find it (ecr-ci:oidcProvider: lookup)"),
        );
    }
    if (findsProvider) {
        notes.push("finds GitHub's OIDC provider by its URL (created by the bootstrap, or by one stack with oidcProvider: create): pulumi up fails if the account has none");
    }
    const tagged = resources.find((r) => r.type === T.repository);
    if (tagged && isObject(tagged.inputs.tags)) {
        notes.push(`tags on every taggable resource: ${Object.entries(tagged.inputs.tags).map(([k, v]) => `${k}=${str(v)}`).join(", ")}`);
    }
    return notes;
}

// ---------------------------------------------------------------------------------------------
// Output

/** `{ stack, resources, outputs }`, two-space indented, keys in a fixed order. */
export function renderJson(plan: Plan): string {
    const resources = plan.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        id: r.id,
        parent: r.parent,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        inputs: r.inputs,
        outputs: r.outputs,
    }));
    return `${JSON.stringify({ stack: plan.stack, resources, outputs: plan.outputs }, null, 2)}\n`;
}

/** Text styles; identity functions when colour is off. */
export interface Palette {
    readonly heading: (s: string) => string;
    readonly dim: (s: string) => string;
    readonly allow: (s: string) => string;
    readonly deny: (s: string) => string;
    readonly warn: (s: string) => string;
    readonly value: (s: string) => string;
}

const SGR = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

export function palette(colour: boolean): Palette {
    const style = (code: number) => (s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
    return { heading: style(SGR.bold), dim: style(SGR.dim), allow: style(SGR.green), deny: style(SGR.red), warn: style(SGR.yellow), value: style(SGR.cyan) };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
    return stream.isTTY === true && !env.NO_COLOR;
}

const INDENT = "  ";

function str(value: unknown): string {
    return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

function list(value: unknown): string[] {
    return value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(str);
}

/** The last path segment of an ARN: `arn:aws:iam::1:policy/ecr-ci-dev` → `ecr-ci-dev`. */
function arnName(arn: unknown): string {
    return str(arn).split("/").pop() ?? str(arn);
}

/** A short description of what a resource is, for the tree. */
function detail(r: PlanResource): string {
    const o = r.outputs;
    switch (r.type) {
        case T.lifecyclePolicy:
        case T.repositoryPolicy:
            return `for repository ${str(r.inputs.repository)}`;
        case T.oidcProvider:
            return str(r.inputs.url);
        case T.rolePolicyAttachment:
            return `policy ${arnName(r.inputs.policyArn)} → role ${str(r.inputs.role)}`;
        case T.userPolicyAttachment:
            return `policy ${arnName(r.inputs.policyArn)} → user ${str(r.inputs.user)}`;
        case T.accessKey:
            return `${r.id ?? ""} for user ${str(r.inputs.user)}`;
        default:
            return typeof o.name === "string" ? o.name : "";
    }
}

/** Rows `label  value`, the labels padded to one width; a list value continues on aligned lines. */
function rows(indent: string, entries: readonly (readonly [string, readonly string[]])[], p: Palette): string[] {
    const width = Math.max(0, ...entries.map(([label]) => label.length));
    return entries.flatMap(([label, values]) =>
        values.map((v, i) => `${indent}${p.dim((i === 0 ? label : "").padEnd(width))}  ${v}`),
    );
}

function renderTree(resources: readonly PlanResource[], p: Palette): string[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const isLast = (r: PlanResource) => {
        const siblings = resources.filter((s) => s.parent === r.parent);
        return siblings[siblings.length - 1] === r;
    };
    const prefix = (r: PlanResource): string => {
        if (r.parent === null || !byUrn.has(r.parent)) {
            return "";
        }
        const parent = byUrn.get(r.parent)!;
        const above = parent.parent === null || !byUrn.has(parent.parent) ? "" : prefix(parent).slice(0, -3) + (isLast(parent) ? "   " : "│  ");
        return above + (isLast(r) ? "└─ " : "├─ ");
    };
    const lines = resources.map((r) => ({ head: `${prefix(r)}${r.type}`, r }));
    const typeWidth = Math.max(...lines.map((l) => l.head.length));
    const nameWidth = Math.max(...resources.map((r) => r.name.length));
    return lines.map(({ head, r }) => {
        const what = detail(r);
        const info = [what ? p.dim(what) : "", r.protect ? p.warn("[protected]") : "", r.retainOnDelete ? p.warn("[retain on delete]") : ""]
            .filter(Boolean)
            .join(" ");
        const name = info ? `${p.value(r.name)}${" ".repeat(nameWidth - r.name.length)}  ${info}` : p.value(r.name);
        return `${INDENT}${head.padEnd(typeWidth)}  ${name}`;
    });
}

function principals(value: unknown): string[] {
    if (!isObject(value)) {
        return list(value);
    }
    return Object.entries(value).flatMap(([kind, ids]) => list(ids).map((id) => `${kind}: ${id}`));
}

function conditions(block: Statement["Condition"]): string[] {
    return Object.entries(block ?? {}).flatMap(([operator, keys]) =>
        Object.entries(keys).map(([key, values]) => {
            const v = list(values);
            return `${operator} ${key} ${v.length === 1 ? `= ${v[0]}` : `in [${v.join(", ")}]`}`;
        }),
    );
}

/** One statement like a reviewer reads it: effect and Sid, then principal, actions, resources, conditions. */
function renderStatement(s: Statement, indent: string, p: Palette): string[] {
    const effect = s.Effect === "Deny" ? p.deny("Deny") : p.allow(s.Effect ?? "?");
    const entries: [string, string[]][] = [
        ["Principal", principals(s.Principal)],
        ["NotPrincipal", principals(s.NotPrincipal)],
        ["Actions", list(s.Action)],
        ["NotActions", list(s.NotAction)],
        ["Resources", list(s.Resource)],
        ["NotResources", list(s.NotResource)],
        ["Conditions", conditions(s.Condition)],
    ];
    return [`${indent}${effect} ${p.heading(s.Sid ?? "(no Sid)")}`, ...rows(`${indent}${INDENT}`, entries.filter(([, v]) => v.length > 0), p)];
}

/** Every statement of a policy document given as JSON text (or the text itself if it is not a document). */
function renderDocument(text: unknown, indent: string, p: Palette): string[] {
    if (text === SECRET) {
        return [`${indent}${SECRET}`];
    }
    let doc: unknown;
    try {
        doc = typeof text === "string" ? JSON.parse(text) : text;
    } catch {
        return [`${indent}${str(text)}`];
    }
    const statement = isObject(doc) ? doc.Statement : undefined;
    const statements = (Array.isArray(statement) ? statement : statement === undefined ? [] : [statement]) as Statement[];
    if (statements.length === 0) {
        return [`${indent}(no statements)`];
    }
    return statements.flatMap((s) => renderStatement(s, indent, p));
}

function attachedPolicies(resources: readonly PlanResource[], attachmentType: string, field: string, principal: string): PlanResource[] {
    const arns = resources.filter((r) => r.type === attachmentType && r.inputs[field] === principal).map((r) => r.inputs.policyArn);
    return resources.filter((r) => r.type === T.policy && arns.includes(r.outputs.arn));
}

function renderPermissions(resources: readonly PlanResource[], attachmentType: string, field: string, principal: PlanResource, p: Palette): string[] {
    const policies = attachedPolicies(resources, attachmentType, field, str(principal.outputs.name));
    const inline = list(principal.inputs.inlinePolicies).length > 0 ? (principal.inputs.inlinePolicies as { name?: string; policy?: string }[]) : [];
    const lines = [
        ...policies.flatMap((policy) => [
            `${INDENT.repeat(2)}${p.heading("What it can do")} — managed policy ${str(policy.outputs.name)} ${p.dim(`(${str(policy.outputs.arn)})`)}:`,
            ...renderDocument(policy.inputs.policy, INDENT.repeat(3), p),
        ]),
        ...inline.flatMap((policy) => [
            `${INDENT.repeat(2)}${p.heading("What it can do")} — inline policy ${policy.name ?? ""}:`,
            ...renderDocument(policy.policy, INDENT.repeat(3), p),
        ]),
    ];
    return lines.length > 0 ? lines : [`${INDENT.repeat(2)}${p.heading("What it can do")}: nothing (no policy attached)`];
}

function renderRole(role: PlanResource, resources: readonly PlanResource[], p: Palette): string[] {
    const facts: [string, string[]][] = [
        ["ARN", [str(role.outputs.arn)]],
        ["Max session", [`${str(role.inputs.maxSessionDuration ?? 3600)} s`]],
        ["Boundary", [role.inputs.permissionsBoundary ? str(role.inputs.permissionsBoundary) : "none"]],
        ...trustFacts(role, resources, p),
    ];
    return [
        `${INDENT}${p.heading(`IAM role ${str(role.outputs.name)}`)} ${p.dim(`(${role.name})`)}`,
        ...rows(INDENT.repeat(2), facts, p),
        `${INDENT.repeat(2)}${p.heading("Who can assume it")} — trust policy:`,
        ...renderDocument(role.inputs.assumeRolePolicy, INDENT.repeat(3), p),
        ...renderPermissions(resources, T.rolePolicyAttachment, "role", role, p),
    ];
}

/** The trust policy's size against IAM's quota, the subject forms it accepts, and who a pull-request role serves. */
function trustFacts(role: PlanResource, resources: readonly PlanResource[], p: Palette): [string, string[]][] {
    const text = role.inputs.assumeRolePolicy;
    if (typeof text !== "string" || text === SECRET) {
        return [];
    }
    const size = trustPolicySize(text);
    const quota = `${size} of ${TRUST_POLICY_MAX_CHARS} characters (IAM's default ACLSizePerRole quota)`;
    const forms = acceptedSubjectForms(text);
    const facts: [string, string[]][] = [["Trust size", [size > TRUST_POLICY_MAX_CHARS ? p.warn(`${quota}: over the quota, creating the role fails unless the quota is raised`) : quota]]];
    if (forms.length === 0) {
        return facts; // not a GitHub trust
    }
    facts.push(
        ["Subjects", [forms.length === 2 ? "legacy repo:OWNER/REPO and immutable repo:OWNER@ID/REPO@ID (both accepted)" : forms.includes("immutable") ? "immutable repo:OWNER@ID/REPO@ID only" : "legacy repo:OWNER/REPO only (no repository IDs set: npm run github-ids -- OWNER/REPO prints ownerId, repositoryId and subjectFormat)"]],
    );
    if (text.includes(":pull_request")) {
        const protectedStack = resources.some((r) => r.type === T.repository && r.protect);
        const who = "any same-repository pull request's workflow, i.e. everyone who can push a branch, can read what it reads (see below: the stack's state, and its secrets where it may kms:Decrypt)";
        facts.push(["Pull requests", [protectedStack ? p.warn(`${who} — this stack is protected (protect: true): make sure that is meant for it`) : who]]);
    }
    return facts;
}

function renderUser(user: PlanResource, resources: readonly PlanResource[], p: Palette): string[] {
    const keys = resources.filter((r) => r.type === T.accessKey && r.inputs.user === user.outputs.name);
    const credentials = keys.map((k) => {
        const secret = k.outputs.encryptedSecret !== undefined ? "secret PGP-encrypted" : `secret ${str(k.outputs.secret ?? SECRET)}`;
        return `access key ${k.id ?? ""} (${secret})`;
    });
    const facts: [string, string[]][] = [
        ["ARN", [str(user.outputs.arn)]],
        ["Boundary", [user.inputs.permissionsBoundary ? str(user.inputs.permissionsBoundary) : "none"]],
        ["Who can use it", credentials.length > 0 ? credentials.map((c) => `anyone holding its ${c}`) : ["no access keys"]],
    ];
    return [
        `${INDENT}${p.heading(`IAM user ${str(user.outputs.name)}`)} ${p.dim(`(${user.name})`)}`,
        ...rows(INDENT.repeat(2), facts, p),
        ...renderPermissions(resources, T.userPolicyAttachment, "user", user, p),
    ];
}

function renderProvider(provider: PlanResource, p: Palette): string[] {
    const facts: [string, string[]][] = [
        ["ARN", [str(provider.outputs.arn)]],
        ["Audiences", list(provider.inputs.clientIdLists)],
    ];
    return [`${INDENT}${p.heading(`OIDC provider ${str(provider.inputs.url)}`)} ${p.dim(`(${provider.name})`)}`, ...rows(INDENT.repeat(2), facts, p)];
}

function renderRepository(repo: PlanResource, resources: readonly PlanResource[], p: Palette): string[] {
    const i = repo.inputs;
    const name = str(repo.outputs.name);
    const encryption = list(i.encryptionConfigurations).length > 0 ? (i.encryptionConfigurations as Record<string, unknown>[])[0] : {};
    const scanning = isObject(i.imageScanningConfiguration) ? i.imageScanningConfiguration.scanOnPush : undefined;
    const rules = resources
        .filter((r) => r.type === T.lifecyclePolicy && r.inputs.repository === name)
        .flatMap((r) => {
            const doc = typeof r.inputs.policy === "string" ? (JSON.parse(r.inputs.policy) as { rules?: { description?: string }[] }) : {};
            return (doc.rules ?? []).map((rule) => rule.description ?? JSON.stringify(rule));
        });
    const facts: [string, string[]][] = [
        ["URL", [str(repo.outputs.repositoryUrl)]],
        ["Image tags", [i.imageTagMutability === "IMMUTABLE" ? "IMMUTABLE (a pushed tag cannot be moved)" : p.warn(`${str(i.imageTagMutability ?? "MUTABLE")} (a pushed tag can be moved to another image)`)]],
        ["Scan on push", [scanning === true ? "yes" : "no"]],
        ["Encryption", [[encryption.encryptionType ?? "AES256", encryption.kmsKey].filter(Boolean).map(str).join(" ")]],
        ["Force delete", [i.forceDelete === true ? p.warn("yes (pulumi destroy deletes its images)") : "no"]],
        ["Protected", [repo.protect ? "yes" : p.warn("no")]],
        ["Lifecycle", rules.length > 0 ? rules : [p.warn("none")]],
    ];
    const policies = resources.filter((r) => r.type === T.repositoryPolicy && r.inputs.repository === name);
    return [
        `${INDENT}${p.heading(`ECR repository ${name}`)} ${p.dim(`(${repo.name})`)}`,
        ...rows(INDENT.repeat(2), facts, p),
        ...policies.flatMap((policy) => [
            `${INDENT.repeat(2)}${p.heading("Who else can use it")} — repository policy:`,
            ...renderDocument(policy.inputs.policy, INDENT.repeat(3), p),
        ]),
    ];
}

function renderOutputs(outputs: Readonly<Record<string, unknown>>, p: Palette): string[] {
    const keys = Object.keys(outputs).sort();
    const multiLine = (k: string) => typeof outputs[k] === "string" && (outputs[k] as string).includes("\n");
    const width = Math.max(0, ...keys.filter((k) => !multiLine(k)).map((k) => k.length));
    const inline = keys.filter((k) => !multiLine(k)).flatMap((k) => {
        const v = outputs[k];
        const values = isObject(v) ? Object.entries(v).map(([name, x]) => `${name}: ${str(x)}`) : [str(v)];
        return values.map((x, i) => `${INDENT}${(i === 0 ? k : "").padEnd(width)}  ${x === SECRET ? p.warn(x) : p.value(x)}`);
    });
    const blocks = keys.filter(multiLine).flatMap((k) => [
        `${INDENT}${k}:`,
        ...(outputs[k] as string).replace(/\n$/, "").split("\n").map((line) => `${INDENT.repeat(2)}${line}`.trimEnd()),
    ]);
    return [...inline, ...blocks];
}

/** The plan for people: resources, repositories, IAM principals with trust and permissions, outputs. */
export function renderHuman(plan: Plan, p: Palette): string {
    const of = (type: string) => plan.resources.filter((r) => r.type === type);
    const section = (title: string, lines: string[]) => (lines.length > 0 ? ["", p.heading(title), ...lines] : []);
    const principals = [...of(T.role).flatMap((r) => renderRole(r, plan.resources, p)), ...of(T.user).flatMap((u) => renderUser(u, plan.resources, p))];
    return [
        `${p.heading(`Plan for stack ${plan.stack}`)} of project ${plan.project}: ${plan.resources.length} resources to create`,
        `${INDENT}${p.dim("config ")} ${plan.configFile}`,
        `${INDENT}${p.dim("target ")} account ${plan.accountId}, region ${plan.region}, partition ${plan.partition}`,
        `${INDENT}${p.dim("offline")} Pulumi mocks, no AWS calls: IDs and ARNs are what AWS would assign`,
        ...section("Review", plan.review.map((note) => `${INDENT}${p.warn("!")} ${note}`)),
        ...section("Resources", renderTree(plan.resources, p)),
        ...section("ECR repositories", of(T.repository).flatMap((r) => renderRepository(r, plan.resources, p))),
        ...section("IAM principals: who can act, and what they can do", principals),
        ...section("Identity providers", of(T.oidcProvider).flatMap((r) => renderProvider(r, p))),
        ...section("Stack outputs", renderOutputs(plan.outputs, p)),
        "",
    ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Command line

/** The message for a failure: user errors (flags, config, the program's RunError) alone; bugs with their stack. */
export function errorText(err: unknown): string {
    if (err instanceof PlanError || err instanceof PreviousPlanError || err instanceof EcrCiValidationError || pulumi.RunError.isInstance(err) || pulumi.ResourceError.isInstance(err)) {
        return (err as Error).message;
    }
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** Print the first failure (and `note`, if any) on stderr and exit 1; nothing reaches stdout. */
function fail(err: unknown, note: string): never {
    process.stderr.write(`${[errorText(err), note].filter(Boolean).join("\n")}\n`);
    process.exit(1);
}

async function main(argv: readonly string[]): Promise<void> {
    let note = "";
    // A program's error can surface as a rejected registration as well as a rejected stack.
    process.on("unhandledRejection", (err) => fail(err, note));
    process.on("uncaughtException", (err) => fail(err, note));
    try {
        const options = parseFlags(argv);
        if (options === "help") {
            process.stdout.write(`${USAGE}\n`);
            return;
        }
        const setup = loadStack(options);
        note = secretsNote(setup.config);
        if (options.against !== undefined) {
            // The previous plan first: from a revision it runs in a child process of its own.
            const inProject = path.relative(setup.dir, setup.configFile);
            const before = previousPlan(options.against, {
                projectDir: setup.dir,
                stack: options.stack,
                accountId: options.accountId,
                stackFile: inProject.startsWith("..") || path.isAbsolute(inProject) ? setup.configFile : inProject,
            });
            const diff = accessDiff(before, await runPlan(setup), options.against);
            process.stdout.write(options.json ? renderAccessDiffJson(diff) : renderAccessDiff(diff));
            process.exitCode = options.failOnNewAccess && diff.newAccess ? NEW_ACCESS_EXIT_CODE : 0;
            return;
        }
        const plan = await runPlan(setup);
        process.stdout.write(options.json ? renderJson(plan) : renderHuman(plan, palette(useColour(process.stdout, process.env))));
    } catch (err) {
        fail(err, note);
    }
}

if (require.main === module) {
    void main(process.argv.slice(2));
}
