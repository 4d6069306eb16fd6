import { z } from "zod";
import { roleName } from "./primitives";
import { entries } from "./checks";
import { section } from "./section";

/**
 * `org-access:expectations`: who must (or must not) be able to assume which role, checked by the
 * offline plan (`npm run plan`) with an IAM simulator. The program itself creates nothing from this
 * key; it is validated with the rest of the config so a typo in an account name fails early.
 */

const accountRolePrincipal = z
  .object({
    account: z
      .string({ error: "expected the name of the principal's account" })
      .meta({ description: "The principal's account (by name)." }),
    role: roleName.meta({ description: "The role's name in that account." }),
  })
  .strict()
  .meta({ description: "A role (by name) in a named account: a CI role, a source role, a deployment role." });

const accountPrincipal = z
  .object({
    account: z
      .string({ error: "expected the name of the principal's account" })
      .meta({ description: "The account (by name)." }),
  })
  .strict()
  .meta({
    description:
      "Any principal of a named account that its own IAM policies allow (the account root in a trust).",
  });

const githubPrincipal = z
  .object({
    github: z
      .string({ error: "expected a GitHub OIDC subject such as repo:ORG/REPO:environment:prod" })
      .min(1)
      .meta({ description: "The OIDC subject.", examples: ["repo:example-org/app:environment:prod"] }),
  })
  .strict()
  .meta({ description: "A GitHub Actions OIDC subject, e.g. `repo:example-org/app:environment:prod`." });

const vendorPrincipal = z
  .object({
    vendor: z
      .string({ error: "expected the vendor's name from org-access:vendors" })
      .meta({ description: "The vendor's name in `org-access:vendors`." }),
    withoutExternalId: z
      .boolean({ error: "expected true or false" })
      .default(false)
      .meta({ description: "Ask about a caller that omits the ExternalId." }),
  })
  .strict()
  .meta({
    description:
      "A vendor from `org-access:vendors`; `withoutExternalId` asks about a caller that omits the ExternalId.",
  });

const userPrincipal = z
  .object({
    account: z
      .string({ error: "expected the name of the user's account" })
      .meta({ description: "The user's account (by name)." }),
    user: z
      .string({ error: "expected the IAM user name" })
      .min(1)
      .meta({ description: "The IAM user's name." }),
  })
  .strict()
  .meta({
    description:
      "An IAM user of a named account, such as the delegation pattern's `alice` in the security account.",
  });

const identityCenterGroupPrincipal = z
  .object({
    identityCenterGroup: z
      .string({ error: "expected a group name from org-access:identityCenter.groups" })
      .min(1)
      .meta({ description: "The group's name in `org-access:identityCenter.groups`." }),
  })
  .strict()
  .meta({ description: "An Identity Center group by its name in `org-access:identityCenter.groups`." });

const outsidePrincipal = z
  .object({
    outsideOrganization: z.literal(true, { error: "expected true" }).meta({ description: "`true`." }),
  })
  .strict()
  .meta({ description: "Any AWS principal outside the organization (with every permission of its own)." });

const servicePrincipal = z
  .object({
    service: z
      .string()
      .regex(
        /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/,
        "expected an AWS service principal such as ec2.amazonaws.com",
      )
      .meta({ description: "The service principal.", examples: ["ecs-tasks.amazonaws.com"] }),
  })
  .strict()
  .meta({ description: "An AWS service principal such as `organizations.amazonaws.com`." });

const arnPrincipal = z
  .object({
    arn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/,
        "expected an IAM principal ARN such as arn:aws:iam::123456789012:root",
      )
      .meta({ description: "The principal's ARN.", examples: ["arn:aws:iam::123456789012:root"] }),
  })
  .strict()
  .meta({ description: "Any principal outside the inventory, by ARN (an external account root or role)." });

const principalSchema = z
  .union(
    [
      accountRolePrincipal,
      userPrincipal,
      accountPrincipal,
      githubPrincipal,
      vendorPrincipal,
      servicePrincipal,
      arnPrincipal,
      identityCenterGroupPrincipal,
      outsidePrincipal,
    ],
    {
      error:
        "expected one of { account, role }, { account, user }, { account }, { github }, { vendor, withoutExternalId? }, { service }, { arn }, { identityCenterGroup } or { outsideOrganization: true }",
    },
  )
  .meta({
    description:
      "Who: `{ account, role }`, `{ account, user }`, `{ account }`, `{ github }`, `{ vendor, withoutExternalId? }`, `{ service }`, `{ arn }`, `{ identityCenterGroup }` or `{ outsideOrganization: true }`.",
  });

