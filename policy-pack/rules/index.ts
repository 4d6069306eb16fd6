import { Policies } from "@pulumi/policy";
import { cloudformationPolicies, cloudformationStackPolicies } from "./cloudformation";
import { credentialPolicies } from "./credentials";
import { identityPolicies } from "./identity";
import { organizationPolicyPolicies } from "./organization-policies";
import { resourcePolicyPolicies } from "./resource-policies";
import { rolePolicies } from "./roles";
import { stackPolicies } from "./stack";
import { trustPolicies } from "./trust";

/** Every policy of the pack, in the order the README lists them. */
export const allPolicies: Policies = [
  ...trustPolicies,
  ...identityPolicies,
  ...credentialPolicies,
  ...resourcePolicyPolicies,
  ...cloudformationPolicies,
  ...rolePolicies,
  ...stackPolicies,
  ...cloudformationStackPolicies,
  ...organizationPolicyPolicies,
];
