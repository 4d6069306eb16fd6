import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccessRole } from "../iam/role";
import { serviceTrust } from "../iam/trust";
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
    const role = new AccessRole(
      name,
      {
        roleName: args.roleName,
        description: args.description,
        trustPolicy: serviceTrust(ORGANIZATIONS_SERVICE_PRINCIPAL, { sid: "TrustOrganizationsService" }),
        managedPolicies: args.managedPolicies,
      },
      {
        parent: this,
        // Adoption must never replace or delete the live role: import by name, protect, retain.
        adopt: adopting,
        protect: true,
        // The provider's default tags are not on the existing role; an import with a tag diff fails.
        ...(adopting ? { ignoreChanges: ["tags", "tagsAll"] } : {}),
      },
    );
    this.role = role.role;
    this.attachments = role.attachments;
    this.arn = role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
