import { z } from "zod";
import { roleName } from "./primitives";

/**
 * Exemptions from a guardrail (an SCP preset, the permissions boundary) name exact principals and
 * say why: a pattern (`arn:aws:iam::*:role/*`) exempts whoever matches it, now or later, and an
 * exemption without a reason is one nobody can review.
 */

/** An IAM role or user ARN with a 12-digit account and an exact name (a path is fine). */
export const EXACT_PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const show = (input: unknown): string => JSON.stringify(input) ?? String(input);

/** Why an exemption exists, reviewed with it. */
export const exemptionReasonSchema = z
  .string({ error: "expected the reason for the exemption as text" })
  .trim()
  .min(10, "say why this exemption exists (at least 10 characters), so a reviewer can judge it");

/** An exact role or user ARN: no wildcard in the account or the name, never the account root. */
export const exactPrincipalArnSchema = z
  .string({ error: "expected an IAM role or user ARN such as arn:aws:iam::123456789012:role/break-glass" })
  .superRefine((value, ctx) => {
    if (/[*?]/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} has a wildcard, which would exempt every principal it matches, now or later; name each principal by its exact role or user ARN (arn:aws:iam::123456789012:role/break-glass)`,
      });
    } else if (!EXACT_PRINCIPAL_ARN.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} is not an IAM role or user ARN; write it as arn:aws:iam::123456789012:role/<name> (or user/<name>)`,
      });
    }
  });

/** `{ principal, reason }`: one principal a guardrail leaves alone, and why. */
export const principalExemptionSchema = z
  .object(
    {
      principal: exactPrincipalArnSchema.meta({ description: "The exact role or user ARN." }),
      reason: exemptionReasonSchema.meta({ description: "Why this principal is exempt." }),
    },
    { error: "write each exemption as { principal: <exact role or user ARN>, reason: <why it is exempt> }" },
  )
  .strict();

/** `{ role, reason }`: one role name a guardrail leaves alone in every account, and why. */
export const roleExemptionSchema = z
  .object(
    {
      role: roleName.meta({ description: "The role's exact IAM name (no wildcards)." }),
      reason: exemptionReasonSchema.meta({ description: "Why this role is exempt." }),
    },
    { error: "write each exemption as { role: <exact role name>, reason: <why it is exempt> }" },
  )
  .strict();

export type PrincipalExemption = z.infer<typeof principalExemptionSchema>;
export type RoleExemption = z.infer<typeof roleExemptionSchema>;
