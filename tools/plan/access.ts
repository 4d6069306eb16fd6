import { parsePolicyDocument } from "../../policy-pack/lib/document";
import { admittedPrincipals } from "../../policy-pack/lib/trust";
import { conditionText, satisfyingContext, violatingContext } from "./conditions";
import { asList, conditionValues, PolicyDocument, statementsOf } from "./documents";
import { IamModel, ModelRole, ModelUser } from "./model";
import { AssumeResult, DiscoveredCondition, NamedPolicy, ScpLevel, simulate, SimRequest } from "./simulator";
import { AccessEdge, Decision, EdgeCondition, PrincipalKind } from "./types";

/**
 * The access graph: every principal each role's trust policy names, asked with the IAM simulator
 * whether it can assume that role and under which conditions. What the program creates is evaluated
 * from its documents; what lies outside (a principal another stack or a vendor owns) is assumed to
 * have the identity permission, and the reason says so.
 *
 * Conditions are found, not listed: the simulator's discovery mode is given only the facts the plan
 * knows (who the principal is, which account and organization it and the role belong to, the role's
 * tags) and reports every other condition key the trust, the caller's policies, its boundary and
 * the SCPs require. The plan then builds a request that meets them (conditions.ts) and checks it
 * strictly, so an allowed edge says exactly what a caller must present, and a caller who does not
 * meet an authentication, network or secret condition becomes its own (denied) edge.
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

/** An account's root user: every permission of the account, limited only by SCPs. */
export const ROOT_IDENTITY: NamedPolicy = {
  name: "root-user",
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

/** Principal facts: their presence and value are known, so they never become conditions. */
const PRINCIPAL_FACTS = [
  "aws:PrincipalArn",
  "aws:PrincipalAccount",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalType",
  "aws:PrincipalIsAWSService",
  "aws:PrincipalServiceName",
  // Present only in a privileged root session (sts:AssumeRoot from the management account); a caller
  // the plan models is never one unless an expectation presents it.
  "aws:AssumedRoot",
  "aws:userid",
  "aws:username",
];
/**
 * Facts about every request the plan models unless the caller presents otherwise: AWS SDKs and the
 * CLI call AWS over TLS (`aws:SecureTransport` true), so an RCP or bucket policy refusing plain HTTP
 * is not a condition a caller has to meet. Ask about plain HTTP with `context`.
 */
const REQUEST_DEFAULTS: Readonly<Record<string, string>> = { "aws:SecureTransport": "true" };
const RESOURCE_FACTS = [
  "aws:ResourceAccount",
  "aws:ResourceOrgID",
  "aws:ResourceOrgPaths",
  "/^aws:ResourceTag\\//",
];

/**
 * Conditions whose absence is worth its own edge: a caller without MFA, from another network, without
 * the ExternalId. Any other condition is stated on the edge but not turned into a variant.
 */
const VARIANTS: readonly { label: string; keys: string[]; preferAbsent: boolean }[] = [
  {
    label: "without MFA",
    keys: ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"],
    preferAbsent: true,
  },
  { label: "from another network", keys: ["aws:SourceIp", "aws:VpcSourceIp"], preferAbsent: false },
  { label: "from another VPC", keys: ["aws:SourceVpc", "aws:SourceVpce"], preferAbsent: false },
  { label: "without ExternalId", keys: ["sts:ExternalId"], preferAbsent: true },
];

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
  | {
      readonly kind: "identity-center";
      readonly principalType: string;
      readonly principalId: string;
      readonly name: string;
    }
  | { readonly kind: "anyone" };

export interface CallerOptions {
  /** Leave `sts:ExternalId` out of the request even where the trust requires one. */
  readonly withoutExternalId?: boolean;
  /** Also return the edges of callers who miss an MFA, network or ExternalId condition. */
  readonly variants?: boolean;
  /** Condition keys the caller presents with these values (known: not left open to satisfy). */
  readonly presented?: Readonly<Record<string, string>>;
}

/** Builds every edge of the graph. */
export async function accessGraph(model: IamModel): Promise<AccessEdge[]> {
  const edges: AccessEdge[] = [];
  for (const role of model.roles) {
    if (role.kind === "identity-center") continue;
    for (const caller of trustedCallers(role)) {
      edges.push(...(await evaluateAll(model, caller, role, { variants: true })));
    }
  }
  edges.push(...(await accountRootEdges(model)));
  edges.push(...assignmentEdges(model));
  return sortEdges(edges);
}

export function sortEdges(edges: AccessEdge[]): AccessEdge[] {
  return edges.sort(
    (a, b) =>
      a.role.localeCompare(b.role) ||
      a.principal.localeCompare(b.principal) ||
      (a.variant ?? "").localeCompare(b.variant ?? ""),
  );
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
      // A wildcard in an AWS principal matches accounts outside the organization too.
      if (aws.value.includes("*")) add({ kind: "anyone" });
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
    case "identity-center":
      return `identity-center ${c.principalType === "USER" ? "user" : "group"} ${c.name}`;
    case "anyone":
      return ANYONE;
  }
}

