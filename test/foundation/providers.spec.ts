import * as assert from "assert";
import * as path from "path";
import { exampleConfig, ofType, ProgramRun, runProgram } from "../harness";

const program = path.join(__dirname, "fixtures", "provider-program.ts");
const run = (overrides: Record<string, unknown> = {}) =>
  runProgram({ stack: "management", config: exampleConfig("management", overrides), programPath: program });

describe("per-account providers", () => {
  let result: ProgramRun;
  before(async () => {
    result = await run();
  });

  it("creates exactly one provider per account, pinned to it", () => {
    assert.deepStrictEqual(
      result.providers.map((p) => [p.name, p.accountId]),
      [
        ["account-management", "111111111111"],
        ["account-security", "222222222222"],
        ["account-log-archive", "333333333333"],
        ["account-tooling", "444444444444"],
        ["account-infra-ops", "555555555555"],
        ["account-prod", "666666666666"],
        ["account-staging", "777777777777"],
        ["account-dev", "888888888888"],
        ["account-sandbox", "999999999999"],
      ],
    );
    for (const provider of result.providers) {
      assert.deepStrictEqual(provider.inputs.allowedAccountIds, [provider.accountId]);
      assert.strictEqual(provider.inputs.region, "us-east-1");
    }
  });

  it("assumes OrganizationAccountAccessRole in member accounts with a short named session", () => {
    const prod = result.providers.find((p) => p.name === "account-prod")!;
    assert.deepStrictEqual(prod.inputs.assumeRoles, [
      {
        roleArn: "arn:aws:iam::666666666666:role/OrganizationAccountAccessRole",
        sessionName: "org-access-management",
        duration: "900s",
      },
    ]);
  });

  it("uses the stack's own credentials in the home account", () => {
    const home = result.providers.find((p) => p.name === "account-management")!;
    assert.strictEqual(home.inputs.assumeRoles, undefined);
    assert.strictEqual(home.roleArn, undefined);
  });

  it("gives every AWS resource its account's provider", () => {
    const roles = ofType(result, "aws:iam/role:Role");
    assert.strictEqual(roles.length, 9);
    for (const role of roles) {
      const accountName = role.name.replace(/^probe-/, "");
      const provider = result.providers.find((p) => p.name === `account-${accountName}`)!;
      assert.strictEqual(role.providerUrn, provider.urn, `${role.name} got ${role.providerUrn}`);
      assert.strictEqual(role.account, provider.accountId);
    }
  });

  it("derives role ARNs in the inventory from account IDs", () => {
    const roles = result.outputs.roles as Record<string, { id: string; roles: Record<string, string> }>;
    assert.deepStrictEqual(roles.staging, {
      id: "777777777777",
      organizationalUnit: "workloads",
      environment: "staging",
      roles: { probe: "arn:aws:iam::777777777777:role/probe" },
    });
  });

  it("takes the role name, session and duration from config", async () => {
    const custom = await run({
      providers: {
        roleName: "OrgAdmin",
        sessionDurationSeconds: 1800,
        sessionName: "pipeline-run",
        region: "eu-west-1",
      },
    });
    const dev = custom.providers.find((p) => p.name === "account-dev")!;
    assert.deepStrictEqual(dev.inputs.assumeRoles, [
      { roleArn: "arn:aws:iam::888888888888:role/OrgAdmin", sessionName: "pipeline-run", duration: "1800s" },
    ]);
    assert.strictEqual(dev.inputs.region, "eu-west-1");
  });

  it("limits a sharded stack to its scope, keeping the home account", async () => {
    const sharded = await run({ scope: { organizationalUnits: ["workloads"] } });
    assert.deepStrictEqual(
      sharded.providers.map((p) => p.name),
      ["account-management", "account-prod", "account-staging", "account-dev"],
    );
    assert.deepStrictEqual(sharded.outputs.outOfScope, [
      "security",
      "log-archive",
      "tooling",
      "infra-ops",
      "sandbox",
    ]);
    assert.deepStrictEqual(Object.keys(sharded.outputs.roles as object), [
      "management",
      "prod",
      "staging",
      "dev",
    ]);
  });
});
