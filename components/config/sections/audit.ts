import { z } from "zod";
import {
  autoDeploymentSchema,
  checkStackSetOrganizationalUnits,
  DEFAULT_BOUNDARY_STACKSET_NAME,
  DEFAULT_MEMBER_ROLE_STACKSET_NAME,
  DEFAULT_OPERATION_PREFERENCES,
  operationPreferencesSchema,
  rawAccounts,
  stackSetNameSchema,
} from "../../cloudformation/config";
import { roleName } from "../primitives";
import { asArray, field, isString } from "../refs";
import { section, SectionCheckContext } from "../section";
import { allowsEveryAction, identityStatementSchema, managedPolicyName } from "./cicd";

/**
 * `org-access:audit`: the central audit read role. Member accounts get a read-only role that only
 * the security account's automation role may assume, inside the organization. The same key goes in
 * both stack files: the security stack creates the automation role in its own account, the
 * management stack the read roles in the targets. See docs/role-patterns.md.
 */

export const DEFAULT_AUDIT_ROLE_NAME = "AuditReadRole";
export const DEFAULT_AUDIT_AUTOMATION_ROLE_NAME = "audit-automation";
export const DEFAULT_AUDIT_ACCOUNT = "security";

/** Managed policies that write: an audit role reads and detects, it never changes anything. */
const WRITE_POLICIES = /(^|\/)(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

const schema = z
  .object({
    /** Account (by name) whose automation reads the members: the security account. */
    automationAccount: z.string({ error: "expected an account name" }).default(DEFAULT_AUDIT_ACCOUNT),
    /** The automation role in that account, the only principal the audit roles trust. */
    automationRoleName: roleName.default(DEFAULT_AUDIT_AUTOMATION_ROLE_NAME),
    automationRole: z
      .object({
        /** Principals of the automation account that may start from it (ARNs); default: that account. */
        trustedPrincipalArns: z
          .array(
            z
              .string()
              .regex(
                /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/,
                "expected an IAM role or user ARN of the automation account",
              ),
          )
          .default([]),
      })
      .strict()
      .default({ trustedPrincipalArns: [] }),
    /** The read role's name in every target account. */
    roleName: roleName.default(DEFAULT_AUDIT_ROLE_NAME),
    /** Where the read role goes. */
    targets: z
      .object({
        organizationalUnits: z.array(z.string({ error: "expected an OU name" })).default([]),
        accounts: z.array(z.string({ error: "expected an account name" })).default([]),
      })
      .strict()
      .refine((t) => t.organizationalUnits.length > 0 || t.accounts.length > 0, {
        message: "list the organizationalUnits or accounts that get the audit read role",
      }),
    /** Read-only managed policies; `SecurityAudit` by default, `[]` with a tighter inlinePolicy. */
    managedPolicies: z
      .array(
        managedPolicyName.refine((policy) => !WRITE_POLICIES.test(policy), {
          error: (issue) =>
            `${String(issue.input)} writes; an audit role reads and detects only: use SecurityAudit, job-function/ViewOnlyAccess or a read-only inlinePolicy`,
        }),
      )
      .default(["SecurityAudit"]),
    /** A tighter custom read policy, instead of or besides the managed ones. */
    inlinePolicy: z
      .array(
        identityStatementSchema.refine((statement) => !allowsEveryAction(statement), {
          path: ["Action"],
          message:
            'allowing "*" is not a read policy; list the read actions (Describe*, Get*, List*) the automation needs',
        }),
      )
      .min(1, "list at least one statement, or remove inlinePolicy")
      .optional(),
    /** How the role reaches the accounts: per-account providers, or one StackSet over the target OUs. */
    rollout: z
      .object({
        mode: z
          .enum(["providers", "stackset"], {
            error:
              '"providers" (the management stack creates each copy through per-account providers) or "stackset" (one service-managed StackSet over targets.organizationalUnits)',
          })
          .default("providers"),
        /** The StackSet's name in the management account; default `org-access-<roleName>`. */
        stackSetName: stackSetNameSchema.optional(),
        operationPreferences: operationPreferencesSchema,
        // Access for an account that left the organization is access nobody reviews: remove it.
        autoDeployment: autoDeploymentSchema(false),
      })
      .strict()
      .default({
        mode: "providers",
        operationPreferences: { ...DEFAULT_OPERATION_PREFERENCES },
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      }),
    /** Longest session of the read role. */
    maxSessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(900, "sessions last at least 900 seconds; set 900 to 3600")
      .max(3600, "role chaining caps sessions at 3600 seconds; set 900 to 3600")
      .default(3600),
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
  crossCheck: (raw, ctx) => {
    const kind = field(ctx.root.deployment, "kind");
    const home = field(ctx.root.deployment, "account");
    const automation = field(raw, "automationAccount") ?? DEFAULT_AUDIT_ACCOUNT;
    const at = `${ctx.path}.automationAccount`;
    if (isString(automation) && !rawAccounts(ctx.root).some((a) => a.name === automation)) {
      ctx.refs.issue(
        at,
        field(raw, "automationAccount") === undefined
          ? `defaults to "security", and no account has that name; set automationAccount to the security account's name`
          : `unknown account ${JSON.stringify(automation)}; use a name from org-access:accounts`,
      );
    } else if (kind === "security" && isString(automation) && isString(home) && automation !== home) {
      // The security stack creates the automation role in its own account, with its own credentials.
      ctx.refs.issue(
        at,
        `the security stack creates the automation role in its own account ${JSON.stringify(home)}; set automationAccount: ${home}`,
      );
    }
    const targets = field(raw, "targets");
    ctx.refs.accounts(field(targets, "accounts"), `${ctx.path}.targets.accounts`);
    asArray(field(targets, "organizationalUnits")).forEach((ou, i) => {
      ctx.refs.organizationalUnit(ou, `${ctx.path}.targets.organizationalUnits[${i}]`);
    });
    checkRollout(raw, ctx);
    const ids = rawAccounts(ctx.root).find((a) => a.name === automation)?.id;
    asArray(field(field(raw, "automationRole"), "trustedPrincipalArns")).forEach((arn, i) => {
      if (isString(arn) && ids !== undefined && arn.split(":")[4] !== ids) {
        ctx.refs.issue(
          `${ctx.path}.automationRole.trustedPrincipalArns[${i}]`,
          `is not in the automation account ${String(automation)} (${ids}); the automation role trusts principals of its own account only`,
        );
      }
    });
  },
});

/**
 * `rollout.mode: stackset`: the StackSet takes the target OUs (never the root, never an empty OU);
 * the listed accounts, the management account among them, stay with per-account providers.
 */
function checkRollout(raw: unknown, ctx: SectionCheckContext): void {
  const rollout = field(raw, "rollout");
  if (field(rollout, "mode") !== "stackset") return;
  const at = `${ctx.path}.rollout`;
  const ous = field(field(raw, "targets"), "organizationalUnits");
  if (asArray(ous).length === 0) {
    ctx.refs.issue(
      `${at}.mode`,
      "stackset rolls the role out to targets.organizationalUnits, and none are listed; list the OUs, or use mode: providers for single accounts",
    );
  }
  checkStackSetOrganizationalUnits(ous, `${ctx.path}.targets.organizationalUnits`, ctx, {
    requireAccounts: true,
  });
  const roleNameValue = field(raw, "roleName") ?? DEFAULT_AUDIT_ROLE_NAME;
  const name =
    field(rollout, "stackSetName") ?? (isString(roleNameValue) ? `org-access-${roleNameValue}` : undefined);
  const taken: [string, unknown][] = [
    [
      "org-access:organizationAccess.memberRole.stackSetName",
      field(field(ctx.root.organizationAccess, "memberRole"), "stackSetName") ??
        (field(ctx.root.organizationAccess, "memberRole") === undefined
          ? undefined
          : DEFAULT_MEMBER_ROLE_STACKSET_NAME),
    ],
    [
      "org-access:guardrails.permissionsBoundary.rollout.stackSetName",
      field(field(field(ctx.root.guardrails, "permissionsBoundary"), "rollout"), "stackSetName") ??
        (field(field(field(ctx.root.guardrails, "permissionsBoundary"), "rollout"), "mode") === "stackset"
          ? DEFAULT_BOUNDARY_STACKSET_NAME
          : undefined),
    ],
  ];
  for (const [key, other] of taken) {
    if (isString(name) && other === name) {
      ctx.refs.issue(
        `${at}.stackSetName`,
        `StackSet ${JSON.stringify(name)} is already ${key}; StackSet names are unique in the management account: set rollout.stackSetName`,
      );
    }
  }
}
