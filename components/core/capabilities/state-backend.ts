// Pulumi S3 state backend (`stateBackend`): the CI principal runs `pulumi preview`/`up` for its own
// stack against `s3://<bucket>/<prefix>`; the preview role reads that stack's state; the deployer
// reads and writes every stack of the ecr-ci project.
import { KMS_KEY_ARN_RE } from "../aws";
import { PolicyStatement, sortedUnique } from "../policy";
import type { StateBackend } from "../../contract/args";
import type { Problems } from "../../contract/problems";
import type { Capability } from "./capability";

/** Resolved Pulumi S3 state backend scope (`s3://<bucket>/<prefix>`) of one project, or one stack of it. */
export interface StateBackendScope {
    /** `arn:<partition>:s3:::<bucket>` */
    readonly bucketArn: string;
    /** Pulumi's bookkeeping directory: `<prefix>/.pulumi/`, or `.pulumi/` without a prefix. */
    readonly objectPrefix: string;
    /** The Pulumi project whose state is reachable. */
    readonly project: string;
    /** Only this stack of the project; every stack of it when absent. */
    readonly stack?: string;
    /** The `awskms://` secrets provider key, if any. */
    readonly kmsKeyArn?: string;
}

/**
 * `read`: what `pulumi preview` needs (a DIY backend takes no lock for a preview, pulumi/pulumi#8642):
 * list and get the state, decrypt secrets. `readWrite`: what `pulumi up` needs: also write and
 * delete state, history, backups and lock objects, and encrypt new secrets.
 */
export type StateAccess = "read" | "readWrite";

/**
 * The object keys of the scope in the DIY backend's project layout: the stack checkpoints
 * (`stacks/<project>/<stack>.json`, with `.bak`/`.gz` variants), their history, backups and locks
 * (`locks/<organization>/<project>/<stack>/`). Another stack's state (e.g. prod's, from dev's
 * pipeline) is out of reach: its checkpoint can hold secrets and decides what `pulumi up` deletes.
 * https://www.pulumi.com/docs/iac/concepts/state-and-backends/#aws-s3
 */
export function stateObjectKeys(scope: StateBackendScope): string[] {
    const base = scope.objectPrefix;
    const { project, stack } = scope;
    const under = (dir: string) => (stack ? `${base}${dir}/${project}/${stack}/*` : `${base}${dir}/${project}/*`);
    return [
        stack ? `${base}stacks/${project}/${stack}.json*` : `${base}stacks/${project}/*`,
        under("history"),
        under("backups"),
        stack ? `${base}locks/*/${project}/${stack}/*` : `${base}locks/*/${project}/*`,
    ];
}

/**
 * Access to the scope's state. Listing is limited to the scope's keys by `s3:prefix` (and the
 * project's stack list); `meta.yaml`, the backend's layout version, is only ever read.
 */
export function stateBackendStatements(scope: StateBackendScope, access: StateAccess): PolicyStatement[] {
    const keys = stateObjectKeys(scope);
    const statements: PolicyStatement[] = [
        {
            Sid: "StateList",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: scope.bucketArn,
            Condition: { StringLike: { "s3:prefix": sortedUnique([`${scope.objectPrefix}stacks/${scope.project}/*`, ...keys.slice(1)]) } },
        },
        { Sid: "StateMeta", Effect: "Allow", Action: "s3:GetObject", Resource: `${scope.bucketArn}/${scope.objectPrefix}meta.yaml` },
        {
            Sid: "StateObjects",
            Effect: "Allow",
            Action: access === "read" ? ["s3:GetObject"] : ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            Resource: keys.map((key) => `${scope.bucketArn}/${key}`),
        },
    ];
    if (scope.kmsKeyArn) {
        statements.push({
            Sid: "StateSecretsKey",
            Effect: "Allow",
            Action: access === "read" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: scope.kmsKeyArn,
        });
    }
    return statements;
}

/** The state scope of `s3://<bucket>/<prefix>` in a partition, for one project or one stack of it. */
export function stateBackendScope(
    partition: string,
    backend: { bucket: string; prefix?: string; kmsKeyArn?: string },
    project: string,
    stack?: string,
): StateBackendScope {
    const prefix = (backend.prefix ?? "").replace(/^\/+|\/+$/g, "");
    return {
        bucketArn: `arn:${partition}:s3:::${backend.bucket}`,
        objectPrefix: prefix ? `${prefix}/.pulumi/` : ".pulumi/",
        project,
        ...(stack ? { stack } : {}),
        ...(backend.kmsKeyArn ? { kmsKeyArn: backend.kmsKeyArn } : {}),
    };
}

export const S3_BUCKET_RE = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const S3_PREFIX_RE = /^[A-Za-z0-9!_.'()/-]{1,512}$/;

/** Problems with a Pulumi S3 state backend (`stateBackend.*`; also used by the deployer). */
export function validateStateBackend(backend: StateBackend | undefined, problems: Problems): void {
    if (backend === undefined) {
        return;
    }
    if (typeof backend.bucket !== "string" || backend.bucket === "") {
        problems.missing("stateBackend.bucket", `the state bucket's name, as in s3://<bucket> (e.g. "acme-pulumi-state")`);
    } else if (!S3_BUCKET_RE.test(backend.bucket)) {
        problems.invalid("stateBackend.bucket", backend.bucket, "use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards");
    }
    if (backend.prefix !== undefined && (!S3_PREFIX_RE.test(backend.prefix) || backend.prefix.includes(".."))) {
        problems.invalid("stateBackend.prefix", backend.prefix, `use the backend URL's path without wildcards (e.g. "infra" for s3://bucket/infra)`);
    }
    if (backend.kmsKeyArn !== undefined && !KMS_KEY_ARN_RE.test(backend.kmsKeyArn)) {
        problems.invalid("stateBackend.kmsKeyArn", backend.kmsKeyArn, "use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>, no wildcards or aliases");
    }
}

export const stateBackend: Capability<"stateBackend", StateBackendScope> = {
    key: "stateBackend",
    shape: { object: { bucket: "string", prefix: "string", kmsKeyArn: "string" } },
    validate: (backend, _args, problems) => validateStateBackend(backend, problems),
    resolve: (backend, target) => stateBackendScope(target.partition, backend, target.project, target.stack),
    ciStatements: (scope) => stateBackendStatements(scope, "readWrite"),
    previewStatements: (scope) => stateBackendStatements(scope, "read"),
    boundaryStatements: (scope) => (scope.stateBackend ? stateBackendStatements(scope.stateBackend, "readWrite") : []),
};
