// The GitHub Actions steps a pipeline needs to use an environment. Pure. The stack output
// `githubActionsSnippet` and the example workflows are generated from / checked against this one source.
import { AuthMode } from "../contract/args";

/** Actions pinned to a major version. */
export const ACTIONS = {
    checkout: "actions/checkout@v5",
    configureAwsCredentials: "aws-actions/configure-aws-credentials@v6",
    ecrLogin: "aws-actions/amazon-ecr-login@v2",
} as const;

/** One workflow step that runs an action, as data. */
export interface ActionStep {
    readonly name: string;
    readonly id?: string;
    readonly uses: string;
    /** The action's inputs, in the order they are written. */
    readonly with?: Readonly<Record<string, string>>;
}

/**
 * The steps that give a job AWS credentials and a Docker login to ECR. The stack output renders them
 * with literal values; the example workflows must contain exactly these steps with `${{ vars.* }}`
 * expressions as values (tests/workflows.test.ts).
 */
export function credentialSteps(input: Omit<SnippetInput, "repositoryUrl">): ActionStep[] {
    const credentials: Record<string, string> =
        input.authMode === AuthMode.Oidc
            ? { "role-to-assume": `${input.roleArn}`, "aws-region": input.region, audience: input.audience }
            : {
                  "aws-access-key-id": "${{ secrets.AWS_ACCESS_KEY_ID }}",
                  "aws-secret-access-key": "${{ secrets.AWS_SECRET_ACCESS_KEY }}",
                  "aws-region": input.region,
              };
    return [
        { name: "Configure AWS credentials", uses: ACTIONS.configureAwsCredentials, with: credentials },
        { name: "Log in to Amazon ECR", id: "ecr", uses: ACTIONS.ecrLogin },
    ];
}

/** A step as YAML lines of a `steps:` list, unindented. */
function stepLines(step: ActionStep): string[] {
    return [
        `- name: ${step.name}`,
        ...(step.id ? [`  id: ${step.id}`] : []),
        `  uses: ${step.uses}`,
        ...(step.with ? ["  with:", ...Object.entries(step.with).map(([key, value]) => `    ${key}: ${value}`)] : []),
    ];
}

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
    return [
        "permissions:",
        ...(oidc ? ["  id-token: write # GitHub OIDC token for sts:AssumeRoleWithWebIdentity"] : []),
        "  contents: read",
        "steps:",
        `  - uses: ${ACTIONS.checkout}`,
        ...credentialSteps(input)
            .flatMap(stepLines)
            .map((line) => `  ${line}`),
        // Quoted: an unquoted ": " inside a plain scalar is a YAML syntax error.
        '  - name: "Build and push (immutable tag: the commit SHA)"',
        "    run: |",
        `      docker build -t "${input.repositoryUrl}:\${GITHUB_SHA}" .`,
        `      docker push "${input.repositoryUrl}:\${GITHUB_SHA}"`,
        "",
    ].join("\n");
}
