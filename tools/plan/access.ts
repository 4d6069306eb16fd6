import { parsePolicyDocument } from "../../policy-pack/lib/document";
import { admittedPrincipals } from "../../policy-pack/lib/trust";
import { asList, conditionValues, Statement, statementsOf } from "./documents";
import { IamModel, ModelRole } from "./model";
import { AssumeRequest, NamedPolicy, ScpLevel, simulateAssume } from "./simulator";
import { AccessEdge } from "./types";

/**
 * The access graph: every principal each role's trust policy names, asked with the IAM simulator
 * whether it can assume that role. What the program creates is evaluated from its documents; what
 * lies outside (a principal another stack or a vendor owns) is assumed to have the identity
 * permission, and the reason says so.
 */

/** The policy every level of an organization has unless someone detaches it. */
const FULL_AWS_ACCESS: NamedPolicy = {
  name: "FullAWSAccess",
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** Identity side of a principal the stack does not create: what that principal's own account grants. */
const OUTSIDE_IDENTITY: NamedPolicy = {
  name: "outside-this-stack",
  policy: {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Resource: "*",
      },
    ],
  },
};

/** Who is asking, as the access graph sees it. */
export type Caller =
  | { readonly kind: "aws"; readonly arn: string; readonly account: string; readonly label?: string }
  | { readonly kind: "service"; readonly service: string }
  | {
      readonly kind: "oidc";
      readonly providerArn: string;
      readonly host: string;
      readonly subject?: string;
      readonly audience?: string;
    }
  | { readonly kind: "saml"; readonly providerArn: string; readonly audience?: string }
  | { readonly kind: "anyone" };

export interface CallerOptions {
  /** Leave `sts:ExternalId` out of the request even where the trust requires one. */
  readonly withoutExternalId?: boolean;
}

/** Builds every edge of the graph. */
export async function accessGraph(model: IamModel): Promise<AccessEdge[]> {
  const edges: AccessEdge[] = [];
  for (const role of model.roles) {
    for (const caller of trustedCallers(role)) {
      edges.push(await evaluate(model, caller, role));
    }
  }
  return edges.sort((a, b) => a.role.localeCompare(b.role) || a.principal.localeCompare(b.principal));
}

/**
 * The callers a trust policy names (Allow statements), one per principal and OIDC subject. An
 * account root narrowed by `aws:PrincipalArn` to exact role ARNs names those roles, as the policy
 * pack reads it (`admittedPrincipals`), not the account.
 */
export function trustedCallers(role: ModelRole): Caller[] {
  const callers = new Map<string, Caller>();
  const add = (c: Caller) => callers.set(callerLabel(c), c);
  const parsed = parsePolicyDocument(role.trust ?? {}).statements;
  for (const [index, statement] of statementsOf(role.trust).entries()) {
    if (statement.Effect !== "Allow") continue;
    const principal = statement.Principal;
    if (principal === "*") {
      add({ kind: "anyone" });
      continue;
    }
    if (principal === null || typeof principal !== "object") continue;
    const p = principal as Record<string, unknown>;
    const admitted = parsed[index] === undefined ? [] : admittedPrincipals(parsed[index]);
    for (const { principal: aws } of admitted) {
      if (aws.kind !== "AWS" || !aws.literal) continue;
      if (aws.value === "*") add({ kind: "anyone" });
      else add(awsCaller(aws.value));
    }
    for (const service of asList(p.Service)) add({ kind: "service", service });
    for (const federated of asList(p.Federated)) {
      if (federated.includes(":saml-provider/")) {
        add({
          kind: "saml",
          providerArn: federated,
          audience: conditionValues(statement, "SAML:aud")[0]?.values[0],
        });
        continue;
      }
      const host = federated.includes(":oidc-provider/") ? federated.split(":oidc-provider/")[1] : federated;
      const subjects = conditionValues(statement, `${host}:sub`).flatMap((c) => c.values);
      const audience = conditionValues(statement, `${host}:aud`)[0]?.values[0];
      if (subjects.length === 0) add({ kind: "oidc", providerArn: federated, host, audience });
      for (const subject of subjects) add({ kind: "oidc", providerArn: federated, host, subject, audience });
    }
  }
  return [...callers.values()];
}

