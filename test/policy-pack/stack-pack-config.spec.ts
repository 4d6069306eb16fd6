import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../tools/policy-check";
import { stackConfigOf, stackPackConfig } from "../../tools/pack-config";
import { allPolicies } from "../../policy-pack/rules";
import { ORG_FACTS } from "../../policy-pack/lib/config";
import { inProjectOf } from "../harness";

/**
 * `policy:check --emit-pack-config --stack <stack>`: the one source of every run's pack config. It reads
 * the project's own `Pulumi.<stack>.yaml`, so each case runs in a project whose root stack files are
 * the full example's (or none).
 */

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("policy pack config from the stack config (policy:check --emit-pack-config --stack)", () => {
  it("writes the stack's org facts into every policy that reads them, and nothing else", () =>
    inProjectOf("full", async () => {
      const r = await run(["--emit-pack-config", "--stack", "management"]);
      assert.strictEqual(r.code, 0, r.err.join("\n"));
      const config = JSON.parse(r.out.join("\n")) as Record<string, Record<string, unknown>>;
      assert.deepStrictEqual(config, stackPackConfig(stackConfigOf("management")));
      // The three facts a stack's config gives (other org-wide keys, such as CloudFormation imports, are not in it).
      const facts = ["organizationId", "managementAccountId", "organizationAccountIds"];
      assert.ok(facts.every((k) => (ORG_FACTS as string[]).includes(k)));
      const readers = allPolicies
        .filter((p) => facts.some((k) => k in (p.configSchema?.properties ?? {})))
        .map((p) => p.name)
        .sort();
      assert.deepStrictEqual(Object.keys(config).sort(), readers);
      assert.deepStrictEqual(config["trust-external-requires-external-id"], {
        organizationId: "o-a1b2c3d4e5",
        managementAccountId: "111111111111",
        organizationAccountIds: [
          "111111111111",
          "222222222222",
          "333333333333",
          "444444444444",
          "555555555555",
          "666666666666",
          "777777777777",
          "888888888888",
          "999999999999",
        ],
      });
      // The exceptions the program's own design calls for: its deploy roles manage IAM. Exactly the
      // policies that read the property get it (a policy ignores config it does not declare): the two
      // admin rules, and the StackSet-instance rule that runs every rule with every property.
      assert.deepStrictEqual(
        Object.entries(config)
          .filter(([, entry]) => "allowedAdminRoleNames" in entry)
          .map(([name, entry]) => [name, entry.allowedAdminRoleNames])
          .sort(),
        [
          "cloudformation-stackset-instances",
          "no-admin-on-cross-account-role",
          "no-admin-on-cross-account-role-attachment",
        ].map((name) => [name, ["org-access-deploy-management", "org-access-deploy-security"]]),
      );
      // Both example stacks describe one organization: the same file for both.
      const security = await run(["--emit-pack-config", "--stack", "security"]);
      assert.deepStrictEqual(JSON.parse(security.out.join("\n")), config);
    }));

  it("takes the org facts once, from a stack file that exists and validates", () =>
    inProjectOf("full", async () => {
      const both = await run(["--emit-pack-config", "--stack", "management", "--org", "org.json"]);
      assert.deepStrictEqual(
        [both.code, both.err],
        [2, ["policy:check: give the org facts once: --org or --stack, not both"]],
      );
      const missing = await run(["--emit-pack-config", "--stack", "nowhere"]);
      assert.strictEqual(missing.code, 2);
      assert.match(missing.err[0], /^policy:check: --stack: no stack file .*Pulumi\.nowhere\.yaml$/);
      const bad = await run(["--emit-pack-config", "--stack", "../management"]);
      assert.deepStrictEqual(bad.err, ['policy:check: --stack: invalid stack name "../management"']);
    }));

  it("never takes an example's org facts for a project without its own stack file", () =>
    inProjectOf(undefined, async (dir) => {
      const missing = await run(["--emit-pack-config", "--stack", "management"]);
      assert.deepStrictEqual(
        [missing.code, missing.out, missing.err],
        [
          2,
          [],
          [
            `policy:check: --stack: no stack file ${path.join(fs.realpathSync(dir), "Pulumi.management.yaml")}`,
          ],
        ],
      );
    }));
});
