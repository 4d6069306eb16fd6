import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../iam/documents";
import { serviceTrust } from "../iam/trust";
import { awsManagedPolicyArn, shortHash } from "../naming";
import { recordProviderRole } from "../iam/role-registry";
import { requireExplicitProvider } from "../explicit-provider";

export const ORGANIZATIONS_SERVICE_PRINCIPAL = "organizations.amazonaws.com";

export interface ManagementRoleArgs {
  /** `create` a new role, or `import` (adopt) the existing one without replacing it. */
  readonly mode: "create" | "import";
  /** The role's name, normally `OrganizationAccountAccessRole`. */
  readonly roleName: string;
  /** AWS managed policy names or ARNs; in import mode, exactly those attached to the existing role. */
  readonly managedPolicies: readonly string[];
  /** Role description; in import mode, exactly the existing one (none when undefined). */
  readonly description?: string;
}

/**
 * The management account's `OrganizationAccountAccessRole`, trusting the AWS Organizations service.
 * A single-account resource on the management account's provider, never a StackSet (service-managed
 * StackSets cannot reach the management account). Both modes protect the role; `import` adopts the
 * existing role by name and keeps it in the account if it ever leaves this program.
 */
export class ManagementRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  public readonly attachments: aws.iam.RolePolicyAttachment[];

  constructor(name: string, args: ManagementRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:organization-access:ManagementRole", name, {}, opts);
    requireExplicitProvider(this, "ManagementRole", name, opts, "the management account's");
    if (args.mode !== "create" && args.mode !== "import") {
      throw new pulumi.ResourceError(
        `ManagementRole \`${name}\`: \`mode\` must be "create" or "import"`,
        this,
      );
    }
    const adopting = args.mode === "import";
    // Adoption must never replace or delete the live role: import by name, protect, retain.
    const adopt = (id: string): pulumi.CustomResourceOptions =>
      adopting ? { import: id, retainOnDelete: true, protect: true } : { protect: true };

    const trust = serviceTrust(ORGANIZATIONS_SERVICE_PRINCIPAL, { sid: "TrustOrganizationsService" });
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: args.description,
        assumeRolePolicy: toJson(trust),
        maxSessionDuration: 3600,
      },
      {
        parent: this,
        ...adopt(args.roleName),
        // The provider's default tags are not on the existing role; an import with a tag diff fails.
        ...(adopting ? { ignoreChanges: ["tags", "tagsAll"] } : {}),
      },
    );

    this.attachments = args.managedPolicies.map((policy) => {
      const arn = awsManagedPolicyArn(policy);
      return new aws.iam.RolePolicyAttachment(
        `${name}-${shortHash(arn)}`,
        { role: this.role.name, policyArn: arn },
        { parent: this, ...adopt(`${args.roleName}/${arn}`) },
      );
    });

    this.arn = this.role.arn;
    // The assumption alerts derive the role's allowed callers from this same trust policy.
    recordProviderRole({ roleName: args.roleName, trust, parent: this });
    this.registerOutputs({ arn: this.arn });
  }
}
