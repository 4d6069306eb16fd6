import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  serviceManagedStackSet,
  StackSetAccountTarget,
  StackSetCaller,
  StackSetOperationPreferences,
  StackSetOuTarget,
} from "./service-managed-stackset";
import { BOUNDARY_PARAMETER, CfnRoleSpec, renderTemplate, roleTemplate } from "./template";

export type {
  StackSetAccountTarget,
  StackSetCaller,
  StackSetOperationPreferences,
  StackSetOuTarget,
  StackSetTargetOptions,
} from "./service-managed-stackset";

export interface RoleStackSetArgs {
  /** StackSet name, unique in the region of the administering account. */
  readonly stackSetName: string;
  /** What the StackSet is for, shown in the CloudFormation console. */
  readonly description: string;
  /** The role every target account gets; its trust policy comes from `iam/trust.ts`. */
  readonly role: CfnRoleSpec;
  /** OUs to deploy to; with auto-deployment, accounts that join them later get the role too. */
  readonly organizationalUnits?: readonly StackSetOuTarget[];
  /** Single accounts to deploy to. */
  readonly accounts?: readonly StackSetAccountTarget[];
  /** The management account: a service-managed StackSet never reaches it, so naming it is an error. */
  readonly managementAccountId: string;
  /** `SELF` from the management account, `DELEGATED_ADMIN` from a StackSets delegated admin. */
  readonly callAs: StackSetCaller;
  /** Region the StackSet and its stacks live in (IAM is global: one region is enough). */
  readonly region: string;
  /** Rollout speed and failure tolerance for creates and updates (auto-deployment ignores them). */
  readonly operationPreferences?: StackSetOperationPreferences;
  /** Deploy to accounts that join a target OU later, and keep their stacks when they leave. */
  readonly autoDeployment: { readonly enabled: boolean; readonly retainStacksOnAccountRemoval: boolean };
  /** Protects the StackSet itself from `pulumi destroy` and accidental removal from config. */
  readonly protectStackSet?: boolean;
  /** Resources the template relies on (e.g. the roles its trust policy names: IAM rejects unknown principals). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/**
 * A service-managed CloudFormation StackSet that creates one IAM role in every target account, with
 * one StackSet instance per OU or account. Service-managed StackSets deploy through the
 * `stacksets-exec-*` roles AWS Organizations maintains, so they can create a role in an account
 * where no role of ours exists yet.
 */
export class RoleStackSet extends pulumi.ComponentResource {
  public readonly stackSet: aws.cloudformation.StackSet;
  /** The StackSet's name, resolved once it exists. */
  public readonly stackSetName: pulumi.Output<string>;
  /** The generated template, JSON. */
  public readonly templateBody: string;
  /** Instances by target: `ou:<name>` or `account:<name>`. */
  public readonly instances: Readonly<Record<string, aws.cloudformation.StackSetInstance>>;

  constructor(name: string, args: RoleStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:cloudformation:RoleStackSet", name, {}, opts);
    if (opts.provider === undefined && opts.parent === undefined && opts.providers === undefined) {
      throw new pulumi.ResourceError(
        `RoleStackSet \`${name}\` needs an explicit \`provider\` (the administering account's)`,
        this,
      );
    }
    const targets = [...(args.organizationalUnits ?? []), ...(args.accounts ?? [])];
    // A target with its own boundary needs the template to take the boundary as a parameter.
    const parameterised =
      args.role.boundaryFromParameter === true ||
      targets.some((t) => t.permissionsBoundaryPolicyName !== undefined);
    const role: CfnRoleSpec = parameterised ? { ...args.role, boundaryFromParameter: true } : args.role;
    this.templateBody = renderTemplate(roleTemplate({ ...role, templateDescription: args.description }));

    const { stackSet, instances } = serviceManagedStackSet(
      name,
      "RoleStackSet",
      { ...args, templateBody: this.templateBody, parameters: parameterised ? [BOUNDARY_PARAMETER] : [] },
      this,
    );
    this.stackSet = stackSet;
    this.stackSetName = this.stackSet.name;
    this.instances = instances;

    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}
