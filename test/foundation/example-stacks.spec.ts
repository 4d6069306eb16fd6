import * as assert from "assert";
import { ProgramRun, runExample } from "../harness";

for (const stack of ["management", "security"] as const) {
  describe(`example ${stack} stack`, () => {
    let run: ProgramRun;
    before(async () => {
      run = await runExample(stack);
    });

    it("puts every AWS resource on an explicit provider pinned to one account", () => {
      // Default providers are disabled in the stack file; the engine enforces that, mocks do not.
      const onDefault = run.resources.filter(
        (r) =>
          r.custom &&
          !r.type.startsWith("pulumi:providers:") &&
          r.type.startsWith("aws:") &&
          r.account === undefined,
      );
      assert.deepStrictEqual(
        onDefault.map((r) => r.urn),
        [],
      );
    });

    it("reaches member accounts only through OrganizationAccountAccessRole with a 15-minute named session", () => {
      const home = stack === "management" ? "111111111111" : "222222222222";
      for (const provider of run.providers) {
        assert.deepStrictEqual(provider.inputs.allowedAccountIds, [provider.accountId], provider.name);
        if (provider.accountId === home) {
          assert.strictEqual(provider.roleArn, undefined, provider.name);
        } else {
          assert.deepStrictEqual(provider.inputs.assumeRoles, [
            {
              roleArn: `arn:aws:iam::${provider.accountId}:role/OrganizationAccountAccessRole`,
              sessionName: `org-access-${stack}`,
              duration: "900s",
            },
          ]);
        }
      }
      assert.strictEqual(run.providers.filter((p) => p.accountId === home).length, 1);
    });

    it("gives each AWS resource the provider of the account its ARN-bearing inputs name", () => {
      // A role's mocked ARN is built from its provider's account: check the inventory agrees.
      const inventory = run.outputs.inventory as Record<
        string,
        { id: string; roles: Record<string, string> }
      >;
      for (const [name, entry] of Object.entries(inventory)) {
        for (const arn of Object.values(entry.roles)) {
          assert.strictEqual(arn.split(":")[4], entry.id, `${name}: ${arn}`);
        }
      }
      assert.deepStrictEqual(Object.keys(inventory), [
        "management",
        "security",
        "log-archive",
        "tooling",
        "infra-ops",
        "prod",
        "staging",
        "dev",
        "sandbox",
      ]);
    });
  });
}
