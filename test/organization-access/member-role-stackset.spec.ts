import * as assert from "assert";
import { managementRootTrust } from "../../components/iam/trust";
import { ofType, ProgramRun, RecordedResource, runExample, single } from "../harness";
import { configErrorOf } from "./helpers";

const MANAGEMENT = "111111111111";
const STACKSET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const WAIT = "pulumi-nodejs:dynamic/org-access:PropagationWait";
const PREFIX = "organization-access-member-role";

/** The example's security access, rolled out by providers to every workloads account. */
const providersRollout = {
  delegatedAdminAccount: "security",
  teams: [{ name: "security", sourceRoleName: "SecurityAutomationRole" }],
  rollout: { mode: "providers", organizationalUnits: ["workloads"], includeManagementAccount: false },
};

function providerOf(run: ProgramRun, account: string): RecordedResource {
  return single(run, "pulumi:providers:aws", `account-${account}`);
}

describe("organization access: member-account role StackSet", () => {
  let example: ProgramRun;
  let wide: ProgramRun;
  before(async () => {
    example = await runExample("management");
    wide = await runExample("management", {
      organizationAccess: {
        memberRole: {
          organizationalUnits: ["workloads"],
          accounts: ["tooling"],
          excludeAccounts: ["dev"],
          operationPreferences: { maxConcurrentCount: 2, failureToleranceCount: 1 },
          propagationWaitSeconds: 30,
        },
      },
      securityAccess: providersRollout,
    });
  });

  it("is a protected, service-managed StackSet in the management account with auto-deployment", () => {
    const stackSet = single(example, STACKSET, `${PREFIX}-roles-stackset`);
    assert.strictEqual(stackSet.account, MANAGEMENT);
    assert.strictEqual(stackSet.protect, true);
    const { templateBody: _template, ...inputs } = stackSet.inputs;
    assert.deepStrictEqual(inputs, {
      name: "org-access-OrganizationAccountAccessRole",
      description:
        "OrganizationAccountAccessRole in member accounts: the management account's administrative access (org-access)",
      permissionModel: "SERVICE_MANAGED",
      callAs: "SELF",
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: true },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      managedExecution: { active: true },
      operationPreferences: { maxConcurrentPercentage: 50, failureToleranceCount: 0 },
      region: "us-east-1",
    });
    // One StackSet for this role (the pipeline's member preview role has its own).
    assert.deepStrictEqual(ofType(example, STACKSET).filter((r) => r.name.startsWith(PREFIX)).length, 1);
  });

  it("generates its template from the management-root trust builder, with AdministratorAccess, retained", () => {
    const template = JSON.parse(
      String(single(example, STACKSET, `${PREFIX}-roles-stackset`).inputs.templateBody),
    ) as Record<string, unknown>;
    assert.deepStrictEqual(template, {
      AWSTemplateFormatVersion: "2010-09-09",
      Description:
        "OrganizationAccountAccessRole in member accounts: the management account's administrative access (org-access)",
      Resources: {
        Role: {
          Type: "AWS::IAM::Role",
          Properties: {
            RoleName: "OrganizationAccountAccessRole",
            AssumeRolePolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "TrustManagementAccount",
                  Effect: "Allow",
                  Principal: { AWS: "arn:aws:iam::111111111111:root" },
                  Action: "sts:AssumeRole",
                },
              ],
            },
            ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
            MaxSessionDuration: 3600,
            Description: "Administrative access from the organization's management account (org-access)",
          },
          DeletionPolicy: "Retain",
          UpdateReplacePolicy: "Retain",
        },
      },
      Outputs: {
        RoleArn: {
          Description: "ARN of OrganizationAccountAccessRole",
          Value: { "Fn::GetAtt": ["Role", "Arn"] },
        },
      },
    });
    const role = (template.Resources as Record<string, { Properties: Record<string, unknown> }>).Role;
    assert.deepStrictEqual(role.Properties.AssumeRolePolicyDocument, managementRootTrust(MANAGEMENT));
  });

  it("targets the configured OU by ID, leaving out accounts that keep their own role", () => {
    const instances = ofType(example, INSTANCE).filter((r) => r.name.startsWith(PREFIX));
    assert.deepStrictEqual(
      instances.map((i) => i.name),
      [`${PREFIX}-roles-ou-workloads`],
    );
    const [instance] = instances;
    assert.strictEqual(instance.account, MANAGEMENT);
    assert.deepStrictEqual(instance.dependencies, [
      single(example, STACKSET, `${PREFIX}-roles-stackset`).urn,
    ]);
    assert.deepStrictEqual(instance.inputs, {
      stackSetName: "org-access-OrganizationAccountAccessRole",
      callAs: "SELF",
      deploymentTargets: {
        organizationalUnitIds: ["ou-a1b2-workload1"],
        accounts: ["888888888888"],
        accountFilterType: "DIFFERENCE",
      },
      stackSetInstanceRegion: "us-east-1",
      operationPreferences: { maxConcurrentPercentage: 50, failureToleranceCount: 0 },
    });
  });

  it("rolls single accounts out through their OU, narrowed to the account", () => {
    const instance = single(wide, INSTANCE, `${PREFIX}-roles-account-tooling`);
    assert.deepStrictEqual(instance.inputs.deploymentTargets, {
      organizationalUnitIds: ["ou-a1b2-infra001"],
      accounts: ["444444444444"],
      accountFilterType: "INTERSECTION",
    });
    assert.deepStrictEqual(instance.inputs.operationPreferences, {
      maxConcurrentCount: 2,
      failureToleranceCount: 1,
    });
  });

  it("never names the management account in any instance", () => {
    for (const run of [example, wide]) {
      for (const instance of ofType(run, INSTANCE)) {
        const targets = instance.inputs.deploymentTargets as { accounts?: string[] };
        assert.ok(!(targets.accounts ?? []).includes(MANAGEMENT), instance.name);
      }
    }
  });

  it("makes each covered account's provider wait for its instance and the IAM propagation wait", () => {
    const instance = single(wide, INSTANCE, `${PREFIX}-roles-ou-workloads`);
    const wait = single(wide, WAIT, `${PREFIX}-wait-ou-workloads`);
    assert.strictEqual(wait.inputs.seconds, 30);
    assert.deepStrictEqual(wait.dependencies, [instance.urn]);
    for (const account of ["prod", "staging"]) {
      assert.deepStrictEqual(providerOf(wide, account).dependencies.sort(), [instance.urn, wait.urn].sort());
    }
    // dev keeps the role AWS Organizations created: nothing to wait for.
    assert.deepStrictEqual(providerOf(wide, "dev").dependencies, []);
    const tooling = single(wide, INSTANCE, `${PREFIX}-roles-account-tooling`);
    assert.ok(single(wide, WAIT, `${PREFIX}-wait-account-tooling`).dependencies.includes(tooling.urn));
  });

  it("lists the role in the inventory of every account whose role the StackSet creates", () => {
    const inventory = wide.outputs.inventory as Record<string, { roles: Record<string, string> }>;
    const withRole = Object.entries(inventory)
      .filter(([, e]) => e.roles.OrganizationAccountAccessRole !== undefined)
      .map(([name]) => name);
    assert.deepStrictEqual(withRole, ["tooling", "prod", "staging"]);
    assert.strictEqual(
      inventory.prod.roles.OrganizationAccountAccessRole,
      "arn:aws:iam::666666666666:role/OrganizationAccountAccessRole",
    );
  });

  it("reports the rollout as a stack output", () => {
    const outputs = wide.outputs.capabilities as Record<string, Record<string, unknown>>;
    assert.deepStrictEqual(outputs.organizationAccess.memberRole, {
      stackSetName: "org-access-OrganizationAccountAccessRole",
      roleName: "OrganizationAccountAccessRole",
      organizationalUnits: ["workloads"],
      accounts: ["prod", "staging", "tooling"],
    });
  });
});

