import { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { parsePolicyDocument, PolicyDocument } from "../lib/document";
import { escalationsByAssumeOrPass } from "../lib/identity";
import { TYPES, knownString, resourceRule, stackRule } from "../lib/policy";
import { roleOwnPolicies, roleSubject } from "../lib/role";
import { checkMfaPattern } from "../lib/trust";
import { roleAttachments } from "../lib/attachments";

/** Identity-policy rules: inline and managed policies of roles, users and groups. */

const INLINE_POLICY_TYPES = [TYPES.rolePolicy, TYPES.userPolicy, TYPES.groupPolicy];
const IDENTITY_POLICY_TYPES = [...INLINE_POLICY_TYPES, TYPES.policy];

/** Identity documents of a resource: its `policy`, or a role's legacy `inlinePolicies`. */
function identityDocuments(args: ResourceValidationArgs): { prefix: string; doc: PolicyDocument }[] {
  if (args.type === TYPES.role) {
    return roleOwnPolicies(args.props).inlineDocs.map((doc, i) => ({ prefix: `inlinePolicies[${i}] `, doc }));
  }
  return [{ prefix: "", doc: parsePolicyDocument(args.props.policy) }];
}

export const identityAssumeRoleScoped = resourceRule({
  name: "identity-assume-role-scoped",
  description:
    "Inline identity policies (role, user, group) do not allow sts:AssumeRole on any role of any account, nor iam:PassRole on any role without an iam:PassedToService that names the services, however the action, resource or condition is spelt.",
  enforcementLevel: "mandatory",
  config: [],
  types: [...INLINE_POLICY_TYPES, TYPES.role],
  check: (args) =>
    identityDocuments(args).flatMap(({ prefix, doc }) =>
      escalationsByAssumeOrPass(doc).map((m) => prefix + m),
    ),
});

/** ARNs (and names) that roles and users of the stack use as their permissions boundary. */
function boundaryReferences(resources: readonly PolicyResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    if (r.type !== TYPES.role && r.type !== TYPES.user) continue;
    const boundary = knownString(r.props, "permissionsBoundary");
    if (boundary !== undefined) out.add(boundary);
  }
  return out;
}

export const identityManagedPolicyScoped = stackRule({
  name: "identity-managed-policy-scoped",
  description:
    "Customer managed policies (aws.iam.Policy) do not allow sts:AssumeRole on any role of any account, nor iam:PassRole on any role without an iam:PassedToService that names the services; a policy the stack uses only as a permissions boundary (never attached) is exempt, since a boundary grants nothing by itself.",
  enforcementLevel: "mandatory",
  config: [],
  types: [
    TYPES.policy,
    TYPES.role,
    TYPES.user,
    TYPES.rolePolicyAttachment,
    TYPES.userPolicyAttachment,
    TYPES.groupPolicyAttachment,
  ],
  check: (resources) => {
    const boundaries = boundaryReferences(resources);
    const attached = new Set(roleAttachments(resources).map((a) => a.policyArn));
    for (const r of resources) {
      if (r.type === TYPES.userPolicyAttachment || r.type === TYPES.groupPolicyAttachment) {
        const arn = knownString(r.props, "policyArn");
        if (arn !== undefined) attached.add(arn);
      }
    }
    return resources
      .filter((r) => r.type === TYPES.policy)
      .flatMap((p) => {
        const arn = knownString(p.props, "arn");
        if (arn !== undefined && boundaries.has(arn) && !attached.has(arn)) return [];
        return escalationsByAssumeOrPass(parsePolicyDocument(p.props.policy)).map((m) => ({
          urn: p.urn,
          message: `Policy ${JSON.stringify(p.name)}: ${m}`,
        }));
      });
  },
});

export const mfaConditionPattern = resourceRule({
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
