// The access diff: who can assume which role, and what each principal can do, compared between two
// offline plans (tools/plan.ts `--against`). Pure: plain data in, plain data out; no Pulumi, no files.
//
// Every principal's documents are normalised into atoms: for permissions one (effect, action,
// resource, condition set) per action × resource × OR-ed condition value; for trust one (principal,
// action, condition set) per OR-ed subject. An atom of the new plan is "gained" when no atom of the
// old plan covers it (IAM wildcard semantics: `*` and `?` in actions, resources and StringLike /
// ArnLike values; fewer conditions cover more), and an old atom is "lost" when no new atom covers it.
// A reordered, reformatted or regrouped document therefore has no changes at all.
import type { PlanResource } from "./plan";

/** A plan as `npm run plan -- --json` prints it (the fields the diff reads). */
export interface PlanData {
    readonly stack: string;
    readonly resources: readonly PlanResource[];
}

/** The marker that lets the workflow find (and update) its one pull-request comment. */
export const COMMENT_MARKER = "<!-- ecr-ci-access-review -->";
export const NO_ACCESS_CHANGES = "no access changes";

export const T = {
    stack: "pulumi:pulumi:Stack",
    repository: "aws:ecr/repository:Repository",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    repositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    oidcProvider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    role: "aws:iam/role:Role",
    user: "aws:iam/user:User",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    accessKey: "aws:iam/accessKey:AccessKey",
} as const;

/**
 * Inputs whose change makes Pulumi replace (delete and recreate) the resource: the attributes the
 * AWS provider marks ForceNew. Only these types are judged; a change to any other input is an update.
 * A repository's replacement deletes it with its images; a role's or user's drops its sessions/keys.
 */
export const REPLACED_BY: Readonly<Record<string, readonly string[]>> = {
    [T.repository]: ["name", "encryptionConfigurations"],
    [T.lifecyclePolicy]: ["repository"],
    [T.repositoryPolicy]: ["repository"],
    [T.oidcProvider]: ["url"],
    [T.role]: ["name", "namePrefix", "path"],
    [T.policy]: ["name", "namePrefix", "path", "description"],
    [T.rolePolicyAttachment]: ["role", "policyArn"],
    [T.userPolicyAttachment]: ["user", "policyArn"],
    [T.accessKey]: ["user", "pgpKey"],
    // aws:iam/user:User renames and moves in place (iam:UpdateUser): no replacement.
};

// ---------------------------------------------------------------------------------------------
// Atoms

/** One condition: `operator key in values` (values OR-ed for positive operators). */
export interface Condition {
    readonly operator: string;
    readonly key: string;
    readonly values: readonly string[];
}

/** The smallest grant a document makes. `principal` only in trust and resource policies. */
export interface Atom {
    readonly effect: string;
    readonly principal?: string;
    readonly action: string;
    readonly resource?: string;
    readonly conditions: readonly Condition[];
}

/** A policy statement as read from a plan (any shape IAM accepts). */
export interface Statement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly NotPrincipal?: unknown;
    readonly Action?: unknown;
    readonly NotAction?: unknown;
    readonly Resource?: unknown;
    readonly NotResource?: unknown;
    readonly Condition?: Record<string, Record<string, unknown>>;
}

const NOT = "not ";

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): string[] {
    return value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

function byText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: readonly string[]): string[] {
    return [...new Set(values)].sort(byText);
}

/** Operators whose values are OR-ed alternatives: a statement with `k in [a, b]` is `k = a` or `k = b`. */
const POSITIVE = new Set([
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
    "Bool", "NumericEquals", "DateEquals", "BinaryEquals", "Null", "IpAddress",
]);
/** ArnEquals takes wildcards exactly like ArnLike (IAM User Guide, ARN condition operators). */
const GLOB = new Set(["StringLike", "ArnLike", "ArnEquals"]);
const NEGATIVE_GLOB = new Set(["StringNotLike", "ArnNotLike", "ArnNotEquals"]);
const NEGATIVE_EXACT = new Set(["StringNotEquals", "StringNotEqualsIgnoreCase", "NumericNotEquals", "DateNotEquals"]);

/** `ForAnyValue:StringLike` → ["ForAnyValue", "StringLike"]. */
function splitOperator(operator: string): [string, string] {
    const m = /^(ForAllValues|ForAnyValue):(.+)$/.exec(operator);
    return m ? [m[1], m[2]] : ["", operator];
}

