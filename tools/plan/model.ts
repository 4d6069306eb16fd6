import { RecordedResource } from "../mock-runtime";
import { parseDocument, PolicyDocument } from "./documents";
import { awsManagedPolicyDocument, awsManagedPolicyName, isAwsManagedPolicyArn } from "./managed-policies";
import { NamedPolicy } from "./simulator";
import { stackSetPolicies, stackSetRoles } from "./stacksets";

/**
 * The IAM facts of one program run that decide who can assume what: roles with their trust, identity
 * policies and boundary (from IAM resources and from StackSet templates, per target account), the
 * SCPs attached to the root, OUs and accounts, and the OIDC providers. Built from recorded resources
 * generically, by resource type, so it covers whatever the capabilities create.
 */

/** The organization as stack config describes it. */
export interface OrgFacts {
  readonly organizationId: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  readonly accounts: readonly { readonly name: string; readonly id: string; readonly ou: string }[];
  readonly organizationalUnits: readonly { readonly name: string; readonly id: string }[];
}

export interface ModelRole {
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  readonly trust: PolicyDocument | undefined;
  readonly identityPolicies: NamedPolicy[];
  /** Attached policies whose documents are not known (AWS managed ones outside the table, or outside the program). */
  readonly unmodelled: string[];
  readonly permissionsBoundary?: NamedPolicy;
  /** Set when a boundary ARN is given but its document is not known. */
  readonly unmodelledBoundary?: string;
  /** Resource URN, or `stackset:<name>`. */
  readonly source: string;
}

export interface ScpAttachment {
  /** Root, OU or account ID. */
  readonly targetId: string;
  readonly policy: NamedPolicy;
}

