import { z } from "zod";
import { INTERNAL_ACCESS_RESOURCE_TYPES } from "./access-analyzers";
import { CheckContext } from "../../config/checks";
import { ACCESS_ANALYZER_PRINCIPAL } from "../../naming";

/**
 * `org-access:guardrails.accessAnalyzers`: the organization's IAM Access Analyzer analyzers, in the
 * member account registered as Access Analyzer's delegated administrator. The same block goes in
 * both stacks: the management stack registers the account, the stack deploying from that account
 * (the security stack) creates the analyzers.
 */

export const DEFAULT_ANALYZER_NAMES = {
  externalAccess: "org-access-external-access",
  unusedAccess: "org-access-unused-access",
  internalAccess: "org-access-internal-access",
} as const;

/** Access Analyzer's name rule: a letter, then letters, digits and `_ . -`, 255 at most. */
const analyzerName = z
  .string({ error: "expected an analyzer name" })
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not an analyzer name; start with a letter, then letters, digits and _ . - (255 at most)`,
  });

const accountNames = z.array(z.string({ error: "expected an account name" }));

export const accessAnalyzersSchema = z
  .object({
    delegatedAdministrator: z
      .string({ error: "expected the name of the delegated administrator account" })
      .meta({
        description:
          "The member account registered as Access Analyzer's delegated administrator; the analyzers live there.",
      }),
    externalAccess: z
      .object({
        enabled: z
          .boolean({ error: "expected true or false" })
          .default(true)
          .meta({ description: "Create the external access analyzer." }),
        analyzerName: analyzerName
          .default(DEFAULT_ANALYZER_NAMES.externalAccess)
          .meta({ description: "The analyzer's name." }),
      })
      .strict()
      .default({ enabled: true, analyzerName: DEFAULT_ANALYZER_NAMES.externalAccess })
      .meta({
        description:
          "External access (`ORGANIZATION`): resources reachable from outside the organization. On by default.",
      }),
    unusedAccess: z
      .object({
        analyzerName: analyzerName
          .default(DEFAULT_ANALYZER_NAMES.unusedAccess)
          .meta({ description: "The analyzer's name." }),
        unusedAccessAgeDays: z
          .number({ error: "expected a number of days" })
          .int("expected a whole number of days")
          .min(1, "Access Analyzer accepts 1 to 365 days")
          .max(365, "Access Analyzer accepts 1 to 365 days")
          .meta({ description: "Days without use after which access is reported as unused." }),
        excludeAccounts: accountNames.default([]).meta({
          description:
            "Member accounts whose roles and users generate no finding (never the delegated administrator).",
        }),
      })
      .strict()
      .optional()
      .meta({
        description:
          "Unused access (`ORGANIZATION_UNUSED_ACCESS`): roles, keys, passwords and permissions left unused.",
      }),
    internalAccess: z
      .object({
        analyzerName: analyzerName
          .default(DEFAULT_ANALYZER_NAMES.internalAccess)
          .meta({ description: "The analyzer's name." }),
        resourceTypes: z
          .array(
            z.enum(INTERNAL_ACCESS_RESOURCE_TYPES, {
              error: `expected a resource type internal access analyzers support: ${INTERNAL_ACCESS_RESOURCE_TYPES.join(", ")}`,
            }),
          )
          .default([])
          .meta({ description: "Only these resource types; all the supported ones when empty." }),
        accounts: accountNames
          .default([])
          .meta({ description: "Only resources of these member accounts; every account when empty." }),
      })
      .strict()
      .optional()
      .meta({
        description:
          "Internal access (`ORGANIZATION_INTERNAL_ACCESS`): who inside the organization reaches critical resources.",
      }),
  })
  .strict();

export type AccessAnalyzersConfig = z.infer<typeof accessAnalyzersSchema>;

/**
 * The analyzers' account: a member account of the inventory, never the management account; the
 * stack that creates the analyzers deploys from it; the management stack registers it once, so a
 * `delegatedAdministrators.services` entry for Access Analyzer must name the same account.
 */
export function checkAccessAnalyzers(
  guardrails: { readonly accessAnalyzers?: AccessAnalyzersConfig },
  ctx: CheckContext,
): void {
  const base = ["guardrails", "accessAnalyzers"] as const;
  const config = guardrails.accessAnalyzers;
  if (config === undefined || config === null || !ctx.valid(base, { ownLevelOnly: true })) return;
  const admin = ctx.valid([...base, "delegatedAdministrator"]) ? config.delegatedAdministrator : undefined;
  if (admin !== undefined) {
    if (admin === ctx.managementAccount) {
      ctx.issue(
        [...base, "delegatedAdministrator"],
        `${JSON.stringify(admin)} is the management account; organization analyzers belong in the member account registered as Access Analyzer's delegated administrator (the security account), so the management account stays narrow`,
      );
    } else {
      ctx.account(admin, [...base, "delegatedAdministrator"]);
      if (ctx.kind === "security" && ctx.home !== undefined && ctx.home !== admin) {
        ctx.issue(
          [...base, "delegatedAdministrator"],
          `this security stack deploys from ${JSON.stringify(ctx.home)}, and the analyzers can only be created in the delegated administrator ${JSON.stringify(admin)}; deploy this block from the stack that runs in ${JSON.stringify(admin)}`,
        );
      }
    }
  }
  if (ctx.valid([...base, "unusedAccess"]) && config.unusedAccess !== undefined) {
    config.unusedAccess.excludeAccounts.forEach((account, i) => {
      const at = [...base, "unusedAccess", "excludeAccounts", i];
      if (account === admin) {
        ctx.issue(
          at,
          `${JSON.stringify(account)} owns the analyzer, and Access Analyzer cannot exclude the analyzer's own account; remove it`,
        );
      } else ctx.account(account, at);
    });
  }
  if (ctx.valid([...base, "internalAccess"]) && config.internalAccess !== undefined) {
    config.internalAccess.accounts.forEach((account, i) =>
      ctx.account(account, [...base, "internalAccess", "accounts", i]),
    );
  }
  // One registration: a delegatedAdministrators entry for Access Analyzer must agree with this block.
  const delegated = ctx.config.delegatedAdministrators;
  if (ctx.kind !== "management" || admin === undefined || delegated === undefined) return;
  if (!ctx.valid(["delegatedAdministrators"])) return;
  delegated.services.forEach((entry, i) => {
    if (entry.servicePrincipal !== ACCESS_ANALYZER_PRINCIPAL) return;
    const account = entry.account ?? delegated.securityAccount;
    if (account !== admin) {
      ctx.issue(
        ["delegatedAdministrators", "services", i, "account"],
        `registers ${JSON.stringify(account)} for IAM Access Analyzer, but org-access:guardrails.accessAnalyzers.delegatedAdministrator is ${JSON.stringify(admin)}; a service has one delegated administrator: name the same account, or remove this entry (the accessAnalyzers block registers it)`,
      );
    }
  });
}
