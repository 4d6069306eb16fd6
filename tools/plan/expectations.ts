import type { AccessExpectation, PrincipalExpectation } from "../../components/config/sections/expectations";
import { asList } from "./documents";
import { Caller, callerLabel, evaluate } from "./access";
import { accountName, IamModel, ModelRole } from "./model";
import { ExpectationResult } from "./types";

/**
 * Checks the access expectations of `org-access:expectations.access` against the access graph's
 * simulator: each expectation becomes one result per concrete role it names.
 */

const GITHUB_HOST = "token.actions.githubusercontent.com";

export async function checkExpectations(
  model: IamModel,
  expectations: readonly AccessExpectation[],
  vendors: unknown,
): Promise<ExpectationResult[]> {
  const results: ExpectationResult[] = [];
  for (const [index, e] of expectations.entries()) {
    const base = { index, why: e.why, expected: e.expect };
    const named = model.roles.filter((r) => r.name === e.role.name);
    if (named.length === 0) {
      results.push({
        ...base,
        principal: principalText(model, e.principal),
        role: e.role.name,
        actual: "absent",
        ok: false,
        reason: `this stack creates no role named ${e.role.name}; check the name, or move the expectation to the stack that creates it`,
      });
      continue;
    }
    for (const accountId of targetAccounts(model, e, named)) {
      const role = named.find((r) => r.account === accountId);
      const label = `arn:aws:iam::${accountId}:role/${e.role.name}`;
      if (role === undefined) {
        results.push({
          ...base,
          principal: principalText(model, e.principal),
          role: label,
          actual: "absent",
          ok: e.expect === "denied",
          reason: `this stack creates no ${e.role.name} in ${accountName(model.org, accountId) ?? accountId}`,
        });
        continue;
      }
      const caller = callerFor(model, e.principal, role, vendors);
      if (typeof caller === "string") {
        results.push({
          ...base,
          principal: principalText(model, e.principal),
          role: role.arn,
          actual: "absent",
          ok: false,
          reason: caller,
        });
        continue;
      }
      const withoutExternalId = "vendor" in e.principal && e.principal.withoutExternalId === true;
      const edge = await evaluate(model, caller, role, { withoutExternalId });
      results.push({
        ...base,
        principal: principalText(model, e.principal, callerLabel(caller)),
        role: role.arn,
        actual: edge.decision,
        ok: edge.decision === e.expect,
        reason: edge.reason,
      });
    }
  }
  return results;
}

/** The accounts an expectation's role side names, as IDs. */
function targetAccounts(model: IamModel, e: AccessExpectation, named: ModelRole[]): string[] {
  const org = model.org;
  const idOf = (name: string) => org.accounts.find((a) => a.name === name)?.id ?? name;
  if (e.role.account !== undefined) return [idOf(e.role.account)];
  if (e.role.accounts === "all") return org.accounts.map((a) => a.id);
  if (e.role.accounts !== undefined) return e.role.accounts.map(idOf);
  if (e.role.organizationalUnits !== undefined) {
    const ous = e.role.organizationalUnits;
    return org.accounts.filter((a) => ous.includes(a.ou)).map((a) => a.id);
  }
  return [...new Set(named.map((r) => r.account))];
}

function principalText(model: IamModel, p: PrincipalExpectation, resolved?: string): string {
  if ("vendor" in p)
    return `vendor ${p.vendor}${p.withoutExternalId ? " without ExternalId" : ""}${resolved ? ` (${resolved})` : ""}`;
  if ("account" in p && "role" in p) return resolved ?? `${p.account}/${p.role}`;
  if ("account" in p) return resolved ?? `${p.account} (account root)`;
  return resolved ?? JSON.stringify(p);
}

/** The caller an expectation's principal stands for; a string says why it cannot be resolved. */
function callerFor(
  model: IamModel,
  p: PrincipalExpectation,
  role: ModelRole,
  vendors: unknown,
): Caller | string {
  const org = model.org;
  const idOf = (name: string) => org.accounts.find((a) => a.name === name)?.id;
  if ("account" in p) {
    const id = idOf(p.account);
    if (id === undefined) return `unknown account ${p.account}`;
    const arn = "role" in p ? `arn:aws:iam::${id}:role/${p.role}` : `arn:aws:iam::${id}:root`;
    return { kind: "aws", arn, account: id };
  }
  if ("arn" in p) return { kind: "aws", arn: p.arn, account: p.arn.split(":")[4] };
  if ("service" in p) return { kind: "service", service: p.service };
  if ("github" in p) {
    // The GitHub provider the role trusts; else the one this stack creates in the role's account.
    const trusted = trustedFederated(role).find((f) => f.endsWith(`oidc-provider/${GITHUB_HOST}`));
    const own = model.oidcProviders.find((o) => o.account === role.account && o.host === GITHUB_HOST)?.arn;
    const providerArn = trusted ?? own ?? `arn:aws:iam::${role.account}:oidc-provider/${GITHUB_HOST}`;
    return { kind: "oidc", providerArn, host: GITHUB_HOST, subject: p.github, audience: "sts.amazonaws.com" };
  }
  const principal = vendorPrincipal(vendors, p.vendor);
  if (principal === undefined)
    return `cannot tell vendor ${p.vendor}'s AWS principal from org-access:vendors`;
  const arn = /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal;
  return { kind: "aws", arn, account: arn.split(":")[4] };
}

function trustedFederated(role: ModelRole): string[] {
  const statements = role.trust?.Statement;
  const list = statements === undefined ? [] : Array.isArray(statements) ? statements : [statements];
  return list.flatMap((s) => asList((s.Principal as Record<string, unknown> | undefined)?.Federated));
}

/** A vendor's AWS principal (account ID or ARN) from `org-access:vendors`, whatever the list is called. */
export function vendorPrincipal(vendors: unknown, name: string): string | undefined {
  const list = Array.isArray(vendors)
    ? vendors
    : vendors !== null && typeof vendors === "object"
      ? (((vendors as Record<string, unknown>).vendors as unknown[] | undefined) ?? [])
      : [];
  const entry = list.find((v) => (v as Record<string, unknown> | null)?.name === name) as
    Record<string, unknown> | undefined;
  if (entry === undefined) return undefined;
  for (const key of [
    "principalArn",
    "principal",
    "vendorAccountId",
    "accountId",
    "awsAccountId",
    "trustedAccountId",
  ]) {
    const value = entry[key];
    if (typeof value === "string" || typeof value === "number") return String(value);
  }
  return undefined;
}
