// The registry of optional capabilities: adding one is a new file here plus its line below.
// Order is the order of their statements in every document.
import type { Capability } from "./capability";
import { createRepositories } from "./create-repositories";
import { ecsDeploy } from "./ecs-deploy";
import { previewRole } from "./preview-role";
import { promotion } from "./promotion";
import { stateBackend } from "./state-backend";

export const CAPABILITIES = [promotion, ecsDeploy, createRepositories, previewRole, stateBackend] as const;

/** Each capability's resolved scope, under its args key: what the documents are built from. */
export type CapabilityScopes = {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly [C in (typeof CAPABILITIES)[number] as C["key"]]?: C extends Capability<any, infer S> ? S : never;
};

export type { Capability, PlanTarget } from "./capability";
