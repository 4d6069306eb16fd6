import * as assert from "assert";
import { loadConfig, OrgAccessConfig } from "../../components/config";
import { accessGraph, Caller, evaluate } from "../../tools/plan/access";
import { checkExpectations } from "../../tools/plan/expectations";
import { buildModel, IamModel, ModelRole } from "../../tools/plan/model";
import { simulateAssume } from "../../tools/plan/simulator";
import { AccessEdge } from "../../tools/plan/types";
import { exampleConfig, runProgram } from "../harness";

/**
 * The pipeline's roles seen through the offline plan: its access graph (who each trust names, asked
 * with the IAM simulator), its expectation checks, and its simulator for the full chain with the
 * session name a workflow run presents.
 */

const TOOLING = "444444444444";
const ORG = "o-a1b2c3d4e5";
const PIPELINE_ROLE = `arn:aws:iam::${TOOLING}:role/org-access-pipeline`;
const PREVIEW_ROLE = `arn:aws:iam::${TOOLING}:role/org-access-preview`;
const OIDC_ARN = `arn:aws:iam::${TOOLING}:oidc-provider/token.actions.githubusercontent.com`;
const DEPLOY_ROLES = {
  management: "arn:aws:iam::111111111111:role/org-access-deploy-management",
  security: "arn:aws:iam::222222222222:role/org-access-deploy-security",
};
const PREVIEW_TARGETS = {
  management: "arn:aws:iam::111111111111:role/org-access-preview-management",
  security: "arn:aws:iam::222222222222:role/org-access-preview-security",
};

interface Planned {
  config: OrgAccessConfig;
  model: IamModel;
  edges: AccessEdge[];
}

async function planned(stack: "management" | "security"): Promise<Planned> {
  const source = exampleConfig(stack);
  const config = loadConfig(source).config;
  const run = await runProgram({ stack, config: source });
  const model = buildModel(run.resources, {
    organizationId: config.organization.id,
    rootId: config.organization.rootId,
    managementAccountId: config.organization.managementAccountId,
    accounts: config.accounts.map((a) => ({ name: a.name, id: a.id, ou: a.ou })),
    organizationalUnits: config.organizationalUnits.map((o) => ({ name: o.name, id: o.id })),
  });
  return { config, model, edges: await accessGraph(model) };
}

function role(model: IamModel, arn: string): ModelRole {
  const found = model.roles.find((r) => r.arn === arn);
  assert.ok(found !== undefined, `the plan models no role ${arn}`);
  return found;
}

const awsCaller = (arn: string): Caller => ({ kind: "aws", arn, account: arn.split(":")[4] });

/** A chained AssumeRole as a workflow run makes it: from a tooling role, with `gha-<run id>-<attempt>`. */
async function chained(model: IamModel, callerArn: string, target: ModelRole, sessionName: string) {
  const caller = model.roles.find((r) => r.arn === callerArn);
  return simulateAssume({
    principal: callerArn,
    action: "sts:AssumeRole",
    roleArn: target.arn,
    roleAccount: target.account,
    trust: target.trust,
    // Outside the management stack (the security stack's plan), the tooling role's own policy is
    // the one the management stack creates: allow the same two calls on exactly the two deploy roles.
    identityPolicies: caller?.identityPolicies ?? [
      {
        name: "AssumeDeployRoles",
        policy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["sts:AssumeRole", "sts:TagSession"],
              Resource: Object.values(callerArn === PIPELINE_ROLE ? DEPLOY_ROLES : PREVIEW_TARGETS),
            },
          ],
        },
      },
    ],
    scps: [],
    context: {
      "aws:PrincipalArn": callerArn,
      "aws:PrincipalAccount": TOOLING,
      "aws:PrincipalOrgID": ORG,
      "aws:ResourceAccount": target.account,
      "aws:ResourceOrgID": ORG,
      "sts:RoleSessionName": sessionName,
    },
  });
}

