import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { checkResources, isMandatory } from "../../policy-pack/lib/engine";
import { stackPackConfig } from "../../tools/pack-config";
import { packResources } from "../../tools/plan/policy";
import { exampleConfig, runExample } from "../harness";

for (const stack of ["management", "security"] as const) {
  describe(`example ${stack} stack against the policy pack`, () => {
    it("violates no mandatory policy", async () => {
      const run = await runExample(stack);
      const { config } = loadConfig(exampleConfig(stack));
      // The --policy-pack-config file the workflows generate from the stack config.
      const findings = checkResources(packResources(run), { config: stackPackConfig(config) });
      assert.deepStrictEqual(
        findings.filter(isMandatory).map((f) => `${f.policy} ${f.resource}: ${f.message}`),
        [],
      );
      assert.ok(packResources(run).length > 10);
    });
  });
}
