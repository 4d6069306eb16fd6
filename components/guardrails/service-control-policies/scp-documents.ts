import { Conditions, policyDocument, PolicyDocument, PolicyStatement } from "../../iam/documents";
import {
  GLOBAL_SERVICE_ACTIONS,
  LONG_LIVED_CREDENTIAL_ACTIONS,
  ROLE_CHANGE_ACTIONS,
} from "../../iam/actions";
import { policySize } from "../organization-policy";

/**
 * Service control policy statements as small named builders. SCPs only filter: each statement here
 * is a Deny, and the accounts keep AWS's `FullAWSAccess` so their IAM policies still decide the rest.
 */

/** Organizations refuses SCP documents longer than this many characters. */
export const SCP_MAX_CHARACTERS = 5120;

/** The guardrail presets a config entry of `org-access:guardrails.scps` can combine. */
export const SCP_PRESETS = [
  "deny-iam-users",
  "deny-leave-organization",
  "deny-root-user",
  "region-allow-list",
  "protect-managed-roles",
] as const;
export type ScpPreset = (typeof SCP_PRESETS)[number];

/** `ArnNotLike aws:PrincipalArn`: the statement does not apply to these principals. */
function unlessPrincipal(principalArns: readonly string[]): Conditions | undefined {
  return principalArns.length === 0
    ? undefined
    : {
        ArnNotLike: {
          "aws:PrincipalArn": principalArns.length === 1 ? principalArns[0] : [...principalArns],
        },
      };
}

function withCondition(statement: PolicyStatement, condition: Conditions | undefined): PolicyStatement {
  return condition === undefined ? statement : { ...statement, Condition: condition };
}

/** No IAM users or access keys in member accounts: people use Identity Center, automation uses roles. */
export function denyIamUsersStatement(exemptPrincipalArns: readonly string[] = []): PolicyStatement {
  return withCondition(
    {
      Sid: "DenyIAMUserAndAccessKeys",
      Effect: "Deny",
      Action: [...LONG_LIVED_CREDENTIAL_ACTIONS],
      Resource: "*",
    },
    unlessPrincipal(exemptPrincipalArns),
  );
}

/** A member account cannot take itself, and its guardrails, out of the organization. */
export function denyLeaveOrganizationStatement(): PolicyStatement {
  return {
    Sid: "DenyLeavingOrganization",
    Effect: "Deny",
    Action: "organizations:LeaveOrganization",
    Resource: "*",
  };
}

/**
 * The root user of a member account can do nothing: its credentials should never be in use. A
 * privileged root session that the management account opens with `sts:AssumeRoot` (centralized root
 * access, `org-access:guardrails.rootAccess`) carries `aws:AssumedRoot` and stays usable, or nobody
 * could remove a member's root credentials or unlock a bucket policy that locks everyone out. That
 * session can only do what the AWS task policy it was opened with allows. Statement from
 * aws-samples/service-control-policy-examples (35a50b0, Privileged-access-controls/
 * Prevent-root-credentials-management-in-member-accounts-in-AWS-Organizations.json).
 */
export function denyRootUserStatement(): PolicyStatement {
  return {
    Sid: "DenyRootUser",
    Effect: "Deny",
    Action: "*",
    Resource: "*",
    Condition: {
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
      Null: { "aws:AssumedRoot": "true" },
    },
  };
}

/** Regional calls outside the allowed regions are denied; global services stay reachable. */
export function regionAllowListStatement(
  regions: readonly string[],
  exemptPrincipalArns: readonly string[] = [],
): PolicyStatement {
  if (regions.length === 0) throw new Error("org-access: a region allow-list needs at least one region");
  return {
    Sid: "DenyOutsideAllowedRegions",
    Effect: "Deny",
    NotAction: [...GLOBAL_SERVICE_ACTIONS],
    Resource: "*",
    Condition: {
      StringNotEquals: { "aws:RequestedRegion": [...regions] },
      ...unlessPrincipal(exemptPrincipalArns),
    },
  };
}

/**
 * The roles this program rolls out cannot be changed by hand: only the principals that deploy them
 * (the providers' role, the StackSet execution roles, the pipeline) may touch them, so drift only
 * ever comes from a reviewed change.
 */
export function protectManagedRolesStatement(
  roleNames: readonly string[],
  deployingPrincipalArns: readonly string[],
): PolicyStatement {
  if (roleNames.length === 0) throw new Error("org-access: role protection needs at least one role name");
  if (deployingPrincipalArns.length === 0)
    throw new Error("org-access: role protection needs the deploying principals, or nothing could deploy");
  return {
    Sid: "DenyChangesToManagedRoles",
    Effect: "Deny",
    Action: [...ROLE_CHANGE_ACTIONS],
    Resource: [...new Set(roleNames)].sort().map((name) => `arn:aws:iam::*:role/${name}`),
    Condition: unlessPrincipal(deployingPrincipalArns),
  };
}

/** What a config entry's presets need besides their names. */
export interface ScpPresetOptions {
  /** Regions the region allow-list keeps open. */
  readonly allowedRegions?: readonly string[];
  /** Principals (ARN patterns) the deny-iam-users and region statements leave alone, e.g. break-glass. */
  readonly exemptPrincipalArns?: readonly string[];
  /** Role names the role-protection statement covers. */
  readonly protectedRoleNames?: readonly string[];
  /** Principals (ARN patterns) that may still change the protected roles. */
  readonly deployingPrincipalArns?: readonly string[];
}

/** The statement of one preset. */
export function presetStatement(preset: ScpPreset, options: ScpPresetOptions): PolicyStatement {
  const exempt = options.exemptPrincipalArns ?? [];
  switch (preset) {
    case "deny-iam-users":
      return denyIamUsersStatement(exempt);
    case "deny-leave-organization":
      return denyLeaveOrganizationStatement();
    case "deny-root-user":
      return denyRootUserStatement();
    case "region-allow-list":
      return regionAllowListStatement(options.allowedRegions ?? [], exempt);
    case "protect-managed-roles":
      return protectManagedRolesStatement(
        options.protectedRoleNames ?? [],
        options.deployingPrincipalArns ?? [],
      );
  }
}

/** One SCP document from presets and extra (custom) statements, in that order. */
export function scpDocument(
  presets: readonly ScpPreset[],
  options: ScpPresetOptions,
  extraStatements: readonly PolicyStatement[] = [],
): PolicyDocument {
  const statements = [...presets.map((p) => presetStatement(p, options)), ...extraStatements];
  if (statements.length === 0) throw new Error("org-access: an SCP needs at least one statement");
  return policyDocument(statements);
}

/** The size Organizations counts: the document as this program sends it (compact JSON). */
export const scpSize = policySize;