/** Condition keys and values the caller presents, e.g. `{ "aws:MultiFactorAuthPresent": "false" }`. */
const contextSchema = z.record(z.string(), z.string({ error: "expected a string value" }), {
  error: 'expected condition keys and values, e.g. { "aws:SourceIp": "198.51.100.7" }',
});

const roleTargetSchema = z
  .object({
    name: roleName.meta({ description: "The role's name." }),
    account: z
      .string({ error: "expected an account name" })
      .optional()
      .meta({ description: "The one account (by name) the role is in." }),
    accounts: z
      .union([z.literal("all"), z.array(z.string({ error: "expected an account name" }))], {
        error: 'expected "all" or a list of account names',
      })
      .optional()
      .meta({ description: "The accounts (by name) the role is in, or `all`." }),
    organizationalUnits: z
      .array(z.string({ error: "expected an organizational unit name" }))
      .optional()
      .meta({ description: "The OUs (by name) whose accounts the role is in." }),
  })
  .strict()
  .refine(
    (r) => [r.account, r.accounts, r.organizationalUnits].filter((v) => v !== undefined).length <= 1,
    "give at most one of `account`, `accounts` and `organizationalUnits`",
  )
  .meta({
    description:
      "The role side: a role name and where it lives. Without `account`, `accounts` or `organizationalUnits` it means every account in which this stack creates the role.",
  });

const actionName = z
  .string({ error: "expected an IAM action such as s3:PutObject" })
  .regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, "expected an IAM action such as s3:PutObject");

/**
 * Either a role question (`role`: can the principal assume it, directly or with `chain: true` through
 * any chain) or an action question (`action`/`actions` on a `resource` ARN or in an `account`: can
 * the principal, or any role it reaches, do it).
 */
const expectationSchema = z
  .object({
    principal: principalSchema.meta({ description: "Who asks: the caller whose access is checked." }),
    role: roleTargetSchema
      .optional()
      .meta({ description: "Role questions: the role the principal must (or must not) be able to assume." }),
    chain: z.boolean({ error: "expected true or false" }).optional().meta({
      description:
        "Role questions: also through chains of role assumptions (and escalation), not only directly.",
    }),
    action: actionName
      .optional()
      .meta({ description: "Action questions: one IAM action.", examples: ["s3:PutObject"] }),
    actions: z
      .array(actionName)
      .min(1, "name at least one action")
      .optional()
      .meta({ description: "Action questions: IAM actions, each checked on its own." }),
    resource: z.string({ error: "expected a resource ARN" }).min(1).optional().meta({
      description:
        "Action questions: the resource acted on (an S3 object or bucket ARN, a KMS key ARN or alias).",
    }),
    account: z.string({ error: "expected an account name" }).optional().meta({
      description: "Action questions: the account acted in (for actions on the account's own resources).",
    }),
    region: z.string({ error: "expected a region such as eu-west-1" }).optional().meta({
      description:
        "Action questions: the region of the request (`aws:RequestedRegion`); default: the providers' region.",
    }),
    context: contextSchema.optional().meta({
      description: "Condition keys the caller presents (known values: not left for the plan to satisfy).",
    }),
    sessionPolicy: z
      .record(z.string(), z.unknown(), { error: "expected a policy document" })
      .optional()
      .meta({
        description:
          "Action questions: a session policy the caller passes when assuming the role it acts with.",
      }),
    resourcePolicyStatements: z
      .array(z.record(z.string(), z.unknown(), { error: "expected a policy statement" }), {
        error: "expected a list of policy statements",
      })
      .min(1, "list at least one statement, or leave resourcePolicyStatements out")
      .optional()
      .meta({
        description:
          'Action questions on a resource: statements added to its policy (the bucket or key policy this stack creates) for this question only, to ask what a widened policy would let in, e.g. whether the data-perimeter RCP still refuses outsiders when someone adds `Principal: "*"`.',
      }),
    expect: z
      .enum(["allowed", "denied"], { error: 'expected "allowed" or "denied"' })
      .meta({ description: "`allowed` or `denied`." }),
    why: z
      .string({ error: "expected a sentence saying why" })
      .optional()
      .meta({ description: "Why this must hold; shown next to a failure so a reviewer knows what broke." }),
  })
  .strict()
  .superRefine((e, ctx) => {
    const hasAction = e.action !== undefined || e.actions !== undefined;
    if ((e.role === undefined) === !hasAction) {
      ctx.addIssue({
        code: "custom",
        message:
          "give either `role` (who can assume it) or `action`/`actions` with `resource` or `account` (who can do it)",
      });
    }
    if (hasAction && (e.resource === undefined) === (e.account === undefined)) {
      ctx.addIssue({
        code: "custom",
        message:
          "an action expectation names exactly one of `resource` (an ARN) and `account` (an account name)",
      });
    }
    if (e.resourcePolicyStatements !== undefined && e.resource === undefined && hasAction) {
      ctx.addIssue({
        code: "custom",
        path: ["resourcePolicyStatements"],
        message:
          "`resourcePolicyStatements` widen the policy of a `resource`; name the resource (an S3 object or bucket ARN, a KMS key ARN or alias)",
      });
    }
    if (e.role !== undefined) {
      for (const key of [
        "resource",
        "account",
        "region",
        "sessionPolicy",
        "resourcePolicyStatements",
      ] as const) {
        if (e[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `\`${key}\` belongs to action expectations; a role expectation names the role's account in \`role\``,
          });
        }
      }
    }
  });

