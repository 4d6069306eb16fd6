import { z } from "zod";
import {
  autoDeploymentSchema,
  DEFAULT_BOUNDARY_STACKSET_NAME,
  operationPreferencesSchema,
  propagationWaitSchema,
  stackSetNameSchema,
} from "../../config/stackset";
import { CheckContext, ConfigPath } from "../../config/checks";
import { roleExemptionSchema } from "../../config/exemptions";
import type { OrgAccessConfig } from "../../config/schema";

/**
 * `org-access:guardrails.permissionsBoundary`: the boundary policy of workload accounts, set on every
 * custom role this program creates there, and how it reaches the accounts.
 */

export const DEFAULT_BOUNDARY_POLICY_NAME = "org-access-boundary";
export { DEFAULT_BOUNDARY_STACKSET_NAME };

/** `permissionsBoundary.rollout`: how the boundary policy reaches the accounts. */
export const boundaryRolloutSchema = z
  .object({
    mode: z
      .enum(["providers", "stackset"], {
        error:
          '"providers" (the policy is created in each account through its provider) or "stackset" (a service-managed StackSet over the boundary OUs creates it)',
      })
      .default("providers")
      .meta({
        description:
          "`providers`: one policy per account through its provider; `stackset`: one StackSet over the boundary OUs.",
      }),
    stackSetName: stackSetNameSchema
      .default(DEFAULT_BOUNDARY_STACKSET_NAME)
      .meta({ description: "The boundary StackSet's name in the management account." }),
    operationPreferences: operationPreferencesSchema,
    // Kept by default: a role that stays behind in an account that left keeps its guardrail.
    autoDeployment: autoDeploymentSchema(true).meta({
      description:
        "StackSet auto-deployment; the policy stays in an account that leaves, so roles left there keep their guardrail.",
    }),
    propagationWaitSeconds: propagationWaitSchema(10).meta({
      description: "Seconds a provider waits after the StackSet created the policy, before roles name it.",
    }),
  })
  .strict();

export const boundarySchema = z
  .object({
    enabled: z
      .boolean({ error: "expected true or false" })
      .default(true)
      .meta({ description: "Create the boundary policy and set it on the roles." }),
    policyName: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, "use 1 to 128 letters, digits and + = , . @ _ -")
      .default(DEFAULT_BOUNDARY_POLICY_NAME)
      .meta({ description: "The boundary policy's name in each account." }),
    organizationalUnits: z
      .array(z.string({ error: "expected an OU name" }))
      .optional()
      .meta({
        description: "OUs whose accounts get the boundary; default: every OU marked `workload: true`.",
      }),
    accounts: z
      .array(z.string({ error: "expected an account name" }))
      .default([])
      .meta({ description: "Extra accounts that get the boundary." }),
    exemptRoles: z.array(roleExemptionSchema).default([]).meta({
      description: "Custom roles (by exact name) that must not carry the boundary, each with the reason.",
    }),
    rollout: boundaryRolloutSchema.prefault({}).meta({
      description:
        "`providers` (default) or `stackset` over the boundary OUs; listed accounts always by provider.",
    }),
  })
  .strict();

export type PermissionsBoundaryConfig = z.infer<typeof boundarySchema>;
export type PermissionsBoundaryRolloutConfig = z.infer<typeof boundaryRolloutSchema>;

/** The boundary's OUs and accounts, and the StackSets that must carry it there. */
export function checkPermissionsBoundary(
  guardrails: { readonly permissionsBoundary?: PermissionsBoundaryConfig },
  ctx: CheckContext,
): void {
  const path = ["guardrails"];
  const management = ctx.managementAccount;
  const boundary = guardrails.permissionsBoundary;
  const bpath = [...path, "permissionsBoundary"];
  if (boundary === undefined || !ctx.valid(bpath, { ownLevelOnly: true }) || boundary.enabled === false)
    return;
  const valid = (key: string) => ctx.valid([...bpath, key]);
  ctx.organizationalUnitList(boundary.organizationalUnits, [...bpath, "organizationalUnits"]);
  const boundaryAccounts = valid("accounts") ? boundary.accounts : [];
  boundaryAccounts.forEach((account, j) => {
    const accountPath = [...bpath, "accounts", j];
    if (account === management) {
      ctx.issue(
        accountPath,
        "the boundary belongs in workload accounts; the management account runs no workloads, remove it",
      );
      return;
    }
    ctx.account(account, accountPath);
  });
  if (!valid("organizationalUnits") || !ctx.valid(["organizationalUnits"])) return;
  const listed = boundary.organizationalUnits ?? workloadOrganizationalUnits(ctx.config);
  const covered = ctx.accounts.filter((a) => a.ou !== undefined && listed.includes(a.ou));
  if (ctx.knowsAccounts && covered.length === 0 && boundaryAccounts.length === 0) {
    ctx.issue(
      bpath,
      "reaches no account; mark workload OUs with `workload: true` in org-access:organizationalUnits, or list organizationalUnits or accounts here",
    );
  }
  checkStackSetRoleTargets(ctx, bpath, listed, boundaryAccounts);
  if (valid("rollout")) checkBoundaryStackSet(ctx, bpath, boundary, listed);
}

