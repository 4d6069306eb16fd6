import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PropagationWait } from "../cloudformation/propagation-wait";
import { RoleStackSet, StackSetAccountTarget } from "../cloudformation/role-stackset";
import { OuStackSetRollout } from "../cloudformation/service-managed-stackset";
import { managementRootTrust } from "../iam/trust";
import { awsManagedPolicyArn } from "../naming";
import { requireExplicitProvider } from "../explicit-provider";

/** The policy the guide's member-account role carries: full administration of the member account. */
export const MEMBER_ROLE_POLICY = "AdministratorAccess";

/** `managementAccountId` is also the only principal the member role trusts. */
export interface MemberRoleStackSetArgs extends OuStackSetRollout {
  /** The role's name in every member account, normally `OrganizationAccountAccessRole`. */
  readonly roleName: string;
  /** Single accounts that get the role. */
  readonly accounts: readonly StackSetAccountTarget[];
  /** Seconds to wait after each instance before a provider assumes the new role. */
  readonly propagationWaitSeconds: number;
}

/**
 * `OrganizationAccountAccessRole` in member accounts, rolled out from the management account by a
 * service-managed StackSet: the management account root may assume it, and it carries
 * `AdministratorAccess`. Invited accounts lack this role, and a provider cannot create the very role
 * it would assume; the StackSet can, through the execution roles AWS Organizations maintains. The role
 * is retained when a stack instance goes away, so removing a target never locks the management
 * account out of an account.
 */
export class MemberRoleStackSet extends pulumi.ComponentResource {
  public readonly roleStackSet: RoleStackSet;
  public readonly stackSetName: pulumi.Output<string>;
  public readonly templateBody: string;
  /** Per target (`ou:<name>` / `account:<name>`): what a provider assuming the role must wait for. */
  public readonly readiness: Readonly<Record<string, pulumi.CustomResource[]>>;

  constructor(name: string, args: MemberRoleStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:organization-access:MemberRoleStackSet", name, {}, opts);
    requireExplicitProvider(this, "MemberRoleStackSet", name, opts, "the management account's");

    this.roleStackSet = new RoleStackSet(
      `${name}-roles`,
      {
        stackSetName: args.stackSetName,
        description: `${args.roleName} in member accounts: the management account's administrative access (org-access)`,
        role: {
          roleName: args.roleName,
          trustPolicy: managementRootTrust(args.managementAccountId),
          managedPolicies: [awsManagedPolicyArn(MEMBER_ROLE_POLICY)],
          description: "Administrative access from the organization's management account (org-access)",
          maxSessionDuration: 3600,
          retain: true,
        },
        organizationalUnits: args.organizationalUnits,
        accounts: args.accounts,
        managementAccountId: args.managementAccountId,
        callAs: "SELF",
        region: args.region,
        operationPreferences: args.operationPreferences,
        autoDeployment: args.autoDeployment,
        // Deleting this StackSet is never routine: it is how accounts without the role get it.
        protectStackSet: true,
      },
      { parent: this },
    );
    this.stackSetName = this.roleStackSet.stackSetName;
    this.templateBody = this.roleStackSet.templateBody;

    const readiness: Record<string, pulumi.CustomResource[]> = {};
    for (const [key, instance] of Object.entries(this.roleStackSet.instances)) {
      const wait = new PropagationWait(
        `${name}-wait-${key.replace(":", "-")}`,
        { seconds: args.propagationWaitSeconds, triggers: [instance.id] },
        { parent: this, dependsOn: [instance] },
      );
      readiness[key] = [instance, wait];
    }
    this.readiness = readiness;

    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }

  /** The StackSet instances, by target. */
  get instances(): Readonly<Record<string, aws.cloudformation.StackSetInstance>> {
    return this.roleStackSet.instances;
  }
}
