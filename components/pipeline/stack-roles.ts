import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { pipelineChainTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export interface PipelineStackRolesArgs {
  /** Which stack these roles deploy and preview (`management` or `security`), for descriptions. */
  readonly stack: string;
  /** Name of the role `pulumi up` of this stack runs as. */
  readonly deployRoleName: string;
  /** The tooling account's pipeline role: the only principal the deploy role trusts. */
  readonly pipelineRoleArn: string;
  /** What a deployment of this stack may call; explicit actions only. */
  readonly deployPolicy: PolicyDocument;
  /** Name of the read-only role `pulumi preview` of this stack runs as; none when absent. */
  readonly previewRoleName?: string;
  /** The tooling account's pull-request role: the only principal the preview role trusts. */
  readonly previewRoleArn: string;
  /** What a preview may read. */
  readonly previewPolicy: PolicyDocument;
  /** The organization both sides of the chain belong to. */
  readonly organizationId: string;
  /** `StringLike` pattern of session names (`gha-*`). */
  readonly sessionNamePattern: string;
  /** Longest session, in seconds. */
  readonly maxSessionDuration: number;
  /** Permissions boundaries of the two roles, if the account has one. */
  readonly permissionsBoundaries?: {
    readonly deploy?: pulumi.Input<string>;
    readonly preview?: pulumi.Input<string>;
  };
}

/**
 * The roles a stack's pipeline runs as in the stack's own account: the deploy role, trusted only by
 * the tooling account's pipeline role, and the read-only preview role, trusted only by the
 * pull-request role. The two trusts never name each other's caller, so a pull request can never
 * reach a deploy role.
 */
export class PipelineStackRoles extends pulumi.ComponentResource {
  public readonly deployRole: AccessRole;
  public readonly previewRole?: AccessRole;

  constructor(name: string, args: PipelineStackRolesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:pipeline:PipelineStackRoles", name, {}, opts);
    requireExplicitProvider(this, "PipelineStackRoles", name, opts, "the stack account's");
    if (args.pipelineRoleArn === args.previewRoleArn) {
      throw new pulumi.ResourceError(
        `\`previewRoleArn\` of \`${name}\` is the pipeline role: pull requests would deploy`,
        this,
      );
    }

    this.deployRole = new AccessRole(
      `${name}-deploy`,
      {
        roleName: args.deployRoleName,
        description: `Runs pulumi up of the org-access ${args.stack} stack from the tooling account's pipeline`,
        trustPolicy: pipelineChainTrust({
          sid: "TrustPipelineRole",
          roleArn: args.pipelineRoleArn,
          organizationId: args.organizationId,
          sessionNamePattern: args.sessionNamePattern,
        }),
        rolePolicies: { OrgAccessDeploy: args.deployPolicy },
        permissionsBoundary: args.permissionsBoundaries?.deploy,
        maxSessionDuration: args.maxSessionDuration,
      },
      // The pipeline identity roles must exist first; a component's dependsOn does not reach its children.
      { parent: this, dependsOn: opts.dependsOn },
    );

    if (args.previewRoleName !== undefined) {
      this.previewRole = new AccessRole(
        `${name}-preview`,
        {
          roleName: args.previewRoleName,
          description: `Read-only: pulumi preview of the org-access ${args.stack} stack on pull requests`,
          trustPolicy: pipelineChainTrust({
            sid: "TrustPullRequestRole",
            roleArn: args.previewRoleArn,
            organizationId: args.organizationId,
            sessionNamePattern: args.sessionNamePattern,
          }),
          rolePolicies: { OrgAccessPreview: args.previewPolicy },
          permissionsBoundary: args.permissionsBoundaries?.preview,
          maxSessionDuration: args.maxSessionDuration,
        },
        { parent: this, dependsOn: opts.dependsOn },
      );
    }

    this.registerOutputs({ deployRoleArn: this.deployRole.arn, previewRoleArn: this.previewRole?.arn });
  }
}
