import * as assert from "assert";
import { FORCE_NEW } from "../../tools/plan/dangerous";
import { exampleValue, ofType, ProgramRun, RecordedResource, runExample } from "../harness";

const STACKSET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";

const guardrails = exampleValue<Record<string, Record<string, unknown>>>("management", "guardrails");
const audit = exampleValue<Record<string, unknown>>("management", "audit");
/** Every StackSet the management stack can create: the audit role and the boundary by StackSet too. */
const allStackSets = {
  audit: { ...audit, rollout: { mode: "stackset" } },
  guardrails: {
    ...guardrails,
    permissionsBoundary: { ...guardrails.permissionsBoundary, rollout: { mode: "stackset" } },
  },
};

/** Inputs an instance could change in place: neither ForceNew in the provider nor ignored. */
function updatable(instance: RecordedResource): string[] {
  const ignored = new Set(instance.ignoreChanges ?? []);
  return Object.keys(instance.inputs)
    .filter((key) => !FORCE_NEW[INSTANCE].includes(key) && !ignored.has(key))
    .sort();
}

const byUrn = (run: ProgramRun, type: string) =>
  new Map(ofType(run, type).map((r) => [r.urn, r] as [string, RecordedResource]));

describe("StackSets and their instances", function () {
  // Several whole program runs (and plans) on a shared build machine.
  this.timeout(10 * 60_000);
  const runs: Record<string, ProgramRun> = {};
  before(async () => {
    runs.management = await runExample("management");
    runs.security = await runExample("security");
    runs.allStackSets = await runExample("management", allStackSets);
  });

  it("sets every template parameter on its StackSet, so a refresh finds no diff", () => {
    // terraform-provider-aws reads `parameters` back from DescribeStackSet, which lists every template
    // parameter with its value (internal/service/cloudformation/stack_set.go `resourceStackSetRead`,
    // commit 01e31657e16f7079f81fb3709122005855f20ab1): one the program leaves to its default
    // appears on refresh and the next preview removes it again, on every run.
    const seen: string[] = [];
    for (const run of Object.values(runs)) {
      for (const stackSet of ofType(run, STACKSET)) {
        const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
          Parameters?: Record<string, unknown>;
        };
        const declared = Object.keys(template.Parameters ?? {}).sort();
        const set = Object.keys((stackSet.inputs.parameters ?? {}) as Record<string, string>).sort();
        assert.deepStrictEqual(set, declared, stackSet.name);
        if (declared.length > 0) seen.push(String(stackSet.inputs.name));
      }
    }
    // The parameterised templates: the roles whose OUs may carry a boundary, and their assumption
    // alerts (whose forwarder role carries it too), in both variants.
    assert.deepStrictEqual([...new Set(seen)].sort(), [
      "org-access-AuditReadRole",
      "org-access-AuditReadRole-alerts-us-east-1",
      "org-access-AuditReadRole-alerts-us-east-1-bounded",
      "org-access-AuditReadRole-bounded",
      "org-access-ComplianceAccessRole",
      "org-access-ComplianceAccessRole-alerts-us-east-1",
      "org-access-ComplianceAccessRole-alerts-us-east-1-bounded",
      "org-access-ComplianceAccessRole-bounded",
      "org-access-SecurityAccessRole",
      "org-access-SecurityAccessRole-alerts-us-east-1",
      "org-access-SecurityAccessRole-alerts-us-east-1-bounded",
      "org-access-SecurityAccessRole-bounded",
    ]);
  });

  it("gives each instance only inputs that never update in place, and protects it", () => {
    // An in-place update of an OU-targeted instance fails: terraform-provider-aws's Update sends the
    // OU ID as an account to UpdateStackInstances (issues #40675, #45510, #39393;
    // internal/service/cloudformation/stack_set_instance.go `resourceStackSetInstanceUpdate`, commit
    // 01f431114674c27cf790fafb67ac274bf8f765e1). It updates only on `parameter_overrides` and
    // `operation_preferences`: an instance has no override, and ignores later preference changes.
    let count = 0;
    for (const run of Object.values(runs)) {
      for (const instance of ofType(run, INSTANCE)) {
        count++;
        assert.deepStrictEqual(
          Object.keys(instance.inputs).sort(),
          instance.inputs.operationPreferences === undefined
            ? ["callAs", "deploymentTargets", "stackSetInstanceRegion", "stackSetName"]
            : [
                "callAs",
                "deploymentTargets",
                "operationPreferences",
                "stackSetInstanceRegion",
                "stackSetName",
              ],
          instance.name,
        );
        assert.deepStrictEqual(instance.ignoreChanges, ["operationPreferences"], instance.name);
        // `callAs` is the component's, never config: SELF from the management stack, DELEGATED_ADMIN from the security stack.
        assert.deepStrictEqual(updatable(instance), ["callAs"], instance.name);
        // A replacement keeps the physical ID and deletes the stacks: the engine must refuse it.
        assert.strictEqual(instance.protect, true, instance.name);
      }
    }
    // Role instances, then the assumption alerts' instance for each: management 2 + 2, security
    // 8 + 8, management with every StackSet 7 + 5 (the boundary policies have no alerts).
    assert.strictEqual(count, 2 + 2 + (8 + 8) + (7 + 5), "instances checked");
  });

  it("passes a workload OU's boundary through its own StackSet's parameter, so renaming the boundary updates the StackSet only", async () => {
    const renamed = (stack: "management" | "security") => {
      const value = exampleValue<Record<string, Record<string, unknown>>>(stack, "guardrails");
      return {
        ...(stack === "management" ? allStackSets : {}),
        guardrails: {
          ...(stack === "management" ? allStackSets.guardrails : value),
          permissionsBoundary: {
            ...(stack === "management"
              ? allStackSets.guardrails.permissionsBoundary
              : value.permissionsBoundary),
            policyName: "org-access-boundary-v2",
          },
        },
      };
    };
    for (const [stack, before] of [
      ["management", runs.allStackSets],
      ["security", runs.security],
    ] as const) {
      const after = await runExample(stack, renamed(stack));
      const instances = byUrn(after, INSTANCE);
      for (const instance of ofType(before, INSTANCE)) {
        assert.deepStrictEqual(instances.get(instance.urn)?.inputs, instance.inputs, instance.name);
      }
      const changed = ofType(after, STACKSET)
        .filter(
          (s) => JSON.stringify(s.inputs) !== JSON.stringify(byUrn(before, STACKSET).get(s.urn)?.inputs),
        )
        .map((s) => [s.inputs.name, s.inputs.parameters]);
      assert.deepStrictEqual(
        changed,
        stack === "management"
          ? [
              // The boundary StackSet's template names the policy; the audit role's bounded StackSet
              // and its alerts' bounded StackSet pass it.
              [
                "org-access-AuditReadRole-alerts-us-east-1-bounded",
                { PermissionsBoundaryPolicyName: "org-access-boundary-v2" },
              ],
              ["org-access-permissions-boundary", undefined],
              [
                "org-access-AuditReadRole-bounded",
                { PermissionsBoundaryPolicyName: "org-access-boundary-v2" },
              ],
            ]
          : [
              [
                "org-access-SecurityAccessRole-alerts-us-east-1-bounded",
                { PermissionsBoundaryPolicyName: "org-access-boundary-v2" },
              ],
              [
                "org-access-ComplianceAccessRole-alerts-us-east-1-bounded",
                { PermissionsBoundaryPolicyName: "org-access-boundary-v2" },
              ],
              [
                "org-access-SecurityAccessRole-bounded",
                { PermissionsBoundaryPolicyName: "org-access-boundary-v2" },
              ],
              [
                "org-access-ComplianceAccessRole-bounded",
                { PermissionsBoundaryPolicyName: "org-access-boundary-v2" },
              ],
            ],
      );
    }
  });

  it("applies new operation preferences to the StackSet, never as an instance update", async () => {
    const memberRole = exampleValue<Record<string, Record<string, unknown>>>(
      "management",
      "organizationAccess",
    );
    const after = await runExample("management", {
      organizationAccess: {
        ...memberRole,
        memberRole: { ...memberRole.memberRole, operationPreferences: { maxConcurrentCount: 1 } },
      },
    });
    const before = ofType(runs.management, INSTANCE).find(
      (i) => i.name === "organization-access-member-role-roles-ou-workloads",
    );
    const now = byUrn(after, INSTANCE).get(before?.urn as string) as RecordedResource;
    // The inputs change, but only in what the instance ignores: the engine sees no diff.
    assert.deepStrictEqual(now.inputs.operationPreferences, { maxConcurrentCount: 1 });
    assert.deepStrictEqual(now.ignoreChanges, ["operationPreferences"]);
    const { operationPreferences: _new, ...rest } = now.inputs;
    const { operationPreferences: _old, ...restBefore } = (before as RecordedResource).inputs;
    assert.deepStrictEqual(rest, restBefore);
    const stackSet = ofType(after, STACKSET).find(
      (s) => s.inputs.name === "org-access-OrganizationAccountAccessRole",
    );
    assert.deepStrictEqual(stackSet?.inputs.operationPreferences, { maxConcurrentCount: 1 });
  });
});
