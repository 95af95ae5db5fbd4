// Pulumi mocks that model the AWS resources ecr-ci creates faithfully enough to review: realistic
// ARNs, names, repository URLs, registry IDs and key IDs for one account, region and partition.
// Shared by the unit tests and the offline plan (tools/plan.ts). Not part of the library.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export interface MockWorld {
    /** 12-digit account ID. @default "123456789012" */
    readonly accountId?: string;
    /** @default "eu-west-1" */
    readonly region?: string;
    /**
     * URLs of the GitHub OIDC providers the account already has, for `getOpenIdConnectProvider`
     * look-ups. @default ["https://token.actions.githubusercontent.com"] (as after the bootstrap)
     */
    readonly oidcProviderUrls?: readonly string[];
}

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly id: string | undefined;
    readonly custom: boolean;
    /** The parent's URN, if any. */
    readonly parent: string | undefined;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly inputs: Record<string, unknown>;
    /** Custom resources: the mocked state. Components: what `registerOutputs` sent (secrets still wrapped). */
    readonly outputs: Record<string, unknown>;
    /** Output names the resource marks secret (`additionalSecretOutputs`, e.g. an access key's `secret`). */
    readonly additionalSecretOutputs: readonly string[];
}

export interface RecordedInvoke {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
}

/** Partition and DNS suffix of a region, as AWS's getPartition reports them. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
    if (region.startsWith("cn-")) {
        return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
    }
    if (region.startsWith("us-gov-")) {
        return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
    }
    return { partition: "aws", dnsSuffix: "amazonaws.com" };
}

/** Deterministic uppercase-alphanumeric string derived from `seed`. */
function fake(seed: string, length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"): string {
    const bytes = createHash("sha256").update(seed).digest();
    let out = "";
    for (let i = 0; out.length < length; i++) {
        out += alphabet[bytes[i % bytes.length] % alphabet.length];
    }
    return out;
}

type State = Record<string, unknown>;

/** Mocks for @pulumi/aws that record every resource and invoke. Unmocked invokes throw. */
export class AwsMocks implements pulumi.runtime.Mocks {
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    readonly dnsSuffix: string;
    readonly invokes: RecordedInvoke[] = [];
    readonly resources: RecordedResource[] = [];
    private readonly pending = new Map<string, { inputs: State; outputs: State; id: string | undefined }>();

    private readonly oidcProviderUrls: readonly string[];

    constructor(world: MockWorld = {}) {
        this.oidcProviderUrls = world.oidcProviderUrls ?? ["https://token.actions.githubusercontent.com"];
        this.accountId = world.accountId ?? "123456789012";
        this.region = world.region ?? "eu-west-1";
        ({ partition: this.partition, dnsSuffix: this.dnsSuffix } = partitionOf(this.region));
    }

    private iamArn(resource: string): string {
        return `arn:${this.partition}:iam::${this.accountId}:${resource}`;
    }

    /** What AWS would return for a resource of `type` created from `inputs`. */
    private outputsFor(type: string, name: string, inputs: State): { id: string; state: State } {
        const physical = (inputs.name as string | undefined) ?? `${name}-${fake(name, 7, "0123456789abcdef")}`;
        const path = (inputs.path as string | undefined) ?? "/";
        switch (type) {
            case "aws:ecr/repository:Repository":
                return {
                    id: physical,
                    state: {
                        name: physical,
                        arn: `arn:${this.partition}:ecr:${this.region}:${this.accountId}:repository/${physical}`,
                        registryId: this.accountId,
                        repositoryUrl: `${this.accountId}.dkr.ecr.${this.region}.${this.dnsSuffix}/${physical}`,
                    },
                };
            case "aws:ecr/lifecyclePolicy:LifecyclePolicy":
            case "aws:ecr/repositoryPolicy:RepositoryPolicy":
                return { id: String(inputs.repository), state: { registryId: this.accountId } };
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
                const arn = this.iamArn(`oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`);
                return { id: arn, state: { arn, thumbprintLists: inputs.thumbprintLists ?? [] } };
            }
            case "aws:iam/role:Role":
                return {
                    id: physical,
                    state: { name: physical, path, arn: this.iamArn(`role${path}${physical}`), uniqueId: `AROA${fake(physical, 17)}` },
                };
            case "aws:iam/policy:Policy": {
                const arn = this.iamArn(`policy${path}${physical}`);
                return { id: arn, state: { name: physical, path, arn, policyId: `ANPA${fake(physical, 17)}`, attachmentCount: 1 } };
            }
            case "aws:iam/user:User":
                return {
                    id: physical,
                    state: { name: physical, path, arn: this.iamArn(`user${path}${physical}`), uniqueId: `AIDA${fake(physical, 17)}` },
                };
            case "aws:iam/accessKey:AccessKey": {
                const id = `AKIA${fake(name, 16)}`;
                const secret = fake(`secret:${name}`, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
                return {
                    id,
                    state: inputs.pgpKey
                        ? { encryptedSecret: Buffer.from(`pgp:${secret}`).toString("base64"), keyFingerprint: fake(`fp:${name}`, 40, "0123456789abcdef"), status: "Active" }
                        : { secret, status: "Active" },
                };
            }
            case "aws:ecs/cluster:Cluster": {
                const arn = `arn:${this.partition}:ecs:${this.region}:${this.accountId}:cluster/${physical}`;
                return { id: arn, state: { name: physical, arn } };
            }
            case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
                return { id: `${String(inputs.role)}-${fake(name, 20, "0123456789abcdef")}`, state: {} };
            case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
                return { id: `${String(inputs.user)}-${fake(name, 20, "0123456789abcdef")}`, state: {} };
            default:
                return { id: `${physical}`, state: {} };
        }
    }

