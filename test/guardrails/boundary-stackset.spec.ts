import * as assert from "assert";
import { OrgFacts, buildModel } from "../../tools/plan/model";
import { expandStackSets } from "../../tools/plan/stacksets";
import { loadConfig } from "../../components/config";
import { issuesOf } from "../cicd/helpers";
import {
  exampleConfig,
  exampleValue,
  jsonInput,
  ofType,
  ProgramRun,
  RecordedResource,
  runExample,
} from "../harness";

/** Loads an example config with overrides; throws on any validation issue. */
const accepts = (overrides: Record<string, unknown>, stack: "management" | "security" = "management") =>
  loadConfig(exampleConfig(stack, overrides));

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const MANAGEMENT = "111111111111";
const WORKLOADS = { prod: "666666666666", staging: "777777777777", dev: "888888888888" };
const SANDBOX = "999999999999";
const TOOLING = "444444444444";
const boundaryArn = (accountId: string) => `arn:aws:iam::${accountId}:policy/org-access-boundary`;

type Guardrails = { scps: unknown[]; permissionsBoundary: Record<string, unknown> };
const example = () => exampleValue<Guardrails>("management", "guardrails");
const withBoundary = (changes: Record<string, unknown>) => ({
  guardrails: { ...example(), permissionsBoundary: { ...example().permissionsBoundary, ...changes } },
});

function org(): OrgFacts {
  const o = exampleValue<{ id: string; rootId: string; managementAccountId: string }>(
    "management",
    "organization",
  );
  return {
    organizationId: o.id,
    rootId: o.rootId,
    managementAccountId: o.managementAccountId,
    accounts: exampleValue<{ name: string; id: string; ou: string }[]>("management", "accounts"),
    organizationalUnits: exampleValue<{ name: string; id: string }[]>("management", "organizationalUnits"),
  };
}

