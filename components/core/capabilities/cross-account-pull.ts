// Cross-account pulls (`repositories[].pullAccounts`): a repository policy letting other accounts or
// principals pull, and nothing else. A repository policy, not an identity statement: the deployer's
// boundary needs nothing for it.
import { ACCOUNT_ID_RE, PRINCIPAL_ARN_RE } from "../aws";
import { checkList } from "../checks";
import { ECR_PULL_ACTIONS } from "../ecr-actions";
import { policyDocument, serializePolicy, sortedUnique } from "../policy";
import type { Problems } from "../../contract/problems";

export const PULL_ACCOUNTS_RULE =
    "use a 12-digit account ID or a principal ARN arn:<partition>:iam::<account-id>:root|role/NAME|user/NAME, no wildcards";

export function checkPullAccounts(values: unknown, field: string, problems: Problems): void {
    checkList(problems, field, values, (p) => ACCOUNT_ID_RE.test(p) || PRINCIPAL_ARN_RE.test(p), PULL_ACCOUNTS_RULE);
}

/** Repository policy for cross-account pulls: pull actions only, to exactly the listed principals. */
export function crossAccountPullPolicy(partition: string, pullAccounts: readonly string[]): string {
    const principals = sortedUnique(pullAccounts.map((p) => (ACCOUNT_ID_RE.test(p) ? `arn:${partition}:iam::${p}:root` : p)));
    return serializePolicy(
        policyDocument([
            {
                Sid: "CrossAccountPull",
                Effect: "Allow",
                Principal: { AWS: principals.length === 1 ? principals[0] : principals },
                Action: [...ECR_PULL_ACTIONS],
            },
        ]),
    );
}
