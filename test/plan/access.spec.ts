import * as assert from "assert";
import { loadConfig } from "../../components/config";
import type { AccessExpectation } from "../../components/config/expectations";
import { accessGraph, evaluate, policyLevels } from "../../tools/plan/access";
import { checkExpectations } from "../../tools/plan/expectations";
import { buildModel, IamModel, ModelRole } from "../../tools/plan/model";
import { analyzeAccess, orgFactsFor } from "../../tools/plan/run";
import { AccessEdge } from "../../tools/plan/types";
import { exampleConfig, exampleValue, runExample } from "../harness";
import { configIssuesOf } from "../organization-access/helpers";

/**
 * The access graph of the example management stack, edge by edge: conditional edges derived from
 * the trusts' conditions, the callers who miss them as their own edges, and every kind of principal.
 */

const SECURITY = "222222222222";
const PROD = "666666666666";
const STAGING = "777777777777";

export interface ExamplePlan {
  model: IamModel;
  edges: AccessEdge[];
  analysis: Awaited<ReturnType<typeof analyzeAccess>>;
}

let cached: Promise<ExamplePlan> | undefined;

/** The example management stack's model and edges, computed once for every spec that needs them. */
export function exampleManagementPlan(): Promise<ExamplePlan> {
  cached ??= (async () => {
    const run = await runExample("management");
    const config = loadConfig(exampleConfig("management")).config;
    const model = buildModel(run.resources, orgFactsFor(config));
    return { model, edges: await accessGraph(model), analysis: await analyzeAccess(model, config) };
  })();
  return cached;
}

const find = (edges: AccessEdge[], principal: string, role: string, variant?: string) => {
  const found = edges.filter((e) => e.principal === principal && e.role === role && e.variant === variant);
  assert.strictEqual(
    found.length,
    1,
    `${principal} -> ${role} (${variant ?? "as presented"}): ${found.length} edges`,
  );
  return found[0];
};

