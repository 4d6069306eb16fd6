import { accountOf, isAccountRoot } from "./accounts";
import { Membership, PackConfig, membershipOf } from "./config";
import {
  PolicyDocument,
  PrincipalRef,
  Statement,
  conditionsOn,
  isAllow,
  nonWhitespaceLength,
  statementCoversAction,
  hasWildcard,
} from "./document";
import { Classification, ClassificationReason, classifyManagedPolicy, classifyPolicy } from "./classify";
import { oidcFix, oidcHost, oidcProblems } from "./oidc";
import {
  ADVERSARY,
  adversaryRoleArn,
  describeValue,
  instantiate,
  instantiateArn,
  keysAdmit,
  testsKey,
} from "./requests";

/**
 * The trust-policy checks, as pure functions of a parsed document and what is known about the role.
 * Pulumi `aws.iam.Role` resources and `AWS::IAM::Role` resources inside CloudFormation templates go
 * through the same functions, so a role is judged the same way however it is deployed.
 */

export interface TrustSubject {
  readonly doc: PolicyDocument;
  /** The role's IAM name when it is set explicitly (an auto-named role is never the sanctioned one). */
  readonly roleName?: string;
  /** The account the role lives in, when its provider (or template) says. */
  readonly ownAccount?: string;
}

export type TrustCheck = (subject: TrustSubject, cfg: PackConfig) => string[];

const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/** Single-valued identity keys: a set qualifier or `IfExists` on them opens a bypass. */
export const SINGLE_VALUED_IDENTITY_KEYS = [
  "aws:PrincipalOrgID",
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "sts:ExternalId",
  "aws:SourceAccount",
];

export interface AccountPrincipal {
  readonly statement: Statement;
  readonly principal: PrincipalRef;
  readonly account?: string;
  readonly root: boolean;
  readonly membership: Membership;
  /** The account root the statement names, when `aws:PrincipalArn` narrows it to `principal`. */
  readonly narrowedFrom?: PrincipalRef;
}

function describe(p: PrincipalRef): string {
  return p.kind === "*" ? '"*"' : `${p.kind === "Other" ? "" : `${p.kind}: `}${JSON.stringify(p.value)}`;
}

function describeAdmitted(ap: { principal: PrincipalRef; narrowedFrom?: PrincipalRef }): string {
  const narrowed =
    ap.narrowedFrom === undefined ? "" : ` (${describe(ap.narrowedFrom)} narrowed by aws:PrincipalArn)`;
  return `${describe(ap.principal)}${narrowed}`;
}

function isWildcardPrincipal(p: PrincipalRef): boolean {
  return p.literal && p.value.includes("*");
}

/** Operators that, without `IfExists` or a set qualifier, match a literal value exactly. */
const EXACT_ARN_OPERATORS = ["arnequals", "arnlike", "stringequals", "stringlike"];

/**
 * The principal ARNs an Allow statement narrows its principals to with `aws:PrincipalArn`, or
 * undefined when it does not narrow them to named principals. Only positive exact tests count:
 * `ArnEquals`, `ArnLike`, `StringEquals` or `StringLike`, without a set qualifier or `IfExists`,
 * every value a literal ARN without `*` or `?` (ArnEquals expands wildcards like ArnLike). All the
 * condition blocks of a statement must hold, so several exact tests narrow to what they share; any
 * other test on the key (a negated operator, `role/*`) can only narrow further. IAM compares ARN
 * conditions case-sensitively, and a role session's `aws:PrincipalArn` is the role's ARN.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalArnNarrowing(s: Statement): string[] | undefined {
  let narrowed: string[] | undefined;
  for (const c of conditionsOn(s, "aws:PrincipalArn")) {
    const exact =
      EXACT_ARN_OPERATORS.includes(c.base) &&
      c.qualifier === undefined &&
      !c.ifExists &&
      c.allLiteral &&
      c.values.length > 0 &&
      c.values.every((v) => v.startsWith("arn:") && !hasWildcard(v));
    if (!exact) continue;
    narrowed = narrowed === undefined ? [...c.values] : narrowed.filter((v) => c.values.includes(v));
  }
  return narrowed;
}

/**
 * The AWS principals an Allow statement admits: each principal as written, except that an account
 * root narrowed by `aws:PrincipalArn` stands for exactly the narrowed principals of its account,
 * and a named principal the narrowing leaves out admits nobody.
 */
