import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccessRole, policyDocument, PolicyDocument, serviceTrust } from "../iam";
import { shortHash } from "../naming";
import { CLOUDTRAIL_API_CALL } from "./alert-hub";
import { allowedCallers, checkedPattern, unexpectedAssumptionPattern } from "./pattern";
import { requireExplicitProvider } from "../explicit-provider";

/** One role whose assumptions the account watches. */
export interface WatchedRole {
  readonly roleName: string;
  /** The role's trust policy as the program built it (Outputs allowed: resolved before the pattern is). */
  readonly trust: PolicyDocument;
}

/** What every detection shares, by provider or by StackSet. */
export interface DetectionSettings {
  readonly roles: readonly WatchedRole[];
  /** Regions to watch: STS records a call in the region of the endpoint it reached (us-east-1 for the global one). */
  readonly regions: readonly string[];
  /** The security account's event bus. */
  readonly eventBusArn: string;
  /** IAM name of the role EventBridge uses to put events on that bus. */
  readonly forwarderRoleName: string;
  /** EventBridge's event pattern quota in the accounts. */
  readonly maxPatternCharacters: number;
}

export interface AssumeRoleDetectionArgs extends DetectionSettings {
  /** The account the rules run in (the roles' account: AssumeRole is recorded there). */
  readonly accountId: string;
  /** The account's permissions boundary for custom roles, which the forwarder carries too. */
  readonly permissionsBoundary?: pulumi.Input<string>;
}

/**
 * `org-access-assume-<role>` for one role, `org-access-assume-<first>-and-<n>-<hash>` for roles that
 * share a rule; within EventBridge's 64 characters.
 */
export function detectionRuleName(roleNames: readonly string[]): string {
  const sorted = [...roleNames].sort();
  if (sorted.length === 1) {
    const full = `org-access-assume-${sorted[0]}`;
    return full.length <= 64 ? full : `org-access-assume-${sorted[0].slice(0, 37)}-${shortHash(sorted[0])}`;
  }
  const suffix = `-and-${sorted.length - 1}-${shortHash(sorted.join(","))}`;
  return `org-access-assume-${sorted[0].slice(0, 64 - 18 - suffix.length)}${suffix}`;
}

/**
 * Roles whose trusts allow exactly the same callers share one rule (its pattern lists their ARNs):
 * the alert is the same, with fewer rules and resources. A trust that holds Outputs gets its own.
 */
export function ruleGroups(roles: readonly WatchedRole[]): WatchedRole[][] {
  const groups = new Map<string, WatchedRole[]>();
  for (const role of [...roles].sort((a, b) => a.roleName.localeCompare(b.roleName))) {
    const key = holdsOutputs(role.trust)
      ? `own:${role.roleName}`
      : JSON.stringify(allowedCallers(role.trust));
    groups.set(key, [...(groups.get(key) ?? []), role]);
  }
  return [...groups.values()];
}

function holdsOutputs(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value as Record<string, unknown>).some(holdsOutputs);
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
    requireExplicitProvider(this, "AssumeRoleDetection", name, opts, "the account's");
    if (args.regions.length === 0)
      throw new pulumi.ResourceError(`\`regions\` of \`${name}\` is empty`, this);
    const parent = { parent: this };
    const forwarder = new AccessRole(
      name,
      {
        roleName: args.forwarderRoleName,
        description: "EventBridge forwards unexpected role assumptions to the security account (org-access)",
        trustPolicy: serviceTrust("events.amazonaws.com", {
          sid: "EventBridgeRules",
          sourceAccount: args.accountId,
        }),
        permissionsBoundary: args.permissionsBoundary,
        rolePolicies: { ForwardToSecurityBus: forwarderPolicy(args.eventBusArn) },
      },
      {
        parent: this,
        // The forwarder is assumed by EventBridge only; the alerts watch the roles they forward for.
        watched: false,
        resourceNames: {
          role: `${name}-forwarder`,
          rolePolicies: { ForwardToSecurityBus: `${name}-forwarder-policy` },
        },
      },
    );
    this.forwarder = forwarder.role;
    for (const group of ruleGroups(args.roles)) {
      const roleArns = group.map((r) => `arn:aws:iam::${args.accountId}:role/${r.roleName}`);
      const names = group.map((r) => r.roleName);
      // Trusts may hold Outputs (an OIDC provider's ARN): the pattern is built once they resolve.
      const pattern = pulumi.output(group[0].trust).apply((trust) => {
        const p = unexpectedAssumptionPattern(roleArns, allowedCallers(trust));
        return p === undefined ? undefined : checkedPattern(names.join(", "), p, args.maxPatternCharacters);
      });
      for (const region of args.regions) {
        const id = `${name}-${shortHash(`${names.join(",")}|${region}`)}`;
        const rule = new aws.cloudwatch.EventRule(
          `${id}-rule`,
          {
            name: detectionRuleName(names),
            description:
              `Assumptions of ${names.join(", ")} by callers their trust policies do not allow (org-access)`.slice(
                0,
                512,
              ),
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
