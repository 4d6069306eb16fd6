import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { checkResources } from "../../policy-pack/lib/engine";
import { OrgFacts } from "../../tools/plan/model";
import { orgFactsOf, packConfigOf, packResources } from "../../tools/plan/policy";
import { expandStackSets } from "../../tools/plan/stacksets";
import {
  exampleConfig,
  exampleValue,
  jsonInput,
  ofType,
  ProgramRun,
  RecordedResource,
  runExample,
  single,
} from "../harness";

const MANAGEMENT = "111111111111";
const BOUNDARY_NAME = "org-access-boundary";
const boundaryArn = (account: string) => `arn:aws:iam::${account}:policy/${BOUNDARY_NAME}`;

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

/** The example organization, as the offline plan reads it. */
function org(): OrgFacts {
  const organization = exampleValue<{ id: string; rootId: string; managementAccountId: string }>(
    "management",
    "organization",
  );
  return {
    organizationId: organization.id,
    rootId: organization.rootId,
    managementAccountId: organization.managementAccountId,
    accounts: exampleValue<{ name: string; id: string; ou: string }[]>("management", "accounts"),
    organizationalUnits: exampleValue<{ name: string; id: string }[]>("management", "organizationalUnits"),
  };
}

/** What decides who may use a role and what it may do, comparable across rollout modes. */
interface RoleFacts {
  trust: unknown;
  managedPolicies: string[];
  rolePolicies: Record<string, unknown>;
  maxSessionDuration: number;
  boundary?: string;
}

/** Roles named `roleName` that providers created, by account ID. */
function providerRoles(run: ProgramRun, roleName: string): Map<string, RoleFacts> {
  const out = new Map<string, RoleFacts>();
  const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
  const inline = ofType(run, "aws:iam/rolePolicy:RolePolicy");
  const sameRole = (role: RecordedResource) => (x: RecordedResource) =>
    x.account === role.account && x.inputs.role === roleName;
  for (const role of ofType(run, "aws:iam/role:Role").filter((r) => r.inputs.name === roleName)) {
    assert.ok(!out.has(role.account as string), `two ${roleName} in ${role.account}`);
    out.set(role.account as string, {
      trust: jsonInput(role, "assumeRolePolicy"),
      managedPolicies: attachments
        .filter(sameRole(role))
        .map((a) => String(a.inputs.policyArn))
        .sort(),
      rolePolicies: Object.fromEntries(
        inline.filter(sameRole(role)).map((p) => [String(p.inputs.name), jsonInput(p, "policy")]),
      ),
      maxSessionDuration: Number(role.inputs.maxSessionDuration),
      boundary: role.inputs.permissionsBoundary as string | undefined,
    });
  }
  return out;
}

