import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowAssumeRoleNames, policyDocument, PolicyDocument, toJson } from "../iam/documents";
import { requireExplicitProvider } from "../explicit-provider";

/** The statement ID, and the managed policy's name: `AllowAssume<RoleName>` (`AllowAssumeSecurityAccessRole`). */
export function callerPolicySid(roleNames: readonly string[]): string {
  return `AllowAssume${roleNames.join("And").replace(/[^A-Za-z0-9]/g, "")}`;
}

/**
 * The caller side of delegated security access: `sts:AssumeRole` on exactly the named roles, in any
 * account of the organization (`aws:ResourceOrgID`), and nothing else. A wildcard in a role name is
 * refused, so a caller can never assume `*`.
 */
export function callerPolicyDocument(args: {
  roleNames: readonly string[];
  organizationId: string;
}): PolicyDocument {
  return policyDocument([
    {
      ...allowAssumeRoleNames(callerPolicySid(args.roleNames), args.roleNames),
      Condition: { StringEquals: { "aws:ResourceOrgID": args.organizationId } },
    },
  ]);
}

export interface CallerPolicyArgs {
  /** The managed policy's name, e.g. `AllowAssumeSecurityAccessRole`. */
  readonly policyName: string;
  /** Exactly the role names the team may assume in other accounts. */
  readonly roleNames: readonly string[];
  /** The organization whose accounts the roles live in. */
  readonly organizationId: string;
  /** What the policy is for, shown in the IAM console. */
  readonly description: string;
}

/**
 * The caller policy as an IAM managed policy, for source roles, permission sets and CI identities of
 * one account; the same document is exported as a stack output for identities managed elsewhere.
 */
export class CallerPolicy extends pulumi.ComponentResource {
  public readonly policy: aws.iam.Policy;
  public readonly arn: pulumi.Output<string>;
  /** The policy document, JSON. */
  public readonly document: pulumi.Output<string>;

  constructor(name: string, args: CallerPolicyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:security-access:CallerPolicy", name, {}, opts);
    requireExplicitProvider(this, "CallerPolicy", name, opts, "the security account's");
    let document: PolicyDocument;
    try {
      document = callerPolicyDocument(args);
    } catch (err) {
      throw new pulumi.ResourceError(
        `CallerPolicy \`${name}\`: \`roleNames\`: ${(err as Error).message}`,
        this,
      );
    }
    this.document = pulumi.output(toJson(document));
    this.policy = new aws.iam.Policy(
      `${name}-policy`,
      { name: args.policyName, description: args.description, policy: this.document },
      { parent: this },
    );
    this.arn = this.policy.arn;
    this.registerOutputs({ arn: this.arn, document: this.document });
  }
}
