// How stack config text becomes args (components/contract/parse.ts): each shape of the config schema
// — string, boolean, integer, id, string[], strings, record, object, list, flag — given the right
// and the wrong kind of value, nested and at the top, as JSON and as text that is not JSON; unknown
// keys and the typo guess at its distance bound. Whole messages or whole args. Written against the
// mutants `npm run mutate` found alive.
import assert from "assert/strict";
import { parseStackConfig } from "../../components/contract/parse";

const BASE: Record<string, string> = {
    "aws:region": "eu-west-1",
    "ecr-ci:environment": "dev",
    "ecr-ci:repositories": `[{"name":"app-dev"}]`,
    "ecr-ci:github": `{"owner":"acme","repository":"app","branches":["main"]}`,
};
const KNOWN = "ecr-ci:environment, ecr-ci:repositories, ecr-ci:protect, ecr-ci:authMode, ecr-ci:github, ecr-ci:oidcProvider, ecr-ci:maxSessionDurationSeconds, ecr-ci:trustPolicyMaxChars, ecr-ci:iamPath, ecr-ci:permissionsBoundaryArn, ecr-ci:pgpKey, ecr-ci:pullFrom, ecr-ci:ecsDeploy, ecr-ci:createRepositories, ecr-ci:stateBackend, ecr-ci:previewRole, ecr-ci:tags";

interface Row {
    readonly name: string;
    /** Keys added to (or replacing) BASE's. */
    readonly config: Record<string, string>;
    readonly args?: object;
    readonly error?: string;
}

