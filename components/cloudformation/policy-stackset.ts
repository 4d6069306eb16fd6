import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceManagedStackSet, StackSetRollout } from "./service-managed-stackset";
import { CfnManagedPolicySpec, managedPolicyTemplate, parameterDefaults, renderTemplate } from "./template";
import { requireExplicitProvider } from "../explicit-provider";

export interface ManagedPolicyStackSetArgs extends StackSetRollout {
  /** The customer managed policy every target account gets. */
  readonly policy: CfnManagedPolicySpec;
}

/**
 * A service-managed CloudFormation StackSet that creates one customer managed policy (same name in
 * every target account), with one StackSet instance per OU or account. Its ARN in an account is
 * `arn:aws:iam::<account>:policy/<name>`, so roles elsewhere in the program can name it without a
 * lookup.
 */
export class ManagedPolicyStackSet extends pulumi.ComponentResource {
  public readonly stackSet: aws.cloudformation.StackSet;
  /** The StackSet's name, resolved once it exists. */
  public readonly stackSetName: pulumi.Output<string>;
  /** The generated template, JSON. */
  public readonly templateBody: string;
  /** Instances by target: `ou:<name>` or `account:<name>`. */
  public readonly instances: Readonly<Record<string, aws.cloudformation.StackSetInstance>>;

  constructor(name: string, args: ManagedPolicyStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:cloudformation:ManagedPolicyStackSet", name, {}, opts);
    requireExplicitProvider(this, "ManagedPolicyStackSet", name, opts, "the administering account's");
    const template = managedPolicyTemplate({ ...args.policy, templateDescription: args.description });
    this.templateBody = renderTemplate(template);
    const { stackSet, instances } = serviceManagedStackSet(
      name,
      "ManagedPolicyStackSet",
      { ...args, templateBody: this.templateBody, parameters: parameterDefaults(template) },
      this,
    );
    this.stackSet = stackSet;
    this.stackSetName = stackSet.name;
    this.instances = instances;
    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}
