// ECR action sets, each with its source. Pure constants.

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

/** What `pulumi preview --refresh` reads of a repository. */
export const ECR_READ_ACTIONS = ["ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"] as const;