export function admittedPrincipals(s: Statement): { principal: PrincipalRef; narrowedFrom?: PrincipalRef }[] {
  const narrowing = principalArnNarrowing(s);
  const out: { principal: PrincipalRef; narrowedFrom?: PrincipalRef }[] = [];
  for (const p of s.principals) {
    if (p.kind !== "AWS" && p.kind !== "Other") continue;
    if (narrowing === undefined || !p.literal || isWildcardPrincipal(p)) {
      out.push({ principal: p });
      continue;
    }
    if (isAccountRoot(p.value)) {
      const account = accountOf(p.value);
      for (const arn of narrowing.filter((v) => accountOf(v) === account)) {
        out.push({ principal: { kind: p.kind, value: arn, literal: true }, narrowedFrom: p });
      }
    } else if (narrowing.includes(p.value.trim())) {
      out.push({ principal: p });
    }
  }
  return out;
}

/** AWS-account principals of Allow statements that are not in the role's own (known) account. */
export function otherAccountPrincipals(subject: TrustSubject, cfg: PackConfig): AccountPrincipal[] {
  const out: AccountPrincipal[] = [];
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    for (const { principal: p, narrowedFrom } of admittedPrincipals(s)) {
      if (isWildcardPrincipal(p)) continue;
      const account = p.literal ? accountOf(p.value) : undefined;
      if (account !== undefined && subject.ownAccount !== undefined && account === subject.ownAccount)
        continue;
      out.push({
        statement: s,
        principal: p,
        account,
        root: p.literal && isAccountRoot(p.value),
        membership: membershipOf(account, cfg),
        ...(narrowedFrom === undefined ? {} : { narrowedFrom }),
      });
    }
  }
  return out;
}

/** The one sanctioned exception: the organization access role trusting the management account root. */
export function isSanctionedOrgAccess(subject: TrustSubject, ap: AccountPrincipal, cfg: PackConfig): boolean {
  return (
    subject.roleName === cfg.organizationAccessRoleName &&
    cfg.managementAccountId !== undefined &&
    (ap.root || ap.narrowedFrom !== undefined) &&
    ap.account === cfg.managementAccountId
  );
}

const ORG_KEYS = ["aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalOrgPaths"];

/** An organization path an adversary's account sits under, for an organization ID. */
function pathUnder(orgId: string): string {
  return `${orgId}/r-zzzz/ou-zzzz-zzzzzzzz/`;
}

/**
 * The first request from outside the organization that the statement's organization tests
 * (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalOrgPaths, its other conditions set aside)
 * let in, described; undefined when they keep every one out. The adversary comes from no
 * organization, from another one, from any organization the statement names that is not ours, and
 * always from an account the statement does not pin.
 */
export function outsiderAdmitted(s: Statement, cfg: PackConfig): string | undefined {
  const ours = (orgId: string) =>
    cfg.organizationId !== undefined ? orgId === cfg.organizationId : ORG_ID.test(orgId);
  const named = s.conditions
    .filter((c) => c.keyLower === "aws:principalorgid")
    .flatMap((c) => c.values.map((v) => instantiate(v)));
  const paths = s.conditions
    .filter((c) => c.keyLower === "aws:principalorgpaths")
    .flatMap((c) => c.values.map((v) => instantiate(v, "zz-adversary/")));
  const requests: { orgId?: string; paths?: string[]; why: string }[] = [
    { why: "a principal in no organization" },
    {
      orgId: ADVERSARY.organizationId,
      paths: [pathUnder(ADVERSARY.organizationId)],
      why: "another organization",
    },
    ...named
      .filter((o) => !ours(o))
      .map((o) => ({ orgId: o, paths: [pathUnder(o)], why: `organization ${o}, not ours` })),
    ...paths
      .filter((p) => !ours(p.split("/")[0]))
      .map((p) => ({ orgId: p.split("/")[0], paths: [p], why: `organization path ${p}, outside ours` })),
  ];
  for (const r of requests) {
    const context = {
      "aws:PrincipalAccount": ADVERSARY.account,
      ...(r.orgId === undefined ? {} : { "aws:PrincipalOrgID": r.orgId }),
      ...(r.paths === undefined ? {} : { "aws:PrincipalOrgPaths": r.paths }),
    };
    if (keysAdmit(s, ORG_KEYS, context))
      return `${describeValue("aws:PrincipalOrgID", r.orgId)} and aws:PrincipalAccount "${ADVERSARY.account}" (${r.why})`;
  }
  return undefined;
}

