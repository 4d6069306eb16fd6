import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { requireExplicitProvider } from "../../explicit-provider";

/**
 * The IAM features of centralized root access (id_root-enable-root-access.html; the values
 * `aws.iam.OrganizationsFeatures` accepts):
 * - `RootCredentialsManagement`: the management account can delete, audit and recover the root
 *   credentials of member accounts, and new member accounts are created without them;
 * - `RootSessions`: the management account can open a short privileged root session in a member
 *   account (`sts:AssumeRoot`, scoped by an AWS task policy) to unlock a bucket or queue policy.
 */
export const ROOT_ACCESS_FEATURES = ["RootCredentialsManagement", "RootSessions"] as const;
export type RootAccessFeature = (typeof ROOT_ACCESS_FEATURES)[number];

/** IAM's service principal: centralized root access needs its trusted access in Organizations. */
export const IAM_SERVICE_PRINCIPAL = "iam.amazonaws.com";

export interface CentralizedRootAccessArgs {
  /** The features to enable. */
  readonly features: readonly RootAccessFeature[];
  /** Enable IAM's trusted access here; false when the Organization resource lists iam.amazonaws.com. */
  readonly manageServiceAccess: boolean;
}

/**
 * Centralized root access for member accounts, from the management account: IAM's trusted access,
 * then the features. Enabling them removes no existing root credentials: that is a separate,
 * deliberate step per member account (docs/guardrails.md), never something this component does.
 */
export class CentralizedRootAccess extends pulumi.ComponentResource {
  public readonly features: aws.iam.OrganizationsFeatures;
  /** IAM's trusted access, when this component manages it. */
  public readonly serviceAccess?: aws.organizations.AwsServiceAccess;

  constructor(name: string, args: CentralizedRootAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:guardrails:CentralizedRootAccess", name, {}, opts);
    requireExplicitProvider(this, "CentralizedRootAccess", name, opts, "the management account's");
    if (args.features.length === 0) {
      throw new pulumi.ResourceError(
        `CentralizedRootAccess \`${name}\`: \`features\` is empty; list ${ROOT_ACCESS_FEATURES.join(" and/or ")}`,
        this,
      );
    }
    // Disabling IAM's trusted access turns the features off for the whole organization: never on delete.
    this.serviceAccess = args.manageServiceAccess
      ? new aws.organizations.AwsServiceAccess(
          `${name}-iam-access`,
          { servicePrincipal: IAM_SERVICE_PRINCIPAL },
          { parent: this, retainOnDelete: true },
        )
      : undefined;
    this.features = new aws.iam.OrganizationsFeatures(
      `${name}-features`,
      { enabledFeatures: [...args.features] },
      { parent: this, dependsOn: this.serviceAccess === undefined ? [] : [this.serviceAccess] },
    );
    this.registerOutputs({ enabledFeatures: this.features.enabledFeatures });
  }
}
