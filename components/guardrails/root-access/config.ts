import { z } from "zod";
import { ROOT_ACCESS_FEATURES } from "./centralized-root-access";
import { CheckContext } from "../../config/checks";

/**
 * `org-access:guardrails.rootAccess`: centralized root access for member accounts, enabled by the
 * management stack. Removing the root credentials that member accounts already have stays a
 * deliberate step per account (docs/guardrails.md), never something the program does.
 */
export const rootAccessSchema = z
  .object({
    features: z
      .array(
        z.enum(ROOT_ACCESS_FEATURES, {
          error: `expected ${ROOT_ACCESS_FEATURES.join(" or ")}`,
        }),
      )
      .min(1, `list at least one feature: ${ROOT_ACCESS_FEATURES.join(", ")}`)
      .default([...ROOT_ACCESS_FEATURES])
      .meta({
        description:
          "`RootCredentialsManagement` (remove, audit, recover member root credentials) and `RootSessions` (sts:AssumeRoot).",
      }),
  })
  .strict();

export type RootAccessConfig = z.infer<typeof rootAccessSchema>;

/** Centralized root access is enabled from the management account only. */
export function checkRootAccess(
  guardrails: { readonly rootAccess?: RootAccessConfig },
  ctx: CheckContext,
): void {
  if (guardrails.rootAccess === undefined || ctx.kind !== "security") return;
  ctx.issue(
    ["guardrails", "rootAccess"],
    "centralized root access is enabled from the management account, and this is a security stack; move rootAccess to Pulumi.management.yaml",
  );
}