/** The OUs marked `workload: true`: the boundary's OUs unless it lists its own. */
export function workloadOrganizationalUnits(config: Pick<OrgAccessConfig, "organizationalUnits">): string[] {
  return config.organizationalUnits.filter((ou) => ou.workload === true).map((ou) => ou.name);
}

/**
 * A StackSet instance passes one boundary to every account of its OU. An account listed under
 * `permissionsBoundary.accounts` whose OU a role StackSet targets (and whose OU has no boundary)
 * would get a different role from its neighbours: report it with the fixes.
 */
function checkStackSetRoleTargets(
  ctx: CheckContext,
  bpath: ConfigPath,
  boundaryOus: readonly string[],
  boundaryAccounts: readonly string[],
): void {
  const { audit, securityAccess, guardrails } = ctx.config;
  const exempt = (guardrails?.permissionsBoundary?.exemptRoles ?? []).map((e) => e?.role);
  const rollouts: { key: string; ous: string[]; individually: string[]; roles: string[]; fix: string }[] = [];
  if (audit !== undefined && ctx.valid(["audit"]) && audit.rollout.mode === "stackset") {
    rollouts.push({
      key: "org-access:audit",
      ous: audit.targets.organizationalUnits,
      individually: [],
      roles: [audit.roleName],
      fix: "or set org-access:audit.rollout.mode: providers",
    });
  }
  if (
    securityAccess !== undefined &&
    ctx.valid(["securityAccess"]) &&
    securityAccess.rollout.mode === "stackset"
  ) {
    rollouts.push({
      key: "org-access:securityAccess",
      ous: securityAccess.rollout.organizationalUnits,
      individually: securityAccess.rollout.accounts,
      roles: securityAccess.teams.map((t) => t.targetRoleName),
      fix: "or list the account under org-access:securityAccess.rollout.accounts (deployed one by one)",
    });
  }
  boundaryAccounts.forEach((name, j) => {
    const ou = ctx.accountNamed(name)?.ou;
    if (ou === undefined || boundaryOus.includes(ou)) return;
    for (const rollout of rollouts) {
      if (!rollout.ous.includes(ou) || rollout.individually.includes(name)) continue;
      if (rollout.roles.every((role) => exempt.includes(role))) continue;
      ctx.issue(
        [...bpath, "accounts", j],
        `${JSON.stringify(name)} is in organizational unit ${JSON.stringify(ou)}, which ${rollout.key} rolls out by StackSet with one boundary for the whole OU; add ${JSON.stringify(ou)} to permissionsBoundary.organizationalUnits, ${rollout.fix}`,
      );
    }
  });
}

/** The boundary StackSet reaches the boundary OUs: never the root, never an empty OU. */
function checkBoundaryStackSet(
  ctx: CheckContext,
  bpath: ConfigPath,
  boundary: PermissionsBoundaryConfig,
  boundaryOus: readonly string[],
): void {
  if (boundary.rollout.mode !== "stackset") return;
  boundaryOus.forEach((ou, i) => {
    const at =
      boundary.organizationalUnits === undefined
        ? [...bpath, "rollout", "mode"]
        : [...bpath, "organizationalUnits", i];
    if (ou === "root") {
      ctx.issue(
        at,
        "the StackSet cannot target the organization root, which holds the management account; list the workload OUs by name",
      );
    } else if (ctx.accountsIn(ou)?.length === 0) {
      ctx.issue(
        at,
        `organizational unit ${JSON.stringify(ou)} has no account in org-access:accounts, and a StackSet instance on an empty OU fails; add its accounts or leave the OU out of the boundary`,
      );
    }
  });
}