/** Whether one request value set splits into OR-ed single values (never ForAllValues, never negations). */
function splittable(operator: string): boolean {
    const [set, base] = splitOperator(operator);
    return set !== "ForAllValues" && POSITIVE.has(base);
}

function conditionsOf(block: Statement["Condition"]): Condition[][] {
    // Each entry is AND-ed; a splittable entry contributes one alternative per value.
    let alternatives: Condition[][] = [[]];
    for (const [operator, keys] of Object.entries(isObject(block) ? block : {})) {
        for (const [key, raw] of Object.entries(isObject(keys) ? keys : {})) {
            const values = sortedUnique(list(raw));
            const options = splittable(operator) ? values.map((v) => [v]) : [values];
            alternatives = alternatives.flatMap((prefix) => options.map((vs) => [...prefix, { operator, key, values: vs }]));
        }
    }
    return alternatives.map((cs) => [...cs].sort((a, b) => byText(`${a.operator} ${a.key.toLowerCase()}`, `${b.operator} ${b.key.toLowerCase()}`)));
}

function statementPrincipals(s: Statement): (string | undefined)[] {
    if (s.Principal === undefined && s.NotPrincipal === undefined) {
        return [undefined];
    }
    const of = (value: unknown, prefix: string) =>
        isObject(value) ? Object.entries(value).flatMap(([kind, ids]) => list(ids).map((id) => `${prefix}${kind}: ${id}`)) : list(value).map((v) => `${prefix}${v}`);
    return [...of(s.Principal, ""), ...of(s.NotPrincipal, NOT)];
}

/** A policy document (object or JSON text) as atoms; `undefined` resource for trust policies. */
export function atomsOf(document: unknown): Atom[] {
    let doc = document;
    if (typeof document === "string") {
        try {
            doc = JSON.parse(document);
        } catch {
            return [{ effect: "Allow", action: `(unreadable document ${document})`, conditions: [] }];
        }
    }
    const raw = isObject(doc) ? doc.Statement : undefined;
    const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isObject) as Statement[];
    const atoms: Atom[] = [];
    for (const s of statements) {
        const actions = [...list(s.Action), ...list(s.NotAction).map((a) => NOT + a)];
        const hasResource = s.Resource !== undefined || s.NotResource !== undefined;
        const resources = hasResource ? [...list(s.Resource), ...list(s.NotResource).map((r) => NOT + r)] : [undefined];
        for (const principal of statementPrincipals(s)) {
            for (const action of actions) {
                for (const resource of resources) {
                    for (const conditions of conditionsOf(s.Condition)) {
                        atoms.push({
                            effect: s.Effect ?? "Allow",
                            ...(principal !== undefined ? { principal } : {}),
                            action,
                            ...(resource !== undefined ? { resource } : {}),
                            conditions,
                        });
                    }
                }
            }
        }
    }
    return uniqueAtoms(atoms);
}

export function atomKey(a: Atom): string {
    return JSON.stringify([a.effect, a.principal ?? null, a.action.toLowerCase(), a.resource ?? null, a.conditions.map((c) => [c.operator, c.key.toLowerCase(), c.values])]);
}

