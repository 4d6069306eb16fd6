import * as pulumi from "@pulumi/pulumi";

/** The boundary the roles a StackSet instance creates carry, and what that instance must wait for. */
export interface StackSetTargetBoundary {
  /** Boundary policy name for the instance's parameter override; undefined: no boundary. */
  readonly permissionsBoundaryPolicyName?: string;
  /** Resources that create the boundary policy in the target's accounts. */
  readonly dependsOn: pulumi.Resource[];
}

/**
 * Permissions boundaries by account. The boundaries capability declares the boundary's policy name
 * in every account that has one (organization-wide, for StackSet templates) and registers the ARN of
 * the accounts of this stack's scope; every capability that creates a custom role asks for it, so the
 * boundary is set on every role unless config exempts that role, whichever way the role is rolled out.
 */
export class BoundaryRegistry {
  private readonly arns = new Map<string, pulumi.Output<string>>();
  private readonly names = new Map<string, string>();
  private readonly readiness = new Map<string, pulumi.Resource[]>();
  private readonly exempt = new Set<string>();

  /**
   * The boundary ARN of an account of this stack's scope, and the resources that create the policy
   * (none when another stack or shard creates it).
   */
  register(
    accountName: string,
    policyArn: pulumi.Output<string>,
    readiness: readonly pulumi.Resource[] = [],
  ): void {
    this.arns.set(accountName, policyArn);
    this.readiness.set(accountName, [...readiness]);
  }

  /** The boundary policy's name in an account that has one, in scope or not (its ARN is deterministic). */
  declare(accountName: string, policyName: string): void {
    this.names.set(accountName, policyName);
  }

  /** Role names (as created in accounts) that must not carry the boundary. */
  exemptRoles(roleNames: readonly string[]): void {
    roleNames.forEach((n) => this.exempt.add(n));
  }

  /** The boundary a custom role named `roleName` in the account gets, if any. */
  forRole(accountName: string, roleName: string): pulumi.Output<string> | undefined {
    return this.exempt.has(roleName) ? undefined : this.arns.get(accountName);
  }

  /** The boundary policy's name a role named `roleName` in the account carries, if any (for templates). */
  policyNameForRole(accountName: string, roleName: string): string | undefined {
    return this.exempt.has(roleName) ? undefined : this.names.get(accountName);
  }

  /**
   * The boundary of one StackSet target (an OU's accounts): one instance passes one parameter value,
   * so its accounts must agree. Config validation reports a mixed OU first; this is the last guard.
   */
  forStackSetTarget(
    target: string,
    accountNames: readonly string[],
    roleName: string,
  ): StackSetTargetBoundary {
    const names = new Set(accountNames.map((a) => this.policyNameForRole(a, roleName)));
    if (names.size > 1) {
      const bounded = accountNames.filter((a) => this.policyNameForRole(a, roleName) !== undefined);
      throw new Error(
        `org-access: StackSet target ${target} mixes accounts with a permissions boundary (${bounded.join(", ")}) and without one; one StackSet instance passes one boundary to all its accounts`,
      );
    }
    const [permissionsBoundaryPolicyName] = [...names];
    if (permissionsBoundaryPolicyName === undefined) return { dependsOn: [] };
    return {
      permissionsBoundaryPolicyName,
      dependsOn: [...new Set(accountNames.flatMap((a) => this.readiness.get(a) ?? []))],
    };
  }
}
