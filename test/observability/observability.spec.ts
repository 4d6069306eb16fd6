import * as assert from "assert";
import {
  githubOidcTrust,
  managementRootTrust,
  roleTrust,
  serviceTrust,
  externalIdTrust,
} from "../../components/iam/trust";
import { detectionTemplate } from "../../components/observability/detection-stackset";
import { allowedCallers, unexpectedAssumptionPattern } from "../../components/observability/pattern";
import {
  exampleValue,
  jsonInput,
  ofType,
  ProgramRun,
  RecordedResource,
  runExample,
  single,
} from "../harness";
import { ID, issuesOf, ORG_ID } from "../cicd/helpers";

// Sources, encoded below:
// - AssumeRole is recorded in the caller's account and in the role's; the role's account names a
//   cross-account caller by type AWSAccount with accountId and principalId only (IAM user guide,
//   "Logging IAM and AWS STS API calls with AWS CloudTrail", cross-account example).
// - CloudTrail delivers API calls to the resource owner's default bus too (EventBridge user guide,
//   "Events from AWS services"); STS events reach the region of the endpoint called, us-east-1 for
//   the global endpoint (CloudTrail user guide, "AWS STS and CloudTrail", "Global service events").
// - Event pattern size: 2048 characters by default, 4096 with a quota increase (@pulumi/aws
//   cloudwatch.EventRule eventPattern; terraform-provider-aws #33732, #34270).
// - anything-but with a list of strings; $or (EventBridge user guide, content filtering).
// - A rule whose target is another account's bus needs a role when permission comes from the
//   organization (EventBridge user guide, "Sending and receiving events between AWS accounts").

const BUS = `arn:aws:events:us-east-1:${ID.security}:event-bus/org-access-assume-role-alerts`;
const HEAD = {
  source: ["aws.sts"],
  "detail-type": ["AWS API Call via CloudTrail"],
};
const AWS_TYPES = ["AWSAccount", "IAMUser", "AssumedRole", "Root", "FederatedUser"];

/** The rules watching a role: their pattern lists its ARN (roles with the same allowed callers share one). */
function rulesFor(run: ProgramRun, roleName: string, account: string): RecordedResource[] {
  const arn = `arn:aws:iam::${account}:role/${roleName}`;
  return ofType(run, "aws:cloudwatch/eventRule:EventRule").filter((r) => {
    const pattern = JSON.parse(r.inputs.eventPattern as string) as {
      detail?: { requestParameters?: { roleArn?: string[] } };
    };
    return r.account === account && (pattern.detail?.requestParameters?.roleArn ?? []).includes(arn);
  });
}

