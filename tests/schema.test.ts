// The multi-language contract: the Pulumi package schema that `pulumi package add` infers from this
// repository (PulumiPlugin.yaml, runtime nodejs), built offline as the plugin host builds it —
// ComponentProvider over the package directory with the components the library exports — in
// ./support/publish-worker.ts, started when this file loads. Property types are asserted in a
// TypeScript-like notation: `Input<T>` where other languages may pass an Output, `T` where they must
// pass a plain value.
import assert from "assert/strict";
import * as fs from "fs";
import * as path from "path";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as library from "../components";
import { ECR_CI_ENVIRONMENT_TYPE } from "../components";
import { WORKER_TIMEOUT_MS, startPublication } from "./support/published";

const publication = startPublication();

const REPO = path.resolve(__dirname, "..");
const TYPE_PREFIX = "#/types/ecr-ci:index:";

interface PropertySpec {
    type?: string;
    $ref?: string;
    plain?: boolean;
    optional?: boolean;
    description?: string;
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
}

interface ObjectTypeSpec {
    type: string;
    properties?: Record<string, PropertySpec>;
    required?: string[];
    enum?: { name: string; value: string; description?: string }[];
}

interface PackageSchema {
    name: string;
    version: string;
    resources: Record<
        string,
        {
            isComponent: boolean;
            description: string;
            inputProperties: Record<string, PropertySpec>;
            requiredInputs: string[];
            properties: Record<string, PropertySpec>;
            required: string[];
        }
    >;
    types: Record<string, ObjectTypeSpec>;
    dependencies: unknown[];
}

/** `string`, `Repository[]`, `Record<string, string>`, with `Input<…>` where an input is not plain. */
function typeOf(p: PropertySpec, isInput: boolean): string {
    const base = p.$ref
        ? p.$ref.replace(TYPE_PREFIX, "")
        : p.type === "array"
          ? `${typeOf(p.items!, isInput)}[]`
          : p.type === "object" && p.additionalProperties
            ? `Record<string, ${typeOf(p.additionalProperties, isInput)}>`
            : String(p.type);
    return isInput && !p.plain ? `Input<${base}>` : base;
}

/** Property name (with `?` when optional) → type. */
function shape(properties: Record<string, PropertySpec>, isInput: boolean): Record<string, string> {
    return Object.fromEntries(Object.entries(properties).map(([name, p]) => [`${name}${p.optional ? "?" : ""}`, typeOf(p, isInput)]));
}

/** The object and enum types a resource's inputs reach (directly or through other types), by token. */
function reachableTypes(schema: PackageSchema, resourceToken: string): string[] {
    const found = new Set<string>();
    const visit = (p: PropertySpec | undefined): void => {
        if (!p) {
            return;
        }
        const token = p.$ref?.startsWith(TYPE_PREFIX) ? p.$ref.slice("#/types/".length) : undefined;
        if (token && !found.has(token)) {
            found.add(token);
            Object.values(schema.types[token]?.properties ?? {}).forEach(visit);
        }
        visit(p.items);
        visit(p.additionalProperties);
    };
    Object.values(schema.resources[resourceToken].inputProperties).forEach(visit);
    return [...found];
}

/** Every place of a resource (`input environment`, `type …GitHub.owner`, …) whose description is missing. */
function undocumented(schema: PackageSchema, resourceToken: string): string[] {
    const resource = schema.resources[resourceToken];
    const places: [string, { description?: string }][] = [
        ["resource", resource],
        ...Object.entries(resource.inputProperties).map(([k, p]): [string, PropertySpec] => [`input ${k}`, p]),
        ...Object.entries(resource.properties).map(([k, p]): [string, PropertySpec] => [`output ${k}`, p]),
        ...reachableTypes(schema, resourceToken).flatMap((token) => [
            ...Object.entries(schema.types[token].properties ?? {}).map(([k, p]): [string, PropertySpec] => [`type ${token}.${k}`, p]),
            ...(schema.types[token].enum ?? []).map((e): [string, { description?: string }] => [`enum ${token}.${e.name}`, e]),
        ]),
    ];
    return places.filter(([, d]) => !d.description?.trim()).map(([place]) => place);
}

