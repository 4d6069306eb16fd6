import * as fs from "fs";
import * as path from "path";
import { CONFIG_PROPERTIES } from "../../policy-pack/lib/config";
import { Rule, configKeysOf } from "../../policy-pack/lib/policy";
import { allRules } from "../../policy-pack/rules";
import { cell, prose } from "./markdown";

/** One rule of the pack as its registry entry declares it, and the file that declares it. */
export interface RuleRow {
  readonly name: string;
  readonly enforcementLevel: string;
  readonly judges: "each resource" | "the whole stack";
  readonly description: string;
  readonly config: readonly string[];
  readonly file: string;
}

const RULES_DIR = path.join(__dirname, "..", "..", "policy-pack", "rules");

/**
 * Every rule of the pack, in the registry's order (`policy-pack/rules/index.ts`), with the rule file
 * exporting its declaration.
 */
export function ruleRows(): RuleRow[] {
  // Keyed by name, not by object: the test runtime reloads rule modules between program runs, so the
  // entries of the registry need not be the objects a fresh require of a rule file returns.
  const fileOf = new Map<string, string>();
  for (const file of fs
    .readdirSync(RULES_DIR)
    .filter((f) => f.endsWith(".ts") && f !== "index.ts")
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(path.join(RULES_DIR, file)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (isRule(value) && !fileOf.has(value.name)) fileOf.set(value.name, `policy-pack/rules/${file}`);
    }
  }
  return allRules.map((rule) => {
    const file = fileOf.get(rule.name);
    if (file === undefined)
      throw new Error(`rule ${rule.name} is not exported by any file of policy-pack/rules`);
    return {
      name: rule.name,
      enforcementLevel: rule.enforcementLevel,
      judges: rule.kind === "stack" ? "the whole stack" : "each resource",
      description: rule.description,
      config: configKeysOf(rule),
      file,
    };
  });
}

function isRule(value: unknown): value is Rule {
  const rule = value as Partial<Rule> | null;
  return (
    typeof rule === "object" &&
    rule !== null &&
    (rule.kind === "resource" || rule.kind === "stack") &&
    typeof rule.name === "string" &&
    typeof rule.check === "function"
  );
}

/** The pack's rule table and the config properties its rules read. */
export function renderPolicyRules(rows: readonly RuleRow[] = ruleRows()): string {
  const used = new Set(rows.flatMap((r) => r.config));
  const properties = Object.entries(CONFIG_PROPERTIES as Record<string, Record<string, unknown>>).filter(
    ([name]) => used.has(name),
  );
  const mandatory = rows.filter((r) => r.enforcementLevel === "mandatory").length;
  return [
    "# Policy pack rules",
    "",
    "<!-- Generated from policy-pack/rules by `npm run docs`; do not edit. A test fails when it is stale. -->",
    "",
    `The pack (\`policy-pack/\`) has ${rows.length} rules: ${mandatory} mandatory (a violation fails \`pulumi preview\`/\`up\` and the offline`,
    `plan) and ${rows.length - mandatory} advisory (reported, never blocking). The level is each rule's default; a policy group or`,
    "`--policy-pack-config` may change it. A rule that judges each resource also judges what stands for its",
    "resource types: aws-native resources, resources inside CloudFormation stacks and StackSets, inline policies.",
    "",
    "| Rule | Level | Judges | What it decides | Config it reads | Declared in |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| \`${r.name}\` | ${r.enforcementLevel} | ${r.judges} | ${cell(prose(r.description))} | ${r.config.map((c) => `\`${c}\``).join(", ")} | [\`${r.file}\`](../${r.file}) |`,
    ),
    "",
    "## Config",
    "",
    "Rules read these properties of their policy config (`policy-pack/lib/config.ts`). The Pulumi CLI sends",
    "config per policy: `npm run policy:check -- --emit-pack-config` writes the organization's facts into every",
    "policy's entry.",
    "",
    "| Property | Type | Default | Description |",
    "| --- | --- | --- | --- |",
    ...properties.map(
      ([name, p]) =>
        `| \`${name}\` | ${cell(schemaType(p))} | ${p.default === undefined ? "" : `\`${JSON.stringify(p.default)}\``} | ${cell(prose(String(p.description ?? "")))} |`,
    ),
    "",
  ].join("\n");
}

function schemaType(p: Record<string, unknown>): string {
  if (Array.isArray(p.type)) return p.type.join(" or ");
  if (p.type === "array") {
    const items = p.items as Record<string, unknown> | undefined;
    return `list of ${items === undefined ? "values" : schemaType(items)}`;
  }
  if (p.anyOf !== undefined) return (p.anyOf as Record<string, unknown>[]).map(schemaType).join(" or ");
  return String(p.type ?? "any");
}
