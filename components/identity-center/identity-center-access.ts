import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { slug } from "../naming";
import { ExpandedAssignment } from "./assignments";
import { PermissionSet, PermissionSetArgs } from "./permission-set";
import { requireExplicitProvider } from "../explicit-provider";

export interface IdentityCenterAccessArgs {
  /** The Identity Center instance. */
  readonly instanceArn: string;
  /** Permission sets by name, without the instance (this component adds it). */
  readonly permissionSets: readonly Omit<PermissionSetArgs, "instanceArn">[];
  /** Group, permission set and account triples, already expanded from OUs. */
  readonly assignments: readonly ExpandedAssignment[];
}

/**
 * Human access through IAM Identity Center: permission sets by job function, and one account
 * assignment per group, permission set and account. Names derive from those names, never from list
 * positions, so editing config touches only what changed.
 */
export class IdentityCenterAccess extends pulumi.ComponentResource {
  public readonly permissionSets: Record<string, PermissionSet> = {};
  public readonly permissionSetArns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: IdentityCenterAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:identity-center:IdentityCenterAccess", name, {}, opts);
    requireExplicitProvider(this, "IdentityCenterAccess", name, opts, "the Identity Center account's");
    const slugs = new Map<string, string>();
    for (const set of args.permissionSets) {
      const key = slug(set.permissionSetName);
      const clash = slugs.get(key);
      if (clash !== undefined) {
        throw new pulumi.ResourceError(
          `\`permissionSets\` of \`${name}\`: ${set.permissionSetName} and ${clash} would share resource names; rename one`,
          this,
        );
      }
      slugs.set(key, set.permissionSetName);
      const permissionSet = new PermissionSet(
        `${name}-${key}`,
        { ...set, instanceArn: args.instanceArn },
        { parent: this },
      );
      this.permissionSets[set.permissionSetName] = permissionSet;
      this.permissionSetArns[set.permissionSetName] = permissionSet.arn;
    }

    for (const assignment of args.assignments) {
      const permissionSet = this.permissionSets[assignment.permissionSet];
      if (permissionSet === undefined) {
        throw new pulumi.ResourceError(
          `assignment of \`${name}\` names unknown permission set ${assignment.permissionSet}`,
          this,
        );
      }
      new aws.ssoadmin.AccountAssignment(
        `${name}-${assignment.group}-${slug(assignment.permissionSet)}-${assignment.account.name}`,
        {
          instanceArn: args.instanceArn,
          permissionSetArn: permissionSet.arn,
          principalType: "GROUP",
          principalId: assignment.groupId,
          targetType: "AWS_ACCOUNT",
          targetId: assignment.account.id,
        },
        // The set is provisioned to the account with its policies: wait for all of them.
        { parent: this, dependsOn: [permissionSet] },
      );
    }
    this.registerOutputs({ permissionSetArns: this.permissionSetArns });
  }
}
