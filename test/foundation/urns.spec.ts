import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { exampleStacks } from "../../tools/docs/generate";
import { exampleConfig, ProgramRun, readStackFile, REPO_ROOT, runProgram, StackConfig } from "../harness";

/**
 * Every URN the example stacks register, and the provider each resource gets, pinned in a committed
 * snapshot. The engine identifies a resource by its URN alone (its type, its parents' types and its
 * name): a change of any of them is a delete and a create of the real resource, a role or a StackSet
 * that the organization depends on. So a moved file, a renamed component or a new parent must leave
 * this list unchanged.
 *
 * When a resource is added on purpose, regenerate the snapshot and commit it:
 *   UPDATE_URN_SNAPSHOT=1 npx mocha --no-config -r ts-node/register/transpile-only --timeout 600000 test/foundation/urns.spec.ts
 * When a URN disappears or changes, the existing resource would be replaced: give the resource
 * `aliases` naming its previous name, type or parent (`pulumi.ComponentResourceOptions.aliases`) and a
 * test proving the engine sees the same resource, before regenerating.
 */

const SNAPSHOT_DIR = path.join(__dirname, "fixtures", "urns");
const REGENERATE =
  "UPDATE_URN_SNAPSHOT=1 npx mocha --no-config -r ts-node/register/transpile-only --timeout 600000 test/foundation/urns.spec.ts";

/** The stacks whose URNs are pinned: the two example stacks and every stack under `examples/`. */
function pinnedStacks(): { stack: string; config: () => StackConfig }[] {
  const named = (["management", "security"] as const).map((stack) => ({
    stack,
    config: () => exampleConfig(stack),
  }));
  const examples = exampleStacks()
    .map((example) => ({
      stack: /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(example.file))?.[1] ?? example.file,
      config: () => readStackFile(path.join(REPO_ROOT, example.file)),
    }))
    // The example stacks may live under examples/ too: pin each stack name once.
    .filter((example) => !named.some((n) => n.stack === example.stack));
  return [...named, ...examples];
}

/** One line per registered resource: its URN and, for a resource on an explicit provider, that provider's name. */
function urnLines(run: ProgramRun): string[] {
  return run.resources
    .map((r) => {
      const provider = r.providerUrn === undefined ? "" : `  provider=${r.providerUrn.split("::").pop()}`;
      return `${r.urn}${provider}`;
    })
    .sort();
}

describe("URNs of the example stacks", () => {
  for (const { stack, config } of pinnedStacks()) {
    it(`${stack}: every URN and provider is the committed snapshot's`, async () => {
      const run = await runProgram({ stack, config: config(), sourceMappedStacks: false });
      const actual = urnLines(run);
      const file = path.join(SNAPSHOT_DIR, `${stack}.txt`);
      if (process.env.UPDATE_URN_SNAPSHOT === "1") {
        fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
        fs.writeFileSync(file, `${actual.join("\n")}\n`);
      }
      assert.ok(
        fs.existsSync(file),
        `no URN snapshot ${path.relative(REPO_ROOT, file)}; create it with: ${REGENERATE}`,
      );
      const expected = fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "");
      const actualSet = new Set(actual);
      const expectedSet = new Set(expected);
      const removed = expected.filter((l) => !actualSet.has(l));
      const added = actual.filter((l) => !expectedSet.has(l));
      assert.ok(
        removed.length === 0 && added.length === 0,
        [
          `${stack}: the registered URNs (or their providers) differ from ${path.relative(REPO_ROOT, file)}.`,
          ...(removed.length > 0
            ? [
                `No longer registered (${removed.length}): the engine would delete these resources and create new ones. ` +
                  "Give the resource `aliases` for its previous name, type or parent and a test that proves no replacement:",
                ...removed.slice(0, 20).map((l) => `  - ${l}`),
              ]
            : []),
          ...(added.length > 0
            ? [`Newly registered (${added.length}):`, ...added.slice(0, 20).map((l) => `  + ${l}`)]
            : []),
          `If every difference is deliberate (and removals have aliases), regenerate: ${REGENERATE}`,
        ].join("\n"),
      );
    });
  }
});
