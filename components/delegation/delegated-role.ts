import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { mfaPrincipalTrust } from "../iam/trust";
import { requireSourceIdentity } from "./source-identity";
import { requireExplicitProvider } from "../explicit-provider";

export interface DelegatedRoleArgs {
  /** The delegation's name, tagged on the role. */
  readonly delegation: string;
  /** The role's IAM name, the same in every target account. */
  readonly roleName: string;
  /** ARNs of the identity account's users (or roles) allowed in; IAM requires that they exist. */
  readonly principalArns: readonly string[];
  /** The organization the identity account belongs to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** Whether the trust requires MFA (only role principals may go without). */
  readonly requireMfa: boolean;
  /** Oldest MFA sign-in accepted, in seconds. */
  readonly maxMfaAgeSeconds?: number;
  /** Networks the assume-role call must come from. */
  readonly sourceIpRanges?: readonly string[];
  /** AWS managed policies, e.g. ReadOnlyAccess. */
  readonly managedPolicies: readonly string[];
  /** The job's inline policy, already carrying the MFA and network conditions. */
  readonly inlinePolicy?: PolicyDocument;
  /** Permissions boundary of the target account, if it has one. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** Longest session, in seconds. */
  readonly maxSessionDuration?: number;
  /** Require `sts:SourceIdentity` = the caller's IAM user name, so the person shows through role chains. */
  readonly requireSourceIdentity?: boolean;
}

/**
 * The target side of classic delegation: a role trusting exactly the named principals of the
 * identity account, with MFA and (optionally) from known networks. A group cannot be a principal,
 * so the members are listed, and the group's inline policy is the other half.
 */
export class DelegatedRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: DelegatedRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:delegation:DelegatedRole", name, {}, opts);
    requireExplicitProvider(this, "DelegatedRole", name, opts, "the target account's");
    if (args.principalArns.length === 0) {
      throw new pulumi.ResourceError(`\`principalArns\` of \`${name}\` is empty`, this);
    }
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: `Delegated access (${args.delegation}) for named principals of the identity account, with MFA (org-access)`,
        trustPolicy: withSourceIdentity(
          mfaPrincipalTrust({
            sid: "TrustIdentityAccountPrincipals",
            principalArns: [...args.principalArns],
            organizationId: args.organizationId,
            requireMfa: args.requireMfa,
            maxMfaAgeSeconds: args.maxMfaAgeSeconds,
            sourceIpRanges: args.sourceIpRanges,
          }),
          args.requireSourceIdentity === true,
        ),
        managedPolicies: args.managedPolicies,
        rolePolicies: args.inlinePolicy === undefined ? undefined : { DelegatedAccess: args.inlinePolicy },
        permissionsBoundary: args.permissionsBoundary,
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        tags: { delegation: args.delegation },
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}

function withSourceIdentity(trust: PolicyDocument, required: boolean): PolicyDocument {
  return required ? requireSourceIdentity(trust) : trust;
}
