import * as assert from "assert";
import {
  baselineOf,
  DeployResource,
  rehearse,
  STACKSETS_DELEGATED_ADMIN,
  stackFacts,
} from "../../tools/plan/deploy";
import type { OrgFacts } from "../../tools/plan/model";
import type { DeployReport } from "../../tools/plan/types";

const MANAGEMENT = "111111111111";
const SECURITY = "222222222222";
const TOOLING = "444444444444";
const PROD = "666666666666";
const org: OrgFacts = {
  organizationId: "o-a1b2c3d4e5",
  rootId: "r-a1b2",
  managementAccountId: MANAGEMENT,
  accounts: [
    { name: "management", id: MANAGEMENT, ou: "root" },
    { name: "security", id: SECURITY, ou: "security" },
    { name: "tooling", id: TOOLING, ou: "infrastructure" },
    { name: "prod", id: PROD, ou: "workloads" },
  ],
  organizationalUnits: [
    { name: "security", id: "ou-a1b2-security1" },
    { name: "infrastructure", id: "ou-a1b2-infra001" },
    { name: "workloads", id: "ou-a1b2-workload1" },
  ],
};

const urn = (stack: string, type: string, name: string) =>
  `urn:pulumi:${stack}::org-access::${type}::${name}`;
const trust = (principal: Record<string, string>) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
  });

/** Builders for the planted resources: each names exactly what the rule under test reads. */
function role(
  stack: string,
  name: string,
  account: string,
  principal: Record<string, string>,
  extra: Partial<DeployResource> & { boundary?: string } = {},
): DeployResource {
  const { boundary, ...rest } = extra;
  return {
    urn: urn(stack, "aws:iam/role:Role", name),
    type: "aws:iam/role:Role",
    name,
    account,
    inputs: {
      name,
      assumeRolePolicy: trust(principal),
      ...(boundary ? { permissionsBoundary: boundary } : {}),
    },
    dependencies: [],
    ...rest,
  };
}
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const policy = (stack: string, name: string, account: string): DeployResource => ({
  urn: urn(stack, "aws:iam/policy:Policy", name),
  type: "aws:iam/policy:Policy",
  name,
  account,
  inputs: { name, policy: "{}" },
});

function plan(
  stack: string,
  stacks: Record<string, DeployResource[]>,
  baseline?: DeployResource[],
): DeployReport {
  return rehearse({
    stack,
    stacks: Object.entries(stacks).map(([name, resources]) =>
      stackFacts(name, resources, org, name === "management" ? "management" : "security"),
    ),
    org,
    baseline: baseline === undefined ? undefined : baselineOf("plan-management.json", baseline, org),
  });
}
const brief = (report: DeployReport) =>
  report.findings.map((f) => [f.scenario, f.rule, f.name ?? "", f.needs, f.createdBy?.stack ?? ""]);

/**
 * IAM refuses a trust policy naming a principal that does not exist ("Invalid principal in policy";
 * terraform-provider-aws internal/service/iam/role.go retries it, then fails), a boundary or attached
 * policy that does not exist; the engine configures a provider with known inputs during the preview
 * (pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go `Configure`). Each rule is planted
 * once, wrong and right.
 */
