import type { DiscoveredCondition } from "./simulator";

/**
 * Requests that meet (or miss) the conditions the simulator's discovery mode found. The plan never
 * knows a condition key by name here: it reads each condition's operator and values and builds a
 * context value that satisfies all of a key's conditions, so any trust or policy condition (MFA and
 * its age, source IP, ExternalId, session name, a service's source account, an OIDC subject, a tag)
 * gets a request that meets it, and the edge states what that request had to present.
 */

/** Stands for "the key is not in the request". */
const ABSENT = "\u0000absent";
type Candidate = string;

/** A value no condition names: "some other value". */
const OTHER = "offline-plan-other-value";
/** Documentation addresses (RFC 5737): an address on "another network". */
const OTHER_ADDRESSES = ["192.0.2.1", "198.51.100.1", "203.0.113.254"];

/** A context meeting every condition; keys whose conditions cannot all hold get their first candidate. */
export function satisfyingContext(conditions: readonly DiscoveredCondition[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, leaves] of byKey(conditions)) {
    const candidates = leaves.flatMap(candidatesFor);
    const chosen = candidates.find((c) => leaves.every((l) => holds(l, c))) ?? candidates[0];
    if (chosen !== undefined && chosen !== ABSENT) context[key] = chosen;
  }
  return context;
}

/**
 * The same context, but the given keys changed so that their conditions fail: absent where
 * absence fails them (no MFA, no ExternalId), else a value none of them accepts (another network).
 */
export function violatingContext(
  conditions: readonly DiscoveredCondition[],
  base: Record<string, string>,
  keys: readonly string[],
  preferAbsent: boolean,
): Record<string, string> {
  const context = { ...base };
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  for (const [key, leaves] of byKey(conditions)) {
    if (!wanted.has(key.toLowerCase())) continue;
    const candidates: Candidate[] = [
      ...(preferAbsent ? [ABSENT] : []),
      ...OTHER_ADDRESSES,
      OTHER,
      ...leaves.flatMap(candidatesFor),
      ABSENT,
    ];
    const failing = candidates.find((c) => leaves.some((l) => !holds(l, c)));
    delete context[key];
    if (failing !== undefined && failing !== ABSENT) context[key] = failing;
  }
  return context;
}

function byKey(conditions: readonly DiscoveredCondition[]): Map<string, DiscoveredCondition[]> {
  const keys = new Map<string, DiscoveredCondition[]>();
  for (const c of conditions) {
    const existing = [...keys.keys()].find((k) => k.toLowerCase() === c.key.toLowerCase()) ?? c.key;
    keys.set(existing, [...(keys.get(existing) ?? []), c]);
  }
  return keys;
}

interface Operator {
  readonly negated: boolean;
  readonly base: string;
  readonly ifExists: boolean;
  readonly set?: "ForAnyValue" | "ForAllValues";
}

function parseOperator(raw: string): Operator {
  let op = raw;
  const negated = op.startsWith("not ");
  if (negated) op = op.slice(4);
  let set: Operator["set"];
  const prefix = /^(ForAnyValue|ForAllValues):/.exec(op);
  if (prefix !== null) {
    set = prefix[1] as Operator["set"];
    op = op.slice(prefix[0].length);
  }
  const ifExists = op.endsWith("IfExists");
  if (ifExists) op = op.slice(0, -"IfExists".length);
  return { negated, base: op, ifExists, set };
}

/** Candidate values for one condition: what meets it first, then what may meet it. */
function candidatesFor(c: DiscoveredCondition): Candidate[] {
  const { base } = parseOperator(c.operator);
  const out: Candidate[] = [];
  for (const v of c.values) {
    if (/^(Numeric)/.test(base)) {
      const n = Number(v);
      out.push("0", String(n - 1), v, String(n + 1));
    } else if (/^Date/.test(base)) {
      const t = Date.parse(v);
      if (!Number.isNaN(t))
        out.push(new Date(t - 86400000).toISOString(), v, new Date(t + 86400000).toISOString());
    } else if (/IpAddress$/.test(base)) {
      out.push(firstAddress(v));
    } else if (base === "Bool") {
      out.push(v.toLowerCase(), v.toLowerCase() === "true" ? "false" : "true");
    } else if (base === "Null") {
      out.push(v.toLowerCase() === "true" ? ABSENT : OTHER);
    } else {
      out.push(instantiate(v));
    }
  }
  out.push(OTHER, ABSENT);
  return out;
}