export function hasOrgCondition(s: Statement, cfg: PackConfig): boolean {
  return outsiderAdmitted(s, cfg) === undefined;
}

/**
 * The first sts:ExternalId a caller who does not know the secret can send and get past the
 * statement's ExternalId tests: none at all, a guess, or what a wildcard in the policy leaves open.
 * Values of two characters or fewer and all-wildcard values are guesses, not secrets.
 */
export function externalIdAdmitted(s: Statement): string | undefined {
  const key = "sts:externalid";
  const secrets = s.conditions
    .filter((c) => c.keyLower === key && !c.base.includes("not") && c.base !== "null")
    .flatMap((c) => c.values)
    .filter((v) => v.length >= 2 && !/[*?]/.test(v));
  const guesses = [
    "adversary-guess",
    "*",
    "",
    ...s.conditions.filter((c) => c.keyLower === key).flatMap((c) => c.values.map((v) => instantiate(v))),
  ];
  if (keysAdmit(s, [key], {})) return "a caller without sts:ExternalId";
  const guess = guesses.find((g) => !secrets.includes(g) && keysAdmit(s, [key], { [key]: g }));
  return guess === undefined ? undefined : `a caller with sts:ExternalId ${JSON.stringify(guess)}`;
}

export function hasExternalIdCondition(s: Statement): boolean {
  return testsKey(s, ["sts:ExternalId"]) && externalIdAdmitted(s) === undefined;
}

function orgConditionHint(cfg: PackConfig): string {
  return `add "Condition": {"StringEquals": {"aws:PrincipalOrgID": "${cfg.organizationId ?? "o-..."}"}} (or an exact aws:PrincipalAccount) to the statement`;
}

export const checkNoWildcardPrincipal: TrustCheck = (subject) => {
  const out: string[] = [];
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    const wild = s.principals.filter(isWildcardPrincipal);
    if (wild.length === 0) continue;
    out.push(
      `${s.label} trusts a wildcard principal (${wild.map(describe).join(", ")}): any identity in any AWS account can ask for this role, and conditions only filter the request, they do not name who is trusted. Replace it with the exact role ARN that needs access.`,
    );
  }
  return out;
};

/** What a trust policy can grant: `*`, `sts:*` and `sts:*Role*`-like patterns cover them all. */
const TRUST_SESSION_ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithWebIdentity",
  "sts:AssumeRoleWithSAML",
  "sts:TagSession",
  "sts:SetSourceIdentity",
  "sts:SetContext",
];

export const checkStatementShape: TrustCheck = (subject) => {
  const out = subject.doc.problems.map(
    (p) => `The trust policy cannot be checked: ${p}. Give the role a policy document with a Statement list.`,
  );
  for (const s of subject.doc.statements) {
    if (s.hasNotPrincipal) {
      out.push(
        `${s.label} uses NotPrincipal: in a trust policy it trusts everyone except the listed principals (and IAM refuses it there). Use Principal with the exact principals instead.`,
      );
    }
    if (isAllow(s) && s.hasNotAction) {
      out.push(
        `${s.label} allows NotAction: every action except the listed ones is granted to the principal, including the ones nobody reviewed. Allow "sts:AssumeRole" (or the one session action needed) explicitly.`,
      );
    }
    if (s.effect !== "Allow" && s.effect !== "Deny") {
      out.push(
        `${s.label} ${s.effect === "" ? "has no Effect" : `has Effect ${JSON.stringify(s.effect)}`}: IAM accepts only "Allow" or "Deny" (case-sensitive) and refuses the policy, and the pack cannot tell whether it was meant to grant or deny. Write "Effect": "Allow" or "Effect": "Deny".`,
      );
    }
    if (isAllow(s) && !s.hasNotAction && TRUST_SESSION_ACTIONS.every((a) => statementCoversAction(s, a))) {
      out.push(
        `${s.label} has Action ${s.actions.map((a) => JSON.stringify(a)).join(", ")}, which covers every session action (${TRUST_SESSION_ACTIONS.join(", ")}): the principal gets tagging, source identity and web identity sessions rather than the one it needs. Name the action, usually "sts:AssumeRole".`,
      );
    }
  }
  return out;
};