/** The principal that stands for every AWS principal outside the organization. */
export const ANYONE = "anyone outside the organization";

function githubOrOidc(host: string): string {
  return host === GITHUB_HOST ? "github" : `oidc ${host}`;
}

const GITHUB_HOST = "token.actions.githubusercontent.com";

function actionFor(c: Caller): string {
  if (c.kind === "oidc") return "sts:AssumeRoleWithWebIdentity";
  if (c.kind === "saml" || c.kind === "identity-center") return "sts:AssumeRoleWithSAML";
  return "sts:AssumeRole";
}

/** Lookups the evaluation makes for every edge, built once per model so work grows with edges. */
interface ModelIndex {
  readonly accounts: Map<string, IamModel["org"]["accounts"][number]>;
  readonly ouIds: Map<string, string>;
  readonly roles: Map<string, ModelRole>;
  readonly users: Map<string, ModelUser>;
  readonly orgPolicies: Map<string, Map<string, NamedPolicy[]>>;
  /** Roles, Identity Center roles and users of each account: who may use an account-root trust. */
  readonly identitiesByAccount: Map<string, (ModelRole | ModelUser)[]>;
  readonly vendors: Map<string, string>;
}

const indexes = new WeakMap<IamModel, ModelIndex>();

function indexOf(model: IamModel): ModelIndex {
  let index = indexes.get(model);
  if (index === undefined) {
    const orgPolicies = new Map<string, Map<string, NamedPolicy[]>>();
    for (const p of model.orgPolicies ?? model.scps.map((s) => ({ ...s, type: "SERVICE_CONTROL_POLICY" }))) {
      const byTarget = orgPolicies.get(p.type) ?? new Map<string, NamedPolicy[]>();
      byTarget.set(p.targetId, [...(byTarget.get(p.targetId) ?? []), p.policy]);
      orgPolicies.set(p.type, byTarget);
    }
    const roles = new Map<string, ModelRole>();
    // The first role with an ARN wins, as a search in order would find it.
    for (const r of model.roles) if (!roles.has(r.arn)) roles.set(r.arn, r);
    const identitiesByAccount = new Map<string, (ModelRole | ModelUser)[]>();
    for (const identity of [...roles.values(), ...(model.users ?? [])]) {
      const list = identitiesByAccount.get(identity.account);
      if (list === undefined) identitiesByAccount.set(identity.account, [identity]);
      else list.push(identity);
    }
    const vendors = new Map<string, string>();
    for (const v of model.org.vendors ?? []) {
      vendors.set(/^\d{12}$/.test(v.principal) ? `arn:aws:iam::${v.principal}:root` : v.principal, v.name);
    }
    index = {
      accounts: new Map(model.org.accounts.map((a) => [a.id, a])),
      ouIds: new Map(model.org.organizationalUnits.map((o) => [o.name, o.id])),
      roles,
      users: new Map((model.users ?? []).map((u) => [u.arn, u])),
      orgPolicies,
      identitiesByAccount,
      vendors,
    };
    indexes.set(model, index);
  }
  return index;
}

/** The levels of an organization above an account (root, its OU, the account); none for management. */
function orgLevels(model: IamModel, accountId: string): string[] {
  const index = indexOf(model);
  const account = index.accounts.get(accountId);
  if (account === undefined || accountId === model.org.managementAccountId) return [];
  const ouId = index.ouIds.get(account.ou);
  return [model.org.rootId, ...(ouId === undefined ? [] : [ouId]), accountId];
}

