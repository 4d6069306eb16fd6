import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccessRole } from "../iam/role";
import { GITHUB_OIDC_HOST, githubOidcNamedSessionTrust, STS_AUDIENCE } from "../iam/trust";
import { assumeRolesPolicy } from "./permissions";
import { requireExplicitProvider } from "../explicit-provider";

export interface PipelineIdentityArgs {
  /** `create` makes the tooling account's GitHub OIDC provider; `existing` trusts the one already there. */
  readonly oidcProvider: "create" | "existing";
  /** ARN of the existing provider, used when `oidcProvider` is `existing`. */
  readonly existingOidcProviderArn: string;
  /** Name of the deploy jobs' role. */
  readonly pipelineRoleName: string;
  /** GitHub subjects allowed to deploy: the protected branch or the stacks' environments. */
  readonly deploySubjects: readonly string[];
  /** The deploy roles (one per stack) the pipeline role may assume, and nothing else. */
  readonly deployRoleArns: readonly string[];
  /** Name of the pull-request jobs' role; no preview identity when absent. */
  readonly previewRoleName?: string;
  /** The pull-request subject of the repository. */
  readonly previewSubject: string;
  /** The read-only preview roles the preview identity may assume. */
  readonly previewTargetRoleArns: readonly string[];
  /** `StringLike` pattern of session names (`gha-*`): the workflow puts the run ID after the prefix. */
  readonly sessionNamePattern: string;
  /** Longest session, in seconds. */
  readonly maxSessionDuration: number;
  /** Permissions boundaries of the two roles in this account, if the account has one. */
  readonly permissionsBoundaries?: {
    readonly pipeline?: pulumi.Input<string>;
    readonly preview?: pulumi.Input<string>;
  };
}

/**
 * The pipeline's identities in the tooling account: GitHub Actions federates over OIDC into the
 * pipeline role (deploy jobs of the protected branch or environments) or the preview role (pull
 * requests). Neither can do anything in the tooling account: their only permission is to assume the
 * next role of the chain, the deploy roles or the read-only preview roles respectively.
 */
export class PipelineIdentity extends pulumi.ComponentResource {
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** The GitHub OIDC provider, when this component creates it. */
  public readonly oidcProvider?: aws.iam.OpenIdConnectProvider;
  public readonly pipelineRole: AccessRole;
  public readonly previewRole?: AccessRole;

  constructor(name: string, args: PipelineIdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:pipeline:PipelineIdentity", name, {}, opts);
    requireExplicitProvider(this, "PipelineIdentity", name, opts, "the tooling account's");
    if (args.deployRoleArns.length === 0) {
      throw new pulumi.ResourceError(
        `\`deployRoleArns\` of \`${name}\` is empty: the pipeline would reach nothing`,
        this,
      );
    }

    if (args.oidcProvider === "create") {
      const provider = new aws.iam.OpenIdConnectProvider(
        `${name}-github-oidc`,
        { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [STS_AUDIENCE] },
        { parent: this },
      );
      // Referencing the provider's ARN also orders the roles after it: IAM rejects a trust naming a
      // provider that does not exist yet.
      this.oidcProviderArn = provider.arn;
      this.oidcProvider = provider;
    } else {
      this.oidcProviderArn = pulumi.output(args.existingOidcProviderArn);
    }

    this.pipelineRole = new AccessRole(
      `${name}-pipeline`,
      {
        roleName: args.pipelineRoleName,
        description: "GitHub Actions deploy jobs of org-access: may only assume the stacks' deploy roles",
        trustPolicy: githubOidcNamedSessionTrust({
          sid: "TrustGithubDeployJobs",
          providerArn: this.oidcProviderArn,
          subjects: args.deploySubjects,
          sessionNamePattern: args.sessionNamePattern,
        }),
        rolePolicies: { AssumeDeployRoles: assumeRolesPolicy("AssumeDeployRoles", args.deployRoleArns) },
        permissionsBoundary: args.permissionsBoundaries?.pipeline,
        maxSessionDuration: args.maxSessionDuration,
      },
      { parent: this },
    );

    if (args.previewRoleName !== undefined) {
      if (args.previewTargetRoleArns.length === 0) {
        throw new pulumi.ResourceError(`\`previewTargetRoleArns\` of \`${name}\` is empty`, this);
      }
      this.previewRole = new AccessRole(
        `${name}-preview`,
        {
          roleName: args.previewRoleName,
          description:
            "GitHub Actions pull-request jobs of org-access: may only assume the read-only preview roles",
          trustPolicy: githubOidcNamedSessionTrust({
            sid: "TrustGithubPullRequests",
            providerArn: this.oidcProviderArn,
            subjects: [args.previewSubject],
            sessionNamePattern: args.sessionNamePattern,
          }),
          rolePolicies: {
            AssumePreviewRoles: assumeRolesPolicy("AssumePreviewRoles", args.previewTargetRoleArns),
          },
          permissionsBoundary: args.permissionsBoundaries?.preview,
          maxSessionDuration: args.maxSessionDuration,
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      oidcProviderArn: this.oidcProviderArn,
      pipelineRoleArn: this.pipelineRole.arn,
      previewRoleArn: this.previewRole?.arn,
    });
  }
}
