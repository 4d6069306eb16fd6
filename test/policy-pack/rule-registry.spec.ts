import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_PROPERTIES } from "../../policy-pack/lib/config";
import { Rule, configKeysOf } from "../../policy-pack/lib/policy";
import { RULES, allPolicies, allRules, ruleNamed, rulesReading } from "../../policy-pack/rules";
import { unknownConfigKeys } from "../../tools/policy-check";
import { docPage } from "../docs/pages";

/**
 * The pack's rule registry (`policy-pack/rules/index.ts`) is the one place a rule is listed, and its
 * declaration (in its group's rule file) the one place its name is spelt: everything else (the
 * policies, the pack config, policy:check, the rule table) is derived, so a rule renamed or added in
 * its declaration changes everywhere at once, and a second spelling cannot drift from it.
 */

const REPO_ROOT = path.join(__dirname, "..", "..");

/** Source the program, the pack and the tools run (docs and tests may name rules: they show the contract). */
const CODE_ROOTS = ["policy-pack", "tools", "components", "index.ts"];

function filesUnder(relative: string): string[] {
  const full = path.join(REPO_ROOT, relative);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [relative];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((e) => e.name !== "node_modules")
    .flatMap((e) =>
      e.isDirectory()
        ? filesUnder(path.join(relative, e.name))
        : /\.(ts|js|json|ya?ml)$/.test(e.name)
          ? [path.join(relative, e.name)]
          : [],
    );
}

/** Where a rule name is written as a whole word (`trust-policy-size`, not inside `x-trust-policy-size-y`). */
function placesOf(name: string, files: readonly { file: string; lines: readonly string[] }[]): string[] {
  const word = new RegExp(`(?<![A-Za-z0-9-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9-])`);
  return files.flatMap(({ file, lines }) =>
    lines.flatMap((line, i) => (word.test(line) ? [`${file}:${i + 1}`] : [])),
  );
}

function exportedRules(file: string): Rule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(path.join(REPO_ROOT, file)) as Record<string, unknown>;
  return Object.values(exports).filter(
    (v): v is Rule =>
      typeof v === "object" &&
      v !== null &&
      ((v as Rule).kind === "resource" || (v as Rule).kind === "stack") &&
      typeof (v as Rule).check === "function",
  );
}

describe("policy pack rule registry", () => {
  it("spells each rule name once in the code, in its declaration", () => {
    const files = CODE_ROOTS.flatMap(filesUnder).map((file) => ({
      file,
      lines: fs.readFileSync(path.join(REPO_ROOT, file), "utf8").split("\n"),
    }));
    const problems: string[] = [];
    for (const rule of allRules) {
      const places = placesOf(rule.name, files);
      const declaration = files.flatMap(({ file, lines }) =>
        lines.flatMap((line, i) =>
          file.startsWith(path.join("policy-pack", "rules")) && line.trim() === `name: "${rule.name}",`
            ? [`${file}:${i + 1}`]
            : [],
        ),
      );
      if (places.length !== 1 || declaration.length !== 1 || declaration[0] !== places[0]) {
        problems.push(
          `${rule.name} is written in ${places.length} places (${places.join(", ")}); only its declaration ` +
            `(name: "${rule.name}" in a file of policy-pack/rules) may spell it: read the name from its registry entry (RULES.<rule>.name)`,
        );
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it("finds the spelling test's target: a second spelling in code is caught, a longer name is not one", () => {
    const files = [
      { file: "a.ts", lines: ['  name: "trust-policy-size",', 'const x = "trust-policy-size-extra";'] },
      { file: "b.ts", lines: ["// see trust-policy-size"] },
    ];
    assert.deepStrictEqual(placesOf("trust-policy-size", files), ["a.ts:1", "b.ts:1"]);
  });

  it("lists every rule declared in a rule file, once, under a key that reads as its name", () => {
    const declared = filesUnder(path.join("policy-pack", "rules"))
      .filter((f) => path.basename(f) !== "index.ts")
      .flatMap((f) => exportedRules(f).map((rule) => rule.name))
      .sort();
    assert.deepStrictEqual(allRules.map((rule) => rule.name).sort(), declared);
    assert.strictEqual(new Set(declared).size, declared.length);
    for (const [key, rule] of Object.entries(RULES)) {
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.strictEqual(key.toLowerCase(), rule.name.replace(/-/g, ""), `RULES.${key} is ${rule.name}`);
      assert.strictEqual(ruleNamed(rule.name), rule);
    }
    assert.strictEqual(ruleNamed("trust-polcy-size"), undefined);
  });

  it("derives each policy from its entry: name, description, level and the config it declares", () => {
    assert.deepStrictEqual(
      allPolicies.map((p) => [
        p.name,
        p.description,
        p.enforcementLevel,
        Object.keys(p.configSchema?.properties ?? {}),
        "validateStack" in p ? "stack" : "resource",
      ]),
      allRules.map((rule) => [
        rule.name,
        rule.description,
        rule.enforcementLevel,
        configKeysOf(rule),
        rule.kind,
      ]),
    );
    // Every resource rule reads templates, so it declares their imports; a stack rule only when it
    // sees what stands for its types.
    assert.deepStrictEqual(configKeysOf(RULES.trustPolicySize), [
      "maxTrustPolicyLength",
      "cloudFormationImports",
    ]);
    assert.deepStrictEqual(configKeysOf(RULES.defaultProviderInMultiAccountStack), []);
    assert.deepStrictEqual(
      rulesReading("allowedAdminRoleNames").map((rule) => rule.name),
      [
        RULES.noAdminOnCrossAccountRole.name,
        RULES.noAdminOnCrossAccountRoleAttachment.name,
        RULES.cloudformationStackSetInstances.name,
      ],
    );
  });
});

describe("docs naming the pack's rules and config", () => {
  const page = docPage("docs/policy-pack.md");

  it("shows a pack config file that policy:check accepts: every policy and property it names exists", () => {
    const configure = page.slice(page.indexOf("## Configure it"));
    const example = /```json\n([\s\S]*?)```/.exec(configure);
    assert.ok(example, "docs/policy-pack.md: the config file example under Configure it");
    assert.deepStrictEqual(unknownConfigKeys(JSON.parse(example[1]) as Record<string, unknown>), []);
  });

  it("lists every config property of the pack in its property table, in the schema's order", () => {
    const rows = [...page.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((m) => m[1]);
    assert.deepStrictEqual(rows, Object.keys(CONFIG_PROPERTIES));
  });
});
