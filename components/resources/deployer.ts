// EcrCiDeployer: registers what core/deployer-plan.ts decides — the deployer role, its policy and the
// permissions boundary (see that file for why the documents are what they are).
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { stsAudience } from "../core/aws";
import { BOUNDARY_NAME, BOOTSTRAP_IAM_PATH, DEPLOYER_NAME, MANAGED_POLICY_MAX_CHARS, MIN_SESSION_SECONDS } from "../core/naming";
import { buildBoundaryPolicy, buildDeployerPolicy, createsOidcProvider, deployerScope, validateDeployerArgs } from "../core/deployer-plan";
import { buildTrustPolicy, githubIssuer, oidcProviderArn } from "../core/github";
import { PolicyDocument, serializePolicy } from "../core/policy";
import type { EcrCiDeployerArgs } from "../contract/args";
import { formatProblems } from "../contract/problems";
import { sharedAwsTarget } from "./target";

/** The component's type token. Changing it would replace every child: add `aliases` if it ever must. */
export const ECR_CI_DEPLOYER_TYPE = "ecr-ci:index:EcrCiDeployer";

/**
 * The one-time bootstrap of an account (and region) for ecr-ci's infrastructure workflow, run by an
 * administrator:
 * - the permissions boundary `ecr-ci-boundary`, which every environment must set as
 *   `ecr-ci:permissionsBoundaryArn`;
 * - the deployer role `ecr-ci-deployer`, trusted only for the configured protected branches or
 *   GitHub environments, with the managed policy `ecr-ci-deployer` (see `buildDeployerPolicy`);
 * - GitHub's OIDC provider, unless an existing one is reused.
 *
 * Invalid arguments are reported together, before any resource is registered.
 */
export class EcrCiDeployer extends pulumi.ComponentResource {
    /** The role the infrastructure workflow assumes (`role-to-assume`; repository variable `AWS_DEPLOY_ROLE_ARN`). */
    public readonly roleArn: pulumi.Output<string>;
    /** The deployer's managed policy. */
    public readonly policyArn: pulumi.Output<string>;
    /** The permissions boundary: every environment must set `ecr-ci:permissionsBoundaryArn` to it. */
    public readonly permissionsBoundaryArn: pulumi.Output<string>;
    /** The GitHub OIDC provider the deployer trusts (created or reused): environments pass it as `ecr-ci:oidcProvider`. */
    public readonly oidcProviderArn: pulumi.Output<string>;

    constructor(name: string, args: EcrCiDeployerArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateDeployerArgs(args);
        if (problems.length > 0) {
            throw new pulumi.RunError(formatProblems(`EcrCiDeployer "${name}" has invalid arguments`, problems));
        }
        super(ECR_CI_DEPLOYER_TYPE, name, {}, opts);

        const tags = { ManagedBy: "ecr-ci-bootstrap", ...args.tags };
        const protect = args.protect ?? true;
        const target = sharedAwsTarget(this);
        const issuer = githubIssuer(args.github);
        // Whether to create is decided from a plain value, so registration never waits on an Output.
        const providerArn = createsOidcProvider(args)
            ? new iam.OpenIdConnectProvider(`${name}-github`, { url: issuer.url, clientIdLists: [target.apply(stsAudience)], tags }, { parent: this, protect }).arn
            : pulumi.output(args.oidcProvider as string);
        // The documents name the provider's ARN as IAM will write it, so they need not wait for it.
        const scope = target.apply((t) => deployerScope(args, t, createsOidcProvider(args) ? oidcProviderArn(t.partition, t.accountId, issuer) : (args.oidcProvider as string)));

        const boundary = new iam.Policy(
            `${name}-boundary`,
            {
                name: BOUNDARY_NAME,
                path: BOOTSTRAP_IAM_PATH,
                description: "ecr-ci: the most any ecr-ci role or user may do (ECR push/pull, ECS deploy, state)",
                policy: scope.apply((s) => this.document("boundary", buildBoundaryPolicy(s))),
                tags,
            },
            { parent: this, protect },
        );
        const policy = new iam.Policy(
            `${name}-deployer`,
            {
                name: DEPLOYER_NAME,
                path: BOOTSTRAP_IAM_PATH,
                description: "ecr-ci: pulumi up of the ecr-ci environments, every role and user under ecr-ci-boundary",
                policy: scope.apply((s) => this.document("deployer", buildDeployerPolicy(s))),
                tags,
            },
            { parent: this },
        );
        const github = args.github;
        const role = new iam.Role(
            `${name}-deployer`,
            {
                name: DEPLOYER_NAME,
                path: BOOTSTRAP_IAM_PATH,
                description: `ecr-ci: pulumi up of ecr-ci from the infrastructure workflow of ${github.owner}/${github.repository}`,
                assumeRolePolicy: pulumi
                    .all([providerArn, target])
                    .apply(([arn, t]) => serializePolicy(buildTrustPolicy({ providerArn: arn, audience: stsAudience(t), github }))),
                maxSessionDuration: args.maxSessionDurationSeconds ?? MIN_SESSION_SECONDS,
                tags,
            },
            { parent: this },
        );
        new iam.RolePolicyAttachment(`${name}-deployer`, { role: role.name, policyArn: policy.arn }, { parent: this });

        this.roleArn = role.arn;
        this.policyArn = policy.arn;
        this.permissionsBoundaryArn = boundary.arn;
        this.oidcProviderArn = providerArn;
        this.registerOutputs({
            roleArn: this.roleArn,
            policyArn: this.policyArn,
            permissionsBoundaryArn: this.permissionsBoundaryArn,
            oidcProviderArn: this.oidcProviderArn,
        });
    }


    /** The serialized document, refused if over IAM's limit for a managed policy. */
    private document(what: string, doc: PolicyDocument): string {
        const text = serializePolicy(doc);
        if (text.length > MANAGED_POLICY_MAX_CHARS) {
            throw new pulumi.ResourceError(
                `the ${what} policy is ${text.length} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy: use a repository name prefix instead of many names, or fewer paths`,
                this,
            );
        }
        return text;
    }
}
