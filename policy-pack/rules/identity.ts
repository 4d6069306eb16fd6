import { parsePolicyDocument } from "../lib/document";
import { checkAssumeRoleScoped } from "../lib/identity";
import { TYPES, resourcePolicy } from "../lib/policy";
import { roleOwnPolicies, roleSubject } from "../lib/role";
import { checkMfaPattern } from "../lib/trust";
import { ResourceValidationArgs } from "@pulumi/policy";
import { PolicyDocument } from "../lib/document";

/** Identity-policy rules: inline and managed policies of roles, users and groups. */

const IDENTITY_POLICY_TYPES = [TYPES.rolePolicy, TYPES.policy, TYPES.userPolicy, TYPES.groupPolicy];

/** Identity documents of a resource: its `policy`, or a role's legacy `inlinePolicies`. */
function identityDocuments(args: ResourceValidationArgs): { prefix: string; doc: PolicyDocument }[] {
  if (args.type === TYPES.role) {
    return roleOwnPolicies(args.props).inlineDocs.map((doc, i) => ({ prefix: `inlinePolicies[${i}] `, doc }));
  }
  return [{ prefix: "", doc: parsePolicyDocument(args.props.policy) }];
}

export const identityAssumeRoleScoped = resourcePolicy({
  name: "identity-assume-role-scoped",
  description:
    'Identity policies do not allow sts:AssumeRole on Resource "*", nor iam:PassRole on "*" without an iam:PassedToService condition.',
  enforcementLevel: "mandatory",
  config: [],
  types: [...IDENTITY_POLICY_TYPES, TYPES.role],
  check: (args) =>
    identityDocuments(args).flatMap(({ prefix, doc }) => checkAssumeRoleScoped(doc).map((m) => prefix + m)),
});

export const mfaConditionPattern = resourcePolicy({
  name: "mfa-condition-pattern",
  description:
    'Trust and identity policies do not test aws:MultiFactorAuthPresent "false" in a way that grants, or fails to deny, sessions without MFA.',
  enforcementLevel: "advisory",
  config: [],
  types: [...IDENTITY_POLICY_TYPES, TYPES.role],
  check: (args, cfg) => {
    const docs = identityDocuments(args);
    if (args.type === TYPES.role) docs.unshift({ prefix: "assumeRolePolicy ", doc: roleSubject(args).doc });
    return docs.flatMap(({ prefix, doc }) => checkMfaPattern({ doc }, cfg).map((m) => prefix + m));
  },
});

export const identityPolicies = [identityAssumeRoleScoped, mfaConditionPattern];
