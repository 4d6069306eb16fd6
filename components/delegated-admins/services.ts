/**
 * The services this program can hand to a delegated administrator, with the account the project
 * suggests for each (the security team's account for security and identity services, the
 * infrastructure team's for the rest) and how registration and trusted access work for each.
 */

/** Which team's account the project suggests: `security` (sec-ops) or `infrastructure` (infra-ops). */
export type SuggestedAccount = "security" | "infrastructure";

/**
 * How a service is registered:
 * - `delegated-administrator`: `aws.organizations.DelegatedAdministrator`;
 * - a service's own admin-account resource, which also turns on the service's trusted access;
 * - `organizations-delegation-policy`: AWS Organizations policy management is delegated with the
 *   organization's resource-based delegation policy (`aws.organizations.ResourcePolicy`).
 */
export type Registration =
  | "delegated-administrator"
  | "guardduty"
  | "securityhub"
  | "inspector2"
  | "macie2"
  | "detective"
  | "vpc-ipam"
  | "organizations-delegation-policy";

/**
 * How trusted access (the service's integration with AWS Organizations) gets enabled:
 * - `by-registration`: the registration call enables it;
 * - `service-access`: this program creates `aws.organizations.AwsServiceAccess` first;
 * - `prerequisite`: the service enables it itself when set up for the organization (documented step);
 * - `none`: not needed.
 */
export type TrustedAccess = "by-registration" | "service-access" | "prerequisite" | "none";

export interface DelegatedService {
  /** The service principal config names the service by. */
  readonly servicePrincipal: string;
  readonly displayName: string;
  /** What the delegated administrator does there. */
  readonly purpose: string;
  readonly suggestedAccount: SuggestedAccount;
  readonly registration: Registration;
  readonly trustedAccess: TrustedAccess;
  /** Registered per region (the admin account is designated in every region it should cover). */
  readonly regional: boolean;
  /** For `prerequisite`: what has to be done first. */
  readonly prerequisite?: string;
}

export const DELEGATED_SERVICES: readonly DelegatedService[] = [
  {
    servicePrincipal: "sso.amazonaws.com",
    displayName: "IAM Identity Center",
    purpose: "users, permission sets and account assignments",
    suggestedAccount: "security",
    registration: "delegated-administrator",
    trustedAccess: "prerequisite",
    regional: false,
    prerequisite:
      "enable IAM Identity Center's organization instance in the management account first; that turns on its trusted access",
  },
  {
    servicePrincipal: "organizations.amazonaws.com",
    displayName: "AWS Organizations policy management",
    purpose: "SCPs, tag, backup and other organization policies and their attachments",
    suggestedAccount: "security",
    registration: "organizations-delegation-policy",
    trustedAccess: "none",
    regional: false,
  },
  {
    servicePrincipal: "guardduty.amazonaws.com",
    displayName: "Amazon GuardDuty",
    purpose: "threat detection across the organization",
    suggestedAccount: "security",
    registration: "guardduty",
    trustedAccess: "by-registration",
    regional: true,
  },
  {
    servicePrincipal: "securityhub.amazonaws.com",
    displayName: "AWS Security Hub",
    purpose: "security findings and standards across the organization",
    suggestedAccount: "security",
    registration: "securityhub",
    trustedAccess: "by-registration",
    regional: true,
  },
  {
    servicePrincipal: "inspector2.amazonaws.com",
    displayName: "Amazon Inspector",
    purpose: "vulnerability scanning of EC2, ECR images and Lambda",
    suggestedAccount: "security",
    registration: "inspector2",
    trustedAccess: "by-registration",
    regional: true,
  },
  {
    servicePrincipal: "macie.amazonaws.com",
    displayName: "Amazon Macie",
    purpose: "sensitive-data discovery in S3",
    suggestedAccount: "security",
    registration: "macie2",
    trustedAccess: "by-registration",
    regional: true,
  },
  {
    servicePrincipal: "detective.amazonaws.com",
    displayName: "Amazon Detective",
    purpose: "investigation of security findings",
    suggestedAccount: "security",
    registration: "detective",
    trustedAccess: "by-registration",
    regional: true,
  },
  {
    servicePrincipal: "access-analyzer.amazonaws.com",
    displayName: "IAM Access Analyzer",
    purpose: "organization-wide analyzers for external and unused access",
    suggestedAccount: "security",
    registration: "delegated-administrator",
    trustedAccess: "service-access",
    regional: false,
  },
  {
    servicePrincipal: "member.org.stacksets.cloudformation.amazonaws.com",
    displayName: "AWS CloudFormation StackSets",
    purpose: "service-managed StackSets (callAs: DELEGATED_ADMIN), e.g. the SecurityAccessRole rollout",
    suggestedAccount: "security",
    registration: "delegated-administrator",
    trustedAccess: "prerequisite",
    regional: false,
    prerequisite:
      "activate trusted access with AWS Organizations in the CloudFormation StackSets console (or `aws cloudformation activate-organizations-access`) from the management account; the member-role StackSet needs it too",
  },
  {
    servicePrincipal: "reporting.trustedadvisor.amazonaws.com",
    displayName: "AWS Trusted Advisor",
    purpose: "organizational view and recommendations on cost, resilience, performance and security",
    suggestedAccount: "infrastructure",
    registration: "delegated-administrator",
    trustedAccess: "service-access",
    regional: false,
  },
  {
    servicePrincipal: "ipam.amazonaws.com",
    displayName: "Amazon VPC IP Address Manager",
    purpose: "IP address pools and usage (including unused public IPv4)",
    suggestedAccount: "infrastructure",
    registration: "vpc-ipam",
    trustedAccess: "by-registration",
    regional: false,
  },
  {
    servicePrincipal: "cost-optimization-hub.bcm.amazonaws.com",
    displayName: "AWS Cost Optimization Hub",
    purpose: "savings plans, reservations and rightsizing opportunities across the organization",
    suggestedAccount: "infrastructure",
    registration: "delegated-administrator",
    trustedAccess: "service-access",
    regional: false,
  },
  {
    servicePrincipal: "backup.amazonaws.com",
    displayName: "AWS Backup",
    purpose:
      "backup jobs and cross-account monitoring (backup policies: the Organizations delegation policy)",
    suggestedAccount: "infrastructure",
    registration: "delegated-administrator",
    trustedAccess: "service-access",
    regional: false,
  },
];

/** The service with this principal, or undefined. */
export function delegatedService(servicePrincipal: string): DelegatedService | undefined {
  return DELEGATED_SERVICES.find((s) => s.servicePrincipal === servicePrincipal);
}

/** Organization policy types a delegated policy administrator may manage. */
export const ORGANIZATION_POLICY_TYPES = [
  "SERVICE_CONTROL_POLICY",
  "RESOURCE_CONTROL_POLICY",
  "TAG_POLICY",
  "BACKUP_POLICY",
  "AISERVICES_OPT_OUT_POLICY",
  "CHATBOT_POLICY",
  "DECLARATIVE_POLICY_EC2",
] as const;
export type OrganizationPolicyType = (typeof ORGANIZATION_POLICY_TYPES)[number];
