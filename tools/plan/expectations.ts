import type { AccessExpectation, PrincipalExpectation } from "../../components/config/expectations";
import { canDo, chainAllows } from "./actions";
import { ANYONE, Caller, callerLabel, evaluate } from "./access";
import { asList } from "./documents";
import { accountName, IamModel, ModelRole } from "./model";
import { Reach, reachOf } from "./reach";
import { ExpectationResult } from "./types";

/**
 * Checks the expectations of `org-access:expectations.access`: a role question becomes one result per
 * concrete role it names (assumed directly, or through chains with `chain: true`); an action
 * question one result per action.
 */

const GITHUB_HOST = "token.actions.githubusercontent.com";

export interface ExpectationContext {
  /** Transitive reach, for chain and action questions. */
  readonly reach?: Reach;
  /** Region of requests without one (`aws:RequestedRegion`). */
  readonly region?: string;
}

export async function checkExpectations(
  model: IamModel,
  expectations: readonly AccessExpectation[],
  vendors: unknown,
  context: ExpectationContext = {},
): Promise<ExpectationResult[]> {
  const results: ExpectationResult[] = [];
  // Chain and action questions need reach: computed here when the caller has none.
  const needsReach = expectations.some(
    (e) => e.role === undefined || e.chain === true || "identityCenterGroup" in e.principal,
  );
  const withReach =
    context.reach === undefined && needsReach ? { ...context, reach: await reachOf(model) } : context;
  for (const [index, e] of expectations.entries()) {
    if (e.role === undefined) results.push(...(await checkActions(model, e, index, vendors, withReach)));
    else results.push(...(await checkRole(model, e, index, vendors, withReach)));
  }
  return results;
}

async function checkRole(
  model: IamModel,
  e: AccessExpectation,
  index: number,
  vendors: unknown,
  context: ExpectationContext,
): Promise<ExpectationResult[]> {
  const target = e.role as NonNullable<AccessExpectation["role"]>;
  const results: ExpectationResult[] = [];
  const base = { index, why: e.why, expected: e.expect };
  const named = model.roles.filter((r) => r.name === target.name);
  if (named.length === 0) {
    return [
      {
        ...base,
        principal: principalText(e.principal),
        role: target.name,
        actual: "absent",
        ok: false,
        reason: `this stack creates no role named ${target.name}; check the name, or move the expectation to the stack that creates it`,
      },
    ];
  }
  for (const accountId of targetAccounts(model, target, named)) {
    const role = named.find((r) => r.account === accountId);
    const label = `arn:aws:iam::${accountId}:role/${target.name}`;
    if (role === undefined) {
      results.push({
        ...base,
        principal: principalText(e.principal),
        role: label,
        actual: "absent",
        ok: e.expect === "denied",
        reason: `this stack creates no ${target.name} in ${accountName(model.org, accountId) ?? accountId}`,
      });
      continue;
    }
    const caller = callerFor(model, e.principal, role, vendors);
    if (typeof caller === "string") {
      results.push({
        ...base,
        principal: principalText(e.principal),
        role: role.arn,
        actual: "absent",
        ok: false,
        reason: caller,
      });
      continue;
    }
    // Identity Center groups reach roles only through their assignments: always a reach question.
    if (e.chain === true || caller.kind === "identity-center") {
      const reach = context.reach;
      if (reach === undefined) throw new Error("chain expectations need the plan's reach");
      const found = reach.reachFrom(callerLabel(caller)).get(role.arn);
      const chain =
        found !== undefined && chainAllows(reach, found.path, e.context ?? {}) ? found : undefined;
      const actual = chain === undefined ? "denied" : "allowed";
      results.push({
        ...base,
        principal: principalText(e.principal, callerLabel(caller)),
        role: role.arn,
        actual,
        ok: actual === e.expect,
        reason:
          chain === undefined
            ? `no chain of allowed edges leads from ${callerLabel(caller)} to ${role.arn}`
            : `reached in ${chain.depth} step${chain.depth === 1 ? "" : "s"}: ${chain.path.join(" → ")}`,
        ...(chain === undefined ? {} : { path: chain.path, depth: chain.depth }),
      });
      continue;
    }
    const withoutExternalId = "vendor" in e.principal && e.principal.withoutExternalId === true;
    const edge = await evaluate(model, caller, role, { withoutExternalId, presented: e.context });
    results.push({
      ...base,
      principal: principalText(e.principal, callerLabel(caller)),
      role: role.arn,
      actual: edge.decision,
      ok: edge.decision === e.expect,
      reason: edge.reason,
    });
  }
  return results;
}