function awsCaller(value: string): Caller {
  if (/^\d{12}$/.test(value)) return { kind: "aws", arn: `arn:aws:iam::${value}:root`, account: value };
  const account = value.split(":")[4] ?? "";
  return { kind: "aws", arn: value, account };
}

/** How a caller is named in the report. */
export function callerLabel(c: Caller): string {
  switch (c.kind) {
    case "aws":
      return c.label ?? c.arn;
    case "service":
      return `service ${c.service}`;
    case "oidc":
      return c.subject === undefined
        ? `oidc ${c.host} (any subject)`
        : `${githubOrOidc(c.host)} ${c.subject}`;
    case "saml":
      return `saml ${c.providerArn}`;
    case "anyone":
      return "anyone (*)";
  }
}

function githubOrOidc(host: string): string {
  return host === "token.actions.githubusercontent.com" ? "github" : `oidc ${host}`;
}

function actionFor(c: Caller): string {
  if (c.kind === "oidc") return "sts:AssumeRoleWithWebIdentity";
  if (c.kind === "saml") return "sts:AssumeRoleWithSAML";
  return "sts:AssumeRole";
}

/** Lookups the evaluation makes for every edge, built once per model so work grows with edges. */
interface ModelIndex {
  readonly accounts: Map<string, IamModel["org"]["accounts"][number]>;
  readonly ouIds: Map<string, string>;
  readonly roles: Map<string, ModelRole>;
  readonly scps: Map<string, NamedPolicy[]>;
}

const indexes = new WeakMap<IamModel, ModelIndex>();

function indexOf(model: IamModel): ModelIndex {
  let index = indexes.get(model);
  if (index === undefined) {
    const scps = new Map<string, NamedPolicy[]>();
    for (const s of model.scps) scps.set(s.targetId, [...(scps.get(s.targetId) ?? []), s.policy]);
    const roles = new Map<string, ModelRole>();
    // The first role with an ARN wins, as a search in order would find it.
    for (const r of model.roles) if (!roles.has(r.arn)) roles.set(r.arn, r);
    index = {
      accounts: new Map(model.org.accounts.map((a) => [a.id, a])),
      ouIds: new Map(model.org.organizationalUnits.map((o) => [o.name, o.id])),
      roles,
      scps,
    };
    indexes.set(model, index);
  }
  return index;
}

/** SCP levels that apply to a principal of an account: root, its OU, the account; none for management. */
export function scpLevels(model: IamModel, accountId: string): ScpLevel[] {
  const index = indexOf(model);
  const account = index.accounts.get(accountId);
  if (account === undefined || accountId === model.org.managementAccountId) return [];
  const ouId = index.ouIds.get(account.ou);
  const targets = [model.org.rootId, ...(ouId === undefined ? [] : [ouId]), accountId];
  return targets.map((target) => ({
    target,
    policies: [FULL_AWS_ACCESS, ...(index.scps.get(target) ?? [])],
  }));
}

