import { Account, AccountInventory } from "../accounts";
import { githubSubject } from "../config/github";
import { CicdConfig, ciRoleName, deploymentRoleName } from "./config";
import { roleArn } from "../naming";

/** One pipeline's CI role: where it is, which subjects get in, which deployment roles it may assume. */
export interface CiRoleLayout {
  readonly pipeline: string;
  readonly roleName: string;
  readonly arn: string;
  readonly subjects: string[];
  readonly environments: string[];
  readonly deploymentRoleArns: string[];
}

/** One environment's deployment role: its name, the accounts that carry it, the CI roles it trusts. */
export interface DeploymentRoleLayout {
  readonly environment: string;
  readonly roleName: string;
  readonly accounts: Account[];
  /** The CI roles of exactly the pipelines that serve this environment. */
  readonly ciRoleArns: string[];
}

export interface CicdLayout {
  readonly tooling: Account;
  readonly ciRoles: CiRoleLayout[];
  readonly deploymentRoles: DeploymentRoleLayout[];
}

/**
 * Who trusts whom, derived from config alone: role ARNs come from account IDs and names, so the CI
 * roles' permissions and the deployment roles' trusts agree without reading each other's state.
 */
export function cicdLayout(config: CicdConfig, accounts: AccountInventory): CicdLayout {
  const tooling = accounts.get(config.toolingAccount);
  const deploymentRoles: DeploymentRoleLayout[] = [];
  const environments = [...new Set(config.pipelines.flatMap((p) => p.environments))];
  for (const environment of environments) {
    const name = deploymentRoleName(config.deploymentRoles, environment);
    deploymentRoles.push({
      environment,
      roleName: name,
      // Never the management account: config refuses an environment there that a pipeline serves.
      accounts: accounts.reach({ accounts: accounts.withEnvironment(environment).map((a) => a.name) }),
      ciRoleArns: config.pipelines
        .filter((p) => p.environments.includes(environment))
        .map((p) => roleArn(tooling.id, ciRoleName(config, p.name))),
    });
  }
  const ciRoles = config.pipelines.map((pipeline): CiRoleLayout => {
    const name = ciRoleName(config, pipeline.name);
    return {
      pipeline: pipeline.name,
      roleName: name,
      arn: roleArn(tooling.id, name),
      subjects: [...new Set(pipeline.subjects.map(githubSubject))],
      environments: [...pipeline.environments],
      deploymentRoleArns: deploymentRoles
        .filter((d) => pipeline.environments.includes(d.environment))
        .flatMap((d) => d.accounts.map((a) => roleArn(a.id, d.roleName))),
    };
  });
  return { tooling, ciRoles, deploymentRoles };
}
