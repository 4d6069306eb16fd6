import { z } from "zod";
import {
  autoDeploymentSchema,
  DEFAULT_OPERATION_PREFERENCES,
  operationPreferencesSchema,
  stackSetNameSchema,
} from "../config/stackset";
import { checkTargets, targetFields } from "../config/targets";
import { roleName } from "../config/primitives";
import { section } from "../config/section";

export const ORGANIZATION_ACCESS_ROLE_NAME = "OrganizationAccountAccessRole";

const memberRoleSchema = z
  .object({
    /**
     * OUs (by name) whose member accounts get the role (accounts that join them later get it too),
     * single accounts outside them (one invited account), and accounts of the targeted OUs that keep
     * the role they already have (`excludeAccounts`). Never the management account.
     */
    ...targetFields,
    stackSetName: stackSetNameSchema
      .default("org-access-OrganizationAccountAccessRole")
      .meta({ description: "The StackSet's name in the management account." }),
    operationPreferences: operationPreferencesSchema,
    autoDeployment: autoDeploymentSchema(true).meta({
      description:
        "StackSet auto-deployment: accounts that join a target OU get the role; accounts that leave keep it.",
    }),
    propagationWaitSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(0, "use 0 to 300 seconds")
      .max(300, "use 0 to 300 seconds")
      .default(15)
      .meta({
        description:
          "Seconds a provider waits after the StackSet created the role it assumes (IAM propagation).",
      }),
  })
  .strict();

const managementRoleSchema = z
  .object({
    mode: z
      .enum(["create", "import", "unmanaged"], {
        error:
          'expected "create" (the role does not exist yet), "import" (adopt the existing role) or "unmanaged" (leave it alone)',
      })
      .default("unmanaged")
      .meta({
        description:
          "`create` (the role does not exist yet), `import` (adopt the existing role) or `unmanaged` (leave it alone).",
      }),
    managedPolicies: z
      .array(z.string({ error: "expected a managed policy name or ARN" }))
      .default(["AdministratorAccess"])
      .meta({
        description: "AWS managed policy names or ARNs; must match the existing role exactly in import mode.",
      }),
    description: z
      .string({ error: "expected a description string" })
      .max(1000)
      .optional()
      .meta({ description: "Must match the existing role's description in import mode (none by default)." }),
  })
  .strict();

const schema = z
  .object({
    roleName: roleName
      .default(ORGANIZATION_ACCESS_ROLE_NAME)
      .meta({ description: "The role's name in every account." }),
    memberRole: memberRoleSchema
      .optional()
      .meta({ description: "The member-account role, rolled out by a service-managed StackSet." }),
    managementRole: managementRoleSchema
      .optional()
      .meta({ description: "The management account's own copy, trusting AWS Organizations." }),
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
    checkTargets(ctx, member, path, {
      neverManagement: managementTargetMessage(ctx.managementAccount ?? "management"),
      stackSet: true,
      accountsInTargetedOus: "redundant",
      required:
        "targets nothing; list organizationalUnits (by name) and/or accounts that get the member role",
    });
  },
});

/** The message for any attempt to put the member-account role into the management account. */
export function managementTargetMessage(accountName: string): string {
  return `${JSON.stringify(accountName)} is the management account; the member-account OrganizationAccountAccessRole trusts the management account and must never be deployed there (service-managed StackSets skip it). Remove it here; the management account's own copy is org-access:organizationAccess.managementRole`;
}
