// `npm run contract`: regenerate the config documentation from the input contract. The JSDoc of the
// args interfaces in components/contract/args.ts is the source (each field's meaning, `@default`,
// optionality); the config schemas (CONFIG_SCHEMA, BOOTSTRAP_SCHEMA, tied to those interfaces by the
// compiler) say how the stack config spells each key. Written between markers:
//   README.md               <!-- config:begin -->…<!-- config:end -->, <!-- bootstrap-config:begin -->…
//   Pulumi.yaml             # config:begin … # config:end   (the `config:` section)
//   bootstrap/Pulumi.yaml   # config:begin … # config:end
// `npm run contract -- --check` writes nothing and exits 1 if a file differs (tests/contract.test.ts
// does the same in memory). Fast on purpose: it parses args.ts alone (no type checker, no program).
//
// What Pulumi.yaml may declare (pulumi/pulumi sdk/go/common/workspace/project.go `Validate`,
// config.go `mergeConfig`, project.json `configTypeDeclaration`; docs: "Pulumi project file
// reference", config options): `type` is string, integer, boolean or array (with `items`), objects
// cannot be typed; a project-namespaced key declared without `default` is required by the CLI
// ("Stack 'dev' is missing configuration value 'ecr-ci:x'"), and a declared `default` is applied to
// every stack that does not set the key, so the program sees it as set. Hence only two kinds of key
// are declared: required scalar keys, and scalar keys whose JSDoc carries `@projectDefault` (their
// `@default` holds in every mode: `maxSessionDurationSeconds` must not be, it is refused in user
// mode). Every other key is listed in the comment above `config:`.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import type { Field, Scalar, Shape } from "../components/contract/shape";
import { CONFIG_NAMESPACE, CONFIG_SCHEMA } from "../components/contract/parse";
import { BOOTSTRAP_NAMESPACE, BOOTSTRAP_SCHEMA } from "../bootstrap/config";

export const ARGS_FILE = path.join("components", "contract", "args.ts");

/** One field of an args interface, as its JSDoc states it. */
export interface ContractField {
    readonly name: string;
    readonly optional: boolean;
    /** The TypeScript type as written, e.g. `Input<string>[]`. */
    readonly type: string;
    /** The JSDoc text without tags, whitespace collapsed. */
    readonly doc: string;
    /** The `@default` tag's text, if any. */
    readonly default?: string;
    /** Whether the JSDoc carries `@projectDefault`. */
    readonly projectDefault: boolean;
}

export interface ContractInterface {
    readonly name: string;
    readonly doc: string;
    readonly fields: readonly ContractField[];
}

export interface ContractEnum {
    readonly name: string;
    readonly members: readonly { readonly name: string; readonly value: string }[];
}

/** The interfaces and enums of args.ts, in source order. */
export interface Contract {
    readonly interfaces: ReadonlyMap<string, ContractInterface>;
    readonly enums: ReadonlyMap<string, ContractEnum>;
}

function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

