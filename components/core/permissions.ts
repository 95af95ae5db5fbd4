// The CI principal's permission policy. Pure: plain strings in, a policy document out.
import { PolicyDocument, PolicyStatement, policyDocument, sortedUnique } from "./policy";
import { ECS_CLUSTER_ARN_RE } from "./aws";

/**
 * `ecr:GetAuthorizationToken` has no resource-level permissions: it must be granted on "*" in an
 * identity policy (in a repository policy it does nothing).
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
 */
export const ECR_LOGIN_ACTIONS = ["ecr:GetAuthorizationToken"] as const;

/** Pull only. https://github.com/aws-actions/amazon-ecr-login#ecr-private */
export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;

/**
 * Push and pull, plus `ecr:DescribeImages` so CI can check whether a tag already exists.
 * No delete, no policy or lifecycle changes. https://github.com/aws-actions/amazon-ecr-login#ecr-private
 */
export const ECR_PUSH_ACTIONS = [
    ...ECR_PULL_ACTIONS,
    "ecr:CompleteLayerUpload",
    "ecr:DescribeImages",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
].sort();

/**
 * No resource-level permissions: only "*" works (aws/containers-roadmap#929).
 * https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions
 */
export const ECS_TASK_DEFINITION_ACTIONS = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"] as const;

/** Scoped to the service ARNs. https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions */
export const ECS_SERVICE_ACTIONS = ["ecs:DescribeServices", "ecs:UpdateService"] as const;

export const ECS_TASKS_SERVICE = "ecs-tasks.amazonaws.com";

/**
 * The tag every resource ecr-ci manages carries, whatever `args.tags` say: tag-guarded creation's
 * push statement excludes repositories that carry it, so no environment's pipeline reaches another
 * environment's managed repositories through its creation guard.
 */
export const MANAGED_MARKER = { key: "ManagedBy", value: "ecr-ci" } as const;

/** Resolved ECS deploy scope. */
export interface EcsDeployScope {
    readonly clusterArn: string;
    readonly services: readonly string[];
    readonly passRoleArns: readonly string[];
}

/** Resolved tag-guarded repository creation scope. */
export interface CreateRepositoriesScope {
    /** `arn:<partition>:ecr:<region>:<account>:repository/<namePrefix>*` */
    readonly repositoryArnPattern: string;
    readonly requiredTags: Readonly<Record<string, string>>;
}

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

/**
 * Read-only access for `pulumi preview --refresh` of one environment, for the preview role that
 * untrusted pull-request code may assume: describe the environment's repositories and read its
 * IAM principal, policy and provider. No write action at all.
 */
export const ECR_READ_ACTIONS = ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"] as const;
export const IAM_READ_ACTIONS = [
    "iam:GetOpenIDConnectProvider",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetUser",
    "iam:ListAccessKeys",
    "iam:ListAttachedRolePolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListPolicyVersions",
    "iam:ListRolePolicies",
    "iam:ListUserPolicies",
] as const;

export interface PreviewPolicyInput {
    readonly repositoryArns: readonly string[];
    /** ARNs of the environment's role/user, policy, preview role and OIDC provider. */
    readonly iamArns: readonly string[];
    readonly stateBackend?: StateBackendScope;
}

export function buildPreviewPolicy(input: PreviewPolicyInput): PolicyDocument {
    return policyDocument([
        { Sid: "ReadRepositories", Effect: "Allow", Action: [...ECR_READ_ACTIONS], Resource: list(sortedUnique(input.repositoryArns)) },
        { Sid: "ReadIam", Effect: "Allow", Action: [...IAM_READ_ACTIONS], Resource: list(sortedUnique(input.iamArns)) },
        ...(input.stateBackend ? stateBackendStatements(input.stateBackend, "read") : []),
    ]);
}

export interface CiPolicyInput {
    /** The environment's repositories: push and pull. */
    readonly repositoryArns: readonly string[];
    /** Repositories to pull from (promotion). */
    readonly pullFromArns?: readonly string[];
    readonly ecsDeploy?: EcsDeployScope;
    readonly createRepositories?: CreateRepositoriesScope;
    /** The pipeline also runs `pulumi up` against this S3 backend. */
    readonly stateBackend?: StateBackendScope;
}

