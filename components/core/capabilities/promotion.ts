// Promotion pulls (`pullFrom`): read-only pulls from other repositories, e.g. prod's pipeline pulling
// the image tested in `app-dev` to push it unchanged into `app-prod`.
import { ECR_REPOSITORY_ARN_RE, ecrRepositoryArn, isEcrRepositoryName } from "../aws";
import { ECR_PULL_ACTIONS } from "../ecr-actions";
import { PolicyStatement, list, sortedUnique } from "../policy";
import type { Capability } from "./capability";

export const PULL_FROM_RULE =
    "use a repository name in this account and region (e.g. \"app-dev\") or a repository ARN arn:<partition>:ecr:<region>:<account-id>:repository/NAME, no wildcards";

/** A repository name or ARN that may appear in a policy: no `*`, `?` or `${…}`. */
export function isPullSource(value: unknown): value is string {
    return typeof value === "string" && !value.includes("*") && (isEcrRepositoryName(value) || ECR_REPOSITORY_ARN_RE.test(value));
}

/** `PromotionPull`: read-only pulls from other repositories; nothing when there are none. */
export function promotionStatements(pullFromArns: readonly string[]): PolicyStatement[] {
    return pullFromArns.length === 0
        ? []
        : [{ Sid: "PromotionPull", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: list(sortedUnique(pullFromArns)) }];
}

/** Names resolve to the target's account and region; ARNs are taken as given. */
export function pullFromArns(values: readonly string[], target: Parameters<typeof ecrRepositoryArn>[0]): string[] {
    return values.map((p) => (ECR_REPOSITORY_ARN_RE.test(p) ? p : ecrRepositoryArn(target, p)));
}

export const promotion: Capability<"pullFrom", string[]> = {
    key: "pullFrom",
    shape: "string[]",
    validate(values, _args, problems) {
        values.forEach((value, i) => {
            // An Output (another stack's repository ARN) is checked once known.
            if ((typeof value !== "object" || value === null) && !isPullSource(value)) {
                problems.invalid(`pullFrom[${i}]`, value, PULL_FROM_RULE);
            }
        });
    },
    resolve: (values, target) => pullFromArns(values, target),
    ciStatements: promotionStatements,
    boundaryStatements: (scope) => promotionStatements(scope.pullFromArns),
};
