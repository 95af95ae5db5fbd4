// TypeScript callers may write the enums by value. `npm test` type-checks this file: each
// `@ts-expect-error` fails the type check if the line it marks ever compiles.
import assert from "assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AuthMode, ImageTagMutability, SubjectFormat, environmentArgs, validateEnvironmentArgs } from "../components";

describe("enums written by value (TypeScript)", () => {
    it("\"user\", \"MUTABLE\" and \"both\" are the enum members themselves", () => {
        const args = environmentArgs({
            environment: "ci",
            authMode: "user",
            repositories: [{ name: "api", imageTagMutability: "MUTABLE" }],
            permissionsBoundaryArn: pulumi.output("arn:aws:iam::123456789012:policy/ecr-ci-boundary"),
        });
        assert.equal(args.authMode, AuthMode.User);
        assert.equal(args.repositories[0].imageTagMutability, ImageTagMutability.Mutable);
        assert.deepEqual(validateEnvironmentArgs(args), []);
        const oidc = environmentArgs({ environment: "dev", repositories: [{ name: "app" }], github: { owner: "acme", repository: "app", branches: ["dev"], ownerId: "1", repositoryId: "2", subjectFormat: "both" } });
        assert.equal(oidc.github?.subjectFormat, SubjectFormat.Both);
    });

    it("a value that is no member does not compile, and is refused at run time with the field named", () => {
        // @ts-expect-error "admin" is not an AuthMode
        const args = environmentArgs({ environment: "ci", authMode: "admin", repositories: [{ name: "api" }] });
        assert.deepEqual(validateEnvironmentArgs(args), [`args.authMode = "admin": use "oidc" or "user"`]);
    });
});
