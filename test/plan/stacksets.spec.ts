import * as assert from "assert";
import { RecordedResource } from "../../tools/mock-runtime";
import { buildModel, OrgFacts } from "../../tools/plan/model";

const org: OrgFacts = {
  organizationId: "o-a1b2c3d4e5",
  rootId: "r-a1b2",
  managementAccountId: "111111111111",
  accounts: [
    { name: "management", id: "111111111111", ou: "root" },
    { name: "security", id: "222222222222", ou: "security" },
    { name: "prod", id: "666666666666", ou: "workloads" },
    { name: "staging", id: "777777777777", ou: "workloads" },
  ],
  organizationalUnits: [
    { name: "security", id: "ou-a1b2-security1" },
    { name: "workloads", id: "ou-a1b2-workload1" },
  ],
};

const TEMPLATE = `
Parameters:
  TrustedAccount: { Type: String, Default: "999999999999" }
Resources:
  AuditRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "audit-\${AWS::AccountId}"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: TrustSecurity
            Effect: Allow
            Principal: { AWS: !Sub "arn:aws:iam::\${TrustedAccount}:root" }
            Action: sts:AssumeRole
      ManagedPolicyArns: [!Join ["", ["arn:aws:iam::aws:policy/", "AdministratorAccess"]]]
`;

function resource(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
  return {
    urn: `urn:pulumi:test::org-access::${type}::${name}`,
    type,
    name,
    custom: true,
    inputs,
    secretInputs: [],
    account: "111111111111",
    protect: false,
    retainOnDelete: false,
    dependencies: [],
  };
}

describe("offline plan: StackSet templates", () => {
  it("expands a YAML template's roles to the OU's accounts, minus excluded ones, resolving !Sub, !Join and parameters", () => {
    const model = buildModel(
      [
        resource("aws:cloudformation/stackSet:StackSet", "audit", {
          name: "audit",
          permissionModel: "SERVICE_MANAGED",
          templateBody: TEMPLATE,
          parameters: { TrustedAccount: "222222222222" },
        }),
        resource("aws:cloudformation/stackSetInstance:StackSetInstance", "audit-root", {
          stackSetName: "audit",
          deploymentTargets: {
            organizationalUnitIds: ["r-a1b2"],
            accounts: ["777777777777"],
            accountFilterType: "DIFFERENCE",
          },
        }),
      ],
      org,
    );
    assert.deepStrictEqual(
      model.roles.map((r) => [r.arn, r.source, r.identityPolicies.map((p) => p.name)]),
      [
        // The root target reaches every account but the management account; staging is excluded.
        ["arn:aws:iam::222222222222:role/audit-222222222222", "stackset:audit", ["AdministratorAccess"]],
        ["arn:aws:iam::666666666666:role/audit-666666666666", "stackset:audit", ["AdministratorAccess"]],
      ],
    );
    assert.deepStrictEqual(model.roles[0].trust, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustSecurity",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::222222222222:root" },
          Action: "sts:AssumeRole",
        },
      ],
    });
  });

  it("deploys a self-managed instance to the one account it names, the management account included", () => {
    const model = buildModel(
      [
        resource("aws:cloudformation/stackSet:StackSet", "audit", {
          name: "audit",
          permissionModel: "SELF_MANAGED",
          templateBody: TEMPLATE,
        }),
        resource("aws:cloudformation/stackSetInstance:StackSetInstance", "audit-mgmt", {
          stackSetName: "audit",
          accountId: "111111111111",
        }),
      ],
      org,
    );
    assert.deepStrictEqual(
      model.roles.map((r) => r.arn),
      ["arn:aws:iam::111111111111:role/audit-111111111111"],
    );
  });
});
