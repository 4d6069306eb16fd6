import { PolicyConfigSchema } from "@pulumi/policy";
import { ACCOUNT_ID } from "./accounts";

/**
 * Policy config shared by every rule. Org facts use the same property names in every policy that
 * needs them, so one `--policy-pack-config` file (or one Pulumi Cloud policy group) can state them
 * once per policy with the same shape. Every value has a default applied here too, because a unit
 * test or an in-process run gets `{}` from `getConfig()` where the Pulumi CLI would send defaults.
 */

export interface PackConfig {
  readonly organizationId?: string;
  readonly managementAccountId?: string;
  readonly organizationAccountIds: readonly string[];
  readonly organizationAccessRoleName: string;
  readonly maxTrustPolicyLength: number;
  readonly allowedAdminRoleNames: readonly string[];
  readonly allowedIamUsers: readonly string[];
  readonly allowOrgWideGithubSubjects: boolean | readonly string[];
  readonly maxSessionDurationSeconds: number;
  readonly exemptServicePrincipals: readonly string[];
  readonly workloadAccountIds: readonly string[];
  readonly boundaryExemptRoleNames: readonly string[];
  readonly deployingPrincipalArns: readonly string[];
  /** Values of CloudFormation exports (`Fn::ImportValue`), by export name. */
  readonly cloudFormationImports: Readonly<Record<string, string>>;
}

export const DEFAULT_EXEMPT_SERVICE_PRINCIPALS = [
  "ec2.amazonaws.com",
  "lambda.amazonaws.com",
  "edgelambda.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "eks.amazonaws.com",
  "eks-fargate-pods.amazonaws.com",
  "pods.eks.amazonaws.com",
  "batch.amazonaws.com",
];

export const DEFAULTS: PackConfig = {
  organizationAccountIds: [],
  organizationAccessRoleName: "OrganizationAccountAccessRole",
  maxTrustPolicyLength: 2048,
  allowedAdminRoleNames: [],
  allowedIamUsers: [],
  allowOrgWideGithubSubjects: false,
  maxSessionDurationSeconds: 3600,
  exemptServicePrincipals: DEFAULT_EXEMPT_SERVICE_PRINCIPALS,
  workloadAccountIds: [],
  boundaryExemptRoleNames: [],
  deployingPrincipalArns: [],
  cloudFormationImports: {},
};

const accountIdSchema = { type: "string", pattern: ACCOUNT_ID.source } as const;

/** JSON schema of every config property; each policy's `configSchema` picks the ones it reads. */
export const CONFIG_PROPERTIES = {
  organizationId: {
    type: "string",
    pattern: "^o-[a-z0-9]{10,32}$",
    description: "ID of the AWS Organization (o-...), the value aws:PrincipalOrgID conditions must carry.",
  },
  managementAccountId: {
    ...accountIdSchema,
    description: "The organization's management account: the one principal a member access role may trust.",
  },
  organizationAccountIds: {
    type: "array",
    items: accountIdSchema,
    default: [],
    description: "Every account of the organization; principals elsewhere are external.",
  },
  organizationAccessRoleName: {
    type: "string",
    default: DEFAULTS.organizationAccessRoleName,
    description: "Name of the organization access role that may trust the management account root.",
  },
  maxTrustPolicyLength: {
    type: "integer",
    minimum: 1,
    maximum: 4096,
    default: DEFAULTS.maxTrustPolicyLength,
    description: "Largest trust policy, in non-whitespace characters (the account's IAM quota).",
  },
  allowedAdminRoleNames: {
    type: "array",
    items: { type: "string" },
    default: [],
    description:
      "Roles that may hold administrator rights while trusting another account (justified exceptions).",
  },
  allowedIamUsers: {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "IAM user names allowed to exist with keys or passwords (break-glass users).",
  },
  allowOrgWideGithubSubjects: {
    type: ["boolean", "array"],
    items: { type: "string" },
    default: false,
    description: "true, or GitHub organizations whose every repository a role may trust (repo:ORG/*).",
  },
  maxSessionDurationSeconds: {
    type: "integer",
    minimum: 900,
    maximum: 43200,
    default: DEFAULTS.maxSessionDurationSeconds,
    description: "Longest MaxSessionDuration a role may have without a finding.",
  },
  exemptServicePrincipals: {
    type: "array",
    items: { type: "string" },
    default: DEFAULT_EXEMPT_SERVICE_PRINCIPALS,
    description: "Service principals that need no aws:SourceAccount/aws:SourceArn condition.",
  },
  workloadAccountIds: {
    type: "array",
    items: accountIdSchema,
    default: [],
    description: "Workload accounts, where custom roles need a permissions boundary.",
  },
  boundaryExemptRoleNames: {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "Roles in workload accounts that need no permissions boundary.",
  },
  deployingPrincipalArns: {
    type: "array",
    items: { type: "string" },
    default: [],
    description:
      "Principals (ARNs, `*` for any account) that deploy into member accounts besides the organization access role and the StackSet roles, e.g. the pipeline's deploy roles; SCPs and RCPs must not lock them out.",
  },
  cloudFormationImports: {
    type: "object",
    additionalProperties: { type: "string" },
    description:
      "Values of CloudFormation exports by export name, so a template's Fn::ImportValue can be checked (unset: the value is unknown and never taken as safe).",
  },
} as const;

