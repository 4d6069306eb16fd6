import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { requireExplicitProvider } from "../../explicit-provider";

/**
 * Resource types an internal access analyzer can include (API_InternalAccessAnalysisRuleCriteria:
 * "These resource types are currently supported for internal access analyzers").
 */
export const INTERNAL_ACCESS_RESOURCE_TYPES = [
  "AWS::S3::Bucket",
  "AWS::RDS::DBSnapshot",
  "AWS::RDS::DBClusterSnapshot",
  "AWS::S3Express::DirectoryBucket",
  "AWS::DynamoDB::Table",
  "AWS::DynamoDB::Stream",
] as const;
export type InternalAccessResourceType = (typeof INTERNAL_ACCESS_RESOURCE_TYPES)[number];

export interface OrganizationAccessAnalyzersArgs {
  /** The external access analyzer (`ORGANIZATION`): who outside the organization can reach its resources. */
  readonly externalAccess?: { readonly analyzerName: string };
  /** The unused access analyzer (`ORGANIZATION_UNUSED_ACCESS`): roles, keys and permissions left unused. */
  readonly unusedAccess?: {
    readonly analyzerName: string;
    /** Days without use after which access counts as unused (1 to 365). */
    readonly unusedAccessAgeDays: number;
    /** Member accounts (IDs) whose entities generate no finding. */
    readonly excludeAccountIds: readonly string[];
  };
  /** The internal access analyzer (`ORGANIZATION_INTERNAL_ACCESS`): who inside the organization reaches critical resources. */
  readonly internalAccess?: {
    readonly analyzerName: string;
    /** Only these resource types, when set. */
    readonly resourceTypes: readonly InternalAccessResourceType[];
    /** Only resources of these member accounts (IDs), when set. */
    readonly accountIds: readonly string[];
  };
}

/**
 * The organization's IAM Access Analyzer analyzers. They must be created in the management account
 * or in the Access Analyzer delegated administrator, so the provider given is that account's (the
 * security stack's own account in the example); the registration itself is the management stack's.
 */
export class OrganizationAccessAnalyzers extends pulumi.ComponentResource {
  public readonly externalAccess?: aws.accessanalyzer.Analyzer;
  public readonly unusedAccess?: aws.accessanalyzer.Analyzer;
  public readonly internalAccess?: aws.accessanalyzer.Analyzer;

  constructor(
    name: string,
    args: OrganizationAccessAnalyzersArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("org-access:guardrails:OrganizationAccessAnalyzers", name, {}, opts);
    requireExplicitProvider(this, "OrganizationAccessAnalyzers", name, opts, "the delegated administrator's");
    const unused = args.unusedAccess;
    if (unused !== undefined && !(unused.unusedAccessAgeDays >= 1 && unused.unusedAccessAgeDays <= 365)) {
      throw new pulumi.ResourceError(
        `OrganizationAccessAnalyzers \`${name}\`: \`unusedAccess.unusedAccessAgeDays\` is ${unused.unusedAccessAgeDays}; Access Analyzer accepts 1 to 365 days`,
        this,
      );
    }
    if (args.externalAccess !== undefined) {
      this.externalAccess = new aws.accessanalyzer.Analyzer(
        `${name}-external`,
        { analyzerName: args.externalAccess.analyzerName, type: "ORGANIZATION" },
        { parent: this },
      );
    }
    if (unused !== undefined) {
      this.unusedAccess = new aws.accessanalyzer.Analyzer(
        `${name}-unused`,
        {
          analyzerName: unused.analyzerName,
          type: "ORGANIZATION_UNUSED_ACCESS",
          configuration: {
            unusedAccess: {
              unusedAccessAge: unused.unusedAccessAgeDays,
              ...(unused.excludeAccountIds.length === 0
                ? {}
                : { analysisRule: { exclusions: [{ accountIds: [...unused.excludeAccountIds] }] } }),
            },
          },
        },
        { parent: this },
      );
    }
    const internal = args.internalAccess;
    if (internal !== undefined) {
      const criteria = {
        ...(internal.resourceTypes.length === 0 ? {} : { resourceTypes: [...internal.resourceTypes] }),
        ...(internal.accountIds.length === 0 ? {} : { accountIds: [...internal.accountIds] }),
      };
      this.internalAccess = new aws.accessanalyzer.Analyzer(
        `${name}-internal`,
        {
          analyzerName: internal.analyzerName,
          type: "ORGANIZATION_INTERNAL_ACCESS",
          configuration: {
            internalAccess:
              Object.keys(criteria).length === 0 ? {} : { analysisRule: { inclusions: [criteria] } },
          },
        },
        { parent: this },
      );
    }
    this.registerOutputs({
      externalAccess: this.externalAccess?.arn,
      unusedAccess: this.unusedAccess?.arn,
      internalAccess: this.internalAccess?.arn,
    });
  }
}
