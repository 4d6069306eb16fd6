import { ACCOUNT_ID, accountOf, isAccountRoot } from "./accounts";
import { PackConfig } from "./config";
import type { ResourcePolicySubject } from "./subjects";
import { PrincipalRef, Statement, statementCoversAction } from "./document";
import {
  ADVERSARY,
  RequestPrincipal,
  adversaryRoleArn,
  instantiate,
  keysAdmit,
  statementNamesPrincipal,
} from "./requests";

/**
 * Resource policies (S3 bucket, KMS key, and every other policy attached to a resource) judged by who
 * gets in: a principal outside the organization, an anonymous caller, or every principal of an account
 * the policy names by its root. Only conditions on who the caller is and where the request comes from
 * count (`WHO_KEYS`); an adversary meets any other condition (region, TLS, time, `aws:Referer`, tags on
 * its own principals), so those never keep anyone out.
 */

/** What the exposure check reads of a resource policy subject (see subjects.ts). */
export type ExposureSubject = Pick<ResourcePolicySubject, "doc" | "ownAccount" | "keyPolicy">;

export interface Exposure {
  readonly statement: Statement;
  /** Who the statement names: `"*" (anyone)`, `"arn:aws:iam::X:root" (every principal of account X)`. */
  readonly who: string;
  /** The request that got in. */
  readonly request: string;
}

/** Condition keys that say who a caller is or where its request comes from, which a caller cannot choose. */
export const WHO_KEYS = [
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:PrincipalIsAWSService",
  "aws:PrincipalServiceName",
  "aws:PrincipalServiceNamesList",
  "aws:PrincipalType",
  "aws:userid",
  "aws:username",
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "aws:SourceVpc",
  "aws:SourceVpce",
  "aws:SourceIp",
  "aws:VpcSourceIp",
  "aws:CalledVia",
  "aws:CalledViaFirst",
  "aws:CalledViaLast",
  "aws:ViaAWSService",
  "kms:CallerAccount",
  "kms:ViaService",
  "s3:DataAccessPointAccount",
  "s3:DataAccessPointArn",
];

/** An address an adversary may send from (TEST-NET-3, in no organization's range). */
const ADVERSARY_IP = "203.0.113.66";

interface Adversary {
  readonly principal: RequestPrincipal;
  readonly account?: string;
  readonly description: string;
}

function outsiderContexts(s: Statement, account: string): Record<string, string | string[]>[] {
  const orgIds = s.conditions
    .filter((c) => c.keyLower === "aws:principalorgid")
    .flatMap((c) => c.values.map((v) => instantiate(v)));
  const paths = s.conditions
    .filter((c) => c.keyLower === "aws:principalorgpaths")
    .flatMap((c) => c.values.map((v) => instantiate(v, "zz-adversary/")));
  const base = {
    "aws:PrincipalAccount": account,
    "aws:PrincipalArn": adversaryRoleArn(account),
    "aws:PrincipalType": "AssumedRole",
    "aws:SourceIp": ADVERSARY_IP,
    "aws:PrincipalIsAWSService": "false",
    "kms:CallerAccount": account,
  };
  return [
    base,
    {
      ...base,
      "aws:PrincipalOrgID": ADVERSARY.organizationId,
      "aws:PrincipalOrgPaths": [`${ADVERSARY.organizationId}/r-zzzz/ou-zzzz-zzzzzzzz/`],
    },
    ...orgIds.map((o) => ({ ...base, "aws:PrincipalOrgID": o, "aws:PrincipalOrgPaths": [`${o}/r-zzzz/`] })),
    ...paths.map((p) => ({ ...base, "aws:PrincipalOrgID": p.split("/")[0], "aws:PrincipalOrgPaths": [p] })),
  ];
}

function isOurs(context: Record<string, string | string[]>, cfg: PackConfig): boolean {
  const org = context["aws:PrincipalOrgID"];
  return cfg.organizationId !== undefined && org === cfg.organizationId;
}

/** A KMS key administration statement: `kms:*` to one account root (the key's owner, by AWS's own default). */
function isKeyAdministration(s: Statement): boolean {
  const roots = s.principals.filter((p) => p.literal && isAccountRoot(p.value));
  const accounts = new Set(roots.map((p) => accountOf(p.value)));
  return (
    roots.length === s.principals.length &&
    accounts.size === 1 &&
    statementCoversAction(s, "kms:CreateGrant") &&
    s.actions.some((a) => a.trim().toLowerCase() === "kms:*")
  );
}

