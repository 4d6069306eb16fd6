import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "./documents";
import type { StackSetRollout } from "../cloudformation/service-managed-stackset";

/**
 * Every role this program creates, with the trust policy it was built with: the source of the
 * assumption alerts' allowed callers, so the alert follows the same trust documents the roles get
 * (a config change that changes a trust changes its alert). Filled as the roles are constructed;
 * read by the observability capability, which the composition deploys after every role.
 */

/** A role created by a provider: its account is the provider's of `parent`. */
export interface ProviderRole {
  readonly roleName: string;
  readonly trust: PolicyDocument;
  /** The component whose provider creates the role. */
  readonly parent: pulumi.Resource;
}

/** A role a service-managed StackSet rolls out to OUs or accounts. */
export interface StackSetRole {
  readonly roleName: string;
  readonly trust: PolicyDocument;
  /** The role StackSet's rollout (targets, caller, administering region). */
  readonly rollout: StackSetRollout;
  /** The component that owns the role StackSet (its provider administers StackSets). */
  readonly parent: pulumi.Resource;
}

const providerRoles: ProviderRole[] = [];
const stackSetRoles: StackSetRole[] = [];

export function recordProviderRole(role: ProviderRole): void {
  providerRoles.push(role);
}

export function recordStackSetRole(role: StackSetRole): void {
  stackSetRoles.push(role);
}

/** The roles recorded so far in this program run. */
export function managedRoles(): {
  providerRoles: readonly ProviderRole[];
  stackSetRoles: readonly StackSetRole[];
} {
  return { providerRoles, stackSetRoles };
}
