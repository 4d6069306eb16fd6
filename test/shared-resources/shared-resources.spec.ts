import * as assert from "assert";
import {
  exampleValue,
  jsonInput,
  ofType,
  ProgramRun,
  RecordedResource,
  runExample,
  single,
} from "../harness";
import { issuesOf } from "../vendors/helpers";

const OWNER = "555555555555"; // infra-ops
const CONSUMER = "666666666666"; // prod
const CONSUMER_ROLE = `arn:aws:iam::${CONSUMER}:role/app-upload-role`;
const KEY_ARN = `arn:aws:kms:us-east-1:${OWNER}:key/shared-artifacts-key-key-id`;
const OBJECTS = "arn:aws:s3:::example-org-shared-artifacts/uploads/prod/*";

type Share = Record<string, unknown>;
const exampleShare = () => exampleValue<Share[]>("management", "sharedResources")[0];

function onlyOf(run: ProgramRun, type: string, name: string): RecordedResource {
  return single(run, type, name);
}

describe("cross-account S3 and KMS access in the example organization", () => {
  let run: ProgramRun;
  let readExisting: ProgramRun;
  before(async () => {
    run = await runExample("management");
    readExisting = await runExample("management", {
      sharedResources: [
        {
          name: "datasets",
          ownerAccount: "log-archive",
          access: "read",
          bucket: { name: "example-org-datasets", prefix: "exports/staging" },
          consumer: { account: "staging", roleName: "analytics-reader" },
        },
      ],
    });
  });

  it("creates the consumer role in the consumer account, trusted by its workload service for that account only, under the boundary", () => {
    const role = onlyOf(run, "aws:iam/role:Role", "shared-artifacts-consumer-role-role");
    assert.strictEqual(role.account, CONSUMER);
    assert.strictEqual(role.inputs.name, "app-upload-role");
    assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustWorkloadService",
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": CONSUMER } },
        },
      ],
    });
    assert.strictEqual(
      role.inputs.permissionsBoundary,
      `arn:aws:iam::${CONSUMER}:policy/org-access-boundary`,
    );
    assert.strictEqual(role.inputs.maxSessionDuration, 3600);
    // Its only permissions are the share's identity policy.
    assert.deepStrictEqual(
      ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
        (a) => a.inputs.role === "app-upload-role",
      ),
      [],
    );
  });

  it("writes the bucket policy in the owner account naming the exact consumer role ARN, on the prefix only", () => {
    const policy = onlyOf(run, "aws:s3/bucketPolicy:BucketPolicy", "shared-artifacts-bucket-policy");
    assert.strictEqual(policy.account, OWNER);
    assert.deepStrictEqual(jsonInput(policy, "policy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowConsumerRoleObjects",
          Effect: "Allow",
          Principal: { AWS: CONSUMER_ROLE },
          Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
          Resource: OBJECTS,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [
            "arn:aws:s3:::example-org-shared-artifacts",
            "arn:aws:s3:::example-org-shared-artifacts/*",
          ],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    const role = onlyOf(run, "aws:iam/role:Role", "shared-artifacts-consumer-role-role");
    assert.ok(policy.dependencies.includes(role.urn), "the bucket policy waits for the consumer role");
  });

  it("keeps the bucket private and encrypted with the shared key, all in the owner account", () => {
    const bucket = onlyOf(run, "aws:s3/bucket:Bucket", "shared-artifacts-bucket-bucket");
    assert.deepStrictEqual([bucket.account, bucket.inputs.bucket], [OWNER, "example-org-shared-artifacts"]);
    const block = onlyOf(
      run,
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "shared-artifacts-bucket-public-access",
    );
    assert.deepStrictEqual(
      [
        block.account,
        block.inputs.blockPublicAcls,
        block.inputs.blockPublicPolicy,
        block.inputs.ignorePublicAcls,
        block.inputs.restrictPublicBuckets,
      ],
      [OWNER, true, true, true, true],
    );
    const ownership = onlyOf(
      run,
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "shared-artifacts-bucket-ownership",
    );
    assert.deepStrictEqual(
      [ownership.account, ownership.inputs.rule],
      [OWNER, { objectOwnership: "BucketOwnerEnforced" }],
    );
    const encryption = onlyOf(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "shared-artifacts-bucket-encryption",
    );
    assert.strictEqual(encryption.account, OWNER);
    assert.deepStrictEqual(encryption.inputs.rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
    ]);
  });

  it("keeps the owner account's administration statement in the key policy and names the consumer role for S3 use only", () => {
    const key = onlyOf(run, "aws:kms/key:Key", "shared-artifacts-key-key");
    assert.strictEqual(key.account, OWNER);
    assert.strictEqual(key.inputs.enableKeyRotation, true);
    assert.deepStrictEqual(jsonInput(key, "policy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EnableOwnerAccountAdministration",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "AllowConsumerRoleUse",
          Effect: "Allow",
          Principal: { AWS: CONSUMER_ROLE },
          Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
      ],
    });
    const role = onlyOf(run, "aws:iam/role:Role", "shared-artifacts-consumer-role-role");
    assert.ok(key.dependencies.includes(role.urn), "the key waits for the consumer role");
    const alias = onlyOf(run, "aws:kms/alias:Alias", "shared-artifacts-key-alias");
    assert.deepStrictEqual([alias.account, alias.inputs.name], [OWNER, "alias/example-org/shared-artifacts"]);
  });

  it("gives the consumer role the matching identity policy: same objects, same key ARN, same actions", () => {
    const policy = onlyOf(run, "aws:iam/rolePolicy:RolePolicy", "shared-artifacts-consumer-policy-policy");
    assert.deepStrictEqual(
      [policy.account, policy.inputs.role, policy.inputs.name],
      [CONSUMER, "app-upload-role", "org-access-shared-artifacts"],
    );
    assert.deepStrictEqual(jsonInput(policy, "policy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SharedObjects",
          Effect: "Allow",
          Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
          Resource: OBJECTS,
        },
        {
          Sid: "UseSharedKey",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
          Resource: KEY_ARN,
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
      ],
    });
  });

  it("records the consumer role in the inventory and outputs the share", () => {
    const outputs = run.outputs as {
      inventory: Record<string, { roles: Record<string, string> }>;
      capabilities: { sharedResources: Record<string, unknown> };
    };
    assert.strictEqual(outputs.inventory.prod.roles["app-upload-role"], CONSUMER_ROLE);
    assert.deepStrictEqual(outputs.capabilities.sharedResources.artifacts, {
      ownerAccount: "infra-ops",
      consumerRoleArn: CONSUMER_ROLE,
      consumerRoleCreated: true,
      access: "write",
      bucket: "example-org-shared-artifacts",
      objects: OBJECTS,
      keyArn: KEY_ARN,
    });
  });

  it("grants read access to an existing role with an inline policy, prefix-scoped listing and S3-managed encryption", () => {
    assert.deepStrictEqual(
      ofType(readExisting, "aws:iam/role:Role").filter((r) => r.inputs.name === "analytics-reader"),
      [],
    );
    assert.deepStrictEqual(ofType(readExisting, "aws:kms/key:Key"), []);
    const reader = "arn:aws:iam::777777777777:role/analytics-reader";
    const bucketPolicy = onlyOf(
      readExisting,
      "aws:s3/bucketPolicy:BucketPolicy",
      "shared-datasets-bucket-policy",
    );
    assert.strictEqual(bucketPolicy.account, "333333333333");
    assert.deepStrictEqual(
      jsonInput<{ Statement: unknown[] }>(bucketPolicy, "policy").Statement.slice(0, 2),
      [
        {
          Sid: "AllowConsumerRoleObjects",
          Effect: "Allow",
          Principal: { AWS: reader },
          Action: ["s3:GetObject"],
          Resource: "arn:aws:s3:::example-org-datasets/exports/staging/*",
        },
        {
          Sid: "AllowConsumerRoleListPrefix",
          Effect: "Allow",
          Principal: { AWS: reader },
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::example-org-datasets",
          Condition: { StringLike: { "s3:prefix": ["exports/staging", "exports/staging/*"] } },
        },
      ],
    );
    const inline = onlyOf(
      readExisting,
      "aws:iam/rolePolicy:RolePolicy",
      "shared-datasets-consumer-policy-policy",
    );
    assert.deepStrictEqual([inline.account, inline.inputs.role], ["777777777777", "analytics-reader"]);
    assert.deepStrictEqual(jsonInput(inline, "policy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SharedObjects",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: "arn:aws:s3:::example-org-datasets/exports/staging/*",
        },
        {
          Sid: "ListSharedPrefix",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::example-org-datasets",
          Condition: { StringLike: { "s3:prefix": ["exports/staging", "exports/staging/*"] } },
        },
      ],
    });
    const encryption = ofType(
      readExisting,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.deepStrictEqual(
      encryption.map((e) => e.inputs.rules),
      [[{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]],
    );
  });
});

