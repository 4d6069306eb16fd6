import { RecordedResource } from "../mock-runtime";
import { asList, parseDocument, PolicyDocument } from "./documents";
import { awsManagedPolicy, isAwsManagedPolicyArn } from "../../policy-pack/lib/managed-policies";
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
  /** Vendors from `org-access:vendors`: name and AWS principal (account ID or ARN), to show them by name. */
  readonly vendors?: readonly { readonly name: string; readonly principal: string }[];
  /** Identity Center group names by group ID, from `org-access:identityCenter.groups`. */
  readonly identityCenterGroups?: Readonly<Record<string, string>>;
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
  /** `identity-center`: the role Identity Center creates in an account for a permission set. */
  readonly kind?: "iam" | "identity-center";
  /** MaxSessionDuration (or the permission set's session duration), in seconds. */
  readonly maxSessionSeconds?: number;
  /** The role's tags: `aws:ResourceTag/<key>` when something acts on the role. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An IAM user the program creates, with its own and its groups' policies. */
export interface ModelUser {
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  readonly identityPolicies: NamedPolicy[];
  readonly unmodelled: string[];
  readonly permissionsBoundary?: NamedPolicy;
  readonly source: string;
}

/** An Organizations policy (SCP, RCP, ...) attached to a root, OU or account. */
export interface OrgPolicyAttachment {
  /** `SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`, ... as `aws.organizations.Policy` types it. */
  readonly type: string;
  readonly targetId: string;
  readonly policy: NamedPolicy;
}

/** One Identity Center account assignment: a group (or user) gets a permission set's role in an account. */
export interface ModelAssignment {
  readonly principalType: string;
  readonly principalId: string;
  /** The group's name when config names it, else its ID. */
  readonly principalName: string;
  readonly permissionSet: string;
  readonly account: string;
  /** ARN of the role the assignment gives (see {@link ModelRole} with kind `identity-center`). */
  readonly roleArn: string;
  readonly source: string;
}

