import {
  Conditions,
  mergeConditions,
  policyDocument,
  PolicyDocument,
  PolicyStatement,
} from "../iam/documents";

/**
 * Source identity for delegated people: the role requires `sts:SourceIdentity` to be the caller's
 * own IAM user name, so the person's name is on every call of the session and survives role
 * chaining (IAM user guide, "Monitor and control actions taken with assumed roles": the trust must
 * allow `sts:SetSourceIdentity`, and so must the caller's permissions policy; the value is fixed for
 * the session and carried into chained sessions).
 */

/** `sts:SourceIdentity` must equal the calling IAM user's name (`${aws:username}`, a policy variable). */
export const SOURCE_IDENTITY_IS_USERNAME: Conditions = {
  StringEquals: { "sts:SourceIdentity": "${aws:username}" },
};

const asList = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string];

/** The trust with every AssumeRole grant also allowing `sts:SetSourceIdentity`, under the user-name condition. */
export function requireSourceIdentity(trust: PolicyDocument): PolicyDocument {
  const statements = (trust.Statement as PolicyStatement[]).map((s) => {
    if (s.Effect !== "Allow" || !asList(s.Action).includes("sts:AssumeRole")) return s;
    return {
      ...s,
      Action: [...new Set([...asList(s.Action), "sts:SetSourceIdentity"])],
      Condition: mergeConditions(s.Condition as Conditions | undefined, SOURCE_IDENTITY_IS_USERNAME),
    };
  });
  return policyDocument(statements);
}

/** The caller's side: setting a source identity on exactly these roles, and only to one's own name. */
export function setSourceIdentityStatement(
  sid: string,
  roleArns: readonly string[],
  conditions?: Conditions,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "sts:SetSourceIdentity",
    Resource: roleArns.length === 1 ? roleArns[0] : [...roleArns],
    Condition: mergeConditions(conditions, SOURCE_IDENTITY_IS_USERNAME),
  };
}
