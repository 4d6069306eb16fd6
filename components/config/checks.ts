import { z } from "zod";
import type { OrgAccessConfig } from "./schema";

export const CONFIG_NAMESPACE = "org-access";

/** `org-access:vendors[1].externalId` from `["vendors", 1, "externalId"]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = CONFIG_NAMESPACE;
  path.forEach((segment, index) => {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += index === 0 ? `:${String(segment)}` : `.${String(segment)}`;
  });
  return out;
}

/** Whether a written config path (`vendors[0].externalId`) is the key `name` or a value inside it. */
export function isWithin(path: string, name: string): boolean {
  return path === name || (path.startsWith(name) && /^[[.]/.test(path.slice(name.length)));
}

/** A config path below `org-access:`, as the schema library reports it: `["vendors", 1, "externalId"]`. */
export type ConfigPath = readonly (string | number)[];

/** An account of the inventory as the checks know it: the entry's name, and its ID and OU when valid. */
export interface InventoryAccount {
  readonly name: string;
  readonly id?: string;
  readonly ou?: string;
  readonly environment?: string;
}

/** What the checks may ask about the config as written, beyond its parsed values. */
export interface ConfigSourceFacts {
  /**
   * `true` when the value at this path is stored encrypted, `false` when in plain text, `undefined`
   * when it cannot be told (the key holds a secret somewhere, and which values are secret is unknown).
   */
  encrypted(path: ConfigPath): boolean | undefined;
  /** Whether the stack file sets this key itself, rather than leaving it to its default. */
  isSet(path: ConfigPath): boolean;
}

/** Facts of a config given as parsed values only: nothing secret, every value set. */
export const PLAIN_VALUES: ConfigSourceFacts = { encrypted: () => false, isSet: () => true };

/**
 * What every check on the parsed config gets. The checks run on the typed config even when other
 * keys have errors (zod's `superRefine` with `when`): a value is trustworthy where {@link valid} says
 * so, and the inventory lookups only answer what the accounts and OUs that parsed can tell, so one
 * broken key never turns into a cascade of follow-on errors.
 */
export class CheckContext {
  /** Every account entry with a name (valid or not: a misspelt name is reported once, at the account). */
  readonly accounts: readonly InventoryAccount[];
  /** What parsing found, before any check ran: the checks' own findings never hide a value. */
  private readonly parseIssues: readonly z.core.$ZodRawIssue[];
  /** Whether the inventory can answer "is there an account named x" (the list parsed as a list). */
  private readonly accountsKnown: boolean;
  private readonly accountNames: ReadonlySet<string>;
  private readonly ouNames: ReadonlySet<string>;
  private readonly ousKnown: boolean;
  private readonly environments: ReadonlySet<string>;
  /** The management account's name, when the organization and the inventory say which it is. */
  readonly managementAccount: string | undefined;
  /** `management` or `security`, when `deployment.kind` is valid. */
  readonly kind: "management" | "security" | undefined;
  /** The account this stack deploys from, when `deployment.account` names a known account. */
  readonly home: string | undefined;

  constructor(
    readonly config: OrgAccessConfig,
    private readonly payload: z.core.$RefinementCtx<unknown>,
    /** How each value is written: encrypted or not, set or left to its default. */
    readonly source: ConfigSourceFacts = PLAIN_VALUES,
  ) {
    this.parseIssues = [...payload.issues];
    const accounts: InventoryAccount[] = [];
    this.accountsKnown = this.valid(["accounts"], { ownLevelOnly: true });
    if (this.accountsKnown) {
      config.accounts.forEach((a, i) => {
        if (a === null || typeof a !== "object" || typeof a.name !== "string") return;
        accounts.push({
          name: a.name,
          id: this.valid(["accounts", i, "id"]) ? a.id : undefined,
          ou: this.valid(["accounts", i, "ou"]) ? a.ou : undefined,
          environment: this.valid(["accounts", i, "environment"]) ? a.environment : undefined,
        });
      });
    }
    this.accounts = accounts;
    this.accountNames = new Set(accounts.map((a) => a.name));
    this.environments = new Set(accounts.map((a) => a.environment).filter((e) => e !== undefined));
    this.ousKnown = this.valid(["organizationalUnits"], { ownLevelOnly: true });
    this.ouNames = new Set(
      this.ousKnown
        ? config.organizationalUnits.map((o) => o?.name).filter((n): n is string => typeof n === "string")
        : [],
    );
    const managementId = this.valid(["organization", "managementAccountId"])
      ? config.organization.managementAccountId
      : undefined;
    this.managementAccount = accounts.find((a) => a.id !== undefined && a.id === managementId)?.name;
    this.kind = this.valid(["deployment", "kind"]) ? config.deployment.kind : undefined;
    const home = this.valid(["deployment", "account"]) ? config.deployment.account : undefined;
    this.home = home !== undefined && this.accountNames.has(home) ? home : undefined;
  }

  /**
   * Whether the value at `path` parsed without problems, so its type can be trusted. Unknown keys
   * beside it do not count (they are dropped, and reported on their own). `ownLevelOnly` asks only
   * whether the value itself has the right type (a list is a list), not whether every entry is valid.
   */
  valid(path: ConfigPath, options: { ownLevelOnly?: boolean } = {}): boolean {
    return !this.parseIssues.some((issue) => {
      if (issue.code === "unrecognized_keys") return false;
      const at = issue.path ?? [];
      // A value whose parent is missing or of the wrong type is missing too.
      if (at.length < path.length) {
        return !SHAPE_KEEPING.has(issue.code) && at.every((segment, i) => path[i] === segment);
      }
      if (options.ownLevelOnly && at.length !== path.length) return false;
      return path.every((segment, i) => at[i] === segment);
    });
  }

  /** Reports a problem at `path`. */
  issue(path: ConfigPath, message: string): void {
    this.payload.addIssue({ code: "custom", path: [...path], message, input: undefined, continue: true });
  }

  /** The inventory entry of an account name, if there is one. */
  accountNamed(name: string): InventoryAccount | undefined {
    return this.accounts.find((a) => a.name === name);
  }

  /** Whether an account name refers to an account of the inventory (true when the inventory is unknown). */
  isAccount(name: unknown): boolean {
    return !this.accountsKnown || (typeof name === "string" && this.accountNames.has(name));
  }

  /** Whether an OU name refers to an OU of the config (true when the OU list is unknown). */
  isOrganizationalUnit(name: unknown): boolean {
    return !this.ousKnown || (typeof name === "string" && this.ouNames.has(name));
  }

  /** Whether the OU list parsed and names this OU (false when it cannot be told). */
  hasOrganizationalUnit(name: string): boolean {
    return this.ousKnown && this.ouNames.has(name);
  }

  /** Reports `value` at `path` when it names no account. */
  account(value: unknown, path: ConfigPath): void {
    if (typeof value === "string" && !this.isAccount(value)) {
      this.issue(
        path,
        `unknown account ${JSON.stringify(value)}; use a name from org-access:accounts (${list(this.accountNames)})`,
      );
    }
  }

  /** Reports each entry of `values` that names no account. */
  accountList(values: unknown, path: ConfigPath): void {
    if (Array.isArray(values)) values.forEach((v, i) => this.account(v, [...path, i]));
  }

  /** Reports `value` at `path` when it names no OU (`root`, the organization root, only where allowed). */
  organizationalUnit(value: unknown, path: ConfigPath, allowRoot = false): void {
    if (typeof value !== "string" || (allowRoot && value === "root") || this.isOrganizationalUnit(value)) {
      return;
    }
    this.issue(
      path,
      `unknown organizational unit ${JSON.stringify(value)}; use a name from org-access:organizationalUnits (${list(this.ouNames)})${allowRoot ? " or `root`" : ""}`,
    );
  }

  /** Reports each entry of `values` that names no OU. */
  organizationalUnitList(values: unknown, path: ConfigPath, allowRoot = false): void {
    if (Array.isArray(values)) values.forEach((v, i) => this.organizationalUnit(v, [...path, i], allowRoot));
  }

  /** Reports `value` at `path` when no account carries that environment. */
  environment(value: unknown, path: ConfigPath): void {
    if (!this.accountsKnown || typeof value !== "string" || this.environments.has(value)) return;
    this.issue(
      path,
      `no account has environment ${JSON.stringify(value)}; set \`environment\` on an account in org-access:accounts (known: ${list(this.environments)})`,
    );
  }

  /** Whether the account list parsed, so "no account in this OU" can be told. */
  get knowsAccounts(): boolean {
    return this.accountsKnown;
  }

  /** Accounts of the inventory in an OU; undefined when the account list did not parse. */
  accountsIn(ou: string): InventoryAccount[] | undefined {
    return this.accountsKnown ? this.accounts.filter((a) => a.ou === ou) : undefined;
  }

  /** Reports the section when this stack is of another kind than the one that deploys it. */
  requireStackKind(key: string, kind: "management" | "security", what: string): void {
    if (this.kind !== undefined && this.kind !== kind) {
      this.issue(
        [key],
        `${what} is deployed by the ${kind} stack, and this is a ${this.kind} stack; move this key to Pulumi.${kind}.yaml`,
      );
    }
  }
}

/** Issues on a value that leave the values inside it as they were (a check's finding, a short list). */
const SHAPE_KEEPING: ReadonlySet<string> = new Set(["custom", "too_small", "too_big", "unrecognized_keys"]);

function list(names: ReadonlySet<string>): string {
  return names.size === 0 ? "none defined" : [...names].sort().join(", ");
}

/**
 * Runs a check on the parsed config even when other keys have errors. The check reads the typed
 * value; where a value failed to parse it must ask {@link CheckContext.valid} first.
 */
export const ALWAYS = { when: () => true } as const;

/** Each entry of a list, with its index, skipping entries that are not objects (reported already). */
export function entries<T>(values: readonly T[] | undefined): [T, number][] {
  if (!Array.isArray(values)) return [];
  return values.map((v, i) => [v, i] as [T, number]).filter(([v]) => v !== null && typeof v === "object");
}

/**
 * Remembers the first index of each name; calls `duplicate` with that first index when `name` was
 * seen before. Names that are not strings (reported by the schema) are skipped.
 */
export function firstOrDuplicate(
  seen: Map<string, number>,
  name: unknown,
  index: number,
  duplicate: (first: number) => void,
): void {
  if (typeof name !== "string") return;
  const first = seen.get(name);
  if (first === undefined) seen.set(name, index);
  else duplicate(first);
}

/** Each value that appears twice in a list: `[index, index of the first]`. */
export function duplicates<T>(values: readonly T[], key: (value: T) => unknown): [number, number][] {
  const seen = new Map<unknown, number>();
  const out: [number, number][] = [];
  values.forEach((value, index) => {
    const k = key(value);
    if (typeof k !== "string") return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else out.push([index, first]);
  });
  return out;
}

/**
 * StackSet OU targets: known names, never `root` (the organization root holds the management
 * account), and, where the StackSet deploys instances, at least one account in each (an instance on
 * an empty OU fails).
 */
export function checkStackSetOrganizationalUnits(
  ctx: CheckContext,
  values: readonly string[],
  path: ConfigPath,
  options: { requireAccounts: boolean },
): void {
  values.forEach((value, i) => {
    const at = [...path, i];
    if (value === "root") {
      ctx.issue(
        at,
        "the organization root holds the management account, which this role must never reach; list the member OUs by name instead",
      );
      return;
    }
    ctx.organizationalUnit(value, at);
    if (options.requireAccounts && ctx.hasOrganizationalUnit(value) && ctx.accountsIn(value)?.length === 0) {
      ctx.issue(
        at,
        `organizational unit ${JSON.stringify(value)} has no account in org-access:accounts, and a StackSet instance on an empty OU fails; add its accounts to the inventory or remove it from the targets`,
      );
    }
  });
}