/** A resource policy on an S3 bucket or a KMS key. */
export interface ModelResourcePolicy {
  readonly kind: "bucket" | "key";
  /** Bucket ARN (`arn:aws:s3:::name`) or key ARN. */
  readonly arn: string;
  readonly account: string;
  /** Bucket name or key alias names, to find it from an expectation. */
  readonly names: string[];
  readonly policy: PolicyDocument;
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
  readonly users?: ModelUser[];
  /** Every Organizations policy attachment, by policy type (SCPs are also in `scps`). */
  readonly orgPolicies?: OrgPolicyAttachment[];
  readonly scps: ScpAttachment[];
  readonly assignments?: ModelAssignment[];
  readonly resourcePolicies?: ModelResourcePolicy[];
  /** SCP attachments whose policy is not created by this stack (not evaluated). */
  readonly unknownScps: { readonly targetId: string; readonly policyId: string }[];
  readonly oidcProviders: { readonly account: string; readonly arn: string; readonly host: string }[];
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const USER = "aws:iam/user:User";
const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy";
const GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
const GROUP_MEMBERSHIP = "aws:iam/groupMembership:GroupMembership";
const USER_GROUPS = "aws:iam/userGroupMembership:UserGroupMembership";
const ORG_POLICY = "aws:organizations/policy:Policy";
const ORG_ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";
const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet";
const PS_MANAGED = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment";
const PS_CUSTOMER = "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment";
const PS_INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy";
const PS_BOUNDARY = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment";
const ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const KMS_KEY = "aws:kms/key:Key";
const KMS_ALIAS = "aws:kms/alias:Alias";

type Resolve = (arn: string) => NamedPolicy | null | undefined;

export function buildModel(resources: readonly RecordedResource[], org: OrgFacts): IamModel {
  const byType = new Map<string, RecordedResource[]>();
  for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const of = (type: string) => byType.get(type) ?? [];

  const customerPolicies = new Map<string, NamedPolicy>();
  for (const r of of(POLICY).filter((x) => x.account !== undefined)) {
    const name = str(r.inputs.name) ?? r.name;
    const doc = parseDocument(r.inputs.policy);
    const arn = `arn:aws:iam::${r.account}:policy${str(r.inputs.path) ?? "/"}${name}`;
    if (doc !== undefined) customerPolicies.set(arn, { name, policy: doc });
  }
  // Policies StackSets create in the accounts they reach (a boundary rolled out by StackSet).
  for (const [arn, policy] of stackSetPolicies(resources, org)) {
    if (!customerPolicies.has(arn)) customerPolicies.set(arn, policy);
  }

  /**
   * A policy ARN's document: from the program, an AWS managed policy's current document (the policy
   * pack's data package), or unknown.
   */
  const resolvePolicy: Resolve = (arn) => {
    const own = customerPolicies.get(arn);
    if (own !== undefined) return own;
    if (isAwsManagedPolicyArn(arn)) {
      const managed = awsManagedPolicy(arn);
      return managed === undefined ? undefined : { name: managed.name, policy: managed.document };
    }
    return undefined;
  };

  // Inline policies and attachments by account and role (or user, group) name: one pass over the
  // resources instead of one per identity (a thousand-account stack has thousands of each).
  const grouped = new Map<string, { inline: RecordedResource[]; attached: RecordedResource[] }>();
  const groupBy = (types: [string, string], nameKey: string, prefix: string) => {
    for (const type of types) {
      for (const x of of(type)) {
        if (x.account === undefined) continue;
        const key = `${prefix}:${x.account}/${str(x.inputs[nameKey]) ?? ""}`;
        let entry = grouped.get(key);
        if (entry === undefined) {
          entry = { inline: [], attached: [] };
          grouped.set(key, entry);
        }
        (type === types[0] ? entry.inline : entry.attached).push(x);
      }
    }
  };
  groupBy([ROLE_POLICY, ATTACHMENT], "role", "role");
  groupBy([USER_POLICY, USER_ATTACHMENT], "user", "user");
  groupBy([GROUP_POLICY, GROUP_ATTACHMENT], "group", "group");
  const policiesOf = (key: string) => {
    const identityPolicies: NamedPolicy[] = [];
    const unmodelled: string[] = [];
    const own = grouped.get(key);
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
    return { identityPolicies, unmodelled };
  };
  const boundaryOf = (boundaryArn: string | undefined) => {
    const boundary = boundaryArn === undefined ? undefined : resolvePolicy(boundaryArn);
    return {
      permissionsBoundary: boundary ?? undefined,
      unmodelledBoundary: boundaryArn !== undefined && boundary === undefined ? boundaryArn : undefined,
    };
  };

  const roles: ModelRole[] = [];
  for (const r of of(ROLE).filter((x) => x.account !== undefined)) {
    const account = r.account as string;
    const name = str(r.inputs.name) ?? r.name;
    const maxSession = Number(r.inputs.maxSessionDuration ?? 3600);
    roles.push({
      account,
      name,
      arn: `arn:aws:iam::${account}:role${str(r.inputs.path) ?? "/"}${name}`,
      trust: parseDocument(r.inputs.assumeRolePolicy),
      ...policiesOf(`role:${account}/${name}`),
      ...boundaryOf(str(r.inputs.permissionsBoundary)),
      source: r.urn,
      kind: "iam",
      maxSessionSeconds: Number.isFinite(maxSession) ? maxSession : 3600,
      tags: stringRecord(r.inputs.tags),
    });
  }
  roles.push(...stackSetRoles(resources, org, resolvePolicy));

  const users = modelUsers(of, policiesOf, boundaryOf);
  const { assignments, ssoRoles } = identityCenter(of, org, customerPolicies, resolvePolicy);
  roles.push(...ssoRoles);

  const orgPolicyResources = of(ORG_POLICY);
  const orgPolicies: OrgPolicyAttachment[] = [];
  const unknownScps: { targetId: string; policyId: string }[] = [];
  for (const a of of(ORG_ATTACHMENT)) {
    const targetId = str(a.inputs.targetId) ?? "";
    const policyId = str(a.inputs.policyId) ?? "";
    // The attachment refers to the policy by an Output of it, so it depends on the policy's URN.
    const policy =
      orgPolicyResources.find((p) => a.dependencies.includes(p.urn)) ??
      orgPolicyResources.find((p) => policyId === `${p.name}-id` || policyId === p.name);
    const doc = policy === undefined ? undefined : parseDocument(policy.inputs.content);
    if (policy === undefined || doc === undefined) {
      if (policy === undefined) unknownScps.push({ targetId, policyId });
      continue;
    }
    orgPolicies.push({
      type: str(policy.inputs.type) ?? "SERVICE_CONTROL_POLICY",
      targetId,
      policy: { name: str(policy.inputs.name) ?? policy.name, policy: doc },
    });
  }
  const scps: ScpAttachment[] = orgPolicies
    .filter((p) => p.type === "SERVICE_CONTROL_POLICY")
    .map(({ targetId, policy }) => ({ targetId, policy }));

  const oidcProviders = of(OIDC)
    .filter((x) => x.account !== undefined)
    .map((x) => {
      const host = (str(x.inputs.url) ?? "").replace(/^https:\/\//, "").replace(/\/$/, "");
      return { account: x.account as string, host, arn: `arn:aws:iam::${x.account}:oidc-provider/${host}` };
    });

  return {
    org,
    roles,
    users,
    orgPolicies,
    scps,
    assignments,
    resourcePolicies: resourcePolicies(of),
    unknownScps,
    oidcProviders,
  };
}

function modelUsers(
  of: (type: string) => RecordedResource[],
  policiesOf: (key: string) => { identityPolicies: NamedPolicy[]; unmodelled: string[] },
  boundaryOf: (arn: string | undefined) => { permissionsBoundary?: NamedPolicy },
): ModelUser[] {
  // Group members, from either membership resource.
  const groupsOf = new Map<string, Set<string>>();
  const join = (account: string, user: string, group: string) => {
    const key = `${account}/${user}`;
    groupsOf.set(key, (groupsOf.get(key) ?? new Set()).add(group));
  };
  for (const m of of(GROUP_MEMBERSHIP)) {
    for (const user of asList(m.inputs.users)) join(m.account ?? "", user, str(m.inputs.group) ?? "");
  }
  for (const m of of(USER_GROUPS)) {
    for (const group of asList(m.inputs.groups)) join(m.account ?? "", str(m.inputs.user) ?? "", group);
  }
  return of(USER)
    .filter((x) => x.account !== undefined)
    .map((u) => {
      const account = u.account as string;
      const name = str(u.inputs.name) ?? u.name;
      const own = policiesOf(`user:${account}/${name}`);
      for (const group of groupsOf.get(`${account}/${name}`) ?? []) {
        const viaGroup = policiesOf(`group:${account}/${group}`);
        own.identityPolicies.push(...viaGroup.identityPolicies);
        own.unmodelled.push(...viaGroup.unmodelled);
      }
      return {
        account,
        name,
        arn: `arn:aws:iam::${account}:user${str(u.inputs.path) ?? "/"}${name}`,
        ...own,
        permissionsBoundary: boundaryOf(str(u.inputs.permissionsBoundary)).permissionsBoundary,
        source: u.urn,
      };
    });
}

/**
 * Identity Center: each permission set assigned in an account is a role there
 * (`AWSReservedSSO_<set>_<suffix>` under `/aws-reserved/sso.amazonaws.com/`) whose policies are the
 * set's AWS managed, customer managed (resolved in that account) and inline policies and whose
 * boundary is the set's. The suffix is random in AWS; the plan derives a stable one.
 */
function identityCenter(
  of: (type: string) => RecordedResource[],
  org: OrgFacts,
  customerPolicies: Map<string, NamedPolicy>,
  resolvePolicy: Resolve,
): { assignments: ModelAssignment[]; ssoRoles: ModelRole[] } {
  const sets = of(PERMISSION_SET);
  /** The permission set a resource refers to: by dependency, else by the ARN the mocks give it. */
  const setOf = (r: RecordedResource) =>
    sets.find((p) => r.dependencies.includes(p.urn)) ??
    sets.find((p) => str(r.inputs.permissionSetArn)?.endsWith(`/ps-${p.name}`));
  const parts = new Map<
    string,
    {
      managed: string[];
      customer: { name: string; path: string }[];
      inline: RecordedResource[];
      boundary?: unknown;
    }
  >();
  const partsOf = (r: RecordedResource) => {
    const set = setOf(r);
    if (set === undefined) return undefined;
    let entry = parts.get(set.urn);
    if (entry === undefined) {
      entry = { managed: [], customer: [], inline: [] };
      parts.set(set.urn, entry);
    }
    return entry;
  };
  for (const r of of(PS_MANAGED)) partsOf(r)?.managed.push(str(r.inputs.managedPolicyArn) ?? "");
  for (const r of of(PS_CUSTOMER)) {
    const ref = (r.inputs.customerManagedPolicyReference ?? {}) as Record<string, unknown>;
    partsOf(r)?.customer.push({ name: str(ref.name) ?? "", path: str(ref.path) ?? "/" });
  }
  for (const r of of(PS_INLINE)) partsOf(r)?.inline.push(r);
  for (const r of of(PS_BOUNDARY)) {
    const entry = partsOf(r);
    if (entry !== undefined) entry.boundary = r.inputs.permissionsBoundary;
  }

  const assignments: ModelAssignment[] = [];
  const ssoRoles = new Map<string, ModelRole>();
  for (const a of of(ASSIGNMENT)) {
    const set = setOf(a);
    const account = str(a.inputs.targetId);
    if (set === undefined || account === undefined) continue;
    const setName = str(set.inputs.name) ?? set.name;
    const roleName = `AWSReservedSSO_${setName}_${stableSuffix(`${str(set.inputs.instanceArn) ?? ""}/${setName}`)}`;
    const arn = `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${roleName}`;
    const principalId = str(a.inputs.principalId) ?? "";
    assignments.push({
      principalType: str(a.inputs.principalType) ?? "GROUP",
      principalId,
      principalName: org.identityCenterGroups?.[principalId] ?? principalId,
      permissionSet: setName,
      account,
      roleArn: arn,
      source: a.urn,
    });
    if (ssoRoles.has(arn)) continue;
    const p = parts.get(set.urn) ?? { managed: [], customer: [], inline: [] };
    const identityPolicies: NamedPolicy[] = [];
    const unmodelled: string[] = [];
    const add = (policyArn: string) => {
      const resolved = resolvePolicy(policyArn);
      if (resolved === undefined) unmodelled.push(policyArn);
      else if (resolved !== null) identityPolicies.push(resolved);
    };
    p.managed.forEach(add);
    for (const c of p.customer) add(`arn:aws:iam::${account}:policy${c.path}${c.name}`);
    for (const i of p.inline) {
      const doc = parseDocument(i.inputs.inlinePolicy);
      if (doc !== undefined) identityPolicies.push({ name: `${setName}-inline`, policy: doc });
    }
    let permissionsBoundary: NamedPolicy | undefined;
    let unmodelledBoundary: string | undefined;
    if (p.boundary !== undefined && p.boundary !== null && typeof p.boundary === "object") {
      const b = p.boundary as Record<string, unknown>;
      const ref = (b.customerManagedPolicyReference ?? undefined) as Record<string, unknown> | undefined;
      const boundaryArn =
        str(b.managedPolicyArn) ??
        (ref === undefined
          ? undefined
          : `arn:aws:iam::${account}:policy${str(ref.path) ?? "/"}${str(ref.name) ?? ""}`);
      const resolved =
        boundaryArn === undefined
          ? undefined
          : (customerPolicies.get(boundaryArn) ?? resolvePolicy(boundaryArn));
      if (resolved === undefined || resolved === null) unmodelledBoundary = boundaryArn;
      else permissionsBoundary = resolved;
    }
    ssoRoles.set(arn, {
      account,
      name: roleName,
      arn,
      trust: identityCenterTrust(account),
      identityPolicies,
      unmodelled,
      permissionsBoundary,
      unmodelledBoundary,
      source: set.urn,
      kind: "identity-center",
      maxSessionSeconds: isoSeconds(str(set.inputs.sessionDuration)) ?? 3600,
      tags: stringRecord(set.inputs.tags),
    });
  }
  return { assignments, ssoRoles: [...ssoRoles.values()] };
}

/** The trust AWS gives an Identity Center role: the account's Identity Center SAML provider. */
function identityCenterTrust(account: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: {
          Federated: `arn:aws:iam::${account}:saml-provider/AWSSSO_identity-center_DO_NOT_DELETE`,
        },
        Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
      },
    ],
  };
}

