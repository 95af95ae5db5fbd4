// The benchmark's floor: the resources ecr-ci registers for the benchmark's environments, written
// by hand directly against @pulumi/aws, as a person who knows the account would write them. No
// component, no invokes, no validation, no builders: literal and template inputs, JSON.stringify of
// object literals, and resource outputs only where a resource refers to another one (so the
// dependency graph is the one a real deployment needs). tests/bench-baseline.test.ts proves the
// (type, name, inputs) multiset equals ecr-ci's, so the comparison stays honest as the library evolves.
// Submodule imports, like the library's: the same modules load at run time, and the type-check of
// `npm test` (which compiles this file through its test) does not read all of @pulumi/aws.
import * as ecr from "@pulumi/aws/ecr";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import { BENCH_GITHUB, BenchEnvironment } from "./scenario";

const GITHUB_HOST = "token.actions.githubusercontent.com";

const ECR_PUSH_ACTIONS = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:DescribeImages",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
];

const EXPIRE_UNTAGGED = {
    rulePriority: 1,
    description: "Expire untagged images 14 days after push",
    selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
    action: { type: "expire" },
};

/** Register every environment by hand: the first one creates the account's GitHub OIDC provider. */
export function registerBaseline(envs: readonly BenchEnvironment[]): void {
    if (envs.length === 0) {
        return;
    }
    const first = envs[0];
    // Protected, as ecr-ci protects a provider it creates (every environment depends on it).
    const provider = new iam.OpenIdConnectProvider(
        `${first.name}-github`,
        { url: `https://${GITHUB_HOST}`, clientIdLists: ["sts.amazonaws.com"], tags: { Environment: first.name, ManagedBy: "ecr-ci" } },
        { protect: true },
    );
    for (const env of envs) {
        registerEnvironment(env, provider.arn);
    }
}

/** One environment: two repositories with lifecycle policies, the CI policy, role and attachment. */
function registerEnvironment(env: BenchEnvironment, providerArn: pulumi.Output<string>): void {
    const tags = { Environment: env.name, ManagedBy: "ecr-ci" };
    const app = new ecr.Repository(
        `${env.name}-${env.appRepository}`,
        {
            name: env.appRepository,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: false,
            tags,
        },
        { protect: true },
    );
    new ecr.LifecyclePolicy(`${env.name}-${env.appRepository}`, {
        repository: app.name,
        policy: JSON.stringify({ rules: [EXPIRE_UNTAGGED] }),
    });
    const worker = new ecr.Repository(
        `${env.name}-${env.workerRepository}`,
        {
            name: env.workerRepository,
            imageTagMutability: "MUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            forceDelete: false,
            tags,
        },
        { protect: true },
    );
    new ecr.LifecyclePolicy(`${env.name}-${env.workerRepository}`, {
        repository: worker.name,
        policy: JSON.stringify({
            rules: [
                EXPIRE_UNTAGGED,
                {
                    rulePriority: 2,
                    description: `Keep only the newest ${env.workerKeepImages} images`,
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: env.workerKeepImages },
                    action: { type: "expire" },
                },
            ],
        }),
    });

    const policy = new iam.Policy(`${env.name}-ci`, {
        name: `ecr-ci-${env.name}`,
        path: "/",
        description: `ecr-ci: push/pull for the ${env.name} environment's repositories`,
        policy: pulumi.all([app.arn, worker.arn]).apply(([appArn, workerArn]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
                    { Sid: "PushPull", Effect: "Allow", Action: ECR_PUSH_ACTIONS, Resource: [appArn, workerArn] },
                ],
            }),
        ),
        tags,
    });
    const role = new iam.Role(`${env.name}-ci`, {
        name: `ecr-ci-${env.name}`,
        path: "/",
        description: `ecr-ci: GitHub Actions of ${BENCH_GITHUB.owner}/${BENCH_GITHUB.repository} for the ${env.name} environment`,
        assumeRolePolicy: providerArn.apply((arn) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "GitHubRefs",
                        Effect: "Allow",
                        Principal: { Federated: arn },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: { [`${GITHUB_HOST}:aud`]: "sts.amazonaws.com" },
                            StringLike: {
                                [`${GITHUB_HOST}:sub`]: [`repo:${BENCH_GITHUB.owner}/${BENCH_GITHUB.repository}:ref:*`],
                                [`${GITHUB_HOST}:ref`]: [`refs/heads/${env.branch}`],
                            },
                        },
                    },
                ],
            }),
        ),
        maxSessionDuration: 3600,
        tags,
    });
    new iam.RolePolicyAttachment(`${env.name}-ci`, { role: role.name, policyArn: policy.arn });
}