describe("assumption alerts: patterns from trust policies", () => {
  it("reads who a trust lets in, as the role's account sees callers", () => {
    assert.deepStrictEqual(
      allowedCallers(
        roleTrust({
          sid: "T",
          roleArns: [`arn:aws:iam::${ID.tooling}:role/ci-prod`],
          organizationId: ORG_ID,
        }),
      ),
      { accounts: [ID.tooling], services: [], webIdentity: [], samlProviders: [], anyone: false },
    );
    assert.deepStrictEqual(allowedCallers(managementRootTrust(ID.management)).accounts, [ID.management]);
    assert.deepStrictEqual(allowedCallers(serviceTrust("organizations.amazonaws.com")).services, [
      "organizations.amazonaws.com",
    ]);
    assert.deepStrictEqual(
      allowedCallers(externalIdTrust({ sid: "V", vendorAccountId: "314159265358", externalId: "x-123" }))
        .accounts,
      ["314159265358"],
    );
    const provider = `arn:aws:iam::${ID.tooling}:oidc-provider/token.actions.githubusercontent.com`;
    assert.deepStrictEqual(
      allowedCallers(
        githubOidcTrust({
          sid: "G",
          providerArn: provider,
          subjects: ["repo:o/b:ref:refs/heads/main", "repo:o/a:environment:prod"],
        }),
      ).webIdentity,
      [
        {
          provider,
          host: "token.actions.githubusercontent.com",
          subjects: ["repo:o/a:environment:prod", "repo:o/b:ref:refs/heads/main"],
        },
      ],
    );
  });

  it("matches every caller type the trust does not allow, with anything-but lists", () => {
    const provider = `arn:aws:iam::${ID.tooling}:oidc-provider/token.actions.githubusercontent.com`;
    const trust = {
      Version: "2012-10-17",
      Statement: [
        ...(roleTrust({ sid: "R", roleArns: [`arn:aws:iam::${ID.security}:role/a`], organizationId: ORG_ID })
          .Statement as object[]),
        ...(githubOidcTrust({ sid: "G", providerArn: provider, subjects: ["repo:o/a:environment:prod"] })
          .Statement as object[]),
        {
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::${ID.prod}:saml-provider/okta` },
          Action: "sts:AssumeRoleWithSAML",
        },
      ],
    };
    assert.deepStrictEqual(unexpectedAssumptionPattern("arn:aws:iam::1:role/x", allowedCallers(trust)), {
      ...HEAD,
      detail: {
        eventSource: ["sts.amazonaws.com"],
        eventName: ["AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"],
        requestParameters: { roleArn: ["arn:aws:iam::1:role/x"] },
        $or: [
          { userIdentity: { type: AWS_TYPES, accountId: [{ "anything-but": [ID.security] }] } },
          { userIdentity: { type: ["AWSService"] } },
          {
            userIdentity: { type: ["SAMLUser"] },
            requestParameters: {
              principalArn: [{ "anything-but": [`arn:aws:iam::${ID.prod}:saml-provider/okta`] }],
            },
          },
          {
            userIdentity: {
              type: ["WebIdentityUser"],
              userName: [{ "anything-but": ["repo:o/a:environment:prod"] }],
            },
          },
        ],
      },
    });
    // A trust that lets anyone in has nothing unexpected to match.
    assert.strictEqual(
      unexpectedAssumptionPattern(
        "x",
        allowedCallers({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] }),
      ),
      undefined,
    );
  });

  it("builds StackSet rules with the deploying account's role ARN, and refuses a pattern over the quota", () => {
    const template = detectionTemplate({
      roles: [{ roleName: "OrganizationAccountAccessRole", trust: managementRootTrust(ID.management) }],
      region: "eu-west-1",
      eventBusArn: BUS,
      forwarderRoleName: "fwd",
      maxPatternCharacters: 2048,
    });
    const resources = template.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    assert.deepStrictEqual(Object.keys(resources), ["Forwarder", "Rule0"]);
    assert.strictEqual(resources.Forwarder.Properties.RoleName, "fwd-eu-west-1");
    const pattern = resources.Rule0.Properties.EventPattern as { detail: { requestParameters: unknown } };
    assert.deepStrictEqual(pattern.detail.requestParameters, {
      roleArn: [
        { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/OrganizationAccountAccessRole" },
      ],
    });
    assert.deepStrictEqual(resources.Rule0.Properties.Targets, [
      { Id: "security-bus", Arn: BUS, RoleArn: { "Fn::GetAtt": ["Forwarder", "Arn"] } },
    ]);
    const many = Array.from({ length: 200 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:root`);
    assert.throws(
      () =>
        detectionTemplate({
          roles: [
            {
              roleName: "wide",
              trust: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: many }, Action: "sts:AssumeRole" }],
              },
            },
          ],
          region: "us-east-1",
          eventBusArn: BUS,
          forwarderRoleName: "fwd",
          maxPatternCharacters: 2048,
        }),
      /^Error: the assumption alert pattern of role wide is \d+ characters and EventBridge accepts 2048 \(org-access:observability.maxPatternCharacters\); its trust names too many callers for one rule: raise the EventBridge "event pattern size" quota to 4096 and set maxPatternCharacters, or trust fewer accounts or subjects$/,
    );
  });
});