describe("offline plan: access graph of the example management stack", function () {
  this.timeout(300000);
  let plan: ExamplePlan;
  before(async () => {
    plan = await exampleManagementPlan();
  });

  it("allows alice into it-admin-access with MFA at most an hour old from the office network, and denies her without MFA or from another network", () => {
    for (const account of [PROD, STAGING]) {
      const role = `arn:aws:iam::${account}:role/it-admin-access`;
      const alice = find(plan.edges, `arn:aws:iam::${SECURITY}:user/alice`, role);
      assert.strictEqual(alice.decision, "allowed", alice.reason);
      assert.deepStrictEqual(
        alice.conditions?.map((c) => [c.key, c.operator, c.values, c.text, c.sources]),
        [
          [
            "aws:MultiFactorAuthPresent",
            "Bool",
            ["true"],
            "aws:MultiFactorAuthPresent is true",
            ["trust statement TrustIdentityAccountPrincipals"],
          ],
          [
            "aws:MultiFactorAuthAge",
            "NumericLessThan",
            ["3600"],
            "aws:MultiFactorAuthAge < 3600",
            ["trust statement TrustIdentityAccountPrincipals"],
          ],
          [
            "aws:SourceIp",
            "IpAddress",
            ["203.0.113.10/32"],
            "aws:SourceIp in 203.0.113.10/32",
            ["trust statement TrustIdentityAccountPrincipals"],
          ],
        ],
      );
      assert.deepStrictEqual(
        [alice.principalKind, alice.principalName, alice.via],
        ["user", "user alice (security)", "trust"],
      );
      const noMfa = find(plan.edges, `arn:aws:iam::${SECURITY}:user/alice`, role, "without MFA");
      assert.deepStrictEqual(
        [noMfa.decision, noMfa.reason],
        [
          "denied",
          "denied: no trust policy statement allows it (trust condition not met: aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge); identity side outside this stack",
        ],
      );
      const elsewhere = find(plan.edges, `arn:aws:iam::${SECURITY}:user/alice`, role, "from another network");
      assert.deepStrictEqual(
        [elsewhere.decision, elsewhere.reason],
        [
          "denied",
          "denied: no trust policy statement allows it (trust condition not met: aws:SourceIp); identity side outside this stack",
        ],
      );
      const bob = find(plan.edges, `arn:aws:iam::${SECURITY}:user/bob`, role);
      assert.strictEqual(bob.decision, "allowed");
      assert.deepStrictEqual(
        plan.edges
          .filter((e) => e.role === role)
          .map((e) => [e.principal.split("/").pop(), e.variant, e.decision]),
        [
          ["alice", undefined, "allowed"],
          ["alice", "from another network", "denied"],
          ["alice", "without MFA", "denied"],
          ["bob", undefined, "allowed"],
          ["bob", "from another network", "denied"],
          ["bob", "without MFA", "denied"],
        ],
      );
    }
  });

  it("allows ECS tasks into app-upload-role when the request comes from prod (aws:SourceAccount) for the organization (aws:SourceOrgID, the data perimeter's confused-deputy statement)", () => {
    const ecs = find(
      plan.edges,
      "service ecs-tasks.amazonaws.com",
      `arn:aws:iam::${PROD}:role/app-upload-role`,
    );
    assert.deepStrictEqual(
      [ecs.decision, ecs.reason, ecs.principalKind, ecs.conditions?.map((c) => [c.text, c.sources])],
      [
        "allowed",
        "allowed by trust statement TrustWorkloadService; if aws:SourceAccount is 666666666666 and aws:SourceOrgID is o-a1b2c3d4e5",
        "service",
        [
          ["aws:SourceAccount is 666666666666", ["trust statement TrustWorkloadService"]],
          [
            "aws:SourceOrgID is o-a1b2c3d4e5",
            ["rcp org-access-data-perimeter statement EnforceConfusedDeputyProtection"],
          ],
        ],
      ],
    );
  });

  it("shows vendors by name, allowed with their ExternalId and denied without it", () => {
    const role = `arn:aws:iam::${PROD}:role/vendor-observability`;
    const vendor = find(plan.edges, "arn:aws:iam::314159265358:root", role);
    assert.deepStrictEqual(
      [vendor.principalKind, vendor.principalName, vendor.decision, vendor.conditions?.map((c) => c.key)],
      ["vendor", "vendor observability", "allowed", ["sts:ExternalId"]],
    );
    const without = find(plan.edges, "arn:aws:iam::314159265358:root", role, "without ExternalId");
    assert.strictEqual(without.decision, "denied");
    const scanner = find(
      plan.edges,
      "arn:aws:iam::271828182845:role/scanner-assume",
      `arn:aws:iam::${STAGING}:role/vendor-security-scanner`,
    );
    assert.strictEqual(scanner.principalName, "vendor security-scanner");
  });

  it("states the GitHub subject and audience as the conditions of an OIDC edge", () => {
    const edge = find(
      plan.edges,
      "github repo:example-org/app:ref:refs/heads/main",
      "arn:aws:iam::444444444444:role/ci-staging",
    );
    assert.deepStrictEqual(
      [
        edge.action,
        edge.decision,
        edge.principalKind,
        edge.principalName,
        edge.conditions?.map((c) => c.text),
      ],
      [
        "sts:AssumeRoleWithWebIdentity",
        "allowed",
        "github",
        "GitHub repo:example-org/app:ref:refs/heads/main",
        [
          "token.actions.githubusercontent.com:aud is sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub is repo:example-org/app:ref:refs/heads/main",
          // The data-perimeter RCP: a token of the organization's own GitHub tenant.
          "token.actions.githubusercontent.com:sub present",
          "token.actions.githubusercontent.com:sub matches one of repo:example-org/*, repo:example-org@1234567/*",
        ],
      ],
    );
  });

  it("makes every Identity Center assignment an edge from its group to the permission set's role in that account", () => {
    const assignments = plan.edges.filter((e) => e.via === "assignment");
    assert.strictEqual(assignments.length, plan.model.assignments?.length);
    assert.strictEqual(assignments.length, 19);
    const rows = assignments
      .filter((e) => e.roleAccount === PROD)
      .map((e) => [
        e.principalName,
        e.role
          .split("/")
          .pop()
          ?.replace(/_[0-9a-f]{16}$/, ""),
        e.decision,
      ]);
    assert.deepStrictEqual(rows, [
      ["Identity Center group break-glass-responders", "AWSReservedSSO_BreakGlass", "allowed"],
      ["Identity Center group platform-admins", "AWSReservedSSO_PowerUser", "allowed"],
      ["Identity Center group developers", "AWSReservedSSO_ReadOnly", "allowed"],
      ["Identity Center group read-only-auditors", "AWSReservedSSO_SecurityReview", "allowed"],
    ]);
    const breakGlass = assignments.find((e) => e.role.includes("AWSReservedSSO_BreakGlass_"));
    assert.deepStrictEqual(
      [breakGlass?.principal, breakGlass?.action, breakGlass?.maxSessionSeconds, breakGlass?.reason],
      [
        "identity-center group break-glass-responders",
        "sts:AssumeRoleWithSAML",
        3600,
        "allowed by Identity Center assignment of permission set BreakGlass",
      ],
    );
    // The permission set's role carries its policies: managed and inline.
    const review = plan.model.roles.find(
      (r) => r.account === PROD && r.name.startsWith("AWSReservedSSO_SecurityReview_"),
    );
    assert.ok(review?.identityPolicies.some((p) => p.name === "SecurityReview-inline"));
    assert.strictEqual(
      review?.arn.startsWith(
        `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityReview_`,
      ),
      true,
    );
  });

  it("lets identities of an account through a trust naming the account root when their own policies allow it", () => {
    const viaRoot = plan.edges.filter((e) => e.via === "account-root" && e.roleAccount === PROD);
    assert.deepStrictEqual(
      viaRoot.map((e) => [e.principal, e.role, e.decision]),
      [
        [
          "arn:aws:iam::111111111111:role/org-access-deploy-management",
          `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
          "allowed",
        ],
        [
          "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
          `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
          "allowed",
        ],
      ],
    );
  });

  it("has no edge from anyone outside the organization in the example", () => {
    assert.deepStrictEqual(
      plan.edges.filter((e) => e.principalKind === "outside-organization"),
      [],
    );
  });

  it("holds every verification signal of the guides as an expectation of the example stack", () => {
    const results = plan.analysis.expectations;
    assert.deepStrictEqual(
      results
        .filter((r) => !r.ok)
        .map((r) => `${r.index} ${r.principal} ${r.action ?? ""} ${r.role}: ${r.reason}`),
      [],
    );
    const row = (principal: string, action: string, target: string) => {
      const found = results.filter(
        (r) => r.principal === principal && r.action === action && r.role === target,
      );
      assert.strictEqual(found.length, 1, `${principal} ${action} ${target}`);
      return [found[0].actual, found[0].reason];
    };
    const developers = "identity-center group developers";
    assert.strictEqual(row(developers, "ec2:RunInstances", "account dev (888888888888)")[0], "allowed");
    assert.deepStrictEqual(row(developers, "ec2:RunInstances", "account prod (666666666666)"), [
      "denied",
      "AWSReservedSSO_ReadOnly_0c7e237f9f22a517: denied: no identity policy statement allows it",
    ]);
    const automation = "arn:aws:iam::222222222222:role/SecurityAutomationRole";
    assert.strictEqual(
      row(automation, "config:DescribeConfigRules", "account prod (666666666666)")[0],
      "allowed",
    );
    assert.deepStrictEqual(row(automation, "ec2:TerminateInstances", "account prod (666666666666)"), [
      "denied",
      "SecurityAccessRole: denied: no identity policy statement allows it",
    ]);
    const upload = "arn:aws:iam::666666666666:role/app-upload-role";
    const object = "arn:aws:s3:::example-org-shared-artifacts/uploads/prod/build-42.tar.gz";
    assert.strictEqual(
      row(upload, "s3:PutObject", object)[1],
      "app-upload-role: allowed by identity policy org-access-shared-artifacts statement SharedObjects and bucket statement AllowConsumerRoleObjects and permissions boundary org-access-boundary statement AllowWithinRolePolicies",
    );
    assert.strictEqual(row(upload, "s3:DeleteObject", object)[0], "denied");
    assert.strictEqual(
      row("arn:aws:iam::666666666666:role/deployment-role-prod", "s3:PutObject", object)[0],
      "denied",
    );
    const admin = "arn:aws:iam::666666666666:role/OrganizationAccountAccessRole";
    assert.deepStrictEqual(row(admin, "iam:CreateUser", "account prod (666666666666)"), [
      "denied",
      "OrganizationAccountAccessRole: explicitly denied by SCP org-access-baseline statement DenyIAMUserAndAccessKeys",
    ]);
    assert.deepStrictEqual(
      row("arn:aws:iam::666666666666:root", "ec2:DescribeInstances", "account prod (666666666666)"),
      [
        "denied",
        "666666666666 root user: explicitly denied by SCP org-access-baseline statement DenyRootUser",
      ],
    );
    const regions = results.filter((r) => r.principal === admin && r.action === "ec2:RunInstances");
    assert.deepStrictEqual(
      regions.map((r) => [r.actual, r.reason]),
      [
        [
          "denied",
          "OrganizationAccountAccessRole: explicitly denied by SCP org-access-regions statement DenyOutsideAllowedRegions",
        ],
        [
          "allowed",
          "OrganizationAccountAccessRole: allowed by identity policy AdministratorAccess statement #1",
        ],
      ],
    );
    const staging = results.find(
      (r) => r.principal === "arn:aws:iam::777777777777:role/deployment-role-staging",
    );
    assert.deepStrictEqual(
      [staging?.role, staging?.actual, staging?.reason],
      [
        "arn:aws:iam::666666666666:role/deployment-role-prod",
        "denied",
        "no chain of allowed edges leads from arn:aws:iam::777777777777:role/deployment-role-staging to arn:aws:iam::666666666666:role/deployment-role-prod",
      ],
    );
    const prodPipeline = results.find((r) => r.principal === "github repo:example-org/app:environment:prod");
    assert.deepStrictEqual(
      [prodPipeline?.actual, prodPipeline?.depth, prodPipeline?.path],
      [
        "allowed",
        2,
        [
          "github repo:example-org/app:environment:prod",
          "arn:aws:iam::444444444444:role/ci-prod",
          "arn:aws:iam::666666666666:role/deployment-role-prod",
        ],
      ],
    );
    const noMfa = results.filter(
      (r) => r.principal === "arn:aws:iam::222222222222:user/alice" && r.action === "ec2:DescribeInstances",
    );
    assert.deepStrictEqual(
      noMfa.map((r) => [r.actual, r.path]),
      [
        [
          "allowed",
          ["arn:aws:iam::222222222222:user/alice", "arn:aws:iam::777777777777:role/it-admin-access"],
        ],
        ["denied", undefined],
      ],
    );
  });

  it("finds no path from outside the intended admin principals to admin-equivalent access in the example", () => {
    assert.deepStrictEqual(
      plan.analysis.reach.findings.filter((f) => f.kind === "escalation").map((f) => f.message),
      [],
    );
    assert.deepStrictEqual(
      [...plan.analysis.adminRoles.keys()].map((arn) => arn.replace(/_[0-9a-f]{16}$/, "")),
      [
        "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
        "arn:aws:iam::666666666666:role/OrganizationAccountAccessRole",
        "arn:aws:iam::777777777777:role/OrganizationAccountAccessRole",
        "arn:aws:iam::666666666666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_BreakGlass",
      ],
    );
  });
});

