// What one optional capability of an environment is made of. Each capability is one file in this
// folder holding its config shape, its rules, its statements and what the deployer's boundary must
// allow for it; `index.ts` registers them. Pure: no Pulumi runtime.
import type { Unwrap } from "@pulumi/pulumi";
import type { EcrCiEnvironmentArgs } from "../../contract/args";
import type { Problems } from "../../contract/problems";
import type { Shape, ShapeFor } from "../../contract/shape";
import type { AwsTarget } from "../aws";
import type { PolicyStatement } from "../policy";
import type { DeployerScope } from "../deployer-plan";

/** Where the environment deploys, and which Pulumi stack it is. */
export interface PlanTarget extends AwsTarget {
    readonly project: string;
    readonly stack: string;
}

/**
 * One capability, keyed by its args field `K`. `resolve` turns the validated (and, for Outputs,
 * resolved) value into the plain scope its statements are built from.
 */
export interface Capability<K extends keyof EcrCiEnvironmentArgs, Scope> {
    /** The args field (and `ecr-ci:` config key) that turns the capability on. */
    readonly key: K;
    /** Its config shape (how the stack config spells it), checked against the args field's type. */
    readonly shape: 0 extends 1 & K ? Shape : ShapeFor<EcrCiEnvironmentArgs[K]>; // `Capability<any, S>` (K is any) accepts every shape
    /** Its rules: every problem with `value`, named from the field down. */
    validate(value: NonNullable<EcrCiEnvironmentArgs[K]>, args: EcrCiEnvironmentArgs, problems: Problems): void;
    /** The plain scope of a valid value in a target (`args`: the whole environment, e.g. its name). */
    resolve(value: Unwrap<NonNullable<EcrCiEnvironmentArgs[K]>>, target: PlanTarget, args: Unwrap<EcrCiEnvironmentArgs>): Scope;
    /** Statements of the CI principal's policy. */
    ciStatements?(scope: Scope): PolicyStatement[];
    /** Statements of the read-only preview role's policy. */
    previewStatements?(scope: Scope): PolicyStatement[];
    /** What the deployer's permissions boundary must allow so any environment can use the capability. */
    boundaryStatements?(scope: DeployerScope): PolicyStatement[];
}

/** A capability with its types erased, for the registry's loops. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCapability = Capability<keyof EcrCiEnvironmentArgs, any>;
