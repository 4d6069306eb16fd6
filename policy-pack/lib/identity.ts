import { ReasonKind, classifyPolicy } from "./classify";
import { PolicyDocument } from "./document";

/**
 * Identity-policy checks: who may call sts:AssumeRole on which roles, and iam:PassRole scoping,
 * decided by the shared classification (actions expanded against the service reference, restricting
 * conditions judged against an adversary's request).
 */

const FIXES: Partial<Record<ReasonKind, string>> = {
  "assume-any-role":
    'Name the approved roles, e.g. "arn:aws:iam::*:role/SecurityAccessRole", or add an exact aws:ResourceOrgID condition.',
  "pass-role":
    'Name the roles it passes, or add "StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}.',
};

/** Messages for each statement that lets the holder assume any role or pass any role to any service. */
export function escalationsByAssumeOrPass(doc: PolicyDocument): string[] {
  return classifyPolicy(doc)
    .reasons.filter((r) => FIXES[r.kind] !== undefined)
    .map((r) => `${r.message} ${FIXES[r.kind]}`);
}
