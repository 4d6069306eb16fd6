import { secretFieldValues } from "../../components/config/secrets";
import { PROJECT, SECRET_PLACEHOLDER, StackConfig } from "../mock-runtime";

/** Shown wherever a secret would be: offline there is nothing to decrypt, and reports get shared. */
export const SECRET_MARK = "[secret]";

/**
 * Replaces secrets in recorded inputs: the placeholder the offline runtime gives `secure:` values,
 * every value of a secret field (a vendor's ExternalId) whether the stack file encrypts it or not,
 * and any plain string leaf of a key the config marks secret (a config passed in by a test, say).
 */
export function secretRedactor(config: StackConfig): (value: unknown) => unknown {
  const secrets = new Set<string>([SECRET_PLACEHOLDER]);
  const raw = Object.fromEntries(
    Object.entries(config.values)
      .filter(([k]) => k.startsWith(`${PROJECT}:`))
      .map(([k, v]) => [k.slice(PROJECT.length + 1), parse(v)]),
  );
  const fieldValues = new Set(secretFieldValues(raw));
  for (const key of config.secretKeys) {
    const value = parse(config.values[key]);
    // Values read from a stack file carry the placeholder where each `secure:` leaf was, so only those
    // leaves are secret; a key without one (set directly as a secret) has every leaf treated as one.
    if (!JSON.stringify(value ?? "").includes(SECRET_PLACEHOLDER)) collectLeaves(value, secrets);
  }
  // Short leaves of a secret key would blank out unrelated text; a secret field's value never stays.
  const ordered = [...[...secrets].filter((s) => s.length >= 4), ...fieldValues].sort(
    (a, b) => b.length - a.length,
  );
  const redact = (value: unknown): unknown => {
    if (typeof value === "string") {
      let out = value;
      for (const s of ordered) out = out.split(s).join(SECRET_MARK);
      return out;
    }
    if (Array.isArray(value)) return value.map(redact);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v)]),
      );
    }
    return value;
  };
  return redact;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function collectLeaves(value: unknown, into: Set<string>): void {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectLeaves(v, into));
  else if (value !== null && typeof value === "object")
    Object.values(value).forEach((v) => collectLeaves(v, into));
}
