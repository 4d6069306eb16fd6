import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness";

/** Test files under `test/`, the harness's own excepted. */
function testFiles(dir = path.join(REPO_ROOT, "test")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "harness" ? [] : testFiles(file);
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

describe("the test harness", () => {
  it("is the tests' one entry to the mocked runtime", () => {
    // The engine (tools/mock-runtime.ts) is what the offline tools run on; specs take it from
    // test/harness, so what the tests run on has one door.
    const direct = testFiles()
      .filter((file) => /from "(\.\.\/)+tools\/mock-runtime"/.test(fs.readFileSync(file, "utf8")))
      .map((file) => path.relative(REPO_ROOT, file));
    assert.deepStrictEqual(direct, []);
  });
});
