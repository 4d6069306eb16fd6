/**
 * IAM action lists shared by the guardrails: the calls that change a role (what the role-protection
 * SCP and the boundary deny on managed roles) and the calls that mint long-lived credentials.
 */

/** Every call that changes a role's trust, permissions, boundary, tags or existence. */
export const ROLE_CHANGE_ACTIONS: readonly string[] = [
  "iam:AttachRolePolicy",
  "iam:DeleteRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
];

/** IAM users and their keys: the long-lived credentials role-based access replaces. */
export const LONG_LIVED_CREDENTIAL_ACTIONS: readonly string[] = ["iam:CreateUser", "iam:CreateAccessKey"];

/**
 * Services and calls that are global (served from us-east-1 or region-less) and would break under a
 * region allow-list: identity, organization, billing, DNS, CDN, edge security, support and health.
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  "account:*",
  "aws-portal:*",
  "budgets:*",
  "ce:*",
  "cloudfront:*",
  "cur:*",
  "globalaccelerator:*",
  "health:*",
  "iam:*",
  "networkmanager:*",
  "organizations:*",
  "pricing:*",
  "route53:*",
  "route53domains:*",
  "s3:GetAccountPublic*",
  "s3:ListAllMyBuckets",
  "s3:PutAccountPublic*",
  "shield:*",
  "sts:*",
  "support:*",
  "trustedadvisor:*",
  "waf:*",
  "wafv2:*",
];
