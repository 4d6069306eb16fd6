import * as YAML from "yaml";
import { CONFIG_NAMESPACE, formatPath } from "./checks";

/**
 * A `Pulumi.<stack>.yaml` read as the Pulumi CLI reads it: keys without a namespace belong to the
 * project, scalars become strings, maps and lists JSON, and a `secure:` value (at any depth) makes its
 * top-level key secret. Unlike the CLI, it also tells which values were `secure:` (the encrypted
 * paths), so checks on secrets work value by value. A file of the wrong shape is refused in one line.
 */
export interface StackFileConfig {
  /** Namespaced keys (`org-access:accounts`) to their values as the program receives them. */
  readonly values: Record<string, string>;
  /** Namespaced keys that hold a `secure:` value somewhere. */
  readonly secretKeys: string[];
  /** Paths below the namespace of each `secure:` value: `vendors[1].externalId`, or `vendors` for a whole key. */
  readonly encryptedPaths: string[];
}

/** A stack file whose shape is wrong: the message is one line that says what and how to fix it. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/**
 * Parses a stack file's bytes. `secureValue` is what a `secure:` value becomes (the offline tools
 * cannot decrypt; the program only needs to know where they are).
 */
export function parseStackFile(
  content: string | Uint8Array,
  options: { readonly project?: string; readonly secureValue?: string } = {},
): StackFileConfig {
  const project = options.project ?? CONFIG_NAMESPACE;
  const text = typeof content === "string" ? content : decodeText(content);
  if (text.includes("\u0000")) throw new StackFileError(BINARY);
  if (text.replace(/#.*$/gm, "").trim() === "") {
    throw new StackFileError(
      "the file is empty; a stack file is YAML with the org-access: keys under a top-level `config:` (see examples/full/Pulumi.management.yaml)",
    );
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    const first = String((err as Error).message).split("\n")[0];
    throw new StackFileError(`the file is not valid YAML (${first}); fix the syntax at that line`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new StackFileError(
      "the file is not a YAML map; a stack file starts with `config:` and the org-access: keys under it",
    );
  }
  const top = doc as Record<string, unknown>;
  if (!("config" in top)) {
    const namespaced = Object.keys(top).some((k) => k.startsWith(`${project}:`));
    throw new StackFileError(
      namespaced
        ? "the org-access: keys are at the top level; put them under a top-level `config:` key, indented by two spaces"
        : "the file has no top-level `config:` key; a stack file holds its org-access: keys under `config:`",
    );
  }
  const config = top.config;
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new StackFileError(
      "`config:` is not a map of keys; write each key on its own line under it, e.g. `  org-access:accounts:`",
    );
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const encryptedPaths: string[] = [];
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    const [namespace, name] = [
      fullKey.slice(0, fullKey.indexOf(":")),
      fullKey.slice(fullKey.indexOf(":") + 1),
    ];
    const secure: (string | number)[][] = [];
    const plain = replaceSecure(value, [], secure, options.secureValue ?? "");
    values[fullKey] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secure.length > 0) secretKeys.push(fullKey);
    if (namespace === project) {
      for (const path of secure) {
        encryptedPaths.push(formatPath([name, ...path]).slice(CONFIG_NAMESPACE.length + 1));
      }
    }
  }
  if (!Object.keys(values).some((k) => k.startsWith(`${project}:`))) {
    throw new StackFileError(
      "`config:` has no org-access: key; this program reads org-access:deployment, org-access:organization, org-access:accounts and more (see examples/full/Pulumi.management.yaml)",
    );
  }
  return { values, secretKeys, encryptedPaths };
}

const BINARY = "the file is not text (it holds binary data); pass a Pulumi.<stack>.yaml stack file";

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new StackFileError(BINARY);
  }
}

function replaceSecure(
  value: unknown,
  path: (string | number)[],
  secure: (string | number)[][],
  secureValue: string,
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, [...path, i], secure, secureValue));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") {
      secure.push(path);
      return secureValue;
    }
    return Object.fromEntries(
      entries.map(([k, v]) => [k, replaceSecure(v, [...path, k], secure, secureValue)]),
    );
  }
  return value;
}
