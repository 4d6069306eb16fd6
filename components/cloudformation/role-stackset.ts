import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CfnRoleSpec, renderTemplate, roleTemplate } from "./template";

/** Who runs the StackSet: the management account (`SELF`) or a registered delegated admin. */
export type StackSetCaller = "SELF" | "DELEGATED_ADMIN";

/** How fast a StackSet operation rolls out and how many account failures it tolerates. */
export interface StackSetOperationPreferences {
  readonly maxConcurrentCount?: number;
  readonly maxConcurrentPercentage?: number;
  readonly failureToleranceCount?: number;
  readonly failureTolerancePercentage?: number;
  readonly regionConcurrencyType?: "SEQUENTIAL" | "PARALLEL";
}

/** An OU target: every member account in it, except the listed ones. */
export interface StackSetOuTarget {
  /** OU name, used in the instance's resource name. */
  readonly name: string;
  /** OU ID (`ou-...`). */
  readonly id: string;
  /** Account IDs in the OU that must not get a stack (they already have the role, for instance). */
  readonly excludeAccountIds?: readonly string[];
}

/** One account rolled out on its own (a service-managed StackSet still addresses it through its OU). */
export interface StackSetAccountTarget {
  /** Account name, used in the instance's resource name. */
  readonly name: string;
  readonly id: string;
  /** ID of the OU the account is in. */
  readonly organizationalUnitId: string;
}

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
    const ous = args.organizationalUnits ?? [];
    const accounts = args.accounts ?? [];
    if (ous.length === 0 && accounts.length === 0) {
      throw new pulumi.ResourceError(
        `RoleStackSet \`${name}\`: \`organizationalUnits\` and \`accounts\` are both empty`,
        this,
      );
    }
    const management = accounts.find((a) => a.id === args.managementAccountId);
    if (management !== undefined) {
      throw new pulumi.ResourceError(
        `RoleStackSet \`${name}\`: \`accounts\` names the management account ${management.id}; a service-managed StackSet never deploys there`,
        this,
      );
    }

    this.templateBody = renderTemplate(roleTemplate({ ...args.role, templateDescription: args.description }));
    const preferences = withoutUndefined(args.operationPreferences);

    this.stackSet = new aws.cloudformation.StackSet(
      `${name}-stackset`,
      {
        name: args.stackSetName,
        description: args.description,
        permissionModel: "SERVICE_MANAGED",
        callAs: args.callAs,
        autoDeployment: {
          enabled: args.autoDeployment.enabled,
          // Only meaningful with auto-deployment on; AWS rejects it otherwise.
          retainStacksOnAccountRemoval: args.autoDeployment.enabled
            ? args.autoDeployment.retainStacksOnAccountRemoval
            : undefined,
        },
        capabilities: ["CAPABILITY_NAMED_IAM"],
        // Queues operations on this StackSet, so one instance per target can be created in one run.
        managedExecution: { active: true },
        operationPreferences: preferences,
        templateBody: this.templateBody,
        region: args.region,
      },
      // A component's dependsOn does not reach its children: the StackSet carries it itself.
      { parent: this, protect: args.protectStackSet === true, dependsOn: [...(args.dependsOn ?? [])] },
    );
    this.stackSetName = this.stackSet.name;

    const instances: Record<string, aws.cloudformation.StackSetInstance> = {};
    const instance = (
      key: string,
      suffix: string,
      targets: aws.types.input.cloudformation.StackSetInstanceDeploymentTargets,
    ) => {
      instances[key] = new aws.cloudformation.StackSetInstance(
        `${name}-${suffix}`,
        {
          stackSetName: this.stackSet.name,
          callAs: args.callAs,
          deploymentTargets: targets,
          stackSetInstanceRegion: args.region,
          operationPreferences: preferences,
        },
        { parent: this },
      );
    };
    for (const ou of ous) {
      const excluded = ou.excludeAccountIds ?? [];
      instance(
        `ou:${ou.name}`,
        `ou-${ou.name}`,
        excluded.length === 0
          ? { organizationalUnitIds: [ou.id] }
          : { organizationalUnitIds: [ou.id], accounts: [...excluded], accountFilterType: "DIFFERENCE" },
      );
    }
    for (const account of accounts) {
      // A service-managed instance addresses an account through its OU, narrowed to that account.
      instance(`account:${account.name}`, `account-${account.name}`, {
        organizationalUnitIds: [account.organizationalUnitId],
        accounts: [account.id],
        accountFilterType: "INTERSECTION",
      });
    }
    this.instances = instances;

    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}

function withoutUndefined<T extends object>(value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}
