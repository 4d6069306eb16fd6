import * as pulumi from "@pulumi/pulumi";
import { Account } from "../accounts";
import { Capability, StackContext } from "../context";
import { PermissionsBoundary } from "../guardrails/permissions-boundary";
import { MANAGED_BY_TAG } from "../providers";

/** The accounts whose custom roles get the boundary: the workload OUs (or the configured ones) plus listed accounts. */
export function boundaryAccounts(ctx: StackContext): Account[] {
  const config = ctx.config.guardrails?.permissionsBoundary;
  if (config === undefined || !config.enabled) return [];
  const ous =
    config.organizationalUnits ??
    ctx.config.organizationalUnits.filter((ou) => ou.workload === true).map((ou) => ou.name);
  return ctx.accounts
    .scoped(ctx.accounts.resolve({ organizationalUnits: ous, accounts: config.accounts }))
    .filter((a) => !a.isManagement);
}

/**
 * The `permissionsBoundaries` capability. It runs before every capability that creates roles: it
 * creates the boundary policy in each workload account of this stack's scope and registers it, so
 * `ctx.boundaries.forRole` hands the ARN to every custom role created there afterwards.
 */
export const permissionsBoundaries: Capability = {
  name: "permissionsBoundaries",
  deploy: (ctx) => {
    const config = ctx.config.guardrails?.permissionsBoundary;
    if (config === undefined || !config.enabled || ctx.kind !== "management") return undefined;
    ctx.boundaries.exemptRoles(config.exemptRoles);
    const [[tagKey, tagValue]] = Object.entries(MANAGED_BY_TAG);
    const arns: Record<string, pulumi.Output<string>> = {};
    for (const account of boundaryAccounts(ctx)) {
      const boundary = new PermissionsBoundary(
        `permissions-boundary-${account.name}`,
        {
          accountId: account.id,
          organizationId: ctx.config.organization.id,
          policyName: config.policyName,
          managedTag: { key: tagKey, value: tagValue },
          // The providers' role comes from a StackSet, without the program's tags.
          untaggedManagedRoleNames: [ctx.config.providers.roleName],
        },
        { provider: ctx.providers.forAccount(account) },
      );
      ctx.boundaries.register(account.name, boundary.arn);
      arns[account.name] = boundary.arn;
    }
    return { policyName: config.policyName, exemptRoles: [...config.exemptRoles], accounts: arns };
  },
};
