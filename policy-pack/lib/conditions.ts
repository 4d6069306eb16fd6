import { ConditionEntry, conditionsOf } from "./document";

/**
 * The IAM condition evaluator: does a request context satisfy a statement's `Condition` block? It
 * follows the IAM JSON policy reference (reference_policies_elements_condition_operators.html,
 * reference_policies_condition-single-vs-multi-valued-context-keys.html,
 * reference_policies_variables.html), and each rule is a test in test/policy-pack/conditions.spec.ts
 * that cites the passage it encodes. It is ours (Apache-2.0) because the simulator the offline plan
 * uses is AGPL and must stay out of the pack.
 *
 * - Keys are compared case-insensitively, operators too; values per operator (String* case-sensitive
 *   unless `...IgnoreCase`).
 * - Operators and keys of a block are ANDed; the values of one key are ORed for a positive operator
 *   and NORed for a negated one (`StringNotEquals` is true when the request value matches none).
 * - A key absent from the request: false, except for negated operators (true), `...IfExists` (true),
 *   `ForAllValues:` (true, the vacuous case) and `Null`, which tests exactly that.
 * - A multivalued request key (an array in the context) needs `ForAllValues:` / `ForAnyValue:`; a plain
 *   operator on it does not match.
 * - Policy variables `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}` are
 *   substituted in String and ARN operators; a variable the request lacks (without a default) makes
 *   that policy value match nothing.
 */

/** A request context value: a string for a single-valued key, an array for a multivalued one. */
export type ContextValue = string | readonly string[];

/** A request context: condition keys (any case) to values; a key that is absent is not in the request. */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

/** The context with lower-cased keys, built once per request. */
export type NormalizedContext = ReadonlyMap<string, ContextValue>;

export function normalizeContext(ctx: RequestContext | NormalizedContext): NormalizedContext {
  if (ctx instanceof Map) return ctx;
  const out = new Map<string, ContextValue>();
  for (const [k, v] of Object.entries(ctx as RequestContext))
    if (v !== undefined) out.set(k.toLowerCase(), v);
  return out;
}

type Token = { readonly kind: "text"; readonly text: string } | { readonly kind: "star" | "one" };

/**
 * A policy value with its variables substituted, as tokens (wildcards only when `wildcards`), or
 * undefined when it names a variable the request does not carry and gives no default.
 */
