import * as pulumi from "@pulumi/pulumi";
import { Account } from "../../accounts";
import { PermissionsBoundaryConfig } from "./config";
import { Capability, StackContext } from "../../context";
import { BoundaryStackSet } from "./boundary-stackset";
import { PermissionsBoundary } from "./permissions-boundary";
import { policyArn } from "../../naming";
import { MANAGED_BY_TAG } from "../../providers";

/** The boundary OUs: those config names, or every OU marked `workload: true`. */
export function boundaryOrganizationalUnits(ctx: StackContext): string[] {
  const config = ctx.config.guardrails?.permissionsBoundary;
  if (config === undefined || !config.enabled) return [];
  return (
    config.organizationalUnits ??
    ctx.config.organizationalUnits.filter((ou) => ou.workload === true).map((ou) => ou.name)
  );
}

/** Every account with the boundary, in scope or not: the boundary OUs' accounts plus listed accounts. */
export function allBoundaryAccounts(ctx: StackContext): Account[] {
  const config = ctx.config.guardrails?.permissionsBoundary;
  if (config === undefined || !config.enabled) return [];
  return ctx.accounts.reach({
    organizationalUnits: boundaryOrganizationalUnits(ctx),
    accounts: config.accounts,
  });
}

/** The accounts whose custom roles get the boundary: the workload OUs (or the configured ones) plus listed accounts, in scope. */
export function boundaryAccounts(ctx: StackContext): Account[] {
  return ctx.accounts.forStack(allBoundaryAccounts(ctx));
}

/**
 * The `permissionsBoundaries` capability. It runs before every capability that creates roles. The
 * management stack creates the boundary policy, through each workload account's provider (`providers`)
 * or through one StackSet over the boundary OUs (`stackset`), and registers it, so
 * `ctx.boundaries.forRole` hands the ARN to every custom role created afterwards and
 * `policyNameForRole` hands the name to StackSet templates. A security stack that repeats the block
 * only declares the boundary (the management stack creates it), for its own StackSet roles.
 */
export const permissionsBoundaries: Capability = {
  name: "permissionsBoundaries",
  deploy: (ctx) => {
    const config = ctx.config.guardrails?.permissionsBoundary;
    if (config === undefined || !config.enabled) return undefined;
    ctx.boundaries.exemptRoles(config.exemptRoles.map((e) => e.role));
    for (const account of allBoundaryAccounts(ctx)) ctx.boundaries.declare(account.name, config.policyName);
    if (ctx.kind !== "management") return declareOnly(ctx, config);

    const arns: Record<string, pulumi.Output<string>> = {};
    const viaStackSet =
      config.rollout.mode === "stackset" ? new Set(deployStackSet(ctx, config, arns)) : new Set<string>();
    const [[tagKey, tagValue]] = Object.entries(MANAGED_BY_TAG);
    for (const account of boundaryAccounts(ctx)) {
      if (viaStackSet.has(account.name)) continue;
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
      ctx.boundaries.register(account.name, boundary.arn, [boundary]);
      arns[account.name] = boundary.arn;
    }
    return {
      policyName: config.policyName,
      exemptRoles: config.exemptRoles.map((e) => e.role),
      rolloutMode: config.rollout.mode,
      accounts: Object.fromEntries(Object.entries(arns).sort(([a], [b]) => order(ctx, a) - order(ctx, b))),
    };
  },
};

/** Config order of accounts, so the output lists them as the inventory does. */
function order(ctx: StackContext, name: string): number {
  return ctx.accounts.all().findIndex((a) => a.name === name);
}

/**
 * `stackset` mode: the boundary OUs' accounts get the policy from one StackSet (created by the
 * organization-wide shard). Their providers wait for it, so every role created through them can name
 * the boundary. Returns the accounts it covers; listed accounts outside the OUs stay with providers.
 */
function deployStackSet(
  ctx: StackContext,
  config: PermissionsBoundaryConfig,
  arns: Record<string, pulumi.Output<string>>,
): string[] {
  const ous = boundaryOrganizationalUnits(ctx);
  const covered = ctx.accounts.inOrganizationalUnits(ous).filter((a) => !a.isManagement);
  let readiness: Readonly<Record<string, pulumi.Resource[]>> = {};
  if (ctx.organizationWide) {
    const [[tagKey, tagValue]] = Object.entries(MANAGED_BY_TAG);
    const stackSet = new BoundaryStackSet(
      "permissions-boundary",
      {
        stackSetName: config.rollout.stackSetName,
        organizationId: ctx.config.organization.id,
        policyName: config.policyName,
        managedTag: { key: tagKey, value: tagValue },
        untaggedManagedRoleNames: [ctx.config.providers.roleName],
        organizationalUnits: ous.map((ou) => ({ name: ou, id: ctx.accounts.organizationalUnitId(ou) })),
        managementAccountId: ctx.config.organization.managementAccountId,
        region: ctx.config.providers.region,
        operationPreferences: config.rollout.operationPreferences,
        autoDeployment: config.rollout.autoDeployment,
        propagationWaitSeconds: config.rollout.propagationWaitSeconds,
      },
      { provider: ctx.providers.home },
    );
    readiness = stackSet.readiness;
  }
  const existing = new Set(ctx.providers.created().map((p) => p.account.name));
  for (const account of ctx.accounts.forStack(covered)) {
    const arn = pulumi.output(policyArn(account.id, config.policyName));
    // Other shards find the policy already there: the organization-wide shard deploys first.
    const ready = readiness[`ou:${account.ou}`] ?? [];
    ctx.boundaries.register(account.name, arn, ready);
    arns[account.name] = arn;
    if (ready.length === 0 || account.name === ctx.accounts.home.name) continue;
    if (existing.has(account.name)) {
      void pulumi.log.warn(
        `org-access: the provider of ${account.name} was created before the permissions boundary StackSet; on an account's first run, \`pulumi up\` may need a second run`,
      );
      continue;
    }
    ctx.providers.dependOn(account.name, ready);
  }
  return covered.map((a) => a.name);
}

/** A security stack names the boundary the management stack creates; it creates none. */
function declareOnly(ctx: StackContext, config: PermissionsBoundaryConfig) {
  const arns: Record<string, string> = {};
  for (const account of boundaryAccounts(ctx)) {
    const arn = policyArn(account.id, config.policyName);
    ctx.boundaries.register(account.name, pulumi.output(arn));
    arns[account.name] = arn;
  }
  return {
    policyName: config.policyName,
    exemptRoles: config.exemptRoles.map((e) => e.role),
    createdBy: "management stack",
    accounts: arns,
  };
}
