import { z } from "zod";
import { autoDeploymentSchema, operationPreferencesSchema, stackSetNameSchema } from "../config/stackset";
import { CheckContext } from "../config/checks";
import { checkTargets, targetsSchema } from "../config/targets";
import { roleName } from "../config/primitives";
import { section } from "../config/section";
import { requireReadOnly, validPolicies } from "../config/policies";
import { identityStatementSchema, managedPolicyName } from "../config/statements";

/**
 * `org-access:audit`: the central audit read role. Member accounts get a read-only role that only
 * the security account's automation role may assume, inside the organization. The same key goes in
 * both stack files: the security stack creates the automation role in its own account, the
 * management stack the read roles in the targets. See docs/audit.md.
 */

export const DEFAULT_AUDIT_ROLE_NAME = "AuditReadRole";
export const DEFAULT_AUDIT_AUTOMATION_ROLE_NAME = "audit-automation";
export const DEFAULT_AUDIT_ACCOUNT = "security";

const schema = z
  .object({
    automationAccount: z
      .string({ error: "expected an account name" })
      .default(DEFAULT_AUDIT_ACCOUNT)
      .meta({ description: "Account (by name) whose automation reads the members: the security account." }),
    automationRoleName: roleName.default(DEFAULT_AUDIT_AUTOMATION_ROLE_NAME).meta({
      description: "The automation role in that account, the only principal the audit roles trust.",
    }),
    automationRole: z
      .object({
        trustedPrincipalArns: z
          .array(
            z
              .string()
              .regex(
                /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/,
                "expected an IAM role or user ARN of the automation account",
              ),
          )
          .default([])
          .meta({
            description:
              "Principals of the automation account that may start from it (ARNs); default: that account.",
          }),
      })
      .strict()
      .prefault({})
      .meta({
        description:
          "The automation side of the trust: which principals of the automation account may start from it.",
      }),
    roleName: roleName
      .default(DEFAULT_AUDIT_ROLE_NAME)
      .meta({ description: "The read role's name in every target account." }),
    targets: targetsSchema
      .refine(
        (t) => t.organizationalUnits.length > 0 || t.accounts.length > 0 || t.includeManagementAccount,
        {
          message: "list the organizationalUnits or accounts that get the audit read role",
        },
      )
      .meta({ description: "Where the read role goes." }),
    managedPolicies: z.array(managedPolicyName).default(["SecurityAudit"]).meta({
      description:
        "Read-only managed policies; `SecurityAudit` by default, `[]` with a tighter inlinePolicy.",
    }),
    inlinePolicy: z
      .array(identityStatementSchema)
      .min(1, "list at least one statement, or remove inlinePolicy")
      .optional()
      .meta({ description: "A tighter custom read policy, instead of or besides the managed ones." }),
    rollout: z
      .object({
        mode: z
          .enum(["providers", "stackset"], {
            error:
              '"providers" (the management stack creates each copy through per-account providers) or "stackset" (one service-managed StackSet over targets.organizationalUnits)',
          })
          .default("providers")
          .meta({
            description:
              "`providers`: one copy per account through its provider; `stackset`: one service-managed StackSet over `targets.organizationalUnits`.",
          }),
        stackSetName: stackSetNameSchema.optional().meta({
          description: "The StackSet's name in the management account; default `org-access-<roleName>`.",
        }),
        operationPreferences: operationPreferencesSchema,
        // Access for an account that left the organization is access nobody reviews: remove it.
        autoDeployment: autoDeploymentSchema(false).meta({
          description:
            "StackSet auto-deployment; an account that leaves loses the read role (access nobody reviews is removed).",
        }),
      })
      .strict()
      .prefault({})
      .meta({
        description:
          "How the role reaches the accounts: per-account providers, or one StackSet over the target OUs.",
      }),
    maxSessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(900, "sessions last at least 900 seconds; set 900 to 3600")
      .max(3600, "role chaining caps sessions at 3600 seconds; set 900 to 3600")
      .default(3600)
      .meta({ description: "Longest session of the read role." }),
  })
  .strict()
  .superRefine((audit, ctx) => {
    if (audit.managedPolicies.length === 0 && audit.inlinePolicy === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["managedPolicies"],
        message: "the audit role needs a read policy: keep SecurityAudit or give a read-only inlinePolicy",
      });
    }
  });

