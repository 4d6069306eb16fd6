import * as assert from "assert";
import {
  exampleStackConfig,
  jsonInput,
  ofType,
  ProgramRun,
  RecordedResource,
  runExampleStack,
  single,
} from "../harness";

/**
 * What examples/README.md promises of the minimal organization and of its sharded layout, on what the
 * program registers. That each example's expectations hold and the pack finds nothing mandatory is
 * what CI's plans of every example prove (`.ci/run`), and test/foundation/example-stacks-pack.spec.ts.
 */

const ACCOUNTS: Record<string, string> = {
  "100000000001": "management",
  "100000000002": "tooling",
  "100000000003": "dev",
  "100000000004": "prod",
};
const ORG = "o-exampleorg1";
const WORKLOADS_OU = "ou-ex01-workload1";
const STACKSET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const ROLE = "aws:iam/role:Role";
const INLINE = "aws:iam/rolePolicy:RolePolicy";

/** Every AWS resource as `type name @ account`, the account named by its provider. */
function placed(run: ProgramRun): string[] {
  return run.resources
    .filter((r) => r.custom && r.type.startsWith("aws:"))
    .map((r) => `${r.type} ${r.name} @ ${ACCOUNTS[r.account ?? ""] ?? `no account (${String(r.account)})`}`)
    .sort();
}

/** Providers as `[name, account, role it assumes]`. */
function providers(run: ProgramRun): [string, string, string | undefined][] {
  return run.providers.map((p) => [p.name, ACCOUNTS[p.accountId ?? ""] ?? String(p.accountId), p.roleArn]);
}

/** The IAM role with this name (one in the run). */
function role(run: ProgramRun, name: string): RecordedResource {
  const found = ofType(run, ROLE).filter((r) => r.inputs.name === name);
  assert.strictEqual(found.length, 1, `expected one role ${name}, found ${found.length}`);
  return found[0];
}

/** The inline policies a role carries, by policy name. */
function inlinePolicies(run: ProgramRun, roleName: string): Record<string, unknown> {
  return Object.fromEntries(
    ofType(run, INLINE)
      .filter((p) => p.inputs.role === roleName)
      .map((p) => [p.inputs.name, jsonInput(p, "policy")]),
  );
}