export const checkCrossAccountOrgCondition: TrustCheck = (subject, cfg) => {
  const out: string[] = [];
  for (const ap of otherAccountPrincipals(subject, cfg)) {
    if (ap.membership === "external") continue; // checkExternalIdRequired judges these
    if (isSanctionedOrgAccess(subject, ap, cfg)) continue;
    const s = ap.statement;
    const who = describeAdmitted(ap);
    const where =
      ap.account === undefined ? "an account that cannot be read from it" : `account ${ap.account}`;
    const rootNote = ap.root ? " (the account root: every principal that account allows)" : "";
    if (ap.membership === "organization") {
      const outsider = outsiderAdmitted(s, cfg);
      if (outsider === undefined) continue;
      const oaarNote =
        ap.root && ap.account === cfg.managementAccountId
          ? ` Only a role named ${JSON.stringify(cfg.organizationAccessRoleName)} may trust the management account root without it.`
          : "";
      out.push(
        `${s.label} trusts ${who} in ${where} of the organization${rootNote} without an exact aws:PrincipalOrgID or aws:PrincipalAccount condition: a request from it with ${outsider} gets in, so a copy of that principal outside the organization, or a change of its account, is still trusted; ${orgConditionHint(cfg)}.${oaarNote}`,
      );
    } else {
      if (hasOrgCondition(s, cfg) || hasExternalIdCondition(s)) continue;
      out.push(
        `${s.label} trusts ${who} in ${where}${rootNote}, another account, with no exact aws:PrincipalOrgID, aws:PrincipalAccount or sts:ExternalId condition; nothing limits the trust to the organization. ${orgConditionHint(cfg)[0].toUpperCase()}${orgConditionHint(cfg).slice(1)}, or for a third party an exact sts:ExternalId; set organizationAccountIds in the policy config so the pack can tell the two apart.`,
      );
    }
  }
  return out;
};

export const checkExternalIdRequired: TrustCheck = (subject, cfg) => {
  const out: string[] = [];
  for (const ap of otherAccountPrincipals(subject, cfg)) {
    if (ap.membership !== "external") continue;
    const s = ap.statement;
    const caller = externalIdAdmitted(s);
    if (caller === undefined) continue;
    const near = conditionsOn(s, "sts:ExternalId");
    const why =
      near.length > 0
        ? ` (${near.map((c) => `${c.operator}`).join(", ")} is not an exact match: use plain StringEquals, no IfExists, no set qualifier, no wildcard)`
        : "";
    const where =
      ap.account === undefined ? "an account that cannot be read from it" : `account ${ap.account}`;
    out.push(
      `${s.label} trusts ${describeAdmitted(ap)} in ${where}, outside the organization, without an exact sts:ExternalId condition${why}: ${caller} gets in, so a third party serving many customers can be tricked into using its access to this role (confused deputy). Add "Condition": {"StringEquals": {"sts:ExternalId": "<secret agreed with the vendor>"}}.`,
    );
  }
  return out;
};

export { oidcHost };

export const checkOidcScoped: TrustCheck = (subject, cfg) => {
  const out: string[] = [];
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    for (const p of s.principals) {
      if (p.kind !== "Federated" || !p.literal) continue;
      const host = oidcHost(p.value);
      if (host === undefined) continue;
      const problems = oidcProblems(s, host, cfg);
      if (problems.length === 0) continue;
      out.push(
        `${s.label} trusts the OIDC provider ${host} with ${problems.join("; ")}: any workload that can get such a token from that issuer could assume the role. ${oidcFix(host)}.`,
      );
    }
  }
  return out;
};

const ACCOUNT_KEYS = ["aws:principalaccount", "aws:sourceaccount"];

/** What a value of a single-valued identity key stands for: an account for ARNs, the value itself otherwise. */
function scopeOf(key: string, value: string): string {
  if (key === "aws:principalarn") return accountOf(value) ?? value;
  return value;
}

/** Fills a wildcard the way a value of that key would: twelve digits for accounts, an account in ARNs. */
function fillFor(key: string, value: string): string {
  if (key === "aws:principalarn") return instantiateArn(value);
  if (ACCOUNT_KEYS.includes(key)) {
    const fixed = value.replace(/[*?]/g, "").length;
    return value.replace(/\?/g, "9").replace(/\*/g, "9".repeat(Math.max(1, 12 - fixed)));
  }
  return instantiate(value);
}

const STAND_IN: Record<string, string> = {
  "aws:principalorgid": ADVERSARY.organizationId,
  "aws:principalaccount": ADVERSARY.account,
  "aws:principalarn": adversaryRoleArn(),
  "sts:externalid": "adversary-guess",
  "aws:sourceaccount": ADVERSARY.account,
};

