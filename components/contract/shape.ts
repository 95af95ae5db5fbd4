// How the stack config spells a value: the shapes of the config schema. Pure types.

/** `strings`: a list of strings, or one string taken as a one-item list. */
export type Scalar = "string" | "boolean" | "integer" | "id" | "string[]" | "strings" | "record";
export interface ObjectShape {
    readonly object: Readonly<Record<string, Scalar>>;
}
export interface ListShape {
    readonly list: Readonly<Record<string, Scalar>>;
}
/** `true` (an empty object), `false` (absent) or an object with these fields. */
export interface FlagShape {
    readonly flag: Readonly<Record<string, Scalar>>;
}
/** The shape of one config key: a scalar, an object, a list of objects or a flag-or-object. */
export type Shape = Scalar | ObjectShape | ListShape | FlagShape;