const CORE_RESOURCES = [
  "aws:cloudformation/stackSet:StackSet organization-access-member-role-roles-stackset @ management",
  "aws:cloudformation/stackSetInstance:StackSetInstance organization-access-member-role-roles-ou-workloads @ management",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider cicd-github-oidc-provider @ tooling",
  "aws:iam/role:Role cicd-ci-app-role-role @ tooling",
  "aws:iam/rolePolicy:RolePolicy cicd-ci-app-role-AssumeDeploymentRoles @ tooling",
];
const WORKLOAD_RESOURCES = [
  "aws:iam/policy:Policy permissions-boundary-dev-policy @ dev",
  "aws:iam/policy:Policy permissions-boundary-prod-policy @ prod",
  "aws:iam/role:Role cicd-deployment-prod-prod-role-role @ prod",
  "aws:iam/rolePolicy:RolePolicy cicd-deployment-prod-prod-role-Deployment @ prod",
];
const MEMBER_ROLE = (account: string) => `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;

describe("examples/minimal, as examples/README.md describes it", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runExampleStack("minimal", "minimal");
  });

  it("creates exactly these resources, each with the provider of its account", () => {
    assert.deepStrictEqual(placed(run), [...CORE_RESOURCES, ...WORKLOAD_RESOURCES].sort());
    // The management account with the stack's own credentials; members through the role the StackSet rolls out.
    assert.deepStrictEqual(providers(run), [
      ["account-management", "management", undefined],
      ["account-tooling", "tooling", MEMBER_ROLE("100000000002")],
      ["account-dev", "dev", MEMBER_ROLE("100000000003")],
      ["account-prod", "prod", MEMBER_ROLE("100000000004")],
    ]);
  });

  it("rolls OrganizationAccountAccessRole out to the workloads OU by a service-managed StackSet of the management account", () => {
    const stackSet = single(run, STACKSET, "organization-access-member-role-roles-stackset");
    assert.deepStrictEqual(
      [stackSet.inputs.name, stackSet.inputs.permissionModel, stackSet.inputs.autoDeployment],
      [
        "org-access-OrganizationAccountAccessRole",
        "SERVICE_MANAGED",
        { enabled: true, retainStacksOnAccountRemoval: true },
      ],
    );
    const template = jsonInput<{
      Resources: { Role: { Properties: Record<string, unknown> } };
    }>(stackSet, "templateBody");
    const { RoleName, AssumeRolePolicyDocument, ManagedPolicyArns } = template.Resources.Role.Properties;
    assert.deepStrictEqual(
      [RoleName, ManagedPolicyArns],
      ["OrganizationAccountAccessRole", ["arn:aws:iam::aws:policy/AdministratorAccess"]],
    );
    assert.deepStrictEqual(AssumeRolePolicyDocument, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustManagementAccount",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::100000000001:root" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    // The OU, never the accounts one by one: an account joining the OU later gets the role too.
    assert.deepStrictEqual(
      ofType(run, INSTANCE).map((i) => [i.inputs.stackSetName, i.inputs.deploymentTargets]),
      [["org-access-OrganizationAccountAccessRole", { organizationalUnitIds: [WORKLOADS_OU] }]],
    );
  });

  it("lets the prod environment of example-org/app, and nothing else, deploy prod through ci-app and the scoped deployment-role-prod", () => {
    assert.deepStrictEqual(jsonInput(role(run, "ci-app"), "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustGithubWorkflows",
          Effect: "Allow",
          Principal: {
            Federated: "arn:aws:iam::100000000002:oidc-provider/token.actions.githubusercontent.com",
          },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": ["repo:example-org/app:environment:prod"],
            },
          },
        },
      ],
    });
    assert.deepStrictEqual(inlinePolicies(run, "ci-app"), {
      AssumeDeploymentRoles: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AssumeDeploymentRoles",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: ["arn:aws:iam::100000000004:role/deployment-role-prod"],
          },
        ],
      },
    });
    const deployment = role(run, "deployment-role-prod");
    assert.strictEqual(deployment.account, "100000000004");
    assert.deepStrictEqual(jsonInput(deployment, "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustEnvironmentCiRoles",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::100000000002:role/ci-app" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
        },
      ],
    });
    // Scoped: the ECS preset's statements, no managed policy (AdministratorAccess or any other).
    assert.deepStrictEqual(
      (
        inlinePolicies(run, "deployment-role-prod").Deployment as { Statement: { Sid: string }[] }
      ).Statement.map((s) => s.Sid),
      ["DescribeNetwork", "DeployEcsServices", "PassTaskRolesToEcs"],
    );
    assert.deepStrictEqual(ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
  });

  it("puts the permissions boundary on custom roles in the workload accounts, and only there", () => {
    const boundaries = ofType(run, "aws:iam/policy:Policy").map((p) => [
      ACCOUNTS[p.account ?? ""],
      p.inputs.name,
    ]);
    assert.deepStrictEqual(boundaries, [
      ["dev", "org-access-boundary"],
      ["prod", "org-access-boundary"],
    ]);
    assert.deepStrictEqual(
      ofType(run, ROLE).map((r) => [r.inputs.name, r.inputs.permissionsBoundary]),
      [
        ["ci-app", undefined],
        ["deployment-role-prod", "arn:aws:iam::100000000004:policy/org-access-boundary"],
      ],
    );
  });
});

describe("examples/sharded, the minimal organization as two shards", () => {
  let minimal: ProgramRun;
  let core: ProgramRun;
  let workloads: ProgramRun;
  before(async () => {
    minimal = await runExampleStack("minimal", "minimal");
    core = await runExampleStack("sharded", "sharded-core");
    workloads = await runExampleStack("sharded", "sharded-workloads");
  });

  it("lists the minimal example's organization in both files, which differ in org-access:scope (and what they expect)", () => {
    const shared = (example: string, stack: string) => {
      const { values } = exampleStackConfig(example, stack);
      return Object.fromEntries(
        Object.entries(values).filter(
          ([key]) => !["org-access:scope", "org-access:expectations"].includes(key),
        ),
      );
    };
    const organization = shared("minimal", "minimal");
    assert.deepStrictEqual(shared("sharded", "sharded-core"), organization);
    assert.deepStrictEqual(shared("sharded", "sharded-workloads"), organization);
    assert.deepStrictEqual(
      ["sharded-core", "sharded-workloads"].map((stack) =>
        JSON.parse(exampleStackConfig("sharded", stack).values["org-access:scope"]),
      ),
      [{ accounts: ["tooling"], organizationWide: true }, { organizationalUnits: ["workloads"] }],
    );
  });

  it("gives the core shard the StackSet, the management account's resources, the OIDC provider and the CI role in tooling", () => {
    assert.deepStrictEqual(placed(core), CORE_RESOURCES);
    assert.deepStrictEqual(providers(core), [
      ["account-management", "management", undefined],
      ["account-tooling", "tooling", MEMBER_ROLE("100000000002")],
    ]);
  });

  it("gives the workloads shard only what lives in its accounts: the deployment role in prod and the boundaries", () => {
    assert.deepStrictEqual(placed(workloads), WORKLOAD_RESOURCES);
    // Its providers assume the role the core shard's StackSet rolls out to the workloads OU: deploy
    // the core shard first.
    assert.deepStrictEqual(providers(workloads), [
      ["account-management", "management", undefined],
      ["account-dev", "dev", MEMBER_ROLE("100000000003")],
      ["account-prod", "prod", MEMBER_ROLE("100000000004")],
    ]);
    assert.deepStrictEqual(
      ofType(core, INSTANCE).map((i) => i.inputs.deploymentTargets),
      [{ organizationalUnitIds: [WORKLOADS_OU] }],
    );
  });

  it("creates together what the minimal stack creates, each resource once and with the same inputs", () => {
    const inputsOf = (run: ProgramRun) =>
      Object.fromEntries(
        run.resources
          .filter((r) => r.custom && r.type.startsWith("aws:"))
          .map((r) => [`${r.type} ${r.name}`, r.inputs]),
      );
    assert.deepStrictEqual([...placed(core), ...placed(workloads)].sort(), placed(minimal));
    assert.deepStrictEqual({ ...inputsOf(core), ...inputsOf(workloads) }, inputsOf(minimal));
  });
});
