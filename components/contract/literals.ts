// TypeScript callers may spell the enums by value (`"user"`, `"MUTABLE"`). The args interfaces keep
// the enums themselves: Pulumi's schema inference supports enums, not string-literal unions, and the
// multi-language SDKs are generated from those interfaces. Pure types and one typed identity.
import type { OutputInstance } from "@pulumi/pulumi";
import type { EcrCiDeployerArgs, EcrCiEnvironmentArgs } from "./args";

/** `T` with every string enum also accepting its values; Inputs and Outputs kept as they are. */
export type WithEnumValues<T> =
    T extends OutputInstance<unknown> | Promise<unknown>
        ? T
        : T extends string
          ? T | `${T}`
          : T extends readonly (infer E)[]
            ? WithEnumValues<E>[]
            : T extends object
              ? { readonly [K in keyof T]: WithEnumValues<T[K]> }
              : T;

/** `EcrCiEnvironmentArgs` as TypeScript callers may write them: `authMode: "user"`, `imageTagMutability: "MUTABLE"`. */
export type EcrCiEnvironmentInput = WithEnumValues<EcrCiEnvironmentArgs>;
/** `EcrCiDeployerArgs` as TypeScript callers may write them. */
export type EcrCiDeployerInput = WithEnumValues<EcrCiDeployerArgs>;

/**
 * The args of `new EcrCiEnvironment(name, environmentArgs({...}))`, enums written by value. A string
 * enum member is its value at run time, so nothing is converted; validation still refuses a value
 * that is no member, with the field named.
 */
export function environmentArgs(args: EcrCiEnvironmentInput): EcrCiEnvironmentArgs {
    return args as EcrCiEnvironmentArgs;
}

/** The args of `new EcrCiDeployer(name, deployerArgs({...}))`, enums written by value. */
export function deployerArgs(args: EcrCiDeployerInput): EcrCiDeployerArgs {
    return args as EcrCiDeployerArgs;
}
