import * as pulumi from "@pulumi/pulumi";
import { RoleStackSet } from "../cloudformation/role-stackset";
import { PolicyDocument } from "../iam/documents";
import { previewProviderTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export interface MemberPreviewRolesArgs {
  /** The role's name in every member account (`pipeline.roleNames.previewMember`). */
  readonly roleName: string;
  /** The management stack's preview role: the only principal the member preview role trusts. */
  readonly managementPreviewRoleArn: string;
  /** The organization both sides of the trust belong to. */
  readonly organizationId: string;
  /** `StringLike` pattern of the session names the management stack's providers use. */
  readonly sessionNamePattern: string;
  /** What a preview may read in a member account; no writes, no data. */
  readonly policy: PolicyDocument;
  /** The organization root (`r-...`): every member account, including those that join later. */
  readonly rootId: string;
  /** The management account, which a service-managed StackSet never reaches (its preview role is the stack's own). */
  readonly managementAccountId: string;
  /** StackSet name in the management account. */
  readonly stackSetName: string;
  /** Region of the StackSet and its stacks. */
  readonly region: string;
  /** Longest session, in seconds. */
  readonly maxSessionDuration: number;
  /** The management preview role: IAM rejects a trust naming a role that does not exist yet. */
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * The read-only role a `pulumi preview` of the management stack assumes in member accounts, in every
 * member account of the organization through a service-managed StackSet on the root with
 * auto-deployment, so an account that joins later has it before its first preview. It trusts only
 * the management preview role, so a pull request never holds the organization access role (which is
 * administrator in every member account).
 */
export class MemberPreviewRoles extends pulumi.ComponentResource {
  public readonly roleStackSet: RoleStackSet;
  public readonly stackSetName: pulumi.Output<string>;
  public readonly templateBody: string;

  constructor(name: string, args: MemberPreviewRolesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:pipeline:MemberPreviewRoles", name, {}, opts);
    requireExplicitProvider(this, "MemberPreviewRoles", name, opts, "the administering account's");
    this.roleStackSet = new RoleStackSet(
      `${name}-roles`,
      {
        stackSetName: args.stackSetName,
        description: `${args.roleName} in member accounts: read-only pulumi preview of the org-access management stack`,
        role: {
          roleName: args.roleName,
          trustPolicy: previewProviderTrust({
            sid: "TrustManagementPreviewRole",
            previewRoleArn: args.managementPreviewRoleArn,
            organizationId: args.organizationId,
            sessionNamePattern: args.sessionNamePattern,
          }),
          managedPolicies: [],
          rolePolicies: { OrgAccessPreviewRead: args.policy },
          description: "Read-only: pulumi preview of the org-access management stack (member accounts)",
          maxSessionDuration: args.maxSessionDuration,
        },
        organizationalUnits: [{ name: "root", id: args.rootId }],
        managementAccountId: args.managementAccountId,
        callAs: "SELF",
        region: args.region,
        // An account that leaves the organization loses a read-only role nobody else may assume.
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        dependsOn: args.dependsOn,
      },
      { parent: this },
    );
    this.stackSetName = this.roleStackSet.stackSetName;
    this.templateBody = this.roleStackSet.templateBody;
    this.registerOutputs({ stackSetName: this.stackSetName });
  }
}
