import * as pulumi from "@pulumi/pulumi";
import { SharedResourceConfig } from "./config";
import { Capability, StackContext } from "../context";
import { roleArn } from "../naming";
import { consumerPolicyDocument, ShareScope } from "./documents";
import { ConsumerPolicy, consumerPolicyName, ConsumerRole } from "./consumer-access";
import { SharedBucket } from "./shared-bucket";
import { SharedKey } from "./shared-key";

interface ShareOutput {
  ownerAccount: string;
  consumerRoleArn: string;
  consumerRoleCreated: boolean;
  access: string;
  bucket?: pulumi.Output<string>;
  objects?: string;
  keyArn?: pulumi.Output<string>;
}

/**
 * The `sharedResources` capability: for each share, the consumer role (when this program creates
 * it) in the consumer account, then the key and bucket in the owner account naming that role's exact
 * ARN, then the consumer role's identity policy for the same objects and key.
 */
export const sharedResources: Capability = {
  name: "sharedResources",
  deploy: (ctx) => {
    const config = ctx.config.sharedResources;
    if (config === undefined || config.length === 0) return undefined;
    const out: Record<string, ShareOutput> = {};
    for (const share of config) {
      const result = deployShare(ctx, share);
      if (result !== undefined) out[share.name] = result;
    }
    return out;
  },
};

function deployShare(ctx: StackContext, share: SharedResourceConfig): ShareOutput | undefined {
  const owner = ctx.accounts.get(share.ownerAccount);
  const consumer = ctx.accounts.get(share.consumer.account);
  // Both sides must agree, so a share is deployed by the stack that reaches both accounts.
  if (!ctx.accounts.inScope(owner) || !ctx.accounts.inScope(consumer)) {
    if (ctx.accounts.inScope(owner) || ctx.accounts.inScope(consumer)) {
      void pulumi.log.warn(
        `org-access: shared resource ${share.name} spans ${owner.name} and ${consumer.name}, and this stack's scope holds only one of them; deploy it from a stack whose scope holds both`,
      );
    }
    return undefined;
  }
  const name = `shared-${share.name}`;
  const consumerArn = roleArn(consumer.id, share.consumer.roleName);
  const scope: ShareScope = {
    access: share.access,
    bucket: share.bucket,
    region: ctx.config.providers.region,
  };
  const consumerProvider = ctx.providers.forAccount(consumer);
  const ownerProvider = ctx.providers.forAccount(owner);

  // S3 and KMS reject a policy naming a role that does not exist yet: the owner side waits for it.
  let consumerRole: ConsumerRole | undefined;
  if (share.consumer.trustedService !== undefined) {
    consumerRole = new ConsumerRole(
      `${name}-consumer`,
      {
        roleName: share.consumer.roleName,
        accountId: consumer.id,
        trustedService: share.consumer.trustedService,
        permissionsBoundary: ctx.boundaries.forRole(consumer.name, share.consumer.roleName),
        description: `Workload role of ${consumer.name} with ${share.access} access to ${share.name} in ${owner.name} (org-access)`,
      },
      { provider: consumerProvider },
    );
    ctx.inventory.add(consumer.name, share.consumer.roleName);
  }

  const key =
    share.kmsKey === undefined
      ? undefined
      : new SharedKey(
          `${name}-key`,
          {
            ownerAccountId: owner.id,
            consumerRoleArn: consumerArn,
            scope,
            alias: share.kmsKey.alias,
            description: share.kmsKey.description ?? `${share.name}: shared with ${consumerArn} (org-access)`,
            consumerRole: consumerRole?.role.role,
          },
          { provider: ownerProvider },
        );
  const bucket =
    share.bucket === undefined
      ? undefined
      : new SharedBucket(
          `${name}-bucket`,
          {
            bucketName: share.bucket.name,
            prefix: share.bucket.prefix,
            access: share.access,
            consumerRoleArn: consumerArn,
            kmsKeyArn: key?.arn,
            consumerRole: consumerRole?.role.role,
          },
          { provider: ownerProvider },
        );

  new ConsumerPolicy(
    `${name}-consumer-policy`,
    {
      roleName: consumerRole?.role.roleName ?? share.consumer.roleName,
      policyName: consumerPolicyName(share.name),
      document: consumerPolicyDocument({ scope, keyArn: key?.arn }),
    },
    { provider: consumerProvider },
  );

  return {
    ownerAccount: owner.name,
    consumerRoleArn: consumerArn,
    consumerRoleCreated: consumerRole !== undefined,
    access: share.access,
    ...(bucket === undefined || share.bucket === undefined
      ? {}
      : {
          bucket: bucket.bucket.bucket,
          objects: `arn:aws:s3:::${share.bucket.name}/${share.bucket.prefix}/*`,
        }),
    ...(key === undefined ? {} : { keyArn: key.arn }),
  };
}
