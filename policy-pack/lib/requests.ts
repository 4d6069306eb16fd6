import { accountOf, isAccountRoot } from "./accounts";
import { ADVERSARY, adversaryRoleArn } from "./adversary";
import { statementCoversResource } from "./classify";
import { NormalizedContext, RequestContext, conditionEntryMatches, normalizeContext } from "./conditions";
import { PolicyDocument, PrincipalRef, Statement, statementCoversAction } from "./document";

/**
 * Adversarial requests: instead of asking how a statement is spelt, the rules ask whether it would
 * let in a request from someone it must keep out, and the condition evaluator answers. A request
 * names its principal, action, resource and context; `documentDecision` applies IAM's order (an
 * explicit Deny wins, then any Allow) within one policy; `keyAdmits` asks the narrower question a
 * rule about one condition key needs: do the statement's tests of that key alone admit this value?
 */

/** Who makes a request, as a resource or trust policy's `Principal` sees it. */
export interface RequestPrincipal {
  /** `AWS` (a role, user or account), `Service`, `Federated` (a web identity or SAML token), `Anonymous`. */
  readonly kind: "AWS" | "Service" | "Federated" | "Anonymous";
  /** AWS: the principal's ARN (`arn:aws:iam::000000000000:role/x`); Service: its name; Federated: the provider. */
  readonly id: string;
}

export interface Request {
  readonly principal: RequestPrincipal;
  readonly action: string;
  /** The resource ARN; trust policies have no Resource, and their requests none. */
  readonly resource?: string;
  readonly context: RequestContext;
  /** What the request stands for, in messages: "a role of account 000000000000, in no organization". */
  readonly description: string;
}

export { ADVERSARY, adversaryRoleArn };

/** A policy value with its wildcards filled in by an adversary (`repo:acme/*` -> `repo:acme/zz-adversary`). */
export function instantiate(value: string, filler: string = ADVERSARY.value): string {
  return value.replace(/\*/g, filler).replace(/\?/g, "z");
}

/** Same as `instantiate` for an ARN: a wildcard account becomes the adversary's account. */
export function instantiateArn(value: string): string {
  const parts = value.split(":");
  if (parts.length >= 6 && /[*?]/.test(parts[4])) parts[4] = ADVERSARY.account;
  return instantiate(parts.join(":"));
}

function principalMatches(p: PrincipalRef, who: RequestPrincipal): boolean {
  if (p.kind === "*") return true;
  if (!p.literal) return false;
  const v = p.value.trim();
  if (v === "*")
    return p.kind === "AWS" || p.kind === "Other" ? who.kind !== "Anonymous" : who.kind === p.kind;
  // IAM refuses other wildcards in principals; a pattern that would match is still read as a match.
  const wild = v.includes("*");
  switch (p.kind) {
    case "AWS":
    case "Other": {
      if (who.kind !== "AWS") return false;
      if (wild) return true;
      if (isAccountRoot(v)) return accountOf(v) === accountOf(who.id);
      if (v === who.id) return true;
      // A role principal also matches its sessions (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION).
      const role = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(v);
      const session = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(who.id);
      return role !== null && session !== null && role[2] === session[2] && role[3] === session[3];
    }
    case "Service":
      return who.kind === "Service" && (wild || v.toLowerCase() === who.id.toLowerCase());
    case "Federated":
      return who.kind === "Federated" && (wild || v.toLowerCase() === who.id.toLowerCase());
    default:
      return false;
  }
}

/** Does the statement's Principal (or NotPrincipal) name this principal? A statement with neither names everyone. */
export function statementNamesPrincipal(s: Statement, who: RequestPrincipal): boolean {
  if (s.hasNotPrincipal) return !s.notPrincipals.some((p) => principalMatches(p, who));
  if (!s.hasPrincipal) return true; // identity policies: the principal is whoever holds the policy
  return s.principals.some((p) => principalMatches(p, who));
}

/** Does the statement apply to the request: principal, action, resource and every condition? */
export function statementApplies(
  s: Statement,
  r: Request,
  ctx: NormalizedContext = normalizeContext(r.context),
): boolean {
  if (!statementNamesPrincipal(s, r.principal)) return false;
  if (!statementCoversAction(s, r.action)) return false;
  if (
    r.resource !== undefined &&
    (s.resources.length > 0 || s.hasNotResource) &&
    !statementCoversResource(s, r.resource)
  )
    return false;
  return s.conditions.every((c) => conditionEntryMatches(c, ctx));
}

export interface Decision {
  readonly allowed: boolean;
  /** Allow statements (and statements whose Effect IAM would refuse) that apply. */
  readonly allowedBy: Statement[];
  readonly deniedBy: Statement[];
}

/**
 * One policy's answer to a request: denied when a Deny applies, allowed when an Allow applies. A
 * statement whose Effect is neither `Allow` nor `Deny` (missing, misspelt) counts as an Allow: IAM
 * refuses such a document, and the pack never assumes an unreadable statement keeps anyone out.
 */
export function documentDecision(doc: PolicyDocument, r: Request): Decision {
  const ctx = normalizeContext(r.context);
  const allowedBy: Statement[] = [];
  const deniedBy: Statement[] = [];
  for (const s of doc.statements) {
    if (!statementApplies(s, r, ctx)) continue;
    (s.effect === "Deny" ? deniedBy : allowedBy).push(s);
  }
  return { allowed: deniedBy.length === 0 && allowedBy.length > 0, allowedBy, deniedBy };
}

/** Does the statement's test of these keys alone (its other conditions set aside) admit the context? */
export function keysAdmit(s: Statement, keys: readonly string[], context: RequestContext): boolean {
  const lower = keys.map((k) => k.toLowerCase());
  const ctx = normalizeContext(context);
  return s.conditions.filter((c) => lower.includes(c.keyLower)).every((c) => conditionEntryMatches(c, ctx));
}

/** True when the statement tests any of these keys. */
export function testsKey(s: Statement, keys: readonly string[]): boolean {
  const lower = keys.map((k) => k.toLowerCase());
  return s.conditions.some((c) => lower.includes(c.keyLower));
}

/**
 * Values an adversary tries for a key: absent (`undefined`), the stand-in value, `extra` guesses, and
 * every value the statement tests the key with that `intended` does not accept, its wildcards filled in.
 */
export function adversaryValues(
  s: Statement,
  key: string,
  intended: (value: string) => boolean,
  extra: readonly string[] = [],
  fill: (value: string) => string = instantiate,
): (string | undefined)[] {
  const lower = key.toLowerCase();
  const fromPolicy = s.conditions
    .filter((c) => c.keyLower === lower)
    .flatMap((c) => c.values)
    .map(fill);
  const out: (string | undefined)[] = [undefined];
  for (const v of [...extra, ...fromPolicy]) if (!intended(v) && !out.includes(v)) out.push(v);
  return out;
}

/** `"key" "value"` or `no key`, for messages. */
export function describeValue(key: string, value: string | readonly string[] | undefined): string {
  if (value === undefined) return `no ${key}`;
  return `${key} ${JSON.stringify(value)}`;
}
