import { z } from "zod";
import { entries, firstOrDuplicate } from "../config/checks";
import { justificationSchema, requireJustification, validPolicies } from "../config/policies";
import { checkTargets, targetFields } from "../config/targets";
import { identityStatementSchema } from "../config/statements";
import { accountId, name, roleName } from "../config/primitives";
import { section } from "../config/section";

/** What IAM accepts as `sts:ExternalId`: 2 to 1,224 characters of letters, digits and `+=,.@:/-_`. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
const POLICY_NAME_OR_ARN = /^(arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/)?[\w+=,.@/-]{1,512}$/;
const VENDOR_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/[\w+=,.@/-]{1,512}$/;

/** `vendors[<i>]` from a zod issue path, for messages that show the exact `pulumi config` command. */
function vendorPath(path: readonly PropertyKey[] | undefined): string {
  const index = path?.find((p) => typeof p === "number");
  return `vendors[${index === undefined ? "<index>" : String(index)}]`;
}

const externalId = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? `is required: a vendor role without an ExternalId is open to the confused-deputy problem; ask the vendor for the ExternalId of your tenant and store it as a secret: pulumi config set --secret --path '${vendorPath(issue.path)}.externalId' <value>`
        : "expected the ExternalId as a string",
  })
  .regex(EXTERNAL_ID_PATTERN, {
    error: (issue) => {
      const value = String(issue.input);
      return `is not a valid ExternalId (${value.length} characters); IAM accepts 2 to 1224 letters, digits and + = , . @ : / _ -`;
    },
  });

/** An inline policy the vendor documents, as a policy document (Allow with NotAction is refused). */
const inlinePolicySchema = z
  .object({
    Version: z
      .literal("2012-10-17")
      .default("2012-10-17")
      .meta({ description: "The policy language version; always `2012-10-17`." }),
    Statement: z
      .array(identityStatementSchema)
      .min(1, "list at least one statement")
      .meta({ description: "The policy's statements." }),
  })
  .strict();

const vendorSchema = z
  .object({
    name: name("vendor").meta({
      description: "Short name; the role is `vendor-<name>` unless `roleName` says otherwise.",
    }),
    accountId: accountId.meta({ description: "The vendor's own AWS account, outside the organization." }),
    principalArn: z
      .string()
      .regex(VENDOR_PRINCIPAL_ARN, "expected the vendor's IAM role or user ARN")
      .optional()
      .meta({
        description:
          "The vendor's role that assumes ours, when the vendor documents one; default: the vendor account.",
      }),
    externalId: externalId.meta({
      description: "The ExternalId the vendor issued for this organization; a Pulumi secret.",
    }),
    roleName: roleName.optional().meta({ description: "IAM name of the role in each target account." }),
    description: z
      .string()
      .max(1000)
      .optional()
      .meta({ description: "What the integration does, shown on the role." }),
    managedPolicies: z
      .array(
        z
          .string()
          .regex(POLICY_NAME_OR_ARN, "expected a managed policy name such as SecurityAudit, or a policy ARN"),
      )
      .default([])
      .meta({
        description: "The AWS managed policies the vendor documents (names or ARNs).",
        examples: [["SecurityAudit"]],
      }),
    inlinePolicy: inlinePolicySchema.optional().meta({
      description:
        "The vendor's documented inline policy, when its managed policies are not enough or too broad.",
    }),
    /** Where the role goes: accounts, OUs, exclusions, and the management account only by its own key. */
    ...targetFields,
    justification: justificationSchema.optional().meta({
      description:
        "Why this vendor's role may hold admin-equivalent or privilege-escalating permissions, if it does.",
    }),
    maxSessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(3600, "IAM's minimum is 3600 seconds")
      .max(43200, "IAM's maximum is 43200 seconds")
      .default(3600)
      .meta({ description: "Longest vendor session in seconds." }),
  })
  .strict()
  .superRefine((vendor, ctx) => {
    if (vendor.managedPolicies.length === 0 && vendor.inlinePolicy === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["managedPolicies"],
        message:
          "list the managed policies the vendor documents (e.g. SecurityAudit), or give its inlinePolicy; a vendor role with no policy is useless",
      });
    }
    if (
      vendor.accounts.length === 0 &&
      vendor.organizationalUnits.length === 0 &&
      !vendor.includeManagementAccount
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts"],
        message: "list the accounts (accounts) or OUs (organizationalUnits) the vendor integrates with",
      });
    }
    if (vendor.principalArn !== undefined && vendor.principalArn.split(":")[4] !== vendor.accountId) {
      ctx.addIssue({
        code: "custom",
        path: ["principalArn"],
        message: `is not in the vendor's account ${vendor.accountId}; use the role ARN the vendor documents for that account`,
      });
    }
  });

