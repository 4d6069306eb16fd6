import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { accessGraph, Caller, evaluate, trustedCallers } from "../../tools/plan/access";
import { buildModel, IamModel, ModelRole } from "../../tools/plan/model";
import { exampleConfig, runProgram } from "../harness";

/**
 * The offline plan's access graph reads a trust that names an account root narrowed by
 * `ArnEquals aws:PrincipalArn` as exactly the named roles, the way the policy pack does
 * (`admittedPrincipals` in policy-pack/lib/trust.ts), and the simulator decides each request on the
 * caller's `aws:PrincipalArn`. IAM: an account principal admits the account's principals its IAM
 * policies allow; `aws:PrincipalArn` of a role session is the role's ARN
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */

const MGMT = "111111111111";
const SECURITY = "222222222222";
const PROD = "666666666666";
const ORG = "o-a1b2c3d4e5";
const SOURCE = `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`;
const OTHER = `arn:aws:iam::${SECURITY}:role/ComplianceAutomationRole`;
const ROOT = `arn:aws:iam::${SECURITY}:root`;
const TARGET = `arn:aws:iam::${PROD}:role/SecurityAccessRole`;

function target(condition: Record<string, unknown>): ModelRole {
  return {
    account: PROD,
    name: "SecurityAccessRole",
    arn: TARGET,
    trust: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustDelegatedAdminSourceRoles",
          Effect: "Allow",
          Principal: { AWS: ROOT },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG }, ...condition } as Record<
            string,
            Record<string, unknown>
          >,
        },
      ],
    },
    identityPolicies: [],
    unmodelled: [],
    source: "test",
  };
}

function model(role: ModelRole): IamModel {
  return {
    org: {
      organizationId: ORG,
      rootId: "r-a1b2",
      managementAccountId: MGMT,
      accounts: [
        { name: "management", id: MGMT, ou: "root" },
        { name: "security", id: SECURITY, ou: "security" },
        { name: "prod", id: PROD, ou: "workloads" },
      ],
      organizationalUnits: [
        { name: "security", id: "ou-a1b2-security1" },
        { name: "workloads", id: "ou-a1b2-workload1" },
      ],
    },
    roles: [role],
    scps: [],
    unknownScps: [],
    oidcProviders: [],
  };
}

const aws = (arn: string): Caller => ({ kind: "aws", arn, account: arn.split(":")[4] });
const exact = { ArnEquals: { "aws:PrincipalArn": SOURCE } };

describe("offline plan: an account root narrowed by aws:PrincipalArn", () => {
  it("names the role as the caller, not the account root", () => {
    assert.deepStrictEqual(trustedCallers(target(exact)), [aws(SOURCE)]);
  });

  it("allows the named role and denies another role and the root of the same account", async () => {
    const m = model(target(exact));
    const edges = await accessGraph(m);
    assert.deepStrictEqual(
      edges.map((e) => [e.principal, e.role, e.decision]),
      [[SOURCE, TARGET, "allowed"]],
    );
    const other = await evaluate(m, aws(OTHER), m.roles[0]);
    assert.strictEqual(other.decision, "denied");
    assert.match(other.reason, /trust condition not met: aws:PrincipalArn/);
    assert.strictEqual((await evaluate(m, aws(ROOT), m.roles[0])).decision, "denied");
  });

  it("keeps the account root as the caller when the narrowing is not exact", () => {
    for (const condition of [
      { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/*` } },
      { ArnNotEquals: { "aws:PrincipalArn": OTHER } },
      { ArnEqualsIfExists: { "aws:PrincipalArn": SOURCE } },
    ]) {
      assert.deepStrictEqual(trustedCallers(target(condition)), [aws(ROOT)], JSON.stringify(condition));
    }
  });

  it("shows the security stack's roles as callers of the management stack's copies in the example plan", async function () {
    this.timeout(240000);
    const source = exampleConfig("management");
    const config = loadConfig(source).config;
    const run = await runProgram({ stack: "management", config: source });
    const m = buildModel(run.resources, {
      organizationId: config.organization.id,
      rootId: config.organization.rootId,
      managementAccountId: config.organization.managementAccountId,
      accounts: config.accounts.map((a) => ({ name: a.name, id: a.id, ou: a.ou })),
      organizationalUnits: config.organizationalUnits.map((o) => ({ name: o.name, id: o.id })),
    });
    const edges = await accessGraph(m);
    const into = (name: string) => [
      ...new Set(
        edges.filter((e) => e.role.endsWith(`:role/${name}`)).map((e) => `${e.principal} ${e.decision}`),
      ),
    ];
    assert.deepStrictEqual(into("SecurityAccessRole"), [`${SOURCE} allowed`]);
    assert.deepStrictEqual(into("ComplianceAccessRole"), [`${OTHER} allowed`]);
    assert.deepStrictEqual(into("AuditReadRole"), [`arn:aws:iam::${SECURITY}:role/audit-automation allowed`]);
    assert.ok(!edges.some((e) => e.principal === ROOT), "no edge names the security account root");
  });
});
