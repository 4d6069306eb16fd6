import { ACCOUNT_ID, accountOf, isAccountRoot } from "./accounts";
import { Membership, PackConfig, membershipOf } from "./config";
import {
  ConditionEntry,
  PolicyDocument,
  PrincipalRef,
  Statement,
  conditionsOn,
  hasWildcard,
  isAllow,
  isExactCondition,
  nonWhitespaceLength,
} from "./document";

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

export function hasOrgCondition(s: Statement, cfg: PackConfig): boolean {
  const orgId = (v: string) => (cfg.organizationId !== undefined ? v === cfg.organizationId : ORG_ID.test(v));
  return (
    conditionsOn(s, "aws:PrincipalOrgID").some((c) => isExactCondition(c, orgId)) ||
    conditionsOn(s, "aws:PrincipalAccount").some((c) => isExactCondition(c, (v) => ACCOUNT_ID.test(v)))
  );
}

export function hasExternalIdCondition(s: Statement): boolean {
  return conditionsOn(s, "sts:ExternalId").some((c) => isExactCondition(c, (v) => v.length >= 2));
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
    if (s.actions.some((a) => a.trim() === "*")) {
      out.push(
        `${s.label} has Action "*": the principal gets every session action (tagging, identity propagation, web identity) rather than the one it needs. Name the action, usually "sts:AssumeRole".`,
      );
    }
  }
  return out;
};

