import { ACCOUNT_ID, accountOf, isAccountRoot, providerAccount } from "../lib/accounts";
import {
  ConditionEntry,
  Statement,
  isAllow,
  parsePolicyDocument,
  statementCoversAction,
} from "../lib/document";
import { TYPES, resourcePolicy } from "../lib/policy";

/** Resource policies (S3 bucket policies, KMS key policies) never open access to anyone or to a whole foreign account. */

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
    'S3 bucket policies and KMS key policies do not allow "*" or another account\'s root without a condition limiting who (aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceArn, ...).',
  enforcementLevel: "mandatory",
  config: [],
  types: [TYPES.bucketPolicy, TYPES.kmsKey, TYPES.kmsKeyPolicy],
  check: (args) => {
    const policy = args.props.policy;
    if (policy === undefined || policy === null) return []; // a key without a policy gets AWS's default
    const doc = parsePolicyDocument(policy);
    const own = providerAccount(args.provider);
    const isKms = args.type !== TYPES.bucketPolicy;
    const what = isKms ? "key policy" : "bucket policy";
    const out: string[] = [];
    for (const s of doc.statements) {
      if (!isAllow(s)) continue;
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

export const resourcePolicyPolicies = [resourcePolicyNoOpenAccess];
