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

export interface CiPolicyInput {
    /** The environment's repositories: push and pull. */
    readonly repositoryArns: readonly string[];
    /** Repositories to pull from (promotion). */
    readonly pullFromArns?: readonly string[];
    readonly ecsDeploy?: EcsDeployScope;
    readonly createRepositories?: CreateRepositoriesScope;
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

function list(values: readonly string[]): string | string[] {
    return values.length === 1 ? values[0] : [...values];
}

/** The environment's permission policy: one named statement per capability, only those configured. */
export function buildCiPolicy(input: CiPolicyInput): PolicyDocument {
    const statements: PolicyStatement[] = [
        { Sid: "EcrLogin", Effect: "Allow", Action: [...ECR_LOGIN_ACTIONS], Resource: "*" },
        { Sid: "PushPull", Effect: "Allow", Action: ECR_PUSH_ACTIONS, Resource: list(sortedUnique(input.repositoryArns)) },
    ];
    if (input.pullFromArns && input.pullFromArns.length > 0) {
        statements.push({
            Sid: "PromotionPull",
            Effect: "Allow",
            Action: [...ECR_PULL_ACTIONS],
            Resource: list(sortedUnique(input.pullFromArns)),
        });
    }
    const ecs = input.ecsDeploy;
    if (ecs) {
        statements.push(
            { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: [...ECS_TASK_DEFINITION_ACTIONS], Resource: "*" },
            {
                Sid: "EcsServices",
                Effect: "Allow",
                Action: [...ECS_SERVICE_ACTIONS],
                Resource: list(ecsServiceArns(ecs.clusterArn, ecs.services)),
            },
        );
        if (ecs.passRoleArns.length > 0) {
            statements.push({
                Sid: "EcsPassRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: list(sortedUnique(ecs.passRoleArns)),
                Condition: { StringEquals: { "iam:PassedToService": ECS_TASKS_SERVICE } },
            });
        }
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
                // Once created (and tagged), the pipeline may push to what it created.
                Sid: "PushToCreatedRepositories",
                Effect: "Allow",
                Action: ECR_PUSH_ACTIONS,
                Resource: create.repositoryArnPattern,
                Condition: { StringEquals: resourceTags },
            },
        );
    }
    return policyDocument(statements);
}
