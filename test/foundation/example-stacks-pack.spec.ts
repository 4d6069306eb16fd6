import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { checkResources, EngineResource, isMandatory } from "../../policy-pack/lib/engine";
import { exampleConfig, ProgramRun, runExample } from "../harness";

/** The program's own resources as the pack sees them: inputs, provider inputs, options. */
function engineResources(run: ProgramRun): EngineResource[] {
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
      };
    });
}

for (const stack of ["management", "security"] as const) {
  describe(`example ${stack} stack against the policy pack`, () => {
    it("violates no mandatory policy", async () => {
      const run = await runExample(stack);
      const { config } = loadConfig(exampleConfig(stack));
      const findings = checkResources(engineResources(run), {
        org: {
          organizationId: config.organization.id,
          managementAccountId: config.organization.managementAccountId,
          organizationAccountIds: config.accounts.map((a) => a.id),
        },
      });
      assert.deepStrictEqual(
        findings.filter(isMandatory).map((f) => `${f.policy} ${f.resource}: ${f.message}`),
        [],
      );
      assert.ok(engineResources(run).length > 10);
    });
  });
}