/** SCP levels that apply to a principal of an account: root, its OU, the account; none for management. */
export function scpLevels(model: IamModel, accountId: string): ScpLevel[] {
  return policyLevels(model, accountId, "SERVICE_CONTROL_POLICY", FULL_AWS_ACCESS);
}

/**
 * Levels of any Organizations policy type for an account, with the default policy AWS attaches at
 * every level first (FullAWSAccess for SCPs); none for the management account.
 */
export function policyLevels(
  model: IamModel,
  accountId: string,
  type: string,
  defaultPolicy?: NamedPolicy,
): ScpLevel[] {
  const byTarget = indexOf(model).orgPolicies.get(type);
  // A type nobody attached is not evaluated (RCPs before any is created: AWS's default allows all).
  if (byTarget === undefined && defaultPolicy === undefined) return [];
  return orgLevels(model, accountId).map((target) => ({
    target,
    policies: [...(defaultPolicy === undefined ? [] : [defaultPolicy]), ...(byTarget?.get(target) ?? [])],
  }));
}

/** What the simulator is told about a principal: its policies, the facts about it, its claims. */
export interface Identity {
  readonly principal: string;
  readonly principalAccount?: string;
  readonly identityPolicies: NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  readonly scps: ScpLevel[];
  /** Known keys: the principal's ARN, account, organization. */
  readonly facts: Record<string, string>;
  /** What this caller presents that the policies may test (an OIDC subject): set after discovery. */
  readonly claims: Record<string, string>;
  readonly notes: string[];
}

/** The simulator's view of a caller. Identity Center callers never call IAM themselves. */
export function identityOf(model: IamModel, caller: Caller): Identity {
  const index = indexOf(model);
  const org = model.org;
  switch (caller.kind) {
    case "aws": {
      const inOrg = index.accounts.has(caller.account);
      const facts: Record<string, string> = {
        "aws:PrincipalArn": caller.arn,
        "aws:PrincipalAccount": caller.account,
      };
      if (inOrg) facts["aws:PrincipalOrgID"] = org.organizationId;
      const scps = inOrg ? scpLevels(model, caller.account) : [];
      const own: ModelRole | ModelUser | undefined =
        index.roles.get(caller.arn) ?? index.users.get(caller.arn);
      const notes: string[] = [];
      let identityPolicies: NamedPolicy[];
      let permissionsBoundary: NamedPolicy | undefined;
      if (own !== undefined) {
        identityPolicies = own.identityPolicies;
        permissionsBoundary = own.permissionsBoundary;
        if (own.unmodelled.length > 0) notes.push(`not modelled: ${own.unmodelled.join(", ")}`);
        const unmodelledBoundary = (own as ModelRole).unmodelledBoundary;
        if (unmodelledBoundary !== undefined) notes.push(`boundary ${unmodelledBoundary} not modelled`);
      } else {
        identityPolicies = [OUTSIDE_IDENTITY];
        notes.push(
          inOrg
            ? "identity side outside this stack"
            : "identity side outside this stack and the organization",
        );
      }
      return {
        principal: caller.arn,
        principalAccount: caller.account,
        identityPolicies,
        permissionsBoundary,
        scps,
        facts,
        claims: {},
        notes,
      };
    }
    case "service":
      // Every request a service principal makes carries these (global condition keys).
      return {
        principal: caller.service,
        identityPolicies: [],
        scps: [],
        facts: { "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": caller.service },
        claims: {},
        notes: [],
      };
    case "oidc": {
      const claims: Record<string, string> = {};
      if (caller.subject !== undefined) claims[`${caller.host}:sub`] = caller.subject;
      if (caller.audience !== undefined) claims[`${caller.host}:aud`] = caller.audience;
      return { principal: caller.providerArn, identityPolicies: [], scps: [], facts: {}, claims, notes: [] };
    }
    case "saml":
      return {
        principal: caller.providerArn,
        identityPolicies: [],
        scps: [],
        facts: {},
        claims: caller.audience === undefined ? {} : { "SAML:aud": caller.audience },
        notes: [],
      };
    case "identity-center":
      return {
        principal: callerLabel(caller),
        identityPolicies: [],
        scps: [],
        facts: {},
        claims: {},
        notes: ["Identity Center signs the group in"],
      };
    case "anyone": {
      // Someone outside the organization with every permission of their own.
      const principal = "arn:aws:iam::000000000000:role/anyone";
      return {
        principal,
        principalAccount: "000000000000",
        identityPolicies: [OUTSIDE_IDENTITY],
        scps: [],
        facts: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": "000000000000" },
        claims: {},
        notes: ["a principal outside the organization"],
      };
    }
  }
}