    /**
     * What a remote (multi-language) component's provider would return. Under mocks such a component
     * registers alone, without children, so its outputs are made up here from its inputs.
     */
    private remoteComponentOutputs(type: string, name: string, inputs: State): State {
        switch (type) {
            case "awsx:ec2:DefaultVpc":
                return {
                    vpcId: `vpc-${fake(name, 17, "0123456789abcdef")}`,
                    publicSubnetIds: ["a", "b", "c"].map((az) => `subnet-${fake(`${name}-${az}`, 17, "0123456789abcdef")}`),
                    privateSubnetIds: [],
                };
            case "awsx:ecs:FargateService": {
                // `service` stands in for the aws.ecs.Service the real component returns a reference to.
                const cluster = String(inputs.cluster);
                const serviceName = (inputs.name as string | undefined) ?? `${name}-${fake(name, 7, "0123456789abcdef")}`;
                const arn = `arn:${this.partition}:ecs:${this.region}:${this.accountId}:service/${cluster.split("/").pop()}/${serviceName}`;
                return { service: { id: arn, arn, name: serviceName, cluster } };
            }
            default:
                return {};
        }
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const inputs = (args.inputs ?? {}) as State;
        let id: string | undefined;
        let outputs: State;
        if (args.custom === false) {
            id = undefined;
            outputs = { ...inputs, ...this.remoteComponentOutputs(args.type, args.name, inputs) };
        } else {
            const result = this.outputsFor(args.type, args.name, inputs);
            id = result.id;
            outputs = { ...inputs, ...result.state };
        }
        this.pending.set(`${args.type}::${args.name}`, { inputs, outputs, id });
        return { id, state: outputs };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
            case "aws:index/getPartition:getPartition":
                return { id: this.partition, partition: this.partition, dnsSuffix: this.dnsSuffix, reverseDnsPrefix: this.dnsSuffix.split(".").reverse().join(".") };
            case "aws:index/getRegion:getRegion":
                return { id: this.region, region: this.region, name: this.region, endpoint: `ec2.${this.region}.${this.dnsSuffix}`, description: this.region };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    id: this.accountId,
                    accountId: this.accountId,
                    arn: this.iamArn("user/deployer"),
                    userId: `AIDA${fake("deployer", 17)}`,
                };
            case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
                // Like IAM: found by URL only if the account has it (the provider's name is its host).
                const url = String(args.inputs.url);
                if (!this.oidcProviderUrls.includes(url)) {
                    throw new Error(`no IAM OpenID Connect provider with URL ${url} in account ${this.accountId}`);
                }
                const host = url.replace(/^https:\/\//, "");
                const arn = this.iamArn(`oidc-provider/${host}`);
                return { id: arn, arn, url: host, clientIdLists: [`sts.${this.dnsSuffix}`], thumbprintLists: [], tags: {} };
            }
            default:
                throw new Error(`unmocked invoke ${args.token}`);
        }
    }

    /** Called by the monitor hook once a registration has its URN (`parent` as the program gave it). */
    record(req: RegisterRequest, urn: string, parent: string = req.getParent()): void {
        const type = req.getType();
        const name = req.getName();
        const seen = this.pending.get(`${type}::${name}`);
        this.resources.push({
            urn,
            type,
            name,
            id: seen?.id,
            custom: req.getCustom(),
            parent: parent || undefined,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            inputs: seen?.inputs ?? {},
            outputs: seen?.outputs ?? {},
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        });
    }

    /** Called by the monitor hook when a component (or the stack) registers its outputs. */
    recordOutputs(urn: string, outputs: Record<string, unknown>): void {
        const i = this.resources.findIndex((r) => r.urn === urn);
        if (i >= 0) {
            this.resources[i] = { ...this.resources[i], outputs };
        }
    }

    /** Resources of one type, in registration order. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getAdditionalsecretoutputsList(): string[];
    setParent(urn: string): unknown;
}

interface RegisterOutputsRequest {
    getUrn(): string;
    getOutputs(): Parameters<typeof pulumi.runtime.deserializeProperties>[0] | undefined;
}

interface HookableMonitor {
    registerResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): unknown;
    registerResourceOutputs(req: RegisterOutputsRequest, callback: (err: unknown) => void): unknown;
}

/** The type of the root resource `pulumi.runtime.runInPulumiStack` registers. */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

function isRootStack(urn: string): boolean {
    return urn.split("::")[2] === ROOT_STACK_TYPE;
}

/**
 * Install fresh AWS mocks (not in preview mode, so outputs are known) and hook the mock monitor so
 * every registration's parent and protect flags are recorded too.
 */
export async function setAwsMocks(world: MockWorld = {}, project = "ecr-ci", stack = "test"): Promise<AwsMocks> {
    const mocks = new AwsMocks(world);
    await pulumi.runtime.setMocks(mocks, project, stack, false);
    const monitor = pulumi.runtime.getMonitor() as unknown as HookableMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const parent = req.getParent();
        if (parent && isRootStack(parent)) {
            // Like the engine, leave the root stack's type out of its children's URNs (the mock
            // monitor would write `pulumi:pulumi:Stack$...`); the parent is still recorded.
            req.setParent("");
        }
        return register(req, (err, res) => {
            if (!err && res) {
                mocks.record(req, res.getUrn(), parent);
            }
            callback(err, res);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
        const outputs = req.getOutputs();
        mocks.recordOutputs(req.getUrn(), outputs ? pulumi.runtime.deserializeProperties(outputs) : {});
        return registerOutputs(req, callback);
    };
    return mocks;
}

/** Resolve an Output in a test or tool (mocks run outside preview, so values are known). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Wait until every registration and invoke in flight has finished (the runtime's own RPC tracking). */
export async function settle(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}