/**
 * For one single-valued identity key an Allow statement tests: the request its tests of that key
 * alone let through although it is not one of the values the statement names exactly (for
 * aws:PrincipalArn: not in an account it names exactly), described; undefined when none gets through.
 */
function identityKeyBypass(s: Statement, key: string): string | undefined {
  const entries = s.conditions.filter((c) => c.keyLower === key);
  const intended = new Set(
    entries
      .filter((c) => !c.base.includes("not") && c.base !== "null" && c.allLiteral)
      .flatMap((c) =>
        c.values.filter(
          (v) => !(key === "aws:principalarn" ? /[*?]/.test(v.split(":")[4] ?? "*") : /[*?]/.test(v)),
        ),
      )
      .map((v) => scopeOf(key, v)),
  );
  const operators = (pred: (c: (typeof entries)[number]) => boolean) =>
    entries.filter(pred).map((c) => c.operator);
  if (keysAdmit(s, [key], {})) {
    const all = operators((c) => c.qualifier === "forallvalues");
    const ifExists = operators((c) => c.ifExists);
    if (all.length > 0)
      return "ForAllValues on a single-valued key is true when the key is absent from the request";
    if (ifExists.length > 0) return "IfExists lets a request without the key through";
    return `a negated operator (${operators((c) => c.base.includes("not")).join(", ")}) lets a request without the key through`;
  }
  const candidates = [STAND_IN[key], ...entries.flatMap((c) => c.values.map((v) => fillFor(key, v)))];
  const bypass = candidates.find((v) => !intended.has(scopeOf(key, v)) && keysAdmit(s, [key], { [key]: v }));
  if (bypass === undefined) return undefined;
  const wild = entries.flatMap((c) => c.values).filter((v) => /[*?]/.test(v));
  const wildNote =
    wild.length > 0
      ? `the wildcard value ${wild.map((v) => JSON.stringify(v)).join(", ")} matches more than one identity: `
      : "";
  return `${wildNote}a request with ${key === "aws:principalarn" ? "aws:PrincipalArn" : entries[0].key} ${JSON.stringify(bypass)} passes it`;
}

export const checkConditionOperators: TrustCheck = (subject) => {
  const out: string[] = [];
  const keys = SINGLE_VALUED_IDENTITY_KEYS.map((k) => k.toLowerCase());
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    for (const key of keys) {
      const entries = s.conditions.filter((c) => c.keyLower === key);
      if (entries.length === 0 || entries.every((c) => c.base === "null")) continue;
      const why = identityKeyBypass(s, key);
      if (why === undefined) continue;
      out.push(
        `${s.label} tests ${entries[0].key} with ${entries.map((c) => c.operator).join(", ")}: ${why}. Use plain StringEquals (ArnEquals for aws:PrincipalArn) with the exact value.`,
      );
    }
  }
  return out;
};

export const checkTrustPolicySize: TrustCheck = (subject, cfg) => {
  const length = nonWhitespaceLength(subject.doc.text);
  if (length <= cfg.maxTrustPolicyLength) return [];
  return [
    `The trust policy is ${length} non-whitespace characters, over the limit of ${cfg.maxTrustPolicyLength} (maxTrustPolicyLength): IAM refuses it at deploy time, or a raised quota hides a policy too large to review. Trust a role that many callers share, or split the access into separate roles.`,
  ];
};

/**
 * What counts as administrator rights on a role another account can assume: anything
 * admin-equivalent, and the escalations that reach every role (passing any role to a service,
 * assuming any role of any account). Permissions management limited to some roles is left to review.
 */
function isAdminRight(r: ClassificationReason): boolean {
  return r.verdict === "admin-equivalent" || r.kind === "pass-role" || r.kind === "assume-any-role";
}

function grantText(what: string, c: Classification): string | undefined {
  const reason = c.reasons.find(isAdminRight);
  if (reason === undefined) return undefined;
  return `${what} (${reason.verdict}: ${reason.message.replace(/\.$/, "")})`;
}

/**
 * Administrator rights by meaning: every managed policy (AWS managed from the data package, customer
 * managed when `customerPolicies` has its document) and inline document classified, and those that
 * are admin-equivalent or privilege-escalating described with the statement that makes them so.
 * A customer managed policy whose document is not known is not judged here.
 */
