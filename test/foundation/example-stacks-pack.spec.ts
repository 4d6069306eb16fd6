import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { checkResources, isMandatory } from "../../policy-pack/lib/engine";
import { orgFactsOf, packConfigOf, packResources } from "../../tools/plan/policy";
import { exampleConfig, runExample } from "../harness";

for (const stack of ["management", "security"] as const) {
  describe(`example ${stack} stack against the policy pack`, () => {
    it("violates no mandatory policy", async () => {
      const run = await runExample(stack);
      const { config } = loadConfig(exampleConfig(stack));
      const findings = checkResources(packResources(run), {
        org: orgFactsOf(config),
        config: packConfigOf(config),
      });
      assert.deepStrictEqual(
        findings.filter(isMandatory).map((f) => `${f.policy} ${f.resource}: ${f.message}`),
        [],
      );
      assert.ok(packResources(run).length > 10);
    });
  });
}
