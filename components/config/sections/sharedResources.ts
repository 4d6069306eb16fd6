import { z } from "zod";
import { entries, firstOrDuplicate } from "../checks";
import { name, roleName } from "../primitives";
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
    name: name("shared resource").meta({
      description: "Short name; resource names and the created consumer role derive from it.",
    }),
    ownerAccount: z
      .string({ error: "expected the owning account's name" })
      .meta({ description: "The account that owns the bucket and key (by name)." }),
    access: z
      .enum(SHARED_ACCESS_LEVELS, { error: 'expected "read", "write" or "read-write"' })
      .meta({
        description: "What the consumer role may do with the objects under the prefix, and with the key.",
      }),
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
      .optional()
      .meta({
        description: "The bucket, created in the owner account, and the one prefix the consumer reaches.",
      }),
    kmsKey: z
      .object({
        alias: z
          .string()
          .regex(KMS_ALIAS, "letters, digits, / _ -, not starting with aws/ (reserved for AWS keys)")
          .optional()
          .meta({ description: "Alias without the `alias/` prefix." }),
        description: z.string().max(8192).optional(),
      })
      .strict()
      .optional()
      .meta({
        description:
          "A customer managed key in the owner account: encrypts the bucket, usable by the consumer role.",
      }),
    consumer: z
      .object({
        account: z.string({ error: "expected the consumer account's name" }),
        roleName,
        trustedService: z
          .string()
          .regex(SERVICE_PRINCIPAL, "expected a service principal such as ecs-tasks.amazonaws.com")
          .optional()
          .meta({
            description:
              "Create the role, trusting this AWS service (e.g. ecs-tasks.amazonaws.com); without it, the role exists already and gets an inline policy.",
          }),
      })
      .strict()
      .meta({ description: "The role in the consumer account that reaches the resource." }),
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
  check: (shares, ctx) => {
    // Its per-account providers assume OrganizationAccountAccessRole, which trusts the management account only.
    ctx.requireStackKind(
      "sharedResources",
      "management",
      "Cross-account S3/KMS access (org-access:sharedResources)",
    );
    const management = ctx.managementAccount;
    const providersRole = ctx.config.providers.roleName;
    const seen = { name: new Map<string, number>(), bucket: new Map<string, number>() };
    for (const [shared, i] of entries(shares)) {
      const at = ["sharedResources", i];
      firstOrDuplicate(seen.name, shared.name, i, (first) =>
        ctx.issue([...at, "name"], `duplicate shared resource, already org-access:sharedResources[${first}]`),
      );
      firstOrDuplicate(seen.bucket, shared.bucket?.name, i, (first) =>
        ctx.issue(
          [...at, "bucket", "name"],
          `bucket already created by org-access:sharedResources[${first}]; each entry creates and owns its bucket, so name a bucket once`,
        ),
      );

      const consumer = ctx.valid([...at, "consumer"], { ownLevelOnly: true }) ? shared.consumer : undefined;
      for (const [path, account] of [
        [[...at, "ownerAccount"], shared.ownerAccount],
        [[...at, "consumer", "account"], consumer?.account],
      ] as const) {
        if (typeof account === "string" && account === management) {
          ctx.issue(
            path,
            "the management account holds no workload data and runs no workloads; share from and to member accounts",
          );
        } else {
          ctx.account(account, path);
        }
      }
      if (typeof shared.ownerAccount === "string" && shared.ownerAccount === consumer?.account) {
        ctx.issue(
          [...at, "consumer", "account"],
          "is the owner account; this pattern is for access across accounts, within one account the role's identity policy is enough",
        );
      }
      if (consumer?.roleName === providersRole) {
        ctx.issue(
          [...at, "consumer", "roleName"],
          `${providersRole} is the role the providers assume; name the workload's own role`,
        );
      }
    }
  },
});