export type ConfigKey = keyof typeof CONFIG_PROPERTIES;

export const ORG_FACTS: ConfigKey[] = [
  "organizationId",
  "managementAccountId",
  "organizationAccountIds",
  "cloudFormationImports",
];

/** A policy's `configSchema` from the keys it reads. */
export function configSchema(...keys: ConfigKey[]): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = {};
  for (const key of keys)
    properties[key] = CONFIG_PROPERTIES[key] as PolicyConfigSchema["properties"][string];
  return { properties };
}

/**
 * Config lists already seen to hold only strings. Every rule reads its config once per resource and
 * the runtime hands over the same arrays each time, so an organization's 1,000 account IDs are
 * checked once, not once per resource and rule.
 */
const stringLists = new WeakSet<readonly unknown[]>();

function stringList(value: unknown, fallback: readonly string[]): readonly string[] {
  if (!Array.isArray(value)) return fallback;
  if (stringLists.has(value)) return value as string[];
  if (!value.every((v) => typeof v === "string")) return fallback;
  stringLists.add(value);
  return value as string[];
}

/** A map of strings; anything else (or a non-string value) counts as not given. */
function stringRecord(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return DEFAULTS.cloudFormationImports;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === "string")
    ? (value as Record<string, string>)
    : Object.fromEntries(entries.filter(([, v]) => typeof v === "string") as [string, string][]);
}

function integer(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** Reads a policy's config with defaults; a value of the wrong type falls back to its default. */
export function readConfig(raw: unknown): PackConfig {
  const c = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  const orgWide = c.allowOrgWideGithubSubjects;
  return {
    organizationId: text(c.organizationId),
    managementAccountId: text(c.managementAccountId),
    organizationAccountIds: stringList(c.organizationAccountIds, DEFAULTS.organizationAccountIds),
    organizationAccessRoleName: text(c.organizationAccessRoleName) ?? DEFAULTS.organizationAccessRoleName,
    maxTrustPolicyLength: integer(c.maxTrustPolicyLength, DEFAULTS.maxTrustPolicyLength),
    allowedAdminRoleNames: stringList(c.allowedAdminRoleNames, DEFAULTS.allowedAdminRoleNames),
    allowedIamUsers: stringList(c.allowedIamUsers, DEFAULTS.allowedIamUsers),
    allowOrgWideGithubSubjects:
      typeof orgWide === "boolean"
        ? orgWide
        : stringList(orgWide, [] as string[]).length > 0
          ? stringList(orgWide, [])
          : DEFAULTS.allowOrgWideGithubSubjects,
    maxSessionDurationSeconds: integer(c.maxSessionDurationSeconds, DEFAULTS.maxSessionDurationSeconds),
    exemptServicePrincipals: stringList(c.exemptServicePrincipals, DEFAULTS.exemptServicePrincipals),
    workloadAccountIds: stringList(c.workloadAccountIds, DEFAULTS.workloadAccountIds),
    boundaryExemptRoleNames: stringList(c.boundaryExemptRoleNames, DEFAULTS.boundaryExemptRoleNames),
    deployingPrincipalArns: stringList(c.deployingPrincipalArns, DEFAULTS.deployingPrincipalArns),
    cloudFormationImports: stringRecord(c.cloudFormationImports),
  };
}

/** Where a principal's account stands relative to the organization. */
export type Membership = "organization" | "external" | "unknown";

export function orgFactsConfigured(cfg: PackConfig): boolean {
  return cfg.organizationAccountIds.length > 0;
}

/** The organization's account IDs as a set, per config list (a lookup per principal, not a scan). */
const accountSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function accountSet(ids: readonly string[]): ReadonlySet<string> {
  let set = accountSets.get(ids);
  if (set === undefined) {
    set = new Set(ids);
    accountSets.set(ids, set);
  }
  return set;
}

export function membershipOf(account: string | undefined, cfg: PackConfig): Membership {
  if (account !== undefined && account === cfg.managementAccountId) return "organization";
  if (account !== undefined && accountSet(cfg.organizationAccountIds).has(account)) return "organization";
  return orgFactsConfigured(cfg) ? "external" : "unknown";
}
