import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { checkResources, isMandatory } from "../../policy-pack/lib/engine";
import { stackPackConfig } from "../../tools/pack-config";
import { packResources } from "../../tools/plan/policy";
import { everyExampleStack, exampleStackConfig, runProgram } from "../harness";

for (const { example, stack } of everyExampleStack()) {
  describe(`example ${stack} stack (examples/${example}) against the policy pack`, () => {
    it("violates no mandatory policy", async () => {
      const stackConfig = exampleStackConfig(example, stack);
      const run = await runProgram({ stack, config: stackConfig });
      const { config } = loadConfig(stackConfig);
      // The --policy-pack-config file the workflows generate from the stack config.
      const findings = checkResources(packResources(run), { config: stackPackConfig(config) });
      assert.deepStrictEqual(
        findings.filter(isMandatory).map((f) => `${f.policy} ${f.resource}: ${f.message}`),
        [],
      );
      // The full example's stacks are large; a shard of the minimal one holds a few resources.
      assert.ok(packResources(run).length > (example === "full" ? 10 : 3));
    });
  });
}
