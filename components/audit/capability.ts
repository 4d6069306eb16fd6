import * as pulumi from "@pulumi/pulumi";
import { AuditAutomationRole } from "./automation-role";
import { AuditReadRole } from "./audit-read-role";
import { AuditReadStackSet } from "./audit-read-stackset";
import { AuditConfig } from "./config";
import { Capability, StackContext } from "../context";
import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/documents";
import { roleArn } from "../naming";

/**
 * The `audit` capability. The security stack creates the automation role in its own account
 * (organization-wide); the management stack creates the audit read role in the target accounts,
 * trusting that role by its ARN: through each account's provider (`rollout.mode: providers`), or
 * (`stackset`) through one service-managed StackSet over the target OUs, created by the
 * organization-wide shard, with the listed accounts (the management account among them: no
 * service-managed StackSet reaches it) still deployed by provider. Both modes give the same role,
 * boundary included. The read role names the automation role by `aws:PrincipalArn` on the security
 * account's root, so the management stack can create it before the security stack exists.
 */
export const audit: Capability = {
  name: "audit",
  deploy: (ctx) => {
    const config = ctx.config.audit;
    if (config === undefined) return undefined;
    const automationAccount = ctx.accounts.get(config.automationAccount);
    const automationRoleArn = roleArn(automationAccount.id, config.automationRoleName);
    const targets = ctx.accounts.reach(config.targets);
    const common = {
      rolloutMode: config.rollout.mode,
      automationAccount: automationAccount.name,
      roleName: config.roleName,
    };

    if (ctx.kind === "security") {
      if (!ctx.organizationWide) return undefined;
      const automation = new AuditAutomationRole(
        "audit-automation",
        {
          roleName: config.automationRoleName,
          accountId: automationAccount.id,
          trustedPrincipalArns: config.automationRole.trustedPrincipalArns,
          auditRoleArns: targets.map((a) => roleArn(a.id, config.roleName)),
          organizationId: ctx.config.organization.id,
          permissionsBoundary: ctx.boundaries.forRole(automationAccount.name, config.automationRoleName),
        },
        { provider: ctx.providers.home },
      );
      ctx.inventory.add(automationAccount.name, config.automationRoleName);
      return { ...common, automationRoleArn: automation.arn, targetAccounts: targets.map((a) => a.name) };
    }

    const readPolicy =
      config.inlinePolicy === undefined
        ? undefined
        : policyDocument(config.inlinePolicy.map((s) => ({ ...s }) as PolicyStatement));
    const roles: Record<string, pulumi.Output<string>> = {};
    const viaStackSet =
      config.rollout.mode === "stackset"
        ? deployStackSet(ctx, config, automationRoleArn, readPolicy, roles)
        : { covered: new Set<string>(), stackSetName: undefined };
    const individually = targets.filter((a) => !viaStackSet.covered.has(a.name));
    for (const account of ctx.accounts.forStack(individually)) {
      const role = new AuditReadRole(
        `audit-read-${account.name}`,
        {
          roleName: config.roleName,
          automationRoleArn,
          organizationId: ctx.config.organization.id,
          managedPolicies: config.managedPolicies,
          readPolicy,
          permissionsBoundary: ctx.boundaries.forRole(account.name, config.roleName),
          maxSessionDuration: config.maxSessionDurationSeconds,
        },
        { provider: ctx.providers.forAccount(account) },
      );
      ctx.inventory.add(account.name, config.roleName);
      roles[account.name] = role.arn;
    }
    return {
      ...common,
      automationRoleArn,
      roles: Object.fromEntries(targets.filter((a) => a.name in roles).map((a) => [a.name, roles[a.name]])),
      ...(viaStackSet.stackSetName === undefined ? {} : { stackSetName: viaStackSet.stackSetName }),
    };
  },
};

/**
 * `stackset` mode: the target OUs' member accounts get the role from one StackSet, each OU's instance
 * passing the boundary its accounts carry. Only the organization-wide shard owns it (it reaches
 * every shard's accounts); the others leave those accounts to it. Returns the accounts it covers.
 */
function deployStackSet(
  ctx: StackContext,
  config: AuditConfig,
  automationRoleArn: string,
  readPolicy: PolicyDocument | undefined,
  roles: Record<string, pulumi.Output<string>>,
): { covered: Set<string>; stackSetName?: pulumi.Output<string> } {
  const ous = config.targets.organizationalUnits;
  const excluded = new Set(config.targets.excludeAccounts);
  const members = ctx.accounts.inOrganizationalUnits(ous).filter((a) => !a.isManagement);
  const covered = members.filter((a) => !excluded.has(a.name));
  const names = new Set(covered.map((a) => a.name));
  if (!ctx.organizationWide) return { covered: names };
  const stackSet = new AuditReadStackSet(
    "audit-read",
    {
      roleName: config.roleName,
      automationRoleArn,
      organizationId: ctx.config.organization.id,
      managedPolicies: config.managedPolicies,
      readPolicy,
      maxSessionDuration: config.maxSessionDurationSeconds,
      stackSetName: config.rollout.stackSetName ?? `org-access-${config.roleName}`,
      organizationalUnits: ous.map((ou) => ({
        name: ou,
        id: ctx.accounts.organizationalUnitId(ou),
        excludeAccountIds: members.filter((a) => a.ou === ou && excluded.has(a.name)).map((a) => a.id),
        ...ctx.boundaries.forStackSetTarget(
          `ou:${ou}`,
          covered.filter((a) => a.ou === ou).map((a) => a.name),
          config.roleName,
        ),
      })),
      managementAccountId: ctx.config.organization.managementAccountId,
      region: ctx.config.providers.region,
      operationPreferences: config.rollout.operationPreferences,
      autoDeployment: config.rollout.autoDeployment,
    },
    { provider: ctx.providers.home },
  );
  for (const account of covered) {
    ctx.inventory.add(account.name, config.roleName);
    roles[account.name] = pulumi.output(roleArn(account.id, config.roleName));
  }
  return { covered: names, stackSetName: stackSet.stackSetName };
}
