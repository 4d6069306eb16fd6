import * as pulumi from "@pulumi/pulumi";
import { Account } from "../accounts";
import { SecurityAccessConfig, SecurityAccessTeamConfig } from "./config";
import { Capability, StackContext } from "../context";
import { toJson } from "../iam/documents";
import { roleArn } from "../naming";
import { callerPolicyDocument, callerPolicySid } from "./caller-policy";
import { SourceRole } from "./source-role";
import { TargetRole } from "./target-role";
import { TargetStackSet } from "./target-stackset";
import { targetStackSetName } from "../cloudformation/stackset-names";

/** The caller policy's name for a team: `AllowAssume<TargetRoleName>`. */
export function callerPolicyName(team: SecurityAccessTeamConfig): string {
  return callerPolicySid([team.targetRoleName]);
}

interface TeamOutput {
  sourceRoleArn: pulumi.Input<string>;
  targetRoleName: string;
  callerPolicy: pulumi.Input<string>;
  callerPolicyArn?: pulumi.Input<string>;
  targetAccounts: string[];
  stackSetName?: pulumi.Input<string>;
}

/**
 * The `securityAccess` capability: delegated-admin source roles (security stack), `SecurityAccessRole`
 * targets (per-account providers from the management stack, or a DELEGATED_ADMIN StackSet from the
 * security stack), the payer copy (management stack only: no StackSet reaches it), and the caller
 * policy of each team.
 */
export const securityAccess: Capability = {
  name: "securityAccess",
  deploy: (ctx) => {
    const config = ctx.config.securityAccess;
    if (config === undefined) return undefined;
    const admin = ctx.accounts.get(config.delegatedAdminAccount);
    const teams: Record<string, TeamOutput> = {};
    for (const team of config.teams) {
      teams[team.name] = {
        sourceRoleArn: roleArn(admin.id, team.sourceRoleName),
        targetRoleName: team.targetRoleName,
        callerPolicy: toJson(
          callerPolicyDocument({
            roleNames: [team.targetRoleName],
            organizationId: ctx.config.organization.id,
          }),
        ),
        targetAccounts: [],
      };
    }
    // The source roles and StackSets live in the home account: the shard that owns it deploys them.
    if (ctx.kind === "security") {
      if (ctx.organizationWide) deploySecurityStack(ctx, config, admin, teams);
    } else deployManagementStack(ctx, config, admin, teams);
    return { delegatedAdminAccount: admin.name, rolloutMode: config.rollout.mode, teams };
  },
};

function deploySecurityStack(
  ctx: StackContext,
  config: SecurityAccessConfig,
  admin: Account,
  teams: Record<string, TeamOutput>,
): void {
  const organizationId = ctx.config.organization.id;
  const provider = ctx.providers.home;
  const { rollout } = config;
  // Exceptional accounts are deployed one by one by the management stack; excluded ones not at all.
  const individually = new Set([...rollout.accounts, ...rollout.excludeAccounts]);
  for (const team of config.teams) {
    const out = teams[team.name];
    const source = new SourceRole(
      `security-access-${team.name}-source`,
      {
        roleName: team.sourceRoleName,
        accountId: admin.id,
        trustedPrincipals: team.trustedPrincipals,
        targetRoleNames: [team.targetRoleName],
        organizationId,
        callerPolicyName: callerPolicyName(team),
        permissionsBoundary: ctx.boundaries.forRole(admin.name, team.sourceRoleName),
      },
      { provider },
    );
    out.sourceRoleArn = source.arn;
    out.callerPolicyArn = source.callerPolicy.arn;
    ctx.inventory.add(admin.name, team.sourceRoleName);

    if (rollout.mode !== "stackset" || rollout.organizationalUnits.length === 0) continue;
    const stackSet = new TargetStackSet(
      `security-access-${team.name}-targets`,
      {
        roleName: team.targetRoleName,
        sourceRoleArns: [roleArn(admin.id, team.sourceRoleName)],
        organizationId,
        managedPolicies: team.managedPolicies,
        stackSetName: targetStackSetName(team),
        organizationalUnits: rollout.organizationalUnits.map((ou) => {
          const members = ctx.accounts.inOrganizationalUnits([ou]).filter((a) => !a.isManagement);
          return {
            name: ou,
            id: ctx.accounts.organizationalUnitId(ou),
            excludeAccountIds: members.filter((a) => individually.has(a.name)).map((a) => a.id),
            // The OU's accounts carry the boundary a provider-created copy would carry.
            ...ctx.boundaries.forStackSetTarget(
              `ou:${ou}`,
              members.filter((a) => !individually.has(a.name)).map((a) => a.name),
              team.targetRoleName,
            ),
          };
        }),
        managementAccountId: ctx.config.organization.managementAccountId,
        region: ctx.config.providers.region,
        operationPreferences: rollout.operationPreferences,
        // Targets go live after the role that uses them (their trust names it by aws:PrincipalArn,
        // which IAM accepts before the role exists).
        sourceRoles: [source],
      },
      { provider },
    );
    out.stackSetName = stackSet.stackSetName;
    for (const account of ctx.accounts.inOrganizationalUnits(rollout.organizationalUnits)) {
      if (account.isManagement || individually.has(account.name)) continue;
      ctx.inventory.add(account.name, team.targetRoleName);
      out.targetAccounts.push(account.name);
    }
  }
}

function deployManagementStack(
  ctx: StackContext,
  config: SecurityAccessConfig,
  admin: Account,
  teams: Record<string, TeamOutput>,
): void {
  const { rollout } = config;
  const { accounts } = ctx;
  // The StackSet covers the OUs in stackset mode; this stack deploys what it cannot reach.
  // The payer copy is organization-wide: only the shard that owns those deploys it.
  const targets = accounts.targets({
    accounts: rollout.accounts,
    organizationalUnits: rollout.mode === "providers" ? rollout.organizationalUnits : [],
    excludeAccounts: rollout.excludeAccounts,
    includeManagementAccount: rollout.includeManagementAccount,
  });

  for (const team of config.teams) {
    const out = teams[team.name];
    for (const account of targets) {
      new TargetRole(
        `security-access-${team.name}-${account.name}`,
        {
          roleName: team.targetRoleName,
          sourceRoleArns: [roleArn(admin.id, team.sourceRoleName)],
          organizationId: ctx.config.organization.id,
          managedPolicies: team.managedPolicies,
          permissionsBoundary: ctx.boundaries.forRole(account.name, team.targetRoleName),
        },
        { provider: ctx.providers.forAccount(account) },
      );
      ctx.inventory.add(account.name, team.targetRoleName);
      out.targetAccounts.push(account.name);
    }
  }
}
