import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../../iam/documents";
import { BOUNDARY_DESCRIPTION, boundaryDocument, BoundaryDocumentArgs } from "./boundary-document";
import { requireExplicitProvider } from "../../explicit-provider";

export interface PermissionsBoundaryArgs extends BoundaryDocumentArgs {
  /** What the policy is for, shown in the IAM console. */
  readonly description?: string;
}

/**
 * The permissions boundary policy of one workload account, created through that account's provider.
 * Custom roles there reference its ARN as `permissionsBoundary`.
 */
export class PermissionsBoundary extends pulumi.ComponentResource {
  public readonly policy: aws.iam.Policy;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: PermissionsBoundaryArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:guardrails:PermissionsBoundary", name, {}, opts);
    requireExplicitProvider(this, "PermissionsBoundary", name, opts, "the workload account's");
    if (!/^\d{12}$/.test(args.accountId)) {
      throw new pulumi.ResourceError(
        `\`accountId\` ${JSON.stringify(args.accountId)} is not an account ID`,
        this,
      );
    }
    this.policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        name: args.policyName,
        description: args.description ?? BOUNDARY_DESCRIPTION,
        policy: toJson(boundaryDocument(args)),
      },
      { parent: this },
    );
    this.arn = this.policy.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