/** Evaluates one caller against one role. */
export async function evaluate(
  model: IamModel,
  caller: Caller,
  role: ModelRole,
  options: CallerOptions = {},
): Promise<AccessEdge> {
  const org = model.org;
  const notes: string[] = [];
  const context: Record<string, string | string[]> = {};
  let principal: string;
  let identityPolicies: NamedPolicy[] = [];
  let permissionsBoundary: NamedPolicy | undefined;
  let scps: ScpLevel[] = [];
  let principalAccount: string | undefined;

  const index = indexOf(model);
  const roleInOrg = index.accounts.has(role.account);
  if (roleInOrg) {
    context["aws:ResourceOrgID"] = org.organizationId;
  }
  context["aws:ResourceAccount"] = role.account;

  switch (caller.kind) {
    case "aws": {
      principal = caller.arn;
      principalAccount = caller.account;
      context["aws:PrincipalArn"] = caller.arn;
      context["aws:PrincipalAccount"] = caller.account;
      const inOrg = index.accounts.has(caller.account);
      if (inOrg) {
        context["aws:PrincipalOrgID"] = org.organizationId;
        scps = scpLevels(model, caller.account);
      }
      const own = index.roles.get(caller.arn);
      if (own !== undefined) {
        identityPolicies = own.identityPolicies;
        permissionsBoundary = own.permissionsBoundary;
        if (own.unmodelled.length > 0) notes.push(`not modelled: ${own.unmodelled.join(", ")}`);
        if (own.unmodelledBoundary !== undefined)
          notes.push(`boundary ${own.unmodelledBoundary} not modelled`);
      } else {
        identityPolicies = [OUTSIDE_IDENTITY];
        notes.push(
          inOrg
            ? "identity side outside this stack"
            : "identity side outside this stack and the organization",
        );
      }
      break;
    }
    case "service":
      principal = caller.service;
      break;
    case "oidc":
      principal = caller.providerArn;
      if (caller.subject !== undefined) context[`${caller.host}:sub`] = caller.subject;
      if (caller.audience !== undefined) context[`${caller.host}:aud`] = caller.audience;
      break;
    case "saml":
      principal = caller.providerArn;
      if (caller.audience !== undefined) context["SAML:aud"] = caller.audience;
      break;
    case "anyone":
      // Someone outside the organization with every permission of their own.
      principal = "arn:aws:iam::000000000000:role/anyone";
      principalAccount = "000000000000";
      context["aws:PrincipalArn"] = principal;
      context["aws:PrincipalAccount"] = principalAccount;
      identityPolicies = [OUTSIDE_IDENTITY];
      notes.push("a principal outside the organization");
      break;
  }

  // What a legitimate caller presents: the ExternalId it was given, MFA where the trust asks for it.
  const statements = statementsOf(role.trust).filter((s) => s.Effect === "Allow");
  const externalId = firstValue(statements, "sts:ExternalId");
  if (externalId !== undefined && caller.kind !== "anyone") {
    if (options.withoutExternalId) notes.push("without an ExternalId");
    else {
      context["sts:ExternalId"] = externalId;
      notes.push("with its ExternalId");
    }
  }
  if (firstValue(statements, "aws:MultiFactorAuthPresent") === "true") {
    context["aws:MultiFactorAuthPresent"] = "true";
    notes.push("with MFA");
  }
  const sessionName = firstValue(statements, "sts:RoleSessionName");
  if (sessionName !== undefined) {
    // A caller names its session as the trust requires (the pipeline's `gha-<run id>`).
    context["sts:RoleSessionName"] = sessionName.replace(/\*/g, "run-1").replace(/\?/g, "x");
    notes.push(`as session ${context["sts:RoleSessionName"]}`);
  }
  const sourceIp = firstValue(statements, "aws:SourceIp");
  if (sourceIp !== undefined) {
    context["aws:SourceIp"] = sourceIp.split("/")[0];
    notes.push(`from ${sourceIp}`);
  }

  const request: AssumeRequest = {
    principal,
    action: actionFor(caller),
    roleArn: role.arn,
    roleAccount: role.account,
    trust: role.trust ?? { Version: "2012-10-17", Statement: [] },
    identityPolicies,
    permissionsBoundary,
    scps,
    context,
  };
  const result =
    role.trust === undefined
      ? {
          decision: "denied" as const,
          reason: "not evaluated: the trust policy is not known (computed or malformed)",
        }
      : await simulateAssume(request);
  return {
    principal: callerLabel(caller),
    role: role.arn,
    action: request.action,
    decision: result.decision,
    reason: notes.length > 0 ? `${result.reason}; ${notes.join("; ")}` : result.reason,
    principalAccount,
    roleAccount: role.account,
    source: role.source,
  };
}

function firstValue(statements: Statement[], key: string): string | undefined {
  for (const s of statements) {
    const found = conditionValues(s, key)[0]?.values[0];
    if (found !== undefined) return found;
  }
  return undefined;
}
