import { z } from "zod";

/**
 * Policy statements and managed policy references as config writes them, shared by every pattern that
 * lets config give a role permissions (CI deployment roles, permission sets, audit and delegation roles,
 * vendor roles).
 */

/** One string or a non-empty list of strings, as IAM accepts for `Action` and `Resource`. */
export const stringOrList = z.union([z.string(), z.array(z.string()).min(1)], {
  error: "expected a string or a list of strings",
});
const SID = /^[A-Za-z0-9]{1,128}$/;
const MANAGED_POLICY = /^(arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/)?[\w+=,.@/-]{1,512}$/;

/**
 * An identity-policy statement written in config (deployment roles, permission sets, audit and
 * delegation roles). `Allow` with `NotAction` is refused: it grants everything but a list.
 */
export const identityStatementSchema = z
  .object({
    Sid: z
      .string({ error: "expected a statement ID" })
      .regex(SID, "a Sid is letters and digits only")
      .optional()
      .meta({ description: "Statement ID: letters and digits." }),
    Effect: z
      .enum(["Allow", "Deny"], { error: 'expected "Allow" or "Deny"' })
      .default("Allow")
      .meta({ description: "`Allow` (default) or `Deny`." }),
    Action: stringOrList
      .optional()
      .meta({ description: "Actions, one or a list; give `Action` or `NotAction`." }),
    NotAction: stringOrList.optional().meta({
      description: "Every action but these, only in a `Deny` (`Allow` with `NotAction` is refused).",
    }),
    Resource: stringOrList.default("*").meta({ description: "Resources, one or a list; `*` by default." }),
    Condition: z
      .record(z.string(), z.record(z.string(), stringOrList))
      .optional()
      .meta({ description: "IAM conditions: operator to condition key to value(s)." }),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.Action === undefined) === (s.NotAction === undefined)) {
      ctx.addIssue({ code: "custom", path: ["Action"], message: "set exactly one of Action or NotAction" });
    }
    if (s.Effect === "Allow" && s.NotAction !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["NotAction"],
        message:
          "an Allow with NotAction grants every action but the listed ones; list the actions with Action",
      });
    }
  });

export type IdentityStatementConfig = z.infer<typeof identityStatementSchema>;

/** An AWS managed policy name (`ReadOnlyAccess`, `job-function/ViewOnlyAccess`) or a policy ARN. */
export const managedPolicyName = z
  .string({ error: "expected a managed policy name or ARN" })
  .regex(MANAGED_POLICY, "expected a managed policy name such as ReadOnlyAccess, or a policy ARN");

/** Whether a statement allows every action (`*`, `*:*`): administrator rights by another name. */
export function allowsEveryAction(statement: IdentityStatementConfig): boolean {
  if (statement.Effect !== "Allow" || statement.Action === undefined) return false;
  const actions = typeof statement.Action === "string" ? [statement.Action] : statement.Action;
  return actions.some((a) => a === "*" || a === "*:*");
}

/** Whether a managed policy reference is `AdministratorAccess`, by name or ARN. */
export function isAdministratorAccess(policy: string): boolean {
  return policy === "AdministratorAccess" || /:policy\/AdministratorAccess$/.test(policy);
}
