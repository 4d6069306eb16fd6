import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigIssue, ConfigValidationError } from "./errors";
import { asArray, field, isString, ReferenceChecker } from "./refs";
import { configKeys, configSchema, OrgAccessConfig, sections } from "./schema";

export const CONFIG_NAMESPACE = "org-access";

/** Where config comes from: the Pulumi runtime, or a plain map in tools and tests. */
export interface ConfigSource {
  /** Every key with its namespace (`org-access:accounts`) and its raw string value. */
  readonly values: Readonly<Record<string, string>>;
  /** Namespaced keys whose values are Pulumi secrets. */
  readonly secretKeys: Iterable<string>;
}

/** Validated config plus what the loader learned about secrets. */
export interface LoadedConfig {
  readonly config: OrgAccessConfig;
  /** Config keys (without namespace) stored as Pulumi secrets. */
  readonly secretKeys: ReadonlySet<string>;
}

/** Reads config the way the running Pulumi program sees it. */
export function runtimeConfigSource(): ConfigSource {
  const values = pulumi.runtime.allConfig();
  // `isConfigSecret` is exported by the runtime but missing from its type definitions.
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const secretKeys = new Set(Object.keys(values).filter((k) => runtime.isConfigSecret?.(k) === true));
  return { values, secretKeys };
}

/**
 * Parses and validates every `org-access:` key at once. Throws {@link ConfigValidationError} listing
 * every problem with its config path; returns only a config that is safe to build resources from.
 */
export function loadConfig(source: ConfigSource): LoadedConfig {
  const issues: ConfigIssue[] = [];
  const raw: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const secretFullKeys = new Set(source.secretKeys);
  const prefix = `${CONFIG_NAMESPACE}:`;

  for (const [fullKey, text] of Object.entries(source.values)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!configKeys.includes(key)) {
      issues.push({
        path: fullKey,
        message: `unknown config key; the keys are ${configKeys.map((k) => prefix + k).join(", ")}`,
      });
      continue;
    }
    if (secretFullKeys.has(fullKey)) secretKeys.add(key);
    raw[key] = parseValue(text);
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ path: formatPath(issue.path), message: describe(issue, raw) });
    }
  }

  checkCoreReferences(raw, issues);
  const refs = new ReferenceChecker(raw, issues);
  for (const section of sections) {
    if (raw[section.key] === undefined) continue;
    section.crossCheck(raw[section.key], {
      refs,
      path: prefix + section.key,
      root: raw,
      isSecret: secretKeys.has(section.key),
    });
  }

  if (issues.length > 0 || !parsed.success) {
    throw new ConfigValidationError(dedupe(issues));
  }
  return { config: parsed.data, secretKeys };
}

/** Structured values reach the program as JSON strings; anything else is a plain string. */
function parseValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^[[{]/.test(trimmed) || /^-?\d+(\.\d+)?$/.test(trimmed) || trimmed === "true" || trimmed === "false") {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = CONFIG_NAMESPACE;
  path.forEach((segment, index) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += index === 0 ? `:${String(segment)}` : `.${String(segment)}`;
  });
  return out;
}

function describe(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; check the spelling against the README's config reference`;
  }
  if (issue.code === "invalid_type" && issue.path.length === 1 && raw[String(issue.path[0])] === undefined) {
    return `is required; set it in the stack file (see the README's config reference)`;
  }
  return issue.message;
}

/** Checks within the core keys: unique names and IDs, known OUs, the management account listed. */
function checkCoreReferences(raw: Record<string, unknown>, issues: ConfigIssue[]): void {
  const ous = asArray(raw.organizationalUnits);
  const accounts = asArray(raw.accounts);
  const ouNames = new Set(ous.map((o) => field(o, "name")).filter(isString));
  reportDuplicates(ous, "name", "org-access:organizationalUnits", "organizational unit name", issues);
  reportDuplicates(ous, "id", "org-access:organizationalUnits", "organizational unit ID", issues);
  reportDuplicates(accounts, "name", "org-access:accounts", "account name", issues);
  reportDuplicates(accounts, "id", "org-access:accounts", "account ID", issues);

  accounts.forEach((account, index) => {
    const ou = field(account, "ou");
    if (isString(ou) && ou !== "root" && !ouNames.has(ou)) {
      issues.push({
        path: `org-access:accounts[${index}].ou`,
        message: `unknown organizational unit ${JSON.stringify(ou)}; use a name from org-access:organizationalUnits or \`root\``,
      });
    }
  });

  const managementId = idString(field(raw.organization, "managementAccountId"));
  if (managementId !== undefined && !accounts.some((a) => idString(field(a, "id")) === managementId)) {
    issues.push({
      path: "org-access:accounts",
      message: `the management account ${managementId} (org-access:organization.managementAccountId) is not in the inventory; add it with \`ou: root\``,
    });
  }

  const pipeline = raw.pipeline;
  if (
    field(raw.providers, "access") === "preview" &&
    (pipeline === undefined || field(pipeline, "preview") === false)
  ) {
    issues.push({
      path: "org-access:providers.access",
      message:
        "a read-only preview reaches member accounts through the member preview roles of org-access:pipeline; configure org-access:pipeline with preview: true, or preview with the default access",
    });
  }

  const deploymentAccount = field(raw.deployment, "account");
  if (isString(deploymentAccount) && !accounts.some((a) => field(a, "name") === deploymentAccount)) {
    issues.push({
      path: "org-access:deployment.account",
      message: `unknown account ${JSON.stringify(deploymentAccount)}; name the account this stack deploys from, as listed in org-access:accounts`,
    });
  }
  const kind = field(raw.deployment, "kind");
  if (kind === "management" && isString(deploymentAccount) && managementId !== undefined) {
    const account = accounts.find((a) => field(a, "name") === deploymentAccount);
    if (account !== undefined && idString(field(account, "id")) !== managementId) {
      issues.push({
        path: "org-access:deployment.account",
        message: `a management stack deploys from the management account (${managementId}); name that account here or set kind: security`,
      });
    }
  }

  const scope = raw.scope;
  asArray(field(scope, "accounts")).forEach((name, i) => {
    if (isString(name) && !accounts.some((a) => field(a, "name") === name)) {
      issues.push({
        path: `org-access:scope.accounts[${i}]`,
        message: `unknown account ${JSON.stringify(name)}; use a name from org-access:accounts`,
      });
    }
  });
  asArray(field(scope, "organizationalUnits")).forEach((name, i) => {
    if (isString(name) && !ouNames.has(name)) {
      issues.push({
        path: `org-access:scope.organizationalUnits[${i}]`,
        message: `unknown organizational unit ${JSON.stringify(name)}; use a name from org-access:organizationalUnits`,
      });
    }
  });
}

function idString(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  return isString(value) ? value : undefined;
}

function reportDuplicates(
  items: unknown[],
  key: string,
  path: string,
  what: string,
  issues: ConfigIssue[],
): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const value = key === "id" ? idString(field(item, key)) : field(item, key);
    if (!isString(value)) return;
    const first = seen.get(value);
    if (first !== undefined) {
      issues.push({
        path: `${path}[${index}].${key}`,
        message: `duplicate ${what} ${JSON.stringify(value)}, already used by ${path}[${first}]; each ${what} must be unique`,
      });
    } else {
      seen.set(value, index);
    }
  });
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
