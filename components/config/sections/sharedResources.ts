import { z } from "zod";
import { rawManagementAccountName, requireStackKind } from "../../cloudformation/config";
import { name, roleName } from "../primitives";
import { asArray, field, isString } from "../refs";
import { section } from "../section";

/** S3's rules for a bucket name (no dots: virtual-hosted TLS breaks on them). */
const BUCKET_NAME = /^(?!xn--)(?!sthree-)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** A key prefix: path segments, no wildcards, no leading or trailing slash. */
const PREFIX = /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/;
const KMS_ALIAS = /^(?!aws\/)[A-Za-z0-9/_-]{1,250}$/;
const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

export const SHARED_ACCESS_LEVELS = ["read", "write", "read-write"] as const;
export type SharedAccessLevel = (typeof SHARED_ACCESS_LEVELS)[number];

const sharedResourceSchema = z
  .object({
    /** Short name; resource names and the created consumer role derive from it. */
    name: name("shared resource"),
    /** The account that owns the bucket and key (by name). */
    ownerAccount: z.string({ error: "expected the owning account's name" }),
    /** What the consumer role may do with the objects under the prefix, and with the key. */
    access: z.enum(SHARED_ACCESS_LEVELS, { error: 'expected "read", "write" or "read-write"' }),
    /** The bucket, created in the owner account, and the one prefix the consumer reaches. */
    bucket: z
      .object({
        name: z
          .string({ error: "expected the bucket name" })
          .regex(BUCKET_NAME, "use 3 to 63 lower-case letters, digits and hyphens (S3 bucket naming rules)"),
        prefix: z
          .string({ error: "expected the key prefix the consumer may reach, e.g. uploads" })
          .regex(
            PREFIX,
            "expected a key prefix such as uploads or team-a/exports: no wildcards, no leading or trailing slash",
          ),
      })
      .strict()
      .optional(),
    /** A customer managed key in the owner account: encrypts the bucket, usable by the consumer role. */
    kmsKey: z
      .object({
        /** Alias without the `alias/` prefix. */
        alias: z
          .string()
          .regex(KMS_ALIAS, "letters, digits, / _ -, not starting with aws/ (reserved for AWS keys)")
          .optional(),
        description: z.string().max(8192).optional(),
      })
      .strict()
      .optional(),
    /** The role in the consumer account that reaches the resource. */
    consumer: z
      .object({
        account: z.string({ error: "expected the consumer account's name" }),
        roleName,
        /** Create the role, trusting this AWS service (e.g. ecs-tasks.amazonaws.com); without it, the role exists already and gets an inline policy. */
        trustedService: z
          .string()
          .regex(SERVICE_PRINCIPAL, "expected a service principal such as ecs-tasks.amazonaws.com")
          .optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((shared, ctx) => {
    if (shared.bucket === undefined && shared.kmsKey === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["bucket"],
        message: "share a bucket, a KMS key, or both; neither is set",
      });
    }
  });

const schema = z.array(sharedResourceSchema).optional();

export type SharedResourceConfig = z.infer<typeof sharedResourceSchema>;

/** `org-access:sharedResources`: S3 buckets and KMS keys one account shares with one role of another. */
export const sharedResourcesSection = section({
  key: "sharedResources",
  schema,
  crossCheck: (raw, ctx) => {
    // Its per-account providers assume OrganizationAccountAccessRole, which trusts the management account only.
    requireStackKind(ctx, "management", "Cross-account S3/KMS access (org-access:sharedResources)");
    const management = rawManagementAccountName(ctx.root);
    const providersRole = field(ctx.root.providers, "roleName") ?? "OrganizationAccountAccessRole";
    const seen = { name: new Map<string, number>(), bucket: new Map<string, number>() };
    asArray(raw).forEach((shared, i) => {
      const at = `${ctx.path}[${i}]`;
      const sharedName = field(shared, "name");
      if (isString(sharedName)) {
        const first = seen.name.get(sharedName);
        if (first !== undefined)
          ctx.refs.issue(`${at}.name`, `duplicate shared resource, already ${ctx.path}[${first}]`);
        else seen.name.set(sharedName, i);
      }
      const bucketName = field(field(shared, "bucket"), "name");
      if (isString(bucketName)) {
        const first = seen.bucket.get(bucketName);
        if (first !== undefined)
          ctx.refs.issue(
            `${at}.bucket.name`,
            `bucket already created by ${ctx.path}[${first}]; each entry creates and owns its bucket, so name a bucket once`,
          );
        else seen.bucket.set(bucketName, i);
      }

      const owner = field(shared, "ownerAccount");
      const consumer = field(shared, "consumer");
      const consumerAccount = field(consumer, "account");
      for (const [path, account] of [
        [`${at}.ownerAccount`, owner],
        [`${at}.consumer.account`, consumerAccount],
      ] as const) {
        if (isString(account) && account === management) {
          ctx.refs.issue(
            path,
            "the management account holds no workload data and runs no workloads; share from and to member accounts",
          );
        } else {
          ctx.refs.account(account, path);
        }
      }
      if (isString(owner) && owner === consumerAccount) {
        ctx.refs.issue(
          `${at}.consumer.account`,
          "is the owner account; this pattern is for access across accounts, within one account the role's identity policy is enough",
        );
      }
      if (field(consumer, "roleName") === providersRole) {
        ctx.refs.issue(
          `${at}.consumer.roleName`,
          `${String(providersRole)} is the role the providers assume; name the workload's own role`,
        );
      }
    });
  },
});
