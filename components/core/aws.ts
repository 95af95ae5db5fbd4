// Plain facts about AWS partitions and ARNs. Pure.

/** Where the component is deployed: resolved once from the provider (getPartition/getRegion/getCallerIdentity). */
export interface AwsTarget {
    /** `aws`, `aws-cn`, `aws-us-gov`. */
    readonly partition: string;
    /** `amazonaws.com`, `amazonaws.com.cn`. */
    readonly dnsSuffix: string;
    readonly region: string;
    readonly accountId: string;
}

/** Partitions in which GitHub's OIDC provider can be used with IAM. */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
const PARTITION = "(aws|aws-cn|aws-us-gov)";

/** The STS audience configure-aws-credentials requests: `sts.amazonaws.com`, `sts.amazonaws.com.cn` in China. */
export function stsAudience(target: Pick<AwsTarget, "dnsSuffix">): string {
    return `sts.${target.dnsSuffix}`;
}

export const ACCOUNT_ID_RE = /^\d{12}$/;
export const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** `arn:<partition>:ecs:<region>:<account>:cluster/<name>` */
export const ECS_CLUSTER_ARN_RE = new RegExp(`^arn:${PARTITION}:ecs:([a-z]{2}(?:-[a-z]+)+-\\d):(\\d{12}):cluster/([A-Za-z0-9_-]{1,255})$`);
/** `arn:<partition>:iam::<account>:role/<path/>name` */
export const ROLE_ARN_RE = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`);
/** Principal ARNs a repository policy may name for cross-account pulls. */
export const PRINCIPAL_ARN_RE = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):(root|(?:role|user)/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64})$`);
/** A customer managed policy ARN (or an AWS managed one) for a permissions boundary. */
export const POLICY_ARN_RE = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}|aws):policy/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`);
/** A KMS key ARN. */
export const KMS_KEY_ARN_RE = new RegExp(`^arn:${PARTITION}:kms:[a-z]{2}(?:-[a-z]+)+-\\d:\\d{12}:key/[A-Za-z0-9-]{1,128}$`);
/** ECR repository names (ECR API `repositoryName` pattern), 2–256 characters. */
export const ECR_REPOSITORY_NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * An ECR repository ARN; group 4 is the repository name, which must itself be a valid name: no
 * `*`, `?` or `${…}` can reach a policy through an ARN.
 */
export const ECR_REPOSITORY_ARN_RE = new RegExp(
    `^arn:${PARTITION}:ecr:([a-z]{2}(?:-[a-z]+)+-\\d):(\\d{12}):repository/(${ECR_REPOSITORY_NAME_RE.source.slice(1, -1)})$`,
);

export function isEcrRepositoryName(name: string): boolean {
    return name.length >= 2 && name.length <= 256 && ECR_REPOSITORY_NAME_RE.test(name);
}

export function ecrRepositoryArn(target: AwsTarget, name: string): string {
    return `arn:${target.partition}:ecr:${target.region}:${target.accountId}:repository/${name}`;
}

export function iamArn(target: Pick<AwsTarget, "partition" | "accountId">, resource: string): string {
    return `arn:${target.partition}:iam::${target.accountId}:${resource}`;
}