describe("organization access: member-role config errors", () => {
  const member = (memberRole: Record<string, unknown>) => ({ organizationAccess: { memberRole } });

  it("refuses to target the management account, saying where its own copy is configured", () => {
    const message = configErrorOf("management", member({ accounts: ["management"] }));
    assert.match(
      message,
      /org-access:organizationAccess\.memberRole\.accounts\[0\]: "management" is the management account; the member-account OrganizationAccountAccessRole trusts the management account and must never be deployed there \(service-managed StackSets skip it\)\. Remove it here; the management account's own copy is org-access:organizationAccess\.managementRole/,
    );
  });

  it("refuses the organization root, an empty OU and an OU whose accounts are all excluded", () => {
    const message = configErrorOf("management", {
      organizationalUnits: [
        { name: "security", id: "ou-a1b2-security1" },
        { name: "infrastructure", id: "ou-a1b2-infra001" },
        { name: "workloads", id: "ou-a1b2-workload1" },
        { name: "sandbox", id: "ou-a1b2-sandbox1" },
        { name: "suspended", id: "ou-a1b2-suspend01" },
      ],
      ...member({ organizationalUnits: ["root", "suspended", "sandbox"], excludeAccounts: ["sandbox"] }),
    });
    assert.match(
      message,
      /memberRole\.organizationalUnits\[0\]: the organization root holds the management account, which this role must never reach; list the member OUs by name instead/,
    );
    assert.match(
      message,
      /memberRole\.organizationalUnits\[1\]: organizational unit "suspended" has no account in org-access:accounts, and a StackSet instance on an empty OU fails/,
    );
    assert.match(
      message,
      /memberRole\.organizationalUnits\[2\]: every account of organizational unit "sandbox" is in excludeAccounts/,
    );
  });

  it("refuses exclusions outside the targets, duplicates of OU targets, unknown names and no target", () => {
    const message = configErrorOf(
      "management",
      member({
        organizationalUnits: ["workloads"],
        accounts: ["prod", "nope"],
        excludeAccounts: ["tooling"],
      }),
    );
    assert.match(
      message,
      /memberRole\.accounts\[0\]: account "prod" is already targeted through organizational unit "workloads"; remove it from accounts/,
    );
    assert.match(message, /memberRole\.accounts\[1\]: unknown account "nope"/);
    assert.match(
      message,
      /memberRole\.excludeAccounts\[0\]: account "tooling" is in organizational unit "infrastructure", which org-access:organizationAccess\.memberRole\.organizationalUnits does not target/,
    );
    const empty = configErrorOf("management", member({}));
    assert.match(
      empty,
      /org-access:organizationAccess\.memberRole: targets nothing; list organizationalUnits/,
    );
  });

  it("refuses conflicting operation preferences", () => {
    const message = configErrorOf(
      "management",
      member({
        organizationalUnits: ["workloads"],
        operationPreferences: {
          maxConcurrentCount: 5,
          maxConcurrentPercentage: 10,
          failureToleranceCount: 1,
        },
      }),
    );
    assert.match(
      message,
      /memberRole\.operationPreferences\.maxConcurrentPercentage: set maxConcurrentCount or maxConcurrentPercentage, not both/,
    );
    assert.match(
      message,
      /memberRole\.operationPreferences\.maxConcurrentCount: CloudFormation allows at most failureToleranceCount \+ 1 \(2\) concurrent accounts/,
    );
  });

  it("belongs to the management stack only", () => {
    const message = configErrorOf("security", member({ organizationalUnits: ["workloads"] }));
    assert.match(
      message,
      /org-access:organizationAccess: OrganizationAccountAccessRole \(org-access:organizationAccess\) is deployed by the management stack, and this is a security stack; move this key to Pulumi\.management\.yaml/,
    );
  });
});
