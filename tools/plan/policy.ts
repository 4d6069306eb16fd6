import type { OrgAccessConfig } from "../../components/config";
import { HarnessResource, startPack } from "../analyzer-harness";
import { ProgramRun } from "../mock-runtime";
import { orgFactsOf, packConfigOf, stackPackConfig } from "../pack-config";
import { Finding } from "./types";

/**
 * Step 2 of the plan: the policy pack over the recorded resources, through the analyzer protocol the
 * Pulumi CLI uses (tools/analyzer-harness.ts starts the pack the way the CLI does, applies config
 * defaults as the CLI does, and sends each resource with its provider's inputs), so the findings are
 * what `pulumi preview --policy-pack policy-pack` would report.
 */
export interface PolicyOutcome {
  readonly ran: boolean;
  readonly note?: string;
  readonly findings: Finding[];
}

/** The program's AWS resources as the pack receives them: inputs, the provider's inputs, options. */
export function packResources(run: ProgramRun): HarnessResource[] {
  const providers = new Map(run.providers.map((p) => [p.urn, p]));
  return run.resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => {
      const provider = r.providerUrn === undefined ? undefined : providers.get(r.providerUrn);
      return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
        provider:
          provider === undefined
            ? undefined
            : {
                type: "pulumi:providers:aws",
                name: provider.name,
                urn: provider.urn,
                props: provider.inputs,
              },
        opts: { protect: r.protect, parent: r.parent },
        parent: r.parent,
        dependencies: r.dependencies,
      };
    });
}

export { orgFactsOf, packConfigOf };

/**
 * The pack with the `--policy-pack-config` file the workflows generate from the stack config
 * (`npm run --silent policy:check -- --emit-pack-config --stack <stack>`), nothing else.
 */
export async function runPolicyPack(run: ProgramRun, config: OrgAccessConfig): Promise<PolicyOutcome> {
  const pack = await startPack({ config: stackPackConfig(config), stack: run.stack, project: "org-access" });
  try {
    const { resources, stack } = await pack.analyzeAll(packResources(run));
    const findings = [...resources, ...stack].map((d) => ({
      policy: d.policyName,
      enforcementLevel: d.enforcementLevel,
      ...(d.urn ? { urn: d.urn } : {}),
      message: d.message,
    }));
    return { ran: true, findings };
  } finally {
    await pack.stop();
  }
}