function uniqueAtoms(atoms: readonly Atom[]): Atom[] {
    const seen = new Map<string, Atom>();
    for (const a of atoms) {
        seen.set(atomKey(a), seen.get(atomKey(a)) ?? a);
    }
    return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------
// Coverage (IAM wildcard semantics)

/**
 * Whether every string the glob `inner` matches is matched by the glob `outer` (`*` any run, `?`
 * one character). Sound: an outer literal never matches an inner wildcard.
 */
export function globCovers(outer: string, inner: string): boolean {
    const memo = new Map<string, boolean>();
    const go = (i: number, j: number): boolean => {
        const k = `${i},${j}`;
        const known = memo.get(k);
        if (known !== undefined) {
            return known;
        }
        let result: boolean;
        if (i === outer.length) {
            result = j === inner.length;
        } else if (outer[i] === "*") {
            result = go(i + 1, j) || (j < inner.length && go(i, j + 1));
        } else if (j === inner.length) {
            result = false;
        } else if (outer[i] === "?") {
            result = inner[j] !== "*" && go(i + 1, j + 1);
        } else {
            result = inner[j] !== "*" && inner[j] !== "?" && outer[i] === inner[j] && go(i + 1, j + 1);
        }
        memo.set(k, result);
        return result;
    };
    return go(0, 0);
}

/** ARN globs compare segment by segment (a wildcard never spans the partition/service/region/account colons). */
export function arnCovers(outer: string, inner: string): boolean {
    const segments = (arn: string) => {
        const parts = arn.split(":");
        return parts.length >= 6 && parts[0] === "arn" ? [...parts.slice(0, 5), parts.slice(5).join(":")] : undefined;
    };
    if (outer === "*") {
        return true;
    }
    const [o, i] = [segments(outer), segments(inner)];
    if (o !== undefined && i !== undefined) {
        return o.every((seg, n) => globCovers(seg, i[n]));
    }
    // Not both ARNs: a glob over two non-ARN strings; an ARN against a malformed pattern only if equal.
    return o === undefined && i === undefined ? globCovers(outer, inner) : outer === inner;
}

function negatedCovers(outer: string, inner: string, covers: (o: string, i: string) => boolean): boolean {
    // A NotAction/NotResource/NotPrincipal is only judged against the same text.
    if (outer.startsWith(NOT) || inner.startsWith(NOT)) {
        return outer === inner;
    }
    return covers(outer, inner);
}

function valueCovers(outerOp: string, outer: string, innerOp: string, inner: string): boolean {
    const [, ob] = splitOperator(outerOp);
    const [, ib] = splitOperator(innerOp);
    if (GLOB.has(ob)) {
        return ob.startsWith("Arn") ? arnCovers(outer, inner) : globCovers(outer, inner);
    }
    if (GLOB.has(ib)) {
        return !/[*?]/.test(inner) && outer === inner; // a pattern is covered by an exact value only if it is one
    }
    return ob.endsWith("IgnoreCase") ? outer.toLowerCase() === inner.toLowerCase() : outer === inner;
}

/** Whether condition `inner` (of the narrower statement) implies `outer`. */
function conditionImplies(inner: Condition, outer: Condition): boolean {
    if (inner.key.toLowerCase() !== outer.key.toLowerCase()) {
        return false;
    }
    const [os, ob] = splitOperator(outer.operator);
    const [is, ib] = splitOperator(inner.operator);
    if (os !== is) {
        return false;
    }
    const family = (op: string) => (GLOB.has(op) || op === "StringEquals" ? (op.startsWith("Arn") ? "arn" : "string") : op);
    if (POSITIVE.has(ob) && POSITIVE.has(ib) && family(ob) === family(ib)) {
        // k ∈ inner values ⇒ k ∈ outer values
        return inner.values.every((iv) => outer.values.some((ov) => valueCovers(outer.operator, ov, inner.operator, iv)));
    }
    if (ob === ib && NEGATIVE_GLOB.has(ob)) {
        const covers = ob.startsWith("Arn") ? arnCovers : globCovers;
        return outer.values.every((ov) => inner.values.some((iv) => covers(iv, ov)));
    }
    if (ob === ib && NEGATIVE_EXACT.has(ob)) {
        return outer.values.every((ov) => inner.values.includes(ov));
    }
    return ob === ib && JSON.stringify(inner.values) === JSON.stringify(outer.values);
}

/** Whether `outer` grants (or denies) everything `inner` does. */
export function atomCovers(outer: Atom, inner: Atom): boolean {
    if (outer.effect !== inner.effect) {
        return false;
    }
    if ((outer.principal === undefined) !== (inner.principal === undefined)) {
        return false;
    }
    if (outer.principal !== undefined && outer.principal !== "*" && outer.principal !== "AWS: *" && outer.principal !== inner.principal) {
        return false;
    }
    if (!negatedCovers(outer.action.toLowerCase(), inner.action.toLowerCase(), (o, i) => o === "*" || globCovers(o, i))) {
        return false;
    }
    if ((outer.resource === undefined) !== (inner.resource === undefined)) {
        return false;
    }
    if (outer.resource !== undefined && !negatedCovers(outer.resource, inner.resource!, arnCovers)) {
        return false;
    }
    return outer.conditions.every((oc) => inner.conditions.some((ic) => conditionImplies(ic, oc)));
}

/** What `after` grants that `before` does not, and what `before` granted that `after` no longer does. */
export function diffAtoms(before: readonly Atom[], after: readonly Atom[]): { gained: Atom[]; lost: Atom[] } {
    const notCovered = (atoms: readonly Atom[], by: readonly Atom[]) => atoms.filter((a) => !by.some((b) => atomCovers(b, a)));
    const allow = (atoms: readonly Atom[]) => atoms.filter((a) => a.effect !== "Deny");
    const deny = (atoms: readonly Atom[]) => atoms.filter((a) => a.effect === "Deny");
    // A removed Deny widens access, an added Deny narrows it.
    return {
        gained: [...notCovered(allow(after), allow(before)), ...notCovered(deny(before), deny(after))],
        lost: [...notCovered(allow(before), allow(after)), ...notCovered(deny(after), deny(before))],
    };
}

// ---------------------------------------------------------------------------------------------
// Principals

export type PrincipalKind = "IAM role" | "IAM user" | "ECR repository policy";

/** A principal (or a resource policy) and everything that decides its access, as atoms. */
export interface Principal {
    /** `type name`: the logical identity, stable across plans. */
    readonly id: string;
    readonly kind: PrincipalKind;
    readonly type: string;
    readonly name: string;
    /** The physical name (role/user name, repository). */
    readonly label: string;
    readonly arn?: string;
    /** Who can act as it: trust policy atoms, access keys, or a repository policy's principals. */
    readonly trust: readonly Atom[];
    /** What it can do: every attached managed policy, inline policy. */
    readonly permissions: readonly Atom[];
    readonly boundary?: string;
    /** The boundary policy's document, when the plan holds it. */
    readonly boundaryPermissions?: readonly Atom[];
}

function str(value: unknown): string {
    return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

const nameOf = (r: PlanResource): string => str(r.outputs.name ?? r.inputs.name ?? r.name);
const arnOf = (r: PlanResource): string | undefined => (typeof r.outputs.arn === "string" ? r.outputs.arn : undefined);

/** The documents of the managed policies attached to a role or user (outside the plan: by ARN only). */
function attachedAtoms(resources: readonly PlanResource[], attachmentType: string, field: string, principal: PlanResource): Atom[] {
    const policyArns = [
        ...resources.filter((r) => r.type === attachmentType && r.inputs[field] === nameOf(principal)).map((r) => str(r.inputs.policyArn)),
        ...list(principal.inputs.managedPolicyArns),
    ];
    const inline = (Array.isArray(principal.inputs.inlinePolicies) ? principal.inputs.inlinePolicies : []) as { policy?: unknown }[];
    return uniqueAtoms([
        ...sortedUnique(policyArns).flatMap((arn) => {
            const policy = resources.find((r) => r.type === T.policy && arnOf(r) === arn);
            return policy ? atomsOf(policy.inputs.policy) : [{ effect: "Allow", action: `(every action of managed policy ${arn}, not in this plan)`, conditions: [] }];
        }),
        ...inline.flatMap((p) => atomsOf(p.policy)),
    ]);
}

/** Every principal of a plan, and every repository policy (who else can use a repository). */
export function principalsOf(plan: PlanData): Principal[] {
    const resources = plan.resources;
    const boundary = (r: PlanResource) => {
        const arn = typeof r.inputs.permissionsBoundary === "string" && r.inputs.permissionsBoundary !== "" ? r.inputs.permissionsBoundary : undefined;
        const policy = arn === undefined ? undefined : resources.find((p) => p.type === T.policy && arnOf(p) === arn);
        return { ...(arn !== undefined ? { boundary: arn } : {}), ...(policy ? { boundaryPermissions: atomsOf(policy.inputs.policy) } : {}) };
    };
    const base = (r: PlanResource, kind: PrincipalKind) => ({ id: `${r.type} ${r.name}`, kind, type: r.type, name: r.name, label: nameOf(r), ...(arnOf(r) ? { arn: arnOf(r) } : {}) });
    return resources.flatMap((r): Principal[] => {
        switch (r.type) {
            case T.role:
                return [{ ...base(r, "IAM role"), trust: atomsOf(r.inputs.assumeRolePolicy), permissions: attachedAtoms(resources, T.rolePolicyAttachment, "role", r), ...boundary(r) }];
            case T.user: {
                const keys = resources.filter((k) => k.type === T.accessKey && k.inputs.user === nameOf(r));
                const trust = keys.map((k): Atom => ({ effect: "Allow", principal: `anyone holding access key ${k.name}`, action: "act as the user", conditions: [] }));
                return [{ ...base(r, "IAM user"), trust, permissions: attachedAtoms(resources, T.userPolicyAttachment, "user", r), ...boundary(r) }];
            }
            case T.repositoryPolicy:
                return [{ ...base(r, "ECR repository policy"), label: str(r.inputs.repository), trust: [], permissions: atomsOf(r.inputs.policy) }];
            default:
                return [];
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The diff

export interface AtomChanges {
    readonly gained: readonly Atom[];
    readonly lost: readonly Atom[];
}

export interface PrincipalDiff {
    readonly id: string;
    readonly kind: PrincipalKind;
    readonly type: string;
    readonly name: string;
    readonly label: string;
    /** `added`/`removed`: the principal exists on one side only. */
    readonly status: "added" | "removed" | "changed";
    readonly trust: AtomChanges;
    readonly permissions: AtomChanges;
    /** Only when it changed. Removing or changing a boundary counts as gained access. */
    readonly boundary?: { readonly before: string | null; readonly after: string | null };
    readonly boundaryPermissions: AtomChanges;
    /** The trust's `sub` values and pinned claims (`key = value`, every other condition but `aud`), as text. */
    readonly subjects: { readonly added: readonly string[]; readonly removed: readonly string[] };
    readonly pins: { readonly added: readonly string[]; readonly removed: readonly string[] };
    /** Whether it can do anything it could not before. */
    readonly gainsAccess: boolean;
}

export type ResourceChange = "added" | "removed" | "replaced" | "updated";

export interface ResourceDiff {
    readonly change: ResourceChange;
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly protect: boolean;
    /** The inputs that changed (replaced/updated). */
    readonly inputs: readonly string[];
    /** What a reviewer must not miss: deleted images, protection, tagged-image expiry. */
    readonly warnings: readonly string[];
}

export interface AccessDiff {
    readonly stack: string;
    /** What the plan was compared with (a file or a git revision), as given. */
    readonly against: string;
    readonly newAccess: boolean;
    readonly principals: readonly PrincipalDiff[];
    readonly resources: readonly ResourceDiff[];
}

const EMPTY: AtomChanges = { gained: [], lost: [] };
const changed = (c: AtomChanges) => c.gained.length + c.lost.length > 0;

/** `sub` values and pinned claims of trust atoms: what a reviewer reads first. */
function trustTerms(atoms: readonly Atom[]): { subjects: Set<string>; pins: Set<string> } {
    const subjects = new Set<string>();
    const pins = new Set<string>();
    for (const c of atoms.flatMap((a) => a.conditions)) {
        const claim = c.key.slice(c.key.lastIndexOf(":") + 1).toLowerCase();
        for (const v of claim === "aud" ? [] : c.values) {
            (claim === "sub" ? subjects : pins).add(claim === "sub" ? v : `${c.key} ${c.operator} ${v}`);
        }
    }
    return { subjects, pins };
}

const setDiff = (a: Set<string>, b: Set<string>) => ({ added: [...b].filter((x) => !a.has(x)).sort(byText), removed: [...a].filter((x) => !b.has(x)).sort(byText) });

function diffPrincipal(before: Principal | undefined, after: Principal | undefined): PrincipalDiff | undefined {
    const p = (after ?? before)!;
    const trust = diffAtoms(before?.trust ?? [], after?.trust ?? []);
    const permissions = diffAtoms(before?.permissions ?? [], after?.permissions ?? []);
    const [b, a] = [before?.boundary ?? null, after?.boundary ?? null];
    // Only compare boundary documents when both sides have the same boundary in the plan.
    const boundaryPermissions = b !== null && b === a && before?.boundaryPermissions && after?.boundaryPermissions ? diffAtoms(before.boundaryPermissions, after.boundaryPermissions) : EMPTY;
    const boundaryChanged = before !== undefined && after !== undefined && b !== a;
    if (before && after && !changed(trust) && !changed(permissions) && !boundaryChanged && !changed(boundaryPermissions)) {
        return undefined;
    }
    // A principal that comes into existence gains what it can do only if someone can act as it.
    const gainsAccess = trust.gained.length > 0 || permissions.gained.length > 0 || boundaryPermissions.gained.length > 0 || (boundaryChanged && b !== null);
    return {
        id: p.id,
        kind: p.kind,
        type: p.type,
        name: p.name,
        label: p.label,
        status: before === undefined ? "added" : after === undefined ? "removed" : "changed",
        trust,
        permissions,
        ...(boundaryChanged ? { boundary: { before: b, after: a } } : {}),
        boundaryPermissions,
        subjects: setDiff(trustTerms(before?.trust ?? []).subjects, trustTerms(after?.trust ?? []).subjects),
        pins: setDiff(trustTerms(before?.trust ?? []).pins, trustTerms(after?.trust ?? []).pins),
        gainsAccess,
    };
}

function lifecycleExpiresTagged(policy: unknown): boolean {
    try {
        const doc = (typeof policy === "string" ? JSON.parse(policy) : policy) as { rules?: { selection?: { tagStatus?: string } }[] };
        return (doc.rules ?? []).some((rule) => rule.selection?.tagStatus !== "untagged");
    } catch {
        return false;
    }
}

function canonical(value: unknown): string {
    const sort = (v: unknown): unknown => (Array.isArray(v) ? v.map(sort) : isObject(v) ? Object.fromEntries(Object.keys(v).sort(byText).map((k) => [k, sort(v[k])])) : v);
    return JSON.stringify(sort(value)) ?? "undefined";
}

function changedInputs(before: PlanResource, after: PlanResource): string[] {
    const keys = sortedUnique([...Object.keys(before.inputs), ...Object.keys(after.inputs)]);
    return keys.filter((k) => canonical(before.inputs[k]) !== canonical(after.inputs[k]));
}

function warningsFor(change: ResourceChange, before: PlanResource | undefined, after: PlanResource | undefined): string[] {
    const r = (after ?? before)!;
    const warnings: string[] = [];
    const gone = change === "removed" || change === "replaced";
    if (gone && r.type === T.repository) {
        const old = before!;
        warnings.push(
            old.inputs.forceDelete === true
                ? "deletes the repository and every image in it (forceDelete)"
                : "deletes the repository (ECR refuses while it holds images: forceDelete is off)",
        );
        if (change === "removed") {
            warnings.push("a repository cannot be renamed: a new name is a new, empty repository");
        }
    }
    if (gone && before?.protect) {
        warnings.push("blocked by protect: `pulumi up` fails until protect is lifted");
    }
    if (gone && before?.retainOnDelete) {
        warnings.push("retained on delete: Pulumi forgets it, AWS keeps it");
    }
    if (r.type === T.repository && after && after.inputs.forceDelete === true && before?.inputs.forceDelete !== true) {
        warnings.push("forceDelete turned on: deleting the repository deletes its images");
    }
    if (r.type === T.repository && before?.protect && after && !after.protect) {
        warnings.push("protection lifted");
    }
    if (r.type === T.lifecyclePolicy && after && (change === "added" || change === "updated") && lifecycleExpiresTagged(after.inputs.policy) && !(before && lifecycleExpiresTagged(before.inputs.policy) && canonical(before.inputs.policy) === canonical(after.inputs.policy))) {
        warnings.push("expires tagged images: a deployed image can be deleted");
    }
    return warnings;
}

/** Resources added, removed (by URN), replaced (a ForceNew input changed) and updated. */
export function diffResources(before: PlanData, after: PlanData): ResourceDiff[] {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const now = new Map(after.resources.map((r) => [r.urn, r]));
    const out: ResourceDiff[] = [];
    const entry = (change: ResourceChange, r: PlanResource, inputs: string[], b: PlanResource | undefined, a: PlanResource | undefined): ResourceDiff => ({
        change,
        urn: r.urn,
        type: r.type,
        name: r.name,
        protect: r.protect,
        inputs,
        warnings: warningsFor(change, b, a),
    });
    for (const r of after.resources) {
        const b = old.get(r.urn);
        if (b === undefined) {
            out.push(entry("added", r, [], undefined, r));
            continue;
        }
        const inputs = changedInputs(b, r);
        const forceNew = inputs.filter((k) => (REPLACED_BY[r.type] ?? []).includes(k));
        if (forceNew.length > 0) {
            out.push(entry("replaced", r, forceNew, b, r));
        } else if (inputs.length > 0 || b.protect !== r.protect) {
            out.push(entry("updated", r, b.protect !== r.protect ? [...inputs, "(protect)"] : inputs, b, r));
        }
    }
    for (const r of before.resources) {
        if (!now.has(r.urn)) {
            out.push(entry("removed", r, [], r, undefined));
        }
    }
    const order: ResourceChange[] = ["removed", "replaced", "added", "updated"];
    return out.sort((x, y) => order.indexOf(x.change) - order.indexOf(y.change) || byText(x.urn, y.urn));
}

/** The access diff between a previous plan and the current one. */
export function accessDiff(before: PlanData, after: PlanData, against: string): AccessDiff {
    const old = new Map(principalsOf(before).map((p) => [p.id, p]));
    const now = new Map(principalsOf(after).map((p) => [p.id, p]));
    const ids = [...now.keys(), ...[...old.keys()].filter((id) => !now.has(id))];
    const principals = ids.map((id) => diffPrincipal(old.get(id), now.get(id))).filter((d): d is PrincipalDiff => d !== undefined);
    return { stack: after.stack, against, newAccess: principals.some((p) => p.gainsAccess), principals, resources: diffResources(before, after) };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function conditionText(c: Condition): string {
    return `${c.operator} ${c.key} ${c.values.length === 1 ? `= ${c.values[0]}` : `in [${c.values.join(", ")}]`}`;
}

interface Group {
    effect: string;
    principal?: string;
    actions: string[];
    resources: string[];
    conditions: readonly Condition[];
}

/** Atoms regrouped for reading: one entry per (effect, principal, conditions), actions × resources. */
export function groupAtoms(atoms: readonly Atom[]): Group[] {
    const byResource = new Map<string, Group>();
    for (const a of atoms) {
        const k = JSON.stringify([a.effect, a.principal ?? null, a.resource ?? null, a.conditions]);
        const g = byResource.get(k) ?? { effect: a.effect, principal: a.principal, actions: [], resources: a.resource === undefined ? [] : [a.resource], conditions: a.conditions };
        g.actions = sortedUnique([...g.actions, a.action]);
        byResource.set(k, g);
    }
    const byActions = new Map<string, Group>();
    for (const g of byResource.values()) {
        const k = JSON.stringify([g.effect, g.principal ?? null, g.actions, g.conditions]);
        const merged = byActions.get(k);
        if (merged) {
            merged.resources = sortedUnique([...merged.resources, ...g.resources]);
        } else {
            byActions.set(k, { ...g });
        }
    }
    // Alternatives of one condition (the subjects of a trust policy) back into one entry.
    const byOthers = new Map<string, Group>();
    for (const g of byActions.values()) {
        const split = g.conditions.findIndex((c) => splittable(c.operator) && c.values.length === 1 && /:sub$/.test(c.key));
        const others = g.conditions.filter((_, i) => i !== split);
        const k = JSON.stringify([g.effect, g.principal ?? null, g.actions, g.resources, others, split < 0 ? null : [g.conditions[split].operator, g.conditions[split].key]]);
        const merged = byOthers.get(k);
        if (merged && split >= 0) {
            merged.conditions = merged.conditions.map((c) =>
                c.operator === g.conditions[split].operator && c.key === g.conditions[split].key ? { ...c, values: sortedUnique([...c.values, ...g.conditions[split].values]) } : c,
            );
        } else {
            byOthers.set(merged ? `${k}#${byOthers.size}` : k, { ...g });
        }
    }
    return [...byOthers.values()].sort((x, y) => byText(JSON.stringify([x.principal, x.actions, x.resources, x.conditions]), JSON.stringify([y.principal, y.actions, y.resources, y.conditions])));
}

function groupLines(sign: "+" | "-", g: Group): string[] {
    const head = g.principal !== undefined ? `${g.principal} may ${g.actions.join(", ")}` : `${g.effect} ${g.actions.join(", ")}`;
    const effect = g.principal !== undefined && g.effect === "Deny" ? "Deny: " : "";
    return [
        `${sign} ${effect}${head}`,
        ...(g.principal !== undefined && g.resources.length > 0 ? [`${sign}     ${g.effect} ${g.resources.join(", ")}`] : g.resources.map((r, i) => `${sign}     ${i === 0 ? "on" : "  "} ${r}`)),
        ...g.conditions.map((c, i) => `${sign}     ${i === 0 ? "when" : " and"} ${conditionText(c)}`),
    ];
}

function changeBlock(title: string, changes: AtomChanges): string[] {
    if (!changed(changes)) {
        return [];
    }
    const lines = [...groupAtoms(changes.gained).flatMap((g) => groupLines("+", g)), ...groupAtoms(changes.lost).flatMap((g) => groupLines("-", g))];
    return [`${title} (${changes.gained.length} gained, ${changes.lost.length} lost):`, "```diff", ...lines, "```"];
}

const TRUST_TITLE: Record<PrincipalKind, string> = {
    "IAM role": "Who can assume it",
    "IAM user": "Who can use it",
    "ECR repository policy": "Who",
};

function renderPrincipal(p: PrincipalDiff): string[] {
    const status = p.status === "changed" ? "" : ` — ${p.status}`;
    const verdict = p.gainsAccess ? "**gains access**" : "access only narrows";
    const boundary = p.boundary
        ? [`Permissions boundary: ${p.boundary.before === null ? "none" : `\`${p.boundary.before}\``} → ${p.boundary.after === null ? "none" : `\`${p.boundary.after}\``}${p.boundary.before !== null ? " (**wider or unknown**: treated as new access)" : ""}`, ""]
        : [];
    const blocks = [changeBlock(TRUST_TITLE[p.kind], p.trust), changeBlock(p.kind === "ECR repository policy" ? "What others can do" : "What it can do", p.permissions), changeBlock("Permissions boundary document", p.boundaryPermissions)].filter((b) => b.length > 0);
    const terms = (title: string, t: PrincipalDiff["subjects"]) =>
        t.added.length + t.removed.length > 0 ? [`${title}: ${[...t.added.map((x) => `+ \`${x}\``), ...t.removed.map((x) => `- \`${x}\``)].join(", ")}`, ""] : [];
    return [
        `### ${p.kind} \`${p.label}\`${status}: ${verdict}`,
        `\`${p.type}\` \`${p.name}\``,
        "",
        ...terms("Subjects", p.subjects),
        ...terms("Pinned claims", p.pins),
        ...boundary,
        ...blocks.flatMap((b) => [...b, ""]),
    ];
}

function renderResources(resources: readonly ResourceDiff[]): string[] {
    if (resources.length === 0) {
        return [];
    }
    const lines = resources.map((r) => {
        const inputs = r.inputs.length > 0 ? ` (${r.inputs.map((k) => `\`${k}\``).join(", ")})` : "";
        const flags = [r.protect ? "protected" : "", ...r.warnings.map((w) => `**${w}**`)].filter(Boolean);
        return `- ${r.change} \`${r.type}\` \`${r.name}\`${inputs}${flags.length > 0 ? ` — ${flags.join("; ")}` : ""}`;
    });
    return ["### Resources", "", ...lines, ""];
}

/** The diff for people: markdown, usable as the pull-request comment body (it starts with the marker). */
export function renderAccessDiff(diff: AccessDiff): string {
    const gaining = diff.principals.filter((p) => p.gainsAccess).length;
    const summary =
        diff.principals.length === 0
            ? `**${NO_ACCESS_CHANGES}**`
            : diff.newAccess
              ? `**New access:** ${gaining} principal${gaining === 1 ? " gains" : "s gain"} access (${diff.principals.length} changed).`
              : `**No new access:** ${diff.principals.length} principal${diff.principals.length === 1 ? "" : "s"} changed, access only narrows.`;
    return [
        COMMENT_MARKER,
        `## Access review: stack \`${diff.stack}\` against \`${diff.against}\``,
        "",
        summary,
        "",
        ...diff.principals.flatMap(renderPrincipal),
        ...renderResources(diff.resources),
        "Computed offline from the documents ecr-ci builds (`npm run plan -- --against`): `+` can now, `-` can no longer; wildcards and conditions compared semantically.",
        "",
    ].join("\n");
}

/** The same diff as data. */
export function renderAccessDiffJson(diff: AccessDiff): string {
    return `${JSON.stringify(diff, null, 2)}\n`;
}
