import { AccountConfig, OrgAccessConfig } from "./config";

/** An account of the inventory, with what the program derives from config. */
export interface Account extends AccountConfig {
  /** True for the organization's management (payer) account. */
  readonly isManagement: boolean;
}

/**
 * The account inventory: lookups by name, OU and environment, and the stack's scope (the subset of
 * accounts a sharded stack rolls out to). Every name in config was checked against it at load time,
 * so a lookup of an unknown name is a programming error.
 */
export class AccountInventory {
  private readonly byName = new Map<string, Account>();
  private readonly scopeNames: ReadonlySet<string>;

  constructor(private readonly config: OrgAccessConfig) {
    for (const account of config.accounts) {
      this.byName.set(account.name, {
        ...account,
        isManagement: account.id === config.organization.managementAccountId,
      });
    }
    this.scopeNames = new Set(this.selectScope().map((a) => a.name));
  }

  /** Every account, in config order. */
  all(): Account[] {
    return [...this.byName.values()];
  }

  get(name: string): Account {
    const account = this.byName.get(name);
    if (account === undefined) throw new Error(`org-access: unknown account ${JSON.stringify(name)}`);
    return account;
  }

  byId(id: string): Account | undefined {
    return this.all().find((a) => a.id === id);
  }

  get management(): Account {
    const account = this.all().find((a) => a.isManagement);
    if (account === undefined) throw new Error("org-access: the management account is not in the inventory");
    return account;
  }

  /** The account this stack deploys from. */
  get home(): Account {
    return this.get(this.config.deployment.account);
  }

  /** Accounts whose OU is one of `ouNames`. */
  inOrganizationalUnits(ouNames: readonly string[]): Account[] {
    const wanted = new Set(ouNames);
    return this.all().filter((a) => wanted.has(a.ou));
  }

  withEnvironment(environment: string): Account[] {
    return this.all().filter((a) => a.environment === environment);
  }

  /** Resolves a mix of account names and OU names into accounts, without duplicates, in config order. */
  resolve(target: {
    readonly accounts?: readonly string[];
    readonly organizationalUnits?: readonly string[];
  }): Account[] {
    const names = new Set(target.accounts ?? []);
    const ous = new Set(target.organizationalUnits ?? []);
    return this.all().filter((a) => names.has(a.name) || ous.has(a.ou));
  }

  /** Whether this stack's scope includes the account (all accounts when no scope is set). */
  inScope(account: Account | string): boolean {
    return this.scopeNames.has(typeof account === "string" ? account : account.name);
  }

  /** The accounts in this stack's scope. */
  scoped(accounts: readonly Account[] = this.all()): Account[] {
    return accounts.filter((a) => this.inScope(a));
  }

  /** The OU ID for an OU name. */
  organizationalUnitId(ouName: string): string {
    const ou = this.config.organizationalUnits.find((o) => o.name === ouName);
    if (ou === undefined)
      throw new Error(`org-access: unknown organizational unit ${JSON.stringify(ouName)}`);
    return ou.id;
  }

  private selectScope(): Account[] {
    const scope = this.config.scope;
    if (scope === undefined || (scope.accounts === undefined && scope.organizationalUnits === undefined)) {
      return this.all();
    }
    const selected = this.resolve(scope);
    // The home account is always reachable: the stack's own resources live there.
    const home = this.byName.get(this.config.deployment.account);
    return home !== undefined && !selected.includes(home) ? [home, ...selected] : selected;
  }
}
