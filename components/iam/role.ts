import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsManagedPolicyArn, shortHash } from "../naming";
import { recordProviderRole } from "./role-registry";
import { PolicyDocument, toJson } from "./documents";

export interface AccessRoleArgs {
  /** The role's IAM name, the same in every account so ARNs derive from account IDs. */
  readonly roleName: string;
  /** Who may assume the role; built by a function of `trust.ts`. */
  readonly trustPolicy: PolicyDocument;
  /** What the role is for, shown in the IAM console (none only for an adopted role that has none). */
  readonly description: string | undefined;
  /** AWS managed policy names (`SecurityAudit`, `job-function/ViewOnlyAccess`) or policy ARNs, one attachment each. */
  readonly managedPolicies?: readonly string[];
  /** Policies created elsewhere in the program, by a stable label (used in the attachment's name). */
  readonly attachedPolicies?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Inline policies by name. */
  readonly rolePolicies?: Record<string, PolicyDocument>;
  /** Permissions boundary ARN that caps what the role can ever do. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** Longest session in seconds; short by default. */
  readonly maxSessionDuration?: number;
  /** Extra tags on the role. */
  readonly tags?: Record<string, string>;
}

/** Where an `AccessRole`'s resources go: under the access pattern's component, with its provider. */
export interface AccessRoleOptions {
  /** The component of the access pattern; its provider (the target account's) reaches the role. */
  readonly parent: pulumi.Resource;
  /**
   * What the role needs first (e.g. the principals its trust names: IAM refuses one that does not
   * exist yet). Pass the component's own `dependsOn`: the engine does not extend a component's
   * dependencies to its children.
   */
  readonly dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
  /**
   * Adopt the existing role instead of creating it: the role is imported by its IAM name, each
   * managed policy attachment by `<role name>/<policy ARN>` (the provider's import IDs), and both stay
   * in the account if they ever leave this program (`retainOnDelete`). Attachments by label and
   * inline policies cannot be adopted.
   */
  readonly adopt?: boolean;
  /** Refuse to delete the role and its policies (`protect`), for roles an account cannot lose. */
  readonly protect?: boolean;
  /** Role inputs whose differences the engine ignores (the role only, not its attachments). */
  readonly ignoreChanges?: string[];
  /**
   * Whether the assumption alerts watch the role (its trust is recorded for them); true by default.
   * False for the roles of the alerts themselves: a forwarder is assumed by EventBridge only.
   */
  readonly watched?: boolean;
  /**
   * Resource names kept from before the role was built here, when they differ from `<name>-role`
   * and `<name>-<policy name>`: a different name is a different resource to the engine.
   */
  readonly resourceNames?: {
    readonly role?: string;
    /** By inline policy name. */
    readonly rolePolicies?: Readonly<Record<string, string>>;
  };
}

/**
 * One IAM role with its attachments and inline policies, the building block of every access
 * pattern. Not a component of its own: its resources belong to the pattern's component (which carries
 * the target account's provider), so a role costs no extra registration, at a thousand accounts
 * thousands fewer. Resource names derive from `name` as before.
 */
export class AccessRole {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;
  /** One per managed policy, in the order given. */
  public readonly attachments: aws.iam.RolePolicyAttachment[] = [];

  constructor(name: string, args: AccessRoleArgs, opts: AccessRoleOptions) {
    if ((opts as Partial<AccessRoleOptions>).parent === undefined) {
      throw new Error(
        `org-access: AccessRole \`${name}\` needs a \`parent\` component that carries the target account's provider; default providers are disabled`,
      );
    }
    if (opts.adopt === true && (args.attachedPolicies !== undefined || args.rolePolicies !== undefined)) {
      throw new Error(
        `org-access: AccessRole \`${name}\` adopts an existing role: only its managed policies can be adopted, not \`attachedPolicies\` or \`rolePolicies\``,
      );
    }
    // No alias to the `org-access:iam:AccessRole` parent of unreleased pre-0.1 builds: an alias per
    // resource cost a fifth more memory at a thousand accounts.
    const children: pulumi.CustomResourceOptions = {
      parent: opts.parent,
      ...(opts.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }),
      ...(opts.protect === true ? { protect: true } : {}),
    };
    // Adoption must never replace or delete the live role: import by ID, keep it when removed.
    const adopted = (id: string): pulumi.CustomResourceOptions => ({
      ...children,
      ...(opts.adopt === true ? { import: id, retainOnDelete: true } : {}),
    });

    this.role = new aws.iam.Role(
      opts.resourceNames?.role ?? `${name}-role`,
      {
        name: args.roleName,
        description: args.description,
        assumeRolePolicy: toJson(args.trustPolicy),
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        permissionsBoundary: args.permissionsBoundary,
        tags: args.tags,
      },
      {
        ...adopted(args.roleName),
        ...(opts.ignoreChanges === undefined ? {} : { ignoreChanges: opts.ignoreChanges }),
      },
    );

    for (const policy of args.managedPolicies ?? []) {
      const arn = awsManagedPolicyArn(policy);
      // Names derive from the policy, not its position, so reordering the list replaces nothing.
      this.attachments.push(
        new aws.iam.RolePolicyAttachment(
          `${name}-${shortHash(arn)}`,
          { role: this.role.name, policyArn: arn },
          adopted(`${args.roleName}/${arn}`),
        ),
      );
    }
    for (const [label, arn] of Object.entries(args.attachedPolicies ?? {})) {
      new aws.iam.RolePolicyAttachment(
        `${name}-${label}`,
        { role: this.role.name, policyArn: arn },
        children,
      );
    }

    for (const [policyName, document] of Object.entries(args.rolePolicies ?? {})) {
      new aws.iam.RolePolicy(
        opts.resourceNames?.rolePolicies?.[policyName] ?? `${name}-${policyName}`,
        { role: this.role.name, name: policyName, policy: toJson(document) },
        children,
      );
    }

    this.arn = this.role.arn;
    this.roleName = this.role.name;
    // The assumption alerts derive each role's allowed callers from this same trust policy.
    if (opts.watched !== false) {
      recordProviderRole({ roleName: args.roleName, trust: args.trustPolicy, parent: opts.parent });
    }
  }
}
