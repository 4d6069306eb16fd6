/** One problem in stack config, at a path such as `org-access:accounts[3].id`. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown before any resource is created when stack config is invalid; lists every problem. */
export class ConfigValidationError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `org-access: stack config is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigValidationError";
  }
}
