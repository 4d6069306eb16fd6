import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BOUNDARY_PARAMETER } from "./template";

/**
 * The resources behind every service-managed StackSet of this program: the StackSet itself and one
 * instance per OU or account target. Components ({@link RoleStackSet}, {@link ManagedPolicyStackSet})
 * own the template; this module owns how it is rolled out, so both roll out alike.
 */

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

/** What every target may add: a per-target boundary and the resources its stacks need first. */
export interface StackSetTargetOptions {
  /**
   * Permissions boundary policy name for this target's accounts, passed as the template parameter
   * `PermissionsBoundaryPolicyName` (templates with `boundaryFromParameter` only); none when unset.
   */
  readonly permissionsBoundaryPolicyName?: string;
  /** Resources the stacks of this target need first (e.g. the boundary policy in its accounts). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** An OU target: every member account in it, except the listed ones. */
export interface StackSetOuTarget extends StackSetTargetOptions {
  /** OU name, used in the instance's resource name. */
  readonly name: string;
  /** OU ID (`ou-...`). */
  readonly id: string;
  /** Account IDs in the OU that must not get a stack (they already have the role, for instance). */
  readonly excludeAccountIds?: readonly string[];
}

/** One account rolled out on its own (a service-managed StackSet still addresses it through its OU). */
export interface StackSetAccountTarget extends StackSetTargetOptions {
  /** Account name, used in the instance's resource name. */
  readonly name: string;
  readonly id: string;
  /** ID of the OU the account is in. */
  readonly organizationalUnitId: string;
}

/** Where and how a service-managed StackSet rolls its template out. */
export interface StackSetRollout {
  /** StackSet name, unique in the region of the administering account. */
  readonly stackSetName: string;
  /** What the StackSet is for, shown in the CloudFormation console. */
  readonly description: string;
  /** OUs to deploy to; with auto-deployment, accounts that join them later get the stack too. */
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
 * What a single-purpose StackSet component (one role or policy, OU targets) takes from its
 * capability; the component fixes the description, `callAs` and the template itself.
 */
export interface OuStackSetRollout extends Pick<
  StackSetRollout,
  "stackSetName" | "managementAccountId" | "region" | "operationPreferences" | "autoDeployment"
> {
  /** Target OUs; with auto-deployment, accounts that join them later get the stack too. */
  readonly organizationalUnits: readonly StackSetOuTarget[];
}

export interface ServiceManagedStackSet {
  readonly stackSet: aws.cloudformation.StackSet;
  /** Instances by target: `ou:<name>` or `account:<name>`. */
  readonly instances: Record<string, aws.cloudformation.StackSetInstance>;
}

/**
 * Creates the StackSet `${name}-stackset` and its instances `${name}-ou-<ou>` / `${name}-account-<name>`
 * as children of `parent`. `component` names the caller in error messages; `parameters` are the
 * template's parameter names (a per-target boundary needs {@link BOUNDARY_PARAMETER}).
 */
export function serviceManagedStackSet(
  name: string,
  component: string,
  args: StackSetRollout & { readonly templateBody: string; readonly parameters?: readonly string[] },
  parent: pulumi.ComponentResource,
): ServiceManagedStackSet {
  const ous = args.organizationalUnits ?? [];
  const accounts = args.accounts ?? [];
  if (ous.length === 0 && accounts.length === 0) {
    throw new pulumi.ResourceError(
      `${component} \`${name}\`: \`organizationalUnits\` and \`accounts\` are both empty`,
      parent,
    );
  }
  const management = accounts.find((a) => a.id === args.managementAccountId);
  if (management !== undefined) {
    throw new pulumi.ResourceError(
      `${component} \`${name}\`: \`accounts\` names the management account ${management.id}; a service-managed StackSet never deploys there`,
      parent,
    );
  }
  const bounded = [...ous, ...accounts].find((t) => t.permissionsBoundaryPolicyName !== undefined);
  if (bounded !== undefined && !(args.parameters ?? []).includes(BOUNDARY_PARAMETER)) {
    throw new pulumi.ResourceError(
      `${component} \`${name}\`: target ${bounded.name} has a \`permissionsBoundaryPolicyName\`, and the template takes no ${BOUNDARY_PARAMETER} parameter (set \`boundaryFromParameter\` on the role)`,
      parent,
    );
  }
  const preferences = withoutUndefined(args.operationPreferences);

  const stackSet = new aws.cloudformation.StackSet(
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
      templateBody: args.templateBody,
      region: args.region,
    },
    // A component's dependsOn does not reach its children: the StackSet carries it itself.
    { parent, protect: args.protectStackSet === true, dependsOn: [...(args.dependsOn ?? [])] },
  );

  const instances: Record<string, aws.cloudformation.StackSetInstance> = {};
  const instance = (
    key: string,
    suffix: string,
    target: StackSetTargetOptions,
    targets: aws.types.input.cloudformation.StackSetInstanceDeploymentTargets,
  ) => {
    const boundary = target.permissionsBoundaryPolicyName;
    instances[key] = new aws.cloudformation.StackSetInstance(
      `${name}-${suffix}`,
      {
        stackSetName: stackSet.name,
        callAs: args.callAs,
        deploymentTargets: targets,
        stackSetInstanceRegion: args.region,
        operationPreferences: preferences,
        ...(boundary === undefined ? {} : { parameterOverrides: { [BOUNDARY_PARAMETER]: boundary } }),
      },
      { parent, ...(target.dependsOn?.length ? { dependsOn: [...target.dependsOn] } : {}) },
    );
  };
  for (const ou of ous) {
    const excluded = ou.excludeAccountIds ?? [];
    instance(
      `ou:${ou.name}`,
      `ou-${ou.name}`,
      ou,
      excluded.length === 0
        ? { organizationalUnitIds: [ou.id] }
        : { organizationalUnitIds: [ou.id], accounts: [...excluded], accountFilterType: "DIFFERENCE" },
    );
  }
  for (const account of accounts) {
    // A service-managed instance addresses an account through its OU, narrowed to that account.
    instance(`account:${account.name}`, `account-${account.name}`, account, {
      organizationalUnitIds: [account.organizationalUnitId],
      accounts: [account.id],
      accountFilterType: "INTERSECTION",
    });
  }
  return { stackSet, instances };
}

function withoutUndefined<T extends object>(value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}