function describePrincipals(ps: readonly PrincipalRef[]): string {
  return ps.map((p) => JSON.stringify(p.value)).join(", ");
}

/** The adversaries a statement's principals let a request come from. */
function adversariesOf(s: Statement, subject: ExposureSubject): Adversary[] {
  const out: Adversary[] = [];
  const outsider: Adversary = {
    principal: { kind: "AWS", id: adversaryRoleArn() },
    account: ADVERSARY.account,
    description: `a role of account ${ADVERSARY.account}`,
  };
  if (s.hasNotPrincipal) {
    out.push({
      ...outsider,
      description: `${outsider.description} (NotPrincipal names everyone but ${describePrincipals(s.notPrincipals)})`,
    });
    return out;
  }
  if (s.principals.some((p) => p.kind === "*" || (p.literal && p.value.includes("*")))) {
    out.push(outsider, { principal: { kind: "Anonymous", id: "" }, description: "an anonymous caller" });
  }
  const own = subject.ownAccount;
  for (const p of s.principals) {
    if (!(p.kind === "AWS" || p.kind === "Other") || !p.literal || !isAccountRoot(p.value)) continue;
    const account = accountOf(p.value);
    if (account === undefined || !ACCOUNT_ID.test(account)) continue;
    if (own !== undefined && account === own) continue;
    if (own === undefined && subject.keyPolicy && isKeyAdministration(s)) continue;
    out.push({
      principal: { kind: "AWS", id: adversaryRoleArn(account) },
      account,
      description: `any role of account ${account} (${JSON.stringify(p.value)} names every principal of that account)`,
    });
  }
  return out;
}

function whoOf(s: Statement, adversary: Adversary): string {
  if (s.hasNotPrincipal) return `everyone but ${describePrincipals(s.notPrincipals)} (NotPrincipal)`;
  if (adversary.principal.kind === "Anonymous" || adversary.account === ADVERSARY.account) {
    const wild = s.principals.filter((p) => p.kind === "*" || (p.literal && p.value.includes("*")));
    return `${describePrincipals(wild)} (anyone)`;
  }
  return `"arn:aws:iam::${adversary.account}:root" (every principal of account ${adversary.account})`;
}

/**
 * Who a resource policy lets in that it must keep out: one exposure per statement, naming the first
 * adversary's request that its principal and its who-conditions admit. Statements whose Effect is not
 * `Deny` count as grants.
 */
export function resourcePolicyExposures(subject: ExposureSubject, cfg: PackConfig): Exposure[] {
  const out: Exposure[] = [];
  for (const s of subject.doc.statements) {
    if (s.effect === "Deny") continue;
    for (const adversary of adversariesOf(s, subject)) {
      if (!statementNamesPrincipal(s, adversary.principal)) continue;
      const contexts =
        adversary.principal.kind === "Anonymous"
          ? [{ "aws:SourceIp": ADVERSARY_IP }]
          : outsiderContexts(s, adversary.account ?? ADVERSARY.account).filter((c) => !isOurs(c, cfg));
      const admitted = contexts.find((c) => keysAdmit(s, WHO_KEYS, c));
      if (admitted === undefined) continue;
      const org = admitted["aws:PrincipalOrgID"];
      const orgNote =
        adversary.principal.kind === "Anonymous"
          ? ""
          : org === undefined
            ? ", in no organization,"
            : `, in organization ${String(org)} (not ours),`;
      out.push({
        statement: s,
        who: whoOf(s, adversary),
        request: `${adversary.description}${orgNote}`,
      });
      break;
    }
  }
  return out;
}

/**
 * Statements that let a service principal act on the resource for another customer: a request from
 * the service carrying another account's aws:SourceAccount and a resource of it as aws:SourceArn gets
 * past the statement's who-conditions (Lambda Developer Guide, "Granting function access to AWS
 * services": without a source condition any customer's bucket, topic or rule can invoke it).
 */
export function serviceForOtherCustomer(subject: Pick<ResourcePolicySubject, "doc">): Statement[] {
  const context = {
    "aws:SourceAccount": ADVERSARY.account,
    "aws:SourceArn": `arn:aws:s3:::${ADVERSARY.value}-bucket`,
    "aws:PrincipalIsAWSService": "true",
  };
  return subject.doc.statements.filter(
    (s) =>
      s.effect !== "Deny" &&
      s.principals.some((p) => p.kind === "Service") &&
      keysAdmit(s, WHO_KEYS, context),
  );
}
