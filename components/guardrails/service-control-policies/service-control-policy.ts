import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../../iam/documents";
import { createOrganizationPolicy, OrganizationPolicyTarget } from "../organization-policy";
import { SCP_MAX_CHARACTERS } from "./scp-documents";
import { requireExplicitProvider } from "../../explicit-provider";

/** Where an SCP is attached: an OU, the organization root, or a member account. */
export type ScpTarget = OrganizationPolicyTarget;

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
    requireExplicitProvider(this, "ServiceControlPolicy", name, opts, "the management account's");
    const created = createOrganizationPolicy(this, name, {
      ...args,
      type: "SERVICE_CONTROL_POLICY",
      maxCharacters: SCP_MAX_CHARACTERS,
      sizeFix: "split its presets across two entries of org-access:guardrails.scps",
    });
    this.policy = created.policy;
    this.attachments = created.attachments;
    this.id = this.policy.id;
    this.registerOutputs({ id: this.id });
  }
}
