import * as pulumi from "@pulumi/pulumi";
import { AuditAutomationRole } from "../audit/automation-role";
import { AuditReadRole } from "../audit/audit-read-role";
import { stackTargets } from "../audit/targets";
import { Capability } from "../context";
import { policyDocument, PolicyStatement } from "../iam/documents";
import { roleArn } from "../naming";

/**
 * The `audit` capability. The security stack creates the automation role in its own account
 * (organization-wide); the management stack (`rollout.mode: providers`) creates the audit read role
 * in each target account of its scope, trusting that role by its ARN. Deploy the security stack
 * first: IAM refuses a trust naming a role that does not exist. A StackSet rollout mode can be
 * added under `rollout.mode` later.
 */
export const audit: Capability = {
  name: "audit",
  deploy: (ctx) => {
    const config = ctx.config.audit;
    if (config === undefined) return undefined;
    const automationAccount = ctx.accounts.get(config.automationAccount);
    const automationRoleArn = roleArn(automationAccount.id, config.automationRoleName);
    const targets = ctx.accounts.resolve(config.targets);
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
    for (const account of stackTargets(ctx, targets)) {
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
    return { ...common, automationRoleArn, roles };
  },
};
