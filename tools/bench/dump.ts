import { ProgramRun } from "../mock-runtime";

/** What the floor program replays: the program's providers and raw AWS resources. */
export interface FloorDump {
  providers: { urn: string; name: string; inputs: Record<string, unknown> }[];
  resources: { type: string; name: string; inputs: Record<string, unknown>; providerUrn?: string }[];
}

export function floorDumpOf(run: ProgramRun): FloorDump {
  return {
    providers: run.providers.map((p) => ({ urn: p.urn, name: p.name, inputs: p.inputs })),
    resources: run.resources
      .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
      .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, providerUrn: r.providerUrn })),
  };
}
