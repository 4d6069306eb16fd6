import { policyDocument, PolicyDocument } from "../iam/documents";
import { OrganizationPolicyType } from "./services";

/**
 * The organization's resource-based delegation policy: lets one member account read the organization
 * and manage the listed organization policy types (create, update, delete, attach, detach, enable the
 * type), which otherwise only the management account can.
 */
export function organizationsDelegationPolicy(args: {
  delegatedAccountId: string;
  managementAccountId: string;
  organizationId: string;
  rootId: string;
  policyTypes: readonly OrganizationPolicyType[];
}): PolicyDocument {
  if (args.policyTypes.length === 0) {
    throw new Error("org-access: the organization delegation policy needs at least one policy type");
  }
  const principal = { AWS: `arn:aws:iam::${args.delegatedAccountId}:root` };
  const org = `arn:aws:organizations::${args.managementAccountId}`;
  return policyDocument([
    {
      Sid: "DelegateOrganizationRead",
      Effect: "Allow",
      Principal: principal,
      Action: ["organizations:Describe*", "organizations:List*"],
      Resource: "*",
    },
    {
      Sid: "DelegatePolicyManagement",
      Effect: "Allow",
      Principal: principal,
      Action: [
        "organizations:CreatePolicy",
        "organizations:UpdatePolicy",
        "organizations:DeletePolicy",
        "organizations:AttachPolicy",
        "organizations:DetachPolicy",
        "organizations:EnablePolicyType",
        "organizations:DisablePolicyType",
        "organizations:TagResource",
        "organizations:UntagResource",
      ],
      Resource: [
        `${org}:root/${args.organizationId}/${args.rootId}`,
        `${org}:ou/${args.organizationId}/*`,
        `${org}:account/${args.organizationId}/*`,
        ...args.policyTypes.map((t) => `${org}:policy/${args.organizationId}/${t.toLowerCase()}/*`),
      ],
      // Requests that carry a policy type must name one of the delegated types.
      Condition: { StringLikeIfExists: { "organizations:PolicyType": [...args.policyTypes] } },
    },
  ]);
}
