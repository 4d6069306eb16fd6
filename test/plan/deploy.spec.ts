import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  baselineOf,
  DeployResource,
  rehearse,
  STACKSETS_DELEGATED_ADMIN,
  stackFacts,
} from "../../tools/plan/deploy";
import type { OrgFacts } from "../../tools/plan/model";
import { plan as planStack } from "../../tools/plan/run";
import { exampleConfig, exampleStackFile } from "../harness";
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
/** A service-managed StackSet whose template holds one role, and its instance on the workloads OU. */
function roleStackSet(
  stack: string,
  name: string,
  account: string,
  role: { RoleName: string; AssumeRolePolicyDocument: string },
): { stackSet: DeployResource; instance: DeployResource } {
  const stackSet: DeployResource = {
    urn: urn(stack, "aws:cloudformation/stackSet:StackSet", name),
    type: "aws:cloudformation/stackSet:StackSet",
    name,
    account,
    inputs: {
      name,
      permissionModel: "SERVICE_MANAGED",
      callAs: "SELF",
      templateBody: JSON.stringify({ Resources: { Role: { Type: "AWS::IAM::Role", Properties: role } } }),
    },
  };
  const instance: DeployResource = {
    urn: urn(stack, "aws:cloudformation/stackSetInstance:StackSetInstance", `${name}-ou-workloads`),
    type: "aws:cloudformation/stackSetInstance:StackSetInstance",
    name: `${name}-ou-workloads`,
    account,
    inputs: { stackSetName: name, deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] } },
    dependencies: [stackSet.urn],
  };
  return { stackSet, instance };
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
    const { stackSet, instance } = roleStackSet("management", "member-role", MANAGEMENT, {
      RoleName: "OrganizationAccountAccessRole",
      AssumeRolePolicyDocument: trust({ AWS: MANAGEMENT }),
    });
    const instanceUrn = instance.urn;
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
    const { stackSet, instance } = roleStackSet("security", "targets", SECURITY, {
      RoleName: "SecurityAccessRole",
      AssumeRolePolicyDocument: trust({ AWS: roleArn(SECURITY, "SecurityAutomationRole") }),
    });
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

  it("reports two StackSets that create the same IAM role name in one account, and accepts distinct names", () => {
    // IAM names are unique in an account: the second CreateRole fails with EntityAlreadyExists (IAM API
    // Reference, CreateRole "Errors"), so the second stack instance in that account fails.
    const doc = trust({ Service: "events.amazonaws.com" });
    const a = roleStackSet("management", "alerts-a", MANAGEMENT, {
      RoleName: "forwarder",
      AssumeRolePolicyDocument: doc,
    });
    const b = roleStackSet("management", "alerts-b", MANAGEMENT, {
      RoleName: "forwarder",
      AssumeRolePolicyDocument: doc,
    });
    assert.deepStrictEqual(
      plan("management", { management: [a.stackSet, a.instance, b.stackSet, b.instance] }).findings.map(
        (f) => [f.rule, f.name, f.needs, f.createdBy?.urn, f.message],
      ),
      [
        [
          "name-collision",
          "alerts-b-ou-workloads",
          roleArn(PROD, "forwarder"),
          a.instance.urn,
          `${roleArn(PROD, "forwarder")} is created by alerts-a-ou-workloads and alerts-b-ou-workloads: IAM names are unique in an account, so whichever comes second fails with EntityAlreadyExists. Give one of them another name`,
        ],
      ],
    );
    const c = roleStackSet("management", "alerts-b", MANAGEMENT, {
      RoleName: "forwarder-b",
      AssumeRolePolicyDocument: doc,
    });
    assert.deepStrictEqual(
      plan("management", { management: [a.stackSet, a.instance, c.stackSet, c.instance] }).findings,
      [],
    );
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

describe("first-run rehearsal in the plan reports", function () {
  // Several whole program runs (and plans) on a shared build machine.
  this.timeout(10 * 60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-deploy-"));

  it("orders the example stacks management then security, with nothing that would fail", async () => {
    // The other stack comes from the Pulumi.<stack>.yaml files next to the planned one: the security
    // plan of examples/full finds examples/full/Pulumi.management.yaml.
    const outcome = await planStack({
      configFile: exampleStackFile("full", "security"),
      outDir: path.join(tmp, "examples"),
    });
    const deploy = outcome.report?.deploy;
    assert.deepStrictEqual(
      [deploy?.order, deploy?.steps.map((s) => [s.index, s.stack, s.after, s.failures]), deploy?.findings],
      [
        ["management", "security"],
        [
          [1, "management", [], 0],
          [2, "security", ["management"], 0],
        ],
        [],
      ],
    );
    // What no stack creates: the member role of accounts the StackSet does not cover, the vendors' sides.
    assert.deepStrictEqual(
      deploy?.prerequisites.filter((p) => p.rule === "assumed-role").map((p) => p.needs),
      ["222222222222", "333333333333", "444444444444", "555555555555", "888888888888", "999999999999"].map(
        (id) => `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
      ),
    );
    assert.strictEqual(outcome.exitCode, 0);
    const markdown = fs.readFileSync(outcome.files[0], "utf8");
    assert.match(markdown, /\| First deploy \| `management` → `security`: nothing would fail \|/);
    assert.match(markdown, /\| 2 \| `security` \| management \| \d+ \| 0 \|/);
  });

  it("fails the plan on a role created before the role its trust names, in Markdown and JSON", async () => {
    // The fixture creates extra roles in list order: the first trusts the second, created after it.
    process.env.ORG_ACCESS_PLAN_EXTRAS = JSON.stringify({
      roles: [
        { account: PROD, name: "app-deploy", trust: JSON.parse(trust({ AWS: roleArn(TOOLING, "app-ci") })) },
        {
          account: TOOLING,
          name: "app-ci",
          trust: JSON.parse(trust({ Service: "ecs-tasks.amazonaws.com" })),
        },
      ],
    });
    let outcome: Awaited<ReturnType<typeof planStack>>;
    try {
      outcome = await planStack({
        stack: "management",
        config: exampleConfig("management"),
        programPath: path.join(__dirname, "fixtures", "extras-program.ts"),
        outDir: path.join(tmp, "planted"),
      });
    } finally {
      delete process.env.ORG_ACCESS_PLAN_EXTRAS;
    }
    assert.strictEqual(outcome.exitCode, 1);
    assert.deepStrictEqual(brief(outcome.report?.deploy as DeployReport), [
      [
        "first-run",
        "trust-principal",
        `fixture-${PROD}-app-deploy`,
        roleArn(TOOLING, "app-ci"),
        "management",
      ],
    ]);
    assert.ok(
      outcome.problems.includes(
        `deploy from an empty organization would fail: Role fixture-${PROD}-app-deploy: its trust policy names ${roleArn(TOOLING, "app-ci")}, which fixture-${TOOLING}-app-ci creates in the same run, and does not depend on it, so the engine may create it first. Give it \`dependsOn\` on that resource (a component's \`dependsOn\` does not reach its children)`,
      ),
      outcome.problems.join("\n"),
    );
    const markdown = fs.readFileSync(outcome.files[0], "utf8");
    assert.match(
      markdown,
      new RegExp(`\\| first-run \\| trust-principal \\| fixture-${PROD}-app-deploy \\| `),
    );
  });
});
