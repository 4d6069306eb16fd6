import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** An IAM policy document, typed; values may be Outputs until serialised. */
export type PolicyDocument = aws.iam.PolicyDocument;
export type PolicyStatement = aws.iam.PolicyStatement;

/** A condition block: operator, then key, then one value or a list. */
export type Conditions = Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;

/** Wraps statements into a version-2012-10-17 document. */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Serialises a document that may contain Outputs. */
export function toJson(document: PolicyDocument): pulumi.Input<string> {
  // Most documents are plain (ARNs derive from account IDs): serialising them directly spares the
  // runtime an Output, and its promises, per policy (thousands in a large organization).
  return isPlain(document) ? JSON.stringify(document) : pulumi.jsonStringify(document);
}

/** Whether a value holds no Output, promise or resource anywhere inside. */
function isPlain(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(isPlain);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as Record<string, unknown>).every(isPlain);
}

/** Merges condition blocks; values for the same operator and key are combined into one list. */
export function mergeConditions(...blocks: (Conditions | undefined)[]): Conditions | undefined {
  const out: Conditions = {};
  for (const block of blocks) {
    if (block === undefined) continue;
    for (const [operator, keys] of Object.entries(block)) {
      out[operator] = { ...(out[operator] ?? {}), ...keys };
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** `sts:AssumeRole` on the named roles in any account: the caller side of a cross-account trust. */
export function allowAssumeRoleNames(sid: string, roleNames: readonly string[], path = "/"): PolicyStatement {
  if (roleNames.length === 0) throw new Error("org-access: a caller policy needs at least one role name");
  for (const name of roleNames) {
    if (name.includes("*"))
      throw new Error(`org-access: caller policies name exact roles; ${JSON.stringify(name)} has a wildcard`);
  }
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: roleNames.map((name) => `arn:aws:iam::*:role${path}${name}`),
  };
}

/** `sts:AssumeRole` on exact role ARNs. */
export function allowAssumeRoleArns(sid: string, roleArns: pulumi.Input<string>[]): PolicyStatement {
  if (roleArns.length === 0) throw new Error("org-access: a caller policy needs at least one role ARN");
  return { Sid: sid, Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArns };
}

/**
 * Characters of role ARNs a caller policy spells out. IAM caps a role's inline policies at 10,240
 * characters in all, so an exact list stops fitting at a few hundred accounts.
 */
export const MAX_LISTED_ROLE_ARNS_CHARS = 4096;

/**
 * `sts:AssumeRole` on exactly the listed roles while the list fits; past
 * `MAX_LISTED_ROLE_ARNS_CHARS`, on those role names in any account of the organization
 * (`aws:ResourceOrgID`). The targets' trust policies still name only this caller, and accounts
 * outside the targets have no role of that name from this program.
 */
export function allowAssumeRolesAtScale(
  sid: string,
  roleArns: readonly string[],
  organizationId: string,
): PolicyStatement {
  const sorted = [...roleArns].sort();
  if (JSON.stringify(sorted).length <= MAX_LISTED_ROLE_ARNS_CHARS) return allowAssumeRoleArns(sid, sorted);
  const byName = [
    ...new Set(sorted.map((arn) => arn.replace(/^(arn:[^:]+:iam::)\d{12}(:role\/.+)$/, "$1*$2"))),
  ].sort();
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: byName.length === 1 ? byName[0] : byName,
    Condition: { StringEquals: { "aws:ResourceOrgID": organizationId } },
  };
}
