import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { roleTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export interface DeploymentRoleArgs {
  /** The environment this role deploys (`prod`, `staging`). */
  readonly environment: string;
  /** The role's IAM name (`deployment-role-<environment>`). */
  readonly roleName: string;
  /** The CI roles of the pipelines serving this environment: the only principals trusted. */
  readonly ciRoleArns: readonly pulumi.Input<string>[];
  /** The organization both accounts belong to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** What a deployment may do; from presets and config statements. */
  readonly policy?: PolicyDocument;
  /** Managed policies to attach (never AdministratorAccess here; see `administratorJustification`). */
  readonly managedPolicies?: readonly string[];
  /** Set only when config grants AdministratorAccess: the written reason, kept on the role. */
  readonly administratorJustification?: string;
  /** Permissions boundary of the workload account. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** Longest session, in seconds. */
  readonly maxSessionDuration?: number;
}

/**
 * `deployment-role-<env>` in a workload account: trusted only by the CI roles of the pipelines that
 * serve the environment, inside the organization, with the deployment's scoped permissions.
 */
export class DeploymentRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: DeploymentRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:cicd:DeploymentRole", name, {}, opts);
    requireExplicitProvider(this, "DeploymentRole", name, opts, "the workload account's");
    const managed = [...(args.managedPolicies ?? [])];
    if (managed.some((p) => /(^|\/)AdministratorAccess$/.test(p))) {
      throw new pulumi.ResourceError(
        `\`managedPolicies\` of \`${name}\` lists AdministratorAccess; grant it only through \`administratorJustification\``,
        this,
      );
    }
    if (args.administratorJustification !== undefined) managed.push("AdministratorAccess");
    if (managed.length === 0 && args.policy === undefined) {
      throw new pulumi.ResourceError(`\`${name}\` has neither \`policy\` nor \`managedPolicies\``, this);
    }
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description:
          args.administratorJustification === undefined
            ? `Deploys the ${args.environment} environment for its CI pipelines (org-access)`
            : `Deploys ${args.environment} with AdministratorAccess. Justification: ${args.administratorJustification}`.slice(
                0,
                1000,
              ),
        trustPolicy: roleTrust({
          sid: "TrustEnvironmentCiRoles",
          roleArns: [...args.ciRoleArns],
          organizationId: args.organizationId,
        }),
        managedPolicies: managed,
        rolePolicies: args.policy === undefined ? undefined : { Deployment: args.policy },
        permissionsBoundary: args.permissionsBoundary,
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        tags: { environment: args.environment },
      },
      // The CI roles must exist first; a component's dependsOn does not reach its children.
      { parent: this, dependsOn: opts.dependsOn },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
