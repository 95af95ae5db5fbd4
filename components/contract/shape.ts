// How the stack config spells a value: the shapes of the config schema. Pure types.

export type Scalar = "string" | "boolean" | "integer" | "id" | "string[]" | "record";
/** A field of an object: a scalar, or a nested object (e.g. `previewRole.stateBackend`). */
export type Field = Scalar | ObjectShape;
export interface ObjectShape {
    readonly object: Readonly<Record<string, Field>>;
}
export interface ListShape {
    readonly list: Readonly<Record<string, Scalar>>;
}
/** `true` (an empty object), `false` (absent) or an object with these fields. */
export interface FlagShape {
    readonly flag: Readonly<Record<string, Field>>;
}
/** The shape of one config key: a scalar, an object, a list of objects or a flag-or-object. */
export type Shape = Scalar | ObjectShape | ListShape | FlagShape;