/** Facts about a resource the request is made on: its account, organization and tags. */
export function resourceFacts(model: IamModel, account: string, tags?: Readonly<Record<string, string>>) {
  const facts: Record<string, string> = { "aws:ResourceAccount": account };
  if (indexOf(model).accounts.has(account)) facts["aws:ResourceOrgID"] = model.org.organizationId;
  for (const [k, v] of Object.entries(tags ?? {})) facts[`aws:ResourceTag/${k}`] = v;
  return facts;
}

/** The outcome of one request decided in two steps: discovery, then the strict check of a request meeting what it found. */
export interface Decided extends AssumeResult {
  readonly conditions: DiscoveredCondition[];
  /** The context of the strict check (what the caller presented). */
  readonly context: Record<string, string>;
}

/**
 * Decides a request: which conditions allow it (discovery, given the facts), then whether a request
 * meeting them, with the caller's own claims, is allowed (strict). `drop` removes keys from the
 * request (a caller without the ExternalId).
 */
export async function decide(
  request: Omit<SimRequest, "context">,
  facts: Record<string, string>,
  claims: Record<string, string>,
  drop: readonly string[] = [],
  known: readonly string[] = [],
): Promise<Decided> {
  facts = { ...REQUEST_DEFAULTS, ...facts };
  const knownKeys = [...PRINCIPAL_FACTS, ...RESOURCE_FACTS, ...Object.keys(REQUEST_DEFAULTS), ...known];
  const discovered = await simulate({ ...request, context: facts }, "Discovery", knownKeys);
  const open = (discovered.conditions ?? []).filter((c) => !(c.key in facts));
  const context: Record<string, string> = { ...facts };
  if (discovered.decision === "allowed") Object.assign(context, satisfyingContext(open));
  Object.assign(context, claims);
  for (const key of drop) delete context[key];
  const strict = await simulate({ ...request, context }, "Strict");
  return { decision: strict.decision, reason: strict.reason, conditions: open, context };
}

/** Evaluates one caller against one role: the edge. */
export async function evaluate(
  model: IamModel,
  caller: Caller,
  role: ModelRole,
  options: CallerOptions = {},
): Promise<AccessEdge> {
  return (await evaluateAll(model, caller, role, { ...options, variants: false }))[0];
}

/** Evaluates one caller against one role: the edge, and its variants when asked for. */
export async function evaluateAll(
  model: IamModel,
  caller: Caller,
  role: ModelRole,
  options: CallerOptions = {},
  via: AccessEdge["via"] = "trust",
): Promise<AccessEdge[]> {
  const identity = identityOf(model, caller);
  const action = actionFor(caller);
  const base = {
    principal: callerLabel(caller),
    role: role.arn,
    action,
    principalAccount: identity.principalAccount,
    roleAccount: role.account,
    source: role.source,
    ...describePrincipal(model, caller),
    via,
    ...(role.maxSessionSeconds === undefined ? {} : { maxSessionSeconds: role.maxSessionSeconds }),
  };
  if (role.trust === undefined) {
    return [
      {
        ...base,
        decision: "denied",
        reason: "not evaluated: the trust policy is not known (computed or malformed)",
      },
    ];
  }
  const request = {
    principal: identity.principal,
    action,
    resource: role.arn,
    resourceAccount: role.account,
    resourcePolicy: role.trust,
    identityPolicies: identity.identityPolicies,
    permissionsBoundary: identity.permissionsBoundary,
    scps: identity.scps,
    // The role is the resource of sts:AssumeRole*: the RCPs above its account cap who it accepts.
    rcps: policyLevels(model, role.account, "RESOURCE_CONTROL_POLICY"),
  };
  const presented = options.presented ?? {};
  const facts = { ...identity.facts, ...resourceFacts(model, role.account, role.tags), ...presented };
  const drop = options.withoutExternalId ? ["sts:ExternalId"] : [];
  const decided = await decide(request, facts, identity.claims, drop, Object.keys(presented));
  const notes = [...identity.notes, ...(options.withoutExternalId ? ["without an ExternalId"] : [])];
  const conditions = decided.decision === "allowed" ? decided.conditions.map(edgeCondition) : undefined;
  const edge: AccessEdge = {
    ...base,
    decision: decided.decision,
    reason: reasonText(decided.reason, notes, conditions),
    ...(conditions === undefined ? {} : { conditions }),
  };
  const edges = [edge];
  if (!options.variants || decided.decision !== "allowed") return edges;
  for (const variant of VARIANTS) {
    const keys = variant.keys.map((k) => k.toLowerCase());
    if (!decided.conditions.some((c) => keys.includes(c.key.toLowerCase()))) continue;
    const context = violatingContext(decided.conditions, decided.context, variant.keys, variant.preferAbsent);
    const result = await simulate({ ...request, context }, "Strict");
    edges.push({
      ...base,
      decision: result.decision,
      reason: reasonText(result.reason, identity.notes, undefined),
      variant: variant.label,
    });
  }
  return edges;
}

