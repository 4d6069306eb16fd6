import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, toJson } from "../iam/documents";
import { awsManagedPolicyArn, shortHash } from "../naming";
import { requireExplicitProvider } from "../explicit-provider";

/** A customer managed policy reference: it must exist with this name and path in each assigned account. */
export interface CustomerManagedPolicyRef {
  readonly name: string;
  readonly path: string;
}

export interface PermissionSetArgs {
  /** The Identity Center instance. */
  readonly instanceArn: pulumi.Input<string>;
  /** The set's name on the access portal. */
  readonly permissionSetName: string;
  /** What the job function is. */
  readonly description?: string;
  /** ISO 8601 session length (`PT1H`). */
  readonly sessionDuration: string;
  /** AWS managed policies by name or ARN. */
  readonly managedPolicies: readonly string[];
  /** Customer managed policies by name and path. */
  readonly customerManagedPolicies: readonly CustomerManagedPolicyRef[];
  /** The set's inline policy. */
  readonly inlinePolicy?: PolicyDocument;
  /** A permissions boundary on the roles created from the set: an AWS managed policy or a customer managed one. */
  readonly permissionsBoundary?:
    { managedPolicyArn: string } | { customerManagedPolicy: CustomerManagedPolicyRef };
  /** Tags (`break-glass` marks the emergency set). */
  readonly tags?: Record<string, string>;
}

/**
 * One permission set: a job function, with its policies, optional boundary and session length.
 * Identity Center turns it into an `AWSReservedSSO_<name>_...` role in each account it is assigned to.
 * Child names derive from the policies, not their position, so reordering config replaces nothing.
 */
export class PermissionSet extends pulumi.ComponentResource {
  public readonly permissionSet: aws.ssoadmin.PermissionSet;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: PermissionSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:identity-center:PermissionSet", name, {}, opts);
    requireExplicitProvider(this, "PermissionSet", name, opts, "the Identity Center account's");
    const { instanceArn } = args;
    this.permissionSet = new aws.ssoadmin.PermissionSet(
      `${name}-set`,
      {
        instanceArn,
        name: args.permissionSetName,
        description: args.description,
        sessionDuration: args.sessionDuration,
        tags: args.tags,
      },
      { parent: this },
    );
    const permissionSetArn = this.permissionSet.arn;

    for (const policy of args.managedPolicies) {
      const managedPolicyArn = awsManagedPolicyArn(policy);
      new aws.ssoadmin.ManagedPolicyAttachment(
        `${name}-${shortHash(managedPolicyArn)}`,
        { instanceArn, permissionSetArn, managedPolicyArn },
        { parent: this },
      );
    }
    for (const policy of args.customerManagedPolicies) {
      new aws.ssoadmin.CustomerManagedPolicyAttachment(
        `${name}-cmp-${shortHash(`${policy.path}${policy.name}`)}`,
        {
          instanceArn,
          permissionSetArn,
          customerManagedPolicyReference: { name: policy.name, path: policy.path },
        },
        { parent: this },
      );
    }
    if (args.inlinePolicy !== undefined) {
      new aws.ssoadmin.PermissionSetInlinePolicy(
        `${name}-inline`,
        { instanceArn, permissionSetArn, inlinePolicy: toJson(args.inlinePolicy) },
        { parent: this },
      );
    }
    if (args.permissionsBoundary !== undefined) {
      const boundary = args.permissionsBoundary;
      new aws.ssoadmin.PermissionsBoundaryAttachment(
        `${name}-boundary`,
        {
          instanceArn,
          permissionSetArn,
          permissionsBoundary:
            "managedPolicyArn" in boundary
              ? { managedPolicyArn: boundary.managedPolicyArn }
              : { customerManagedPolicyReference: { ...boundary.customerManagedPolicy } },
        },
        { parent: this },
      );
    }
    this.arn = permissionSetArn;
    this.registerOutputs({ arn: this.arn });
  }
}
