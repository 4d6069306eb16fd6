import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../iam/documents";
import { keyPolicyDocument, ShareScope } from "./documents";
import { requireExplicitProvider } from "../explicit-provider";

export interface SharedKeyArgs {
  /** The owner account, whose root keeps administration of the key. */
  readonly ownerAccountId: string;
  /** The exact consumer role ARN the key policy names. */
  readonly consumerRoleArn: string;
  /** Access level, shared bucket and region. */
  readonly scope: ShareScope;
  /** Alias without `alias/`, for people and tools that look keys up by name. */
  readonly alias?: string;
  /** What the key protects, shown in the KMS console. */
  readonly description: string;
  /** The consumer role when created in the same run: KMS refuses a key policy naming a role that does not exist yet. */
  readonly consumerRole?: pulumi.Resource;
}

/**
 * A customer managed KMS key in the owner account, with rotation, whose key policy keeps the owner
 * account's administration statement and lets the consumer role use it (through S3 when it encrypts
 * a shared bucket).
 */
export class SharedKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly arn: pulumi.Output<string>;
  public readonly alias?: aws.kms.Alias;

  constructor(name: string, args: SharedKeyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:shared-resources:SharedKey", name, {}, opts);
    requireExplicitProvider(this, "SharedKey", name, opts, "the owner account's");
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: args.description,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: toJson(
          keyPolicyDocument({
            ownerAccountId: args.ownerAccountId,
            consumerRoleArn: args.consumerRoleArn,
            scope: args.scope,
          }),
        ),
      },
      { parent: this, dependsOn: args.consumerRole === undefined ? [] : [args.consumerRole] },
    );
    if (args.alias !== undefined) {
      this.alias = new aws.kms.Alias(
        `${name}-alias`,
        { name: `alias/${args.alias}`, targetKeyId: this.key.keyId },
        { parent: this },
      );
    }
    this.arn = this.key.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
