import * as pulumi from "@pulumi/pulumi";
import { allowAssumeRolesAtScale, policyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { githubOidcTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export interface CiRoleArgs {
  /** The pipeline this role runs, for the description and tags. */
  readonly pipeline: string;
  /** The role's IAM name in the tooling account (`ci-<pipeline>`). */
  readonly roleName: string;
  /** The GitHub OIDC provider's ARN in the tooling account. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The `sub` values allowed in: one repository with one branch, tag or environment each. */
  readonly subjects: readonly string[];
  /** The deployment roles of the pipeline's environments: the only roles it may assume. */
  readonly deploymentRoleArns: readonly string[];
  /** The organization; a list too long for IAM becomes the role names within it. */
  readonly organizationId: string;
  /** Permissions boundary of the tooling account, if it has one. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** Longest session, in seconds. */
  readonly maxSessionDuration?: number;
}

/**
 * A pipeline's identity in the tooling account. GitHub Actions federates in with a token whose
 * audience is STS and whose subject is one of the named repository refs; the role can do nothing
 * but assume the deployment roles of its own environments, so staging's CI never reaches prod.
 */
export class CiRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: CiRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:cicd:CiRole", name, {}, opts);
    requireExplicitProvider(this, "CiRole", name, opts, "the tooling account's");
    if (args.deploymentRoleArns.length === 0) {
      throw new pulumi.ResourceError(
        `\`deploymentRoleArns\` of \`${name}\` is empty: the pipeline ${args.pipeline} deploys nowhere`,
        this,
      );
    }
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: `GitHub Actions pipeline ${args.pipeline}: may only assume its environments' deployment roles`,
        // githubOidcTrust refuses any subject not scoped to one repository and one ref or environment.
        trustPolicy: githubOidcTrust({
          sid: "TrustGithubWorkflows",
          providerArn: args.oidcProviderArn,
          subjects: args.subjects,
        }),
        rolePolicies: {
          AssumeDeploymentRoles: policyDocument([
            allowAssumeRolesAtScale("AssumeDeploymentRoles", args.deploymentRoleArns, args.organizationId),
          ]),
        },
        permissionsBoundary: args.permissionsBoundary,
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        tags: { pipeline: args.pipeline },
      },
      // The identity provider must exist first; a component's dependsOn does not reach its children.
      { parent: this, dependsOn: opts.dependsOn },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