describe("offline plan: resource control policies in the example management stack", function () {
  this.timeout(300000);
  const OBJECT = "arn:aws:s3:::example-org-shared-artifacts/uploads/prod/build-42.tar.gz";
  /** Guide 001's "Principal: *" debt, added to the shared bucket's policy for the question. */
  const WIDENED = {
    Sid: "CleanUpLater",
    Effect: "Allow",
    Principal: "*",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::example-org-shared-artifacts/*",
  };
  const FOREIGN = "210987654321";
  let plan: ExamplePlan;
  let withoutRcps: IamModel;
  before(async () => {
    plan = await exampleManagementPlan();
    withoutRcps = {
      ...plan.model,
      orgPolicies: (plan.model.orgPolicies ?? []).filter((p) => p.type !== "RESOURCE_CONTROL_POLICY"),
    };
  });

  const ask = async (model: IamModel, expectation: Record<string, unknown>) => {
    const [result] = await checkExpectations(
      model,
      [{ expect: "denied", ...expectation } as unknown as AccessExpectation],
      undefined,
    );
    return [result.actual, result.reason];
  };

  it("models the data-perimeter RCP attached at the root, above every member account", () => {
    const rcps = (plan.model.orgPolicies ?? []).filter((p) => p.type === "RESOURCE_CONTROL_POLICY");
    assert.deepStrictEqual(
      rcps.map((p) => [p.targetId, p.policy.name]),
      [["r-a1b2", "org-access-data-perimeter"]],
    );
    assert.deepStrictEqual(
      policyLevels(plan.model, PROD, "RESOURCE_CONTROL_POLICY").map((l) => [
        l.target,
        l.policies.map((p) => p.name),
      ]),
      [
        ["r-a1b2", ["org-access-data-perimeter"]],
        ["ou-a1b2-workload1", []],
        [PROD, []],
      ],
    );
    // RCPs never restrict the management account's resources (orgs_manage_policies_rcps.html).
    assert.deepStrictEqual(policyLevels(plan.model, "111111111111", "RESOURCE_CONTROL_POLICY"), []);
  });

  it("denies anyone outside the organization on the shared bucket even where a widened bucket policy lets them in, by the RCP alone", async () => {
    const question = {
      principal: { outsideOrganization: true },
      action: "s3:GetObject",
      resource: OBJECT,
      resourcePolicyStatements: [WIDENED],
    };
    assert.deepStrictEqual(await ask(plan.model, question), [
      "denied",
      "anyone: explicitly denied by RCP org-access-data-perimeter statement EnforceOrgIdentities; a principal outside the organization; with every permission of its own account",
    ]);
    // Without the RCP the widened bucket policy lets them in; without the widening nothing does.
    assert.deepStrictEqual(await ask(withoutRcps, question), [
      "allowed",
      "anyone: allowed by bucket statement CleanUpLater; a principal outside the organization; with every permission of its own account",
    ]);
    const { resourcePolicyStatements: _widened, ...plain } = question;
    assert.strictEqual((await ask(withoutRcps, plain))[0], "denied");
    // The example holds the same question as an expectation.
    const held = plan.analysis.expectations.filter(
      (r) =>
        r.why ===
        "the data-perimeter RCP refuses principals outside the organization, whatever the bucket policy says",
    );
    assert.deepStrictEqual(
      held.map((r) => [r.actual, r.ok]),
      [["denied", true]],
    );
  });

  it("applies RCPs to trust edges: a foreign account a member role trusts is refused, the same trust in the management account is not", async () => {
    const vendorRole = plan.model.roles.find(
      (r) => r.name === "vendor-observability" && r.account === PROD,
    ) as ModelRole;
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustPartner",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
          Action: "sts:AssumeRole",
        },
      ],
    };
    const caller = { kind: "aws", arn: `arn:aws:iam::${FOREIGN}:root`, account: FOREIGN } as const;
    const inProd = { ...vendorRole, name: "partner", arn: `arn:aws:iam::${PROD}:role/partner`, trust };
    const inManagement = {
      ...inProd,
      account: "111111111111",
      arn: "arn:aws:iam::111111111111:role/partner",
    };
    const edge = await evaluate(plan.model, caller, inProd);
    assert.deepStrictEqual(
      [edge.decision, edge.reason],
      [
        "denied",
        "explicitly denied by RCP org-access-data-perimeter statement EnforceOrgIdentities; identity side outside this stack and the organization",
      ],
    );
    assert.strictEqual((await evaluate(withoutRcps, caller, inProd)).decision, "allowed");
    assert.deepStrictEqual([(await evaluate(plan.model, caller, inManagement)).decision], ["allowed"]);
    // The vendors of org-access:vendors are exempt, so their roles still let them in.
    const vendor = plan.edges.find(
      (e) =>
        e.principal === "arn:aws:iam::314159265358:root" &&
        e.role === vendorRole.arn &&
        e.variant === undefined,
    );
    assert.strictEqual(vendor?.decision, "allowed");
  });

  it("refuses resourcePolicyStatements on a role question and on an action question without a resource", () => {
    const expectations = exampleValue<Record<string, unknown>>("management", "expectations");
    assert.deepStrictEqual(
      configIssuesOf("management", {
        expectations: {
          ...expectations,
          access: [
            {
              principal: { outsideOrganization: true },
              role: { name: "vendor-observability", account: "prod" },
              resourcePolicyStatements: [WIDENED],
              expect: "denied",
            },
            {
              principal: { outsideOrganization: true },
              action: "s3:ListAllMyBuckets",
              account: "prod",
              resourcePolicyStatements: [WIDENED],
              expect: "denied",
            },
          ],
        },
      }),
      [
        "org-access:expectations.access[0].resourcePolicyStatements: `resourcePolicyStatements` belongs to action expectations; a role expectation names the role's account in `role`",
        "org-access:expectations.access[1].resourcePolicyStatements: `resourcePolicyStatements` widen the policy of a `resource`; name the resource (an S3 object or bucket ARN, a KMS key ARN or alias)",
      ],
    );
  });

  it("keeps the root user of a member account denied, and a privileged root session (aws:AssumedRoot) open", async () => {
    const root = { principal: { account: "prod" }, action: "ec2:DescribeInstances", account: "prod" };
    assert.deepStrictEqual(await ask(plan.model, root), [
      "denied",
      "666666666666 root user: explicitly denied by SCP org-access-baseline statement DenyRootUser",
    ]);
    assert.strictEqual(
      (await ask(plan.model, { ...root, context: { "aws:AssumedRoot": "true" } }))[0],
      "allowed",
    );
  });
});