export function edgeCondition(c: DiscoveredCondition): EdgeCondition {
  return { key: c.key, operator: c.operator, values: c.values, text: conditionText(c), sources: c.sources };
}

function reasonText(reason: string, notes: string[], conditions: EdgeCondition[] | undefined): string {
  const parts = [reason, ...notes];
  if (conditions !== undefined && conditions.length > 0) {
    parts.push(`if ${[...new Set(conditions.map((c) => c.text))].join(" and ")}`);
  }
  return parts.join("; ");
}

/** The kind and readable name of a caller: vendors by their name, Identity Center groups by theirs. */
export function describePrincipal(
  model: IamModel,
  caller: Caller,
): { principalKind: PrincipalKind; principalName: string } {
  const index = indexOf(model);
  const accountName = (id: string) => index.accounts.get(id)?.name ?? id;
  switch (caller.kind) {
    case "aws": {
      const vendor =
        index.vendors.get(caller.arn) ?? index.vendors.get(`arn:aws:iam::${caller.account}:root`);
      if (vendor !== undefined) return { principalKind: "vendor", principalName: `vendor ${vendor}` };
      const resource = caller.arn.split(":").slice(5).join(":");
      if (resource === "root")
        return { principalKind: "account", principalName: `${accountName(caller.account)} account` };
      const [type, ...rest] = resource.split("/");
      const name = rest[rest.length - 1] ?? resource;
      const kind: PrincipalKind = type === "user" ? "user" : "role";
      return { principalKind: kind, principalName: `${type} ${name} (${accountName(caller.account)})` };
    }
    case "service":
      return { principalKind: "service", principalName: caller.service };
    case "oidc":
      return caller.host === GITHUB_HOST
        ? { principalKind: "github", principalName: `GitHub ${caller.subject ?? "(any subject)"}` }
        : { principalKind: "oidc", principalName: callerLabel(caller) };
    case "saml":
      return { principalKind: "saml", principalName: callerLabel(caller) };
    case "identity-center":
      return caller.principalType === "USER"
        ? { principalKind: "identity-center-user", principalName: `Identity Center user ${caller.name}` }
        : { principalKind: "identity-center-group", principalName: `Identity Center group ${caller.name}` };
    case "anyone":
      return { principalKind: "outside-organization", principalName: ANYONE };
  }
}

/**
 * Edges through account-root trusts: a trust naming account A's root lets in any identity of A whose
 * own policies allow it. For each identity this stack models in A whose policies could allow the
 * call (a cheap statement match first), the simulator decides; allowed ones are edges of their own.
 */
