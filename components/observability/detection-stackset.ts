import * as pulumi from "@pulumi/pulumi";
import {
  boundaryParameterSections,
  CfnResource,
  CfnTemplate,
  PARAMETERISED_BOUNDARY,
  parameterDefaults,
  renderTemplate,
} from "../cloudformation/template";
import { serviceManagedStackSet, StackSetRollout } from "../cloudformation/service-managed-stackset";
import { serviceTrust } from "../iam";
import { DetectionSettings, detectionRuleName, forwarderPolicy } from "./detection";
import { allowedCallers, checkedPattern, unexpectedAssumptionPattern } from "./pattern";
import { requireExplicitProvider } from "../explicit-provider";
import { shortHash } from "../naming";
import { detectionStackSetNames } from "../cloudformation/stackset-names";

export interface AssumeRoleDetectionStackSetArgs
  extends
    DetectionSettings,
    Pick<
      StackSetRollout,
      | "organizationalUnits"
      | "accounts"
      | "managementAccountId"
      | "callAs"
      | "autoDeployment"
      | "operationPreferences"
    > {
  /** The watched roles' StackSet; one detection StackSet per watched region is named after it. */
  readonly roleStackSetName: string;
}

/** A detection StackSet's forwarder role name: the configured name, the region and the role StackSet's tag. */
export function forwarderStackSetRoleName(
  forwarderRoleName: string,
  region: string,
  suffix?: string,
): string {
  return [forwarderRoleName, region, ...(suffix === undefined ? [] : [suffix])].join("-");
}

/** Characters a detection StackSet adds to the forwarder name: the longest region and the tag. */
export const FORWARDER_NAME_SUFFIX_LENGTH = "-ap-southeast-1".length + 1 + 6;

/** The longest form a role ARN takes in a target account, to measure a pattern before deployment. */
const MEASURE_ARN_ACCOUNT = "arn:aws-us-gov:iam::000000000000:role/";

/** The detection template for one region: the forwarder role (per region: IAM names are global) and one rule per role. */
export function detectionTemplate(
  args: Omit<DetectionSettings, "regions"> & {
    readonly region: string;
    /** Whether targets pass a permissions boundary for the forwarder (template parameter). */
    readonly boundaryFromParameter?: boolean;
    /**
     * Tells apart the forwarders of the detection StackSets that reach the same account (one per role
     * StackSet): IAM role names are unique in an account, so a second stack instance creating the same
     * name fails with EntityAlreadyExists (IAM API Reference, CreateRole "Errors").
     */
    readonly forwarderSuffix?: string;
  },
): CfnTemplate {
  const resources: Record<string, CfnResource> = {
    Forwarder: {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: forwarderStackSetRoleName(args.forwarderRoleName, args.region, args.forwarderSuffix),
        Description: "EventBridge forwards unexpected role assumptions to the security account (org-access)",
        // The deploying account, which CloudFormation fills in.
        AssumeRolePolicyDocument: serviceTrust("events.amazonaws.com", {
          sid: "EventBridgeRules",
          sourceAccount: { Ref: "AWS::AccountId" } as unknown as string,
        }) as never,
        MaxSessionDuration: 3600,
        ...(args.boundaryFromParameter === true ? { PermissionsBoundary: PARAMETERISED_BOUNDARY } : {}),
        Policies: [
          { PolicyName: "ForwardToSecurityBus", PolicyDocument: forwarderPolicy(args.eventBusArn) as never },
        ],
      },
    },
  };
  for (const [i, role] of [...args.roles].sort((a, b) => a.roleName.localeCompare(b.roleName)).entries()) {
    const roleArn = { "Fn::Sub": `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${role.roleName}` };
    const pattern = unexpectedAssumptionPattern(roleArn, allowedCallers(role.trust));
    if (pattern === undefined) continue;
    checkedPattern(
      role.roleName,
      pattern,
      args.maxPatternCharacters,
      `${MEASURE_ARN_ACCOUNT}${role.roleName}`,
    );
    resources[`Rule${i}`] = {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: detectionRuleName([role.roleName]),
        Description: `Assumptions of ${role.roleName} by callers its trust policy does not allow (org-access)`,
        EventPattern: pattern as never,
        State: "ENABLED",
        Targets: [
          { Id: "security-bus", Arn: args.eventBusArn, RoleArn: { "Fn::GetAtt": ["Forwarder", "Arn"] } },
        ],
      },
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    ...(args.boundaryFromParameter === true ? boundaryParameterSections() : {}),
    Description: `org-access: alerts on unexpected assumptions of ${args.roles.map((r) => r.roleName).join(", ")} (${args.region})`,
    Resources: resources,
  } as CfnTemplate;
}

/**
 * Detection for roles rolled out by StackSet: the same rules as {@link AssumeRoleDetection}, in a
 * service-managed StackSet per region with the role StackSets' targets, so every account that gets
 * the roles (auto-deployment included) gets their alerts. Trusts must be plain (templates hold no Outputs).
 */
export class AssumeRoleDetectionStackSet extends pulumi.ComponentResource {
  public readonly templates: Record<string, string> = {};

  constructor(
    name: string,
    args: AssumeRoleDetectionStackSetArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("org-access:observability:AssumeRoleDetectionStackSet", name, {}, opts);
    requireExplicitProvider(this, "AssumeRoleDetectionStackSet", name, opts, "the administering account's");
    const bounded = [...(args.organizationalUnits ?? []), ...(args.accounts ?? [])].some(
      (t) => t.permissionsBoundaryPolicyName !== undefined,
    );
    const names = detectionStackSetNames(args.roleStackSetName, args.regions);
    args.regions.forEach((region, i) => {
      const template = detectionTemplate({
        ...args,
        region,
        boundaryFromParameter: bounded,
        forwarderSuffix: shortHash(args.roleStackSetName, 6),
      });
      const templateBody = renderTemplate(template);
      this.templates[region] = templateBody;
      serviceManagedStackSet(
        `${name}-${region}`,
        "AssumeRoleDetectionStackSet",
        {
          stackSetName: names[i],
          description: "org-access: alerts on role assumptions the trust policies do not allow",
          organizationalUnits: args.organizationalUnits,
          accounts: args.accounts,
          managementAccountId: args.managementAccountId,
          callAs: args.callAs,
          region,
          autoDeployment: args.autoDeployment,
          operationPreferences: args.operationPreferences,
          templateBody,
          // Every template parameter, set explicitly (a default left unset is a diff on every refresh).
          parameters: parameterDefaults(template),
        },
        this,
      );
    });
    this.registerOutputs({ regions: [...args.regions] });
  }
}