function tokensOf(value: string, ctx: NormalizedContext, wildcards: boolean): Token[] | undefined {
  const out: Token[] = [];
  let text = "";
  const flush = () => {
    if (text.length > 0) out.push({ kind: "text", text });
    text = "";
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "$" && value[i + 1] === "{") {
      const end = value.indexOf("}", i + 2);
      if (end !== -1) {
        const inner = value.slice(i + 2, end);
        i = end;
        if (inner === "*" || inner === "?" || inner === "$") {
          text += inner; // escapes: a literal character, never a wildcard
          continue;
        }
        const m = /^\s*([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
        const name = (m?.[1] ?? inner).toLowerCase();
        const v = ctx.get(name);
        if (typeof v === "string") text += v;
        else if (m?.[2] !== undefined) text += m[2];
        else return undefined; // multivalued keys are not policy variables; absent: no match
        continue;
      }
    }
    if (wildcards && (ch === "*" || ch === "?")) {
      flush();
      out.push({ kind: ch === "*" ? "star" : "one" });
      continue;
    }
    text += ch;
  }
  flush();
  return out;
}

/** Matches tokens against a value; linear backtracking on the last `*`, no regular expression. */
function tokensMatch(tokens: Token[], value: string, ignoreCase: boolean): boolean {
  const v = ignoreCase ? value.toLowerCase() : value;
  const pattern: string[] = [];
  const wild: boolean[] = [];
  for (const t of tokens) {
    if (t.kind === "text") {
      for (const ch of ignoreCase ? t.text.toLowerCase() : t.text) {
        pattern.push(ch);
        wild.push(false);
      }
    } else {
      pattern.push(t.kind === "star" ? "*" : "?");
      wild.push(true);
    }
  }
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  const chars = Array.from(v);
  while (vi < chars.length) {
    if (
      pi < pattern.length &&
      ((wild[pi] && pattern[pi] === "?") || (!wild[pi] && pattern[pi] === chars[vi]))
    ) {
      pi++;
      vi++;
    } else if (pi < pattern.length && wild[pi] && pattern[pi] === "*") {
      star = pi++;
      mark = vi;
    } else if (star !== -1) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < pattern.length && wild[pi] && pattern[pi] === "*") pi++;
  return pi === pattern.length;
}

/** `*` and `?` wildcard match, case-sensitive unless `ignoreCase` (no policy variables). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return tokensMatch(tokensOf(pattern, new Map(), true) ?? [], value, ignoreCase);
}

function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** ISO 8601 (date, or date and time with a zone) or epoch seconds, as milliseconds. */
function parseDate(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t))
    return undefined;
  const ms = Date.parse(/T|\s/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t}Z` : t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** An IP address or CIDR as bits: `{ v6, bits (BigInt), prefix }`, or undefined. */
interface Cidr {
  readonly v6: boolean;
  readonly bits: bigint;
  readonly prefix: number;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(Number(p));
  }
  return out;
}

function parseV6(text: string): bigint | undefined {
  let t = text;
  const tail: bigint[] = [];
  if (t.includes(".")) {
    // An embedded IPv4 address (`::ffff:192.0.2.1`) is the last two groups.
    const i = t.lastIndexOf(":");
    const v4 = parseV4(t.slice(i + 1));
    if (i < 1 || v4 === undefined) return undefined;
    tail.push(v4 >> 16n, v4 & 0xffffn);
    t = t[i - 1] === ":" ? t.slice(0, i + 1) : t.slice(0, i);
  }
  const halves = t.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groupsOf(halves[0]);
  const rest = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const zeros: bigint[] = Array.from({ length: 8 - known }, () => 0n);
  const hex = (g: string) => BigInt(parseInt(g, 16));
  return [...head.map(hex), ...zeros, ...rest.map(hex), ...tail].reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const v6 = addr.includes(":");
  const bits = v6 ? parseV6(addr) : parseV4(addr);
  if (bits === undefined) return undefined;
  const max = v6 ? 128 : 32;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { v6, bits, prefix };
}

function inCidr(address: string, range: string): boolean {
  const a = parseCidr(address);
  const r = parseCidr(range);
  if (a === undefined || r === undefined || a.v6 !== r.v6) return false;
  const width = BigInt(r.v6 ? 128 : 32);
  const shift = width - BigInt(r.prefix);
  return a.bits >> shift === r.bits >> shift;
}

function decodeBase64(text: string): string | undefined {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) return undefined;
  return Buffer.from(t, "base64").toString("hex");
}

/** The six colon-separated parts of an ARN (the last keeps its colons), or undefined. */
export function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

interface BaseOperator {
  /** A negated operator: true when the request value matches none of the policy values. */
  readonly negated: boolean;
  /** Does one request value match one policy value (the positive sense)? */
  readonly match: (requestValue: string, policyValue: string, ctx: NormalizedContext) => boolean;
}

const stringEquals = (ignoreCase: boolean) => (r: string, p: string, ctx: NormalizedContext) => {
  const tokens = tokensOf(p, ctx, false);
  return tokens !== undefined && tokensMatch(tokens, r, ignoreCase);
};

const stringLike = (r: string, p: string, ctx: NormalizedContext) => {
  const tokens = tokensOf(p, ctx, true);
  return tokens !== undefined && tokensMatch(tokens, r, false);
};

/** Tokens split at the colons of their text into the six parts of an ARN (the last keeps its colons). */
function arnTokenParts(tokens: Token[]): Token[][] | undefined {
  const parts: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind !== "text") {
      parts[parts.length - 1].push(t);
      continue;
    }
    t.text.split(":").forEach((piece, i) => {
      if (i > 0) parts.push([]);
      if (piece.length > 0) parts[parts.length - 1].push({ kind: "text", text: piece });
    });
  }
  if (parts.length < 6) return undefined;
  const last = parts.slice(5).flatMap((p, i) => (i === 0 ? p : [{ kind: "text" as const, text: ":" }, ...p]));
  return [...parts.slice(0, 5), last];
}

/** ARN operators compare each of the six parts separately, each with `*` and `?` wildcards. */
const arnLike = (r: string, p: string, ctx: NormalizedContext) => {
  const rp = arnParts(r);
  const tokens = tokensOf(p, ctx, true);
  const pp = tokens === undefined ? undefined : arnTokenParts(tokens);
  if (rp === undefined || pp === undefined) return false;
  const head = pp[0];
  if (head.length !== 1 || head[0].kind !== "text" || head[0].text !== "arn") return false;
  return pp.every((part, i) => tokensMatch(part, rp[i], false));
};

const numeric = (cmp: (a: number, b: number) => boolean) => (r: string, p: string) => {
  const a = parseNumber(r);
  const b = parseNumber(p);
  return a !== undefined && b !== undefined && cmp(a, b);
};

const date = (cmp: (a: number, b: number) => boolean) => (r: string, p: string) => {
  const a = parseDate(r);
  const b = parseDate(p);
  return a !== undefined && b !== undefined && cmp(a, b);
};

const eq = (a: number, b: number) => a === b;
const pos = (match: BaseOperator["match"]): BaseOperator => ({ negated: false, match });
const neg = (match: BaseOperator["match"]): BaseOperator => ({ negated: true, match });

/** Every base operator IAM defines, lower-cased, without set qualifier or `IfExists`. */
export const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  stringequals: pos(stringEquals(false)),
  stringnotequals: neg(stringEquals(false)),
  stringequalsignorecase: pos(stringEquals(true)),
  stringnotequalsignorecase: neg(stringEquals(true)),
  stringlike: pos(stringLike),
  stringnotlike: neg(stringLike),
  numericequals: pos(numeric(eq)),
  numericnotequals: neg(numeric(eq)),
  numericlessthan: pos(numeric((a, b) => a < b)),
  numericlessthanequals: pos(numeric((a, b) => a <= b)),
  numericgreaterthan: pos(numeric((a, b) => a > b)),
  numericgreaterthanequals: pos(numeric((a, b) => a >= b)),
  dateequals: pos(date(eq)),
  datenotequals: neg(date(eq)),
  datelessthan: pos(date((a, b) => a < b)),
  datelessthanequals: pos(date((a, b) => a <= b)),
  dategreaterthan: pos(date((a, b) => a > b)),
  dategreaterthanequals: pos(date((a, b) => a >= b)),
  bool: pos((r, p) => {
    const a = r.trim().toLowerCase();
    return (a === "true" || a === "false") && a === p.trim().toLowerCase();
  }),
  binaryequals: pos((r, p) => {
    const a = decodeBase64(r);
    return a !== undefined && a === decodeBase64(p);
  }),
  ipaddress: pos(inCidr),
  notipaddress: neg(inCidr),
  arnequals: pos(arnLike),
  arnlike: pos(arnLike),
  arnnotequals: neg(arnLike),
  arnnotlike: neg(arnLike),
};

/** True when IAM knows the operator (`Null`, or a base operator with optional qualifier and `IfExists`). */
export function isKnownOperator(c: ConditionEntry): boolean {
  if (c.base === "null") return !c.ifExists && c.qualifier === undefined;
  return c.base in BASE_OPERATORS;
}

/** One request value against the entry's policy values, in the operator's sense. */
function valueSatisfies(op: BaseOperator, requestValue: string, c: ConditionEntry, ctx: NormalizedContext) {
  const any = c.values.some((p) => op.match(requestValue, p, ctx));
  return op.negated ? !any : any;
}

/** Does the request satisfy one condition entry (one operator and one key)? */
export function conditionEntryMatches(
  c: ConditionEntry,
  context: RequestContext | NormalizedContext,
): boolean {
  const ctx = normalizeContext(context);
  const value = ctx.get(c.keyLower);
  if (c.base === "null") {
    if (!isKnownOperator(c)) return false;
    const present = value !== undefined && !(Array.isArray(value) && value.length === 0);
    return c.values.some((v) => v.trim().toLowerCase() === (present ? "false" : "true"));
  }
  const op = BASE_OPERATORS[c.base];
  if (op === undefined) return false; // IAM refuses a policy with an unknown operator
  if (value === undefined) {
    if (c.ifExists) return true;
    if (c.qualifier === "forallvalues") return true;
    if (c.qualifier === "foranyvalue") return false;
    return op.negated;
  }
  if (c.qualifier !== undefined) {
    const values: readonly string[] = typeof value === "string" ? [value] : value;
    return c.qualifier === "forallvalues"
      ? values.every((v) => valueSatisfies(op, v, c, ctx))
      : values.some((v) => valueSatisfies(op, v, c, ctx));
  }
  if (typeof value !== "string") return false; // a multivalued key needs a set qualifier
  return valueSatisfies(op, value, c, ctx);
}

/** Does the request satisfy every entry of a condition block (parsed entries or a raw `Condition`)? */
export function conditionsMatch(
  conditions: readonly ConditionEntry[] | Record<string, unknown>,
  context: RequestContext | NormalizedContext,
): boolean {
  const entries = Array.isArray(conditions)
    ? (conditions as readonly ConditionEntry[])
    : conditionsOf(conditions);
  const ctx = normalizeContext(context);
  return entries.every((c) => conditionEntryMatches(c, ctx));
}
