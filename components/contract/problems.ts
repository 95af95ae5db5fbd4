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

/** Every problem found in one input, reported together. */
export class Problems {
    private readonly items: string[] = [];

    constructor(private readonly keyOf: KeyOf) {}

    /** `<key> = <value>: <what is allowed>` */
    invalid(field: string, value: unknown, allowed: string): void {
        this.items.push(`${this.keyOf(field)} = ${show(value)}: ${allowed}`);
    }

    /** `<key> is required: <how to set it>` */
    missing(field: string, hint: string): void {
        this.items.push(`${this.keyOf(field)} is required: ${hint}`);
    }

    /** A free-form problem about `field`: `<key> <text>`. */
    other(field: string, text: string): void {
        this.items.push(`${this.keyOf(field)} ${text}`);
    }

    key(field: string): string {
        return this.keyOf(field);
    }

    get list(): readonly string[] {
        return this.items;
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