describe("assumption alerts in the example stacks", () => {
  let management: ProgramRun;
  let security: ProgramRun;
  let otherVendor: ProgramRun;
  before(async () => {
    const observability = {
      ...exampleValue<Record<string, unknown>>("management", "observability"),
      regions: ["us-east-1", "eu-west-1"],
    };
    management = await runExample("management", { observability });
    security = await runExample("security");
    otherVendor = await runExample("management", {
      vendors: [
        {
          name: "observability",
          accountId: "161803398874",
          externalId: "vendor-tenant-42",
          managedPolicies: ["job-function/ViewOnlyAccess"],
          organizationalUnits: ["workloads"],
        },
      ],
    });
  });

  it("creates the hub in the security account: a bus only the organization's accounts may put STS events on, and an SNS topic", () => {
    const bus = single(security, "aws:cloudwatch/eventBus:EventBus", "observability-hub-bus");
    assert.strictEqual(bus.account, ID.security);
    assert.strictEqual(bus.inputs.name, "org-access-assume-role-alerts");
    const policy = jsonInput<{ Statement: object[] }>(
      single(security, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "observability-hub-bus-policy"),
      "policy",
    );
    assert.deepStrictEqual(policy.Statement, [
      {
        Sid: "OrganizationRulesForwardAssumeRoleEvents",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: policy.Statement.length === 1 ? (policy.Statement[0] as { Resource: string }).Resource : "",
        Condition: {
          StringEquals: {
            "aws:PrincipalOrgID": ORG_ID,
            "events:source": "aws.sts",
            "events:detail-type": "AWS API Call via CloudTrail",
          },
        },
      },
    ]);
    const rule = single(security, "aws:cloudwatch/eventRule:EventRule", "observability-hub-rule");
    assert.deepStrictEqual(JSON.parse(rule.inputs.eventPattern as string), {
      ...HEAD,
      account: Object.values(ID).sort(),
    });
    const subscription = single(
      security,
      "aws:sns/topicSubscription:TopicSubscription",
      "observability-hub-secops-example-com",
    );
    assert.deepStrictEqual(
      [subscription.inputs.protocol, subscription.inputs.endpoint],
      ["email", "secops@example.com"],
    );
    const topicPolicy = jsonInput<{ Statement: { Principal: unknown; Action: string }[] }>(
      single(security, "aws:sns/topicPolicy:TopicPolicy", "observability-hub-topic-policy"),
      "policy",
    );
    assert.deepStrictEqual(
      [topicPolicy.Statement[0].Principal, topicPolicy.Statement[0].Action],
      [{ Service: "events.amazonaws.com" }, "sns:Publish"],
    );
    // The management stack does not create a second hub.
    assert.deepStrictEqual(ofType(management, "aws:cloudwatch/eventBus:EventBus"), []);
  });

  it("watches each provider-created role in its own account, in every configured region, forwarding to the bus", () => {
    const rules = rulesFor(management, "deployment-role-prod", ID.prod);
    assert.deepStrictEqual(rules.map((r) => r.inputs.region).sort(), ["eu-west-1", "us-east-1"]);
    for (const rule of rules) {
      assert.deepStrictEqual(JSON.parse(rule.inputs.eventPattern as string), {
        ...HEAD,
        detail: {
          eventSource: ["sts.amazonaws.com"],
          eventName: ["AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"],
          requestParameters: { roleArn: [`arn:aws:iam::${ID.prod}:role/deployment-role-prod`] },
          $or: [
            { userIdentity: { type: AWS_TYPES, accountId: [{ "anything-but": [ID.tooling] }] } },
            { userIdentity: { type: ["AWSService"] } },
            { userIdentity: { type: ["SAMLUser"] } },
            { userIdentity: { type: ["WebIdentityUser"] } },
          ],
        },
      });
    }
    const targets = ofType(management, "aws:cloudwatch/eventTarget:EventTarget").filter(
      (t) => t.account === ID.prod && t.inputs.targetId === "security-bus",
    );
    assert.ok(targets.length >= 2);
    for (const t of targets) assert.strictEqual(t.inputs.arn, BUS);
    const ci = JSON.parse(rulesFor(management, "ci-prod", ID.tooling)[0].inputs.eventPattern as string) as {
      detail: { $or: unknown[] };
    };
    assert.deepStrictEqual(ci.detail.$or[3], {
      userIdentity: {
        type: ["WebIdentityUser"],
        userName: [
          {
            "anything-but": [
              "repo:example-org/app:environment:prod",
              "repo:example-org@1234567/payments@7654321:environment:prod",
            ],
          },
        ],
      },
    });
    const organizations = JSON.parse(
      rulesFor(management, "OrganizationAccountAccessRole", ID.management)[0].inputs.eventPattern as string,
    ) as {
      detail: { $or: unknown[] };
    };
    assert.deepStrictEqual(organizations.detail.$or[1], {
      userIdentity: {
        type: ["AWSService"],
        invokedBy: [{ "anything-but": ["organizations.amazonaws.com"] }],
      },
    });
    const forwarder = single(management, "aws:iam/role:Role", "observability-prod-forwarder");
    assert.strictEqual(forwarder.account, ID.prod);
    assert.deepStrictEqual(jsonInput(forwarder, "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EventBridgeRules",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ID.prod } },
        },
      ],
    });
    assert.deepStrictEqual(
      jsonInput(
        single(management, "aws:iam/rolePolicy:RolePolicy", "observability-prod-forwarder-policy"),
        "policy",
      ),
      {
        Version: "2012-10-17",
        Statement: [
          { Sid: "ForwardToSecurityBus", Effect: "Allow", Action: "events:PutEvents", Resource: BUS },
        ],
      },
    );
  });

  it("rolls detection out by StackSet, per region, to the targets of each role StackSet", () => {
    const stacksets = ofType(management, "aws:cloudformation/stackSet:StackSet").map((s) => [
      s.inputs.name,
      s.inputs.region,
    ]);
    assert.deepStrictEqual(stacksets.filter(([n]) => String(n).includes("-alerts-")).sort(), [
      ["org-access-OrganizationAccountAccessRole-alerts-eu-west-1", "eu-west-1"],
      ["org-access-OrganizationAccountAccessRole-alerts-us-east-1", "us-east-1"],
      ["org-access-preview-member-alerts-eu-west-1", "eu-west-1"],
      ["org-access-preview-member-alerts-us-east-1", "us-east-1"],
    ]);
    const roleInstance = ofType(management, "aws:cloudformation/stackSetInstance:StackSetInstance").find(
      (i) => i.name === "organization-access-member-role-roles-ou-workloads",
    );
    const alertInstance = ofType(management, "aws:cloudformation/stackSetInstance:StackSetInstance").find(
      (i) => i.name === "observability-org-access-OrganizationAccountAccessRole-us-east-1-ou-workloads",
    );
    assert.ok(roleInstance && alertInstance);
    assert.deepStrictEqual(alertInstance.inputs.deploymentTargets, roleInstance.inputs.deploymentTargets);
    const securityStacksets = ofType(security, "aws:cloudformation/stackSet:StackSet").filter((s) =>
      String(s.inputs.name).includes("-alerts-"),
    );
    // The security stack watches us-east-1 only (its example config); its StackSets run as delegated admin.
    // The targets with a permissions boundary get it through their own StackSet, as the roles do.
    assert.deepStrictEqual(
      securityStacksets.map((s) => [s.inputs.name, s.inputs.callAs, s.inputs.parameters]).sort(),
      [
        [
          "org-access-ComplianceAccessRole-alerts-us-east-1",
          "DELEGATED_ADMIN",
          { PermissionsBoundaryPolicyName: "" },
        ],
        [
          "org-access-ComplianceAccessRole-alerts-us-east-1-bounded",
          "DELEGATED_ADMIN",
          { PermissionsBoundaryPolicyName: "org-access-boundary" },
        ],
        [
          "org-access-SecurityAccessRole-alerts-us-east-1",
          "DELEGATED_ADMIN",
          { PermissionsBoundaryPolicyName: "" },
        ],
        [
          "org-access-SecurityAccessRole-alerts-us-east-1-bounded",
          "DELEGATED_ADMIN",
          { PermissionsBoundaryPolicyName: "org-access-boundary" },
        ],
      ],
    );
    // The forwarder of a bounded OU's accounts: the bounded StackSet's instance, with no override of its own.
    const bounded = ofType(security, "aws:cloudformation/stackSetInstance:StackSetInstance").find(
      (i) => i.name === "observability-org-access-SecurityAccessRole-us-east-1-bounded-ou-workloads",
    );
    assert.deepStrictEqual(
      [bounded?.inputs.stackSetName, bounded?.inputs.parameterOverrides],
      ["org-access-SecurityAccessRole-alerts-us-east-1-bounded", undefined],
    );
  });

  it("gives roles with the same allowed callers one rule, listing their ARNs", () => {
    const [rule] = rulesFor(management, "SecurityAccessRole", ID.prod).filter(
      (r) => r.inputs.region === "us-east-1",
    );
    const pattern = JSON.parse(rule.inputs.eventPattern as string) as {
      detail: { requestParameters: { roleArn: string[] }; $or: unknown[] };
    };
    assert.deepStrictEqual(
      pattern.detail.requestParameters.roleArn,
      ["AuditReadRole", "ComplianceAccessRole", "it-admin-access", "SecurityAccessRole"].map(
        (n) => `arn:aws:iam::${ID.prod}:role/${n}`,
      ),
    );
    assert.deepStrictEqual(pattern.detail.$or[0], {
      userIdentity: { type: AWS_TYPES, accountId: [{ "anything-but": [ID.security] }] },
    });
    assert.match(String(rule.inputs.name), /^org-access-assume-AuditReadRole-and-3-[0-9a-f]{8}$/);
  });

  it("follows a config change: another vendor account changes that role's alert", () => {
    const before = JSON.parse(
      rulesFor(management, "vendor-observability", ID.prod)[0].inputs.eventPattern as string,
    ) as { detail: { $or: unknown[] } };
    const after = JSON.parse(
      rulesFor(otherVendor, "vendor-observability", ID.prod)[0].inputs.eventPattern as string,
    ) as { detail: { $or: unknown[] } };
    assert.deepStrictEqual(before.detail.$or[0], {
      userIdentity: { type: AWS_TYPES, accountId: [{ "anything-but": ["314159265358"] }] },
    });
    assert.deepStrictEqual(after.detail.$or[0], {
      userIdentity: { type: AWS_TYPES, accountId: [{ "anything-but": ["161803398874"] }] },
    });
  });
});

