import * as pulumi from "@pulumi/pulumi";
import type { Account } from "../accounts";
import { Capability, StackContext } from "../context";
import { AssumeRoleAlertHub } from "./alert-hub";
import { AssumeRoleDetection, WatchedRole } from "./detection";
import { AssumeRoleDetectionStackSet } from "./detection-stackset";
import { managedRoles } from "../iam/role-registry";

/**
 * The event bus's ARN, derived from config so every stack can target it before it exists: the
 * management stack deploys before the security stack that creates the bus, and EventBridge does not
 * look a target up when it is put (`put-targets` with targets in an account that does not exist fails
 * only on the per-rule limit: aws-cloudformation/cfn-lint#306; rules keep deleted targets:
 * cloud-custodian/cloud-custodian#6199); deliveries start once the bus exists.
 */
export function alertBusArn(region: string, securityAccountId: string, busName: string): string {
  return `arn:aws:events:${region}:${securityAccountId}:event-bus/${busName}`;
}

/** The account whose provider creates resources under `parent`. */
function accountOf(ctx: StackContext, parent: pulumi.Resource): Account | undefined {
  const provider = parent.getProvider("aws:iam/role:Role");
  if (provider === undefined) return undefined;
  return ctx.providers
    .created()
    .map(({ account }) => account)
    .find((account) => ctx.providers.forAccount(account) === provider);
}

/**
 * The `observability` capability: in the security stack, the alert hub (event bus, SNS topic); in
 * every stack, detection of assumptions of the roles it created, from their own trust policies:
 * per account through its provider for provider-created roles, and by StackSet (same targets, one
 * StackSet per watched region) for roles a StackSet rolls out. Runs after every role is created.
 */
export const observability: Capability = {
  name: "observability",
  deploy: (ctx) => {
    const config = ctx.config.observability;
    if (config === undefined) return undefined;
    const security = ctx.accounts.get(config.securityAccount);
    const eventBusArn = alertBusArn(config.region, security.id, config.eventBusName);
    const out: Record<string, pulumi.Input<unknown>> = {
      organizationTrail: config.organizationTrail,
      eventBusArn,
      regions: config.regions,
    };
    if (ctx.kind === "security" && ctx.organizationWide) {
      const hub = new AssumeRoleAlertHub(
        "observability-hub",
        {
          eventBusName: config.eventBusName,
          topicName: config.topicName,
          organizationId: ctx.config.organization.id,
          accountIds: ctx.accounts.all().map((a) => a.id),
          emails: config.alertEmails,
        },
        { provider: ctx.providers.forAccount(security) },
      );
      out.topicArn = hub.topicArn;
    }

    const { providerRoles, stackSetRoles } = managedRoles();
    const byAccount = new Map<string, { account: Account; roles: Map<string, WatchedRole> }>();
    for (const role of providerRoles) {
      const account = accountOf(ctx, role.parent);
      if (account === undefined) continue;
      const entry = byAccount.get(account.name) ?? { account, roles: new Map<string, WatchedRole>() };
      entry.roles.set(role.roleName, { roleName: role.roleName, trust: role.trust });
      byAccount.set(account.name, entry);
    }
    const watched: Record<string, string[]> = {};
    for (const { account, roles } of [...byAccount.values()].sort((a, b) =>
      a.account.name.localeCompare(b.account.name),
    )) {
      new AssumeRoleDetection(
        `observability-${account.name}`,
        {
          accountId: account.id,
          roles: [...roles.values()],
          regions: config.regions,
          eventBusArn,
          forwarderRoleName: config.forwarderRoleName,
          maxPatternCharacters: config.maxPatternCharacters,
          permissionsBoundary: ctx.boundaries.forRole(account.name, config.forwarderRoleName),
        },
        { provider: ctx.providers.forAccount(account) },
      );
      watched[account.name] = [...roles.keys()].sort();
    }
    for (const role of stackSetRoles) {
      const rollout = role.rollout;
      new AssumeRoleDetectionStackSet(
        `observability-${rollout.stackSetName}`,
        {
          roleStackSetName: rollout.stackSetName,
          // Same targets as the roles, with their boundaries (the forwarder is a custom role too).
          organizationalUnits: rollout.organizationalUnits,
          accounts: rollout.accounts,
          managementAccountId: rollout.managementAccountId,
          callAs: rollout.callAs,
          autoDeployment: rollout.autoDeployment,
          operationPreferences: rollout.operationPreferences,
          roles: [{ roleName: role.roleName, trust: role.trust }],
          regions: config.regions,
          eventBusArn,
          forwarderRoleName: config.forwarderRoleName,
          maxPatternCharacters: config.maxPatternCharacters,
        },
        { provider: role.parent.getProvider("aws:cloudformation/stackSet:StackSet") ?? ctx.providers.home },
      );
      watched[`stackset:${rollout.stackSetName}`] = [role.roleName];
    }
    out.watched = watched;
    return out;
  },
};
