import { ofType, ProgramRun, single } from "../harness";

export const POLICY = "aws:organizations/policy:Policy";
export const ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment";

/** The account and target of each attachment of the organization policy `<resourceName>-policy`. */
export function policyAttachments(run: ProgramRun, resourceName: string): [string | undefined, unknown][] {
  const policy = single(run, POLICY, `${resourceName}-policy`);
  return ofType(run, ATTACHMENT)
    .filter((a) => a.dependencies.includes(policy.urn))
    .map((a) => [a.account, a.inputs.targetId]);
}