describe("assumption alerts: config", () => {
  it("reports every problem at once, naming the key, the value and the fix", () => {
    assert.deepStrictEqual(
      issuesOf({
        observability: {
          organizationTrail: "org-trail",
          securityAccount: "secops",
          regions: ["eu-west-1", "eu-west-1"],
          alertEmails: ["secops@example.com"],
          maxPatternCharacters: 8000,
        },
      }),
      [
        "org-access:observability.organizationTrail: expected a trail ARN such as arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
        'org-access:observability.regions: ["eu-west-1","eu-west-1"] leaves out us-east-1: AssumeRole calls to STS\'s global endpoint are recorded there; add us-east-1',
        "org-access:observability.regions[1]: eu-west-1 is listed twice",
        "org-access:observability.maxPatternCharacters: 8000 is outside EventBridge's quota: 2048 by default, at most 4096 after a quota increase",
        'org-access:observability.securityAccount: unknown account "secops"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
        "org-access:observability: The alert topic's subscriptions (org-access:observability.alertEmails) is deployed by the security stack, and this is a management stack; move this key to Pulumi.security.yaml",
      ],
    );
    assert.deepStrictEqual(
      issuesOf({
        observability: {
          organizationTrail: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
          securityAccount: "secops",
          alertEmails: ["secops@example.com"],
        },
      }),
      [
        'org-access:observability.securityAccount: unknown account "secops"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
        "org-access:observability: The alert topic's subscriptions (org-access:observability.alertEmails) is deployed by the security stack, and this is a management stack; move this key to Pulumi.security.yaml",
      ],
    );
  });
});
