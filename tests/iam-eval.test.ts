import assert from "assert/strict";
import {
  evaluateIdentity,
  evaluateResourcePolicy,
  evaluateTrust,
  type Decision,
  type IdentityRequest,
  type WebIdentityRequest,
} from "./support/iam-eval";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const GH = "token.actions.githubusercontent.com";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`;
const MAIN = "repo:acme/app:ref:refs/heads/main";
const AUD = "sts.amazonaws.com";
const V = "2012-10-17";

interface Case<R> {
  name: string;
  policy: object;
  req: R;
  expected: Decision;
}

function token(claims: Record<string, string>, over: Partial<WebIdentityRequest> = {}): WebIdentityRequest {
  return { providerArn: PROVIDER, roleArn: ROLE, claims, ...over };
}

function trustPolicy(condition: Record<string, Record<string, string | string[]>>, federated = PROVIDER): object {
  return {
    Version: V,
    Statement: [
      { Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition },
    ],
  };
}

function table<R>(
  title: string,
  cases: Case<R>[],
  evaluate: (policy: object, req: R) => Promise<Decision>,
): void {
  describe(title, () => {
    it("has both allowed and denied cases", () => {
      assert.ok(cases.some((c) => c.expected === "Allowed"));
      assert.ok(cases.some((c) => c.expected !== "Allowed"));
    });
    for (const c of cases) {
      it(`${c.name} -> ${c.expected}`, async () => {
        assert.equal(await evaluate(c.policy, c.req), c.expected);
      });
    }
  });
}

function throwsTable(title: string, cases: { name: string; run: () => Promise<Decision>; message: RegExp }[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(`throws: ${c.name}`, async () => {
        await assert.rejects(c.run(), c.message);
      });
    }
  });
}

// ---------------------------------------------------------------------------
// Trust policies
// ---------------------------------------------------------------------------

const exactTrust = trustPolicy({
  StringEquals: { [`${GH}:aud`]: AUD, [`${GH}:sub`]: [MAIN, "repo:acme/app:environment:dev"] },
});
const releaseTrust = trustPolicy({
  StringEquals: { [`${GH}:aud`]: AUD },
  StringLike: { [`${GH}:sub`]: "repo:acme/app:ref:refs/heads/release/*" },
});
// Keys inside one statement are ANDed: sub must equal main AND be like release/* -> impossible.
const contradictoryTrust = trustPolicy({
  StringEquals: { [`${GH}:aud`]: AUD, [`${GH}:sub`]: MAIN },
  StringLike: { [`${GH}:sub`]: "repo:acme/app:ref:refs/heads/release/*" },
});
// FACTS pitfall: ForAllValues on a missing key is vacuously true.
const forAllValuesTrust = trustPolicy({
  StringEquals: { [`${GH}:aud`]: AUD },
  "ForAllValues:StringEquals": { [`${GH}:sub`]: [MAIN] },
});
const nullTrust = trustPolicy({
  StringEquals: { [`${GH}:aud`]: AUD },
  Null: { [`${GH}:sub`]: "false" },
  "ForAllValues:StringEquals": { [`${GH}:sub`]: [MAIN] },
});
const workflowTrust = trustPolicy({
  StringEquals: { [`${GH}:aud`]: AUD },
  StringLike: {
    [`${GH}:sub`]: "repo:acme/app:*",
    [`${GH}:job_workflow_ref`]: "acme/workflows/.github/workflows/build.yml@refs/heads/main",
  },
});
const denyPrTrust = {
  Version: V,
  Statement: [
    ...(exactTrust as { Statement: object[] }).Statement,
    {
      Effect: "Deny",
      Principal: { Federated: PROVIDER },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringLike: { [`${GH}:sub`]: "*:pull_request" } },
    },
  ],
};
const ENTERPRISE_PREFIX = `${GH}/acme-corp`;
const ENTERPRISE_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ENTERPRISE_PREFIX}`;
const enterpriseTrust = trustPolicy(
  { StringEquals: { [`${ENTERPRISE_PREFIX}:aud`]: AUD, [`${ENTERPRISE_PREFIX}:sub`]: MAIN } },
  ENTERPRISE_PROVIDER,
);

