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
  /** The StackSet of the targets without a boundary, else the bounded one: what `stackSetName` reports. */
  readonly stackSet: aws.cloudformation.StackSet;
  /** Every StackSet, one per boundary variant of the targets (see {@link serviceManagedStackSet}). */
  readonly stackSets: aws.cloudformation.StackSet[];
  /** Instances by target: `ou:<name>` or `account:<name>`. */
  readonly instances: Record<string, aws.cloudformation.StackSetInstance>;
}

/** The suffix of the StackSet (and its resource names) that rolls the template out with the boundary. */
export const BOUNDED_SUFFIX = "-bounded";

/**
 * Creates the StackSet `${name}-stackset` and its instances `${name}-ou-<ou>` / `${name}-account-<name>`
 * as children of `parent`. `component` names the caller in error messages; `parameters` are every
 * template parameter with its default, and the StackSet sets each one explicitly (a parameter left to
 * its default comes back from a refresh as a diff).
 *
 * An instance never changes in place. terraform-provider-aws updates an instance with
 * `UpdateStackInstances` naming its ID's middle part as an account, which for an OU-targeted instance
 * is the OU ID, and CloudFormation rejects it ("Value '[ou-...]' at 'accounts' failed to satisfy
 * constraint", issues #40675, #45510, #39393; internal/service/cloudformation/stack_set_instance.go
 * `resourceStackSetInstanceUpdate`, commit 01f431114674c27cf790fafb67ac274bf8f765e1). So:
 * - a per-target parameter is a StackSet parameter, not an instance override: targets whose accounts
 *   carry a permissions boundary get their own StackSet, `<stackSetName>-bounded` (`${name}-bounded-*`),
 *   whose `PermissionsBoundaryPolicyName` is the boundary, and renaming the boundary updates that
 *   StackSet, which CloudFormation applies to all its stacks;
 * - operation preferences apply to an instance's own creation only (`ignoreChanges`): later changes
 *   reach the StackSet, whose updates use them.
 *
 * Every other instance input forces a replacement (all of `deploymentTargets`, `stackSetName`, the
 * region), and a replacement keeps the physical ID `<stackSetName>,<ou-ids>,<region>`: the new
 * instance's create finds its stacks in place, then the old one's delete removes the stacks of every
 * account of its targets. Instances are therefore protected: the engine refuses to replace or delete
 * one (pulumi/pulumi pkg/resource/deploy/step_generator.go, "unable to replace resource ... as it is
 * currently marked for protection"), and docs/organization-access-role.md "Changing StackSet targets" gives the safe procedure.
 */
export function serviceManagedStackSet(
  name: string,
  component: string,
  args: StackSetRollout & {
    readonly templateBody: string;
    readonly parameters?: Readonly<Record<string, string>>;
  },
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
  const parameters = args.parameters ?? {};
  const parameterised = BOUNDARY_PARAMETER in parameters;
  const targets: Target[] = [
    ...ous.map((ou) => ({ kind: "ou" as const, target: ou })),
    ...accounts.map((account) => ({ kind: "account" as const, target: account })),
  ];
  const bounded = targets.map((t) => t.target).filter((t) => t.permissionsBoundaryPolicyName !== undefined);
  if (bounded.length > 0 && !parameterised) {
    throw new pulumi.ResourceError(
      `${component} \`${name}\`: target ${bounded[0].name} has a \`permissionsBoundaryPolicyName\`, and the template takes no ${BOUNDARY_PARAMETER} parameter (set \`boundaryFromParameter\` on the role)`,
      parent,
    );
  }
  const boundaries = [...new Set(bounded.map((t) => t.permissionsBoundaryPolicyName as string))];
  if (boundaries.length > 1) {
    throw new pulumi.ResourceError(
      `${component} \`${name}\`: targets name different permissions boundaries (${boundaries.join(", ")}); one StackSet rolls out one boundary`,
      parent,
    );
  }
  const boundedName = `${args.stackSetName}${BOUNDED_SUFFIX}`;
  if (bounded.length > 0 && boundedName.length > 128) {
    throw new pulumi.ResourceError(
      `${component} \`${name}\`: StackSet name ${boundedName} (for the targets with a permissions boundary) is longer than 128 characters; shorten \`stackSetName\``,
      parent,
    );
  }
  const preferences = withoutUndefined(args.operationPreferences);

  // One StackSet per boundary variant: without one (the configured name), with one (`-bounded`).
  const variants = [
    { suffix: "", boundary: "", targets: targets.filter((t) => !bounded.includes(t.target)) },
    {
      suffix: BOUNDED_SUFFIX,
      boundary: boundaries[0] ?? "",
      targets: targets.filter((t) => bounded.includes(t.target)),
    },
  ].filter((v) => v.targets.length > 0);

  const stackSets: aws.cloudformation.StackSet[] = [];
  const instances: Record<string, aws.cloudformation.StackSetInstance> = {};
  for (const variant of variants) {
    const prefix = `${name}${variant.suffix}`;
    const stackSet = new aws.cloudformation.StackSet(
      `${prefix}-stackset`,
      {
        name: `${args.stackSetName}${variant.suffix}`,
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
        ...(Object.keys(parameters).length === 0
          ? {}
          : {
              parameters: {
                ...parameters,
                ...(parameterised ? { [BOUNDARY_PARAMETER]: variant.boundary } : {}),
              },
            }),
        templateBody: args.templateBody,
        region: args.region,
      },
      // A component's dependsOn does not reach its children: the StackSet carries it itself.
      { parent, protect: args.protectStackSet === true, dependsOn: [...(args.dependsOn ?? [])] },
    );
    stackSets.push(stackSet);

    const instance = (
      key: string,
      suffix: string,
      target: StackSetTargetOptions,
      targets: aws.types.input.cloudformation.StackSetInstanceDeploymentTargets,
    ) => {
      instances[key] = new aws.cloudformation.StackSetInstance(
        `${prefix}-${suffix}`,
        {
          stackSetName: stackSet.name,
          callAs: args.callAs,
          deploymentTargets: targets,
          stackSetInstanceRegion: args.region,
          operationPreferences: preferences,
        },
        {
          parent,
          protect: true,
          ignoreChanges: ["operationPreferences"],
          ...(target.dependsOn?.length ? { dependsOn: [...target.dependsOn] } : {}),
        },
      );
    };
    for (const { kind, target } of variant.targets) {
      if (kind === "ou") {
        const excluded = target.excludeAccountIds ?? [];
        instance(
          `ou:${target.name}`,
          `ou-${target.name}`,
          target,
          excluded.length === 0
            ? { organizationalUnitIds: [target.id] }
            : {
                organizationalUnitIds: [target.id],
                accounts: [...excluded],
                accountFilterType: "DIFFERENCE",
              },
        );
      } else {
        // A service-managed instance addresses an account through its OU, narrowed to that account.
        instance(`account:${target.name}`, `account-${target.name}`, target, {
          organizationalUnitIds: [target.organizationalUnitId],
          accounts: [target.id],
          accountFilterType: "INTERSECTION",
        });
      }
    }
  }
  return { stackSet: stackSets[0], stackSets, instances };
}

type Target =
  | { readonly kind: "ou"; readonly target: StackSetOuTarget }
  | { readonly kind: "account"; readonly target: StackSetAccountTarget };

function withoutUndefined<T extends object>(value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}
