import * as pulumi from "@pulumi/pulumi";
import { PipelineConfig } from "./config";
import { Capability, StackContext } from "../context";
import { pipelineLayout, PipelineLayout } from "../pipeline-layout";
import {
  managementDeployPolicy,
  ManagementPermissionsArgs,
  managementPreviewPolicy,
  memberPreviewPolicy,
  securityDeployPolicy,
  SecurityPermissionsArgs,
  securityPreviewPolicy,
} from "./permissions";
import { MemberPreviewRoles } from "./member-preview";
import { PipelineIdentity } from "./pipeline-identity";
import { PipelineStackRoles } from "./stack-roles";
import { BOUNDED_SUFFIX } from "../cloudformation/service-managed-stackset";
import { delegatedAdminStackSetNames, detectionStackSetNames } from "../cloudformation/stackset-names";

/**
 * The `pipeline` capability: the roles this project's own pipeline runs as. The management stack
 * creates the tooling account's GitHub identities and its own deploy and preview roles; the security
 * stack creates its deploy and preview roles. It runs after every capability that creates roles (the
 * management deploy role's policy names the roles this stack manages) and before the SCPs (which
 * protect the roles it creates).
 */
export const pipeline: Capability = {
  name: "pipeline",
  deploy: (ctx) => {
    const config = ctx.config.pipeline;
    if (config === undefined || !ctx.organizationWide) return undefined;
    const layout = pipelineLayout(config, ctx.accounts);
    return ctx.kind === "management"
      ? deployManagementStack(ctx, config, layout)
      : deploySecurityStack(ctx, config, layout);
  },
};

function deployManagementStack(ctx: StackContext, config: PipelineConfig, layout: PipelineLayout) {
  const names = config.roleNames;
  const tooling = ctx.accounts.get(config.toolingAccount);
  if (!ctx.accounts.inScope(tooling)) {
    throw new Error(
      `org-access: org-access:pipeline.toolingAccount ${JSON.stringify(tooling.name)} is outside org-access:scope of the stack that owns the organization-wide resources; add it to scope.accounts`,
    );
  }
  const management = ctx.accounts.management;
  const identity = new PipelineIdentity(
    "pipeline-identity",
    {
      oidcProvider: config.oidcProvider,
      existingOidcProviderArn: layout.oidcProviderArn,
      pipelineRoleName: names.pipeline,
      deploySubjects: layout.deploySubjects,
      deployRoleArns: [layout.deployRoleArns.management, layout.deployRoleArns.security],
      previewRoleName: config.preview ? names.preview : undefined,
      previewSubject: layout.previewSubject,
      previewTargetRoleArns: [layout.previewTargetRoleArns.management, layout.previewTargetRoleArns.security],
      sessionNamePattern: layout.sessionNamePattern,
      maxSessionDuration: config.maxSessionDurationSeconds,
      permissionsBoundaries: {
        pipeline: ctx.boundaries.forRole(tooling.name, names.pipeline),
        preview: ctx.boundaries.forRole(tooling.name, names.preview),
      },
    },
    { provider: ctx.providers.forAccount(tooling) },
  );
  // The CI roles of org-access:cicd trust this provider too.
  if (identity.oidcProvider !== undefined)
    ctx.identities.register(layout.oidcProviderArn, identity.oidcProvider);
  ctx.inventory.add(tooling.name, names.pipeline);
  if (config.preview) ctx.inventory.add(tooling.name, names.preview);
  ctx.inventory.add(management.name, names.deployManagement);
  if (config.preview) ctx.inventory.add(management.name, names.previewManagement);

  // Every capability that creates roles ran before this one, so the inventory is complete here.
  const managedRoleArns = Object.values(ctx.inventory.toOutput()[management.name]?.roles ?? {}).sort();
  const { config: c } = ctx;
  const permissions: ManagementPermissionsArgs = {
    accountId: management.id,
    organizationId: c.organization.id,
    memberProviderRoleName: c.providers.roleName,
    memberPreviewRoleName: config.preview ? names.previewMember : undefined,
    managedRoleArns,
    // Every StackSet this stack creates lives in the management account.
    stackSets:
      c.organizationAccess?.memberRole !== undefined ||
      config.preview ||
      c.audit?.rollout.mode === "stackset" ||
      (c.guardrails?.permissionsBoundary?.enabled === true &&
        c.guardrails.permissionsBoundary.rollout.mode === "stackset"),
    organizationPolicies:
      (c.guardrails?.scps.length ?? 0) > 0 ||
      (c.guardrails?.resourceControlPolicies.length ?? 0) > 0 ||
      c.delegatedAdministrators !== undefined,
    // The access analyzers' block registers their delegated administrator too.
    delegatedAdministrators:
      c.delegatedAdministrators !== undefined || c.guardrails?.accessAnalyzers !== undefined,
    rootAccess: c.guardrails?.rootAccess !== undefined,
    identityCenter: c.identityCenter !== undefined,
    identityCenterInManagementAccount:
      c.identityCenter !== undefined &&
      c.identityCenter.assignments.some((a) => ctx.accounts.reach(a).some((account) => account.isManagement)),
  };
  const roles = new PipelineStackRoles(
    "pipeline-management",
    {
      stack: "management",
      deployRoleName: names.deployManagement,
      pipelineRoleArn: layout.pipelineRoleArn,
      deployPolicy: managementDeployPolicy(permissions),
      previewRoleName: config.preview ? names.previewManagement : undefined,
      previewRoleArn: layout.previewRoleArn,
      previewPolicy: managementPreviewPolicy(permissions),
      organizationId: c.organization.id,
      sessionNamePattern: layout.sessionNamePattern,
      maxSessionDuration: config.maxSessionDurationSeconds,
      permissionsBoundaries: {
        deploy: ctx.boundaries.forRole(management.name, names.deployManagement),
        preview: ctx.boundaries.forRole(management.name, names.previewManagement),
      },
    },
    // IAM rejects a trust naming a role that does not exist yet: the tooling roles come first.
    { provider: ctx.providers.home, dependsOn: [identity] },
  );
  const memberPreview =
    roles.previewRole === undefined
      ? undefined
      : deployMemberPreviewRoles(ctx, config, layout, roles.previewRole.role);
  return outputs(config, layout, roles, {
    oidcProviderArn: identity.oidcProviderArn,
    oidcProvider: config.oidcProvider,
    ...(memberPreview === undefined
      ? {}
      : {
          memberPreviewRoleName: names.previewMember,
          memberPreviewStackSetName: memberPreview.stackSetName,
        }),
  });
}