table<WebIdentityRequest>(
  "evaluateTrust",
  [
    { name: "exact: right token", policy: exactTrust, req: token({ sub: MAIN, aud: AUD }), expected: "Allowed" },
    { name: "exact: second listed sub (OR)", policy: exactTrust, req: token({ sub: "repo:acme/app:environment:dev", aud: AUD }), expected: "Allowed" },
    { name: "exact: sub with suffix main-evil", policy: exactTrust, req: token({ sub: `${MAIN}-evil`, aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "exact: other repo", policy: exactTrust, req: token({ sub: "repo:evil/app:ref:refs/heads/main", aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "exact: wrong aud", policy: exactTrust, req: token({ sub: MAIN, aud: "https://github.com/acme" }), expected: "ImplicitlyDenied" },
    { name: "exact: missing aud", policy: exactTrust, req: token({ sub: MAIN }), expected: "ImplicitlyDenied" },
    { name: "exact: missing sub", policy: exactTrust, req: token({ aud: AUD }), expected: "ImplicitlyDenied" },
    {
      name: "exact: same URL, provider in another account",
      policy: exactTrust,
      req: token({ sub: MAIN, aud: AUD }, { providerArn: `arn:aws:iam::${OTHER_ACCOUNT}:oidc-provider/${GH}` }),
      expected: "ImplicitlyDenied",
    },
    {
      name: "exact: another provider (enterprise URL) in same account",
      policy: exactTrust,
      req: token({ sub: MAIN, aud: AUD }, { providerArn: ENTERPRISE_PROVIDER, keyPrefix: ENTERPRISE_PREFIX }),
      expected: "ImplicitlyDenied",
    },
    { name: "like: release branch", policy: releaseTrust, req: token({ sub: "repo:acme/app:ref:refs/heads/release/1.2", aud: AUD }), expected: "Allowed" },
    { name: "like: main is not release/*", policy: releaseTrust, req: token({ sub: MAIN, aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "like: release prefix without slash", policy: releaseTrust, req: token({ sub: "repo:acme/app:ref:refs/heads/release-x", aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "ANDed StringEquals+StringLike: main", policy: contradictoryTrust, req: token({ sub: MAIN, aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "ANDed StringEquals+StringLike: release", policy: contradictoryTrust, req: token({ sub: "repo:acme/app:ref:refs/heads/release/1", aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "ForAllValues: right sub", policy: forAllValuesTrust, req: token({ sub: MAIN, aud: AUD }), expected: "Allowed" },
    { name: "ForAllValues: wrong sub", policy: forAllValuesTrust, req: token({ sub: `${MAIN}-evil`, aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "ForAllValues PITFALL: token WITHOUT sub is allowed", policy: forAllValuesTrust, req: token({ aud: AUD }), expected: "Allowed" },
    { name: "Null guard: token without sub", policy: nullTrust, req: token({ aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "Null guard: right sub", policy: nullTrust, req: token({ sub: MAIN, aud: AUD }), expected: "Allowed" },
    {
      name: "job_workflow_ref: reusable workflow on main",
      policy: workflowTrust,
      req: token({ sub: MAIN, aud: AUD, job_workflow_ref: "acme/workflows/.github/workflows/build.yml@refs/heads/main" }),
      expected: "Allowed",
    },
    {
      name: "job_workflow_ref: workflow from a branch",
      policy: workflowTrust,
      req: token({ sub: MAIN, aud: AUD, job_workflow_ref: "acme/workflows/.github/workflows/build.yml@refs/heads/dev" }),
      expected: "ImplicitlyDenied",
    },
    { name: "job_workflow_ref: claim absent", policy: workflowTrust, req: token({ sub: MAIN, aud: AUD }), expected: "ImplicitlyDenied" },
    { name: "Deny pull_request: main allowed", policy: denyPrTrust, req: token({ sub: MAIN, aud: AUD }), expected: "Allowed" },
    { name: "Deny pull_request: PR token", policy: denyPrTrust, req: token({ sub: "repo:acme/app:pull_request", aud: AUD }), expected: "ExplicitlyDenied" },
    {
      name: "enterprise slug: right token",
      policy: enterpriseTrust,
      req: token({ sub: MAIN, aud: AUD }, { providerArn: ENTERPRISE_PROVIDER, keyPrefix: ENTERPRISE_PREFIX }),
      expected: "Allowed",
    },
    { name: "enterprise policy: public-GitHub provider", policy: enterpriseTrust, req: token({ sub: MAIN, aud: AUD }), expected: "ImplicitlyDenied" },
  ],
  evaluateTrust,
);

throwsTable("evaluateTrust refuses to guess", [
  { name: "unknown action", run: () => evaluateTrust(exactTrust, token({ sub: MAIN, aud: AUD }, { action: "sts:AssumeRoleWithWebIdentityy" })), message: /unknown action/ },
  { name: "non-sts action", run: () => evaluateTrust(exactTrust, token({ sub: MAIN, aud: AUD }, { action: "ecr:PutImage" })), message: /sts:\* actions/ },
  { name: "claim STS does not expose", run: () => evaluateTrust(exactTrust, token({ sub: MAIN, aud: AUD, repository_owner: "acme" })), message: /does not expose claim/ },
  { name: "keyPrefix not matching provider URL", run: () => evaluateTrust(exactTrust, token({ sub: MAIN, aud: AUD }, { keyPrefix: ENTERPRISE_PREFIX })), message: /does not match provider URL/ },
  { name: "not a provider ARN", run: () => evaluateTrust(exactTrust, token({ sub: MAIN, aud: AUD }, { providerArn: GH })), message: /not an OIDC provider ARN/ },
  {
    name: "invalid trust policy (Resource element)",
    run: () => evaluateTrust({ Version: V, Statement: [{ Effect: "Allow", Principal: { Federated: PROVIDER }, Action: "sts:AssumeRoleWithWebIdentity", Resource: "*" }] }, token({ sub: MAIN, aud: AUD })),
    message: /trust policy is invalid/,
  },
  { name: "unknown condition operator", run: () => evaluateTrust(trustPolicy({ StringEqual: { [`${GH}:sub`]: MAIN } }), token({ sub: MAIN, aud: AUD })), message: /unknown condition operator StringEqual/ },
]);

// ---------------------------------------------------------------------------
// Identity policies
// ---------------------------------------------------------------------------

const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/ecr-ci-dev`;
const REPO = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-dev`;
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/app-dev-task`;

const ciPolicy = {
  Version: V,
  Statement: [
    { Sid: "Auth", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "Push",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"],
      Resource: REPO,
    },
    {
      Sid: "CreateTagged",
      Effect: "Allow",
      Action: "ecr:CreateRepository",
      Resource: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/*`,
      Condition: { StringEquals: { "aws:RequestTag/team": "x" }, "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] } },
    },
    {
      Sid: "TagOnlyTeam",
      Effect: "Allow",
      Action: "ecr:TagResource",
      Resource: REPO,
      Condition: { Null: { "aws:TagKeys": "false" }, "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] } },
    },
    {
      Sid: "PassTaskRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: TASK_ROLE,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      Sid: "DeployDevServices",
      Effect: "Allow",
      Action: "ecs:UpdateService",
      Resource: "*",
      Condition: { ArnLike: { "ecs:cluster": `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/dev-*` } },
    },
    {
      Sid: "ListCache",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::build-cache",
      Condition: { StringLike: { "s3:prefix": ["app-dev/*"] } },
    },
  ],
};
const denyPolicy = {
  Version: V,
  Statement: [
    { Effect: "Allow", Action: "ecr:*", Resource: REPO },
    { Effect: "Deny", Action: ["ecr:BatchDeleteImage", "ecr:DeleteRepository"], Resource: "*" },
  ],
};

function id(action: string, resource: string, context?: IdentityRequest["context"]): IdentityRequest {
  return { principalArn: PRINCIPAL, action, resource, ...(context ? { context } : {}) };
}
const SERVICE = (cluster: string): string => `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/${cluster}/app`;
const CLUSTER = (cluster: string): string => `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/${cluster}`;

table<IdentityRequest>(
  "evaluateIdentity",
  [
    { name: "GetAuthorizationToken on *", policy: ciPolicy, req: id("ecr:GetAuthorizationToken", "*"), expected: "Allowed" },
    { name: "PutImage on listed repo", policy: ciPolicy, req: id("ecr:PutImage", REPO), expected: "Allowed" },
    { name: "PutImage on other repo", policy: ciPolicy, req: id("ecr:PutImage", `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/app-prod`), expected: "ImplicitlyDenied" },
    { name: "PutImage in other region", policy: ciPolicy, req: id("ecr:PutImage", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/app-dev`), expected: "ImplicitlyDenied" },
    { name: "BatchGetImage not granted", policy: ciPolicy, req: id("ecr:BatchGetImage", REPO), expected: "ImplicitlyDenied" },
    { name: "CreateRepository with team=x", policy: ciPolicy, req: id("ecr:CreateRepository", REPO, { "aws:RequestTag/team": "x", "aws:TagKeys": ["team"] }), expected: "Allowed" },
    { name: "CreateRepository with team=y", policy: ciPolicy, req: id("ecr:CreateRepository", REPO, { "aws:RequestTag/team": "y", "aws:TagKeys": ["team"] }), expected: "ImplicitlyDenied" },
    {
      name: "CreateRepository with extra tag key",
      policy: ciPolicy,
      req: id("ecr:CreateRepository", REPO, { "aws:RequestTag/team": "x", "aws:RequestTag/owner": "me", "aws:TagKeys": ["team", "owner"] }),
      expected: "ImplicitlyDenied",
    },
    { name: "CreateRepository without tags", policy: ciPolicy, req: id("ecr:CreateRepository", REPO), expected: "ImplicitlyDenied" },
    { name: "TagResource team only", policy: ciPolicy, req: id("ecr:TagResource", REPO, { "aws:RequestTag/team": "x", "aws:TagKeys": ["team"] }), expected: "Allowed" },
    { name: "TagResource with no TagKeys (Null guard)", policy: ciPolicy, req: id("ecr:TagResource", REPO), expected: "ImplicitlyDenied" },
    { name: "TagResource other key", policy: ciPolicy, req: id("ecr:TagResource", REPO, { "aws:RequestTag/owner": "me", "aws:TagKeys": ["owner"] }), expected: "ImplicitlyDenied" },
    { name: "PassRole to ecs-tasks", policy: ciPolicy, req: id("iam:PassRole", TASK_ROLE, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }), expected: "Allowed" },
    { name: "PassRole to lambda", policy: ciPolicy, req: id("iam:PassRole", TASK_ROLE, { "iam:PassedToService": "lambda.amazonaws.com" }), expected: "ImplicitlyDenied" },
    { name: "PassRole without PassedToService", policy: ciPolicy, req: id("iam:PassRole", TASK_ROLE), expected: "ImplicitlyDenied" },
    {
      name: "PassRole of another role",
      policy: ciPolicy,
      req: id("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
      expected: "ImplicitlyDenied",
    },
    { name: "ArnLike ecs:cluster dev-*", policy: ciPolicy, req: id("ecs:UpdateService", SERVICE("dev-main"), { "ecs:cluster": CLUSTER("dev-main") }), expected: "Allowed" },
    { name: "ArnLike ecs:cluster prod", policy: ciPolicy, req: id("ecs:UpdateService", SERVICE("prod-main"), { "ecs:cluster": CLUSTER("prod-main") }), expected: "ImplicitlyDenied" },
    { name: "s3:prefix inside app-dev/", policy: ciPolicy, req: id("s3:ListBucket", "arn:aws:s3:::build-cache", { "s3:prefix": "app-dev/layers/" }), expected: "Allowed" },
    { name: "s3:prefix outside app-dev/", policy: ciPolicy, req: id("s3:ListBucket", "arn:aws:s3:::build-cache", { "s3:prefix": "app-prod/" }), expected: "ImplicitlyDenied" },
    { name: "s3 ListBucket without prefix", policy: ciPolicy, req: id("s3:ListBucket", "arn:aws:s3:::build-cache"), expected: "ImplicitlyDenied" },
    { name: "ecr:* allows PutImage", policy: denyPolicy, req: id("ecr:PutImage", REPO), expected: "Allowed" },
    { name: "explicit Deny beats ecr:*", policy: denyPolicy, req: id("ecr:BatchDeleteImage", REPO), expected: "ExplicitlyDenied" },
  ],
  (policy, req) => evaluateIdentity([policy], req),
);

describe("evaluateIdentity with several policies", () => {
  it("unions allows and lets a Deny in another policy win", async () => {
    assert.equal(await evaluateIdentity([ciPolicy, denyPolicy], id("ecr:GetAuthorizationToken", "*")), "Allowed");
    assert.equal(await evaluateIdentity([ciPolicy, denyPolicy], id("ecr:DeleteRepository", REPO)), "ExplicitlyDenied");
    assert.equal(await evaluateIdentity([], id("ecr:PutImage", REPO)), "ImplicitlyDenied");
  });
});

throwsTable("evaluateIdentity refuses to guess", [
  { name: "unknown action", run: () => evaluateIdentity([ciPolicy], id("ecr:PushImage", REPO)), message: /unknown action ecr:PushImage/ },
  { name: "malformed action", run: () => evaluateIdentity([ciPolicy], id("PutImage", REPO)), message: /malformed action/ },
  { name: "context key not applicable to action", run: () => evaluateIdentity([ciPolicy], id("ecr:PutImage", REPO, { "s3:prefix": "x" })), message: /dropped by the simulator/ },
  { name: "unknown context key", run: () => evaluateIdentity([ciPolicy], id("ecr:PutImage", REPO, { "bogus:key": "x" })), message: /unknown context key/ },
  {
    name: "array for single-valued key",
    run: () => evaluateIdentity([ciPolicy], id("ecr:CreateRepository", REPO, { "aws:RequestTag/team": ["y", "x"], "aws:TagKeys": ["team"] })),
    message: /single-valued/,
  },
  { name: "wildcard resource for resource-level action", run: () => evaluateIdentity([ciPolicy], id("ecr:PutImage", "*")), message: /concrete resource ARN/ },
  { name: "ARN for wildcard-only action", run: () => evaluateIdentity([ciPolicy], id("ecr:GetAuthorizationToken", REPO)), message: /must\.use\.wildcard/ },
  { name: "cross-account resource", run: () => evaluateIdentity([ciPolicy], id("ecr:PutImage", `arn:aws:ecr:eu-west-1:${OTHER_ACCOUNT}:repository/app-dev`)), message: /another account/ },
  { name: "typo in policy action", run: () => evaluateIdentity([{ Version: V, Statement: [{ Effect: "Allow", Action: "ecr:PutImages", Resource: "*" }] }], id("ecr:PutImage", REPO)), message: /unknown action ecr:PutImages/ },
  { name: "policy wildcard matching nothing", run: () => evaluateIdentity([{ Version: V, Statement: [{ Effect: "Allow", Action: "ecr:Push*", Resource: "*" }] }], id("ecr:PutImage", REPO)), message: /matches no ecr action/ },
  {
    name: "unknown condition operator in policy",
    run: () => evaluateIdentity([{ Version: V, Statement: [{ Effect: "Allow", Action: "ecr:PutImage", Resource: "*", Condition: { StringEqualz: { "aws:RequestTag/team": "x" } } }] }], id("ecr:PutImage", REPO)),
    message: /unknown condition operator StringEqualz/,
  },
  { name: "invalid identity policy (Principal)", run: () => evaluateIdentity([{ Version: V, Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:PutImage", Resource: "*" }] }], id("ecr:PutImage", REPO)), message: /identity policy #0 is invalid/ },
]);

// ---------------------------------------------------------------------------
// Resource policies (cross-account)
// ---------------------------------------------------------------------------

const PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];
const pullPolicy = {
  Version: V,
  Statement: [
    { Sid: "CrossAccountPull", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: PULL_ACTIONS },
    { Sid: "Blocked", Effect: "Deny", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/blocked` }, Action: "ecr:*" },
  ],
};
const deployRolesOnly = {
  Version: V,
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: OTHER_ACCOUNT },
      Action: PULL_ACTIONS,
      Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${OTHER_ACCOUNT}:role/deploy-*` } },
    },
  ],
};
type XReq = IdentityRequest & { resourceAccount: string };
function x(principalArn: string, action: string): XReq {
  return { principalArn, action, resource: REPO, resourceAccount: ACCOUNT };
}
const DEPLOYER = `arn:aws:iam::${OTHER_ACCOUNT}:role/deploy-prod`;

table<XReq>(
  "evaluateResourcePolicy",
  [
    { name: "pull from trusted account", policy: pullPolicy, req: x(DEPLOYER, "ecr:BatchGetImage"), expected: "Allowed" },
    { name: "pull from trusted account's assumed-role session", policy: pullPolicy, req: x(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/deploy-prod/gha`, "ecr:GetDownloadUrlForLayer"), expected: "Allowed" },
    { name: "push from trusted account", policy: pullPolicy, req: x(DEPLOYER, "ecr:PutImage"), expected: "ImplicitlyDenied" },
    { name: "pull from another account", policy: pullPolicy, req: x("arn:aws:iam::333333333333:role/deploy-prod", "ecr:BatchGetImage"), expected: "ImplicitlyDenied" },
    { name: "explicit Deny on a role", policy: pullPolicy, req: x(`arn:aws:iam::${OTHER_ACCOUNT}:role/blocked`, "ecr:BatchGetImage"), expected: "ExplicitlyDenied" },
    { name: "ArnLike aws:PrincipalArn deploy-*", policy: deployRolesOnly, req: x(DEPLOYER, "ecr:BatchGetImage"), expected: "Allowed" },
    { name: "ArnLike aws:PrincipalArn other role", policy: deployRolesOnly, req: x(`arn:aws:iam::${OTHER_ACCOUNT}:role/dev`, "ecr:BatchGetImage"), expected: "ImplicitlyDenied" },
    { name: "ArnLike for session of deploy role", policy: deployRolesOnly, req: x(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/deploy-prod/gha`, "ecr:BatchGetImage"), expected: "Allowed" },
  ],
  evaluateResourcePolicy,
);

throwsTable("evaluateResourcePolicy refuses to guess", [
  { name: "same-account principal", run: () => evaluateResourcePolicy(pullPolicy, x(PRINCIPAL, "ecr:BatchGetImage")), message: /different account/ },
  { name: "resource not in resourceAccount", run: () => evaluateResourcePolicy(pullPolicy, { ...x(DEPLOYER, "ecr:BatchGetImage"), resourceAccount: "444444444444" }), message: /not in account/ },
  { name: "unknown action", run: () => evaluateResourcePolicy(pullPolicy, x(DEPLOYER, "ecr:PullImage")), message: /unknown action/ },
]);
