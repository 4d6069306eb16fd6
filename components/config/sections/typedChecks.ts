import { z } from "zod";
import type { OrgAccessConfig } from "../schema";

/** A config path below `org-access:`, as the schema library reports it: `["guardrails", "scps", 0]`. */
export type ConfigPath = readonly (string | number)[];

/** An account of the inventory as the checks know it: its name, and its ID and OU when they parsed. */
export interface KnownAccount {
  readonly name: string;
  readonly id?: string;
  readonly ou?: string;
}

/**
 * What a check on the parsed config gets. It runs even when other keys have errors (`superRefine`
 * with `when`), so a value is trusted only where {@link valid} says it parsed.
 */
export class TypedCheckContext {
  readonly accounts: readonly KnownAccount[];
  private readonly ouNames: ReadonlySet<string> | undefined;
  /** The management account's name, when the organization and the inventory say which it is. */
  readonly managementAccount: string | undefined;
  readonly kind: "management" | "security" | undefined;
  /** The account this stack deploys from, when `deployment.account` parsed. */
  readonly home: string | undefined;

  constructor(
    readonly config: OrgAccessConfig,
    private readonly payload: z.core.$RefinementCtx<unknown>,
  ) {
    const accounts: KnownAccount[] = [];
    if (this.valid(["accounts"], true) && Array.isArray(config.accounts)) {
      config.accounts.forEach((a, i) => {
        if (a === null || typeof a !== "object" || typeof a.name !== "string") return;
        accounts.push({
          name: a.name,
          id: this.valid(["accounts", i, "id"]) ? a.id : undefined,
          ou: this.valid(["accounts", i, "ou"]) ? a.ou : undefined,
        });
      });
    }
    this.accounts = accounts;
    this.ouNames =
      this.valid(["organizationalUnits"], true) && Array.isArray(config.organizationalUnits)
        ? new Set(config.organizationalUnits.map((o) => o?.name).filter((n) => typeof n === "string"))
        : undefined;
    const managementId = this.valid(["organization", "managementAccountId"])
      ? config.organization.managementAccountId
      : undefined;
    this.managementAccount = accounts.find((a) => a.id !== undefined && a.id === managementId)?.name;
    this.kind = this.valid(["deployment", "kind"]) ? config.deployment.kind : undefined;
    this.home = this.valid(["deployment", "account"]) ? config.deployment.account : undefined;
  }

  /**
   * Whether the value at `path` parsed without problems: no issue at it, inside it or at a value that
   * holds it (a missing `organization` makes `organization.id` unknown). `ownLevelOnly`: issues
   * inside the value do not count, only whether the value itself has the right type.
   */
  valid(path: ConfigPath, ownLevelOnly = false): boolean {
    return !this.payload.issues.some((issue) => {
      if (issue.code === "unrecognized_keys") return false;
      const at = issue.path ?? [];
      if (at.length > path.length && ownLevelOnly) return false;
      const common = Math.min(at.length, path.length);
      return path.slice(0, common).every((segment, i) => at[i] === segment);
    });
  }

  issue(path: ConfigPath, message: string): void {
    this.payload.addIssue({ code: "custom", path: [...path], message, input: undefined, continue: true });
  }

  accountNamed(name: string): KnownAccount | undefined {
    return this.accounts.find((a) => a.name === name);
  }

  /** Reports an account name that is not in the inventory. */
  account(value: string, path: ConfigPath): void {
    if (this.accounts.length > 0 && this.accountNamed(value) === undefined) {
      this.issue(
        path,
        `unknown account ${JSON.stringify(value)}; use a name from org-access:accounts (${this.accounts
          .map((a) => a.name)
          .sort()
          .join(", ")})`,
      );
    }
  }

  /** Reports an OU name that is not configured (`root` only where allowed). */
  organizationalUnit(value: string, path: ConfigPath, allowRoot = false): void {
    if ((allowRoot && value === "root") || this.ouNames === undefined || this.ouNames.has(value)) return;
    this.issue(
      path,
      `unknown organizational unit ${JSON.stringify(value)}; use a name from org-access:organizationalUnits (${[
        ...this.ouNames,
      ]
        .sort()
        .join(", ")})${allowRoot ? " or `root`" : ""}`,
    );
  }
}

/** Runs a check on the parsed config even when other keys have errors. */
export const ALWAYS = { when: () => true } as const;
