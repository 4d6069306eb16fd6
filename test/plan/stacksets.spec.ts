import * as assert from "assert";
import { RecordedResource } from "../harness";
import {
  managedPolicyTemplate,
  perAccountDocument,
  renderTemplate,
  roleTemplate,
  TEMPLATE_ACCOUNT_ID,
} from "../../components/cloudformation/template";
import { managementRootTrust } from "../../components/iam/trust";
import { buildModel, OrgFacts } from "../../tools/plan/model";
import { expandStackSets } from "../../tools/plan/stacksets";

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

  it("resolves a parameterised boundary per instance, and finds the boundary policy another StackSet creates", () => {
    const role = roleTemplate({
      roleName: "AuditReadRole",
      trustPolicy: managementRootTrust("111111111111"),
      managedPolicies: ["arn:aws:iam::aws:policy/SecurityAudit"],
      boundaryFromParameter: true,
    });
    const boundary = managedPolicyTemplate({
      policyName: "org-access-boundary",
      document: perAccountDocument({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AllowAll", Effect: "Allow", Action: "*", Resource: "*" },
          {
            Sid: "DenyEditsToSelf",
            Effect: "Deny",
            Action: "iam:DeletePolicy",
            Resource: `arn:aws:iam::${TEMPLATE_ACCOUNT_ID}:policy/org-access-boundary`,
          },
        ],
      }),
    });
    const model = buildModel(
      [
        resource("aws:cloudformation/stackSet:StackSet", "roles", {
          name: "roles",
          permissionModel: "SERVICE_MANAGED",
          templateBody: renderTemplate(role),
        }),
        resource("aws:cloudformation/stackSetInstance:StackSetInstance", "roles-security", {
          stackSetName: "roles",
          deploymentTargets: { organizationalUnitIds: ["ou-a1b2-security1"] },
        }),
        resource("aws:cloudformation/stackSetInstance:StackSetInstance", "roles-workloads", {
          stackSetName: "roles",
          deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] },
          parameterOverrides: { PermissionsBoundaryPolicyName: "org-access-boundary" },
        }),
        resource("aws:cloudformation/stackSet:StackSet", "boundary", {
          name: "boundary",
          permissionModel: "SERVICE_MANAGED",
          templateBody: renderTemplate(boundary),
        }),
        resource("aws:cloudformation/stackSetInstance:StackSetInstance", "boundary-workloads", {
          stackSetName: "boundary",
          deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] },
        }),
      ],
      org,
    );
    assert.deepStrictEqual(
      model.roles.map((r) => [r.arn, r.permissionsBoundary?.name, r.unmodelledBoundary]),
      [
        // The security OU's instance passes no boundary: the property is left out.
        ["arn:aws:iam::222222222222:role/AuditReadRole", undefined, undefined],
        ["arn:aws:iam::666666666666:role/AuditReadRole", "org-access-boundary", undefined],
        ["arn:aws:iam::777777777777:role/AuditReadRole", "org-access-boundary", undefined],
      ],
    );
    // The boundary document is the one of that account: its own ARN, filled in by Fn::Sub.
    assert.deepStrictEqual(
      (model.roles[1].permissionsBoundary?.policy as { Statement: { Resource: unknown }[] }).Statement[1]
        .Resource,
      "arn:aws:iam::666666666666:policy/org-access-boundary",
    );
    const expanded = expandStackSets(
      [
        resource("aws:cloudformation/stackSet:StackSet", "roles", {
          name: "roles",
          permissionModel: "SERVICE_MANAGED",
          templateBody: renderTemplate(role),
        }),
        resource("aws:cloudformation/stackSetInstance:StackSetInstance", "roles-workloads", {
          stackSetName: "roles",
          deploymentTargets: {
            organizationalUnitIds: ["ou-a1b2-workload1"],
            accounts: ["777777777777"],
            accountFilterType: "INTERSECTION",
          },
          parameterOverrides: { PermissionsBoundaryPolicyName: "b" },
        }),
      ],
      org,
    );
    assert.deepStrictEqual(
      expanded.map((r) => [r.accountId, r.logicalId, r.properties.PermissionsBoundary]),
      [["777777777777", "Role", "arn:aws:iam::777777777777:policy/b"]],
    );
  });

  it("leaves out resources whose Condition is false, and keeps an Fn::If it cannot decide", () => {
    const template = JSON.stringify({
      Parameters: { Enabled: { Type: "String", Default: "no" } },
      Conditions: {
        IsEnabled: { "Fn::Equals": [{ Ref: "Enabled" }, "yes"] },
        Both: { "Fn::And": [{ Condition: "IsEnabled" }, { "Fn::Not": [{ Condition: "IsEnabled" }] }] },
      },
      Resources: {
        Optional: {
          Type: "AWS::IAM::Role",
          Condition: "IsEnabled",
          Properties: {
            RoleName: "optional",
            AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] },
          },
        },
        Always: {
          Type: "AWS::IAM::Role",
          Properties: {
            RoleName: "always",
            AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] },
            Description: { "Fn::If": ["Unknown", "a", "b"] },
            MaxSessionDuration: { "Fn::If": ["Both", 7200, { Ref: "AWS::NoValue" }] },
          },
        },
      },
    });
    const resources = [
      resource("aws:cloudformation/stackSet:StackSet", "c", {
        name: "c",
        permissionModel: "SERVICE_MANAGED",
        templateBody: template,
      }),
      resource("aws:cloudformation/stackSetInstance:StackSetInstance", "c-sec", {
        stackSetName: "c",
        deploymentTargets: { organizationalUnitIds: ["ou-a1b2-security1"] },
      }),
      resource("aws:cloudformation/stackSetInstance:StackSetInstance", "c-prod", {
        stackSetName: "c",
        deploymentTargets: {
          organizationalUnitIds: ["ou-a1b2-workload1"],
          accounts: ["666666666666"],
          accountFilterType: "INTERSECTION",
        },
        parameterOverrides: { Enabled: "yes" },
      }),
    ];
    assert.deepStrictEqual(
      expandStackSets(resources, org).map((r) => [
        r.accountId,
        r.logicalId,
        r.properties.Description,
        r.properties.MaxSessionDuration,
      ]),
      [
        ["222222222222", "Always", { "Fn::If": ["Unknown", "a", "b"] }, undefined],
        ["666666666666", "Optional", undefined, undefined],
        ["666666666666", "Always", { "Fn::If": ["Unknown", "a", "b"] }, undefined],
      ],
    );
  });
});