describe("multi-language package schema (PulumiPlugin.yaml)", () => {
    let schema: PackageSchema;
    const packageJson = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { name: string; version: string };

    before(async function () {
        this.timeout(WORKER_TIMEOUT_MS);
        schema = JSON.parse(await publication.schema) as PackageSchema;
    });

    it("is declared as a Node.js source plugin", () => {
        assert.equal(fs.readFileSync(path.join(REPO, "PulumiPlugin.yaml"), "utf8").replace(/^#.*\n/gm, "").trim(), "runtime: nodejs");
    });

    it("exposes every component the library exports as ecr-ci:index:<class>, EcrCiEnvironment among them", () => {
        const components = getPulumiComponents(library).map((c) => `ecr-ci:index:${c.name}`);
        assert.deepEqual(
            { name: schema.name, version: schema.version, resources: Object.keys(schema.resources).sort(), dependencies: schema.dependencies },
            { name: "ecr-ci", version: packageJson.version, resources: components.sort(), dependencies: [] },
        );
        // The token the class registers with must be the one the generated SDKs ask the plugin for.
        assert.deepEqual(
            { registered: ECR_CI_ENVIRONMENT_TYPE, isComponent: schema.resources[ECR_CI_ENVIRONMENT_TYPE]?.isComponent },
            { registered: "ecr-ci:index:EcrCiEnvironment", isComponent: true },
        );
    });

    it("infers the inputs: plain values except where Outputs are accepted, two required", () => {
        const resource = schema.resources[ECR_CI_ENVIRONMENT_TYPE];
        assert.deepEqual(shape(resource.inputProperties, true), {
            environment: "string",
            repositories: "Repository[]",
            "protect?": "boolean",
            "authMode?": "AuthMode",
            "github?": "GitHub",
            "oidcProvider?": "Input<string>",
            "maxSessionDurationSeconds?": "number",
            "trustPolicyMaxChars?": "number",
            "iamPath?": "string",
            "permissionsBoundaryArn?": "Input<string>",
            "pgpKey?": "string",
            "pullFrom?": "Input<string>[]",
            "ecsDeploy?": "EcsDeploy",
            "createRepositories?": "CreateRepositories",
            "stateBackend?": "StateBackend",
            "previewRole?": "PreviewRole",
            "tags?": "Record<string, string>",
        });
        assert.deepEqual(resource.requiredInputs, ["environment", "repositories"]);
    });

    it("infers the nested argument types and the enums of its inputs", () => {
        const types = Object.fromEntries(
            reachableTypes(schema, ECR_CI_ENVIRONMENT_TYPE).map((token) => {
                const t = schema.types[token];
                const described = t.enum ? Object.fromEntries(t.enum.map((e) => [e.name, e.value])) : { ...shape(t.properties ?? {}, true), required: t.required };
                return [token.replace("ecr-ci:index:", ""), described];
            }),
        );
        assert.deepEqual(types, {
            Repository: {
                name: "string",
                "imageTagMutability?": "ImageTagMutability",
                "scanOnPush?": "boolean",
                "kmsKeyArn?": "string",
                "untaggedExpiryDays?": "number",
                "keepImages?": "number",
                "forceDelete?": "boolean",
                "pullAccounts?": "string[]",
                required: ["name"],
            },
            ImageTagMutability: { Immutable: "IMMUTABLE", Mutable: "MUTABLE" },
            AuthMode: { Oidc: "oidc", User: "user" },
            SubjectFormat: { Legacy: "legacy", Immutable: "immutable", Both: "both" },
            GitHub: {
                owner: "string",
                repository: "string",
                "branches?": "string[]",
                "tags?": "string[]",
                "environments?": "string[]",
                "environmentRefs?": "string[]",
                "pullRequests?": "boolean",
                "ownerId?": "string",
                "repositoryId?": "string",
                "subjectFormat?": "SubjectFormat",
                "subjectClaims?": "string[]",
                "enterpriseSlug?": "string",
                "gheSubdomain?": "string",
                "serverHost?": "string",
                "jobWorkflowRef?": "string[]",
                required: ["owner", "repository"],
            },
            // Wired from other resources (a cluster, a service, task roles): Outputs accepted.
            EcsDeploy: { clusterArn: "Input<string>", services: "Input<string>[]", passRoleArns: "Input<string>[]", required: ["clusterArn", "passRoleArns", "services"] },
            CreateRepositories: { namePrefix: "string", requiredTags: "Record<string, string>", required: ["namePrefix", "requiredTags"] },
            StateBackend: { bucket: "string", "prefix?": "string", "kmsKeyArn?": "string", required: ["bucket"] },
            PreviewRole: { "maxSessionDurationSeconds?": "number", "stateBackend?": "StateBackend", required: [] },
        });
    });

    it("infers the outputs from the public fields: mode-specific ones optional", () => {
        const resource = schema.resources[ECR_CI_ENVIRONMENT_TYPE];
        assert.deepEqual(shape(resource.properties, false), {
            repositoryUrls: "Record<string, string>",
            repositoryArns: "Record<string, string>",
            registryId: "string",
            region: "string",
            policyArn: "string",
            "roleArn?": "string",
            "oidcProviderArn?": "string",
            "previewRoleArn?": "string",
            "userName?": "string",
            "accessKeyId?": "string",
            "secretAccessKey?": "string",
            "encryptedSecretAccessKey?": "string",
            githubActionsSnippet: "string",
        });
        assert.deepEqual(resource.required, ["githubActionsSnippet", "policyArn", "region", "registryId", "repositoryArns", "repositoryUrls"]);
    });

    it("documents every input, output, nested property and enum value from the JSDoc", () => {
        assert.deepEqual(undocumented(schema, ECR_CI_ENVIRONMENT_TYPE), []);
        const resource = schema.resources[ECR_CI_ENVIRONMENT_TYPE];
        assert.deepEqual(
            {
                component: resource.description.split("\n")[0],
                oidcProvider: resource.inputProperties.oidcProvider.description,
                branches: schema.types["ecr-ci:index:GitHub"].properties!.branches.description,
                roleArn: resource.properties.roleArn.description,
            },
            {
                component: "One environment (one stack) of one GitHub repository's image pipeline:",
                oidcProvider: [
                    "GitHub's OIDC provider: there is one per URL per account, owned by one stack (the bootstrap",
                    "creates it, protected). `lookup` finds the account's provider by its URL at deploy time (no",
                    "ARN to paste); `create` creates it here, protected (only one stack of the account may); or the",
                    "ARN of an existing one (`arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com`).",
                    "Another environment's `oidcProviderArn` output can be passed as is; it must resolve to an ARN.",
                ].join("\n"),
                // JSDoc tags (`@default`) are not part of the inferred description.
                branches: "Branches whose workflows may push, e.g. `main` or the pattern `release/*`.",
                roleArn: "OIDC mode: the role GitHub Actions assumes (`role-to-assume`).",
            },
        );
    });
});
