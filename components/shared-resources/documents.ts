import * as pulumi from "@pulumi/pulumi";
import { SharedAccessLevel } from "./config";
import { Conditions, policyDocument, PolicyDocument, PolicyStatement } from "../iam/documents";

/**
 * The three documents of a cross-account share, built from the same inputs so they always agree:
 * the bucket policy and key policy in the owner account name the exact consumer role ARN, and the
 * consumer role's identity policy asks for exactly the same actions on the same objects and key.
 */

/** Object actions per access level. Writes include aborting multipart uploads, never deleting. */
export function objectActions(access: SharedAccessLevel): string[] {
  const read = ["s3:GetObject"];
  const write = ["s3:PutObject", "s3:AbortMultipartUpload"];
  return access === "read" ? read : access === "write" ? write : [...read, ...write];
}

/**
 * Key actions per access level. S3 needs `kms:Decrypt` for multipart uploads as well as reads, and
 * `kms:GenerateDataKey` to encrypt each new object.
 */
export function keyActions(access: SharedAccessLevel): string[] {
  const read = ["kms:Decrypt"];
  const write = ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"];
  return access === "read" ? read : [...new Set(access === "write" ? write : [...read, ...write])];
}

/** What one share is made of. */
export interface ShareScope {
  readonly access: SharedAccessLevel;
  /** The bucket and the one prefix shared, if a bucket is shared. */
  readonly bucket?: { readonly name: string; readonly prefix: string };
  /** The region of the bucket, for `kms:ViaService`. */
  readonly region: string;
}

const objectArn = (bucket: string, prefix: string) => `arn:aws:s3:::${bucket}/${prefix}/*`;
const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/** Listing is limited to the shared prefix; reads only (a writer has no reason to list). */
function listStatement(sid: string, bucket: string, prefix: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucketArn(bucket),
    Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}/*`] } },
  };
}

/** With a bucket, the key is usable only through S3, so the role cannot decrypt data elsewhere with it. */
function viaS3(scope: ShareScope): Conditions | undefined {
  return scope.bucket === undefined
    ? undefined
    : { StringEquals: { "kms:ViaService": `s3.${scope.region}.amazonaws.com` } };
}

const reads = (access: SharedAccessLevel) => access !== "write";

/**
 * The bucket policy: the consumer role (exact ARN) on the shared prefix only, and no plain-HTTP
 * access for anyone.
 */
export function bucketPolicyDocument(args: {
  bucket: string;
  prefix: string;
  access: SharedAccessLevel;
  consumerRoleArn: string;
}): PolicyDocument {
  const principal = { AWS: args.consumerRoleArn };
  return policyDocument([
    {
      Sid: "AllowConsumerRoleObjects",
      Effect: "Allow",
      Principal: principal,
      Action: objectActions(args.access),
      Resource: objectArn(args.bucket, args.prefix),
    },
    ...(reads(args.access)
      ? [{ ...listStatement("AllowConsumerRoleListPrefix", args.bucket, args.prefix), Principal: principal }]
      : []),
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn(args.bucket), `${bucketArn(args.bucket)}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ]);
}

/**
 * The key policy. Its first statement is the owner account's administration of the key (IAM policies
 * of that account decide who manages it); without it nobody could ever change the key again. The
 * second names the consumer role and only the actions its access level needs.
 */
export function keyPolicyDocument(args: {
  ownerAccountId: string;
  consumerRoleArn: string;
  scope: ShareScope;
}): PolicyDocument {
  const condition = viaS3(args.scope);
  return policyDocument([
    {
      Sid: "EnableOwnerAccountAdministration",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${args.ownerAccountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "AllowConsumerRoleUse",
      Effect: "Allow",
      Principal: { AWS: args.consumerRoleArn },
      Action: keyActions(args.scope.access),
      Resource: "*",
      ...(condition === undefined ? {} : { Condition: condition }),
    },
  ]);
}

/** The consumer role's identity policy: the same objects, prefix listing and key as the owner side. */
export function consumerPolicyDocument(args: {
  scope: ShareScope;
  keyArn?: pulumi.Input<string>;
}): PolicyDocument {
  const { scope } = args;
  const statements: PolicyStatement[] = [];
  if (scope.bucket !== undefined) {
    statements.push({
      Sid: "SharedObjects",
      Effect: "Allow",
      Action: objectActions(scope.access),
      Resource: objectArn(scope.bucket.name, scope.bucket.prefix),
    });
    if (reads(scope.access)) {
      statements.push(listStatement("ListSharedPrefix", scope.bucket.name, scope.bucket.prefix));
    }
  }
  if (args.keyArn !== undefined) {
    const condition = viaS3(scope);
    statements.push({
      Sid: "UseSharedKey",
      Effect: "Allow",
      Action: keyActions(scope.access),
      Resource: args.keyArn,
      ...(condition === undefined ? {} : { Condition: condition }),
    });
  }
  if (statements.length === 0) throw new Error("org-access: a share grants neither a bucket nor a key");
  return policyDocument(statements);
}
