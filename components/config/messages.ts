import { z } from "zod";

/**
 * Every message the schema library would word itself, in this project's words: what is wrong with
 * the value and how to fix it. Schemas that carry their own message keep it; everything else comes
 * through {@link configErrorMap}, so no raw library wording ("Invalid input", "Unrecognized key")
 * ever reaches a user.
 */

/** A value as a user wrote it: strings quoted, lists and maps as short JSON. */
export function showValue(value: unknown, max = 60): string {
  if (value === undefined) return "not set";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What kind of value this is, for "expected a list, got a map". */
export function kindOf(value: unknown): string {
  if (value === null) return "an empty value (null)";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "boolean":
      return "true/false";
    case "object":
      return "a map of keys";
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a map of keys",
  record: "a map of keys",
  tuple: "a list",
  literal: "a fixed value",
};

/** The valid spelling closest to `word` (edit distance at most a third of its length), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.ceil(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      const substitution = previous + (a[i - 1] === b[j - 1] ? 0 : 1);
      // A swap of two neighbouring letters counts as one edit, like one substitution.
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        swapped ? Math.min(substitution, previous) : substitution,
      );
      previous = current;
    }
  }
  return row[b.length];
}

/** Keys that changed shape, with what to write instead. */
const RENAMED: Readonly<Record<string, { readonly key: string; readonly write: string }>> = {
  exemptPrincipalArns: {
    key: "exemptions",
    write: "exemptions: [{ principal: <exact role or user ARN>, reason: <why> }]",
  },
};

/** `unknown key "regoin"; did you mean "region"? (keys here: …)`. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const renamed = RENAMED[key];
  if (renamed !== undefined && known.includes(renamed.key)) {
    return `${JSON.stringify(key)} is now ${JSON.stringify(renamed.key)}, with a reason for each entry; write ${renamed.write}`;
  }
  const suggestion = closest(key, known);
  return suggestion !== undefined
    ? `unknown key ${JSON.stringify(key)}; did you mean ${JSON.stringify(suggestion)}?`
    : `unknown key ${JSON.stringify(key)}; the keys here are ${known.join(", ")}`;
}

function shapeKeys(issue: z.core.$ZodRawIssue): string[] {
  const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return Object.keys(def?.shape ?? {});
}

function plural(n: number | bigint, one: string, many: string): string {
  return `${n} ${n === 1 || n === BigInt(1) ? one : many}`;
}

/**
 * The per-parse error map: our wording for every issue the library raises without a schema message.
 * Unknown keys suggest the closest valid key; a wrong type names what was found and what fits.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? String(issue.expected);
      if (input === undefined) return `is required: expected ${expected}`;
      if (issue.expected === "array" && input !== null && typeof input === "object") {
        return `expected a list, got a map of keys; write one "- " item per entry (e.g. "- name: …"), not "key: value" pairs`;
      }
      return `expected ${expected}, got ${kindOf(input)} ${showValue(input)}`;
    }
    case "unrecognized_keys": {
      const known = shapeKeys(issue);
      return issue.keys.map((k) => unknownKeyMessage(k, known)).join("; ");
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v));
      const suggestion =
        typeof input === "string"
          ? closest(
              input,
              issue.values.filter((v): v is string => typeof v === "string"),
            )
          : undefined;
      return `${showValue(input)} is not allowed here; use ${options.length === 1 ? options[0] : `one of ${options.join(", ")}`}${suggestion === undefined ? "" : ` (did you mean ${JSON.stringify(suggestion)}?)`}`;
    }
    case "too_small": {
      const min = issue.minimum;
      if (issue.origin === "array") return `list at least ${plural(min, "entry", "entries")}`;
      if (issue.origin === "string") return `write at least ${plural(min, "character", "characters")}`;
      return `${showValue(input)} is too small; use at least ${String(min)}`;
    }
    case "too_big": {
      const max = issue.maximum;
      if (issue.origin === "array") return `list at most ${plural(max, "entry", "entries")}`;
      if (issue.origin === "string") return `write at most ${plural(max, "character", "characters")}`;
      return `${showValue(input)} is too large; use at most ${String(max)}`;
    }
    case "invalid_format":
      return `${showValue(input)} does not have the expected form${issue.pattern === undefined ? "" : ` (${issue.pattern})`}`;
    case "not_multiple_of":
      return `${showValue(input)} is not a multiple of ${issue.divisor}`;
    case "invalid_union":
      return `${showValue(input)} matches none of the accepted forms; see docs/config-reference.md for this key`;
    case "invalid_key":
      return `${showValue(input)} is not a valid key here`;
    case "invalid_element":
      return `${showValue(input)} is not a valid entry here`;
    default:
      return `${showValue(input)} is not valid here`;
  }
};
