import { z } from "zod";
import {
  DEFAULT_OPERATION_PREFERENCES,
  operationPreferencesSchema,
  stackSetNameSchema,
} from "../../cloudformation/config";
import { checkStackSetOrganizationalUnits } from "../checks";
import { roleName } from "../primitives";
import { section } from "../section";

export const ORGANIZATION_ACCESS_ROLE_NAME = "OrganizationAccountAccessRole";

/** `memberRole`: the member-account role, rolled out by a service-managed StackSet. */
const memberRoleSchema = z
  .object({
    /** OUs (by name) whose member accounts get the role; accounts that join them later get it too. */
    organizationalUnits: z.array(z.string({ error: "expected an organizational unit name" })).default([]),
    /** Single accounts (by name) outside the targeted OUs, e.g. one invited account. */
    accounts: z.array(z.string({ error: "expected an account name" })).default([]),
    /** Accounts in the targeted OUs that keep the role they already have (created by AWS Organizations). */
    excludeAccounts: z.array(z.string({ error: "expected an account name" })).default([]),
    stackSetName: stackSetNameSchema.default("org-access-OrganizationAccountAccessRole"),
    operationPreferences: operationPreferencesSchema,
    autoDeployment: z
      .object({
        enabled: z.boolean({ error: "expected true or false" }).default(true),
        retainStacksOnAccountRemoval: z.boolean({ error: "expected true or false" }).default(true),
      })
      .strict()
      .default({ enabled: true, retainStacksOnAccountRemoval: true }),
    /** Seconds a provider waits after the StackSet created the role it assumes (IAM propagation). */
    propagationWaitSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(0, "use 0 to 300 seconds")
      .max(300, "use 0 to 300 seconds")
      .default(15),
  })
  .strict();

/** `managementRole`: the management account's own copy, trusting AWS Organizations. */
const managementRoleSchema = z
  .object({
    mode: z
      .enum(["create", "import", "unmanaged"], {
        error:
          'expected "create" (the role does not exist yet), "import" (adopt the existing role) or "unmanaged" (leave it alone)',
      })
      .default("unmanaged"),
    /** AWS managed policy names or ARNs; must match the existing role exactly in import mode. */
    managedPolicies: z
      .array(z.string({ error: "expected a managed policy name or ARN" }))
      .default(["AdministratorAccess"]),
    /** Must match the existing role's description in import mode (none by default). */
    description: z.string({ error: "expected a description string" }).max(1000).optional(),
  })
  .strict();

const schema = z
  .object({
    /** The role's name in every account. */
    roleName: roleName.default(ORGANIZATION_ACCESS_ROLE_NAME),
    memberRole: memberRoleSchema.optional(),
    managementRole: managementRoleSchema.optional(),
  })
  .strict()
  .optional();

export type OrganizationAccessConfig = NonNullable<z.infer<typeof schema>>;
export type MemberRoleConfig = z.infer<typeof memberRoleSchema>;
export type ManagementRoleConfig = z.infer<typeof managementRoleSchema>;
export { DEFAULT_OPERATION_PREFERENCES };

/** `org-access:organizationAccess`: OrganizationAccountAccessRole in member accounts and in the management account. */
export const organizationAccessSection = section({
  key: "organizationAccess",
  schema,
  check: (config, ctx) => {
    ctx.requireStackKind(
      "organizationAccess",
      "management",
      "OrganizationAccountAccessRole (org-access:organizationAccess)",
    );
    const member = config.memberRole;
    if (member === undefined || !ctx.valid(["organizationAccess", "memberRole"], { ownLevelOnly: true }))
      return;
    const path = ["organizationAccess", "memberRole"];
    const management = ctx.managementAccount;
    const valid = (key: string) => ctx.valid([...path, key]);
    const ous = valid("organizationalUnits") ? member.organizationalUnits : [];
    const listed = valid("accounts") ? member.accounts : [];

    if (valid("organizationalUnits") && valid("accounts") && ous.length === 0 && listed.length === 0) {
      ctx.issue(
        path,
        "targets nothing; list organizationalUnits (by name) and/or accounts that get the member role",
      );
    }
    checkStackSetOrganizationalUnits(ctx, ous, [...path, "organizationalUnits"], { requireAccounts: true });

    listed.forEach((value, i) => {
      const at = [...path, "accounts", i];
      if (value === management) {
        ctx.issue(at, managementTargetMessage(value));
        return;
      }
      ctx.account(value, at);
      const ou = ctx.accountNamed(value)?.ou;
      if (ou !== undefined && ous.includes(ou)) {
        ctx.issue(
          at,
          `account ${JSON.stringify(value)} is already targeted through organizational unit ${JSON.stringify(ou)}; remove it from accounts`,
        );
      }
    });

    const excluded = valid("excludeAccounts") ? member.excludeAccounts : [];
    ous.forEach((ou, i) => {
      const inOu = ctx.accountsIn(ou);
      if (inOu.length > 0 && inOu.every((a) => excluded.includes(a.name))) {
        ctx.issue(
          [...path, "organizationalUnits", i],
          `every account of organizational unit ${JSON.stringify(ou)} is in excludeAccounts, so its StackSet instance would deploy nowhere; remove the OU from the targets`,
        );
      }
    });
    excluded.forEach((value, i) => {
      const at = [...path, "excludeAccounts", i];
      if (value === management) {
        ctx.issue(at, "the management account is never in a StackSet target; remove it from excludeAccounts");
        return;
      }
      ctx.account(value, at);
      const ou = ctx.accountNamed(value)?.ou;
      if (ou !== undefined && valid("organizationalUnits") && !ous.includes(ou)) {
        ctx.issue(
          at,
          `account ${JSON.stringify(value)} is in organizational unit ${JSON.stringify(ou)}, which memberRole.organizationalUnits does not target; remove it from excludeAccounts`,
        );
      }
    });
  },
});

/** The message for any attempt to put the member-account role into the management account. */
export function managementTargetMessage(accountName: string): string {
  return `${JSON.stringify(accountName)} is the management account; the member-account OrganizationAccountAccessRole trusts the management account and must never be deployed there (service-managed StackSets skip it). Remove it here; the management account's own copy is org-access:organizationAccess.managementRole`;
}
