import assert from "assert/strict";
import { lifecyclePolicy, repositorySettings } from "../components/core/repository";
import { ImageTagMutability } from "../components/contract/args";

describe("repositorySettings", () => {
    const cases = [
        {
            name: "secure defaults",
            repo: { name: "app-dev" },
            expected: {
                name: "app-dev",
                imageTagMutability: ImageTagMutability.Immutable,
                scanOnPush: true,
                encryption: { encryptionType: "AES256" },
                forceDelete: false,
                untaggedExpiryDays: 14,
            },
        },
        {
            name: "every override",
            repo: {
                name: "team/app",
                imageTagMutability: ImageTagMutability.Mutable,
                scanOnPush: false,
                kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                untaggedExpiryDays: 3,
                keepImages: 50,
                forceDelete: true,
            },
            expected: {
                name: "team/app",
                imageTagMutability: ImageTagMutability.Mutable,
                scanOnPush: false,
                encryption: { encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
                forceDelete: true,
                untaggedExpiryDays: 3,
                keepImages: 50,
            },
        },
    ];
    for (const c of cases) {
        it(c.name, () => assert.deepEqual(repositorySettings(c.repo), c.expected));
    }
});

describe("lifecyclePolicy", () => {
    it("default: only untagged images expire, so no deployed (tagged) image is ever deleted", () => {
        const policy = lifecyclePolicy(repositorySettings({ name: "app" }));
        assert.deepEqual(policy, {
            rules: [
                {
                    rulePriority: 1,
                    description: "Expire untagged images 14 days after push",
                    selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
                    action: { type: "expire" },
                },
            ],
        });
        // ECR rejects an empty or too short lifecycle policy text (minimum 100 characters).
        assert.ok(JSON.stringify(policy).length >= 100);
    });

    it("opt-in keepImages: a lower-priority 'any' rule after the untagged one", () => {
        assert.deepEqual(lifecyclePolicy(repositorySettings({ name: "app", untaggedExpiryDays: 1, keepImages: 30 })).rules, [
            {
                rulePriority: 1,
                description: "Expire untagged images 1 day after push",
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: "Keep only the newest 30 images",
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
                action: { type: "expire" },
            },
        ]);
    });
});
