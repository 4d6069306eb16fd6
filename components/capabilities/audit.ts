import * as pulumi from "@pulumi/pulumi";
import { AuditAutomationRole } from "../audit/automation-role";
import { AuditReadRole } from "../audit/audit-read-role";
import { Capability } from "../context";
import { policyDocument, PolicyStatement } from "../iam/documents";
import { roleArn } from "../naming";

/**
 * The `audit` capability (management stack, `rollout.mode: providers`): the audit read role in each
 * target account of this stack's scope, and (organization-wide, unless config says it exists) the
 * security account's automation role that alone may assume them. A StackSet rollout mode can be
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

    let automation: AuditAutomationRole | undefined;
    if (config.automationRole.create && ctx.organizationWide) {
      automation = new AuditAutomationRole(
        "audit-automation",
        {
          roleName: config.automationRoleName,
          accountId: automationAccount.id,
          trustedPrincipalArns: config.automationRole.trustedPrincipalArns,
          auditRoleArns: targets.map((a) => roleArn(a.id, config.roleName)),
          permissionsBoundary: ctx.boundaries.forRole(automationAccount.name, config.automationRoleName),
        },
        { provider: ctx.providers.forAccount(automationAccount) },
      );
      ctx.inventory.add(automationAccount.name, config.automationRoleName);
    }

    const readPolicy =
      config.inlinePolicy === undefined
        ? undefined
        : policyDocument(config.inlinePolicy.map((s) => ({ ...s }) as PolicyStatement));
    const roles: Record<string, pulumi.Output<string>> = {};
    for (const account of ctx.accounts.scoped(targets)) {
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
        // IAM refuses a trust naming a role that does not exist yet.
        {
          provider: ctx.providers.forAccount(account),
          dependsOn: automation === undefined ? [] : [automation],
        },
      );
      ctx.inventory.add(account.name, config.roleName);
      roles[account.name] = role.arn;
    }
    return {
      rolloutMode: config.rollout.mode,
      automationAccount: automationAccount.name,
      automationRoleArn: automation?.arn ?? automationRoleArn,
      roleName: config.roleName,
      roles,
    };
  },
};
