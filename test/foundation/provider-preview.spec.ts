import * as assert from "assert";
import { exampleConfig, ProgramRun, RecordedResource, runProgram, single } from "../harness";

const PROVIDER = "pulumi:providers:aws";
const MEMBER_ROLE = "OrganizationAccountAccessRole";
const run = (mode: { preview?: boolean; firstRun?: boolean }) =>
  runProgram({ stack: "management", config: exampleConfig("management"), ...mode });
const provider = (r: ProgramRun, account: string): RecordedResource =>
  single(r, PROVIDER, `account-${account}`);
const assumeRoles = (account: string, id: string) =>
  JSON.stringify([
    {
      roleArn: `arn:aws:iam::${id}:role/${MEMBER_ROLE}`,
      sessionName: "org-access-management",
      duration: "900s",
    },
  ]);

/**
 * The engine configures a provider during a preview only when all its inputs are known (pulumi/pulumi
 * sdk/go/common/resource/plugin/provider_plugin.go `Configure`: "If any are unknown, do not configure
 * the underlying plugin", commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8), and the AWS provider
 * validates its credentials while configuring, assuming the role (pulumi/pulumi-aws provider/config.go
 * `preConfigureCallback` -> `validateCredentials` -> aws-sdk-go-base `GetAwsConfig` with the
 * `assumeRoles`, skipped only with `skipCredentialsValidation`; commit
 * 0c5f6583ebfb37cbe0febc2edb51b44cfeac2b15). A member account's
 * provider whose role the StackSet creates in this run takes its role ARN from the StackSet instance's
 * and the propagation wait's IDs: unknown while they are still to be created, read from the state
 * once they exist.
 */
describe("member-account providers during a preview", function () {
  // Several whole program runs (and plans) on a shared build machine.
  this.timeout(10 * 60_000);
  let firstRun: ProgramRun;
  let update: ProgramRun;
  let existing: ProgramRun;
  before(async () => {
    // The preview of a first `pulumi up`: every resource is still to be created.
    firstRun = await run({ firstRun: true });
    // The update of that `pulumi up`: the instance and the wait exist before the provider is configured.
    update = await run({ preview: false });
    // A later preview: the instance and the wait are in the state, their IDs known.
    existing = await run({ preview: true });
  });

  it("leaves the role of a provider whose role the StackSet creates unknown in a first run's preview", () => {
    for (const account of ["prod", "staging"]) {
      const p = provider(firstRun, account);
      assert.deepStrictEqual(p.unknownInputs, ["assumeRoles"], account);
      const instance = single(
        firstRun,
        "aws:cloudformation/stackSetInstance:StackSetInstance",
        "organization-access-member-role-roles-ou-workloads",
      );
      const wait = single(
        firstRun,
        "pulumi-nodejs:dynamic/org-access:PropagationWait",
        "organization-access-member-role-wait-ou-workloads",
      );
      assert.deepStrictEqual(p.propertyDependencies?.assumeRoles, [instance.urn, wait.urn], account);
      // The provider still depends on both, for the update.
      assert.deepStrictEqual(p.dependencies, p.propertyDependencies?.assumeRoles, account);
      // Everything else about the provider is known.
      assert.deepStrictEqual(
        p.inputs.allowedAccountIds,
        JSON.stringify([account === "prod" ? "666666666666" : "777777777777"]),
      );
    }
  });

  it("configures every other provider normally: their roles exist before the run", () => {
    for (const account of [
      "management",
      "security",
      "log-archive",
      "tooling",
      "infra-ops",
      "dev",
      "sandbox",
    ]) {
      assert.deepStrictEqual(provider(firstRun, account).unknownInputs, [], account);
    }
    // dev is excluded from the StackSet: it keeps the role AWS Organizations created.
    assert.strictEqual(provider(firstRun, "dev").inputs.assumeRoles, assumeRoles("dev", "888888888888"));
  });

  it("knows the role during the update and in every preview once the StackSet instance and the wait exist", () => {
    for (const [account, id] of [
      ["prod", "666666666666"],
      ["staging", "777777777777"],
    ]) {
      for (const r of [update, existing]) {
        assert.deepStrictEqual(provider(r, account).unknownInputs, [], account);
        assert.strictEqual(provider(r, account).inputs.assumeRoles, assumeRoles(account, id), account);
      }
    }
    assert.deepStrictEqual(
      update.providers.find((p) => p.name === "account-prod")?.roleArn,
      `arn:aws:iam::666666666666:role/${MEMBER_ROLE}`,
    );
  });

  it("makes the resources an unconfigured provider serves unknown in the first run's preview", () => {
    // With the provider unconfigured, the engine returns no outputs for its creates during the preview
    // (provider_plugin.go `Create`: "if the configuration for the provider is not fully known, hand back
    // an empty property map"): the prod roles' ARNs are unknown too, which is what a user sees.
    const prodRoles = firstRun.resources.filter(
      (r) => r.type === "aws:iam/role:Role" && r.account === "666666666666",
    );
    assert.ok(prodRoles.length > 0);
    for (const role of prodRoles)
      assert.ok(role.provider?.endsWith("::04da6b54-80e4-46f7-96ec-b56ff0331ba9"), role.name);
  });
});
