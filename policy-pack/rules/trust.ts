import { ResourceRule, RuleDeclaration, TYPES, resourceRule } from "../lib/policy";
import { ORG_FACTS } from "../lib/config";
import { roleOwnPolicies, roleSubject } from "../lib/role";
import {
  TrustCheck,
  adminGrants,
  checkAdminOnCrossAccountRole,
  checkConditionOperators,
  checkCrossAccountOrgCondition,
  checkExternalIdRequired,
  checkNoWildcardPrincipal,
  checkOidcScoped,
  checkServiceConfusedDeputy,
  checkStatementShape,
  checkTrustPolicySize,
} from "../lib/trust";

/** Trust-policy rules on `aws.iam.Role` resources of any program. */

/** A rule judging a role's trust policy (and what is known about the role) with one trust check. */
function trustRule<N extends string>(
  rule: RuleDeclaration<N> & { readonly check: TrustCheck },
): ResourceRule<N> {
  const check = rule.check;
  return resourceRule({ ...rule, types: [TYPES.role], check: (args, cfg) => check(roleSubject(args), cfg) });
}

export const trustNoWildcardPrincipal = trustRule({
  name: "trust-no-wildcard-principal",
  description:
    'A role trust policy never trusts "*" (alone, as {"AWS": "*"}, or in a list), whatever its conditions.',
  enforcementLevel: "mandatory",
  config: [],
  check: checkNoWildcardPrincipal,
});

export const trustStatementShape = trustRule({
  name: "trust-statement-shape",
  description:
    'A role trust policy is a readable document without NotPrincipal, without Allow NotAction and without Action "*".',
  enforcementLevel: "mandatory",
  config: [],
  check: checkStatementShape,
});

export const trustCrossAccountRequiresOrgCondition = trustRule({
  name: "trust-cross-account-requires-org-condition",
  description:
    "A role trusting a principal of another organization account requires an exact aws:PrincipalOrgID or aws:PrincipalAccount condition (the organization access role trusting the management account root excepted).",
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS, "organizationAccessRoleName"],
  check: checkCrossAccountOrgCondition,
});

export const trustExternalRequiresExternalId = trustRule({
  name: "trust-external-requires-external-id",
  description:
    "A role trusting a principal outside the organization requires an exact sts:ExternalId (StringEquals, no IfExists, no wildcard, no set qualifier).",
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS],
  check: checkExternalIdRequired,
});

export const trustOidcScoped = trustRule({
  name: "trust-oidc-scoped",
  description:
    "A role trusting an OIDC provider requires aud and sub conditions; GitHub subjects are scoped to a repository in every value.",
  enforcementLevel: "mandatory",
  config: ["allowOrgWideGithubSubjects"],
  check: checkOidcScoped,
});

export const trustConditionOperators = trustRule({
  name: "trust-condition-operators",
  description:
    "Single-valued identity keys (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, sts:ExternalId, aws:SourceAccount) are never tested with ForAllValues, IfExists or a wildcard.",
  enforcementLevel: "mandatory",
  config: [],
  check: checkConditionOperators,
});

export const trustPolicySize = trustRule({
  name: "trust-policy-size",
  description:
    "A role trust policy stays within the configured size (2,048 non-whitespace characters by default).",
  enforcementLevel: "mandatory",
  config: ["maxTrustPolicyLength"],
  check: checkTrustPolicySize,
});

export const noAdminOnCrossAccountRole = resourceRule({
  name: "no-admin-on-cross-account-role",
  description:
    "A role trusting another account does not carry AdministratorAccess or a * on * inline statement (the organization access role and allow-listed roles excepted).",
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS, "organizationAccessRoleName", "allowedAdminRoleNames"],
  types: [TYPES.role],
  check: (args, cfg) => {
    const own = roleOwnPolicies(args.props);
    return checkAdminOnCrossAccountRole(
      roleSubject(args),
      adminGrants(own.managedPolicyArns, own.inlineDocs),
      cfg,
    );
  },
});

export const trustServiceConfusedDeputy = trustRule({
  name: "trust-service-confused-deputy",
  description:
    "A role trusting an AWS service (other than common compute services) limits it with aws:SourceAccount or aws:SourceArn.",
  enforcementLevel: "advisory",
  config: ["exemptServicePrincipals"],
  check: checkServiceConfusedDeputy,
});
