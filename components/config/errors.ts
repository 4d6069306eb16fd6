/** One problem in stack config, at a path such as `org-access:accounts[3].id`. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
  /**
   * The value found at `path`, as shown to the user (`"12345"`, `[secret]`); the error prints it
   * after the message when the message does not already quote it.
   */
  readonly value?: string;
}

/** Thrown before any resource is created when stack config is invalid; lists every problem. */
export class ConfigValidationError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `org-access: stack config is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        issues.map((i) => `  - ${issueLine(i)}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}

/** `path: message (found: value)`, the value only when the message does not quote it already. */
export function issueLine(issue: ConfigIssue): string {
  const value = issue.value;
  // A message names the value either quoted, or bare as its subject (`IAMFullAccess is ...`).
  const bare = value !== undefined && /^".*"$/.test(value) ? value.slice(1, -1) : value;
  const named =
    value !== undefined &&
    (issue.message.includes(value) || (bare !== undefined && issue.message.startsWith(`${bare} `)));
  return `${issue.path}: ${issue.message}${value !== undefined && !named ? ` (found: ${value})` : ""}`;
}
