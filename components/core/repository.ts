// ECR repository settings and lifecycle policy. Pure.
import { ImageTagMutability, Repository } from "../contract/args";

export const DEFAULT_UNTAGGED_EXPIRY_DAYS = 14;

/** The resolved settings of one repository: every default applied. */
export interface RepositorySettings {
    readonly name: string;
    readonly imageTagMutability: ImageTagMutability;
    readonly scanOnPush: boolean;
    readonly encryption: { readonly encryptionType: "AES256" } | { readonly encryptionType: "KMS"; readonly kmsKey: string };
    readonly forceDelete: boolean;
    readonly untaggedExpiryDays: number;
    readonly keepImages?: number;
}

export function repositorySettings(repo: Repository): RepositorySettings {
    return {
        name: repo.name,
        imageTagMutability: repo.imageTagMutability ?? ImageTagMutability.Immutable,
        scanOnPush: repo.scanOnPush ?? true,
        encryption: repo.kmsKeyArn ? { encryptionType: "KMS", kmsKey: repo.kmsKeyArn } : { encryptionType: "AES256" },
        forceDelete: repo.forceDelete ?? false,
        untaggedExpiryDays: repo.untaggedExpiryDays ?? DEFAULT_UNTAGGED_EXPIRY_DAYS,
        ...(repo.keepImages !== undefined ? { keepImages: repo.keepImages } : {}),
    };
}

export interface LifecycleRule {
    readonly rulePriority: number;
    readonly description: string;
    readonly selection: {
        readonly tagStatus: "untagged" | "any";
        readonly countType: "sinceImagePushed" | "imageCountMoreThan";
        readonly countUnit?: "days";
        readonly countNumber: number;
    };
    readonly action: { readonly type: "expire" };
}

/**
 * Always at least one rule, so the policy is never empty (an empty one fails at apply). The default
 * rule only expires *untagged* images: a tagged image may still be deployed. `keepImages` is an
 * explicit opt-in; as a `tagStatus: any` rule it must have the highest priority number.
 */
export function lifecyclePolicy(settings: RepositorySettings): { rules: LifecycleRule[] } {
    const rules: LifecycleRule[] = [
        {
            rulePriority: 1,
            description: `Expire untagged images ${settings.untaggedExpiryDays} ${settings.untaggedExpiryDays === 1 ? "day" : "days"} after push`,
            selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: settings.untaggedExpiryDays,
            },
            action: { type: "expire" },
        },
    ];
    if (settings.keepImages !== undefined) {
        rules.push({
            rulePriority: 2,
            description: `Keep only the newest ${settings.keepImages} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: settings.keepImages },
            action: { type: "expire" },
        });
    }
    return { rules };
}