describe("permissions boundary rolled out by StackSet", () => {
  let providers: ProgramRun;
  let stackset: ProgramRun;
  let shard: ProgramRun;
  before(async () => {
    providers = await runExample("management");
    const securityAccess = exampleValue<{ rollout: Record<string, unknown> }>("management", "securityAccess");
    stackset = await runExample("management", {
      ...withBoundary({ accounts: ["tooling"], rollout: { mode: "stackset" } }),
      // tooling's OU has no boundary: its SecurityAccessRole is deployed on its own, like prod's.
      securityAccess: {
        ...securityAccess,
        rollout: { ...securityAccess.rollout, accounts: ["prod", "tooling"] },
      },
    });
    // A shard that does not own the organization-wide resources: the StackSet is another shard's.
    shard = await runExample("management", {
      ...withBoundary({ rollout: { mode: "stackset" } }),
      scope: { organizationalUnits: ["workloads"] },
    });
  });

  it("creates one SERVICE_MANAGED StackSet in the management account, one instance per boundary OU", () => {
    const [stackSet, ...others] = ofType(stackset, STACK_SET).filter(
      (s) => s.name === "permissions-boundary-policies-stackset",
    );
    assert.deepStrictEqual(others, []);
    assert.strictEqual(stackSet.account, MANAGEMENT);
    const { templateBody, ...inputs } = stackSet.inputs;
    assert.deepStrictEqual(inputs, {
      name: "org-access-permissions-boundary",
      description:
        "org-access-boundary: permissions boundary of custom roles in workload accounts (org-access)",
      permissionModel: "SERVICE_MANAGED",
      callAs: "SELF",
      // The policy stays in an account that leaves: its roles keep their guardrail.
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: true },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      managedExecution: { active: true },
      operationPreferences: { maxConcurrentPercentage: 25, failureToleranceCount: 0 },
      region: "us-east-1",
    });
    assert.deepStrictEqual(Object.keys(JSON.parse(String(templateBody)).Resources), ["Policy"]);
    const instances = ofType(stackset, INSTANCE)
      .filter((i) => i.name.startsWith("permissions-boundary-"))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepStrictEqual(
      instances.map((i) => [i.name, i.account, i.inputs.deploymentTargets, i.inputs.parameterOverrides]),
      [
        [
          "permissions-boundary-policies-ou-sandbox",
          MANAGEMENT,
          { organizationalUnitIds: ["ou-a1b2-sandbox1"] },
          undefined,
        ],
        [
          "permissions-boundary-policies-ou-workloads",
          MANAGEMENT,
          { organizationalUnitIds: ["ou-a1b2-workload1"] },
          undefined,
        ],
      ],
    );
  });

  it("gives each account of the boundary OUs the very document a provider would create there", () => {
    const expanded = expandStackSets(stackset.resources, org()).filter(
      (r) => r.type === "AWS::IAM::ManagedPolicy",
    );
    assert.deepStrictEqual(expanded.map((r) => r.accountId).sort(), [...Object.values(WORKLOADS), SANDBOX]);
    const created = ofType(providers, POLICY).filter((p) => p.inputs.name === "org-access-boundary");
    for (const policy of expanded) {
      const byProvider = created.find((p) => p.account === policy.accountId) as RecordedResource;
      assert.deepStrictEqual(policy.properties, {
        ManagedPolicyName: "org-access-boundary",
        PolicyDocument: jsonInput(byProvider, "policy"),
        Description: byProvider.inputs.description,
      });
    }
  });

  it("creates the policy by provider only in listed accounts outside the boundary OUs", () => {
    assert.deepStrictEqual(
      ofType(stackset, POLICY)
        .filter((p) => p.inputs.name === "org-access-boundary")
        .map((p) => [p.name, p.account]),
      [["permissions-boundary-tooling-policy", TOOLING]],
    );
  });

  it("still sets the account's boundary ARN on every custom role created by provider", () => {
    const bounded = new Set([...Object.values(WORKLOADS), SANDBOX, TOOLING]);
    const roles = ofType(stackset, ROLE).filter((r) => bounded.has(r.account as string));
    assert.ok(roles.length >= 5, `only ${roles.length} roles`);
    assert.deepStrictEqual(
      roles
        .filter((r) => r.inputs.name !== "OrganizationAccountAccessRole")
        .filter((r) => r.inputs.permissionsBoundary !== boundaryArn(r.account as string))
        .map((r) => `${r.name} in ${r.account}: ${String(r.inputs.permissionsBoundary)}`),
      [],
    );
    const output = (stackset.outputs as { capabilities: { permissionsBoundaries: unknown } }).capabilities
      .permissionsBoundaries;
    assert.deepStrictEqual(output, {
      policyName: "org-access-boundary",
      exemptRoles: [],
      rolloutMode: "stackset",
      accounts: {
        tooling: boundaryArn(TOOLING),
        prod: boundaryArn(WORKLOADS.prod),
        staging: boundaryArn(WORKLOADS.staging),
        dev: boundaryArn(WORKLOADS.dev),
        sandbox: boundaryArn(SANDBOX),
      },
    });
  });

  it("makes the providers of the StackSet's accounts wait for its instance and the IAM propagation", () => {
    const resources = new Map(stackset.resources.map((r) => [r.name, r]));
    const urn = (name: string) => (resources.get(name) as RecordedResource).urn;
    const prod = ofType(stackset, "pulumi:providers:aws").find((p) => p.name === "account-prod");
    assert.ok(prod !== undefined);
    for (const name of [
      "permissions-boundary-policies-ou-workloads",
      "permissions-boundary-wait-ou-workloads",
    ]) {
      assert.ok(prod.dependencies.includes(urn(name)), name);
    }
    const wait = resources.get("permissions-boundary-wait-ou-workloads") as RecordedResource;
    assert.strictEqual(wait.inputs.seconds, 10);
    // tooling's policy comes from its own provider: nothing to wait for.
    const tooling = ofType(stackset, "pulumi:providers:aws").find((p) => p.name === "account-tooling");
    assert.ok(tooling !== undefined);
    assert.ok(!tooling.dependencies.some((d) => d.includes("permissions-boundary")));
  });

  it("lets the offline plan evaluate the StackSet's boundary on provider-created roles", () => {
    const model = buildModel(stackset.resources, org());
    const prodRoles = model.roles.filter(
      (r) =>
        r.account === WORKLOADS.prod &&
        r.kind !== "identity-center" &&
        r.name !== "OrganizationAccountAccessRole" &&
        !r.source.startsWith("stackset:"),
    );
    assert.ok(prodRoles.length > 0);
    for (const role of prodRoles) {
      assert.strictEqual(role.permissionsBoundary?.name, "org-access-boundary", role.name);
      assert.strictEqual(role.unmodelledBoundary, undefined, role.name);
    }
  });

  it("leaves the StackSet to the organization-wide shard; other shards only name the policy", () => {
    assert.deepStrictEqual(
      ofType(shard, STACK_SET).filter((s) => s.name.startsWith("permissions-boundary")),
      [],
    );
    assert.deepStrictEqual(
      ofType(shard, POLICY).filter((p) => p.inputs.name === "org-access-boundary"),
      [],
    );
    const roles = ofType(shard, ROLE).filter((r) => r.account === WORKLOADS.prod);
    assert.ok(roles.length > 0);
    for (const role of roles.filter((r) => r.inputs.name !== "OrganizationAccountAccessRole")) {
      assert.strictEqual(role.inputs.permissionsBoundary, boundaryArn(WORKLOADS.prod), role.name);
    }
  });
});