/** A wildcard pattern's simplest match (`gha-*` gives `gha-plan`). */
function instantiate(pattern: string): string {
  return pattern.replace(/\*/g, "plan").replace(/\?/g, "x");
}

/** Whether a context value (or its absence) meets one condition, as IAM evaluates it. */
export function holds(c: DiscoveredCondition, value: Candidate): boolean {
  const op = parseOperator(c.operator);
  const result = holdsPositive(op, c.values, value);
  return op.negated ? !result : result;
}

function holdsPositive(op: Operator, values: string[], value: Candidate): boolean {
  if (op.base === "Null") {
    const wantsAbsent = values.some((v) => v.toLowerCase() === "true");
    return wantsAbsent ? value === ABSENT : value !== ABSENT;
  }
  const negatedOperator = /Not/.test(op.base);
  if (value === ABSENT) return op.ifExists || op.set === "ForAllValues" || negatedOperator;
  const matches = (v: string) => matchOne(op.base.replace("Not", ""), v, value);
  return negatedOperator ? !values.some(matches) : values.some(matches);
}

function matchOne(base: string, expected: string, actual: string): boolean {
  switch (base) {
    case "StringEquals":
      return actual === expected;
    case "StringEqualsIgnoreCase":
      return actual.toLowerCase() === expected.toLowerCase();
    case "StringLike":
    case "ArnLike":
    case "ArnEquals":
      return glob(expected).test(actual);
    case "Bool":
      return actual.toLowerCase() === expected.toLowerCase();
    case "NumericEquals":
      return Number(actual) === Number(expected);
    case "NumericLessThan":
      return Number(actual) < Number(expected);
    case "NumericLessThanEquals":
      return Number(actual) <= Number(expected);
    case "NumericGreaterThan":
      return Number(actual) > Number(expected);
    case "NumericGreaterThanEquals":
      return Number(actual) >= Number(expected);
    case "DateEquals":
      return Date.parse(actual) === Date.parse(expected);
    case "DateLessThan":
      return Date.parse(actual) < Date.parse(expected);
    case "DateLessThanEquals":
      return Date.parse(actual) <= Date.parse(expected);
    case "DateGreaterThan":
      return Date.parse(actual) > Date.parse(expected);
    case "DateGreaterThanEquals":
      return Date.parse(actual) >= Date.parse(expected);
    case "IpAddress":
      return inCidr(actual, expected);
    default:
      return actual === expected;
  }
}

function glob(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "s");
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const a = ipv4(address);
  const n = ipv4(net);
  if (a === undefined || n === undefined) return address === cidr || address === net;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(n / size);
}

function firstAddress(cidr: string): string {
  return cidr.split("/")[0];
}

const OPERATOR_WORDS: Record<string, string> = {
  StringEquals: "is",
  StringEqualsIgnoreCase: "is (any case)",
  StringLike: "matches",
  StringNotEquals: "is not",
  StringNotEqualsIgnoreCase: "is not (any case)",
  StringNotLike: "does not match",
  ArnEquals: "is",
  ArnLike: "matches",
  ArnNotEquals: "is not",
  ArnNotLike: "does not match",
  Bool: "is",
  NumericEquals: "=",
  NumericNotEquals: "≠",
  NumericLessThan: "<",
  NumericLessThanEquals: "≤",
  NumericGreaterThan: ">",
  NumericGreaterThanEquals: "≥",
  DateEquals: "is",
  DateLessThan: "before",
  DateLessThanEquals: "at or before",
  DateGreaterThan: "after",
  DateGreaterThanEquals: "at or after",
  IpAddress: "in",
  NotIpAddress: "not in",
};

/** A condition in words: `aws:MultiFactorAuthAge < 3600`, `aws:SourceIp in 203.0.113.10/32`. */
export function conditionText(c: DiscoveredCondition): string {
  const op = parseOperator(c.operator);
  if (op.base === "Null") {
    const absent = c.values.some((v) => v.toLowerCase() === "true") !== op.negated;
    return `${c.key} ${absent ? "absent" : "present"}`;
  }
  const word = OPERATOR_WORDS[op.base] ?? op.base;
  const values = c.values.length === 1 ? c.values[0] : `one of ${c.values.join(", ")}`;
  const qualifiers = [op.set === undefined ? "" : `${op.set} `, op.ifExists ? " (if present)" : ""];
  return `${op.negated ? "not: " : ""}${qualifiers[0]}${c.key} ${word} ${values}${qualifiers[1]}`;
}
