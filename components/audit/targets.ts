import { Account } from "../accounts";
import { StackContext } from "../context";

/**
 * The accounts of `accounts` this stack creates per-account roles in: those of its scope, minus the
 * home account unless this stack owns the organization-wide resources (every shard has its home
 * account in scope, and only one of them may manage roles there).
 */
export function stackTargets(ctx: StackContext, accounts: readonly Account[]): Account[] {
  return ctx.accounts
    .scoped(accounts)
    .filter((a) => ctx.organizationWide || a.name !== ctx.accounts.home.name);
}
