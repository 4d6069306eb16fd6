import { Account, AccountInventory } from "../accounts";
import { IdentityCenterConfig } from "./config";

/** One group given one permission set in one account. */
export interface ExpandedAssignment {
  readonly group: string;
  readonly groupId: string;
  readonly permissionSet: string;
  readonly account: Account;
}

/**
 * Expands assignments by account and OU into one entry per group, permission set and account. The
 * same triple reached twice (an account listed and also in a listed OU) is one assignment.
 */
export function expandAssignments(
  config: IdentityCenterConfig,
  accounts: AccountInventory,
): ExpandedAssignment[] {
  const seen = new Set<string>();
  const out: ExpandedAssignment[] = [];
  for (const assignment of config.assignments) {
    for (const account of accounts.reach(assignment)) {
      const key = JSON.stringify([assignment.group, assignment.permissionSet, account.name]);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        group: assignment.group,
        groupId: config.groups[assignment.group],
        permissionSet: assignment.permissionSet,
        account,
      });
    }
  }
  return out;
}