function jsDocOf(node: ts.Node): { doc: string; tags: Map<string, string> } {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const tags = new Map<string, string>();
    for (const tag of docs.flatMap((d) => d.tags ?? [])) {
        tags.set(tag.tagName.text, oneLine(ts.getTextOfJSDocComment(tag.comment) ?? ""));
    }
    return { doc: oneLine(docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ")), tags };
}

/** Parse the interfaces and enums of args.ts (its text): syntax only, no type checker. */
export function readContract(text: string, fileName = ARGS_FILE): Contract {
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
    const interfaces = new Map<string, ContractInterface>();
    const enums = new Map<string, ContractEnum>();
    for (const statement of source.statements) {
        if (ts.isInterfaceDeclaration(statement)) {
            const fields = statement.members.filter(ts.isPropertySignature).map((member): ContractField => {
                const { doc, tags } = jsDocOf(member);
                return {
                    name: member.name.getText(source),
                    optional: member.questionToken !== undefined,
                    type: member.type?.getText(source) ?? "unknown",
                    doc,
                    ...(tags.has("default") ? { default: tags.get("default") } : {}),
                    projectDefault: tags.has("projectDefault"),
                };
            });
            interfaces.set(statement.name.text, { name: statement.name.text, doc: jsDocOf(statement).doc, fields });
        } else if (ts.isEnumDeclaration(statement)) {
            const members = statement.members.map((m) => ({
                name: m.name.getText(source),
                value: m.initializer && ts.isStringLiteral(m.initializer) ? m.initializer.text : m.name.getText(source),
            }));
            enums.set(statement.name.text, { name: statement.name.text, members });
        }
    }
    return { interfaces, enums };
}

/** One config namespace and the args interface it spells. */
export interface NamespaceDoc {
    readonly namespace: string;
    readonly args: string;
    readonly schema: Readonly<Record<string, Shape>>;
}

/** `Input<string>[] | undefined` → `string`: the named type inside, without Inputs and lists. */
function innerType(type: string): string {
    let t = type.replace(/\s*\|\s*undefined\b/g, "").trim();
    for (let previous = ""; previous !== t; ) {
        previous = t;
        t = t.replace(/^Input<(.*)>$/, "$1").replace(/\[\]$/, "").replace(/\s*\|\s*undefined\b/g, "").trim();
    }
    return t;
}

/** Every problem that keeps the contract from being documented: fields without a doc, default or shape. */
export function contractProblems(contract: Contract, spaces: readonly NamespaceDoc[]): string[] {
    const problems: string[] = [];
    const visit = (iface: ContractInterface, shapes: Readonly<Record<string, Shape | Scalar>>, where: string) => {
        for (const field of iface.fields) {
            const place = `${ARGS_FILE}: ${iface.name}.${field.name}`;
            if (field.doc === "") {
                problems.push(`${place} has no JSDoc: say what it means and what is allowed`);
            }
            if (field.optional && field.default === undefined) {
                problems.push(`${place} is optional but its JSDoc has no @default (write e.g. "@default none")`);
            }
            if (field.projectDefault && (field.default === undefined || literalDefault(contract, field.default) === undefined)) {
                problems.push(`${place} has @projectDefault but no literal @default (true, 3600, "create", ["/"] or Enum.Member)`);
            }
            const shape = shapes[field.name];
            if (shape === undefined) {
                problems.push(`${place} has no shape in ${where}`);
            } else if (typeof shape === "object") {
                const nested = contract.interfaces.get(innerType(field.type));
                if (nested) {
                    visit(nested, fieldsOf(shape), `${where}.${field.name}`);
                } else {
                    problems.push(`${place}: ${field.type} is not an interface of ${ARGS_FILE}`);
                }
            }
        }
        for (const key of Object.keys(shapes).filter((k) => !iface.fields.some((f) => f.name === k))) {
            problems.push(`${where}.${key} is not a field of ${iface.name}`);
        }
    };
    for (const space of spaces) {
        const iface = contract.interfaces.get(space.args);
        if (iface) {
            visit(iface, space.schema, space.namespace);
        } else {
            problems.push(`${ARGS_FILE} has no interface ${space.args}`);
        }
    }
    return [...new Set(problems)];
}

function fieldsOf(shape: Exclude<Shape, Scalar>): Readonly<Record<string, Field>> {
    return "object" in shape ? shape.object : "list" in shape ? shape.list : shape.flag;
}

/** The value of a literal `@default` (JSON, or an enum member), else undefined. */
export function literalDefault(contract: Contract, text: string): unknown {
    const member = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(text);
    if (member) {
        return contract.enums.get(member[1])?.members.find((m) => m.name === member[2])?.value;
    }
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

const code = (text: string) => `\`${text}\``;
/** A table cell: one line, pipes escaped (GitHub also needs that inside code spans). */
const cell = (text: string) => oneLine(text).replace(/\|/g, "\\|");

function enumValues(contract: Contract, type: string): string[] | undefined {
    return contract.enums.get(innerType(type))?.members.map((m) => m.value);
}

function scalarType(contract: Contract, kind: Scalar, tsType: string): string {
    const values = enumValues(contract, tsType);
    if (values && kind === "string") {
        return values.map(code).join(" | ");
    }
    return { string: "string", boolean: "boolean", integer: "integer", id: "numeric ID", "string[]": "list of strings", strings: "string or list of strings", record: "map of strings" }[kind];
}

function shapeType(contract: Contract, shape: Shape, field: ContractField): string {
    if (typeof shape === "string") {
        return scalarType(contract, shape, field.type);
    }
    const name = code(innerType(field.type));
    return "list" in shape ? `list of ${name}` : "object" in shape ? `${name} object` : `${code("true")} or ${name} object`;
}

/** A `@default` as the docs show it: literals as code, `"…"` in prose as code, required fields as such. */
function defaultText(contract: Contract, field: ContractField): string {
    if (!field.optional) {
        return "required";
    }
    const text = field.default ?? "";
    const value = literalDefault(contract, text);
    if (value !== undefined) {
        return code(typeof value === "string" ? value : JSON.stringify(value));
    }
    return text.replace(/"([^"]*)"/g, "`$1`");
}

/** A `@default` in plain text: literals as JSON (`"create"`, `3600`), prose as written. */
function plainDefault(contract: Contract, text: string): string {
    const value = literalDefault(contract, text);
    return value === undefined ? text : JSON.stringify(value);
}

function table(header: string, rows: string[][]): string {
    return [`| ${header} | type | default | meaning |`, "|---|---|---|---|", ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/** The README section of one namespace: a table of its keys, then one table per object type. */
export function readmeSection(contract: Contract, space: NamespaceDoc): string {
    const iface = contract.interfaces.get(space.args)!;
    const out: string[] = [
        `<!-- Generated by \`npm run contract\` from the JSDoc of ${space.args} in ${ARGS_FILE.replace(/\\/g, "/")}: edit it there. -->`,
        "",
        table(
            "key",
            iface.fields.map((f) => [code(`${space.namespace}:${f.name}`), shapeType(contract, space.schema[f.name], f), defaultText(contract, f), f.doc]),
        ),
    ];
    for (const field of iface.fields) {
        const shape = space.schema[field.name];
        if (typeof shape !== "object") {
            continue;
        }
        const nested = contract.interfaces.get(innerType(field.type))!;
        const fields = fieldsOf(shape);
        const where = "list" in shape ? `each item of ${code(`${space.namespace}:${field.name}`)}` : code(`${space.namespace}:${field.name}`);
        out.push(
            "",
            `${code(nested.name)} (${where}): ${nested.doc}`,
            "",
            table(
                "field",
                nested.fields.map((f) => [code(f.name), shapeType(contract, fields[f.name], f), defaultText(contract, f), f.doc]),
            ),
        );
    }
    return out.join("\n");
}

const PULUMI_TYPES: Partial<Record<Scalar, string>> = { string: "string", boolean: "boolean", integer: "integer", "string[]": "array" };

/** Whether Pulumi.yaml declares the key (see the header of this file), and its default if any. */
function declaration(contract: Contract, field: ContractField, shape: Shape): { type: string; default?: unknown } | undefined {
    const type = typeof shape === "string" ? PULUMI_TYPES[shape] : undefined;
    if (type === undefined) {
        return undefined;
    }
    if (!field.optional) {
        return { type };
    }
    return field.projectDefault ? { type, default: literalDefault(contract, field.default!) } : undefined;
}

/** Wrap `text` into comment lines of at most `width` characters, continuation lines indented. */
function commentLines(first: string, text: string, width = 110): string[] {
    const lines: string[] = [];
    let line = first;
    for (const word of text.split(" ")) {
        if (line.length + word.length + 1 > width && line.trim() !== "#") {
            lines.push(line);
            line = `#${" ".repeat(first.length - 1)}`;
        }
        line += `${line.endsWith(" ") ? "" : " "}${word}`;
    }
    lines.push(line);
    return lines;
}

/** The `config:` section of a Pulumi.yaml (with the comment listing the keys it cannot declare). */
export function projectSection(contract: Contract, space: NamespaceDoc, checkedBy: string): string {
    const iface = contract.interfaces.get(space.args)!;
    const declared: string[] = [];
    const listed: string[] = [];
    for (const field of iface.fields) {
        const key = `${space.namespace}:${field.name}`;
        const shape = space.schema[field.name];
        const decl = declaration(contract, field, shape);
        const defaultPart = field.optional ? `default ${plainDefault(contract, field.default!)}` : "required";
        if (decl) {
            const description = `${field.doc}${field.optional ? ` Default: ${plainDefault(contract, field.default!)}.` : " Required."}`;
            declared.push(`  ${key}:`, `    type: ${decl.type}`);
            if (decl.type === "array") {
                declared.push("    items:", "      type: string");
            }
            if ("default" in decl) {
                declared.push(`    default: ${JSON.stringify(decl.default)}`);
            }
            declared.push(`    description: ${JSON.stringify(description)}`);
        } else {
            const type = shapeType(contract, shape, field).replace(/`/g, "").replace(/\\\|/g, "|");
            const fields = typeof shape === "object" ? `: ${Object.keys(fieldsOf(shape)).join(", ")}` : "";
            listed.push(...commentLines(`#   ${key}`, `(${type}, ${defaultPart})${fields}`));
        }
    }
    return [
        "# config:begin (generated by `npm run contract` from components/contract/args.ts: edit the JSDoc there)",
        `# The stack config contract (namespace ${space.namespace}), checked by ${checkedBy}, which names the key,`,
        "# the value and what is allowed. Pulumi's project config can only type scalars and lists of scalars, makes",
        "# every declared key without a default required, and applies a declared default to every stack; so only",
        declared.length > 0
            ? "# required scalars and defaults that hold in every mode are declared under config: below. The other keys:"
            : "# required scalars and defaults that hold in every mode could be declared: none is, so the keys are:",
        ...listed,
        "# See README.md for what each key means.",
        ...(declared.length > 0 ? ["config:", ...declared] : []),
        "# config:end",
    ].join("\n");
}

/** Replace what lies between the lines `begin` and `end` (kept) with `body`. */
export function replaceRegion(text: string, begin: string, end: string, body: string, file: string): string {
    const from = text.indexOf(begin);
    const to = text.indexOf(end, from + begin.length);
    if (from < 0 || to < 0) {
        throw new Error(`${file}: the markers ${begin} and ${end} are missing`);
    }
    return `${text.slice(0, from)}${body}${text.slice(to + end.length)}`;
}

/** Replace the generated `# config:begin` … `# config:end` block of a Pulumi.yaml. */
function replaceProjectRegion(text: string, section: string, file: string): string {
    const from = text.search(/^# config:begin\b/m);
    const endMatch = /^# config:end$/m.exec(text);
    if (from < 0 || !endMatch) {
        throw new Error(`${file}: the markers "# config:begin" and "# config:end" are missing`);
    }
    return `${text.slice(0, from)}${section}${text.slice(endMatch.index + endMatch[0].length)}`;
}

/** Every generated file's expected text, from the files as they are in `root`. */
export function generate(root: string, spaces: { environment: NamespaceDoc; bootstrap: NamespaceDoc }): { file: string; text: string }[] {
    const contract = readContract(fs.readFileSync(path.join(root, ARGS_FILE), "utf8"));
    const problems = contractProblems(contract, [spaces.environment, spaces.bootstrap]);
    if (problems.length > 0) {
        throw new Error(`The input contract cannot be documented: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
    let readme = read("README.md");
    readme = replaceRegion(readme, "<!-- config:begin -->", "<!-- config:end -->", `<!-- config:begin -->\n${readmeSection(contract, spaces.environment)}\n<!-- config:end -->`, "README.md");
    readme = replaceRegion(
        readme,
        "<!-- bootstrap-config:begin -->",
        "<!-- bootstrap-config:end -->",
        `<!-- bootstrap-config:begin -->\n${readmeSection(contract, spaces.bootstrap)}\n<!-- bootstrap-config:end -->`,
        "README.md",
    );
    const project = (file: string, space: NamespaceDoc, checkedBy: string) => ({
        file,
        text: replaceProjectRegion(read(file), projectSection(contract, space, checkedBy), file),
    });
    return [
        { file: "README.md", text: readme },
        project("Pulumi.yaml", spaces.environment, "components/contract/parse.ts"),
        project(path.join("bootstrap", "Pulumi.yaml"), spaces.bootstrap, "bootstrap/config.ts"),
    ];
}

/** The two namespaces of this repository. */
export function namespaces(): { environment: NamespaceDoc; bootstrap: NamespaceDoc } {
    return {
        environment: { namespace: CONFIG_NAMESPACE, args: "EcrCiEnvironmentArgs", schema: CONFIG_SCHEMA },
        bootstrap: { namespace: BOOTSTRAP_NAMESPACE, args: "EcrCiDeployerArgs", schema: BOOTSTRAP_SCHEMA },
    };
}

function main(argv: readonly string[]): number {
    const root = path.resolve(__dirname, "..");
    const check = argv.includes("--check");
    const drifted: string[] = [];
    for (const { file, text } of generate(root, namespaces())) {
        const full = path.join(root, file);
        if (fs.readFileSync(full, "utf8") !== text) {
            drifted.push(file);
            if (!check) {
                fs.writeFileSync(full, text);
            }
        }
    }
    if (check && drifted.length > 0) {
        process.stderr.write(`Out of date (run npm run contract): ${drifted.join(", ")}\n`);
        return 1;
    }
    process.stdout.write(drifted.length === 0 ? "contract docs up to date\n" : `updated ${drifted.join(", ")}\n`);
    return 0;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 1;
    }
}
