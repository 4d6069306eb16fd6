import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsManagedPolicyArn, shortHash } from "../naming";
import { PolicyDocument, toJson } from "./documents";

export interface AccessRoleArgs {
  /** The role's IAM name, the same in every account so ARNs derive from account IDs. */
  readonly roleName: string;
  /** Who may assume the role; built by a function of `trust.ts`. */
  readonly trustPolicy: PolicyDocument;
  /** What the role is for, shown in the IAM console. */
  readonly description: string;
  /** AWS managed policy names (`SecurityAudit`, `job-function/ViewOnlyAccess`) or policy ARNs, one attachment each. */
  readonly managedPolicies?: readonly string[];
  /** Policies created elsewhere in the program, by a stable label (used in the attachment's name). */
  readonly attachedPolicies?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Inline policies by name. */
  readonly inlinePolicies?: Record<string, PolicyDocument>;
  /** Permissions boundary ARN that caps what the role can ever do. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** Longest session in seconds; short by default. */
  readonly maxSessionDuration?: number;
  /** Extra tags on the role. */
  readonly tags?: Record<string, string>;
}

/**
 * One IAM role with its attachments and inline policies, the building block of every access
 * pattern. It must be given an explicit provider (the target account's), directly or through its
 * parent, so that it can never land in the account of the default credentials.
 */
export class AccessRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: AccessRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:iam:AccessRole", name, {}, opts);
    if (opts.provider === undefined && opts.parent === undefined && opts.providers === undefined) {
      throw new pulumi.ResourceError(
        `AccessRole \`${name}\` needs an explicit \`provider\` (the target account's); default providers are disabled`,
        this,
      );
    }

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: args.description,
        assumeRolePolicy: toJson(args.trustPolicy),
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        permissionsBoundary: args.permissionsBoundary,
        tags: args.tags,
      },
      { parent: this },
    );

    for (const policy of args.managedPolicies ?? []) {
      const arn = awsManagedPolicyArn(policy);
      // Names derive from the policy, not its position, so reordering the list replaces nothing.
      new aws.iam.RolePolicyAttachment(
        `${name}-${shortHash(arn)}`,
        { role: this.role.name, policyArn: arn },
        { parent: this },
      );
    }
    for (const [label, arn] of Object.entries(args.attachedPolicies ?? {})) {
      new aws.iam.RolePolicyAttachment(
        `${name}-${label}`,
        { role: this.role.name, policyArn: arn },
        { parent: this },
      );
    }

    for (const [policyName, document] of Object.entries(args.inlinePolicies ?? {})) {
      new aws.iam.RolePolicy(
        `${name}-${policyName}`,
        { role: this.role.name, name: policyName, policy: toJson(document) },
        { parent: this },
      );
    }

    this.arn = this.role.arn;
    this.roleName = this.role.name;
    this.registerOutputs({ arn: this.arn, roleName: this.roleName });
  }
}
