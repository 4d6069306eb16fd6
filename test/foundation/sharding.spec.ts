import * as assert from "assert";
import { ProgramRun, runExample, runExampleStack } from "../harness";

/**
 * A sharded management stack: the owning shard (`organizationWide`) and a shard of member accounts,
 * both listing the same inventory. Checked on the full example split by `org-access:scope` overrides
 * and on the two stack files of `examples/sharded`, which express the same layout.
 */
const layouts = [
  {
    name: "the full example split in two",
    owner: () =>
      runExample("management", {
        scope: { organizationalUnits: ["security", "infrastructure"], organizationWide: true },
      }),
    shard: () => runExample("management", { scope: { organizationalUnits: ["workloads"] } }),
    management: "111111111111",
    shardAccounts: ["account-prod", "account-staging", "account-dev"],
    ownerAccounts: [
      "account-management",
      "account-security",
      "account-log-archive",
      "account-tooling",
      "account-infra-ops",
    ],
  },
  {
    name: "examples/sharded",
    owner: () => runExampleStack("sharded", "sharded-core"),
    shard: () => runExampleStack("sharded", "sharded-workloads"),
    management: "100000000001",
    shardAccounts: ["account-prod", "account-dev"],
    ownerAccounts: ["account-management", "account-tooling"],
  },
];

for (const layout of layouts) {
  describe(`sharded management stacks: ${layout.name}`, () => {
    let owner: ProgramRun;
    let shard: ProgramRun;
    before(async () => {
      owner = await layout.owner();
      shard = await layout.shard();
    });

    it("lets only the owning shard create anything in the management account", () => {
      const inManagement = (run: ProgramRun) =>
        run.resources.filter(
          (r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.account === layout.management,
        );
      assert.deepStrictEqual(
        inManagement(shard).map((r) => r.urn),
        [],
      );
      assert.ok(inManagement(owner).length > 0);
    });

    it("keeps each shard to the accounts of its scope", () => {
      const reached = (run: ProgramRun) => [...new Set(run.providers.map((p) => p.name))].sort();
      assert.deepStrictEqual(
        reached(shard).filter((n) => !layout.shardAccounts.includes(n)),
        ["account-management"],
      );
      for (const name of reached(owner)) {
        assert.ok(layout.ownerAccounts.includes(name), name);
      }
    });

    it("registers no organization-wide resource twice across shards", () => {
      // URNs without the stack name: shards of one organization may be stacks of different names.
      const orgWide = (run: ProgramRun) =>
        run.resources
          .filter((r) => /^aws:(organizations|cloudformation\/stackSet|ssoadmin)/.test(r.type))
          .map((r) => r.urn.split("::").slice(1).join("::"));
      const both = orgWide(owner).filter((urn) => orgWide(shard).includes(urn));
      assert.deepStrictEqual(both, []);
      assert.deepStrictEqual(orgWide(shard), []);
    });
  });
}