export function adminGrants(
  managedPolicyArns: readonly string[],
  inlineDocs: readonly PolicyDocument[],
  customerPolicies: ReadonlyMap<string, PolicyDocument> = new Map(),
): string[] {
  const out: string[] = [];
  for (const arn of managedPolicyArns) {
    const known = customerPolicies.get(arn.trim());
    const c = known !== undefined ? classifyPolicy(known) : classifyManagedPolicy(arn.trim());
    const text = c === undefined ? undefined : grantText(`managed policy ${arn}`, c);
    if (text !== undefined) out.push(text);
  }
  inlineDocs.forEach((d, i) => {
    const text = grantText(`inline policy #${i}`, classifyPolicy(d, `inline policy #${i}`));
    if (text !== undefined) out.push(text);
  });
  return out;
}

export function checkAdminOnCrossAccountRole(
  subject: TrustSubject,
  grants: string[],
  cfg: PackConfig,
): string[] {
  if (grants.length === 0) return [];
  if (subject.roleName !== undefined && cfg.allowedAdminRoleNames.includes(subject.roleName)) return [];
  const others = otherAccountPrincipals(subject, cfg).filter(
    (ap) => !isSanctionedOrgAccess(subject, ap, cfg),
  );
  if (others.length === 0) return [];
  const who = [...new Set(others.map((ap) => `${describeAdmitted(ap)} (${ap.statement.label})`))].join(", ");
  return [
    `The role trusts ${who} in another account and has administrator rights through ${grants.join(", ")}: whoever controls that account controls this one. Grant the narrowest policy the caller needs; a justified exception goes in allowedAdminRoleNames.`,
  ];
}

// Advisory checks.

export const checkServiceConfusedDeputy: TrustCheck = (subject, cfg) => {
  const out: string[] = [];
  const exempt = cfg.exemptServicePrincipals.map((s) => s.toLowerCase());
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    const services = s.principals.filter(
      (p) => p.kind === "Service" && p.literal && !exempt.includes(p.value.trim().toLowerCase()),
    );
    if (services.length === 0) continue;
    const scoped = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"].some(
      (k) => conditionsOn(s, k).length > 0,
    );
    if (scoped) continue;
    out.push(
      `${s.label} trusts the service ${services.map((p) => JSON.stringify(p.value)).join(", ")} without an aws:SourceAccount or aws:SourceArn condition: the service acting for another customer could be made to use this role (confused deputy). Add "StringEquals": {"aws:SourceAccount": "<this account>"} or an aws:SourceArn of the resource that uses the role, where the service sets them.`,
    );
  }
  return out;
};

/** Callers without MFA: a session from long-term access keys (no key at all) and one without MFA. */
const WITHOUT_MFA = [
  { context: {}, who: "a caller with long-term access keys (no aws:MultiFactorAuthPresent in the request)" },
  {
    context: { "aws:MultiFactorAuthPresent": "false" },
    who: 'a session without MFA (aws:MultiFactorAuthPresent "false")',
  },
];
const MFA_KEYS = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"];

/**
 * MFA tests judged by the callers without MFA: an Allow that tests MFA must keep them out, a Deny that
 * tests MFA must catch them all. Statements that do not test MFA are not this rule's business.
 */
export const checkMfaPattern: TrustCheck = (subject) => {
  const out: string[] = [];
  for (const s of subject.doc.statements) {
    const entries = s.conditions.filter((c) => c.keyLower === "aws:multifactorauthpresent");
    if (entries.length === 0) continue;
    const ops = entries
      .map((c) => `${c.operator} ${c.key} ${JSON.stringify(c.values.length === 1 ? c.values[0] : c.values)}`)
      .join(", ");
    if (s.effect === "Deny") {
      const escaped = WITHOUT_MFA.find((a) => !keysAdmit(s, MFA_KEYS, a.context));
      if (escaped === undefined) continue;
      out.push(
        `${s.label} denies on ${ops}, yet ${escaped.who} is not denied: long-term access keys carry no such key, so the Deny does not apply to them. Use "BoolIfExists" ... "false" to deny them too.`,
      );
    } else {
      const admitted = WITHOUT_MFA.find((a) => keysAdmit(s, MFA_KEYS, a.context));
      if (admitted === undefined) continue;
      out.push(
        `${s.label} allows when ${ops}, and ${admitted.who} gets in: the statement is meant to require MFA but does not. Require "Bool": {"aws:MultiFactorAuthPresent": "true"} in the Allow, or deny with "BoolIfExists" ... "false".`,
      );
    }
  }
  return out;
};
