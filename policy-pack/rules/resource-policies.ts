import { ACCOUNT_ID, accountOf, isAccountRoot } from "../lib/accounts";
import { ConditionEntry, Statement, conditionsOn, isAllow, statementCoversAction } from "../lib/document";
import { resourcePolicy } from "../lib/policy";
import { RESOURCE_POLICY_TYPES, resourcePolicySubject } from "../lib/subjects";

/**
 * Resource policies (S3 bucket, KMS key, SQS queue, SNS topic, Secrets Manager secret, ECR repository
 * and registry, Lambda function policies, and the statements Lambda permissions and KMS grants stand
 * for) never open access to anyone or to a whole foreign account.
 */

const RESTRICTING_KEYS = [
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceorgid",
  "aws:sourcevpce",
  "aws:sourcevpc",
  "kms:calleraccount",
];

function restricts(c: ConditionEntry): boolean {
  return (
    RESTRICTING_KEYS.includes(c.keyLower) &&
    !c.base.includes("not") &&
    c.base !== "null" &&
    !c.ifExists &&
    c.qualifier !== "forallvalues" &&
    c.allLiteral &&
    c.values.length > 0 &&
    c.values.every((v) => !/^[*?]*$/.test(v))
  );
}

/** A KMS key administration statement: `kms:*` to one account root (the key's owner, by AWS's own default). */
function isKeyAdministration(s: Statement): boolean {
  const roots = s.principals.filter((p) => p.literal && isAccountRoot(p.value));
  const accounts = new Set(roots.map((p) => accountOf(p.value)));
  return (
    roots.length === s.principals.length &&
    accounts.size === 1 &&
    statementCoversAction(s, "kms:CreateGrant") &&
    s.actions.some((a) => a.trim().toLowerCase() === "kms:*")
  );
}

export const resourcePolicyNoOpenAccess = resourcePolicy({
  name: "resource-policy-no-open-access",
  description:
    'Resource policies (S3, KMS, SQS, SNS, Secrets Manager, ECR, Lambda permissions, KMS grants) do not allow "*" or another account\'s root without a condition limiting who (aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceArn, ...), nor a service on a Lambda function without aws:SourceArn/aws:SourceAccount.',
  enforcementLevel: "mandatory",
  config: [],
  types: RESOURCE_POLICY_TYPES,
  check: (args) => {
    const subject = resourcePolicySubject(args);
    if (subject === undefined) return [];
    const { doc, what, ownAccount: own } = subject;
    const isKms = subject.keyPolicy;
    const out: string[] = [];
    for (const s of doc.statements) {
      if (!isAllow(s)) continue;
      if (subject.service === "lambda") out.push(...serviceWithoutSource(s, what));
      if (s.conditions.some(restricts)) continue;
      const open: string[] = [];
      for (const p of s.principals) {
        if (p.kind !== "AWS" && p.kind !== "*" && p.kind !== "Other") continue;
        if (p.literal && p.value.includes("*")) {
          open.push(`${JSON.stringify(p.value)} (anyone)`);
          continue;
        }
        if (!p.literal || !isAccountRoot(p.value)) continue;
        const account = accountOf(p.value);
        if (own !== undefined && account === own) continue;
        if (own === undefined && isKms && isKeyAdministration(s)) continue;
        if (account !== undefined && ACCOUNT_ID.test(account)) {
          open.push(`${JSON.stringify(p.value)} (every principal of account ${account})`);
        }
      }
      if (open.length === 0) continue;
      out.push(
        `${s.label} of the ${what} allows ${open.join(", ")} with no condition limiting who: the data or key is exposed beyond the role that needs it. Name the exact role ARN as principal, or add an exact aws:PrincipalOrgID / aws:PrincipalArn / aws:SourceArn condition.`,
      );
    }
    return out;
  },
});

/**
 * A service allowed to invoke a function without aws:SourceArn or aws:SourceAccount: the service acting
 * for any other customer (their bucket, topic or rule) can invoke it (confused deputy; AWS Lambda
 * Developer Guide, "Granting function access to AWS services").
 */
function serviceWithoutSource(s: Statement, what: string): string[] {
  const services = s.principals.filter((p) => p.kind === "Service");
  if (services.length === 0) return [];
  const scoped = ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID"].some((k) =>
    conditionsOn(s, k).some((c) => !c.ifExists && c.allLiteral && c.values.every((v) => !/^[*?]*$/.test(v))),
  );
  if (scoped) return [];
  return [
    `${s.label} of the ${what} lets the service ${services.map((p) => JSON.stringify(p.value)).join(", ")} invoke the function without aws:SourceArn or aws:SourceAccount: the same service acting for any other AWS customer (their bucket, topic or rule) can invoke it. Set sourceArn to the resource that calls the function, or sourceAccount to its account.`,
  ];
}

export const resourcePolicyPolicies = [resourcePolicyNoOpenAccess];
