/**
 * What the plan knows about AWS managed policies: only whether they let a principal call
 * `sts:AssumeRole`, which is all the access graph asks of an identity policy. The documents below
 * reproduce the effect of those policies on STS (AdministratorAccess allows everything;
 * PowerUserAccess allows everything except IAM, Organizations and Account); every other AWS managed
 * policy the program uses today (SecurityAudit, ReadOnlyAccess, ViewOnlyAccess, ...) grants no
 * `sts:AssumeRole`, and one missing from this table is reported as "not modelled" in the reason.
 */

const AWS_MANAGED_PREFIX = /^arn:aws[a-z-]*:iam::aws:policy\//;

const ALLOW_ALL = {
  Version: "2012-10-17",
  Statement: [{ Sid: "AdministratorAccess", Effect: "Allow", Action: "*", Resource: "*" }],
};

const POWER_USER = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "PowerUserAccess",
      Effect: "Allow",
      NotAction: ["iam:*", "organizations:*", "account:*"],
      Resource: "*",
    },
  ],
};

/** AWS managed policies that allow `sts:AssumeRole` (as the documents above). */
const ASSUME_CAPABLE: Record<string, unknown> = {
  AdministratorAccess: ALLOW_ALL,
  PowerUserAccess: POWER_USER,
};

/** AWS managed policies known to grant no `sts:AssumeRole*`. */
const NO_ASSUME = new Set([
  "SecurityAudit",
  "ReadOnlyAccess",
  "job-function/ViewOnlyAccess",
  "ViewOnlyAccess",
  "job-function/Billing",
  "AWSBillingReadOnlyAccess",
  "job-function/SupportUser",
  "AWSSupportAccess",
  "AWSCloudFormationReadOnlyAccess",
  "AmazonS3ReadOnlyAccess",
  "CloudWatchReadOnlyAccess",
  "AWSOrganizationsReadOnlyAccess",
  "IAMReadOnlyAccess",
]);

export function isAwsManagedPolicyArn(arn: string): boolean {
  return AWS_MANAGED_PREFIX.test(arn);
}

/** The policy's path and name after `policy/`, e.g. `job-function/ViewOnlyAccess`. */
export function awsManagedPolicyName(arn: string): string {
  return arn.replace(AWS_MANAGED_PREFIX, "");
}

/**
 * The document to evaluate for an AWS managed policy: its STS-relevant statements, `null` when it is
 * known to grant no AssumeRole (nothing to evaluate), `undefined` when this table does not know it.
 */
export function awsManagedPolicyDocument(arn: string): unknown {
  const name = awsManagedPolicyName(arn);
  if (name in ASSUME_CAPABLE) return ASSUME_CAPABLE[name];
  return NO_ASSUME.has(name) ? null : undefined;
}
