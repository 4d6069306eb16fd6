import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { recordStackSetRole } from "../iam/role-registry";
import { serviceManagedStackSet, StackSetRollout } from "./service-managed-stackset";
import { CfnRoleSpec, parameterDefaults, renderTemplate, roleTemplate } from "./template";
import { requireExplicitProvider } from "../explicit-provider";

export type {
  StackSetAccountTarget,
  StackSetCaller,
  StackSetOperationPreferences,
  StackSetOuTarget,
  StackSetTargetOptions,
} from "./service-managed-stackset";

export interface RoleStackSetArgs extends StackSetRollout {
  /** The role every target account gets; its trust policy comes from `iam/trust.ts`. */
  readonly role: CfnRoleSpec;
}

/**
 * A service-managed CloudFormation StackSet that creates one IAM role in every target account, with
 * one StackSet instance per OU or account. Service-managed StackSets deploy through the
 * `stacksets-exec-*` roles AWS Organizations maintains, so they can create a role in an account
 * where no role of ours exists yet.
 */
export class RoleStackSet extends pulumi.ComponentResource {
  /** The StackSet of the targets without a permissions boundary (else the bounded one). */
  public readonly stackSet: aws.cloudformation.StackSet;
  /** Every StackSet of the role: one per boundary variant of the targets. */
  public readonly stackSets: readonly aws.cloudformation.StackSet[];
  /** The StackSet's name, resolved once it exists. */
  public readonly stackSetName: pulumi.Output<string>;
  /** The generated template, JSON. */
  public readonly templateBody: string;
  /** Instances by target: `ou:<name>` or `account:<name>`. */
  public readonly instances: Readonly<Record<string, aws.cloudformation.StackSetInstance>>;

  constructor(name: string, args: RoleStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:cloudformation:RoleStackSet", name, {}, opts);
    requireExplicitProvider(this, "RoleStackSet", name, opts, "the administering account's");
    const targets = [...(args.organizationalUnits ?? []), ...(args.accounts ?? [])];
    // A target with its own boundary needs the template to take the boundary as a parameter.
    const parameterised =
      args.role.boundaryFromParameter === true ||
      targets.some((t) => t.permissionsBoundaryPolicyName !== undefined);
    const role: CfnRoleSpec = parameterised ? { ...args.role, boundaryFromParameter: true } : args.role;
    const template = roleTemplate({ ...role, templateDescription: args.description });
    this.templateBody = renderTemplate(template);

    const { stackSet, stackSets, instances } = serviceManagedStackSet(
      name,
      "RoleStackSet",
      { ...args, templateBody: this.templateBody, parameters: parameterDefaults(template) },
      this,
    );
    this.stackSet = stackSet;
    this.stackSets = stackSets;
    this.stackSetName = this.stackSet.name;
    this.instances = instances;
    // The assumption alerts derive the role's allowed callers from this same trust policy.
    recordStackSetRole({ roleName: role.roleName, trust: role.trustPolicy, rollout: args, parent: this });

    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}