export const checkCrossAccountOrgCondition: TrustCheck = (subject, cfg) => {
  const out: string[] = [];
  for (const ap of otherAccountPrincipals(subject, cfg)) {
    if (ap.membership === "external") continue; // trust-external-requires-external-id
    if (isSanctionedOrgAccess(subject, ap, cfg)) continue;
    const s = ap.statement;
    const who = describeAdmitted(ap);
    const where =
      ap.account === undefined ? "an account that cannot be read from it" : `account ${ap.account}`;
    const rootNote = ap.root ? " (the account root: every principal that account allows)" : "";
    if (ap.membership === "organization") {
      if (hasOrgCondition(s, cfg)) continue;
      const oaarNote =
        ap.root && ap.account === cfg.managementAccountId
          ? ` Only a role named ${JSON.stringify(cfg.organizationAccessRoleName)} may trust the management account root without it.`
          : "";
      out.push(
        `${s.label} trusts ${who} in ${where} of the organization${rootNote} without an exact aws:PrincipalOrgID or aws:PrincipalAccount condition, so a copy of that principal outside the organization, or a change of its account, is still trusted; ${orgConditionHint(cfg)}.${oaarNote}`,
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
    if (hasExternalIdCondition(s)) continue;
    const near = conditionsOn(s, "sts:ExternalId");
    const why =
      near.length > 0
        ? ` (${near.map((c) => `${c.operator}`).join(", ")} is not an exact match: use plain StringEquals, no IfExists, no set qualifier, no wildcard)`
        : "";
    const where =
      ap.account === undefined ? "an account that cannot be read from it" : `account ${ap.account}`;
    out.push(
      `${s.label} trusts ${describeAdmitted(ap)} in ${where}, outside the organization, without an exact sts:ExternalId condition${why}: a third party serving many customers can be tricked into using its access to this role (confused deputy). Add "Condition": {"StringEquals": {"sts:ExternalId": "<secret agreed with the vendor>"}}.`,
    );
  }
  return out;
};

const BUILTIN_WEB_IDENTITY = [
  "accounts.google.com",
  "graph.facebook.com",
  "www.amazon.com",
  "cognito-identity.amazonaws.com",
];

/** The issuer host an OIDC federated principal stands for, or undefined (SAML and others). */
export function oidcHost(federated: string): string | undefined {
  const m = /^arn:aws[\w-]*:iam::[^:]*:oidc-provider\/(.+)$/.exec(federated.trim());
  if (m) return m[1];
  const v = federated.trim().toLowerCase();
  return BUILTIN_WEB_IDENTITY.includes(v) ? v : undefined;
}

function isGithubHost(host: string): boolean {
  return host.toLowerCase().split("/")[0] === "token.actions.githubusercontent.com";
}

/** Why a GitHub `sub` value is not scoped to a repository, or undefined when it is. */
export function githubSubjectProblem(value: string, cfg: PackConfig): string | undefined {
  const m = /^repo:([^/]*)\/(.*)$/.exec(value);
  if (!m) return `${JSON.stringify(value)} is not scoped to a repository (expected repo:ORG/REPO:...)`;
  const owner = m[1];
  if (owner === "" || hasWildcard(owner))
    return `${JSON.stringify(value)} leaves the GitHub organization open`;
  const repo = m[2].split(":")[0];
  if (repo === "*") {
    const allowed = cfg.allowOrgWideGithubSubjects;
    const ownerName = owner.split("@")[0].toLowerCase();
    const ok =
      allowed === true || (Array.isArray(allowed) && allowed.some((o) => o.toLowerCase() === ownerName));
    return ok
      ? undefined
      : `${JSON.stringify(value)} trusts every repository of ${owner} (organization-wide subjects are off; allowOrgWideGithubSubjects lists the organizations allowed)`;
  }
  if (repo === "" || hasWildcard(repo)) {
    return `${JSON.stringify(value)} has a wildcard in the repository name, so other repositories match it`;
  }
  return undefined;
}

function loose(c: ConditionEntry): string | undefined {
  if (c.ifExists) return `${c.operator} lets a token without the claim through`;
  if (c.qualifier === "forallvalues") return `${c.operator} is true when the claim is missing`;
  return undefined;
}

export const checkOidcScoped: TrustCheck = (subject, cfg) => {
  const out: string[] = [];
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    for (const p of s.principals) {
      if (p.kind !== "Federated" || !p.literal) continue;
      const host = oidcHost(p.value);
      if (host === undefined) continue;
      const problems: string[] = [];
      const aud = conditionsOn(s, `${host}:aud`);
      const sub = conditionsOn(s, `${host}:sub`);
      if (aud.length === 0) problems.push(`no ${host}:aud condition (the token's audience)`);
      if (sub.length === 0) problems.push(`no ${host}:sub condition (which workload the token is for)`);
      for (const c of [...aud, ...sub]) {
        const l = loose(c);
        if (l) problems.push(`${c.key}: ${l}`);
        if (!c.allLiteral) problems.push(`${c.key} has a value that is not a plain string`);
      }
      for (const c of aud) {
        for (const v of c.values)
          if (/^[*?]*$/.test(v)) problems.push(`${c.key} value ${JSON.stringify(v)} matches any audience`);
      }
      for (const c of sub) {
        for (const v of c.values) {
          if (isGithubHost(host)) {
            const problem = githubSubjectProblem(v, cfg);
            if (problem) problems.push(`${c.key} ${problem}`);
          } else if (/^[*?]*$/.test(v)) {
            problems.push(`${c.key} value ${JSON.stringify(v)} matches any subject`);
          }
        }
      }
      if (problems.length === 0) continue;
      out.push(
        `${s.label} trusts the OIDC provider ${host} with ${problems.join("; ")}: any workload that can get a token from that issuer could assume the role. Require ${host}:aud (StringEquals "sts.amazonaws.com" for GitHub) and ${host}:sub scoped to one repository and branch or environment, e.g. "repo:ORG/REPO:environment:prod"; IAM checks every value of a list, so each one must be scoped.`,
      );
    }
  }
  return out;
};

function principalArnProblem(value: string): boolean {
  if (!hasWildcard(value)) return false;
  const parts = value.split(":");
  // A wildcard in the role path of a fixed account is a scoped pattern; in the account or prefix it is not.
  return parts.length < 6 || parts.slice(0, 5).some(hasWildcard);
}

export const checkConditionOperators: TrustCheck = (subject) => {
  const out: string[] = [];
  const keys = SINGLE_VALUED_IDENTITY_KEYS.map((k) => k.toLowerCase());
  for (const s of subject.doc.statements) {
    if (!isAllow(s)) continue;
    for (const c of s.conditions) {
      if (!keys.includes(c.keyLower) || c.base === "null") continue;
      const reasons: string[] = [];
      if (c.qualifier === "forallvalues") {
        reasons.push(`ForAllValues on a single-valued key is true when the key is absent from the request`);
      }
      if (c.ifExists) reasons.push(`IfExists lets a request without the key through`);
      const like = c.base.endsWith("like");
      const wildValues = c.values.filter((v) =>
        c.keyLower === "aws:principalarn" ? like && principalArnProblem(v) : like && hasWildcard(v),
      );
      if (wildValues.length > 0) {
        reasons.push(
          `the wildcard value ${wildValues.map((v) => JSON.stringify(v)).join(", ")} matches more than one identity`,
        );
      }
      if (reasons.length === 0) continue;
      out.push(
        `${s.label} tests ${c.key} with ${c.operator}: ${reasons.join("; ")}. Use plain StringEquals (ArnEquals for aws:PrincipalArn) with the exact value.`,
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

/** Administrator rights: AWS's managed AdministratorAccess, or an inline `*` on `*` statement. */
export function adminGrants(
  managedPolicyArns: readonly string[],
  inlineDocs: readonly PolicyDocument[],
): string[] {
  const out: string[] = [];
  for (const arn of managedPolicyArns) {
    if (/^arn:aws[\w-]*:iam::aws:policy\/AdministratorAccess$/.test(arn.trim()))
      out.push(`managed policy ${arn}`);
  }
  inlineDocs.forEach((d, i) => {
    for (const s of d.statements) {
      if (!isAllow(s) || s.hasNotAction) continue;
      const allActions = s.actions.some((a) => a.trim() === "*" || a.trim() === "*:*");
      if (allActions && s.resources.some((r) => r.trim() === "*")) {
        out.push(`inline policy #${i} ${s.label} (Action "*" on Resource "*")`);
      }
    }
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

export const checkMfaPattern: TrustCheck = (subject) => {
  const out: string[] = [];
  for (const s of subject.doc.statements) {
    for (const c of conditionsOn(s, "aws:MultiFactorAuthPresent")) {
      if (c.base !== "bool" || !c.values.some((v) => v.toLowerCase() === "false")) continue;
      if (isAllow(s)) {
        out.push(
          `${s.label} allows when ${c.key} is "false" (${c.operator}): it grants exactly the sessions without MFA. Require "Bool": {"aws:MultiFactorAuthPresent": "true"} in the Allow, or deny with "BoolIfExists" ... "false".`,
        );
      } else if (!c.ifExists) {
        out.push(
          `${s.label} denies on ${c.operator} ${c.key} "false": long-term access keys carry no such key, so the Deny does not apply to them. Use "BoolIfExists" to deny them too.`,
        );
      }
    }
  }
  return out;
};

/** The mandatory trust checks, by policy name (also run on roles inside CloudFormation templates). */
export const MANDATORY_TRUST_CHECKS: Record<string, TrustCheck> = {
  "trust-no-wildcard-principal": checkNoWildcardPrincipal,
  "trust-statement-shape": checkStatementShape,
  "trust-cross-account-requires-org-condition": checkCrossAccountOrgCondition,
  "trust-external-requires-external-id": checkExternalIdRequired,
  "trust-oidc-scoped": checkOidcScoped,
  "trust-condition-operators": checkConditionOperators,
  "trust-policy-size": checkTrustPolicySize,
};

export const ADVISORY_TRUST_CHECKS: Record<string, TrustCheck> = {
  "trust-service-confused-deputy": checkServiceConfusedDeputy,
  "mfa-condition-pattern": checkMfaPattern,
};