export interface IamModel {
  readonly org: OrgFacts;
  readonly roles: ModelRole[];
  readonly scps: ScpAttachment[];
  /** SCP attachments whose policy is not created by this stack (not evaluated). */
  readonly unknownScps: { readonly targetId: string; readonly policyId: string }[];
  readonly oidcProviders: { readonly account: string; readonly arn: string; readonly host: string }[];
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ORG_POLICY = "aws:organizations/policy:Policy";
const ORG_ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";
const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";

export function buildModel(resources: readonly RecordedResource[], org: OrgFacts): IamModel {
  const customerPolicies = new Map<string, NamedPolicy>();
  for (const r of resources.filter((x) => x.type === POLICY && x.account !== undefined)) {
    const name = str(r.inputs.name) ?? r.name;
    const doc = parseDocument(r.inputs.policy);
    const arn = `arn:aws:iam::${r.account}:policy${str(r.inputs.path) ?? "/"}${name}`;
    if (doc !== undefined) customerPolicies.set(arn, { name, policy: doc });
  }
  // Policies StackSets create in the accounts they reach (a boundary rolled out by StackSet).
  for (const [arn, policy] of stackSetPolicies(resources, org)) {
    if (!customerPolicies.has(arn)) customerPolicies.set(arn, policy);
  }

  /** A policy ARN's document: from the program, from the AWS managed table, or unknown. */
  const resolvePolicy = (arn: string): NamedPolicy | null | undefined => {
    const own = customerPolicies.get(arn);
    if (own !== undefined) return own;
    if (isAwsManagedPolicyArn(arn)) {
      const doc = awsManagedPolicyDocument(arn);
      return doc === null
        ? null
        : doc === undefined
          ? undefined
          : { name: awsManagedPolicyName(arn), policy: doc };
    }
    return undefined;
  };

  // A role's inline policies and attachments, by account and role name: one pass over the resources
  // instead of one per role (a thousand-account stack has thousands of each).
  const byRole = new Map<string, { inline: RecordedResource[]; attached: RecordedResource[] }>();
  for (const x of resources) {
    if ((x.type !== ROLE_POLICY && x.type !== ATTACHMENT) || x.account === undefined) continue;
    const key = `${x.account}/${str(x.inputs.role) ?? ""}`;
    let entry = byRole.get(key);
    if (entry === undefined) {
      entry = { inline: [], attached: [] };
      byRole.set(key, entry);
    }
    (x.type === ROLE_POLICY ? entry.inline : entry.attached).push(x);
  }

  const roles: ModelRole[] = [];
  for (const r of resources.filter((x) => x.type === ROLE && x.account !== undefined)) {
    const account = r.account as string;
    const name = str(r.inputs.name) ?? r.name;
    const identityPolicies: NamedPolicy[] = [];
    const unmodelled: string[] = [];
    const own = byRole.get(`${account}/${name}`);
    for (const p of own?.inline ?? []) {
      const doc = parseDocument(p.inputs.policy);
      if (doc !== undefined) identityPolicies.push({ name: str(p.inputs.name) ?? p.name, policy: doc });
    }
    for (const a of own?.attached ?? []) {
      const arn = str(a.inputs.policyArn) ?? "";
      const resolved = resolvePolicy(arn);
      if (resolved === undefined) unmodelled.push(arn);
      else if (resolved !== null) identityPolicies.push(resolved);
    }
    const boundaryArn = str(r.inputs.permissionsBoundary);
    const boundary = boundaryArn === undefined ? undefined : resolvePolicy(boundaryArn);
    roles.push({
      account,
      name,
      arn: `arn:aws:iam::${account}:role${str(r.inputs.path) ?? "/"}${name}`,
      trust: parseDocument(r.inputs.assumeRolePolicy),
      identityPolicies,
      unmodelled,
      // A known AWS managed boundary that grants no AssumeRole is an empty boundary: it denies.
      permissionsBoundary:
        boundary === null
          ? { name: awsManagedPolicyName(boundaryArn ?? ""), policy: EMPTY_POLICY }
          : (boundary ?? undefined),
      unmodelledBoundary: boundaryArn !== undefined && boundary === undefined ? boundaryArn : undefined,
      source: r.urn,
    });
  }
  roles.push(...stackSetRoles(resources, org, resolvePolicy));

  const orgPolicies = resources.filter(
    (x) =>
      x.type === ORG_POLICY && (str(x.inputs.type) ?? "SERVICE_CONTROL_POLICY") === "SERVICE_CONTROL_POLICY",
  );
  const scps: ScpAttachment[] = [];
  const unknownScps: { targetId: string; policyId: string }[] = [];
  for (const a of resources.filter((x) => x.type === ORG_ATTACHMENT)) {
    const targetId = str(a.inputs.targetId) ?? "";
    const policyId = str(a.inputs.policyId) ?? "";
    // The attachment refers to the policy by an Output of it, so it depends on the policy's URN.
    const policy =
      orgPolicies.find((p) => a.dependencies.includes(p.urn)) ??
      orgPolicies.find((p) => policyId === `${p.name}-id` || policyId === p.name);
    const doc = policy === undefined ? undefined : parseDocument(policy.inputs.content);
    if (policy === undefined || doc === undefined) {
      if (!orgPolicies.some((p) => p.urn !== undefined && a.dependencies.includes(p.urn))) {
        unknownScps.push({ targetId, policyId });
      }
      continue;
    }
    scps.push({ targetId, policy: { name: str(policy.inputs.name) ?? policy.name, policy: doc } });
  }

  const oidcProviders = resources
    .filter((x) => x.type === OIDC && x.account !== undefined)
    .map((x) => {
      const host = (str(x.inputs.url) ?? "").replace(/^https:\/\//, "").replace(/\/$/, "");
      return { account: x.account as string, host, arn: `arn:aws:iam::${x.account}:oidc-provider/${host}` };
    });

  return { org, roles, scps, unknownScps, oidcProviders };
}

/** Stands in for an AWS managed boundary that grants no STS role assumption. */
export const EMPTY_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "GrantsNoAssumeRole", Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" }],
};

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The account names by ID, for readable reports. */
export function accountName(org: OrgFacts, id: string | undefined): string | undefined {
  return org.accounts.find((a) => a.id === id)?.name;
}