async function checkActions(
  model: IamModel,
  e: AccessExpectation,
  index: number,
  vendors: unknown,
  context: ExpectationContext,
): Promise<ExpectationResult[]> {
  const reach = context.reach;
  if (reach === undefined) throw new Error("action expectations need the plan's reach");
  const base = { index, why: e.why, expected: e.expect };
  const caller = callerFor(model, e.principal, undefined, vendors);
  const actions = e.actions ?? (e.action === undefined ? [] : [e.action]);
  const account = e.account === undefined ? undefined : idOf(model, e.account);
  const results: ExpectationResult[] = [];
  for (const action of actions) {
    if (typeof caller === "string") {
      results.push({
        ...base,
        principal: principalText(e.principal),
        role: e.resource ?? e.account ?? "",
        action,
        actual: "absent",
        ok: false,
        reason: caller,
      });
      continue;
    }
    const label = callerLabel(caller);
    const answer = await canDo(model, reach, {
      principal: label,
      principalAccount: caller.kind === "aws" ? caller.account : undefined,
      action,
      resource: e.resource,
      account,
      region: e.region ?? context.region ?? "us-east-1",
      context: e.context ?? {},
      sessionPolicy: e.sessionPolicy,
      resourcePolicyStatements: e.resourcePolicyStatements,
    });
    results.push({
      ...base,
      principal: principalText(e.principal, label),
      role: e.resource ?? `account ${e.account} (${account})`,
      action,
      resource: answer.resource,
      actual: answer.decision,
      ok: answer.decision === e.expect,
      reason: answer.reason,
      ...(answer.path === undefined ? {} : { path: answer.path, depth: answer.path.length - 1 }),
    });
  }
  return results;
}

function idOf(model: IamModel, name: string): string {
  return model.org.accounts.find((a) => a.name === name)?.id ?? name;
}

/** The accounts an expectation's role side names, as IDs. */
function targetAccounts(
  model: IamModel,
  target: NonNullable<AccessExpectation["role"]>,
  named: ModelRole[],
): string[] {
  const org = model.org;
  if (target.account !== undefined) return [idOf(model, target.account)];
  if (target.accounts === "all") return org.accounts.map((a) => a.id);
  if (target.accounts !== undefined) return target.accounts.map((n) => idOf(model, n));
  if (target.organizationalUnits !== undefined) {
    const ous = target.organizationalUnits;
    return org.accounts.filter((a) => ous.includes(a.ou)).map((a) => a.id);
  }
  return [...new Set(named.map((r) => r.account))];
}

function principalText(p: PrincipalExpectation, resolved?: string): string {
  if ("vendor" in p)
    return `vendor ${p.vendor}${p.withoutExternalId ? " without ExternalId" : ""}${resolved ? ` (${resolved})` : ""}`;
  if ("account" in p && "role" in p) return resolved ?? `${p.account}/${p.role}`;
  if ("account" in p && "user" in p) return resolved ?? `${p.account}/user ${p.user}`;
  if ("account" in p) return resolved ?? `${p.account} (account root)`;
  return resolved ?? JSON.stringify(p);
}

/** The caller an expectation's principal stands for; a string says why it cannot be resolved. */
export function callerFor(
  model: IamModel,
  p: PrincipalExpectation,
  role: ModelRole | undefined,
  vendors: unknown,
): Caller | string {
  const org = model.org;
  const accountId = (name: string) => org.accounts.find((a) => a.name === name)?.id;
  if ("identityCenterGroup" in p) {
    const id = Object.entries(org.identityCenterGroups ?? {}).find(
      ([, name]) => name === p.identityCenterGroup,
    )?.[0];
    return {
      kind: "identity-center",
      principalType: "GROUP",
      principalId: id ?? p.identityCenterGroup,
      name: p.identityCenterGroup,
    };
  }
  if ("outsideOrganization" in p) return { kind: "anyone" };
  if ("account" in p) {
    const id = accountId(p.account);
    if (id === undefined) return `unknown account ${p.account}`;
    const arn =
      "role" in p
        ? `arn:aws:iam::${id}:role/${p.role}`
        : "user" in p
          ? `arn:aws:iam::${id}:user/${p.user}`
          : `arn:aws:iam::${id}:root`;
    return { kind: "aws", arn, account: id };
  }
  if ("arn" in p) return { kind: "aws", arn: p.arn, account: p.arn.split(":")[4] };
  if ("service" in p) return { kind: "service", service: p.service };
  if ("github" in p) {
    // The GitHub provider the role trusts; else the one this stack creates (in the role's account).
    const trusted =
      role === undefined
        ? undefined
        : trustedFederated(role).find((f) => f.endsWith(`oidc-provider/${GITHUB_HOST}`));
    const own = model.oidcProviders.find((o) => role === undefined || o.account === role.account)?.arn;
    const providerArn =
      trusted ?? own ?? `arn:aws:iam::${role?.account ?? "000000000000"}:oidc-provider/${GITHUB_HOST}`;
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

export { ANYONE };
