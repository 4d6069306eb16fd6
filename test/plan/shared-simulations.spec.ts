import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { syntheticStackConfig } from "../../tools/bench/synthetic";
import { runProgram } from "../harness";
import { buildModel } from "../../tools/plan/model";
import { analyzeAccess, orgFactsFor } from "../../tools/plan/run";
import { shareSimulations, simulate, SimRequest, STAND_IN_ACCOUNT } from "../../tools/plan/simulator";

/**
 * Requests that differ only in the role's account share one simulation (tools/plan/simulator.ts,
 * `sharedRequest`): the account is renamed to a stand-in, simulated once, and renamed back. These
 * tests hold the sharing to its one promise: every verdict, reason and condition is the one the
 * request gets simulated on its own.
 */

const A = "111111111111";
const B = "222222222222";
const CALLER = "333333333333";

function request(account: string, trust: unknown, context: Record<string, string> = {}): SimRequest {
  return {
    principal: `arn:aws:iam::${CALLER}:role/Caller`,
    action: "sts:AssumeRole",
    resource: `arn:aws:iam::${account}:role/Target`,
    resourceAccount: account,
    resourcePolicy: trust,
    identityPolicies: [
      {
        name: "assume",
        policy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
        },
      },
    ],
    scps: [],
    context: { "aws:PrincipalAccount": CALLER, "aws:ResourceAccount": account, ...context },
  };
}

const trustWith = (condition: Record<string, unknown>) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${CALLER}:role/Caller` },
      Action: "sts:AssumeRole",
      Condition: condition,
    },
  ],
});

async function bothWays<T>(fn: () => Promise<T>): Promise<{ shared: T; alone: T }> {
  shareSimulations(true);
  const shared = await fn();
  shareSimulations(false);
  try {
    return { shared, alone: await fn() };
  } finally {
    shareSimulations(true);
  }
}

describe("plan: simulations shared across accounts", function () {
  this.timeout(600000);

  it("a trust that names its own account: each account's verdict names its own account", async () => {
    const own = (account: string) => trustWith({ StringEquals: { "aws:ResourceAccount": account } });
    const { shared, alone } = await bothWays(async () => [
      await simulate(request(A, own(A)), "Discovery", ["aws:ResourceAccount", "aws:PrincipalAccount"]),
      await simulate(request(B, own(B)), "Discovery", ["aws:ResourceAccount", "aws:PrincipalAccount"]),
      await simulate(request(B, own(A))),
    ]);
    assert.deepStrictEqual(shared, alone);
    assert.deepStrictEqual(
      shared.map((r) => r.decision),
      ["allowed", "allowed", "denied"],
    );
    for (const r of shared) assert.ok(!JSON.stringify(r).includes(STAND_IN_ACCOUNT), JSON.stringify(r));
  });

  it("a pattern that tells account IDs apart (1111*) is simulated per account, not shared", async () => {
    const trust = trustWith({ StringLike: { "aws:ResourceAccount": "1111*" } });
    const { shared, alone } = await bothWays(async () => [
      await simulate(request(A, trust)),
      await simulate(request(B, trust)),
    ]);
    assert.deepStrictEqual(shared, alone);
    assert.deepStrictEqual(
      shared.map((r) => r.decision),
      ["allowed", "denied"],
    );
  });

  it("the same role in forty accounts: the whole analysis is the same with and without sharing", async () => {
    const config = syntheticStackConfig("management", 40);
    const loaded = loadConfig(config).config;
    const run = await runProgram({ stack: "management", config, sourceMappedStacks: false });
    const model = buildModel(run.resources, orgFactsFor(loaded));
    const { shared, alone } = await bothWays(() => analyzeAccess(model, loaded));
    assert.ok(shared.access.length > 400, `${shared.access.length} edges`);
    assert.deepStrictEqual(shared.access, alone.access);
    assert.deepStrictEqual(shared.expectations, alone.expectations);
    assert.deepStrictEqual(shared.adminRoles, alone.adminRoles);
    assert.deepStrictEqual(shared.reach.chains, alone.reach.chains);
    assert.deepStrictEqual(shared.reach.findings, alone.reach.findings);
    assert.ok(!JSON.stringify([shared.access, shared.reach.chains]).includes(STAND_IN_ACCOUNT));
  });
});
