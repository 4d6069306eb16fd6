import { ConfigIssue } from "./errors";

/**
 * Cross-reference checks over raw config. They run even when the schema found problems, so every
 * unknown name is reported together with every malformed value; each check tolerates values of the
 * wrong type (the schema reports those).
 */
export class ReferenceChecker {
  private readonly accountNames: Set<string>;
  private readonly ouNames: Set<string>;
  private readonly environments: Set<string>;

  constructor(
    raw: Record<string, unknown>,
    private readonly issues: ConfigIssue[],
  ) {
    const accounts = asArray(raw.accounts);
    this.accountNames = new Set(accounts.map((a) => field(a, "name")).filter(isString));
    this.environments = new Set(accounts.map((a) => field(a, "environment")).filter(isString));
    this.ouNames = new Set(
      asArray(raw.organizationalUnits)
        .map((o) => field(o, "name"))
        .filter(isString),
    );
  }

  /** Reports `value` at `path` when it is a string that names no account. */
  account(value: unknown, path: string): void {
    if (isString(value) && !this.accountNames.has(value)) {
      this.issues.push({
        path,
        message: `unknown account ${JSON.stringify(value)}; use a name from org-access:accounts (${list(this.accountNames)})`,
      });
    }
  }

  /** Reports `value` at `path` when it is a string that names no OU (`root` is the organization root). */
  organizationalUnit(value: unknown, path: string, allowRoot = false): void {
    if (isString(value) && !this.ouNames.has(value) && !(allowRoot && value === "root")) {
      this.issues.push({
        path,
        message: `unknown organizational unit ${JSON.stringify(value)}; use a name from org-access:organizationalUnits (${list(this.ouNames)})${allowRoot ? " or `root`" : ""}`,
      });
    }
  }

  /** Reports `value` at `path` when no account carries that environment. */
  environment(value: unknown, path: string): void {
    if (isString(value) && !this.environments.has(value)) {
      this.issues.push({
        path,
        message: `no account has environment ${JSON.stringify(value)}; set \`environment\` on an account in org-access:accounts (known: ${list(this.environments)})`,
      });
    }
  }

  accounts(values: unknown, path: string): void {
    asArray(values).forEach((v, i) => this.account(v, `${path}[${i}]`));
  }

  organizationalUnits(values: unknown, path: string): void {
    asArray(values).forEach((v, i) => this.organizationalUnit(v, `${path}[${i}]`));
  }

  issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

export function isString(value: unknown): value is string {
  return typeof value === "string";
}

function list(names: Set<string>): string {
  return names.size === 0 ? "none defined" : [...names].sort().join(", ");
}
