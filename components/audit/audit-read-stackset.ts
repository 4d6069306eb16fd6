import * as pulumi from "@pulumi/pulumi";
import { RoleStackSet } from "../cloudformation/role-stackset";
import { OuStackSetRollout } from "../cloudformation/service-managed-stackset";
import { PolicyDocument } from "../iam/documents";
import { awsManagedPolicyArn } from "../naming";
import { AUDIT_READ_POLICY_NAME, AUDIT_READ_ROLE_DESCRIPTION, auditReadTrust } from "./audit-read-role";
import { requireExplicitProvider } from "../explicit-provider";

export interface AuditReadStackSetArgs extends OuStackSetRollout {
  /** The role's IAM name in every account (`AuditReadRole`). */
  readonly roleName: string;
  /** The security account's automation role (a plain ARN: it goes into the template). */
  readonly automationRoleArn: string;
  /** The organization both accounts belong to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** Read-only managed policies, by name or ARN. */
  readonly managedPolicies: readonly string[];
  /** A tighter custom read policy, if config gives one. */
  readonly readPolicy?: PolicyDocument;
  /** Longest session, in seconds. */
  readonly maxSessionDuration: number;
}

/**
 * The central audit read role across OUs, rolled out from the management account by one
 * service-managed StackSet: the same trust, policies, session length and boundary as the
 * provider-created {@link AuditReadRole}, with no provider per account.
 */
export class AuditReadStackSet extends pulumi.ComponentResource {
  public readonly roleStackSet: RoleStackSet;
  public readonly stackSetName: pulumi.Output<string>;
  public readonly templateBody: string;

  constructor(name: string, args: AuditReadStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:audit:AuditReadStackSet", name, {}, opts);
    requireExplicitProvider(this, "AuditReadStackSet", name, opts, "the administering account's");
    if (args.managedPolicies.length === 0 && args.readPolicy === undefined) {
      throw new pulumi.ResourceError(`\`${name}\` has neither \`managedPolicies\` nor \`readPolicy\``, this);
    }
    this.roleStackSet = new RoleStackSet(
      `${name}-roles`,
      {
        stackSetName: args.stackSetName,
        description: `${args.roleName}: central audit read access for the security account's automation (org-access)`,
        role: {
          roleName: args.roleName,
          trustPolicy: auditReadTrust(args.automationRoleArn, args.organizationId),
          managedPolicies: args.managedPolicies.map(awsManagedPolicyArn),
          rolePolicies:
            args.readPolicy === undefined ? undefined : { [AUDIT_READ_POLICY_NAME]: args.readPolicy },
          description: AUDIT_READ_ROLE_DESCRIPTION,
          maxSessionDuration: args.maxSessionDuration,
          // Accounts with and without a boundary share the template; each OU passes its own.
          boundaryFromParameter: true,
        },
        organizationalUnits: args.organizationalUnits,
        managementAccountId: args.managementAccountId,
        callAs: "SELF",
        region: args.region,
        operationPreferences: args.operationPreferences,
        autoDeployment: args.autoDeployment,
      },
      { parent: this },
    );
    this.stackSetName = this.roleStackSet.stackSetName;
    this.templateBody = this.roleStackSet.templateBody;
    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}
