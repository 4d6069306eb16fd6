import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { replacingInputs } from "../../tools/plan/dangerous";
import { plan, PlanOutcome } from "../../tools/plan/run";
import type { PlannedResource } from "../../tools/plan/types";
import { exampleConfig, exampleValue } from "../harness";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-dangerous-"));

/** Plans an example stack with overrides, against `baseline` when given. */
async function planOf(
  stack: "management" | "security",
  overrides: Record<string, unknown>,
  baseline?: string,
): Promise<PlanOutcome> {
  return plan({ stack, config: exampleConfig(stack, overrides), outDir: path.join(tmp, stack), baseline });
}

async function baselineOf(stack: "management" | "security"): Promise<string> {
  const outcome = await planOf(stack, {});
  const file = path.join(tmp, `baseline-${stack}.json`);
  fs.copyFileSync(outcome.files[1], file);
  return file;
}

const brief = (outcome: PlanOutcome) =>
  (outcome.report?.dangerousChanges ?? []).map((d) => [d.change, d.name, d.why, d.inputs ?? []]);

describe("dangerous changes since a baseline", function () {
  // Several whole program runs (and plans) on a shared build machine.
  this.timeout(10 * 60_000);
  let management: string;
  let security: string;
  before(async () => {
    management = await baselineOf("management");
    security = await baselineOf("security");
  });

  it("decides a replacement from the provider's ForceNew inputs only", () => {
    const instance = (targets: unknown, preferences: unknown): PlannedResource => ({
      urn: "urn:pulumi:management::org-access::aws:cloudformation/stackSetInstance:StackSetInstance::i",
      type: "aws:cloudformation/stackSetInstance:StackSetInstance",
      name: "i",
      account: "111111111111",
      inputs: { stackSetName: "s", deploymentTargets: targets, operationPreferences: preferences },
      protect: true,
      retainOnDelete: false,
    });
    const ou = {
      organizationalUnitIds: ["ou-a1b2-workload1"],
      accounts: ["888888888888"],
      accountFilterType: "DIFFERENCE",
    };
    // A set compares unordered; operation preferences update in place (and the instance ignores them).
    assert.deepStrictEqual(
      replacingInputs(
        instance(ou, { maxConcurrentCount: 1 }),
        instance({ ...ou }, { maxConcurrentCount: 2 }),
      ),
      [],
    );
    assert.deepStrictEqual(
      replacingInputs(
        instance(ou, undefined),
        instance({ ...ou, accounts: ["888888888888", "666666666666"] }, undefined),
      ),
      ["deploymentTargets"],
    );
  });

  it("finds nothing dangerous in an unchanged stack or a change that replaces nothing protected", async () => {
    const same = await planOf("management", {}, management);
    assert.deepStrictEqual([same.report?.dangerousChanges, same.exitCode], [[], 0]);
    const organizationAccess = exampleValue<Record<string, Record<string, unknown>>>(
      "management",
      "organizationAccess",
    );
    const slower = await planOf(
      "management",
      {
        organizationAccess: {
          ...organizationAccess,
          memberRole: { ...organizationAccess.memberRole, operationPreferences: { maxConcurrentCount: 1 } },
        },
      },
      management,
    );
    assert.deepStrictEqual([slower.report?.dangerousChanges, slower.exitCode], [[], 0]);
  });

  it("flags an exclusion change: the OU's instance is replaced under the same physical ID, removing the role from the OU", async () => {
    const organizationAccess = exampleValue<Record<string, Record<string, unknown>>>(
      "management",
      "organizationAccess",
    );
    const outcome = await planOf(
      "management",
      {
        organizationAccess: {
          ...organizationAccess,
          memberRole: { ...organizationAccess.memberRole, excludeAccounts: [] },
        },
      },
      management,
    );
    assert.strictEqual(outcome.exitCode, 1);
    assert.deepStrictEqual(brief(outcome), [
      // The role's assumption alerts follow its targets: their instance is replaced the same way.
      [
        "replace",
        "observability-org-access-OrganizationAccountAccessRole-us-east-1-ou-workloads",
        ["StackSet instance", "protected"],
        ["deploymentTargets"],
      ],
      [
        "replace",
        "organization-access-member-role-roles-ou-workloads",
        ["StackSet instance", "protected", "organization access role"],
        ["deploymentTargets"],
      ],
    ]);
    const change = outcome.report?.dangerousChanges?.find(
      (d) => d.name === "organization-access-member-role-roles-ou-workloads",
    );
    assert.strictEqual(
      change?.removes,
      "its delete removes the stacks of StackSet org-access-OrganizationAccountAccessRole (OrganizationAccountAccessRole) in prod (666666666666), staging (777777777777)",
    );
    assert.match(
      change?.procedure ?? "",
      /org-access-OrganizationAccountAccessRole,ou-a1b2-workload1,us-east-1/,
    );
    assert.match(change?.procedure ?? "", /AccountFilterType=INTERSECTION --regions us-east-1`/);
    assert.match(change?.procedure ?? "", /pulumi state delete --force/);
    assert.ok(
      outcome.problems.some((p) =>
        p.startsWith("dangerous change since the baseline: replaces (deploymentTargets changed)"),
      ),
    );
    const markdown = fs.readFileSync(outcome.files[0], "utf8");
    assert.match(markdown, /## Dangerous changes since `baseline-management.json`/);
    assert.match(
      markdown,
      /\| ❌ replace \(deploymentTargets\) \| `StackSetInstance` organization-access-member-role-roles-ou-workloads \|/,
    );
  });

  it("flags a change of securityAccess.rollout.accounts and a removed OU in the security stack", async () => {
    const securityAccess = exampleValue<Record<string, Record<string, unknown>>>(
      "security",
      "securityAccess",
    );
    const outcome = await planOf(
      "security",
      {
        securityAccess: {
          ...securityAccess,
          rollout: {
            ...securityAccess.rollout,
            accounts: [],
            organizationalUnits: ["security", "infrastructure", "workloads"],
          },
        },
      },
      security,
    );
    assert.strictEqual(outcome.exitCode, 1);
    assert.deepStrictEqual(
      brief(outcome).sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      [
        // The roles' assumption alerts follow their targets.
        ...["ComplianceAccessRole", "SecurityAccessRole"].flatMap((role) => [
          [
            "delete",
            `observability-org-access-${role}-us-east-1-bounded-ou-sandbox`,
            ["StackSet instance", "protected"],
            [],
          ],
          [
            "replace",
            `observability-org-access-${role}-us-east-1-bounded-ou-workloads`,
            ["StackSet instance", "protected"],
            ["deploymentTargets"],
          ],
        ]),
        [
          "delete",
          "security-access-compliance-targets-roles-bounded-ou-sandbox",
          ["StackSet instance", "protected"],
          [],
        ],
        [
          "replace",
          "security-access-compliance-targets-roles-bounded-ou-workloads",
          ["StackSet instance", "protected"],
          ["deploymentTargets"],
        ],
        [
          "delete",
          "security-access-security-targets-roles-bounded-ou-sandbox",
          ["StackSet instance", "protected"],
          [],
        ],
        [
          "replace",
          "security-access-security-targets-roles-bounded-ou-workloads",
          ["StackSet instance", "protected"],
          ["deploymentTargets"],
        ],
      ],
    );
    const sandbox = outcome.report?.dangerousChanges?.find(
      (d) => d.name === "security-access-security-targets-roles-bounded-ou-sandbox",
    );
    assert.strictEqual(
      sandbox?.removes,
      "its delete removes the stacks of StackSet org-access-SecurityAccessRole-bounded (SecurityAccessRole) in sandbox (999999999999)",
    );
    assert.match(sandbox?.procedure ?? "", /pulumi state unprotect/);
  });

  it("flags deleting the management account's organization access role (protected, retained)", async () => {
    const organizationAccess = exampleValue<Record<string, Record<string, unknown>>>(
      "management",
      "organizationAccess",
    );
    const outcome = await planOf(
      "management",
      { organizationAccess: { ...organizationAccess, managementRole: { mode: "unmanaged" } } },
      management,
    );
    assert.deepStrictEqual(brief(outcome), [
      [
        "delete",
        "organization-access-management-role-role",
        ["protected", "retained on delete", "organization access role"],
        [],
      ],
      ["delete", "organization-access-management-role-bd08088c", ["protected", "retained on delete"], []],
    ]);
    assert.strictEqual(
      outcome.report?.dangerousChanges?.[0].removes,
      "Role OrganizationAccountAccessRole in 111111111111 leaves Pulumi's management (it is retained in AWS)",
    );
  });
});
