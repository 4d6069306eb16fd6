import { EnforcementLevel } from "@pulumi/policy";
import { ConfigKey, ORG_FACTS } from "../lib/config";
import { TYPES, resourcePolicy } from "../lib/policy";
import { roleOwnPolicies, roleSubject } from "../lib/role";
import {
  ADVISORY_TRUST_CHECKS,
  MANDATORY_TRUST_CHECKS,
  TrustCheck,
  adminGrants,
  checkAdminOnCrossAccountRole,
} from "../lib/trust";

/** Trust-policy rules on `aws.iam.Role` resources of any program. */

function trustPolicy(
  name: string,
  description: string,
  enforcementLevel: EnforcementLevel,
  config: ConfigKey[],
  check: TrustCheck,
) {
  return resourcePolicy({
    name,
    description,
    enforcementLevel,
    config,
    types: [TYPES.role],
    check: (args, cfg) => check(roleSubject(args), cfg),
  });
}

export const trustNoWildcardPrincipal = trustPolicy(
  "trust-no-wildcard-principal",
  'A role trust policy never trusts "*" (alone, as {"AWS": "*"}, or in a list), whatever its conditions.',
  "mandatory",
  [],
  MANDATORY_TRUST_CHECKS["trust-no-wildcard-principal"],
);

export const trustStatementShape = trustPolicy(
  "trust-statement-shape",
  'A role trust policy is a readable document without NotPrincipal, without Allow NotAction and without Action "*".',
  "mandatory",
  [],
  MANDATORY_TRUST_CHECKS["trust-statement-shape"],
);

export const trustCrossAccountRequiresOrgCondition = trustPolicy(
  "trust-cross-account-requires-org-condition",
  "A role trusting a principal of another organization account requires an exact aws:PrincipalOrgID or aws:PrincipalAccount condition (the organization access role trusting the management account root excepted).",
  "mandatory",
  [...ORG_FACTS, "organizationAccessRoleName"],
  MANDATORY_TRUST_CHECKS["trust-cross-account-requires-org-condition"],
);

export const trustExternalRequiresExternalId = trustPolicy(
  "trust-external-requires-external-id",
  "A role trusting a principal outside the organization requires an exact sts:ExternalId (StringEquals, no IfExists, no wildcard, no set qualifier).",
  "mandatory",
  [...ORG_FACTS],
  MANDATORY_TRUST_CHECKS["trust-external-requires-external-id"],
);

export const trustOidcScoped = trustPolicy(
  "trust-oidc-scoped",
  "A role trusting an OIDC provider requires aud and sub conditions; GitHub subjects are scoped to a repository in every value.",
  "mandatory",
  ["allowOrgWideGithubSubjects"],
  MANDATORY_TRUST_CHECKS["trust-oidc-scoped"],
);

export const trustConditionOperators = trustPolicy(
  "trust-condition-operators",
  "Single-valued identity keys (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, sts:ExternalId, aws:SourceAccount) are never tested with ForAllValues, IfExists or a wildcard.",
  "mandatory",
  [],
  MANDATORY_TRUST_CHECKS["trust-condition-operators"],
);

export const trustPolicySize = trustPolicy(
  "trust-policy-size",
  "A role trust policy stays within the configured size (2,048 non-whitespace characters by default).",
  "mandatory",
  ["maxTrustPolicyLength"],
  MANDATORY_TRUST_CHECKS["trust-policy-size"],
);

export const noAdminOnCrossAccountRole = resourcePolicy({
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

export const trustServiceConfusedDeputy = trustPolicy(
  "trust-service-confused-deputy",
  "A role trusting an AWS service (other than common compute services) limits it with aws:SourceAccount or aws:SourceArn.",
  "advisory",
  ["exemptServicePrincipals"],
  ADVISORY_TRUST_CHECKS["trust-service-confused-deputy"],
);

export const trustPolicies = [
  trustNoWildcardPrincipal,
  trustStatementShape,
  trustCrossAccountRequiresOrgCondition,
  trustExternalRequiresExternalId,
  trustOidcScoped,
  trustConditionOperators,
  trustPolicySize,
  noAdminOnCrossAccountRole,
  trustServiceConfusedDeputy,
];
