import * as pulumi from "@pulumi/pulumi";
import { CicdConfig, DeploymentPreset } from "./config";
import { Capability, StackContext } from "../context";
import { CiRole } from "./ci-role";
import { cicdLayout, DeploymentRoleLayout } from "./layout";
import { deploymentPolicyDocument } from "./deployment-policy";
import { DeploymentRole } from "./deployment-role";
import { GithubOidcProvider, githubOidcProviderArn } from "./github-oidc-provider";

/**
 * The `cicd` capability (management stack): the GitHub OIDC provider and one CI role per pipeline in
 * the tooling account (organization-wide: the shard that owns those), and `deployment-role-<env>` in
 * every workload account of this stack's scope whose environment a pipeline serves.
 */
export const cicd: Capability = {
  name: "cicd",
  deploy: (ctx) => {
    const config = ctx.config.cicd;
    if (config === undefined) return undefined;
    const layout = cicdLayout(config, ctx.accounts);

    const ciRoles: Record<
      string,
      { arn: pulumi.Input<string>; subjects: string[]; deploymentRoleArns: string[] }
    > = {};
    const created: CiRole[] = [];
    let oidcProviderArn: pulumi.Input<string> | undefined;
    if (ctx.organizationWide) {
      const tooling = layout.tooling;
      if (!ctx.accounts.inScope(tooling)) {
        throw new Error(
          `org-access: org-access:cicd.toolingAccount ${JSON.stringify(tooling.name)} is outside org-access:scope of the stack that owns the organization-wide resources; add it to scope.accounts`,
        );
      }
      const provider = ctx.providers.forAccount(tooling);
      const oidc = new GithubOidcProvider(
        "cicd-github-oidc",
        { mode: config.github.oidcProvider, accountId: tooling.id, thumbprints: config.github.thumbprints },
        { provider },
      );
      oidcProviderArn = oidc.arn;
      for (const ci of layout.ciRoles) {
        const role = new CiRole(
          `cicd-ci-${ci.pipeline}`,
          {
            pipeline: ci.pipeline,
            roleName: ci.roleName,
            oidcProviderArn: oidc.arn,
            subjects: ci.subjects,
            deploymentRoleArns: ci.deploymentRoleArns,
            organizationId: ctx.config.organization.id,
            permissionsBoundary: ctx.boundaries.forRole(tooling.name, ci.roleName),
          },
          {
            provider,
            // An existing provider may be one another capability creates in this stack (org-access:pipeline).
            ...(config.github.oidcProvider === "existing"
              ? { dependsOn: ctx.identities.creatorsOf([githubOidcProviderArn(tooling.id)]) }
              : {}),
          },
        );
        ctx.inventory.add(tooling.name, ci.roleName);
        created.push(role);
        ciRoles[ci.pipeline] = {
          arn: role.arn,
          subjects: ci.subjects,
          deploymentRoleArns: ci.deploymentRoleArns,
        };
      }
    }

    const deploymentRoles: Record<string, Record<string, pulumi.Input<string>>> = {};
    for (const env of layout.deploymentRoles) {
      deploymentRoles[env.environment] = deployEnvironment(ctx, config, env, created);
    }
    return {
      toolingAccount: layout.tooling.name,
      ...(oidcProviderArn === undefined ? {} : { oidcProviderArn }),
      ciRoles,
      deploymentRoles,
    };
  },
};

function deployEnvironment(
  ctx: StackContext,
  config: CicdConfig,
  env: DeploymentRoleLayout,
  ciRoles: readonly CiRole[],
): Record<string, pulumi.Input<string>> {
  const defaults = config.deploymentRoles;
  const override = defaults.environments[env.environment];
  const presets: DeploymentPreset[] = override?.presets ?? defaults.presets ?? ["scoped-ecs"];
  const statements = override?.statements ?? defaults.statements ?? [];
  const managedPolicies = override?.managedPolicies ?? defaults.managedPolicies ?? [];
  const arns: Record<string, pulumi.Input<string>> = {};
  for (const account of ctx.accounts.forStack(env.accounts)) {
    const role = new DeploymentRole(
      `cicd-deployment-${env.environment}-${account.name}`,
      {
        environment: env.environment,
        roleName: env.roleName,
        ciRoleArns: env.ciRoleArns,
        organizationId: ctx.config.organization.id,
        policy: deploymentPolicyDocument({ accountId: account.id, presets, statements }),
        managedPolicies,
        administratorJustification: override?.administratorAccess?.justification,
        permissionsBoundary: ctx.boundaries.forRole(account.name, env.roleName),
        maxSessionDuration: defaults.maxSessionDurationSeconds,
      },
      // IAM refuses a trust naming a role that does not exist yet: the CI roles come first.
      { provider: ctx.providers.forAccount(account), dependsOn: [...ciRoles] },
    );
    ctx.inventory.add(account.name, env.roleName);
    arns[account.name] = role.arn;
  }
  return arns;
}
