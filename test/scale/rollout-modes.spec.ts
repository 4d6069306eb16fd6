import * as assert from "assert";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample } from "../harness";

interface TemplateRole {
  RoleName: string;
  AssumeRolePolicyDocument: unknown;
  ManagedPolicyArns: string[];
  MaxSessionDuration: number;
}

/** The roles a StackSet template creates, by role name. */
function templateRoles(run: ProgramRun): Map<string, TemplateRole> {
  const roles = new Map<string, TemplateRole>();
  for (const stackSet of ofType(run, "aws:cloudformation/stackSet:StackSet")) {
    const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
      Resources: Record<string, { Type: string; Properties: TemplateRole }>;
    };
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type === "AWS::IAM::Role") roles.set(resource.Properties.RoleName, resource.Properties);
    }
  }
  return roles;
}

describe("SecurityAccessRole rollout modes", () => {
  const securityAccess = exampleValue<{ rollout: Record<string, unknown> }>("management", "securityAccess");
  const ous = ["security", "infrastructure", "workloads", "sandbox"];
  let providers: ProgramRun;
  let stackset: ProgramRun;
  before(async () => {
    providers = await runExample("management", {
      securityAccess: {
        ...securityAccess,
        rollout: { mode: "providers", organizationalUnits: ous, accounts: [] },
      },
    });
    stackset = await runExample("security", {
      securityAccess: {
        ...securityAccess,
        rollout: { mode: "stackset", organizationalUnits: ous, accounts: [] },
      },
    });
  });

  it("creates the same role, trust policy and managed policies in both modes", () => {
    const fromTemplate = templateRoles(stackset);
    const roles = ofType(providers, "aws:iam/role:Role").filter((r) =>
      ["SecurityAccessRole", "ComplianceAccessRole"].includes(String(r.inputs.name)),
    );
    assert.ok(roles.length > 0);
    for (const role of roles) {
      const template = fromTemplate.get(String(role.inputs.name));
      assert.ok(template, `no StackSet template creates ${String(role.inputs.name)}`);
      assert.deepStrictEqual(
        jsonInput(role, "assumeRolePolicy"),
        template.AssumeRolePolicyDocument,
        role.name,
      );
      assert.strictEqual(role.inputs.maxSessionDuration, template.MaxSessionDuration);
      const attached = ofType(providers, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.parent === role.parent)
        .map((a) => String(a.inputs.policyArn))
        .sort();
      assert.deepStrictEqual(attached, [...template.ManagedPolicyArns].sort(), role.name);
    }
  });

  it("reaches the same member accounts: one provider each, or one StackSet instance per OU", () => {
    const memberAccounts = new Set(
      ofType(providers, "aws:iam/role:Role")
        .filter((r) => r.inputs.name === "SecurityAccessRole" && r.account !== "111111111111")
        .map((r) => r.account),
    );
    const ouIds = ofType(stackset, "aws:cloudformation/stackSetInstance:StackSetInstance")
      .filter((i) => i.name.startsWith("security-access-security-"))
      .flatMap(
        (i) => (i.inputs.deploymentTargets as { organizationalUnitIds: string[] }).organizationalUnitIds,
      );
    const units = exampleValue<{ name: string; id: string }[]>("management", "organizationalUnits");
    const accounts = exampleValue<{ id: string; ou: string }[]>("management", "accounts");
    const viaStackSet = new Set(
      accounts.filter((a) => ouIds.includes(units.find((u) => u.name === a.ou)?.id ?? "")).map((a) => a.id),
    );
    assert.deepStrictEqual([...memberAccounts].sort(), [...viaStackSet].sort());
    // Providers mode starts a provider per member account; StackSet mode none.
    assert.strictEqual(stackset.providers.length, 1);
    assert.ok(providers.providers.length >= memberAccounts.size);
  });
});
