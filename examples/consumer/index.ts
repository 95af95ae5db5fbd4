// An ECS Fargate service whose image GitHub Actions builds, pushes to ECR and rolls out — and
// ecr-ci granting CI exactly that: push to this environment's repository, update this service,
// pass this service's two roles. The deploy permissions are wired from the resources themselves
// (cluster ARN, service name, role ARNs are Outputs), never from hand-typed ARNs.
//
// One stack per environment (`pulumi stack init dev`, `... prod`); the stack name is the ecr-ci
// environment. Run `npm ci && npm run build` at the repository root first (ecr-ci is `file:../..`),
// then `npm install` here.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { EcrCiEnvironment } from "ecr-ci";

const config = new pulumi.Config();
const environment = pulumi.getStack();
const repositoryName = `app-${environment}`;

const cluster = new aws.ecs.Cluster("app");

// The task and execution roles: ECS assumes them; CI may only *pass* them (iam:PassRole, scoped to
// these two ARNs and to ecs-tasks.amazonaws.com by ecr-ci).
const ecsTasksTrust = aws.iam.assumeRolePolicyForPrincipal({ Service: "ecs-tasks.amazonaws.com" });
const executionRole = new aws.iam.Role("app-execution", { assumeRolePolicy: ecsTasksTrust });
new aws.iam.RolePolicyAttachment("app-execution", {
    role: executionRole.name,
    policyArn: aws.iam.ManagedPolicy.AmazonECSTaskExecutionRolePolicy,
});
const taskRole = new aws.iam.Role("app-task", { assumeRolePolicy: ecsTasksTrust });

// Public subnets of the default VPC and an egress-only security group (awsx's default group would
// accept all inbound traffic).
const vpc = new awsx.ec2.DefaultVpc("default");
const securityGroup = new aws.ec2.SecurityGroup("app", {
    vpcId: vpc.vpcId,
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

// Pulumi creates the service with a bootstrap image; from then on CI registers task definition
// revisions with images from the ECR repository and updates the service.
const service = new awsx.ecs.FargateService("app", {
    cluster: cluster.arn,
    desiredCount: 1,
    networkConfiguration: { subnets: vpc.publicSubnetIds, securityGroups: [securityGroup.id], assignPublicIp: true },
    taskDefinitionArgs: {
        executionRole: { roleArn: executionRole.arn },
        taskRole: { roleArn: taskRole.arn },
        container: {
            name: "app",
            image: config.get("bootstrapImage") ?? "public.ecr.aws/nginx/nginx:stable",
            cpu: 256,
            memory: 512,
            essential: true,
        },
    },
});

const ci = new EcrCiEnvironment(environment, {
    environment,
    repositories: [{ name: repositoryName }],
    github: {
        owner: config.require("githubOwner"),
        repository: config.require("githubRepository"),
        branches: [config.get("branch") ?? "main"],
    },
    ecsDeploy: {
        clusterArn: cluster.arn,
        services: [service.service.name],
        passRoleArns: [taskRole.arn, executionRole.arn],
    },
});

export const repositoryUrl = ci.repositoryUrls.apply((urls) => urls[repositoryName]);
export const roleArn = ci.roleArn;
export const clusterName = cluster.name;
export const serviceName = service.service.name;
export const githubActionsSnippet = ci.githubActionsSnippet;
