import { EnforcementLevel, Policies } from "@pulumi/policy";
import { ORG_FACTS } from "./config";

/**
 * Policy pack config as the Pulumi CLI builds it for `Configure`: every policy gets its default
 * enforcement level and the `default` of each property in its `configSchema`; `all` then sets every
 * level; each policy's entry in the `--policy-pack-config` file overrides both. The in-process engine
 * and the analyzer-protocol harness use this so they see what a real preview would.
 */

export type PolicyConfigEntry =
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** The `--policy-pack-config` file format: `{ "all": "mandatory", "<policy>": { ...config } }`. */
export type PolicyPackConfigFile = Record<string, PolicyConfigEntry>;

/** Org facts given once (the CLI's `--org`), spread into every policy whose schema has them. */
export interface OrgFacts {
  readonly organizationId?: string;
  readonly managementAccountId?: string;
  readonly organizationAccountIds?: readonly string[];
  /** Values of CloudFormation exports by export name (`Fn::ImportValue` in templates). */
  readonly cloudFormationImports?: Readonly<Record<string, string>>;
}

export interface ResolvedPolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function levelOf(entry: PolicyConfigEntry | undefined): EnforcementLevel | undefined {
  if (typeof entry === "string") return LEVELS.includes(entry) ? entry : undefined;
  const level = entry?.enforcementLevel;
  return level !== undefined && LEVELS.includes(level) ? level : undefined;
}

function propsOf(entry: PolicyConfigEntry | undefined): Record<string, unknown> {
  if (typeof entry !== "object" || entry === null) return {};
  const { enforcementLevel: _level, ...rest } = entry;
  return rest;
}

type Schema = {
  type?: string | string[];
  pattern?: string;
  items?: Schema;
  additionalProperties?: Schema;
  minimum?: number;
  maximum?: number;
};

function validate(value: unknown, schema: Schema, path: string): string[] {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = Array.isArray(value)
    ? "array"
    : Number.isInteger(value)
      ? "integer"
      : value === null
        ? "null"
        : typeof value;
  const fits = (t: string) => t === actual || (t === "number" && actual === "integer");
  if (types.length > 0 && !types.some(fits))
    return [`${path}: expected ${types.join(" or ")}, got ${actual}`];
  const out: string[] = [];
  if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    out.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      out.push(`${path}: ${value} is below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      out.push(`${path}: ${value} is above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) => out.push(...validate(v, schema.items as Schema, `${path}[${i}]`)));
  }
  if (actual === "object" && schema.additionalProperties) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out.push(...validate(v, schema.additionalProperties, `${path}.${k}`));
    }
  }
  return out;
}

/** Reconciles defaults, `all`, org facts and the config file; `errors` lists what the CLI would refuse. */
export function reconcilePackConfig(
  policies: Policies,
  file: PolicyPackConfigFile = {},
  org: OrgFacts = {},
): { config: Record<string, ResolvedPolicyConfig>; errors: string[] } {
  const config: Record<string, ResolvedPolicyConfig> = {};
  const errors: string[] = [];
  const all = levelOf(file.all);
  if (file.all !== undefined && all === undefined) errors.push(`all: expected one of ${LEVELS.join(", ")}`);
  for (const p of policies) {
    const schema = (p.configSchema?.properties ?? {}) as Record<string, Schema & { default?: unknown }>;
    const properties: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema)) if (s.default !== undefined) properties[k] = s.default;
    for (const k of ORG_FACTS) {
      const v = (org as Record<string, unknown>)[k];
      if (k in schema && v !== undefined) properties[k] = v;
    }
    const entry = file[p.name];
    if (entry !== undefined && typeof entry === "string" && levelOf(entry) === undefined) {
      errors.push(`${p.name}: ${JSON.stringify(entry)} is not an enforcement level (${LEVELS.join(", ")})`);
    }
    Object.assign(properties, propsOf(entry));
    for (const [k, v] of Object.entries(properties)) {
      if (schema[k]) errors.push(...validate(v, schema[k], `${p.name}.${k}`));
    }
    for (const k of p.configSchema?.required ?? []) {
      if (!(k in properties)) errors.push(`${p.name}.${k}: required`);
    }
    config[p.name] = {
      enforcementLevel: levelOf(entry) ?? all ?? p.enforcementLevel ?? "advisory",
      properties,
    };
  }
  return { config, errors };
}
