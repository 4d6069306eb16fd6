import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../../iam/documents";
import { createOrganizationPolicy, OrganizationPolicyTarget } from "../organization-policy";
import { RCP_MAX_CHARACTERS } from "./rcp-documents";
import { requireExplicitProvider } from "../../explicit-provider";

export interface ResourceControlPolicyArgs {
  /** The policy's name in Organizations. */
  readonly policyName: string;
  /** What the guardrail keeps out, shown in the Organizations console. */
  readonly description: string;
  /** The RCP document, built by the functions of `rcp-documents.ts`. */
  readonly document: PolicyDocument;
  /** The root, OUs and member accounts it is attached to. */
  readonly targets: readonly OrganizationPolicyTarget[];
}

/**
 * One resource control policy and its attachments, created through the management account's
 * provider. An RCP never grants: it caps what the resources of the targets' member accounts accept,
 * from any principal, whatever their resource policies say. Resources of the management account are
 * outside every RCP, as its principals are outside every SCP.
 */
export class ResourceControlPolicy extends pulumi.ComponentResource {
  public readonly policy: aws.organizations.Policy;
  public readonly id: pulumi.Output<string>;
  public readonly attachments: aws.organizations.PolicyAttachment[];

  constructor(name: string, args: ResourceControlPolicyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:guardrails:ResourceControlPolicy", name, {}, opts);
    requireExplicitProvider(this, "ResourceControlPolicy", name, opts, "the management account's");
    const created = createOrganizationPolicy(this, name, {
      ...args,
      type: "RESOURCE_CONTROL_POLICY",
      maxCharacters: RCP_MAX_CHARACTERS,
      sizeFix: "split its presets across two entries of org-access:guardrails.resourceControlPolicies",
    });
    this.policy = created.policy;
    this.attachments = created.attachments;
    this.id = this.policy.id;
    this.registerOutputs({ id: this.id });
  }
}
