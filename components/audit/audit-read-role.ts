import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { principalArnTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

/** The read role's description, the same whichever way it is rolled out. */
export const AUDIT_READ_ROLE_DESCRIPTION =
  "Central audit: read-only access for the security account's automation (org-access)";
/** Name of the read role's inline policy, when config gives one. */
export const AUDIT_READ_POLICY_NAME = "AuditRead";

/**
 * The read role's trust: the automation role only, from inside the organization. The automation role
 * is the security stack's, named by `aws:PrincipalArn` so the management stack can go first.
 */
export function auditReadTrust(automationRoleArn: string, organizationId: string) {
  return principalArnTrust({ sid: "TrustSecurityAutomation", roleArns: [automationRoleArn], organizationId });
}

export interface AuditReadRoleArgs {
  /** The role's IAM name, the same in every member account (`AuditReadRole`). */
  readonly roleName: string;
  /** The security account's automation role: the only principal trusted (derived from its name). */
  readonly automationRoleArn: string;
  /** The organization both accounts belong to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** Read-only managed policies (`SecurityAudit` by default). */
  readonly managedPolicies: readonly string[];
  /** A tighter custom read policy, if config gives one. */
  readonly readPolicy?: PolicyDocument;
  /** Permissions boundary of the account, if it has one. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** Longest session, in seconds. */
  readonly maxSessionDuration?: number;
}

/**
 * The central audit read role in a member account: read and detect only, assumable only by the
 * security account's automation role from inside the organization.
 */
export class AuditReadRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AuditReadRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:audit:AuditReadRole", name, {}, opts);
    requireExplicitProvider(this, "AuditReadRole", name, opts, "the member account's");
    if (args.managedPolicies.length === 0 && args.readPolicy === undefined) {
      throw new pulumi.ResourceError(`\`${name}\` has neither \`managedPolicies\` nor \`readPolicy\``, this);
    }
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: AUDIT_READ_ROLE_DESCRIPTION,
        trustPolicy: auditReadTrust(args.automationRoleArn, args.organizationId),
        managedPolicies: args.managedPolicies,
        rolePolicies:
          args.readPolicy === undefined ? undefined : { [AUDIT_READ_POLICY_NAME]: args.readPolicy },
        permissionsBoundary: args.permissionsBoundary,
        maxSessionDuration: args.maxSessionDuration ?? 3600,
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
