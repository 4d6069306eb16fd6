import * as assert from "assert";
import { ProgramRun, runExample } from "../harness";

describe("sharded management stacks", () => {
  let owner: ProgramRun;
  let shard: ProgramRun;
  before(async () => {
    owner = await runExample("management", {
      scope: { organizationalUnits: ["security", "infrastructure"], organizationWide: true },
    });
    shard = await runExample("management", { scope: { organizationalUnits: ["workloads"] } });
  });

  it("lets only the owning shard create anything in the management account", () => {
    const inManagement = (run: ProgramRun) =>
      run.resources.filter(
        (r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.account === "111111111111",
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
      reached(shard).filter((n) => !["account-prod", "account-staging", "account-dev"].includes(n)),
      ["account-management"],
    );
    for (const name of reached(owner)) {
      assert.ok(
        [
          "account-management",
          "account-security",
          "account-log-archive",
          "account-tooling",
          "account-infra-ops",
        ].includes(name),
        name,
      );
    }
  });

  it("registers no organization-wide resource twice across shards", () => {
    const orgWide = (run: ProgramRun) =>
      run.resources
        .filter((r) => /^aws:(organizations|cloudformation\/stackSet|ssoadmin)/.test(r.type))
        .map((r) => r.urn);
    const both = orgWide(owner).filter((urn) => orgWide(shard).includes(urn));
    assert.deepStrictEqual(both, []);
    assert.deepStrictEqual(orgWide(shard), []);
  });
});
