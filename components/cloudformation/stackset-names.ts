import type { SecurityAccessConfig, SecurityAccessTeamConfig } from "../security-access/config";

/**
 * Names of StackSets that more than one pattern must agree on: the security stack's pipeline may
 * manage exactly the StackSets security access and its assumption alerts create as delegated
 * administrator, so both derive the names from here.
 */

/** Name of a team's target StackSet (security stack, `stackset` mode), in the management account. */
export function targetStackSetName(team: SecurityAccessTeamConfig): string {
  return `org-access-${team.targetRoleName}`;
}

/** The StackSets the security stack creates as delegated administrator. */
export function delegatedAdminStackSetNames(config: SecurityAccessConfig | undefined): string[] {
  if (config?.rollout.mode !== "stackset" || config.rollout.organizationalUnits.length === 0) return [];
  return config.teams.map(targetStackSetName);
}

/**
 * Names of the detection StackSets for the roles of StackSet `roleStackSetName`: one per watched
 * region, created with the role StackSet's own `callAs`, so a delegated administrator's live in the
 * management account beside it.
 */
export function detectionStackSetNames(roleStackSetName: string, regions: readonly string[]): string[] {
  return regions.map((region) => `${roleStackSetName}-alerts-${region}`);
}