async function accountRootEdges(model: IamModel): Promise<AccessEdge[]> {
  const index = indexOf(model);
  const edges: AccessEdge[] = [];
  // Identities whose policies allow sts:AssumeRole on something, by account: read once, not once per
  // role that trusts their account's root (a thousand roles trust the management account's).
  const assumers = new Map<string, readonly (ModelRole | ModelUser)[]>();
  const assumersIn = (account: string) => {
    let found = assumers.get(account);
    if (found === undefined) {
      found = (index.identitiesByAccount.get(account) ?? []).filter((i) =>
        mayAllowAction(i.identityPolicies, "sts:AssumeRole"),
      );
      assumers.set(account, found);
    }
    return found;
  };
  for (const role of model.roles) {
    if (role.kind === "identity-center") continue;
    for (const caller of trustedCallers(role)) {
      if (caller.kind !== "aws" || !caller.arn.endsWith(":root")) continue;
      for (const identity of assumersIn(caller.account)) {
        if (identity.arn === role.arn) continue;
        if (!mayAllow(identity.identityPolicies, "sts:AssumeRole", role.arn)) continue;
        const [edge] = await evaluateAll(
          model,
          { kind: "aws", arn: identity.arn, account: identity.account },
          role,
          {},
          "account-root",
        );
        if (edge.decision === "allowed") edges.push(edge);
      }
    }
  }
  return edges;
}

/** Every Identity Center account assignment, as an edge from its group to the permission set's role. */
function assignmentEdges(model: IamModel): AccessEdge[] {
  const index = indexOf(model);
  return (model.assignments ?? []).map((a) => {
    const caller: Caller = {
      kind: "identity-center",
      principalType: a.principalType,
      principalId: a.principalId,
      name: a.principalName,
    };
    const role = index.roles.get(a.roleArn);
    return {
      principal: callerLabel(caller),
      role: a.roleArn,
      action: "sts:AssumeRoleWithSAML",
      decision: "allowed" as Decision,
      reason: `allowed by Identity Center assignment of permission set ${a.permissionSet}`,
      roleAccount: a.account,
      source: a.source,
      ...describePrincipal(model, caller),
      conditions: [],
      via: "assignment" as const,
      ...(role?.maxSessionSeconds === undefined ? {} : { maxSessionSeconds: role.maxSessionSeconds }),
    };
  });
}

/** An Allow statement's patterns, read once per policy document. */
interface AllowPatterns {
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
}

const allowPatterns = new WeakMap<object, readonly AllowPatterns[]>();

function allowStatements(policy: unknown): readonly AllowPatterns[] {
  const key = policy !== null && typeof policy === "object" ? policy : undefined;
  const cached = key === undefined ? undefined : allowPatterns.get(key);
  if (cached !== undefined) return cached;
  const read = statementsOf(policy as PolicyDocument)
    .filter((s) => s.Effect === "Allow")
    .map((s) => ({
      ...(s.Action !== undefined ? { actions: asList(s.Action) } : { notActions: asList(s.NotAction) }),
      ...(s.Resource !== undefined
        ? { resources: asList(s.Resource) }
        : s.NotResource !== undefined
          ? { notResources: asList(s.NotResource) }
          : {}),
    }));
  if (key !== undefined) allowPatterns.set(key, read);
  return read;
}

function actionAllowed(s: AllowPatterns, action: string): boolean {
  return s.actions !== undefined
    ? s.actions.some((a) => globMatch(a, action, true))
    : !(s.notActions ?? []).some((a) => globMatch(a, action, true));
}

/** Whether some Allow statement of these policies could match the action on the resource (before simulating). */
export function mayAllow(policies: readonly NamedPolicy[], action: string, resource: string): boolean {
  return policies.some((p) =>
    allowStatements(p.policy).some((s) => {
      if (!actionAllowed(s, action)) return false;
      return s.resources !== undefined
        ? s.resources.some((r) => globMatch(r, resource, false))
        : s.notResources !== undefined
          ? !s.notResources.some((r) => globMatch(r, resource, false))
          : true;
    }),
  );
}

/** Whether some Allow statement of these policies could match the action on any resource. */
export function mayAllowAction(policies: readonly NamedPolicy[], action: string): boolean {
  return policies.some((p) => allowStatements(p.policy).some((s) => actionAllowed(s, action)));
}

const globs = new Map<string, RegExp>();

export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = globs.get(key);
  if (re === undefined) {
    const escaped = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${escaped}$`, ignoreCase ? "i" : "");
    globs.set(key, re);
  }
  return re.test(value);
}
