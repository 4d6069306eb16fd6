import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { SCP_MAX_CHARACTERS, scpSize } from "./scp-documents";

/** Where an SCP is attached: an OU, the organization root, or a member account. */
export interface ScpTarget {
  /** A stable label for the attachment's name (the OU or account name). */
  readonly label: string;
  /** The OU ID, root ID or account ID. */
  readonly id: string;
}

export interface ServiceControlPolicyArgs {
  /** The policy's name in Organizations. */
  readonly policyName: string;
  /** What the guardrail prevents, shown in the Organizations console. */
  readonly description: string;
  /** The SCP document, built by the functions of `scp-documents.ts`. */
  readonly document: PolicyDocument;
  /** OUs and accounts it is attached to. */
  readonly targets: readonly ScpTarget[];
}

/**
 * One service control policy and its attachments, created through the management account's
 * provider. An SCP never grants: it caps what IAM policies of the targets' accounts may allow.
 */
export class ServiceControlPolicy extends pulumi.ComponentResource {
  public readonly policy: aws.organizations.Policy;
  public readonly id: pulumi.Output<string>;
  public readonly attachments: aws.organizations.PolicyAttachment[];

  constructor(name: string, args: ServiceControlPolicyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:guardrails:ServiceControlPolicy", name, {}, opts);
    if (opts.provider === undefined && opts.parent === undefined && opts.providers === undefined) {
      throw new pulumi.ResourceError(
        `ServiceControlPolicy \`${name}\` needs an explicit \`provider\` (the management account's)`,
        this,
      );
    }
    const content = JSON.stringify(args.document);
    if (scpSize(args.document) > SCP_MAX_CHARACTERS) {
      throw new pulumi.ResourceError(
        `\`document\` of SCP ${args.policyName} is ${content.length} characters, over the ${SCP_MAX_CHARACTERS} Organizations accepts; split its presets across two entries of org-access:guardrails.scps`,
        this,
      );
    }
    if (args.targets.length === 0) {
      throw new pulumi.ResourceError(
        `\`targets\` of SCP ${args.policyName} is empty; attach it somewhere`,
        this,
      );
    }

    this.policy = new aws.organizations.Policy(
      `${name}-policy`,
      { name: args.policyName, description: args.description, type: "SERVICE_CONTROL_POLICY", content },
      { parent: this },
    );
    this.attachments = args.targets.map(
      (target) =>
        new aws.organizations.PolicyAttachment(
          `${name}-${target.label}`,
          { policyId: this.policy.id, targetId: target.id },
          { parent: this },
        ),
    );
    this.id = this.policy.id;
    this.registerOutputs({ id: this.id });
  }
}
