import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, PolicyDocument, serviceTrust, toJson } from "../iam";
import { shortHash } from "../naming";
import { CLOUDTRAIL_API_CALL } from "./alert-hub";
import { allowedCallers, checkedPattern, unexpectedAssumptionPattern } from "./pattern";

/** One role whose assumptions the account watches. */
export interface WatchedRole {
  readonly roleName: string;
  /** The role's trust policy as the program built it (Outputs allowed: resolved before the pattern is). */
  readonly trust: PolicyDocument;
}

export interface AssumeRoleDetectionArgs {
  /** The account the rules run in (the roles' account: AssumeRole is recorded there). */
  readonly accountId: string;
  readonly roles: readonly WatchedRole[];
  /** Regions to watch: STS records a call in the region of the endpoint it reached (us-east-1 for the global one). */
  readonly regions: readonly string[];
  /** The security account's event bus. */
  readonly eventBusArn: string;
  /** IAM name of the role EventBridge uses to put events on that bus. */
  readonly forwarderRoleName: string;
  /** EventBridge's event pattern quota in this account. */
  readonly maxPatternCharacters: number;
}

/** `org-access-assume-<role>`, within EventBridge's 64 characters (a hash keeps long names apart). */
export function detectionRuleName(roleName: string): string {
  const full = `org-access-assume-${roleName}`;
  return full.length <= 64 ? full : `org-access-assume-${roleName.slice(0, 37)}-${shortHash(roleName)}`;
}

/** A pattern no event matches: for a trust that lets anyone in, where nothing is unexpected. */
const NEVER = JSON.stringify({
  source: ["aws.sts"],
  "detail-type": [CLOUDTRAIL_API_CALL],
  detail: { eventName: ["(trust allows anyone)"] },
});

/** The forwarder role's permission: put events on the security account's bus, nothing else. */
export function forwarderPolicy(eventBusArn: unknown): PolicyDocument {
  return policyDocument([
    {
      Sid: "ForwardToSecurityBus",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: eventBusArn as string,
    },
  ]);
}

/**
 * Detection in one account: for each role, in each watched region, a rule on the default event bus
 * matching assumptions by callers the role's trust does not allow, forwarded to the security
 * account's bus through a role that may only put events there.
 */
export class AssumeRoleDetection extends pulumi.ComponentResource {
  public readonly forwarder: aws.iam.Role;
  public readonly rules: aws.cloudwatch.EventRule[] = [];

  constructor(name: string, args: AssumeRoleDetectionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:observability:AssumeRoleDetection", name, {}, opts);
    if (opts.provider === undefined && opts.parent === undefined) {
      throw new pulumi.ResourceError(
        `AssumeRoleDetection \`${name}\` needs the account's \`provider\`; default providers are disabled`,
        this,
      );
    }
    if (args.regions.length === 0)
      throw new pulumi.ResourceError(`\`regions\` of \`${name}\` is empty`, this);
    const parent = { parent: this };
    this.forwarder = new aws.iam.Role(
      `${name}-forwarder`,
      {
        name: args.forwarderRoleName,
        description: "EventBridge forwards unexpected role assumptions to the security account (org-access)",
        assumeRolePolicy: toJson(
          serviceTrust("events.amazonaws.com", { sid: "EventBridgeRules", sourceAccount: args.accountId }),
        ),
        maxSessionDuration: 3600,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-forwarder-policy`,
      {
        role: this.forwarder.name,
        name: "ForwardToSecurityBus",
        policy: toJson(forwarderPolicy(args.eventBusArn)),
      },
      parent,
    );
    for (const role of [...args.roles].sort((a, b) => a.roleName.localeCompare(b.roleName))) {
      const roleArn = `arn:aws:iam::${args.accountId}:role/${role.roleName}`;
      // Trusts may hold Outputs (an OIDC provider's ARN): the pattern is built once they resolve.
      const pattern = pulumi.output(role.trust).apply((trust) => {
        const p = unexpectedAssumptionPattern(roleArn, allowedCallers(trust));
        return p === undefined ? undefined : checkedPattern(role.roleName, p, args.maxPatternCharacters);
      });
      for (const region of args.regions) {
        const id = `${name}-${shortHash(`${role.roleName}|${region}`)}`;
        const rule = new aws.cloudwatch.EventRule(
          `${id}-rule`,
          {
            name: detectionRuleName(role.roleName),
            description: `Assumptions of ${role.roleName} by callers its trust policy does not allow (org-access)`,
            eventPattern: pattern.apply((p) => p ?? NEVER),
            region,
          },
          parent,
        );
        new aws.cloudwatch.EventTarget(
          `${id}-target`,
          {
            rule: rule.name,
            targetId: "security-bus",
            arn: args.eventBusArn,
            roleArn: this.forwarder.arn,
            region,
          },
          parent,
        );
        this.rules.push(rule);
      }
    }
    this.registerOutputs({ forwarderArn: this.forwarder.arn });
  }
}
