import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, toJson } from "../iam/documents";
import { requireExplicitProvider } from "../explicit-provider";

export interface AssumeRoleAlertHubArgs {
  /** Name of the custom event bus the member accounts' rules forward to. */
  readonly eventBusName: string;
  /** Name of the SNS topic alerts go to. */
  readonly topicName: string;
  /** The organization: only its accounts' rules may put events on the bus (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** Accounts whose forwarded events the hub rule accepts (the `account` field of each event). */
  readonly accountIds: readonly string[];
  /** Email addresses subscribed to the topic (each confirms the subscription once). */
  readonly emails?: readonly string[];
}

/** The detail-type CloudTrail gives API calls on EventBridge. */
export const CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail";

/**
 * The security account's end of the assumption alerts: one event bus that accepts forwarded STS
 * events from the organization's accounts only, a rule on it, and the SNS topic it alerts.
 */
export class AssumeRoleAlertHub extends pulumi.ComponentResource {
  public readonly eventBus: aws.cloudwatch.EventBus;
  public readonly topic: aws.sns.Topic;
  public readonly eventBusArn: pulumi.Output<string>;
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AssumeRoleAlertHubArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:observability:AssumeRoleAlertHub", name, {}, opts);
    requireExplicitProvider(this, "AssumeRoleAlertHub", name, opts, "the security account's");
    if (args.accountIds.length === 0) {
      throw new pulumi.ResourceError(`\`accountIds\` of AssumeRoleAlertHub \`${name}\` is empty`, this);
    }
    const parent = { parent: this };
    this.eventBus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: args.eventBusName }, parent);
    new aws.cloudwatch.EventBusPolicy(
      `${name}-bus-policy`,
      {
        eventBusName: this.eventBus.name,
        policy: toJson(
          policyDocument([
            {
              Sid: "OrganizationRulesForwardAssumeRoleEvents",
              Effect: "Allow",
              Principal: "*",
              Action: "events:PutEvents",
              Resource: this.eventBus.arn,
              Condition: {
                StringEquals: {
                  "aws:PrincipalOrgID": args.organizationId,
                  "events:source": "aws.sts",
                  "events:detail-type": CLOUDTRAIL_API_CALL,
                },
              },
            },
          ]),
        ),
      },
      parent,
    );
    this.topic = new aws.sns.Topic(`${name}-topic`, { name: args.topicName }, parent);
    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        name: `${args.eventBusName}-to-sns`,
        description: "Unexpected role assumptions forwarded by the organization's accounts (org-access)",
        eventBusName: this.eventBus.name,
        eventPattern: JSON.stringify({
          source: ["aws.sts"],
          "detail-type": [CLOUDTRAIL_API_CALL],
          account: [...args.accountIds].sort(),
        }),
      },
      parent,
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: this.topic.arn,
        policy: toJson(
          policyDocument([
            {
              Sid: "HubRulePublishes",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: this.topic.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
            },
          ]),
        ),
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      { rule: rule.name, eventBusName: this.eventBus.name, targetId: "alert-topic", arn: this.topic.arn },
      parent,
    );
    for (const email of args.emails ?? []) {
      new aws.sns.TopicSubscription(
        `${name}-${email.replace(/[^a-zA-Z0-9]+/g, "-")}`,
        { topic: this.topic.arn, protocol: "email", endpoint: email },
        parent,
      );
    }
    this.eventBusArn = this.eventBus.arn;
    this.topicArn = this.topic.arn;
    this.registerOutputs({ eventBusArn: this.eventBusArn, topicArn: this.topicArn });
  }
}
