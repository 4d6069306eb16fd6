import * as pulumi from "@pulumi/pulumi";

/**
 * Permissions boundaries by account. The boundaries capability registers the policy it creates in
 * each workload account; every capability that creates a custom role there asks for it, so the
 * boundary is set on every role unless config exempts that role.
 */
export class BoundaryRegistry {
  private readonly arns = new Map<string, pulumi.Output<string>>();
  private readonly exempt = new Set<string>();

  register(accountName: string, policyArn: pulumi.Output<string>): void {
    this.arns.set(accountName, policyArn);
  }

  /** Role names (as created in accounts) that must not carry the boundary. */
  exemptRoles(roleNames: readonly string[]): void {
    roleNames.forEach((n) => this.exempt.add(n));
  }

  /** The boundary a custom role named `roleName` in the account gets, if any. */
  forRole(accountName: string, roleName: string): pulumi.Output<string> | undefined {
    return this.exempt.has(roleName) ? undefined : this.arns.get(accountName);
  }
}