function resourcePolicies(of: (type: string) => RecordedResource[]): ModelResourcePolicy[] {
  const out: ModelResourcePolicy[] = [];
  const buckets = [...of(BUCKET), ...of(BUCKET_V2)];
  for (const p of of(BUCKET_POLICY)) {
    const doc = parseDocument(p.inputs.policy);
    if (doc === undefined || p.account === undefined) continue;
    const bucket = buckets.find((b) => p.dependencies.includes(b.urn));
    const name = str(bucket?.inputs.bucket) ?? str(p.inputs.bucket) ?? "";
    out.push({
      kind: "bucket",
      arn: `arn:aws:s3:::${name}`,
      account: p.account,
      names: [name],
      policy: doc,
      source: p.urn,
    });
  }
  const aliases = of(KMS_ALIAS);
  for (const k of of(KMS_KEY)) {
    const doc = parseDocument(k.inputs.policy);
    if (doc === undefined || k.account === undefined) continue;
    // The key ID is the mocked runtime's (`<resource name>-id`), as the program's own references see it.
    const arn = `arn:aws:kms:us-east-1:${k.account}:key/${k.name}-id`;
    const names = aliases
      .filter((a) => a.dependencies.includes(k.urn))
      .map((a) => str(a.inputs.name) ?? "")
      .filter((n) => n !== "");
    out.push({ kind: "key", arn, account: k.account, names, policy: doc, source: k.urn });
  }
  return out;
}

/** Seconds of an ISO 8601 duration such as `PT4H` or `PT1H30M`. */
function isoSeconds(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(text);
  if (m === null) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

function stableSuffix(text: string): string {
  let h = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return (h.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0")).slice(0, 16);
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter(
    (e): e is [string, string] => typeof e[1] === "string",
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The account names by ID, for readable reports. */
export function accountName(org: OrgFacts, id: string | undefined): string | undefined {
  return org.accounts.find((a) => a.id === id)?.name;
}
