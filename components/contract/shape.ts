// How the stack config spells a value: the shapes of the config schema. Pure types.
//
// `SchemaOf<Args>` and `FieldsOf<T>` tie a schema to the args interfaces of ./args.ts: written as
// `{ … } satisfies SchemaOf<EcrCiEnvironmentArgs>`, a schema fails to compile when the args gain a
// field it lacks, when it has a key the args do not, or when a key's shape cannot hold the field's
// type (a boolean spelled "string", a list of objects spelled "string[]") — nested objects too.
import type { Unwrap } from "@pulumi/pulumi";

/** `strings`: a list of strings, or one string taken as a one-item list. */
export type Scalar = "string" | "boolean" | "integer" | "id" | "string[]" | "strings" | "record";
/** A field of an object: a scalar, or a nested object (e.g. `previewRole.stateBackend`). */
export type Field = Scalar | ObjectShape;
export interface ObjectShape<F extends Fields = Fields> {
    readonly object: F;
}
export interface ListShape<F extends Fields = Fields> {
    readonly list: F;
}
/** `true` (an empty object), `false` (absent) or an object with these fields. */
export interface FlagShape<F extends Fields = Fields> {
    readonly flag: F;
}
/** The fields of an object-valued key and the shape of each: a scalar kind or a nested object. */
export type Fields = Readonly<Record<string, Field>>;
/** The shape of one config key: a scalar, an object, a list of objects or a flag-or-object. */
export type Shape = Scalar | ObjectShape | ListShape | FlagShape;

/** A field's type as config spells it: no Inputs, no `undefined`. */
type Plain<T> = NonNullable<Unwrap<NonNullable<T>>>;

/** The scalar kinds that can spell a field of type `T` (never if none can). */
export type ScalarFor<T> = [Plain<T>] extends [boolean]
    ? "boolean"
    : [Plain<T>] extends [number]
      ? "integer"
      : [Plain<T>] extends [string]
        ? "string" | "id"
        : [Plain<T>] extends [readonly string[]]
          ? "string[]" | "strings"
          : [string] extends [keyof Plain<T>] // an index signature: a map, not an object with fields
            ? [Plain<T>] extends [Readonly<Record<string, string>>]
                ? "record"
                : never
            : never;

/** The shapes that can spell a field of an object of type `T`: a scalar kind, or a nested object. */
export type FieldFor<T> = [ScalarFor<T>] extends [never] ? ObjectShape<FieldsOf<Plain<T>>> : ScalarFor<T>;

/** Exactly the fields of `T`, each with a shape that can spell it. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: FieldFor<T[K]> };

/** The shapes that can spell a top-level field of type `T`. */
export type ShapeFor<T> = [ScalarFor<T>] extends [never]
    ? [Plain<T>] extends [readonly (infer E)[]]
        ? ListShape<FieldsOf<E>>
        : ObjectShape<FieldsOf<Plain<T>>> | FlagShape<FieldsOf<Plain<T>>>
    : ScalarFor<T>;

/** Exactly the fields of the args `T`, each with a shape that can spell it. */
export type SchemaOf<T> = { readonly [K in keyof T]-?: ShapeFor<T[K]> };
