import { createHash } from "crypto";

/** A short, stable hash for child names that must not depend on list order. */
export function shortHash(value: string, length = 8): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

/** `arn:aws:iam::<account>:role/<path><name>`: role ARNs derive from account IDs and names. */
export function roleArn(accountId: string, roleName: string, path = "/"): string {
  return `arn:aws:iam::${accountId}:role${path}${roleName}`;
}

/** `arn:aws:iam::<account>:policy/<name>`. */
export function policyArn(accountId: string, policyName: string, path = "/"): string {
  return `arn:aws:iam::${accountId}:policy${path}${policyName}`;
}

/** ARN of an AWS managed policy by name, e.g. `SecurityAudit`, or a job-function policy `job-function/ViewOnlyAccess`. */
export function awsManagedPolicyArn(policyName: string): string {
  return policyName.startsWith("arn:") ? policyName : `arn:aws:iam::aws:policy/${policyName}`;
}

/** Turns a free-form label into a fragment safe for Pulumi names and IAM session names. */
export function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * IAM Access Analyzer's service principal: the access analyzers guardrail registers its delegated
 * administrator under it, through the delegated administrators' registrations.
 */
export const ACCESS_ANALYZER_PRINCIPAL = "access-analyzer.amazonaws.com";