export type AuditConfig = z.infer<typeof schema>;

/** `org-access:audit`. */
export const auditSection = section({
  key: "audit",
  schema: schema.optional(),
  check: (audit, ctx) => {
    const automation = audit.automationAccount;
    const at = ["audit", "automationAccount"];
    if (typeof automation === "string" && !ctx.isAccount(automation)) {
      ctx.issue(
        at,
        ctx.source.isSet(at)
          ? `unknown account ${JSON.stringify(automation)}; use a name from org-access:accounts`
          : `defaults to "security", and no account has that name; set automationAccount to the security account's name`,
      );
    } else if (
      ctx.kind === "security" &&
      typeof automation === "string" &&
      ctx.home !== undefined &&
      automation !== ctx.home
    ) {
      // The security stack creates the automation role in its own account, with its own credentials.
      ctx.issue(
        at,
        `the security stack creates the automation role in its own account ${JSON.stringify(ctx.home)}; set automationAccount: ${ctx.home}`,
      );
    }
    const stackSet = ctx.valid(["audit", "rollout", "mode"]) && audit.rollout.mode === "stackset";
    if (ctx.valid(["audit", "targets"], { ownLevelOnly: true })) {
      checkTargets(ctx, audit.targets, ["audit", "targets"], { stackSet });
    }
    checkRollout(audit, ctx);
    // An audit role reads and detects; it never changes anything.
    requireReadOnly(
      ctx,
      validPolicies(
        ctx,
        { refs: audit.managedPolicies, path: ["audit", "managedPolicies"] },
        { statements: audit.inlinePolicy, path: ["audit", "inlinePolicy"] },
      ),
      "the audit read role",
    );
    const id = typeof automation === "string" ? ctx.accountNamed(automation)?.id : undefined;
    if (id !== undefined && ctx.valid(["audit", "automationRole", "trustedPrincipalArns"])) {
      audit.automationRole.trustedPrincipalArns.forEach((arn, i) => {
        if (arn.split(":")[4] !== id) {
          ctx.issue(
            ["audit", "automationRole", "trustedPrincipalArns", i],
            `is not in the automation account ${automation} (${id}); the automation role trusts principals of its own account only`,
          );
        }
      });
    }
  },
});

/**
 * `rollout.mode: stackset`: the StackSet takes the target OUs (never the root, never an empty OU);
 * the listed accounts, the management account among them, stay with per-account providers.
 */
function checkRollout(audit: AuditConfig, ctx: CheckContext): void {
  if (!ctx.valid(["audit", "rollout", "mode"]) || audit.rollout.mode !== "stackset") return;
  const at = ["audit", "rollout"];
  const ous = ctx.valid(["audit", "targets", "organizationalUnits"])
    ? audit.targets.organizationalUnits
    : undefined;
  if (ous === undefined) return;
  if (ous.length === 0) {
    ctx.issue(
      [...at, "mode"],
      "stackset rolls the role out to targets.organizationalUnits, and none are listed; list the OUs, or use mode: providers for single accounts",
    );
  }
  if (!ctx.valid(["audit", "roleName"]) || !ctx.valid([...at, "stackSetName"])) return;
  const name = audit.rollout.stackSetName ?? `org-access-${audit.roleName}`;
  const { organizationAccess, guardrails } = ctx.config;
  const boundaryRollout = guardrails?.permissionsBoundary?.rollout;
  const taken: [string, string | undefined][] = [
    ["org-access:organizationAccess.memberRole.stackSetName", organizationAccess?.memberRole?.stackSetName],
    [
      "org-access:guardrails.permissionsBoundary.rollout.stackSetName",
      boundaryRollout !== undefined &&
      (boundaryRollout.mode === "stackset" ||
        ctx.source.isSet(["guardrails", "permissionsBoundary", "rollout", "stackSetName"]))
        ? boundaryRollout.stackSetName
        : undefined,
    ],
  ];
  for (const [key, other] of taken) {
    if (other === name) {
      ctx.issue(
        [...at, "stackSetName"],
        `StackSet ${JSON.stringify(name)} is already ${key}; StackSet names are unique in the management account: set rollout.stackSetName`,
      );
    }
  }
}
