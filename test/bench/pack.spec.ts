import * as assert from "assert";
import {
  PACK_TARGET_RESOURCES_PER_SECOND,
  packDumpPath,
  packSummary,
  resourcesPerSecond,
} from "../../tools/bench/pack";

describe("bench: policy pack figures", () => {
  it("writes the pack dump next to the floor dump", () => {
    assert.strictEqual(packDumpPath("/tmp/x/dump-100.json"), "/tmp/x/dump-100.pack.json");
    assert.strictEqual(packDumpPath("/tmp/x/dump"), "/tmp/x/dump.pack.json");
  });

  it("turns a count and a duration into whole resources per second", () => {
    assert.strictEqual(resourcesPerSecond(9047, 1.5), 6031);
    assert.strictEqual(resourcesPerSecond(10, 0), 0);
  });

  it("says whether the in-process target is met, and never hides the protocol figure", () => {
    assert.strictEqual(PACK_TARGET_RESOURCES_PER_SECOND, 5000);
    assert.strictEqual(
      packSummary(1000, 12345, 678, 3.456),
      "policy pack at 1,000 accounts: 12,345 resources/s in process (target >= 5,000: MET), 678 resources/s through the analyzer protocol (pack start-up 3.46 s)",
    );
    assert.match(packSummary(1000, 4999, 678, 3), /target >= 5,000: MISSED/);
    assert.match(packSummary(1000, 5000, 678, 3), /target >= 5,000: MET/);
  });
});
