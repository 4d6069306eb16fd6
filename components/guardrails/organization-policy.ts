import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "../context";
import { PolicyDocument } from "../iam/documents";

/**
 * What SCPs and RCPs share: Organizations stores them as `aws.organizations.Policy` of a type and
 * attaches them to the root, OUs and accounts; both are at most 5,120 characters
 * (orgs_reference_limits.html), and neither applies to the management account.
 */

/** Where an organization policy is attached: an OU, the organization root, or a member account. */
export interface OrganizationPolicyTarget {
  /** A stable label for the attachment's name (the OU or account name). */
  readonly label: string;
  /** The OU ID, root ID or account ID. */
  readonly id: string;
}

/** The root, OUs and accounts an organization policy entry names, with their IDs. */
export function organizationPolicyTargets(
  ctx: StackContext,
  targets: { readonly organizationalUnits: readonly string[]; readonly accounts: readonly string[] },
): OrganizationPolicyTarget[] {
  return [
    ...targets.organizationalUnits.map((ou) => ({
      label: `ou-${ou}`,
      id: ou === "root" ? ctx.config.organization.rootId : ctx.accounts.organizationalUnitId(ou),
    })),
    ...targets.accounts.map((name) => ({ label: `account-${name}`, id: ctx.accounts.get(name).id })),
  ];
}

/** The size Organizations counts: the document as this program sends it (compact JSON). */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

export interface OrganizationPolicyArgs {
  readonly type: "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";
  readonly policyName: string;
  readonly description: string;
  readonly document: PolicyDocument;
  readonly targets: readonly OrganizationPolicyTarget[];
  /** The largest document Organizations accepts for this type. */
  readonly maxCharacters: number;
  /** What to do when the document is too large, for the error message. */
  readonly sizeFix: string;
}

/**
 * Creates the policy and one attachment per target as children of `parent` (`<name>-policy`,
 * `<name>-<target label>`), after checking what Organizations would refuse.
 */
export function createOrganizationPolicy(
  parent: pulumi.ComponentResource,
  name: string,
  args: OrganizationPolicyArgs,
): { policy: aws.organizations.Policy; attachments: aws.organizations.PolicyAttachment[] } {
  const kind = args.type === "SERVICE_CONTROL_POLICY" ? "SCP" : "RCP";
  const size = policySize(args.document);
  if (size > args.maxCharacters) {
    throw new pulumi.ResourceError(
      `\`document\` of ${kind} ${args.policyName} is ${size} characters, over the ${args.maxCharacters} Organizations accepts; ${args.sizeFix}`,
      parent,
    );
  }
  if (args.targets.length === 0) {
    throw new pulumi.ResourceError(
      `\`targets\` of ${kind} ${args.policyName} is empty; attach it somewhere`,
      parent,
    );
  }
  const policy = new aws.organizations.Policy(
    `${name}-policy`,
    {
      name: args.policyName,
      description: args.description,
      type: args.type,
      content: JSON.stringify(args.document),
    },
    { parent },
  );
  const attachments = args.targets.map(
    (target) =>
      new aws.organizations.PolicyAttachment(
        `${name}-${target.label}`,
        { policyId: policy.id, targetId: target.id },
        { parent },
      ),
  );
  return { policy, attachments };
}
