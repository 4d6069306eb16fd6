import * as pulumi from "@pulumi/pulumi";
import { AccessRole } from "../iam/role";
import { sameAccountTrust } from "../iam/trust";
import { roleArn } from "../naming";
import { CallerPolicy } from "./caller-policy";
import { requireExplicitProvider } from "../explicit-provider";

export interface SourceRoleArgs {
  /** The source role's name in the delegated-admin account. */
  readonly roleName: string;
  /** The delegated-admin account's ID; the role trusts principals of this account only. */
  readonly accountId: string;
  /** Role names or ARNs in that account allowed to assume the source role; empty = the account. */
  readonly trustedPrincipals: readonly string[];
  /** Exactly the target role names this team may assume. */
  readonly targetRoleNames: readonly string[];
  /** The organization the targets belong to. */
  readonly organizationId: string;
  /** Name of the caller policy attached to the source role. */
  readonly callerPolicyName: string;
  /** Permissions boundary for the source role. */
  readonly permissionsBoundary?: pulumi.Input<string>;
}

/**
 * A delegated-admin source role: trusted by principals of the security account, allowed to
 * `sts:AssumeRole` only its team's target role names (through the attached caller policy). Security
 * automation runs as this role instead of using management-account credentials.
 */
export class SourceRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly callerPolicy: CallerPolicy;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: SourceRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:security-access:SourceRole", name, {}, opts);
    requireExplicitProvider(this, "SourceRole", name, opts, "the security account's");
    this.callerPolicy = new CallerPolicy(
      `${name}-caller`,
      {
        policyName: args.callerPolicyName,
        roleNames: args.targetRoleNames,
        organizationId: args.organizationId,
        description: `Assume ${args.targetRoleNames.join(", ")} in the organization's accounts (org-access)`,
      },
      { parent: this },
    );
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: `Delegated-admin source role: may assume ${args.targetRoleNames.join(", ")} (org-access)`,
        trustPolicy: sameAccountTrust({
          sid: "TrustDelegatedAdminAccountPrincipals",
          accountId: args.accountId,
          principalArns: args.trustedPrincipals.map((p) => principalArn(args.accountId, p)),
        }),
        attachedPolicies: { "caller-policy": this.callerPolicy.arn },
        permissionsBoundary: args.permissionsBoundary,
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}

/** A role name (optionally with a path) in the account, or an ARN as given. */
export function principalArn(accountId: string, principal: string): string {
  if (principal.startsWith("arn:")) return principal;
  const slash = principal.lastIndexOf("/");
  if (slash < 0) return roleArn(accountId, principal);
  const path = `/${principal.slice(0, slash + 1).replace(/^\/+/, "")}`;
  return roleArn(accountId, principal.slice(slash + 1), path);
}
