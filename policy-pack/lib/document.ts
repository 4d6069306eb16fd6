/**
 * IAM policy documents in every shape Pulumi programs and templates hand them over: a JSON string or
 * an object, `Statement` as one object or a list, `Principal` as `"*"`, an object of strings or lists,
 * and condition blocks whose operator and key names IAM compares case-insensitively. Malformed input
 * never throws here: what cannot be read is kept as a note, so every rule can reason about it.
 */

export type PrincipalKind = "*" | "AWS" | "Service" | "Federated" | "CanonicalUser" | "Other";

export interface PrincipalRef {
  /** `*` for the bare wildcard principal (`"Principal": "*"`). */
  readonly kind: PrincipalKind;
  /** The principal as written; non-string values are rendered as JSON so they never match an ARN. */
  readonly value: string;
  /** False when the value was not a string (a number, an object such as an unresolved intrinsic). */
  readonly literal: boolean;
}

export interface ConditionEntry {
  /** The operator as written, e.g. `ForAllValues:StringLikeIfExists`. */
  readonly operator: string;
  /** Lower-cased operator without set qualifier and `IfExists`, e.g. `stringlike`. */
  readonly base: string;
  /** `forallvalues` / `foranyvalue` when the operator carries a set qualifier. */
  readonly qualifier?: "forallvalues" | "foranyvalue";
  readonly ifExists: boolean;
  /** The key as written. */
  readonly key: string;
  /** The key lower-cased, for comparisons (IAM condition keys are case-insensitive). */
  readonly keyLower: string;
  /** Values as strings; a non-string value is rendered as JSON and marked by `allLiteral: false`. */
  readonly values: string[];
  readonly allLiteral: boolean;
}

export interface Statement {
  readonly index: number;
  readonly sid?: string;
  /** How messages name the statement: `Statement "Sid"` or `Statement[2]` when it has no Sid. */
  readonly label: string;
  /** `Allow`, `Deny`, or whatever was written (compared case-sensitively, as IAM does); `""` when missing. */
  readonly effect: string;
  readonly principals: PrincipalRef[];
  readonly hasPrincipal: boolean;
  readonly notPrincipals: PrincipalRef[];
  readonly hasNotPrincipal: boolean;
  readonly actions: string[];
  readonly hasNotAction: boolean;
  readonly notActions: string[];
  readonly resources: string[];
  readonly hasNotResource: boolean;
  readonly notResources: string[];
  readonly conditions: ConditionEntry[];
}

export interface PolicyDocument {
  readonly statements: Statement[];
  /** Problems that make the document unreadable as a whole (bad JSON, no statement list). */
  readonly problems: string[];
  /** The document as text (the original string, or the object serialised), for size checks. */
  readonly text: string;
}

/** A value that can be iterated as a list: `undefined`/`null` is empty, a scalar is one element. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return Array.from(value as unknown[]);
  return [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function render(value: unknown): { text: string; literal: boolean } {
  if (typeof value === "string") return { text: value, literal: true };
  if (typeof value === "number" || typeof value === "boolean") return { text: String(value), literal: true };
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch (e) {
    rethrowUnknown(e);
    text = "[unreadable]";
  }
  return { text, literal: false };
}

/**
 * Errors of `unknownCheckingProxy` (a value unknown during preview) must reach the policy runtime,
 * which turns them into an advisory note; every other error of a defensive `try` is swallowed.
 */
export function rethrowUnknown(e: unknown): void {
  if (e instanceof Error && e.constructor.name === "UnknownValueError") throw e;
}

function strings(value: unknown): string[] {
  return asList(value).map((v) => render(v).text);
}

const PRINCIPAL_KINDS: Record<string, PrincipalKind> = {
  aws: "AWS",
  service: "Service",
  federated: "Federated",
  canonicaluser: "CanonicalUser",
};

/** Normalises a `Principal`/`NotPrincipal` block into a flat list. */
export function principalsOf(block: unknown): PrincipalRef[] {
  const out: PrincipalRef[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 3) return;
    if (value === undefined || value === null) return;
    if (typeof value === "string") {
      out.push({ kind: value.trim() === "*" ? "*" : "Other", value, literal: true });
      return;
    }
    if (Array.isArray(value)) {
      for (const v of asList(value)) visit(v, depth + 1);
      return;
    }
    if (isRecord(value)) {
      for (const key of Object.keys(value)) {
        const kind = PRINCIPAL_KINDS[key.toLowerCase()] ?? "Other";
        for (const v of asList(value[key])) {
          const r = render(v);
          out.push({ kind, value: r.text, literal: r.literal });
        }
      }
      return;
    }
    const r = render(value);
    out.push({ kind: "Other", value: r.text, literal: false });
  };
  visit(block, 0);
  return out;
}

function parseOperator(operator: string): Pick<ConditionEntry, "base" | "qualifier" | "ifExists"> {
  let rest = operator.trim().toLowerCase();
  let qualifier: ConditionEntry["qualifier"];
  for (const q of ["forallvalues", "foranyvalue"] as const) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
    }
  }
  const ifExists = rest.endsWith("ifexists") && rest.length > "ifexists".length;
  if (ifExists) rest = rest.slice(0, -"ifexists".length);
  return { base: rest, qualifier, ifExists };
}

