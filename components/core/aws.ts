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

/**
 * The regions of each partition ecr-ci supports, from the `Region` enum of @pulumi/aws@7.48.0
 * (node_modules/@pulumi/aws/types/enums/index.d.ts), the provider this package deploys with;
 * partitions as in aws/aws-sdk-js-v3 packages/util-endpoints/src/lib/aws/partitions.json@685ff5d
 * (`cn-*` is aws-cn, `us-gov-*` is aws-us-gov). tests/limits.test.ts fails when the enum gains or
 * loses a region, so this list is revisited with every provider upgrade.
 */
export const REGIONS: Readonly<Record<(typeof PARTITIONS)[number], readonly string[]>> = {
    aws: [
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    ],
    "aws-cn": ["cn-north-1", "cn-northwest-1"],
    "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
};

/**
 * Regions of the same enum in partitions GitHub-hosted workflows cannot federate into (the isolated
 * partitions) or that ecr-ci's ARN rules do not cover yet (the European Sovereign Cloud), by prefix.
 */
export const UNSUPPORTED_REGION_PARTITIONS: readonly (readonly [prefix: string, partition: string])[] = [
    ["us-isob-", "aws-iso-b"],
    ["us-isof-", "aws-iso-f"],
    ["us-iso-", "aws-iso"],
    ["eu-isoe-", "aws-iso-e"],
    ["eusc-", "aws-eusc"],
];

export const ALL_REGIONS: readonly string[] = Object.values(REGIONS).flat();

/** The partition of a region ecr-ci supports, or undefined. */
export function partitionOfRegion(region: string): (typeof PARTITIONS)[number] | undefined {
    return PARTITIONS.find((p) => REGIONS[p].includes(region));
}

/** The DNS suffix of a partition (`amazonaws.com.cn` in China), as getPartition reports it. */
export function dnsSuffixOf(partition: string): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** The partition, region and account fields of an ARN (`arn:<partition>:<service>:<region>:<account>:…`). */
export function arnParts(arn: string): { partition: string; region: string; accountId: string } | undefined {
    const match = /^arn:([^:]*):[^:]*:([^:]*):([^:]*):/.exec(arn);
    return match ? { partition: match[1], region: match[2], accountId: match[3] } : undefined;
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
