import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigIssue, ConfigValidationError } from "./errors";
import { ConfigPath, ConfigSourceFacts, CONFIG_NAMESPACE, formatPath, isWithin } from "./checks";
import { closest, configErrorMap, showValue } from "./messages";
import { configKeys, configSchema, OrgAccessConfig } from "./schema";
import { withDefaultBoundary } from "../guardrails/config";
import { isSecretField } from "./secrets";
import { parseStackFile } from "./stack-file";

export { CONFIG_NAMESPACE, formatPath };

/** Where config comes from: the Pulumi runtime, or a plain map in tools and tests. */
export interface ConfigSource {
  /** Every key with its namespace (`org-access:accounts`) and its raw string value. */
  readonly values: Readonly<Record<string, string>>;
  /** Namespaced keys whose values are Pulumi secrets. */
  readonly secretKeys: Iterable<string>;
  /**
   * Which values of the secret keys are stored encrypted, as paths below the namespace
   * (`vendors[1].externalId`; `vendors` when the whole key is one secret). Known when the stack file
   * could be read; without it, a secret key only tells that some value in it is encrypted.
   */
  readonly encryptedPaths?: Iterable<string>;
}

/** Validated config plus what the loader learned about secrets. */
export interface LoadedConfig {
  readonly config: OrgAccessConfig;
  /** Config keys (without namespace) stored as Pulumi secrets. */
  readonly secretKeys: ReadonlySet<string>;
}

/**
 * Reads config the way the running Pulumi program sees it. The runtime tells only which keys hold a
 * secret; which of their values are `secure:` comes from the stack file `Pulumi.<stack>.yaml` in the
 * project directory, when it is the file these values came from.
 */
export function runtimeConfigSource(stackName = pulumi.getStack(), projectDir = process.cwd()): ConfigSource {
  const values = pulumi.runtime.allConfig();
  // `isConfigSecret` is exported by the runtime but missing from its type definitions.
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const secretKeys = new Set(Object.keys(values).filter((k) => runtime.isConfigSecret?.(k) === true));
  const file = path.join(projectDir, `Pulumi.${stackName}.yaml`);
  return { values, secretKeys, encryptedPaths: encryptedPathsOf(file, values, secretKeys) };
}

/**
 * The encrypted paths of the secret keys, from a stack file whose plain values are the program's
 * (so it is the file the config came from); undefined when there is no such file.
 */
export function encryptedPathsOf(
  file: string,
  values: Readonly<Record<string, string>>,
  secretKeys: ReadonlySet<string>,
): string[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  let stackFile;
  try {
    stackFile = parseStackFile(fs.readFileSync(file), { secureValue: SECURE_MARK });
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const key of secretKeys) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const written = stackFile.values[key];
    if (written === undefined || !samePlainValues(parseValue(written), parseValue(values[key] ?? ""))) {
      return undefined;
    }
    const name = key.slice(CONFIG_NAMESPACE.length + 1);
    out.push(...stackFile.encryptedPaths.filter((p) => isWithin(p, name)));
  }
  return out;
}

const SECURE_MARK = "\u0000secure";

/** Whether two values agree everywhere the stack file holds a plain value (`secure:` ones are skipped). */
function samePlainValues(written: unknown, actual: unknown): boolean {
  if (written === SECURE_MARK) return true;
  if (Array.isArray(written)) {
    return (
      Array.isArray(actual) &&
      written.length === actual.length &&
      written.every((w, i) => samePlainValues(w, actual[i]))
    );
  }
  if (written !== null && typeof written === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    const w = written as Record<string, unknown>;
    return (
      Object.keys(w).length === Object.keys(a).length &&
      Object.keys(w).every((k) => samePlainValues(w[k], a[k]))
    );
  }
  return written === actual || String(written) === String(actual);
}

/**
 * Parses and validates every `org-access:` key at once. Throws {@link ConfigValidationError} listing
 * every problem with its config path, its value and the fix; returns only a config that is safe to
 * build resources from.
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
      const suggestion = closest(key, configKeys);
      issues.push({
        path: fullKey,
        message:
          suggestion !== undefined
            ? `unknown config key; did you mean ${prefix}${suggestion}?`
            : `unknown config key; the keys are ${configKeys.map((k) => prefix + k).join(", ")}`,
      });
      continue;
    }
    if (secretFullKeys.has(fullKey)) secretKeys.add(key);
    raw[key] = parseValue(text);
  }

  if (Object.keys(raw).length === 0 && issues.length === 0) {
    // One line instead of every required key: the stack has no config of this program at all.
    throw new ConfigValidationError([
      {
        path: `${prefix}*`,
        message:
          "the stack config has no org-access: key; set org-access:deployment, org-access:organization, org-access:accounts and the capabilities' keys (see examples/full/Pulumi.management.yaml and docs/config-reference.md)",
      },
    ]);
  }

  const facts = sourceFacts(raw, secretKeys, source.encryptedPaths);
  const parsed = configSchema(facts).safeParse(raw, {
    error: configErrorMap,
    reportInput: true,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      issues.push({
        path: formatPath(path),
        message: describe(issue, raw),
        value: shownValue(raw, path, facts),
      });
    }
  }

  if (issues.length > 0 || !parsed.success) {
    throw new ConfigValidationError(dedupe(issues));
  }
  // Defaults that depend on other keys; every other default is on the schema.
  return { config: withDefaultBoundary(parsed.data), secretKeys };
}

/** How each value is written: set or not (from the raw values), encrypted or not (from the secrets). */
function sourceFacts(
  raw: Record<string, unknown>,
  secretKeys: ReadonlySet<string>,
  encryptedPaths?: Iterable<string>,
): ConfigSourceFacts {
  const paths = encryptedPaths === undefined ? undefined : new Set(encryptedPaths);
  return {
    isSet: (path) => rawValueAt(raw, path) !== undefined,
    encrypted: (path) => {
      if (path.length === 0 || !secretKeys.has(String(path[0]))) return false;
      if (paths === undefined) return undefined;
      // A value is encrypted when it, or a value holding it, was stored as one secret.
      for (let n = 1; n <= path.length; n++) {
        if (paths.has(formatPath(path.slice(0, n)).slice(CONFIG_NAMESPACE.length + 1))) return true;
      }
      return false;
    },
  };
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

/** The raw value at a path, as the error shows it; nothing for a secret (or possibly secret) value. */
function shownValue(
  raw: Record<string, unknown>,
  path: ConfigPath,
  facts: ConfigSourceFacts,
): string | undefined {
  if (path.length === 0 || isSecretField(path) || facts.encrypted(path) !== false) return undefined;
  const value = rawValueAt(raw, path);
  // Scalars only: a list or a map says nothing next to the message, which names what is wrong in it.
  if (value === undefined || (value !== null && typeof value === "object")) return undefined;
  return showValue(value);
}

function rawValueAt(raw: Record<string, unknown>, path: ConfigPath): unknown {
  let value: unknown = raw;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function describe(issue: z.core.$ZodIssue, raw: Record<string, unknown>): string {
  if (issue.code === "invalid_type" && issue.path.length === 1 && raw[String(issue.path[0])] === undefined) {
    return `is required; set it in the stack file (see docs/config-reference.md)`;
  }
  // A missing key: say so, then what it takes (a schema's own message says only the latter).
  if (
    issue.code === "invalid_type" &&
    issue.input === undefined &&
    !issue.message.startsWith("is required")
  ) {
    return `is required; ${issue.message}`;
  }
  return issue.message;
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
