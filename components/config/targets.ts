import { z } from "zod";
import { CheckContext, ConfigPath, formatPath } from "./checks";

/**
 * The one way every pattern says where its per-account resources go: accounts and OUs by name,
 * exclusions, and the management account only through its own key, so reaching it is always an
 * explicit, visible choice. The runtime side is `AccountInventory.reach` / `forStack`.
 */
export const targetFields = {
  accounts: z
    .array(z.string({ error: "expected an account name" }))
    .default([])
    .meta({
      description:
        "Accounts by name. The management account is reached only through `includeManagementAccount`.",
    }),
  organizationalUnits: z
    .array(z.string({ error: "expected an organizational unit name" }))
    .default([])
    .meta({
      description:
        "OUs by name: every account in them (the management account only with `includeManagementAccount`).",
    }),
  excludeAccounts: z
    .array(z.string({ error: "expected an account name" }))
    .default([])
    .meta({ description: "Accounts of the targeted OUs that are left out." }),
  includeManagementAccount: z
    .boolean({ error: "expected true or false" })
    .default(false)
    .meta({ description: "Reach the management account too; off unless the stack file says so." }),
};

/** `targets: { accounts, organizationalUnits, excludeAccounts, includeManagementAccount }`. */
export const targetsSchema = z.object(targetFields).strict();

export type TargetsConfig = z.infer<typeof targetsSchema>;

/** How a pattern may use its targets. */
export interface TargetRules {
  /**
   * Why this pattern never reaches the management account (`includeManagementAccount` is then
   * refused); unset when the pattern may reach it with `includeManagementAccount: true`.
   */
  readonly neverManagement?: string;
  /** `root` (the organization root) is a valid OU here (SCP attachments). */
  readonly allowRoot?: boolean;
  /** The message when nothing is targeted; unset when an empty target list is fine. */
  readonly required?: string;
  /** An account listed by name whose OU is targeted too is reported as redundant (default: allowed). */
  readonly accountsInTargetedOus?: "redundant" | "allowed";
  /**
   * The OUs are StackSet targets: an OU with no account would fail the instance. Otherwise an
   * empty OU is reported as reaching nothing.
   */
  readonly stackSet?: boolean;
  /** An OU with no account in the inventory is fine (an SCP waits for accounts to join). */
  readonly emptyOrganizationalUnits?: "allowed";
  /** Where a pattern takes its OUs from elsewhere (the boundary's workload OUs), the OUs it targets. */
  readonly organizationalUnits?: readonly string[];
}

/**
 * The checks every target list gets: names known, the management account only with
 * `includeManagementAccount` (or never), exclusions inside the targeted OUs, no OU left empty.
 * `path` is where the target fields live (`["vendors", 0]`, `["audit", "targets"]`).
 */
export function checkTargets(
  ctx: CheckContext,
  targets: Partial<TargetsConfig>,
  path: ConfigPath,
  rules: TargetRules = {},
): void {
  const valid = (key: keyof TargetsConfig) => ctx.valid([...path, key]);
  const management = ctx.managementAccount;
  const ous =
    rules.organizationalUnits ?? (valid("organizationalUnits") ? (targets.organizationalUnits ?? []) : []);
  const accounts = valid("accounts") ? (targets.accounts ?? []) : [];
  const excluded = valid("excludeAccounts") ? (targets.excludeAccounts ?? []) : [];
  const includeManagement = valid("includeManagementAccount") && targets.includeManagementAccount === true;

  accounts.forEach((account, i) => {
    const at = [...path, "accounts", i];
    if (account === management) {
      ctx.issue(
        at,
        rules.neverManagement ??
          `${JSON.stringify(account)} is the management account, which a pattern reaches only through an explicit includeManagementAccount: true next to accounts; remove it from accounts and set that key if it must`,
      );
      return;
    }
    ctx.account(account, at);
    const ou = ctx.accountNamed(account)?.ou;
    if (ou !== undefined && ous.includes(ou) && rules.accountsInTargetedOus === "redundant") {
      ctx.issue(
        at,
        `account ${JSON.stringify(account)} is already targeted through organizational unit ${JSON.stringify(ou)}; remove it from accounts`,
      );
    }
  });

  if (rules.organizationalUnits === undefined) {
    ous.forEach((ou, i) => {
      const at = [...path, "organizationalUnits", i];
      if (ou === "root" && !rules.allowRoot) {
        ctx.issue(
          at,
          rules.neverManagement !== undefined || rules.stackSet
            ? "the organization root holds the management account, which this role must never reach; list the member OUs by name instead"
            : "the organization root holds the management account; list the member OUs by name, and reach the management account with includeManagementAccount: true",
        );
        return;
      }
      ctx.organizationalUnit(ou, at, rules.allowRoot);
      if (ou === "root" || !ctx.hasOrganizationalUnit(ou)) return;
      const members = ctx.accountsIn(ou)?.filter((a) => a.name !== management);
      if (members === undefined) return;
      if (members.length === 0 && rules.emptyOrganizationalUnits === "allowed") return;
      if (members.length === 0) {
        ctx.issue(
          at,
          rules.stackSet
            ? `organizational unit ${JSON.stringify(ou)} has no account in org-access:accounts, and a StackSet instance on an empty OU fails; add its accounts to the inventory or remove it from the targets`
            : `organizational unit ${JSON.stringify(ou)} has no account in org-access:accounts, so this reaches nothing there; add its accounts or remove it`,
        );
      } else if (members.every((a) => excluded.includes(a.name))) {
        ctx.issue(
          at,
          `every account of organizational unit ${JSON.stringify(ou)} is in excludeAccounts, so ${rules.stackSet ? "its StackSet instance would deploy nowhere" : "it reaches nothing"}; remove the OU from the targets`,
        );
      }
    });
  }

  excluded.forEach((account, i) => {
    const at = [...path, "excludeAccounts", i];
    if (account === management) {
      ctx.issue(
        at,
        "the management account is never reached through an OU (only through includeManagementAccount); remove it from excludeAccounts",
      );
      return;
    }
    ctx.account(account, at);
    const ou = ctx.accountNamed(account)?.ou;
    if (ou !== undefined && !ous.includes(ou)) {
      ctx.issue(
        at,
        `account ${JSON.stringify(account)} is in organizational unit ${JSON.stringify(ou)}, which ${formatPath([...path, "organizationalUnits"])} does not target; remove it from excludeAccounts`,
      );
    }
  });

  if (includeManagement && rules.neverManagement !== undefined) {
    ctx.issue([...path, "includeManagementAccount"], rules.neverManagement);
  }

  const targetsAnything = ous.length > 0 || accounts.length > 0 || includeManagement;
  const knowable = valid("organizationalUnits") && valid("accounts");
  if (rules.required !== undefined && knowable && !targetsAnything) ctx.issue(path, rules.required);
}
