// The GitHub Actions steps a pipeline needs to use an environment. Pure. The stack output
// `githubActionsSnippet` and the example workflows are generated from / checked against this one source.
import { AuthMode } from "./types";

/** Actions pinned to a major version. */
export const ACTIONS = {
    configureAwsCredentials: "aws-actions/configure-aws-credentials@v6",
    ecrLogin: "aws-actions/amazon-ecr-login@v2",
} as const;

export interface SnippetInput {
    readonly authMode: AuthMode;
    /** OIDC: the role to assume. */
    readonly roleArn?: string;
    readonly region: string;
    /** OIDC: `sts.amazonaws.com` (`sts.amazonaws.com.cn` in aws-cn). */
    readonly audience: string;
    /** The repository URL the example push step uses. */
    readonly repositoryUrl: string;
}

/** A ready-to-paste job fragment: permissions and steps, indented for a job body. */
export function githubActionsSnippet(input: SnippetInput): string {
    const oidc = input.authMode === AuthMode.Oidc;
    const credentials = oidc
        ? [`role-to-assume: ${input.roleArn}`, `aws-region: ${input.region}`, `audience: ${input.audience}`]
        : [
              "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}",
              "aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}",
              `aws-region: ${input.region}`,
          ];
    return [
        "permissions:",
        ...(oidc ? ["  id-token: write # GitHub OIDC token for sts:AssumeRoleWithWebIdentity"] : []),
        "  contents: read",
        "steps:",
        "  - uses: actions/checkout@v5",
        "  - name: Configure AWS credentials",
        `    uses: ${ACTIONS.configureAwsCredentials}`,
        "    with:",
        ...credentials.map((line) => `      ${line}`),
        "  - name: Log in to Amazon ECR",
        "    id: ecr",
        `    uses: ${ACTIONS.ecrLogin}`,
        "  - name: Build and push (immutable tag: the commit SHA)",
        "    run: |",
        `      docker build -t "${input.repositoryUrl}:\${GITHUB_SHA}" .`,
        `      docker push "${input.repositoryUrl}:\${GITHUB_SHA}"`,
        "",
    ].join("\n");
}
