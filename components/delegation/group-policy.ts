import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Conditions, policyDocument, PolicyDocument, PolicyStatement, toJson } from "../iam/documents";
import { setSourceIdentityStatement } from "./source-identity";
import { requireExplicitProvider } from "../explicit-provider";

/** The group's side: `sts:AssumeRole` on exactly the delegation's role ARNs, under the trust's conditions. */
export function delegationGroupPolicyDocument(args: {
  sid: string;
  roleArns: readonly string[];
  conditions?: Conditions;
  /** Also allow setting `sts:SourceIdentity` (to one's own user name) on these roles. */
  requireSourceIdentity?: boolean;
}): PolicyDocument {
  if (args.roleArns.length === 0) throw new Error("org-access: a delegation group policy needs a role ARN");
  const sorted = [...args.roleArns].sort();
  const statements: PolicyStatement[] = [
    {
      Sid: args.sid,
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: sorted.length === 1 ? sorted[0] : sorted,
      ...(args.conditions === undefined ? {} : { Condition: args.conditions }),
    },
  ];
  if (args.requireSourceIdentity === true) {
    statements.push(setSourceIdentityStatement(`${args.sid}SetSourceIdentity`, sorted, args.conditions));
  }
  return policyDocument(statements);
}

export interface DelegationGroupPolicyArgs {
  /** The group's name in the identity account. */
  readonly groupName: string;
  /** Whether this component creates the group (otherwise it must exist). */
  readonly createGroup: boolean;
  /** The inline policy's name on the group. */
  readonly policyName: string;
  /** The policy, from `delegationGroupPolicyDocument`. */
  readonly policy: PolicyDocument;
}

/**
 * The identity account's half of classic delegation: the group whose members may switch into the
 * target roles. Permissions go to the group, never to individual users, so joining and leaving the
 * group is the whole access review.
 */
export class DelegationGroupPolicy extends pulumi.ComponentResource {
  public readonly group?: aws.iam.Group;
  public readonly groupPolicy: aws.iam.GroupPolicy;

  constructor(name: string, args: DelegationGroupPolicyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:delegation:DelegationGroupPolicy", name, {}, opts);
    requireExplicitProvider(this, "DelegationGroupPolicy", name, opts, "the identity account's");
    if (args.createGroup) {
      this.group = new aws.iam.Group(`${name}-group`, { name: args.groupName }, { parent: this });
    }
    this.groupPolicy = new aws.iam.GroupPolicy(
      `${name}-policy`,
      {
        group: this.group?.name ?? args.groupName,
        name: args.policyName,
        policy: toJson(args.policy),
      },
      { parent: this },
    );
    this.registerOutputs({ groupName: args.groupName });
  }
}