/**
 * The read-only role the preview's member-account providers assume, in every member account. Not
 * `OrganizationAccountAccessRole`: that one administers the account, and a pull request runs
 * untrusted code.
 */
function deployMemberPreviewRoles(
  ctx: StackContext,
  config: PipelineConfig,
  layout: PipelineLayout,
  managementPreviewRole: pulumi.Resource,
): MemberPreviewRoles {
  const { config: c } = ctx;
  const roleName = config.roleNames.previewMember;
  const members = new MemberPreviewRoles(
    "pipeline-member-preview",
    {
      roleName,
      managementPreviewRoleArn: layout.previewTargetRoleArns.management,
      organizationId: c.organization.id,
      // Every shard's providers (`org-access-<stack>`), or the one configured session name.
      sessionNamePattern: c.providers.sessionName ?? "org-access-*",
      policy: memberPreviewPolicy(),
      rootId: c.organization.rootId,
      managementAccountId: c.organization.managementAccountId,
      stackSetName: roleName,
      region: c.providers.region,
      maxSessionDuration: config.maxSessionDurationSeconds,
      dependsOn: [managementPreviewRole],
    },
    { provider: ctx.providers.home },
  );
  for (const account of ctx.accounts.all()) {
    if (!account.isManagement) ctx.inventory.add(account.name, roleName);
  }
  return members;
}

/**
 * The StackSets the security stack creates as delegated administrator: the security-access role
 * StackSets and, with `observability`, the detection StackSets it adds beside each (same `callAs`).
 */
function securityStackSetNames(ctx: StackContext): string[] {
  const roleStackSets = delegatedAdminStackSetNames(ctx.config.securityAccess);
  const regions = ctx.config.observability?.regions ?? [];
  const names = [...roleStackSets, ...roleStackSets.flatMap((name) => detectionStackSetNames(name, regions))];
  // Each may also have its `-bounded` variant for the targets that carry a permissions boundary
  // (serviceManagedStackSet): granted whether or not a target needs it today, so adding a boundary to
  // an OU never leaves the security pipeline unable to manage the StackSet it creates.
  return names.flatMap((name) => [name, `${name}${BOUNDED_SUFFIX}`]);
}

function deploySecurityStack(ctx: StackContext, config: PipelineConfig, layout: PipelineLayout) {
  const names = config.roleNames;
  const home = ctx.accounts.home;
  ctx.inventory.add(home.name, names.deploySecurity);
  if (config.preview) ctx.inventory.add(home.name, names.previewSecurity);
  const permissions: SecurityPermissionsArgs = {
    accountId: home.id,
    managedRoleArns: Object.values(ctx.inventory.toOutput()[home.name]?.roles ?? {}).sort(),
    managementAccountId: ctx.accounts.management.id,
    stackSetNames: securityStackSetNames(ctx),
    accessAnalyzers: ctx.config.guardrails?.accessAnalyzers?.delegatedAdministrator === home.name,
  };
  const roles = new PipelineStackRoles(
    "pipeline-security",
    {
      stack: "security",
      deployRoleName: names.deploySecurity,
      pipelineRoleArn: layout.pipelineRoleArn,
      deployPolicy: securityDeployPolicy(permissions),
      previewRoleName: config.preview ? names.previewSecurity : undefined,
      previewRoleArn: layout.previewRoleArn,
      previewPolicy: securityPreviewPolicy(permissions),
      organizationId: ctx.config.organization.id,
      sessionNamePattern: layout.sessionNamePattern,
      maxSessionDuration: config.maxSessionDurationSeconds,
      permissionsBoundaries: {
        deploy: ctx.boundaries.forRole(home.name, names.deploySecurity),
        preview: ctx.boundaries.forRole(home.name, names.previewSecurity),
      },
    },
    { provider: ctx.providers.home },
  );
  return outputs(config, layout, roles, {});
}

function outputs(
  config: PipelineConfig,
  layout: PipelineLayout,
  roles: PipelineStackRoles,
  extra: Record<string, pulumi.Input<unknown>>,
): Record<string, pulumi.Input<unknown>> {
  return {
    repository: config.repository,
    deploySubjects: layout.deploySubjects,
    ...(config.preview ? { previewSubject: layout.previewSubject } : {}),
    pipelineRoleArn: layout.pipelineRoleArn,
    deployRoleArn: roles.deployRole.arn,
    ...(roles.previewRole === undefined
      ? {}
      : { previewRoleArn: layout.previewRoleArn, previewTargetRoleArn: roles.previewRole.arn }),
    ...extra,
  };
}
