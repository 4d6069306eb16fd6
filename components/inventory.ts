import { AccountInventory } from "./accounts";
import { roleArn } from "./naming";

/** One account's entry in the `inventory` stack output. */
export interface InventoryEntry {
  readonly id: string;
  readonly organizationalUnit: string;
  readonly environment?: string;
  /** Role name to ARN, for every role this stack manages in the account. */
  readonly roles: Record<string, string>;
}

/**
 * The roles this stack manages, per account. Role names are the same in every account, so each ARN
 * derives from the account ID and the name; inventory and task-execution tools read this output.
 */
export class RoleInventory {
  private readonly roles = new Map<string, Map<string, string>>();

  constructor(private readonly accounts: AccountInventory) {}

  /** Records that `roleName` exists (or will, through a StackSet) in the named account. */
  add(accountName: string, roleName: string, path = "/"): string {
    const account = this.accounts.get(accountName);
    const arn = roleArn(account.id, roleName, path);
    let roles = this.roles.get(accountName);
    if (roles === undefined) {
      roles = new Map();
      this.roles.set(accountName, roles);
    }
    roles.set(roleName, arn);
    return arn;
  }

  /** Every role name this stack manages, in any account, sorted and without duplicates. */
  roleNames(): string[] {
    const names = new Set<string>();
    for (const roles of this.roles.values()) for (const name of roles.keys()) names.add(name);
    return [...names].sort();
  }

  /** The stack output: every account in scope, with its ID, OU and managed role ARNs. */
  toOutput(): Record<string, InventoryEntry> {
    const out: Record<string, InventoryEntry> = {};
    for (const account of this.accounts.scoped()) {
      const roles = this.roles.get(account.name) ?? new Map<string, string>();
      out[account.name] = {
        id: account.id,
        organizationalUnit: account.ou,
        ...(account.environment === undefined ? {} : { environment: account.environment }),
        roles: Object.fromEntries([...roles.entries()].sort(([a], [b]) => a.localeCompare(b))),
      };
    }
    return out;
  }
}
