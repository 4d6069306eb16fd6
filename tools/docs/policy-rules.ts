import * as fs from "fs";
import * as path from "path";
import type { Policy } from "@pulumi/policy";
import { CONFIG_PROPERTIES } from "../../policy-pack/lib/config";
import { allPolicies } from "../../policy-pack/rules";
import { cell, prose } from "./markdown";

/** One rule of the pack as its definition declares it, and the file that declares it. */
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
 * Every policy of the pack, in the pack's order, read from the rule definitions themselves: the
 * objects `policy-pack/rules/index.ts` hands to `new PolicyPack`, and the rule file exporting each.
 */
export function ruleRows(): RuleRow[] {
  // Keyed by name, not by object: the test runtime reloads rule modules between program runs, so the
  // objects in `allPolicies` need not be the ones a fresh require of a rule file returns.
  const fileOf = new Map<string, string>();
  for (const file of fs
    .readdirSync(RULES_DIR)
    .filter((f) => f.endsWith(".ts") && f !== "index.ts")
    .sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(path.join(RULES_DIR, file)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (isPolicy(value) && !fileOf.has(value.name)) fileOf.set(value.name, `policy-pack/rules/${file}`);
    }
  }
  return allPolicies.map((policy) => {
    const file = fileOf.get(policy.name);
    if (file === undefined)
      throw new Error(`policy ${policy.name} is not exported by any file of policy-pack/rules`);
    const properties = (policy.configSchema?.properties ?? {}) as Record<string, unknown>;
    return {
      name: policy.name,
      enforcementLevel: policy.enforcementLevel ?? "advisory",
      judges: "validateStack" in policy ? "the whole stack" : "each resource",
      description: policy.description,
      config: Object.keys(properties),
      file,
    };
  });
}

function isPolicy(value: unknown): value is Policy {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Policy).name === "string" &&
    typeof (value as Policy).description === "string" &&
    ("validateResource" in value || "validateStack" in value)
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
