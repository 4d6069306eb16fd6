import * as assert from "assert";
import { sleepProvider } from "../../components/cloudformation/propagation-wait";

describe("IAM propagation wait", () => {
  it("sleeps on create and keeps its inputs as outputs", async () => {
    const started = Date.now();
    const result = await sleepProvider.create({ seconds: 0.05, triggers: ["instance-1"] });
    assert.ok(Date.now() - started >= 40, "waited");
    assert.deepStrictEqual(result.outs, { seconds: 0.05, triggers: ["instance-1"] });
  });

  it("is replaced (and so waits again) only when a trigger changes", async () => {
    const diff = sleepProvider.diff!;
    assert.deepStrictEqual(
      await diff("w", { seconds: 15, triggers: ["a"] }, { seconds: 15, triggers: ["b"] }),
      { changes: true, replaces: ["triggers"], deleteBeforeReplace: false },
    );
    assert.deepStrictEqual(
      await diff("w", { seconds: 15, triggers: ["a"] }, { seconds: 30, triggers: ["a"] }),
      { changes: true, replaces: [], deleteBeforeReplace: false },
    );
    assert.deepStrictEqual(
      await diff("w", { seconds: 15, triggers: ["a"] }, { seconds: 15, triggers: ["a"] }),
      { changes: false, replaces: [], deleteBeforeReplace: false },
    );
  });
});
