import * as pulumi from "@pulumi/pulumi";
import { Account } from "../accounts";
import { MemberRoleConfig, OrganizationAccessConfig } from "./config";
import { Capability, StackContext } from "../context";
import { ManagementRole } from "./management-role";
import { MemberRoleStackSet } from "./member-role-stackset";

/**
 * The `organizationAccess` capability (management stack only): `OrganizationAccountAccessRole` in
 * member accounts through a service-managed StackSet, and the management account's own copy. It runs
 * before the capabilities that use member-account providers, so those providers can wait for the
 * StackSet instance that creates the role they assume.
 */
export const organizationAccess: Capability = {
  name: "organizationAccess",
  deploy: (ctx) => {
    const config = ctx.config.organizationAccess;
    if (config === undefined || ctx.kind !== "management" || !ctx.organizationWide) return undefined;
    const outputs: Record<string, pulumi.Input<unknown>> = {};
    if (config.memberRole !== undefined) {
      outputs.memberRole = deployMemberRole(ctx, config.roleName, config.memberRole);
    }
    const management = config.managementRole;
    if (management !== undefined) {
      outputs.managementRole = deployManagementRole(ctx, config, management);
    }
    return outputs;
  },
};

function deployMemberRole(ctx: StackContext, roleName: string, config: MemberRoleConfig) {
  const { accounts } = ctx;
  const excluded = new Set(config.excludeAccounts);
  const organizationalUnits = config.organizationalUnits.map((ou) => ({
    name: ou,
    id: accounts.organizationalUnitId(ou),
    excludeAccountIds: accounts
      .inOrganizationalUnits([ou])
      .filter((a) => excluded.has(a.name))
      .map((a) => a.id),
  }));
  const singles = config.accounts.map((name) => accounts.get(name));

  const rollout = new MemberRoleStackSet(
    "organization-access-member-role",
    {
      managementAccountId: ctx.config.organization.managementAccountId,
      roleName,
      stackSetName: config.stackSetName,
      organizationalUnits,
      accounts: singles.map((a) => ({
        name: a.name,
        id: a.id,
        organizationalUnitId: accounts.organizationalUnitId(a.ou),
      })),
      region: ctx.config.providers.region,
      operationPreferences: config.operationPreferences,
      autoDeployment: config.autoDeployment,
      propagationWaitSeconds: config.propagationWaitSeconds,
    },
    { provider: ctx.providers.home },
  );

  // Every account whose role this StackSet creates; providers assuming that role wait for it.
  const covered: { account: Account; target: string }[] = [
    ...accounts
      .inOrganizationalUnits(config.organizationalUnits)
      .filter((a) => !a.isManagement && !excluded.has(a.name))
      .map((account) => ({ account, target: `ou:${account.ou}` })),
    ...singles.map((account) => ({ account, target: `account:${account.name}` })),
  ];
  const providersAssumeIt = roleName === ctx.config.providers.roleName;
  const existing = new Set(ctx.providers.created().map((p) => p.account.name));
  for (const { account, target } of covered) {
    ctx.inventory.add(account.name, roleName);
    if (!providersAssumeIt || !ctx.accounts.inScope(account) || account.name === accounts.home.name) continue;
    if (existing.has(account.name)) {
      void pulumi.log.warn(
        `org-access: the provider of ${account.name} was created before the ${roleName} StackSet; on the first run after the account joins, \`pulumi up\` may need a second run`,
      );
      continue;
    }
    ctx.providers.waitForAssumedRole(account.name, rollout.readiness[target]);
  }

  return {
    stackSetName: rollout.stackSetName,
    roleName,
    organizationalUnits: config.organizationalUnits,
    accounts: covered.map((c) => c.account.name),
  };
}

function deployManagementRole(
  ctx: StackContext,
  config: OrganizationAccessConfig,
  management: NonNullable<OrganizationAccessConfig["managementRole"]>,
) {
  if (management.mode === "unmanaged") return { mode: management.mode };
  const role = new ManagementRole(
    "organization-access-management-role",
    {
      mode: management.mode,
      roleName: config.roleName,
      managedPolicies: management.managedPolicies,
      description:
        management.description ??
        (management.mode === "create"
          ? "Lets AWS Organizations act in the management account (org-access)"
          : undefined),
    },
    { provider: ctx.providers.home },
  );
  ctx.inventory.add(ctx.accounts.management.name, config.roleName);
  return { mode: management.mode, roleArn: role.arn };
}
