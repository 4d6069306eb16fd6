import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SharedAccessLevel } from "./config";
import { toJson } from "../iam/documents";
import { bucketPolicyDocument } from "./documents";
import { requireExplicitProvider } from "../explicit-provider";

export interface SharedBucketArgs {
  /** The bucket's globally unique name. */
  readonly bucketName: string;
  /** The one prefix the consumer role reaches. */
  readonly prefix: string;
  /** What the consumer role may do under the prefix. */
  readonly access: SharedAccessLevel;
  /** The exact consumer role ARN the bucket policy names. */
  readonly consumerRoleArn: string;
  /** Key for SSE-KMS; S3-managed encryption without it. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** The consumer role when created in the same run: S3 refuses a policy naming a role that does not exist yet. */
  readonly consumerRole?: pulumi.Resource;
}

/**
 * A private bucket in the owner account shared with one role of another account: public access
 * blocked, ACLs off (the owner owns every object, whoever wrote it), default encryption, and a
 * bucket policy that names the consumer role and the shared prefix only.
 */
export class SharedBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly policy: aws.s3.BucketPolicy;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: SharedBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:shared-resources:SharedBucket", name, {}, opts);
    requireExplicitProvider(this, "SharedBucket", name, opts, "the owner account's");
    if (args.prefix.includes("*") || args.prefix.startsWith("/") || args.prefix.endsWith("/")) {
      throw new pulumi.ResourceError(
        `\`prefix\` ${JSON.stringify(args.prefix)} must be a plain key prefix without wildcards or edge slashes`,
        this,
      );
    }

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName }, { parent: this });
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault:
              args.kmsKeyArn === undefined
                ? { sseAlgorithm: "AES256" }
                : { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
          },
        ],
      },
      { parent: this },
    );
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: this.bucket.id,
        policy: toJson(
          bucketPolicyDocument({
            bucket: args.bucketName,
            prefix: args.prefix,
            access: args.access,
            consumerRoleArn: args.consumerRoleArn,
          }),
        ),
      },
      // S3 rejects a policy while public access settings are being written.
      {
        parent: this,
        dependsOn: [publicAccess, ...(args.consumerRole === undefined ? [] : [args.consumerRole])],
      },
    );
    this.arn = this.bucket.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
