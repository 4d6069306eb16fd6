import * as assert from "assert";
import { syntheticStackConfig } from "../../tools/bench/synthetic";
import { jsonInput, ofType, ProgramRun, runProgram, single } from "../harness";

/**
 * IAM allows 10,240 characters of inline policy per role. The callers whose policy lists one role
 * per target account (the CI roles, the audit automation) switch to the role name within the
 * organization once the exact list would not fit; small organizations keep the exact list.
 */

const IAM_INLINE_LIMIT = 10_240;
const ORG = "o-a1b2c3d4e5";

type Statement = { Sid: string; Action: string; Resource: string | string[]; Condition?: unknown };

function inlineStatement(run: ProgramRun, name: string): { text: string; statement: Statement } {
  const policy = single(run, "aws:iam/rolePolicy:RolePolicy", name);
  const text = String(policy.inputs.policy);
  return { text, statement: jsonInput<{ Statement: Statement[] }>(policy, "policy").Statement[0] };
}

describe("caller policies at three hundred accounts", () => {
  let management: ProgramRun;
  let security: ProgramRun;
  before(async () => {
    management = await runProgram({
      stack: "management",
      config: syntheticStackConfig("management", 300),
      sourceMappedStacks: false,
    });
    security = await runProgram({
      stack: "security",
      config: syntheticStackConfig("security", 300),
      sourceMappedStacks: false,
    });
  });

  it("gives the prod CI role the deployment role name within the organization, under IAM's limit", () => {
    const deploymentRoles = ofType(management, "aws:iam/role:Role").filter(
      (r) => r.inputs.name === "deployment-role-prod",
    );
    assert.ok(deploymentRoles.length > 90, `${deploymentRoles.length} prod deployment roles`);
    const { text, statement } = inlineStatement(management, "cicd-ci-prod-role-AssumeDeploymentRoles");
    assert.deepStrictEqual(statement, {
      Sid: "AssumeDeploymentRoles",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: "arn:aws:iam::*:role/deployment-role-prod",
      Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
    });
    assert.ok(text.length < IAM_INLINE_LIMIT);
  });

  it("gives the audit automation the read role name within the organization, under IAM's limit", () => {
    const { text, statement } = inlineStatement(security, "audit-automation-role-AssumeAuditReadRoles");
    assert.deepStrictEqual(statement, {
      Sid: "AssumeAuditReadRoles",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: "arn:aws:iam::*:role/AuditReadRole",
      Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
    });
    assert.ok(text.length < IAM_INLINE_LIMIT);
  });
});