describe("first-run rehearsal", () => {
  it("reports a trust naming a role the same stack creates without depending on it, and accepts the dependency", () => {
    const ci = role("management", "ci", TOOLING, { Service: "ecs-tasks.amazonaws.com" });
    const deploy = role("management", "deploy", PROD, { AWS: roleArn(TOOLING, "ci") });
    assert.deepStrictEqual(brief(plan("management", { management: [ci, deploy] })), [
      ["first-run", "trust-principal", "deploy", roleArn(TOOLING, "ci"), "management"],
    ]);
    const ordered = { ...deploy, dependencies: [ci.urn] };
    assert.deepStrictEqual(brief(plan("management", { management: [ci, ordered] })), []);
    // Through a provider counts too: the engine creates a provider before what it serves.
    const provider: DeployResource = {
      urn: urn("management", "pulumi:providers:aws", "account-prod"),
      type: "pulumi:providers:aws",
      name: "account-prod",
      inputs: { allowedAccountIds: JSON.stringify([PROD]) },
      dependencies: [ci.urn],
    };
    const viaProvider = { ...deploy, providerUrn: provider.urn };
    assert.deepStrictEqual(brief(plan("management", { management: [ci, provider, viaProvider] })), []);
  });

  it("reports an OIDC provider, a boundary and an attached policy created in the same run without a dependency", () => {
    const oidc: DeployResource = {
      urn: urn("management", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github"),
      type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
      name: "github",
      account: TOOLING,
      inputs: { url: "https://token.actions.githubusercontent.com" },
    };
    const oidcArn = `arn:aws:iam::${TOOLING}:oidc-provider/token.actions.githubusercontent.com`;
    const boundary = policy("management", "boundary", PROD);
    const boundaryArn = `arn:aws:iam::${PROD}:policy/boundary`;
    const ci = role("management", "ci", TOOLING, { Federated: oidcArn });
    const app = role(
      "management",
      "app",
      PROD,
      { Service: "ecs-tasks.amazonaws.com" },
      { boundary: boundaryArn },
    );
    const attachment: DeployResource = {
      urn: urn("management", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-boundary"),
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      name: "app-boundary",
      account: PROD,
      inputs: { role: "app", policyArn: boundaryArn },
      dependencies: [app.urn],
    };
    assert.deepStrictEqual(brief(plan("management", { management: [oidc, boundary, ci, app, attachment] })), [
      ["first-run", "trust-principal", "ci", oidcArn, "management"],
      ["first-run", "permissions-boundary", "app", boundaryArn, "management"],
      ["first-run", "managed-policy", "app-boundary", boundaryArn, "management"],
    ]);
    // AWS managed policies and a boundary no stack creates are prerequisites, not failures.
    const external = role(
      "management",
      "ext",
      PROD,
      { Service: "ecs-tasks.amazonaws.com" },
      {
        boundary: `arn:aws:iam::${PROD}:policy/preexisting`,
      },
    );
    const report = plan("management", { management: [external] });
    assert.deepStrictEqual(report.findings, []);
    assert.deepStrictEqual(report.prerequisites, [
      {
        needs: `arn:aws:iam::${PROD}:policy/preexisting`,
        rule: "permissions-boundary",
        neededBy: ["management"],
      },
    ]);
  });

  it("reports a provider configured in the preview before the role it assumes exists, and accepts one whose role ARN waits", () => {
    const instanceUrn = urn(
      "management",
      "aws:cloudformation/stackSetInstance:StackSetInstance",
      "member-role-ou-workloads",
    );
    const stackSet: DeployResource = {
      urn: urn("management", "aws:cloudformation/stackSet:StackSet", "member-role"),
      type: "aws:cloudformation/stackSet:StackSet",
      name: "member-role",
      account: MANAGEMENT,
      inputs: {
        name: "member-role",
        permissionModel: "SERVICE_MANAGED",
        callAs: "SELF",
        templateBody: JSON.stringify({
          Resources: {
            Role: {
              Type: "AWS::IAM::Role",
              Properties: {
                RoleName: "OrganizationAccountAccessRole",
                AssumeRolePolicyDocument: trust({ AWS: MANAGEMENT }),
              },
            },
          },
        }),
      },
    };
    const instance: DeployResource = {
      urn: instanceUrn,
      type: "aws:cloudformation/stackSetInstance:StackSetInstance",
      name: "member-role-ou-workloads",
      account: MANAGEMENT,
      inputs: {
        stackSetName: "member-role",
        deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] },
      },
      dependencies: [stackSet.urn],
    };
    const wait: DeployResource = {
      urn: urn("management", "pulumi-nodejs:dynamic/org-access:PropagationWait", "member-role-wait"),
      type: "pulumi-nodejs:dynamic/org-access:PropagationWait",
      name: "member-role-wait",
      inputs: {},
      dependencies: [instanceUrn],
    };
    const assumes = JSON.stringify([{ roleArn: roleArn(PROD, "OrganizationAccountAccessRole") }]);
    const known: DeployResource = {
      urn: urn("management", "pulumi:providers:aws", "account-prod"),
      type: "pulumi:providers:aws",
      name: "account-prod",
      inputs: { allowedAccountIds: JSON.stringify([PROD]), assumeRoles: assumes },
      dependencies: [instanceUrn, wait.urn],
    };
    const stacks = (provider: DeployResource) => ({ management: [stackSet, instance, wait, provider] });
    const first = plan("management", stacks(known));
    assert.deepStrictEqual(brief(first), [
      [
        "first-run",
        "assumed-role",
        "account-prod",
        roleArn(PROD, "OrganizationAccountAccessRole"),
        "management",
      ],
    ]);
    assert.match(first.findings[0].message, /inputs are known during the preview/);
    const gated = { ...known, propertyDependencies: { assumeRoles: [instanceUrn, wait.urn] } };
    assert.deepStrictEqual(brief(plan("management", stacks(gated))), []);
    // Once the instance and the wait exist, their IDs are known in the preview: so is the role.
    const update = plan("management", stacks(known), [stackSet, instance, wait, known]);
    assert.deepStrictEqual(
      brief(update).filter(([scenario]) => scenario === "update"),
      [],
    );
  });

  it("reports a StackSet whose template trusts a role of the same stack its instance does not wait for", () => {
    const source = role("security", "SecurityAutomationRole", SECURITY, { AWS: SECURITY });
    const stackSet: DeployResource = {
      urn: urn("security", "aws:cloudformation/stackSet:StackSet", "targets"),
      type: "aws:cloudformation/stackSet:StackSet",
      name: "targets",
      account: SECURITY,
      inputs: {
        name: "targets",
        permissionModel: "SERVICE_MANAGED",
        callAs: "SELF",
        templateBody: JSON.stringify({
          Resources: {
            Role: {
              Type: "AWS::IAM::Role",
              Properties: {
                RoleName: "SecurityAccessRole",
                AssumeRolePolicyDocument: trust({ AWS: roleArn(SECURITY, "SecurityAutomationRole") }),
              },
            },
          },
        }),
      },
    };
    const instance: DeployResource = {
      urn: urn("security", "aws:cloudformation/stackSetInstance:StackSetInstance", "targets-ou-workloads"),
      type: "aws:cloudformation/stackSetInstance:StackSetInstance",
      name: "targets-ou-workloads",
      account: SECURITY,
      inputs: {
        stackSetName: "targets",
        deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] },
      },
      dependencies: [stackSet.urn],
    };
    assert.deepStrictEqual(
      plan("security", { security: [source, stackSet, instance] }).findings.map((f) => [
        f.rule,
        f.name,
        f.message,
      ]),
      [
        [
          "trust-principal",
          "targets-ou-workloads",
          `StackSetInstance targets-ou-workloads (SecurityAccessRole in ${PROD}): its trust policy names ${roleArn(SECURITY, "SecurityAutomationRole")}, which SecurityAutomationRole creates in the same run, and does not depend on it, so the engine may create it first. Give it \`dependsOn\` on that resource (a component's \`dependsOn\` does not reach its children)`,
        ],
      ],
    );
    const waits = { ...stackSet, dependencies: [source.urn] };
    assert.deepStrictEqual(plan("security", { security: [source, waits, instance] }).findings, []);
  });

  it("orders the stacks by what each needs from the other, and reports a cycle", () => {
    const registration: DeployResource = {
      urn: urn("management", "aws:organizations/delegatedAdministrator:DelegatedAdministrator", "stacksets"),
      type: "aws:organizations/delegatedAdministrator:DelegatedAdministrator",
      name: "stacksets",
      account: MANAGEMENT,
      inputs: { accountId: SECURITY, servicePrincipal: STACKSETS_DELEGATED_ADMIN },
    };
    const delegated: DeployResource = {
      urn: urn("security", "aws:cloudformation/stackSet:StackSet", "targets"),
      type: "aws:cloudformation/stackSet:StackSet",
      name: "targets",
      account: SECURITY,
      inputs: { name: "targets", callAs: "DELEGATED_ADMIN" },
    };
    const ordered = plan("security", { security: [delegated], management: [registration] });
    assert.deepStrictEqual(ordered.order, ["management", "security"]);
    assert.deepStrictEqual(ordered.steps, [
      { index: 1, stack: "management", after: [], resources: 1, failures: 0 },
      { index: 2, stack: "security", after: ["management"], resources: 1, failures: 0 },
    ]);
    assert.deepStrictEqual(ordered.findings, []);
    // Without the registration in any stack, it is a prerequisite.
    assert.deepStrictEqual(plan("security", { security: [delegated] }).prerequisites, [
      {
        needs: `delegated-admin:${SECURITY}:${STACKSETS_DELEGATED_ADMIN}`,
        rule: "delegated-admin",
        neededBy: ["security"],
      },
    ]);

    // The management stack's role trusting a role the security stack creates closes a cycle.
    const automation = role("security", "SecurityAutomationRole", SECURITY, { AWS: SECURITY });
    const target = role("management", "SecurityAccessRole", MANAGEMENT, {
      AWS: roleArn(SECURITY, "SecurityAutomationRole"),
    });
    const cyclic = plan("management", {
      management: [registration, target],
      security: [delegated, automation],
    });
    assert.deepStrictEqual(cyclic.cycle, ["management", "security"]);
    assert.deepStrictEqual(brief(cyclic), [
      ["first-run", "stack-order", "", "management <-> security", ""],
      [
        "first-run",
        "trust-principal",
        "SecurityAccessRole",
        roleArn(SECURITY, "SecurityAutomationRole"),
        "security",
      ],
    ]);
    assert.match(cyclic.findings[0].message, /ArnEquals aws:PrincipalArn/);
    // Trusting the account root narrowed by aws:PrincipalArn names no role: IAM resolves no condition value.
    const narrowed = {
      ...target,
      inputs: {
        ...target.inputs,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
              Action: "sts:AssumeRole",
              Condition: { ArnEquals: { "aws:PrincipalArn": roleArn(SECURITY, "SecurityAutomationRole") } },
            },
          ],
        }),
      },
    };
    const fixed = plan("management", {
      management: [registration, narrowed],
      security: [delegated, automation],
    });
    assert.deepStrictEqual(
      [fixed.order, fixed.cycle, fixed.findings],
      [["management", "security"], undefined, []],
    );
  });

  it("rehearses the update from a baseline: what the baseline created exists, what is new must be ordered", () => {
    const ci = role("management", "ci", TOOLING, { Service: "ecs-tasks.amazonaws.com" });
    const deploy = role("management", "deploy", PROD, { AWS: roleArn(TOOLING, "ci") });
    const ci2 = role("management", "ci2", TOOLING, { Service: "ecs-tasks.amazonaws.com" });
    const deploy2 = role("management", "deploy2", PROD, { AWS: roleArn(TOOLING, "ci2") });
    const report = plan("management", { management: [ci, deploy, ci2, deploy2] }, [ci, deploy]);
    assert.strictEqual(report.baseline, "plan-management.json");
    // The first run reports both; the update only the new pair (ci exists already).
    assert.deepStrictEqual(brief(report), [
      ["first-run", "trust-principal", "deploy", roleArn(TOOLING, "ci"), "management"],
      ["first-run", "trust-principal", "deploy2", roleArn(TOOLING, "ci2"), "management"],
      ["update", "trust-principal", "deploy2", roleArn(TOOLING, "ci2"), "management"],
    ]);
  });
});