describe("permissions boundary StackSet config errors", () => {
  it("refuses an OU without accounts for the StackSet, and an unknown mode", () => {
    const units = exampleValue<Record<string, unknown>[]>("management", "organizationalUnits");
    assert.deepStrictEqual(
      issuesOf({
        organizationalUnits: [...units, { name: "staging-new", id: "ou-a1b2-stagenew1", workload: true }],
        ...withBoundary({ rollout: { mode: "stackset" } }),
      }),
      [
        'org-access:guardrails.permissionsBoundary.rollout.mode: organizational unit "staging-new" has no account in org-access:accounts, and a StackSet instance on an empty OU fails; add its accounts or leave the OU out of the boundary',
      ],
    );
    assert.deepStrictEqual(issuesOf(withBoundary({ rollout: { mode: "cfn" } })), [
      'org-access:guardrails.permissionsBoundary.rollout.mode: "providers" (the policy is created in each account through its provider) or "stackset" (a service-managed StackSet over the boundary OUs creates it)',
    ]);
  });

  it("refuses a single bounded account in an OU a role StackSet targets, naming the fixes", () => {
    const audit = exampleValue<Record<string, unknown>>("management", "audit");
    assert.deepStrictEqual(
      issuesOf({
        ...withBoundary({ accounts: ["tooling"] }),
        audit: { ...audit, rollout: { mode: "stackset" } },
      }),
      [
        'org-access:guardrails.permissionsBoundary.accounts[0]: "tooling" is in organizational unit "infrastructure", which org-access:audit rolls out by StackSet with one boundary for the whole OU; add "infrastructure" to permissionsBoundary.organizationalUnits, or set org-access:audit.rollout.mode: providers',
        'org-access:guardrails.permissionsBoundary.accounts[0]: "tooling" is in organizational unit "infrastructure", which org-access:securityAccess rolls out by StackSet with one boundary for the whole OU; add "infrastructure" to permissionsBoundary.organizationalUnits, or list the account under org-access:securityAccess.rollout.accounts (deployed one by one)',
      ],
    );
    // Exempting the roles removes the conflict: the OU's copies all go without the boundary.
    accepts({
      ...withBoundary({
        accounts: ["tooling"],
        exemptRoles: ["AuditReadRole", "SecurityAccessRole", "ComplianceAccessRole"].map((role) => ({
          role,
          reason: "read-only roles rolled out by StackSet",
        })),
      }),
      audit: { ...audit, rollout: { mode: "stackset" } },
    });
  });

  it("lets a security stack repeat the boundary block, and checks its StackSet targets too", () => {
    accepts({ guardrails: { permissionsBoundary: example().permissionsBoundary } }, "security");
    assert.deepStrictEqual(
      issuesOf(
        { guardrails: { permissionsBoundary: { enabled: true, accounts: ["log-archive"] } } },
        "security",
      ),
      [
        'org-access:guardrails.permissionsBoundary.accounts[0]: "log-archive" is in organizational unit "security", which org-access:securityAccess rolls out by StackSet with one boundary for the whole OU; add "security" to permissionsBoundary.organizationalUnits, or list the account under org-access:securityAccess.rollout.accounts (deployed one by one)',
      ],
    );
  });
});
