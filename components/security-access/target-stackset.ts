import * as pulumi from "@pulumi/pulumi";
import {
  RoleStackSet,
  StackSetOperationPreferences,
  StackSetOuTarget,
} from "../cloudformation/role-stackset";
import { awsManagedPolicyArn } from "../naming";
import { targetRoleTrust } from "./target-role";
import { requireExplicitProvider } from "../explicit-provider";

export interface TargetStackSetArgs {
  /** The target role's name in every account. */
  readonly roleName: string;
  /** ARNs of the source role(s) that may assume it (plain strings: they go into the template). */
  readonly sourceRoleArns: readonly string[];
  /** The organization the source roles must belong to. */
  readonly organizationId: string;
  /** AWS managed policy names or ARNs. */
  readonly managedPolicies: readonly string[];
  /** StackSet name in the delegated-admin account. */
  readonly stackSetName: string;
  /** OUs to roll out to (exceptional accounts excluded, deployed one by one elsewhere), each with its accounts' boundary. */
  readonly organizationalUnits: readonly StackSetOuTarget[];
  /** The management account, which a service-managed StackSet never reaches. */
  readonly managementAccountId: string;
  /** Region of the StackSet and its stacks. */
  readonly region: string;
  /** Rollout speed and failure tolerance. */
  readonly operationPreferences?: StackSetOperationPreferences;
  /** The source roles: the StackSet goes out after them, so no target is live before its caller. */
  readonly sourceRoles?: readonly pulumi.Resource[];
}

/**
 * `SecurityAccessRole` targets across OUs, rolled out from the delegated-admin account by a
 * service-managed StackSet (`callAs: DELEGATED_ADMIN`), so the rollout needs no management-account
 * credentials. Accounts that join the OUs get the role; accounts that leave the organization lose it.
 */
export class TargetStackSet extends pulumi.ComponentResource {
  public readonly roleStackSet: RoleStackSet;
  public readonly stackSetName: pulumi.Output<string>;
  public readonly templateBody: string;

  constructor(name: string, args: TargetStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:security-access:TargetStackSet", name, {}, opts);
    requireExplicitProvider(this, "TargetStackSet", name, opts, "the administering account's");
    this.roleStackSet = new RoleStackSet(
      `${name}-roles`,
      {
        stackSetName: args.stackSetName,
        description: `${args.roleName}: read-only security access for the delegated-admin account (org-access)`,
        role: {
          roleName: args.roleName,
          trustPolicy: targetRoleTrust(args.sourceRoleArns, args.organizationId),
          managedPolicies: args.managedPolicies.map(awsManagedPolicyArn),
          description: "Read-only security access for the delegated-admin account (org-access)",
          maxSessionDuration: 3600,
          // Accounts with and without a boundary share the template; each OU passes its own.
          boundaryFromParameter: true,
        },
        organizationalUnits: args.organizationalUnits,
        managementAccountId: args.managementAccountId,
        callAs: "DELEGATED_ADMIN",
        region: args.region,
        operationPreferences: args.operationPreferences,
        // Access for an account that left the organization is access nobody reviews: remove it.
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        dependsOn: args.sourceRoles,
      },
      { parent: this },
    );
    this.stackSetName = this.roleStackSet.stackSetName;
    this.templateBody = this.roleStackSet.templateBody;
    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}