/** Roles named `roleName` that StackSet stacks create, by account ID, as CloudFormation would resolve them. */
function stackSetRoles(run: ProgramRun, roleName: string): Map<string, RoleFacts> {
  const out = new Map<string, RoleFacts>();
  for (const r of expandStackSets(run.resources, org())) {
    if (r.type !== "AWS::IAM::Role" || r.properties.RoleName !== roleName) continue;
    assert.ok(!out.has(r.accountId), `two ${roleName} in ${r.accountId}`);
    const policies = (r.properties.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[];
    out.set(r.accountId, {
      trust: r.properties.AssumeRolePolicyDocument,
      managedPolicies: [...(r.properties.ManagedPolicyArns as string[])].sort(),
      rolePolicies: Object.fromEntries(policies.map((p) => [p.PolicyName, p.PolicyDocument])),
      maxSessionDuration: Number(r.properties.MaxSessionDuration),
      boundary: r.properties.PermissionsBoundary as string | undefined,
    });
  }
  return out;
}

/** Both modes give every account the same role; returns the boundaries by account, for more checks. */
function assertSameRoles(
  providers: Map<string, RoleFacts>,
  stackset: Map<string, RoleFacts>,
): Map<string, string | undefined> {
  assert.deepStrictEqual([...stackset.keys()].sort(), [...providers.keys()].sort(), "accounts");
  for (const [account, facts] of providers) {
    assert.deepStrictEqual(stackset.get(account), facts, `role in ${account}`);
  }
  return new Map([...providers].map(([account, facts]) => [account, facts.boundary]));
}

/** Policy pack findings (any level) on a run's StackSets and instances. */
function stackSetFindings(
  run: ProgramRun,
  stack: "management" | "security",
  overrides: Record<string, unknown>,
): string[] {
  const { config } = loadConfig(exampleConfig(stack, overrides));
  const stackSets = new Set(
    run.resources.filter((r) => r.type.startsWith("aws:cloudformation/")).map((r) => r.urn),
  );
  assert.ok(stackSets.size > 0);
  return checkResources(packResources(run), { org: orgFactsOf(config), config: packConfigOf(config) })
    .filter((f) => stackSets.has(f.resource))
    .map((f) => `${f.policy} ${f.resource}: ${f.message}`);
}

const WORKLOAD_ACCOUNTS = ["666666666666", "777777777777", "888888888888", "999999999999"];

describe("SecurityAccessRole rollout modes", () => {
  const securityAccess = exampleValue<{ rollout: Record<string, unknown> }>("management", "securityAccess");
  const guardrails = exampleValue<{ permissionsBoundary: unknown }>("management", "guardrails");
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
    stackset = await runExample("security", stacksetOverrides);
  });
  const stacksetOverrides = {
    securityAccess: {
      ...securityAccess,
      rollout: { mode: "stackset", organizationalUnits: ous, accounts: [] },
    },
    // The security stack repeats the boundary block, so its StackSet roles carry the boundary.
    guardrails: { permissionsBoundary: guardrails.permissionsBoundary },
  };

  it("raises no policy pack finding on the StackSet whose template takes the boundary as a parameter", () => {
    assert.deepStrictEqual(stackSetFindings(stackset, "security", stacksetOverrides), []);
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

  it("gives each member account the same role in both modes, permissions boundary included", () => {
    for (const roleName of ["SecurityAccessRole", "ComplianceAccessRole"]) {
      const members = providerRoles(providers, roleName);
      // The payer copy is the management stack's in both modes: no service-managed StackSet reaches it.
      members.delete(MANAGEMENT);
      const boundaries = assertSameRoles(members, stackSetRoles(stackset, roleName));
      assert.deepStrictEqual(
        Object.fromEntries([...boundaries].sort()),
        {
          "222222222222": undefined,
          "333333333333": undefined,
          "444444444444": undefined,
          "555555555555": undefined,
          ...Object.fromEntries(WORKLOAD_ACCOUNTS.map((id) => [id, boundaryArn(id)])),
        },
        roleName,
      );
    }
  });

  it("passes the boundary to the workload OUs by their own StackSet's parameter, never by instance override", () => {
    const instances = ofType(stackset, "aws:cloudformation/stackSetInstance:StackSetInstance").filter((i) =>
      i.name.startsWith("security-access-security-"),
    );
    // terraform-provider-aws updates an OU-targeted instance's overrides with the OU ID as an account,
    // which CloudFormation rejects (issues #40675, #45510, #39393): instances carry no override.
    assert.deepStrictEqual(
      Object.fromEntries(
        instances.map((i) => [i.name, [i.inputs.stackSetName, i.inputs.parameterOverrides]]),
      ),
      {
        "security-access-security-targets-roles-ou-security": ["org-access-SecurityAccessRole", undefined],
        "security-access-security-targets-roles-ou-infrastructure": [
          "org-access-SecurityAccessRole",
          undefined,
        ],
        "security-access-security-targets-roles-bounded-ou-workloads": [
          "org-access-SecurityAccessRole-bounded",
          undefined,
        ],
        "security-access-security-targets-roles-bounded-ou-sandbox": [
          "org-access-SecurityAccessRole-bounded",
          undefined,
        ],
      },
    );
    const stackSets = ofType(stackset, "aws:cloudformation/stackSet:StackSet").filter((s) =>
      s.name.startsWith("security-access-security-"),
    );
    assert.deepStrictEqual(Object.fromEntries(stackSets.map((s) => [s.inputs.name, s.inputs.parameters])), {
      "org-access-SecurityAccessRole": { PermissionsBoundaryPolicyName: "" },
      "org-access-SecurityAccessRole-bounded": { PermissionsBoundaryPolicyName: BOUNDARY_NAME },
    });
    // The security stack names the boundary the management stack creates; it creates no policy.
    assert.deepStrictEqual(
      ofType(stackset, "aws:iam/policy:Policy").filter((p) => p.inputs.name === BOUNDARY_NAME),
      [],
    );
  });

  it("reaches the same member accounts: one provider each, or one StackSet instance per OU", () => {
    const memberAccounts = new Set(
      ofType(providers, "aws:iam/role:Role")
        .filter((r) => r.inputs.name === "SecurityAccessRole" && r.account !== MANAGEMENT)
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

describe("AuditReadRole rollout modes", () => {
  const audit = exampleValue<Record<string, unknown>>("management", "audit");
  let providers: ProgramRun;
  let stackset: ProgramRun;
  before(async () => {
    providers = await runExample("management", { audit: { ...audit, rollout: { mode: "providers" } } });
    stackset = await runExample("management", stacksetOverrides);
  });
  const stacksetOverrides = { audit: { ...audit, rollout: { mode: "stackset" } } };

  it("raises no policy pack finding on the StackSet whose template takes the boundary as a parameter", () => {
    assert.deepStrictEqual(stackSetFindings(stackset, "management", stacksetOverrides), []);
  });

  it("gives every target account the same role in both modes: trust, policies, session and boundary", () => {
    const byProvider = providerRoles(providers, "AuditReadRole");
    // StackSet mode: the StackSet covers the target OUs, providers the listed accounts.
    const direct = providerRoles(stackset, "AuditReadRole");
    const viaStackSet = stackSetRoles(stackset, "AuditReadRole");
    assert.deepStrictEqual([...direct.keys()].sort(), ["111111111111", "333333333333"]);
    const combined = new Map([...viaStackSet, ...direct]);
    assert.strictEqual(combined.size, direct.size + viaStackSet.size, "an account got the role twice");
    const boundaries = assertSameRoles(byProvider, combined);
    assert.deepStrictEqual(Object.fromEntries([...boundaries].sort()), {
      "111111111111": undefined,
      "333333333333": undefined,
      "444444444444": undefined,
      "555555555555": undefined,
      ...Object.fromEntries(WORKLOAD_ACCOUNTS.map((id) => [id, boundaryArn(id)])),
    });
  });

  it("rolls the OUs out with SERVICE_MANAGED StackSets from the management account (callAs SELF, auto-deployment), the workload OUs' with the boundary", () => {
    const [stackSet, ...others] = ofType(stackset, "aws:cloudformation/stackSet:StackSet").filter(
      (s) => s.name === "audit-read-roles-stackset",
    );
    assert.deepStrictEqual(others, []);
    const bounded = single(
      stackset,
      "aws:cloudformation/stackSet:StackSet",
      "audit-read-roles-bounded-stackset",
    );
    assert.deepStrictEqual(
      [
        bounded.inputs.name,
        bounded.inputs.parameters,
        bounded.inputs.templateBody === stackSet.inputs.templateBody,
      ],
      ["org-access-AuditReadRole-bounded", { PermissionsBoundaryPolicyName: BOUNDARY_NAME }, true],
    );
    assert.strictEqual(stackSet.account, MANAGEMENT);
    const { templateBody, ...inputs } = stackSet.inputs;
    assert.deepStrictEqual(inputs, {
      name: "org-access-AuditReadRole",
      description:
        "AuditReadRole: central audit read access for the security account's automation (org-access)",
      permissionModel: "SERVICE_MANAGED",
      callAs: "SELF",
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      managedExecution: { active: true },
      operationPreferences: { maxConcurrentPercentage: 25, failureToleranceCount: 0 },
      // Every template parameter is set: one left to its default comes back from a refresh as a diff.
      parameters: { PermissionsBoundaryPolicyName: "" },
      region: "us-east-1",
    });
    const template = JSON.parse(String(templateBody)) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(template), [
      "AWSTemplateFormatVersion",
      "Description",
      "Parameters",
      "Conditions",
      "Resources",
      "Outputs",
    ]);
    assert.deepStrictEqual((template.Resources as { Role: { Properties: unknown } }).Role.Properties, {
      RoleName: "AuditReadRole",
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustSecurityAutomation",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::222222222222:root" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
              ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/audit-automation" },
            },
          },
        ],
      },
      ManagedPolicyArns: ["arn:aws:iam::aws:policy/SecurityAudit"],
      MaxSessionDuration: 3600,
      Description: "Central audit: read-only access for the security account's automation (org-access)",
      PermissionsBoundary: {
        "Fn::If": [
          "HasPermissionsBoundary",
          {
            "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${PermissionsBoundaryPolicyName}",
          },
          { Ref: "AWS::NoValue" },
        ],
      },
    });
  });

  it("targets each OU by ID, passing the workload OUs their boundary once it exists in their accounts", () => {
    const instances = ofType(stackset, "aws:cloudformation/stackSetInstance:StackSetInstance")
      .filter((i) => i.name.startsWith("audit-read-"))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepStrictEqual(
      instances.map((i) => [i.name, i.account, i.inputs]),
      [
        ["bounded-ou-sandbox", "ou-a1b2-sandbox1", "-bounded"],
        ["bounded-ou-workloads", "ou-a1b2-workload1", "-bounded"],
        ["ou-infrastructure", "ou-a1b2-infra001", ""],
      ].map(([suffix, id, variant]) => [
        `audit-read-roles-${suffix}`,
        MANAGEMENT,
        {
          stackSetName: `org-access-AuditReadRole${variant}`,
          callAs: "SELF",
          deploymentTargets: { organizationalUnitIds: [id] },
          stackSetInstanceRegion: "us-east-1",
          operationPreferences: { maxConcurrentPercentage: 25, failureToleranceCount: 0 },
        },
      ]),
    );
    // IAM refuses a role whose boundary policy does not exist: each instance waits for its accounts' policies.
    const policies = ofType(stackset, "aws:iam/policy:Policy").filter((p) => p.inputs.name === BOUNDARY_NAME);
    const workloads = instances.find(
      (i) => i.name === "audit-read-roles-bounded-ou-workloads",
    ) as RecordedResource;
    const inWorkloads = policies.filter((p) =>
      ["666666666666", "777777777777", "888888888888"].includes(p.account as string),
    );
    assert.strictEqual(inWorkloads.length, 3);
    for (const policy of inWorkloads) assert.ok(workloads.dependencies.includes(policy.urn), policy.name);
  });

  it("lists every account's role in the inventory in both modes, and starts fewer providers by StackSet", () => {
    const inventory = (run: ProgramRun) =>
      Object.entries(run.outputs.inventory as Record<string, { roles: Record<string, string> }>)
        .filter(([, entry]) => "AuditReadRole" in entry.roles)
        .map(([name, entry]) => [name, entry.roles.AuditReadRole]);
    assert.deepStrictEqual(inventory(stackset), inventory(providers));
    assert.strictEqual(inventory(stackset).length, 8);
    const audit = (stackset.outputs as { capabilities: { audit: Record<string, unknown> } }).capabilities
      .audit;
    assert.strictEqual(audit.rolloutMode, "stackset");
    assert.strictEqual(audit.stackSetName, "org-access-AuditReadRole");
    assert.deepStrictEqual(Object.keys(audit.roles as Record<string, string>), [
      "management",
      "log-archive",
      "tooling",
      "infra-ops",
      "prod",
      "staging",
      "dev",
      "sandbox",
    ]);
    // Only log-archive and the management account still need their provider for this role.
    const direct = ofType(stackset, "aws:iam/role:Role").filter((r) => r.inputs.name === "AuditReadRole");
    assert.deepStrictEqual(direct.map((r) => r.account).sort(), ["111111111111", "333333333333"]);
  });
});
