import { AccountConfig, OrgAccessConfig } from "./config";
import type { TargetsConfig } from "./config/targets";

/** Where a pattern's per-account resources go: the shared target fields of config, any subset. */
export type TargetSelection = Readonly<Partial<TargetsConfig>>;

/** An account of the inventory, with what the program derives from config. */
export interface Account extends AccountConfig {
  /** True for the organization's management (payer) account. */
  readonly isManagement: boolean;
}

/**
 * The account inventory: lookups by name, OU and environment, the stack's scope (the subset of
 * accounts a sharded stack rolls out to), and the one account-targeting helper every capability uses
 * ({@link reach}, {@link forStack}). Every name in config was checked against it at load time, so a
 * lookup of an unknown name is a programming error.
 */
export class AccountInventory {
  private readonly byName = new Map<string, Account>();
  private readonly scopeNames: ReadonlySet<string>;
  /**
   * Whether this stack owns the organization-wide resources, the home account's and the management
   * account's. True without `scope`; a sharded organization gives them to exactly one shard
   * (`scope.organizationWide`), so shards never collide.
   */
  readonly ownsOrganizationWide: boolean;

  constructor(private readonly config: OrgAccessConfig) {
    this.ownsOrganizationWide = config.scope === undefined || config.scope.organizationWide;
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

  /**
   * Every account the targets reach in the organization, whichever shard deploys it, in config order:
   * the named accounts and the members of the named OUs, minus the excluded ones. The management
   * account only with `includeManagementAccount`, even when it is named or sits in a named OU.
   */
  reach(targets: TargetSelection): Account[] {
    const names = new Set(targets.accounts ?? []);
    const ous = new Set(targets.organizationalUnits ?? []);
    const excluded = new Set(targets.excludeAccounts ?? []);
    return this.all().filter((a) =>
      a.isManagement
        ? targets.includeManagementAccount === true
        : names.has(a.name) || (ous.has(a.ou) && !excluded.has(a.name)),
    );
  }

  /**
   * The accounts of `accounts` whose per-account resources this stack creates: those of its scope,
   * and the home and the management account only when this stack owns the organization-wide
   * resources (every shard has its home account in scope, and only one may manage roles there).
   */
  forStack(accounts: readonly Account[]): Account[] {
    return accounts.filter(
      (a) =>
        this.inScope(a) &&
        (this.ownsOrganizationWide || (!a.isManagement && a.name !== this.config.deployment.account)),
    );
  }

  /** {@link reach} limited to this stack: where it creates the targets' per-account resources. */
  targets(targets: TargetSelection): Account[] {
    return this.forStack(this.reach(targets));
  }

  /** Whether this stack's scope includes the account (all accounts when no scope is set). */
  inScope(account: Account | string): boolean {
    return this.scopeNames.has(typeof account === "string" ? account : account.name);
  }

  /** The accounts in this stack's scope (the inventory output lists them). */
  scoped(): Account[] {
    return this.all().filter((a) => this.inScope(a));
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
    const names = new Set(scope.accounts ?? []);
    const ous = new Set(scope.organizationalUnits ?? []);
    const selected = this.all().filter((a) => names.has(a.name) || ous.has(a.ou));
    // The home account is always reachable: the stack's own resources live there.
    const home = this.byName.get(this.config.deployment.account);
    return home !== undefined && !selected.includes(home) ? [home, ...selected] : selected;
  }
}
