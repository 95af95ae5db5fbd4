// ECS deploy (`ecsDeploy`): register task definitions, update the listed services, pass exactly the
// listed task and execution roles to ECS tasks.
import { ECS_CLUSTER_ARN_RE, ROLE_ARN_RE } from "../aws";
import { checkList } from "../checks";
import { PolicyStatement, list, sortedUnique } from "../policy";
import type { Problems } from "../../contract/problems";
import type { Capability } from "./capability";

/**
 * No resource-level permissions: only "*" works (aws/containers-roadmap#929).
 * https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions
 */
export const ECS_TASK_DEFINITION_ACTIONS = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"] as const;

/**
 * Registering a task definition *with tags* also authorises `ecs:TagResource`, with
 * `ecs:CreateAction = RegisterTaskDefinition` (ECS Developer Guide, "Grant permission to tag
 * resources on creation", supported-iam-actions-tagging.html). amazon-ecs-render-task-definition
 * v1.9.0 copies the live revision's tags into the file it renders (index.js `run()`, `include: ['TAGS']`),
 * and amazon-ecs-deploy-task-definition v2.6.3 registers them (index.js `run()`; an empty `tags` is
 * dropped by `cleanNullKeys`). On "*" like RegisterTaskDefinition itself, and only through the
 * create action: tagging an existing resource carries no `ecs:CreateAction`, so it stays denied.
 *
 * Not granted: `ecs:ListTagsForResource`. `DescribeTaskDefinition` with `include: ['TAGS']` (what
 * render v1.9.0 sends for `task-definition-arn`, as examples/app does) lists no dependent action in
 * the Service Authorization Reference (tests/capabilities/ecs-deploy.test.ts pins that); the API
 * returns the tags as part of that one call. Unverified against AWS itself: see README.
 */
export const ECS_CREATE_ACTION = "RegisterTaskDefinition";

/** Scoped to the service ARNs. https://github.com/aws-actions/amazon-ecs-deploy-task-definition#permissions */
export const ECS_SERVICE_ACTIONS = ["ecs:DescribeServices", "ecs:UpdateService"] as const;

export const ECS_TASKS_SERVICE = "ecs-tasks.amazonaws.com";

export const ECS_SERVICE_NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;

/** Resolved ECS deploy scope. */
export interface EcsDeployScope {
    readonly clusterArn: string;
    readonly services: readonly string[];
    readonly passRoleArns: readonly string[];
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

/**
 * ECS deploy: task definitions on "*" (no resource-level permissions), tags on them only while
 * registering, the services by ARN, and PassRole to exactly the task/execution roles, only for ECS
 * tasks. Nothing without services.
 */
export function ecsDeployStatements(serviceArns: readonly string[], passRoleArns: readonly string[]): PolicyStatement[] {
    if (serviceArns.length === 0) {
        return [];
    }
    const statements: PolicyStatement[] = [
        { Sid: "EcsTaskDefinitions", Effect: "Allow", Action: [...ECS_TASK_DEFINITION_ACTIONS], Resource: "*" },
        {
            Sid: "EcsTagOnRegister",
            Effect: "Allow",
            Action: "ecs:TagResource",
            Resource: "*",
            Condition: { StringEquals: { "ecs:CreateAction": ECS_CREATE_ACTION } },
        },
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

/** ECS deploy scope problems; string values only (Outputs are checked again once known). */
export function checkEcsDeploy(
    ecs: { readonly clusterArn: unknown; readonly services: readonly unknown[]; readonly passRoleArns?: readonly unknown[] },
    problems: Problems,
): void {
    if (typeof ecs.clusterArn === "string" && !ECS_CLUSTER_ARN_RE.test(ecs.clusterArn)) {
        problems.invalid("ecsDeploy.clusterArn", ecs.clusterArn, "use the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME");
    } else if (ecs.clusterArn === undefined) {
        problems.missing("ecsDeploy.clusterArn", "the cluster ARN, arn:<partition>:ecs:<region>:<account-id>:cluster/NAME");
    }
    if (!Array.isArray(ecs.services) || ecs.services.length === 0) {
        problems.missing("ecsDeploy.services", `the names of the services CI may update, at least one (e.g. ["web"])`);
    } else {
        ecs.services.forEach((service, i) => {
            if (typeof service === "string" && !ECS_SERVICE_NAME_RE.test(service)) {
                problems.invalid(`ecsDeploy.services[${i}]`, service, "use the service name: 1–255 letters, digits, '-' or '_', no wildcards");
            }
        });
    }
    if (ecs.passRoleArns === undefined || ecs.passRoleArns === null) {
        // A task definition naming a task or execution role cannot be registered without
        // iam:PassRole on it: the choice must be explicit, never a silent "no roles".
        problems.missing(
            "ecsDeploy.passRoleArns",
            "list the task and execution role ARNs your task definitions name (registering one with a role needs iam:PassRole on it), or set passRoleArns: [] if they name no role",
        );
    } else {
        checkList(problems, "ecsDeploy.passRoleArns", ecs.passRoleArns, (r) => ROLE_ARN_RE.test(r), "use the task or execution role ARN, arn:<partition>:iam::<account-id>:role/NAME, no wildcards");
    }
}

export const ecsDeploy: Capability<"ecsDeploy", EcsDeployScope> = {
    key: "ecsDeploy",
    shape: { object: { clusterArn: "string", services: "string[]", passRoleArns: "string[]" } },
    validate: (value, _args, problems) => checkEcsDeploy(value, problems),
    resolve: (value) => ({ clusterArn: value.clusterArn, services: value.services, passRoleArns: value.passRoleArns }),
    ciStatements: (scope) => ecsDeployStatements(ecsServiceArns(scope.clusterArn, scope.services), scope.passRoleArns),
    boundaryStatements: (scope) => ecsDeployStatements(scope.ecsServiceArns, scope.ecsPassRoleArns),
};
