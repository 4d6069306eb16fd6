import { ORG_FACTS } from "../lib/config";
import { resourceRule } from "../lib/policy";
import { resourcePolicyExposures, serviceForOtherCustomer } from "../lib/resource-access";
import { RESOURCE_POLICY_TYPES, resourcePolicySubject } from "../lib/subjects";

/**
 * Resource policies (S3 bucket, KMS key, SQS queue, SNS topic, Secrets Manager secret, ECR repository
 * and registry, Lambda function policies, and the statements Lambda permissions and KMS grants stand
 * for) let in no one from outside: judged by the requests of an outsider, an anonymous caller, every
 * principal of a named account and, on a Lambda function, a service acting for another customer.
 */

export const resourcePolicyNoOpenAccess = resourceRule({
  name: "resource-policy-no-open-access",
  description:
    'Resource policies (S3, KMS, SQS, SNS, Secrets Manager, ECR, Lambda permissions, KMS grants) let in no principal outside the organization, no anonymous caller and no whole other account: "*", NotPrincipal or an account root pass only with a condition on who (aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceArn, ...) that such a request fails; a service on a Lambda function only with an aws:SourceArn/aws:SourceAccount that keeps other customers out.',
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS],
  types: RESOURCE_POLICY_TYPES,
  check: (args, cfg) => {
    const subject = resourcePolicySubject(args);
    if (subject === undefined) return [];
    const { what } = subject;
    const out: string[] = [];
    if (subject.service === "lambda") {
      for (const s of serviceForOtherCustomer(subject)) {
        out.push(
          `${s.label} of the ${what} lets the service ${s.principals
            .filter((p) => p.kind === "Service")
            .map((p) => JSON.stringify(p.value))
            .join(
              ", ",
            )} invoke the function without aws:SourceArn or aws:SourceAccount: the same service acting for any other AWS customer (their bucket, topic or rule) can invoke it. Set sourceArn to the resource that calls the function, or sourceAccount to its account.`,
        );
      }
    }
    for (const e of resourcePolicyExposures(subject, cfg)) {
      out.push(
        `${e.statement.label} of the ${what} allows ${e.who} with no condition that keeps them out: a request from ${e.request} gets in, so the data or key is exposed beyond the role that needs it. Name the exact role ARN as principal, or add an exact aws:PrincipalOrgID ("${cfg.organizationId ?? "o-..."}") / aws:PrincipalArn / aws:SourceArn condition.`,
      );
    }
    return out;
  },
});
