import { ResourceValidationArgs } from "@pulumi/policy";
import { providerAccount } from "./accounts";
import { asList, parsePolicyDocument, PolicyDocument } from "./document";
import { TrustSubject } from "./trust";

/** What the trust checks need from an `aws.iam.Role`'s inputs and provider. */
export function roleSubject(args: Pick<ResourceValidationArgs, "props" | "provider">): TrustSubject {
  const props = args.props as Record<string, unknown>;
  const name = props.name;
  return {
    doc: parsePolicyDocument(props.assumeRolePolicy),
    roleName: typeof name === "string" ? name : undefined,
    ownAccount: providerAccount(args.provider),
  };
}

/** Legacy `managedPolicyArns` and `inlinePolicies` of a role (v7 prefers separate resources). */
export function roleOwnPolicies(props: Record<string, unknown>): {
  managedPolicyArns: string[];
  inlineDocs: PolicyDocument[];
} {
  const managedPolicyArns = asList(props.managedPolicyArns).filter((v): v is string => typeof v === "string");
  const inlineDocs = asList(props.inlinePolicies)
    .map((p) => (typeof p === "object" && p !== null ? (p as Record<string, unknown>).policy : undefined))
    .filter((p) => p !== undefined && p !== null)
    .map((p) => parsePolicyDocument(p));
  return { managedPolicyArns, inlineDocs };
}