const schema = z.array(vendorSchema).optional();

export type VendorConfig = z.infer<typeof vendorSchema>;

/** The IAM name of a vendor's role. */
export function vendorRoleName(vendor: Pick<VendorConfig, "name" | "roleName">): string {
  return vendor.roleName ?? `vendor-${vendor.name}`;
}

/** `org-access:vendors`: one ExternalId-bound role per vendor integration in each of its accounts. */
export const vendorsSection = section({
  key: "vendors",
  schema,
  check: (vendors, ctx) => {
    // Its per-account providers assume OrganizationAccountAccessRole, which trusts the management account only.
    ctx.requireStackKind("vendors", "management", "Vendor roles (org-access:vendors)");
    const providersRole = ctx.config.providers.roleName;
    const names = new Map<string, number>();
    const roles = new Map<string, number>();
    for (const [vendor, i] of entries(vendors)) {
      const at = ["vendors", i];
      firstOrDuplicate(names, vendor.name, i, (first) =>
        ctx.issue([...at, "name"], `duplicate vendor, already org-access:vendors[${first}]`),
      );
      const role =
        ctx.valid([...at, "roleName"]) && ctx.valid([...at, "name"]) ? vendorRoleName(vendor) : undefined;
      if (role !== undefined) {
        const first = roles.get(role);
        if (role === providersRole) {
          ctx.issue(
            [...at, "roleName"],
            `${role} is the role the providers assume (org-access:providers.roleName); a vendor gets its own role`,
          );
        } else if (first !== undefined) {
          ctx.issue(
            [...at, "roleName"],
            `role ${JSON.stringify(role)} is already org-access:vendors[${first}]'s; one role per vendor integration, never shared`,
          );
        } else {
          roles.set(role, i);
        }
      }

      const member = ctx.valid([...at, "accountId"])
        ? ctx.accounts.find((a) => a.id !== undefined && a.id === vendor.accountId)
        : undefined;
      if (member !== undefined) {
        ctx.issue(
          [...at, "accountId"],
          `${vendor.accountId} is this organization's account ${JSON.stringify(member.name)}, not a vendor's; internal automation uses the organization's own role patterns (roleTrust with aws:PrincipalOrgID), never a vendor role`,
        );
      }

      if (typeof vendor.externalId === "string" && ctx.source.encrypted([...at, "externalId"]) === false) {
        ctx.issue(
          [...at, "externalId"],
          `is stored in plain text; the ExternalId is a shared secret with the vendor, store it encrypted: pulumi config set --secret --path 'vendors[${i}].externalId' <value>`,
        );
      }

      checkTargets(ctx, vendor, at);
      requireJustification(
        ctx,
        validPolicies(
          ctx,
          { refs: vendor.managedPolicies, path: [...at, "managedPolicies"] },
          { statements: vendor.inlinePolicy?.Statement, path: [...at, "inlinePolicy", "Statement"] },
        ),
        ctx.valid([...at, "justification"]) ? vendor.justification : undefined,
        `org-access:vendors[${i}].justification`,
      );
    }
  },
});
