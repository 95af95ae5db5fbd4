// Pulumi S3 state backend (`stateBackend`): the CI principal runs `pulumi preview`/`up` for its own
// stack against `s3://<bucket>/<prefix>`; the preview role reads that stack's state; the deployer
// reads and writes every stack of the ecr-ci project.
//
// Every key below comes from pulumi/pulumi `pkg/backend/diy` at v3.259.0 (the CLI the workflows pin),
// read in its source; README "State backend" has the table of which role touches which key.
import { KMS_KEY_ARN_RE } from "../aws";
import { PolicyStatement, list, sortedUnique } from "../policy";
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
 * Who touches the state, and so how much of it:
 * - `read`: `pulumi preview` (and `pulumi stack output` after it) of one stack. A DIY backend takes
 *   no lock for a preview and writes nothing (backend.go@v3.259.0:1197-1201, 1370-1376): list and
 *   get the checkpoint and the tags file, read `meta.yaml`, decrypt secrets.
 * - `readWrite`: `pulumi up` of one stack (and `stack history` after it, as pulumi/actions@v7 runs):
 *   also its history, backups and lock, the tags file and the journal (both written only under the
 *   issue's reading, see README), multipart uploads of large checkpoints; it still only decrypts.
 * - `init`: the deployer: every stack of the project, `stack init` (kms:Encrypt of a new data key),
 *   `stack rm`, and the first `pulumi login` on a fresh bucket, which writes `meta.yaml`
 *   (meta.go@v3.259.0:151-168).
 */
export type StateAccess = "read" | "readWrite" | "init";

/**
 * The checkpoint's names: the CLI writes `.json`, `.json.gz` (PULUMI_DIY_BACKEND_GZIP) or
 * `.json.zst` (PULUMI_DIY_BACKEND_ZSTD, since 3.224) and reads the newest of them
 * (state.go@v3.259.0:511-559).
 */
export const CHECKPOINT_SUFFIXES = [".json", ".json.gz", ".json.zst"] as const;
/** `<checkpoint>.bak`: a server-side copy before every overwrite (state.go@v3.259.0:453-475). */
export const BACKUP_SUFFIX = ".bak";
/** `<stack>.pulumi-tags`, read on every preview and update since 3.211 (stack_tags.go@v3.259.0:38-82). */
export const TAGS_SUFFIX = ".pulumi-tags";
/** The lock directory's organization segment: always `organization` in a DIY backend (lock.go@v3.259.0:170-178). */
export const LOCK_ORGANIZATION = "organization";

/**
 * The object keys and list prefixes of a scope, relative to the bucket, in the DIY backend's project
 * layout (store.go@v3.259.0:122-136). With a stack, every name is that stack's exact name: a pattern
 * such as `<stack>.json*` would also match a stack named `<stack>.json-x` (stack names may contain
 * dots). Directories end in `/`; a stack name cannot contain one.
 */
export interface StateLayout {
    /** `.pulumi/meta.yaml`: the layout version, read by every CLI process (meta.go@v3.259.0:116-126). */
    readonly meta: string;
    /** `.pulumi/stacks/`: listed (delimiter `/`) at login on a fresh bucket, and for a legacy-layout warning. */
    readonly stacksRoot: string;
    /** The checkpoint variants: exact names with a stack, `stacks/<project>/*` without. */
    readonly checkpoints: readonly string[];
    /** `<checkpoint>.bak` of each variant (none without a stack: the project pattern covers them). */
    readonly checkpointBackups: readonly string[];
    /** The stack's tags file (none without a stack: the project pattern covers it). */
    readonly tags: readonly string[];
    /** `history/<project>/<stack>/`: one entry and one checkpoint copy per update (state.go@v3.259.0:678-703). */
    readonly history: string;
    /** `backups/<project>/<stack>/`: one checkpoint per update (state.go@v3.259.0:478-509). */
    readonly backups: string;
    /** `locks/organization/<project>/<stack>/`: one `<uuid>.json` per running update. */
    readonly locks: string;
    /** `journal/<project>/<stack>/` of the issue's reading (`PULUMI_DIY_BACKEND_JOURNALING`; not in v3.259.0). */
    readonly journal: string;
}

export function stateLayout(scope: StateBackendScope): StateLayout {
    const base = scope.objectPrefix;
    const { project, stack } = scope;
    const dir = (name: string) => (stack ? `${base}${name}/${project}/${stack}/` : `${base}${name}/${project}/`);
    const checkpoints = stack ? CHECKPOINT_SUFFIXES.map((suffix) => `${base}stacks/${project}/${stack}${suffix}`) : [`${base}stacks/${project}/*`];
    return {
        meta: `${base}meta.yaml`,
        stacksRoot: `${base}stacks/`,
        checkpoints,
        checkpointBackups: stack ? checkpoints.map((key) => `${key}${BACKUP_SUFFIX}`) : [],
        tags: stack ? [`${base}stacks/${project}/${stack}${TAGS_SUFFIX}`] : [],
        history: dir("history"),
        backups: dir("backups"),
        locks: stack ? `${base}locks/${LOCK_ORGANIZATION}/${project}/${stack}/` : `${base}locks/${LOCK_ORGANIZATION}/${project}/`,
        journal: dir("journal"),
    };
}

/**
 * The `s3:prefix` values ListBucket is allowed with. Two kinds of request carry one:
 * - the CLI's own listings (each with delimiter `/`): `stacks/<p>/<s>.json` before every checkpoint
 *   access (state.go@v3.259.0:511-559), the lock directory before and after taking the lock
 *   (lock.go@v3.259.0:64-69, 148-152), the history directory (`stack history`, state.go:563-632);
 * - S3's not-found check: S3 answers 404 for a missing key only to a caller that may list it, and
 *   evaluates that with the object key as `s3:prefix` (ceph/ceph#68577, "to match aws behavior";
 *   kopia/kopia#3072). The tags file is usually missing, so its key must be listable, or the CLI gets
 *   403 and stops ("failed to load stack tags"). Hence no `s3:delimiter` condition: that check has none.
 */
function listPrefixes(layout: StateLayout, scope: StateBackendScope, access: StateAccess): string[] {
    const stackPrefixes = scope.stack ? [layout.checkpoints[0], ...layout.tags] : layout.checkpoints;
    if (access === "read") {
        return [...stackPrefixes];
    }
    const dirs = [layout.history, layout.locks, layout.journal].map((d) => `${d}*`);
    // The deployer also: a missing meta.yaml on a fresh bucket (404 → "new store"), and `stack rm` lists backups.
    return access === "readWrite" ? [...stackPrefixes, ...dirs] : [layout.meta, ...stackPrefixes, ...dirs, `${layout.backups}*`];
}

/**
 * Access to the scope's state: only its own keys (another stack's checkpoint can hold secrets and
 * decides what `pulumi up` deletes); `meta.yaml` is written only with `init`.
 */
export function stateBackendStatements(scope: StateBackendScope, access: StateAccess): PolicyStatement[] {
    const layout = stateLayout(scope);
    const object = (key: string) => `${scope.bucketArn}/${key}`;
    const dirs = [layout.history, layout.backups, layout.locks, layout.journal].map((d) => `${d}*`);
    const read = [layout.meta, ...layout.checkpoints, ...layout.tags];
    const statements: PolicyStatement[] = [
        {
            Sid: "StateList",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: scope.bucketArn,
            Condition: { StringLike: { "s3:prefix": list(sortedUnique(listPrefixes(layout, scope, access))) } },
        },
    ];
    if (access === "init") {
        // The legacy-layout probe at login on a fresh bucket (fatal there: meta.go@v3.259.0:85,
        // store.go:376-413): one level only, so it shows directory names, not every stack.
        statements.push({
            Sid: "StateListProjects",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: scope.bucketArn,
            Condition: { StringEquals: { "s3:delimiter": "/", "s3:prefix": layout.stacksRoot } },
        });
    }
    if (access === "read") {
        statements.push({ Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: list(read.map(object)) });
    } else if (access === "readWrite") {
        // Locks: the HEAD before a delete and other runs' lock files (lock.go@v3.259.0:85-110);
        // history: `stack history` after `up`.
        const readable = [...read, `${layout.history}*`, `${layout.locks}*`, `${layout.journal}*`];
        const writable = [...layout.checkpoints, ...layout.checkpointBackups, ...layout.tags, ...dirs];
        statements.push(
            { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: list(readable.map(object)) },
            // A checkpoint of at least one part (5 MiB) goes up in parts, aborted on failure
            // (gocloud.dev blob/s3blob NewTypedWriter, transfermanager).
            { Sid: "StateWrite", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:PutObject"], Resource: list(writable.map(object)) },
            // Unlock (lock.go@v3.259.0:156-164) and the journal.
            { Sid: "StateDelete", Effect: "Allow", Action: "s3:DeleteObject", Resource: list([`${layout.locks}*`, `${layout.journal}*`].map(object)) },
        );
    } else {
        // The deployer reads and writes every key of the project, and meta.yaml; it deletes (stack rm,
        // unlock, a compression change) everything but meta.yaml. One statement each: the deployer
        // policy must stay under IAM's 6,144 characters.
        const keys = [...layout.checkpoints, ...dirs];
        statements.push(
            { Sid: "StateObjects", Effect: "Allow", Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], Resource: list([layout.meta, ...keys].map(object)) },
            { Sid: "StateDelete", Effect: "Allow", Action: "s3:DeleteObject", Resource: list(keys.map(object)) },
        );
    }
    if (scope.kmsKeyArn) {
        // awskms:// encrypts only a new data key (stack init); every other command decrypts it
        // (pkg/secrets/cloud/manager.go@v3.259.0:188-238). No GenerateDataKey: the data key is made locally.
        statements.push({
            Sid: "StateSecretsKey",
            Effect: "Allow",
            Action: access === "init" ? ["kms:Decrypt", "kms:Encrypt"] : "kms:Decrypt",
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

/** The config shape of a state backend, shared by `stateBackend` and `previewRole.stateBackend`. */
export const STATE_BACKEND_FIELDS = { bucket: "string", prefix: "string", kmsKeyArn: "string" } as const;

/** Problems with a Pulumi S3 state backend at `field` (`stateBackend`; also the deployer's and the preview role's). */
export function validateStateBackend(backend: StateBackend | undefined, problems: Problems, field = "stateBackend"): void {
    if (backend === undefined) {
        return;
    }
    if (typeof backend.bucket !== "string" || backend.bucket === "") {
        problems.missing(`${field}.bucket`, `the state bucket's name, as in s3://<bucket> (e.g. "acme-pulumi-state")`);
    } else if (!S3_BUCKET_RE.test(backend.bucket)) {
        problems.invalid(`${field}.bucket`, backend.bucket, "use an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-', no wildcards");
    }
    if (backend.prefix !== undefined && (!S3_PREFIX_RE.test(backend.prefix) || backend.prefix.includes(".."))) {
        problems.invalid(`${field}.prefix`, backend.prefix, `use the backend URL's path without wildcards (e.g. "infra" for s3://bucket/infra)`);
    }
    if (backend.kmsKeyArn !== undefined && !KMS_KEY_ARN_RE.test(backend.kmsKeyArn)) {
        problems.invalid(`${field}.kmsKeyArn`, backend.kmsKeyArn, "use a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>, no wildcards or aliases");
    }
}

export const stateBackend: Capability<"stateBackend", StateBackendScope> = {
    key: "stateBackend",
    shape: { object: STATE_BACKEND_FIELDS },
    validate(backend, args, problems) {
        validateStateBackend(backend, problems);
        if (args.permissionsBoundaryArn !== undefined) {
            // The deployer runs `pulumi up` for this stack from the checkpoint: a pipeline that may
            // rewrite it could make the deployer delete or retarget resources it manages (found by review).
            problems.other(
                "stateBackend",
                "gives the CI principal write access to this stack's checkpoint, which the bootstrap's deployer applies at its next pulumi up (permissionsBoundaryArn is set): the app pipeline could then make the deployer delete or rewrite what it manages. Use previewRole.stateBackend (only the read-only preview role reads state), or remove permissionsBoundaryArn if the CI principal deploys this stack itself",
            );
        }
    },
    resolve: (backend, target) => stateBackendScope(target.partition, backend, target.project, target.stack),
    ciStatements: (scope) => stateBackendStatements(scope, "readWrite"),
    previewStatements: (scope) => stateBackendStatements(scope, "read"),
    // Under the boundary (environments the deployer manages) only the preview roles read state:
    // stateBackend is refused with permissionsBoundaryArn, so no bounded principal writes it.
    boundaryStatements: (scope) => (scope.stateBackend ? stateBackendStatements(scope.stateBackend, "read") : []),
};
