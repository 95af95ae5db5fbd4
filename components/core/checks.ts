// Small value checks shared by the rules of the environment, its capabilities and the deployer. Pure.
import type { Problems } from "../contract/problems";

/** Tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
export const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
export const TAG_VALUE_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export function isInt(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Each value of the list `field` must be a string that `ok` accepts and that has no `*`. An object is
 * an Output (or a Promise) of a Pulumi program: it is checked once known.
 */
export function checkList(problems: Problems, field: string, values: unknown, ok: (value: string) => boolean, allowed: string): void {
    if (values === undefined) {
        return;
    }
    if (!Array.isArray(values)) {
        problems.invalid(field, values, "must be a list");
        return;
    }
    values.forEach((value, i) => {
        if (typeof value === "object" && value !== null) {
            return;
        }
        if (typeof value !== "string" || value.includes("*") || !ok(value)) {
            problems.invalid(`${field}[${i}]`, value, allowed);
        }
    });
}

/** Problems with a tag map at `field`. */
export function validateTags(tags: Record<string, string> | undefined, field: string, problems: Problems): void {
    if (tags === undefined) {
        return;
    }
    for (const [key, value] of Object.entries(tags)) {
        if (!TAG_KEY_RE.test(key) || key.toLowerCase().startsWith("aws:")) {
            problems.invalid(`${field}.${key}`, key, "tag keys use 1–128 letters, digits, spaces and _ . : / = + - @, and must not start with \"aws:\"");
        } else if (typeof value !== "string" || !TAG_VALUE_RE.test(value)) {
            problems.invalid(`${field}.${key}`, value, "tag values are strings of at most 256 letters, digits, spaces and _ . : / = + - @");
        }
    }
}