describe("shared resource config errors", () => {
  const withShare = (changes: Share) => ({ sharedResources: [{ ...exampleShare(), ...changes }] });

  it("refuses the management account on either side, and a share within one account", () => {
    assert.deepStrictEqual(
      issuesOf(withShare({ ownerAccount: "management", consumer: { account: "management", roleName: "x" } })),
      [
        "org-access:sharedResources[0].ownerAccount: the management account holds no workload data and runs no workloads; share from and to member accounts",
        "org-access:sharedResources[0].consumer.account: the management account holds no workload data and runs no workloads; share from and to member accounts",
        "org-access:sharedResources[0].consumer.account: is the owner account; this pattern is for access across accounts, within one account the role's identity policy is enough",
      ],
    );
  });

  it("refuses wildcard prefixes, a share of nothing, unknown accounts and the providers' role", () => {
    assert.deepStrictEqual(
      issuesOf(withShare({ bucket: { name: "example-org-shared-artifacts", prefix: "uploads/*" } })),
      [
        "org-access:sharedResources[0].bucket.prefix: expected a key prefix such as uploads or team-a/exports: no wildcards, no leading or trailing slash",
      ],
    );
    assert.deepStrictEqual(issuesOf(withShare({ bucket: undefined, kmsKey: undefined })), [
      "org-access:sharedResources[0].bucket: share a bucket, a KMS key, or both; neither is set",
    ]);
    assert.deepStrictEqual(
      issuesOf(
        withShare({
          ownerAccount: "infra",
          consumer: { account: "prod", roleName: "OrganizationAccountAccessRole" },
        }),
      ).map((i) => i.split(";")[0]),
      [
        'org-access:sharedResources[0].ownerAccount: unknown account "infra"',
        "org-access:sharedResources[0].consumer.roleName: OrganizationAccountAccessRole is the role the providers assume",
      ],
    );
  });
});
