import * as pulumi from "@pulumi/pulumi";
import { allowAssumeRolesAtScale, policyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { sameAccountTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export interface AuditAutomationRoleArgs {
  /** The role's IAM name in the security account. */
  readonly roleName: string;
  /** The security account's ID. */
  readonly accountId: string;
  /** Principals of the security account that may start from it; the account itself when empty. */
  readonly trustedPrincipalArns: readonly string[];
  /** The audit read roles of the member accounts: the only roles it may assume. */
  readonly auditRoleArns: readonly string[];
  /** The organization; a list too long for IAM becomes the role names within it. */
  readonly organizationId: string;
  /** Permissions boundary of the security account, if it has one. */
  readonly permissionsBoundary?: pulumi.Input<string>;
}

/**
 * The security account's audit automation role: the start of the audit chain. Principals of its own
 * account assume it; it may assume exactly the audit read roles and nothing else.
 */
export class AuditAutomationRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AuditAutomationRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:audit:AuditAutomationRole", name, {}, opts);
    requireExplicitProvider(this, "AuditAutomationRole", name, opts, "the security account's");
    if (args.auditRoleArns.length === 0) {
      throw new pulumi.ResourceError(
        `\`auditRoleArns\` of \`${name}\` is empty: the automation reaches nothing`,
        this,
      );
    }
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description:
          "Security automation: may only assume the member accounts' audit read roles (org-access)",
        trustPolicy: sameAccountTrust({
          sid: "TrustSecurityAccountPrincipals",
          accountId: args.accountId,
          principalArns: [...args.trustedPrincipalArns],
        }),
        rolePolicies: {
          AssumeAuditReadRoles: policyDocument([
            allowAssumeRolesAtScale("AssumeAuditReadRoles", args.auditRoleArns, args.organizationId),
          ]),
        },
        permissionsBoundary: args.permissionsBoundary,
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