/** Limits on chains of role assumptions, checked by the plan. */
const chainsSchema = z
  .object({
    maxDepth: z.number({ error: "expected a number of hops" }).int().positive().default(2).meta({
      description: "A chain deeper than this is a finding (default 2: an entry point, a hop, a second hop).",
    }),
  })
  .strict();

const expectationsSchema = z
  .object({
    access: z.array(expectationSchema).default([]).meta({
      description:
        "Questions the plan answers: can this principal assume this role, or do these actions; each expects `allowed` or `denied`.",
    }),
    maxProviders: z.number({ error: "expected a number of providers" }).int().positive().default(50).meta({
      description:
        "Above this many explicit AWS providers (one process each in a real `pulumi up`) the plan warns and suggests a StackSet rollout or sharding with `org-access:scope`.",
    }),
    chains: chainsSchema
      .default({ maxDepth: 2 })
      .meta({ description: "Limits on chains of role assumptions, checked by the plan." }),
    adminPrincipals: z.array(principalSchema).optional().meta({
      description:
        "Principals whose reach to admin-equivalent access is intended; a path from any other entry point is a finding. Default: the management account's principals, AWS services, Identity Center groups given a break-glass permission set, and this project's deploy pipeline.",
    }),
  })
  .strict()
  .optional();

export type PrincipalExpectation = z.infer<typeof principalSchema>;
export type RoleTargetExpectation = z.infer<typeof roleTargetSchema>;
export type AccessExpectation = z.infer<typeof expectationSchema>;
export type RoleExpectation = AccessExpectation & { readonly role: RoleTargetExpectation };
export type ExpectationsConfig = z.infer<typeof expectationsSchema>;

/** `org-access:expectations`. */
export const expectationsSection = section({
  key: "expectations",
  schema: expectationsSchema,
  check: (expectations, ctx) => {
    for (const [principal, i] of entries(expectations.adminPrincipals ?? [])) {
      if (ctx.valid(["expectations", "adminPrincipals", i]) && "account" in principal) {
        ctx.account(principal.account, ["expectations", "adminPrincipals", i, "account"]);
      }
    }
    const groups = ctx.valid(["identityCenter"], { ownLevelOnly: true })
      ? ctx.config.identityCenter?.groups
      : undefined;
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
      if (principal !== undefined && "identityCenterGroup" in principal && groups !== undefined) {
        if (!(principal.identityCenterGroup in groups)) {
          ctx.issue(
            [...at, "principal", "identityCenterGroup"],
            `unknown Identity Center group ${JSON.stringify(principal.identityCenterGroup)}; use a name from org-access:identityCenter.groups (${Object.keys(groups).join(", ") || "none defined"})`,
          );
        }
      }
      if (ctx.valid([...at, "account"])) ctx.account(entry.account, [...at, "account"]);
      const role = ctx.valid([...at, "role"], { ownLevelOnly: true }) ? entry.role : undefined;
      if (role === undefined) continue;
      ctx.account(role.account, [...at, "role", "account"]);
      if (Array.isArray(role.accounts)) ctx.accountList(role.accounts, [...at, "role", "accounts"]);
      ctx.organizationalUnitList(role.organizationalUnits, [...at, "role", "organizationalUnits"]);
    }
  },
});
