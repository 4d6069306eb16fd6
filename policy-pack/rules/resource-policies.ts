import { providerAccount } from "../lib/accounts";
import { ORG_FACTS } from "../lib/config";
import { parsePolicyDocument } from "../lib/document";
import { TYPES, resourcePolicy } from "../lib/policy";
import { resourcePolicyExposures } from "../lib/resource-access";

/** Resource policies (S3 bucket policies, KMS key policies) never let in anyone, or a whole account, from outside. */

export const resourcePolicyNoOpenAccess = resourcePolicy({
  name: "resource-policy-no-open-access",
  description:
    'S3 bucket policies and KMS key policies let in no principal outside the organization, no anonymous caller and no whole other account: "*", NotPrincipal or an account root pass only with a condition on who (aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceArn, ...) that such a request fails.',
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS],
  types: [TYPES.bucketPolicy, TYPES.kmsKey, TYPES.kmsKeyPolicy],
  check: (args, cfg) => {
    const policy = args.props.policy;
    if (policy === undefined || policy === null) return []; // a key without a policy gets AWS's default
    const keyPolicy = args.type !== TYPES.bucketPolicy;
    const kind = keyPolicy ? "key policy" : "bucket policy";
    const exposures = resourcePolicyExposures(
      { doc: parsePolicyDocument(policy), ownAccount: providerAccount(args.provider), kind, keyPolicy },
      cfg,
    );
    return exposures.map(
      (e) =>
        `${e.statement.label} of the ${kind} allows ${e.who} with no condition that keeps them out: a request from ${e.request} gets in, so the data or key is exposed beyond the role that needs it. Name the exact role ARN as principal, or add an exact aws:PrincipalOrgID ("${cfg.organizationId ?? "o-..."}") / aws:PrincipalArn / aws:SourceArn condition.`,
    );
  },
});

export const resourcePolicyPolicies = [resourcePolicyNoOpenAccess];