describe("pipeline roles in the offline plan's access matrix", () => {
  const stacks: Partial<Record<"management" | "security", Planned>> = {};
  before(async () => {
    stacks.management = await planned("management");
    stacks.security = await planned("security");
  });

  for (const stack of ["management", "security"] as const) {
    it(`${stack} stack: only the tooling pipeline role is a caller of the deploy role, only the PR role of the preview role`, () => {
      const { edges } = stacks[stack]!;
      const callersOf = (arn: string) => edges.filter((e) => e.role === arn).map((e) => e.principal);
      assert.deepStrictEqual(callersOf(DEPLOY_ROLES[stack]), [PIPELINE_ROLE]);
      assert.deepStrictEqual(callersOf(PREVIEW_TARGETS[stack]), [PREVIEW_ROLE]);
    });

    it(`${stack} stack: the PR preview role, the tooling account and other organization roles cannot assume the deploy role`, async () => {
      const { model } = stacks[stack]!;
      const deploy = role(model, DEPLOY_ROLES[stack]);
      for (const arn of [
        PREVIEW_ROLE,
        `arn:aws:iam::${TOOLING}:root`,
        `arn:aws:iam::${TOOLING}:role/ci-prod`,
        "arn:aws:iam::222222222222:role/SecurityAutomationRole",
      ]) {
        const edge = await evaluate(model, awsCaller(arn), deploy);
        assert.strictEqual(edge.decision, "denied", `${arn}: ${edge.reason}`);
      }
      // The preview role is refused on its principal even with a well-formed run session name.
      const preview = await chained(model, PREVIEW_ROLE, deploy, "gha-123456-1");
      assert.strictEqual(preview.decision, "denied", preview.reason);
    });

    it(`${stack} stack: the pipeline role reaches the deploy role only with a run session name`, async () => {
      const { model } = stacks[stack]!;
      const deploy = role(model, DEPLOY_ROLES[stack]);
      const run = await chained(model, PIPELINE_ROLE, deploy, "gha-123456-1");
      assert.strictEqual(run.decision, "allowed", run.reason);
      const manual = await chained(model, PIPELINE_ROLE, deploy, "laptop-session");
      assert.strictEqual(manual.decision, "denied", manual.reason);
      const previewRun = await chained(model, PREVIEW_ROLE, role(model, PREVIEW_TARGETS[stack]), "gha-1-1");
      assert.strictEqual(previewRun.decision, "allowed", previewRun.reason);
    });
  }

  it("lets deploy subjects into the pipeline role and only pull requests into the preview role", async () => {
    const { model } = stacks.management!;
    const oidc = async (roleArn: string, subject: string, sessionName = "gha-42-1") => {
      const target = role(model, roleArn);
      return simulateAssume({
        principal: OIDC_ARN,
        action: "sts:AssumeRoleWithWebIdentity",
        roleArn: target.arn,
        roleAccount: target.account,
        trust: target.trust,
        identityPolicies: [],
        scps: [],
        context: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": subject,
          "sts:RoleSessionName": sessionName,
        },
      });
    };
    const repo = "repo:example-org/org-access";
    assert.strictEqual((await oidc(PIPELINE_ROLE, `${repo}:environment:management`)).decision, "allowed");
    assert.strictEqual((await oidc(PIPELINE_ROLE, `${repo}:environment:security`)).decision, "allowed");
    assert.strictEqual((await oidc(PIPELINE_ROLE, `${repo}:pull_request`)).decision, "denied");
    assert.strictEqual((await oidc(PIPELINE_ROLE, `${repo}:ref:refs/heads/feature`)).decision, "denied");
    assert.strictEqual(
      (await oidc(PIPELINE_ROLE, "repo:example-org/other:environment:management")).decision,
      "denied",
    );
    assert.strictEqual((await oidc(PIPELINE_ROLE, `${repo}:environment:management`, "x")).decision, "denied");
    assert.strictEqual((await oidc(PREVIEW_ROLE, `${repo}:pull_request`)).decision, "allowed");
    assert.strictEqual((await oidc(PREVIEW_ROLE, `${repo}:environment:management`)).decision, "denied");
  });

  it("lets only the management preview role into the member preview roles, with a provider session name", async () => {
    const { model, edges } = stacks.management!;
    const managementPreview = PREVIEW_TARGETS.management;
    const members = model.roles.filter((r) => r.name === "org-access-preview-member");
    assert.deepStrictEqual(members.map((r) => r.account).sort(), [
      "222222222222",
      "333333333333",
      "444444444444",
      "555555555555",
      "666666666666",
      "777777777777",
      "888888888888",
      "999999999999",
    ]);
    for (const member of members) {
      const callers = edges.filter((e) => e.role === member.arn).map((e) => [e.principal, e.decision]);
      assert.deepStrictEqual(callers, [[managementPreview, "allowed"]]);
    }
    const prod = role(model, "arn:aws:iam::666666666666:role/org-access-preview-member");
    const caller = role(model, managementPreview);
    const assume = (sessionName: string) =>
      simulateAssume({
        principal: managementPreview,
        action: "sts:AssumeRole",
        roleArn: prod.arn,
        roleAccount: prod.account,
        trust: prod.trust,
        identityPolicies: caller.identityPolicies,
        scps: [],
        context: {
          "aws:PrincipalArn": managementPreview,
          "aws:PrincipalAccount": "111111111111",
          "aws:PrincipalOrgID": ORG,
          "aws:ResourceAccount": prod.account,
          "aws:ResourceOrgID": ORG,
          "sts:RoleSessionName": sessionName,
        },
      });
    assert.strictEqual((await assume("org-access-management")).decision, "allowed");
    assert.strictEqual((await assume("gha-1-1")).decision, "denied");
    // The management preview role never reaches the administrative role the deploy uses.
    const admin = role(model, "arn:aws:iam::666666666666:role/OrganizationAccountAccessRole");
    assert.strictEqual((await evaluate(model, awsCaller(managementPreview), admin)).decision, "denied");
    // The pull-request role itself is not trusted by the member preview role.
    assert.strictEqual(
      (await chained(model, PREVIEW_ROLE, prod, "org-access-management")).decision,
      "denied",
    );
  });

  it("holds the example stacks' pipeline expectations", async () => {
    for (const stack of ["management", "security"] as const) {
      const { config, model } = stacks[stack]!;
      const results = await checkExpectations(model, config.expectations?.access ?? [], config.vendors);
      const pipeline = results.filter((r) => r.role.includes("org-access-"));
      assert.ok(pipeline.length >= 2, `${stack}: no pipeline expectations in the example stack`);
      for (const r of pipeline) assert.ok(r.ok, `${stack}: ${r.principal} -> ${r.role}: ${r.reason}`);
    }
  });
});
