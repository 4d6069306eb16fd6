import { Policies } from "@pulumi/policy";
import { ConfigKey } from "../lib/config";
import { Rule, configKeysOf, policyOf } from "../lib/policy";
import {
  cloudformationStackSetInstances,
  cloudformationTemplateTrust,
  cloudformationTemplateTrustAdvisory,
} from "./cloudformation";
import { noLongLivedCredentials } from "./credentials";
import { identityAssumeRoleScoped, identityManagedPolicyScoped, mfaConditionPattern } from "./identity";
import {
  organizationPolicyNoLockout,
  organizationPolicySize,
  rcpStatementsOrganizationsAccepts,
} from "./organization-policies";
import { resourcePolicyNoOpenAccess } from "./resource-policies";
import { orgAccessRoleProtected, permissionsBoundaryRequired, roleMaxSessionDuration } from "./roles";
import {
  defaultProviderInMultiAccountStack,
  noAdminOnCrossAccountRoleAttachment,
  orgAccessRoleStackSetNotManagement,
} from "./stack";
import {
  noAdminOnCrossAccountRole,
  trustConditionOperators,
  trustCrossAccountRequiresOrgCondition,
  trustExternalRequiresExternalId,
  trustNoWildcardPrincipal,
  trustOidcScoped,
  trustPolicySize,
  trustServiceConfusedDeputy,
  trustStatementShape,
} from "./trust";

/**
 * The pack's rule registry: every rule, each declared once in its group's file (name, description,
 * level, config, types and check together), in the order the pack runs them and the rule table lists
 * them. The policies handed to `new PolicyPack`, the config a stack's pack runs with, the policy
 * names `policy:check` knows and docs/policy-pack-rules.md are all derived from it. Code that needs a
 * rule's name reads it from its entry (`RULES.trustPolicySize.name`), never spells it again.
 */
export const RULES = {
  trustNoWildcardPrincipal,
  trustStatementShape,
  trustCrossAccountRequiresOrgCondition,
  trustExternalRequiresExternalId,
  trustOidcScoped,
  trustConditionOperators,
  trustPolicySize,
  noAdminOnCrossAccountRole,
  trustServiceConfusedDeputy,
  identityAssumeRoleScoped,
  identityManagedPolicyScoped,
  mfaConditionPattern,
  noLongLivedCredentials,
  resourcePolicyNoOpenAccess,
  cloudformationTemplateTrust,
  cloudformationTemplateTrustAdvisory,
  roleMaxSessionDuration,
  permissionsBoundaryRequired,
  orgAccessRoleProtected,
  noAdminOnCrossAccountRoleAttachment,
  orgAccessRoleStackSetNotManagement,
  defaultProviderInMultiAccountStack,
  cloudformationStackSetInstances,
  organizationPolicySize,
  rcpStatementsOrganizationsAccepts,
  organizationPolicyNoLockout,
} as const;

/** A policy name of the pack. */
export type RuleName = (typeof RULES)[keyof typeof RULES]["name"];

/** Every rule of the pack, in the registry's order. */
export const allRules: readonly Rule[] = Object.values(RULES);

/** Every policy of the pack, in the registry's order: what `new PolicyPack` gets. */
export const allPolicies: Policies = allRules.map((rule) => policyOf(rule));

/** The rule of that policy name, if the pack has one. */
export function ruleNamed(name: string): Rule | undefined {
  return allRules.find((rule) => rule.name === name);
}

/** The rules whose policy config declares `key` (a policy ignores config it does not declare). */
export function rulesReading(key: ConfigKey): Rule[] {
  return allRules.filter((rule) => configKeysOf(rule).includes(key));
}
