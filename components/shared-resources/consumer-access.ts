import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, toJson } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { serviceTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

/** The inline policy's name on the consumer role. */
export const consumerPolicyName = (shareName: string) => `org-access-shared-${shareName}`;

export interface ConsumerRoleArgs {
  /** The role's IAM name in the consumer account. */
  readonly roleName: string;
  /** The consumer account's ID, which the service must act for. */
  readonly accountId: string;
  /** The AWS service that runs the workload (e.g. ecs-tasks.amazonaws.com). */
  readonly trustedService: string;
  /** Permissions boundary of the consumer account. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** What the workload is, shown on the role. */
  readonly description: string;
}

/**
 * A workload role created for a share: trusted by the AWS service that runs the workload, on behalf
 * of the consumer account only. Its permissions come from {@link ConsumerPolicy}.
 */
export class ConsumerRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: ConsumerRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:shared-resources:ConsumerRole", name, {}, opts);
    requireExplicitProvider(this, "ConsumerRole", name, opts, "the consumer account's");
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: args.description,
        trustPolicy: serviceTrust(args.trustedService, {
          sid: "TrustWorkloadService",
          sourceAccount: args.accountId,
        }),
        permissionsBoundary: args.permissionsBoundary,
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}

export interface ConsumerPolicyArgs {
  /** The consumer role's name (created here or existing). */
  readonly roleName: pulumi.Input<string>;
  /** Name of the inline policy. */
  readonly policyName: string;
  /** The identity side of the share, from `consumerPolicyDocument`. */
  readonly document: PolicyDocument;
}

/** The identity policy on the consumer role, inline so it lives and dies with the share. */
export class ConsumerPolicy extends pulumi.ComponentResource {
  public readonly policy: aws.iam.RolePolicy;

  constructor(name: string, args: ConsumerPolicyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:shared-resources:ConsumerPolicy", name, {}, opts);
    requireExplicitProvider(this, "ConsumerPolicy", name, opts, "the consumer account's");
    this.policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: args.roleName, name: args.policyName, policy: toJson(args.document) },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
