// Where a component deploys: partition, region and account of its AWS provider, resolved once per
// provider per run and shared by every component that deploys with it.
import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import type { AwsTarget } from "../core/aws";

/**
 * Each run's targets by AWS provider (`undefined`: the default provider). The key is the run's
 * resource monitor, which is new for every run (a `pulumi up`, an Automation API inline run, each
 * `setMocks`), so no target outlives the run that resolved it.
 */
const targetsByRun = new WeakMap<object, Map<pulumi.ProviderResource | undefined, pulumi.Output<AwsTarget>>>();

/**
 * Partition, region and account of the AWS provider `resource` deploys with (its `provider` or
 * `providers` option, inherited from its parents, or the default provider), resolved by three invokes
 * once per provider per run and shared by every environment that deploys with it: a program with N
 * environments makes 3 invokes, not 3 × N (measured in bench/README.md). The invokes are parented
 * to the first resource that asks: an invoke's parent only selects its provider, which is the key.
 */
export function sharedAwsTarget(resource: pulumi.Resource): pulumi.Output<AwsTarget> {
    const monitor = pulumi.runtime.getMonitor();
    const provider = resource.getProvider("aws::getPartition");
    const known = monitor && targetsByRun.get(monitor);
    const cached = known?.get(provider);
    if (cached) {
        return cached;
    }
    const invoke = { parent: resource };
    const target = pulumi
        .all([getPartitionOutput({}, invoke), getRegionOutput({}, invoke), getCallerIdentityOutput({}, invoke)])
        .apply(([p, r, id]) => ({ partition: p.partition, dnsSuffix: p.dnsSuffix, region: r.region, accountId: id.accountId }));
    if (monitor) {
        targetsByRun.set(monitor, (known || new Map()).set(provider, target));
    }
    return target;
}
