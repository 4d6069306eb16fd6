import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { principalArnTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export const TARGET_TRUST_SID = "TrustDelegatedAdminSourceRoles";

/**
 * The target role's trust: only the named source role(s) of the delegated-admin account, and only
 * while they belong to the organization. Shared by the per-account role and the StackSet template.
 * The source roles are the security stack's: the management stack's copies name them by
 * `aws:PrincipalArn`, so they can be created before the security stack runs.
 */
export function targetRoleTrust(sourceRoleArns: readonly string[], organizationId: string): PolicyDocument {
  return principalArnTrust({ sid: TARGET_TRUST_SID, roleArns: sourceRoleArns, organizationId });
}

export interface TargetRoleArgs {
  /** The role's name, the same in every account (default `SecurityAccessRole`). */
  readonly roleName: string;
  /** ARNs of the source role(s) in the delegated-admin account that may assume it. */
  readonly sourceRoleArns: readonly string[];
  /** The organization the source roles must belong to. */
  readonly organizationId: string;
  /** AWS managed policy names or ARNs (default `SecurityAudit`). */
  readonly managedPolicies: readonly string[];
  /** Permissions boundary for the role in this account. */
  readonly permissionsBoundary?: pulumi.Input<string>;
}

/**
 * A `SecurityAccessRole` target in one member or payer account, created through that account's
 * provider: read-only security visibility for the delegated-admin source role(s).
 */
export class TargetRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: TargetRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:security-access:TargetRole", name, {}, opts);
    requireExplicitProvider(this, "TargetRole", name, opts, "the target account's");
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: "Read-only security access for the delegated-admin account (org-access)",
        trustPolicy: targetRoleTrust(args.sourceRoleArns, args.organizationId),
        managedPolicies: args.managedPolicies,
        permissionsBoundary: args.permissionsBoundary,
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