/** Normalises a `Condition` block: one entry per operator and key. */
export function conditionsOf(block: unknown): ConditionEntry[] {
  if (!isRecord(block)) return [];
  const out: ConditionEntry[] = [];
  for (const operator of Object.keys(block)) {
    const keys = block[operator];
    if (!isRecord(keys)) continue;
    const parsed = parseOperator(operator);
    for (const key of Object.keys(keys)) {
      const rendered = asList(keys[key]).map(render);
      out.push({
        operator,
        ...parsed,
        key,
        keyLower: key.toLowerCase(),
        values: rendered.map((r) => r.text),
        allLiteral: rendered.every((r) => r.literal),
      });
    }
  }
  return out;
}

function getField(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

function statementOf(raw: unknown, index: number): Statement {
  const s = isRecord(raw) ? raw : {};
  const sidValue = getField(s, "Sid");
  const sid = typeof sidValue === "string" && sidValue.length > 0 ? sidValue : undefined;
  const effectValue = getField(s, "Effect");
  const principal = getField(s, "Principal");
  const notPrincipal = getField(s, "NotPrincipal");
  const notAction = getField(s, "NotAction");
  const notResource = getField(s, "NotResource");
  return {
    index,
    sid,
    label: sid === undefined ? `Statement[${index}]` : `Statement ${JSON.stringify(sid)}`,
    effect:
      typeof effectValue === "string"
        ? effectValue
        : effectValue === undefined || effectValue === null
          ? ""
          : render(effectValue).text,
    principals: principalsOf(principal),
    hasPrincipal: principal !== undefined && principal !== null,
    notPrincipals: principalsOf(notPrincipal),
    hasNotPrincipal: notPrincipal !== undefined && notPrincipal !== null,
    actions: strings(getField(s, "Action")),
    hasNotAction: notAction !== undefined && notAction !== null,
    notActions: strings(notAction),
    resources: strings(getField(s, "Resource")),
    hasNotResource: notResource !== undefined && notResource !== null,
    notResources: strings(notResource),
    conditions: conditionsOf(getField(s, "Condition")),
  };
}

/**
 * Documents already parsed, by their JSON text. Every trust rule reads the same role's policy (and
 * the runtime hands each rule a fresh copy of the inputs), so without this a role's trust policy is
 * parsed once per rule. Parsing a string is pure and no rule modifies a parsed document, so sharing
 * the result changes nothing but the time. Bounded, oldest first out, as the pack process is long-lived.
 */
const parsedByText = new Map<string, PolicyDocument>();
const PARSED_LIMIT = 4096;

/** Parses a policy document given as a JSON string or an object. */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  if (typeof input !== "string") return parseDocument(input);
  const known = parsedByText.get(input);
  if (known !== undefined) return known;
  const doc = parseDocument(input);
  if (parsedByText.size >= PARSED_LIMIT) parsedByText.delete(parsedByText.keys().next().value as string);
  parsedByText.set(input, doc);
  return doc;
}

function parseDocument(input: unknown): PolicyDocument {
  let value: unknown = input;
  let text: string;
  const problems: string[] = [];
  if (typeof input === "string") {
    text = input;
    try {
      value = JSON.parse(input);
    } catch (e) {
      rethrowUnknown(e);
      return { statements: [], problems: ["the policy is not valid JSON"], text };
    }
  } else {
    text = render(input).text;
  }
  if (!isRecord(value)) {
    return { statements: [], problems: ["the policy is not a JSON object with a Statement list"], text };
  }
  const rawStatements = getField(value, "Statement");
  if (rawStatements === undefined || rawStatements === null) {
    problems.push("the policy has no Statement");
  }
  const statements = asList(rawStatements).map((s, i) => {
    if (!isRecord(s)) problems.push(`Statement[${i}] is not an object`);
    return statementOf(s, i);
  });
  return { statements, problems, text };
}

/** IAM-style wildcard match (`*` any run, `?` one character), case-insensitive (for actions). */
export function globMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  // Iterative matcher: linear in practice, no regular expression built from user input.
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = vi;
    } else if (star !== -1) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** True when the statement's Action/NotAction lets `action` through. */
export function statementCoversAction(s: Statement, action: string): boolean {
  if (s.hasNotAction) return !s.notActions.some((a) => globMatch(a, action));
  return s.actions.some((a) => globMatch(a, action));
}

export function isAllow(s: Statement): boolean {
  return s.effect === "Allow";
}

/** Conditions of a statement on `key` (case-insensitive). */
export function conditionsOn(s: Statement, key: string): ConditionEntry[] {
  const lower = key.toLowerCase();
  return s.conditions.filter((c) => c.keyLower === lower);
}

export function hasWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}

/**
 * An exact match condition: plain `StringEquals` (no set qualifier, no `IfExists`), literal values
 * only, none empty or with a wildcard. `accept` may narrow the values further.
 */
export function isExactCondition(c: ConditionEntry, accept: (v: string) => boolean = () => true): boolean {
  return (
    c.base === "stringequals" &&
    c.qualifier === undefined &&
    !c.ifExists &&
    c.allLiteral &&
    c.values.length > 0 &&
    c.values.every((v) => v.length > 0 && !hasWildcard(v) && accept(v))
  );
}

/** Counts characters as IAM does for the trust policy quota: whitespace does not count. */
export function nonWhitespaceLength(text: string): number {
  return text.replace(/\s+/g, "").length;
}
