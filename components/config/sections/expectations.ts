import { z } from "zod";
import { roleName } from "../primitives";
import { entries } from "../checks";
import { section } from "../section";

/**
 * `org-access:expectations`: who must (or must not) be able to assume which role, checked by the
 * offline plan (`npm run plan`) with an IAM simulator. The program itself creates nothing from this
 * key; it is validated with the rest of the config so a typo in an account name fails early.
 */

/** A role (by name) in a named account: a CI role, a source role, a deployment role. */
const accountRolePrincipal = z
  .object({
    account: z.string({ error: "expected the name of the principal's account" }),
    role: roleName,
  })
  .strict();

/** Any principal of a named account that its own IAM policies allow (the account root in a trust). */
const accountPrincipal = z
  .object({ account: z.string({ error: "expected the name of the principal's account" }) })
  .strict();

/** A GitHub Actions OIDC subject, e.g. `repo:example-org/app:environment:prod`. */
const githubPrincipal = z
  .object({
    github: z
      .string({ error: "expected a GitHub OIDC subject such as repo:ORG/REPO:environment:prod" })
      .min(1),
  })
  .strict();

/** A vendor from `org-access:vendors`; `withoutExternalId` asks about a caller that omits the ExternalId. */
const vendorPrincipal = z
  .object({
    vendor: z.string({ error: "expected the vendor's name from org-access:vendors" }),
    withoutExternalId: z.boolean({ error: "expected true or false" }).default(false),
  })
  .strict();

/** An AWS service principal such as `organizations.amazonaws.com`. */
const servicePrincipal = z
  .object({
    service: z
      .string()
      .regex(
        /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/,
        "expected an AWS service principal such as ec2.amazonaws.com",
      ),
  })
  .strict();

/** Any principal outside the inventory, by ARN (an external account root or role). */
const arnPrincipal = z
  .object({
    arn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/,
        "expected an IAM principal ARN such as arn:aws:iam::123456789012:root",
      ),
  })
  .strict();

const principalSchema = z.union(
  [accountRolePrincipal, accountPrincipal, githubPrincipal, vendorPrincipal, servicePrincipal, arnPrincipal],
  {
    error:
      "expected one of { account, role }, { account }, { github }, { vendor, withoutExternalId? }, { service } or { arn }",
  },
);

/**
 * The role side: a role name and where it lives. Without `account`, `accounts` or
 * `organizationalUnits` it means every account in which this stack creates the role.
 */
const roleTargetSchema = z
  .object({
    name: roleName,
    account: z.string({ error: "expected an account name" }).optional(),
    accounts: z
      .union([z.literal("all"), z.array(z.string({ error: "expected an account name" }))], {
        error: 'expected "all" or a list of account names',
      })
      .optional(),
    organizationalUnits: z.array(z.string({ error: "expected an organizational unit name" })).optional(),
  })
  .strict()
  .refine(
    (r) => [r.account, r.accounts, r.organizationalUnits].filter((v) => v !== undefined).length <= 1,
    "give at most one of `account`, `accounts` and `organizationalUnits`",
  );

const expectationSchema = z
  .object({
    principal: principalSchema,
    role: roleTargetSchema,
    expect: z.enum(["allowed", "denied"], { error: 'expected "allowed" or "denied"' }),
    /** Why this must hold; shown next to a failure so a reviewer knows what broke. */
    why: z.string({ error: "expected a sentence saying why" }).optional(),
  })
  .strict();

const expectationsSchema = z
  .object({
    access: z.array(expectationSchema).default([]),
    /**
     * Above this many explicit AWS providers (one process each in a real `pulumi up`) the plan warns
     * and suggests a StackSet rollout or sharding with `org-access:scope`.
     */
    maxProviders: z.number({ error: "expected a number of providers" }).int().positive().default(50),
  })
  .strict()
  .optional();

export type PrincipalExpectation = z.infer<typeof principalSchema>;
export type RoleTargetExpectation = z.infer<typeof roleTargetSchema>;
export type AccessExpectation = z.infer<typeof expectationSchema>;
export type ExpectationsConfig = z.infer<typeof expectationsSchema>;

/** `org-access:expectations`. */
export const expectationsSection = section({
  key: "expectations",
  schema: expectationsSchema,
  check: (expectations, ctx) => {
    const vendors = ctx.valid(["vendors"], { ownLevelOnly: true }) ? ctx.config.vendors : undefined;
    const vendorNames = vendors?.map((v) => v?.name).filter((n): n is string => typeof n === "string");
    for (const [entry, i] of entries(expectations.access)) {
      const at = ["expectations", "access", i];
      const principal = ctx.valid([...at, "principal"]) ? entry.principal : undefined;
      if (principal !== undefined && "account" in principal) {
        ctx.account(principal.account, [...at, "principal", "account"]);
      }
      if (principal !== undefined && "vendor" in principal) {
        const vendor = principal.vendor;
        if (ctx.config.vendors === undefined) {
          ctx.issue(
            [...at, "principal", "vendor"],
            `vendor ${JSON.stringify(vendor)} is not defined: org-access:vendors is not set; add the vendor there or drop this expectation`,
          );
        } else if (vendorNames !== undefined && !vendorNames.includes(vendor)) {
          ctx.issue(
            [...at, "principal", "vendor"],
            `unknown vendor ${JSON.stringify(vendor)}; use a name from org-access:vendors (${vendorNames.join(", ") || "none defined"})`,
          );
        }
      }
      const role = ctx.valid([...at, "role"], { ownLevelOnly: true }) ? entry.role : undefined;
      if (role === undefined) continue;
      ctx.account(role.account, [...at, "role", "account"]);
      if (Array.isArray(role.accounts)) ctx.accountList(role.accounts, [...at, "role", "accounts"]);
      ctx.organizationalUnitList(role.organizationalUnits, [...at, "role", "organizationalUnits"]);
    }
  },
});