const ROWS: readonly Row[] = [
    { name: "nested string kind given a number", config: {"ecr-ci:repositories": "[{\"name\":5}]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0].name = 5: must be a string` },
    { name: "nested boolean kind given text", config: {"ecr-ci:repositories": "[{\"name\":\"app-dev\",\"scanOnPush\":\"yes\"}]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0].scanOnPush = "yes": use true or false` },
    { name: "nested integer kind given 1.5", config: {"ecr-ci:repositories": "[{\"name\":\"app-dev\",\"keepImages\":1.5}]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0].keepImages = 1.5: use a whole number` },
    { name: "nested integer kind given text", config: {"ecr-ci:repositories": "[{\"name\":\"app-dev\",\"keepImages\":\"7\"}]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0].keepImages = "7": use a whole number` },
    { name: "nested string[] kind given one string", config: {"ecr-ci:repositories": "[{\"name\":\"app-dev\",\"pullAccounts\":\"123456789012\"}]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0].pullAccounts = "123456789012": use a list of strings (e.g. ["main"])` },
    { name: "nested string[] kind with a number", config: {"ecr-ci:repositories": "[{\"name\":\"app-dev\",\"pullAccounts\":[\"123456789012\",1]}]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0].pullAccounts = ["123456789012",1]: use a list of strings (e.g. ["main"])` },
    { name: "nested null is absent", config: {"ecr-ci:repositories": "[{\"name\":\"app-dev\",\"keepImages\":null}]"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"]}} },
    { name: "record with a number", config: {"ecr-ci:tags": "{\"a\":1}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:tags = {"a":1}: use a map of strings (e.g. { team: "platform" })` },
    { name: "record as a list", config: {"ecr-ci:tags": "[\"a\"]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:tags = ["a"]: use a map of strings (e.g. { team: "platform" })` },
    { name: "record as null", config: {"ecr-ci:tags": "null"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:tags = null: use a map of strings (e.g. { team: "platform" })` },
    { name: "record ok", config: {"ecr-ci:tags": "{\"team\":\"platform\"}"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"]}, "tags": {"team": "platform"}} },
    { name: "strings: one string", config: {"ecr-ci:github": "{\"owner\":\"acme\",\"repository\":\"app\",\"branches\":[\"main\"],\"environments\":[\"p\"],\"environmentRefs\":\"refs/heads/main\"}"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"], "environments": ["p"], "environmentRefs": ["refs/heads/main"]}} },
    { name: "strings: list with a number", config: {"ecr-ci:github": "{\"owner\":\"acme\",\"repository\":\"app\",\"branches\":[\"main\"],\"environments\":[\"p\"],\"environmentRefs\":[\"refs/heads/main\",1]}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github.environmentRefs = ["refs/heads/main",1]: use a string or a list of strings (e.g. ["main"])` },
    { name: "strings: a number", config: {"ecr-ci:github": "{\"owner\":\"acme\",\"repository\":\"app\",\"branches\":[\"main\"],\"environments\":[\"p\"],\"environmentRefs\":1}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github.environmentRefs = 1: use a string or a list of strings (e.g. ["main"])` },
    { name: "id: numbers", config: {"ecr-ci:github": "{\"owner\":\"acme\",\"repository\":\"app\",\"branches\":[\"main\"],\"ownerId\":123456789,\"repositoryId\":987654321}"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"], "ownerId": "123456789", "repositoryId": "987654321"}} },
    { name: "id: 1.5", config: {"ecr-ci:github": "{\"owner\":\"acme\",\"repository\":\"app\",\"branches\":[\"main\"],\"ownerId\":1.5,\"repositoryId\":\"987654321\"}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github.ownerId = 1.5: use a numeric ID` },
    { name: "id: true", config: {"ecr-ci:github": "{\"owner\":\"acme\",\"repository\":\"app\",\"branches\":[\"main\"],\"ownerId\":true,\"repositoryId\":\"987654321\"}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github.ownerId = true: use a numeric ID` },
    { name: "object given a list", config: {"ecr-ci:github": "[]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github = []: use an object with owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef` },
    { name: "object given null", config: {"ecr-ci:github": "null"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github = null: use an object with owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef` },
    { name: "object given a number", config: {"ecr-ci:github": "5"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github = 5: use an object with owner, repository, branches, tags, environments, environmentRefs, pullRequests, ownerId, repositoryId, subjectFormat, subjectClaims, enterpriseSlug, gheSubdomain, serverHost, jobWorkflowRef` },
    { name: "nested object given a number", config: {"ecr-ci:previewRole": "{\"stateBackend\":5}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:previewRole.stateBackend = 5: use an object with bucket, prefix, kmsKeyArn` },
    { name: "nested object unknown field", config: {"ecr-ci:previewRole": "{\"stateBackend\":{\"bucket\":\"acme-state\",\"prefx\":\"a\"}}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:previewRole.stateBackend.prefx is not a known setting (did you mean prefix?); known: bucket, prefix, kmsKeyArn` },
    { name: "list given an object", config: {"ecr-ci:repositories": "{\"name\":\"app-dev\"}"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories = {"name":"app-dev"}: use a list of objects, e.g. [{ name: "app-dev" }]` },
    { name: "list item not an object", config: {"ecr-ci:repositories": "[5]"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories[0] = 5: use an object with name, imageTagMutability, scanOnPush, kmsKeyArn, untaggedExpiryDays, keepImages, forceDelete, pullAccounts` },
    { name: "flag true", config: {"ecr-ci:previewRole": "true"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"]}, "previewRole": {}} },
    { name: "flag false", config: {"ecr-ci:previewRole": "false"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"]}} },
    { name: "flag not JSON", config: {"ecr-ci:previewRole": "yes"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:previewRole = "yes": use true, false or an object (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)` },
    { name: "object not JSON", config: {"ecr-ci:github": "acme/app"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:github = "acme/app": use an object (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)` },
    { name: "list not JSON", config: {"ecr-ci:repositories": "app-dev"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:repositories = "app-dev": use a list of objects (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)` },
    { name: "record not JSON", config: {"ecr-ci:tags": "team=platform"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:tags = "team=platform": use a map of strings (e.g. { team: "platform" }) (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)` },
    { name: "string[] not JSON", config: {"ecr-ci:pullFrom": "app-dev"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:pullFrom = "app-dev": use a list of strings (e.g. ["main"]) (write it as YAML structure in Pulumi.<stack>.yaml, or JSON)` },
    { name: "string[] JSON string", config: {"ecr-ci:pullFrom": "\"app-dev\""}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:pullFrom = "app-dev": use a list of strings (e.g. ["main"])` },
    { name: "boolean text", config: {"ecr-ci:protect": "yes"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:protect = "yes": use true or false` },
    { name: "boolean false", config: {"ecr-ci:protect": "false"}, args: {"environment": "dev", "repositories": [{"name": "app-dev"}], "github": {"owner": "acme", "repository": "app", "branches": ["main"]}, "protect": false} },
    { name: "integer 1.5", config: {"ecr-ci:maxSessionDurationSeconds": "1.5"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:maxSessionDurationSeconds = "1.5": use a whole number` },
    { name: "integer negative", config: {"ecr-ci:maxSessionDurationSeconds": "-5"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:maxSessionDurationSeconds = -5: use a whole number of seconds from 3600 to 43200` },
    { name: "integer with text after", config: {"ecr-ci:maxSessionDurationSeconds": "3600s"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:maxSessionDurationSeconds = "3600s": use a whole number` },
    { name: "integer with text before", config: {"ecr-ci:maxSessionDurationSeconds": "x3600"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:maxSessionDurationSeconds = "x3600": use a whole number` },
    { name: "typo distance 3 in a 9-character key", config: {"ecr-ci:pgpKeyXYZ": "a"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:pgpKeyXYZ is not a known setting (did you mean ecr-ci:pgpKey?); known: ${KNOWN}` },
    { name: "distance 3 in a 6-character key: no guess", config: {"ecr-ci:pgpXYZ": "a"}, error: `Invalid ecr-ci stack configuration: 1 problem:\n  - ecr-ci:pgpXYZ is not a known setting; known: ${KNOWN}` },
];

describe("stack config shapes, right and wrong values, whole", () => {
    for (const row of ROWS) {
        it(row.name, () => {
            const config = { ...BASE, ...row.config };
            if (row.error === undefined) {
                assert.deepEqual(parseStackConfig(config), row.args);
            } else {
                assert.throws(() => parseStackConfig(config), { name: "EcrCiValidationError", message: row.error });
            }
        });
    }
});