/** `arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service>` for each service. */
export function ecsServiceArns(clusterArn: string, services: readonly string[]): string[] {
    const match = ECS_CLUSTER_ARN_RE.exec(clusterArn);
    if (!match) {
        throw new Error(`not an ECS cluster ARN: ${JSON.stringify(clusterArn)}`);
    }
    const [, partition, region, account, cluster] = match;
    return sortedUnique(services.map((s) => `arn:${partition}:ecs:${region}:${account}:service/${cluster}/${s}`));
}

/** A single value as a string, several as a list (IAM accepts both; one reads better). */
export function list(values: readonly string[]): string | string[] {
    return values.length === 1 ? values[0] : [...values];
}

/** `PromotionPull`: read-only pulls from other repositories; nothing when there are none. */
export function promotionStatements(pullFromArns: readonly string[]): PolicyStatement[] {
    return pullFromArns.length === 0
        ? []
        : [{ Sid: "PromotionPull", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: list(sortedUnique(pullFromArns)) }];
}

/**
 * ECS deploy: task definitions on "*" (no resource-level permissions), the services by ARN, and
 * PassRole to exactly the task/execution roles, only for ECS tasks. Nothing without services.
 */
export function ecsDeployStatements(serviceArns: readonly string[], passRoleArns: readonly string[]): PolicyStatement[] {
    if (serviceArns.length === 0) {
        return [];
    }
    const statements: PolicyStatement[] = [
        { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: [...ECS_TASK_DEFINITION_ACTIONS], Resource: "*" },
        { Sid: "EcsServices", Effect: "Allow", Action: [...ECS_SERVICE_ACTIONS], Resource: list(sortedUnique(serviceArns)) },
    ];
    if (passRoleArns.length > 0) {
        statements.push({
            Sid: "EcsPassRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: list(sortedUnique(passRoleArns)),
            Condition: { StringEquals: { "iam:PassedToService": ECS_TASKS_SERVICE } },
        });
    }
    return statements;
}

/** The environment's permission policy: one named statement per capability, only those configured. */
export function buildCiPolicy(input: CiPolicyInput): PolicyDocument {
    const statements: PolicyStatement[] = [
        { Sid: "EcrLogin", Effect: "Allow", Action: [...ECR_LOGIN_ACTIONS], Resource: "*" },
        { Sid: "PushPull", Effect: "Allow", Action: ECR_PUSH_ACTIONS, Resource: list(sortedUnique(input.repositoryArns)) },
    ];
    statements.push(...promotionStatements(input.pullFromArns ?? []));
    const ecs = input.ecsDeploy;
    if (ecs) {
        statements.push(...ecsDeployStatements(ecsServiceArns(ecs.clusterArn, ecs.services), ecs.passRoleArns));
    }
    const create = input.createRepositories;
    if (create) {
        const keys = Object.keys(create.requiredTags).sort();
        const requestTags: Record<string, string> = {};
        const resourceTags: Record<string, string> = {};
        for (const key of keys) {
            requestTags[`aws:RequestTag/${key}`] = create.requiredTags[key];
            resourceTags[`aws:ResourceTag/${key}`] = create.requiredTags[key];
        }
        statements.push(
            {
                // The repository does not exist yet: only the request can be conditioned
                // (aws:RequestTag, aws:TagKeys), never ecr:ResourceTag.
                Sid: "CreateTaggedRepository",
                Effect: "Allow",
                Action: "ecr:CreateRepository",
                Resource: create.repositoryArnPattern,
                Condition: { StringEquals: requestTags, "ForAllValues:StringEquals": { "aws:TagKeys": keys } },
            },
            {
                // Once created (and tagged), the pipeline may push to what it created, and never to
                // a repository ecr-ci manages: IAM matches tag keys case-insensitively, so a guard
                // such as `environment: prod` would otherwise match prod's managed repositories
                // (`Environment: prod`). StringNotEquals also holds where the tag is absent.
                Sid: "PushToCreatedRepositories",
                Effect: "Allow",
                Action: ECR_PUSH_ACTIONS,
                Resource: create.repositoryArnPattern,
                Condition: {
                    StringEquals: resourceTags,
                    StringNotEquals: { [`aws:ResourceTag/${MANAGED_MARKER.key}`]: MANAGED_MARKER.value },
                },
            },
        );
    }
    if (input.stateBackend) {
        statements.push(...stateBackendStatements(input.stateBackend, "readWrite"));
    }
    return policyDocument(statements);
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
