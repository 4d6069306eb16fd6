import type { OrgAccessConfig } from "../../components/config";
import { HarnessResource, RunningPack, startPack } from "../analyzer-harness";
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
 * (`npm run --silent policy:check -- --emit-pack-config --stack <stack>`), nothing else, in a
 * process started ahead of the program it will check (its start-up, a few seconds of type
 * checking, runs while the program runs). `check` sends the program's resources; `stop` ends the
 * process whether or not it started, and never throws. A failed start surfaces in `check`.
 */
export interface StartedPolicyPack {
  check(run: ProgramRun): Promise<PolicyOutcome>;
  stop(): Promise<void>;
}

export function startPolicyPack(stack: string, config: OrgAccessConfig): StartedPolicyPack {
  // Settled at once, so a start that fails while the program runs is not an unhandled rejection.
  const started: Promise<{ pack?: RunningPack; error?: unknown }> = startPack({
    config: stackPackConfig(config),
    stack,
    project: "org-access",
  }).then(
    (pack) => ({ pack }),
    (error: unknown) => ({ error }),
  );
  return {
    check: async (run) => {
      const { pack, error } = await started;
      if (pack === undefined) throw error;
      const { resources, stack: stackLevel } = await pack.analyzeAll(packResources(run));
      const findings = [...resources, ...stackLevel].map((d) => ({
        policy: d.policyName,
        enforcementLevel: d.enforcementLevel,
        ...(d.urn ? { urn: d.urn } : {}),
        message: d.message,
      }));
      return { ran: true, findings };
    },
    stop: async () => {
      const { pack } = await started;
      await pack?.stop().catch(() => undefined);
    },
  };
}
