// Collecting and reporting invalid input. Pure: no Pulumi runtime.

/** Turns a field path of the args (`github.branches[0]`) into the name the user wrote. */
export type KeyOf = (field: string) => string;

/** Keys as a library caller sees them: `args.github.branches[0]`. */
export const argsKey: KeyOf = (field) => `args.${field}`;

/** Render a bad value for a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
    if (value === undefined) {
        return "undefined";
    }
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** One problem: the args field it is about, the key as the user wrote it, and the whole message. */
export interface Problem {
    /** The field path in the args, e.g. `github.branches[0]`. */
    readonly field: string;
    /** The same field as the user wrote it, e.g. `ecr-ci:github.branches[0]`. */
    readonly key: string;
    /** The whole message, starting with `key`: `<key> = <value>: <what is allowed>`. */
    readonly message: string;
}

/** Whether `field` is `parent` or lies inside it (`parent.x`, `parent[0]`). */
export function isWithin(field: string, parent: string): boolean {
    return field === parent || field.startsWith(`${parent}.`) || field.startsWith(`${parent}[`);
}

/** Every problem found in one input, reported together. */
export class Problems {
    private readonly found: Problem[] = [];

    constructor(private readonly keyOf: KeyOf) {}

    /** `<key> = <value>: <what is allowed>` */
    invalid(field: string, value: unknown, allowed: string): void {
        this.add(field, (key) => `${key} = ${show(value)}: ${allowed}`);
    }

    /** `<key> is required: <how to set it>` */
    missing(field: string, hint: string): void {
        this.add(field, (key) => `${key} is required: ${hint}`);
    }

    /** A free-form problem about `field`: `<key> <text>`. */
    other(field: string, text: string): void {
        this.add(field, (key) => `${key} ${text}`);
    }

    key(field: string): string {
        return this.keyOf(field);
    }

    /** Put `other`'s problems before these (e.g. the region's, which other rules depend on). */
    prepend(other: Problems): void {
        this.found.unshift(...other.items);
    }

    /** Every problem, as data. */
    get items(): readonly Problem[] {
        return this.found;
    }

    /** Every problem's message. */
    get list(): readonly string[] {
        return this.found.map((p) => p.message);
    }

    private add(field: string, message: (key: string) => string): void {
        const key = this.keyOf(field);
        this.found.push({ field, key, message: message(key) });
    }
}

/** Thrown by the pure parsers and validators; `problems` holds every message. */
export class EcrCiValidationError extends Error {
    constructor(
        readonly subject: string,
        readonly problems: readonly string[],
    ) {
        super(formatProblems(subject, problems));
        this.name = "EcrCiValidationError";
    }
}

export function formatProblems(subject: string, problems: readonly string[]): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return [`${subject}: ${count}:`, ...problems.map((p) => `  - ${p}`)].join("\n");
}

/** Throw an `EcrCiValidationError` if anything was collected. */
export function throwIfAny(subject: string, problems: Problems): void {
    if (problems.list.length > 0) {
        throw new EcrCiValidationError(subject, problems.list);
    }
}
