// IAM policy document types and their one serialization. Pure.

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: Record<string, string | string[]>;
    readonly Action: string | string[];
    readonly Resource?: string | string[];
    readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The one serialization of every document this package creates. Builders create objects in a fixed
 * key order and sort their lists, so the text is deterministic and a re-run shows no diff.
 */
export function serializePolicy(doc: PolicyDocument): string {
    return JSON.stringify(doc);
}

/** Sorted, de-duplicated copy. */
export function sortedUnique(values: readonly string[]): string[] {
    return [...new Set(values)].sort();
}

/** A single value as a string, several as a list (IAM accepts both; one reads better). */
export function list(values: readonly string[]): string | string[] {
    return values.length === 1 ? values[0] : [...values];
}
