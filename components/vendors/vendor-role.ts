import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "../iam/documents";
import { AccessRole } from "../iam/role";
import { externalIdTrust } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export const VENDOR_TRUST_SID = "TrustVendorWithExternalId";

/** The vendor role's trust: the vendor's account (or its documented role), only with the ExternalId. */
export function vendorTrust(args: {
  vendorAccountId: string;
  externalId: pulumi.Input<string>;
  principalArn?: string;
}): PolicyDocument {
  return externalIdTrust({ sid: VENDOR_TRUST_SID, ...args });
}

export interface VendorRoleArgs {
  /** The vendor's short name, tagged on the role. */
  readonly vendor: string;
  /** The role's IAM name, the same in every account of the vendor's set. */
  readonly roleName: string;
  /** The vendor's AWS account. */
  readonly vendorAccountId: string;
  /** The vendor's role, when it documents one; the vendor account otherwise. */
  readonly principalArn?: string;
  /** The ExternalId the vendor issued; kept secret in state and previews. */
  readonly externalId: pulumi.Input<string>;
  /** The vendor-documented AWS managed policies. */
  readonly managedPolicies: readonly string[];
  /** The vendor-documented inline policy, if any. */
  readonly inlinePolicy?: PolicyDocument;
  /** Longest session the vendor gets. */
  readonly maxSessionDuration: number;
  /** Permissions boundary of the account. */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /** What the integration does. */
  readonly description?: string;
}

/**
 * One vendor's role in one account. The trust requires the ExternalId (`StringEquals`, never
 * `IfExists`), so the vendor cannot be tricked into using it for another of its customers.
 */
export class VendorRole extends pulumi.ComponentResource {
  public readonly role: AccessRole;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: VendorRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:vendors:VendorRole", name, {}, opts);
    requireExplicitProvider(this, "VendorRole", name, opts, "the target account's");
    if (args.managedPolicies.length === 0 && args.inlinePolicy === undefined) {
      throw new pulumi.ResourceError(
        `VendorRole \`${name}\` has neither \`managedPolicies\` nor \`inlinePolicy\``,
        this,
      );
    }
    this.role = new AccessRole(
      `${name}-role`,
      {
        roleName: args.roleName,
        description: args.description ?? `Third-party access for ${args.vendor} (org-access)`,
        trustPolicy: vendorTrust({
          vendorAccountId: args.vendorAccountId,
          // Secret whatever the caller passed: the ExternalId never shows in plain text.
          externalId: pulumi.secret(args.externalId),
          principalArn: args.principalArn,
        }),
        managedPolicies: args.managedPolicies,
        rolePolicies:
          args.inlinePolicy === undefined ? undefined : { [`${args.roleName}-vendor`]: args.inlinePolicy },
        maxSessionDuration: args.maxSessionDuration,
        permissionsBoundary: args.permissionsBoundary,
        tags: { vendor: args.vendor },
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
