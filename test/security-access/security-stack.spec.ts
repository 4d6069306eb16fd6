import * as assert from "assert";
import { PolicyDocument } from "../../components/iam/documents";
import { jsonInput, ofType, ProgramRun, runExample, single } from "../harness";

const SECURITY = "222222222222";
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const STACKSET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";

function sourceTrust(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TrustDelegatedAdminAccountPrincipals",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:PrincipalAccount": SECURITY } },
      },
    ],
  };
}

function callerPolicy(roleName: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: `AllowAssume${roleName}`,
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: [`arn:aws:iam::*:role/${roleName}`],
        Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
      },
    ],
  };
}

// IAM refuses a trust naming a role that does not exist yet and pins a named role to its unique ID;
// it checks neither for condition values, so the security stack's role is named by aws:PrincipalArn
// on its account's root (IAM User Guide, "AWS JSON policy elements: Principal", roles; condition key
// aws:PrincipalArn).
function targetTrust(sourceRole: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TrustDelegatedAdminSourceRoles",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
          ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/${sourceRole}` },
        },
      },
    ],
  };
}

describe("security access from the security stack", () => {
  let run: ProgramRun;
  let restricted: ProgramRun;
  before(async () => {
    run = await runExample("security");
    restricted = await runExample("security", {
      securityAccess: {
        teams: [
          {
            name: "security",
            sourceRoleName: "SecurityAutomationRole",
            trustedPrincipals: [
              "SecurityPipeline",
              "aws-reserved/sso.amazonaws.com/AWSReservedSSO_Security_0123",
            ],
          },
        ],
        rollout: { mode: "providers", organizationalUnits: ["workloads"] },
      },
    });
  });

  it("creates each team's source role in the security account, trusting that account's principals", () => {
    for (const [team, roleName] of [
      ["security", "SecurityAutomationRole"],
      ["compliance", "ComplianceAutomationRole"],
    ]) {
      const role = single(run, ROLE, `security-access-${team}-source-role-role`);
      assert.strictEqual(role.account, SECURITY);
      assert.strictEqual(role.inputs.name, roleName);
      assert.strictEqual(role.inputs.maxSessionDuration, 3600);
      assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), sourceTrust());
    }
  });

  it("narrows the source role's trust to the configured principals of the security account", () => {
    const role = single(restricted, ROLE, "security-access-security-source-role-role");
    assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustDelegatedAdminAccountPrincipals",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalAccount": SECURITY } },
          Principal: {
            AWS: [
              `arn:aws:iam::${SECURITY}:role/SecurityPipeline`,
              `arn:aws:iam::${SECURITY}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Security_0123`,
            ],
          },
        },
      ],
    });
  });

  it("lets each source role assume only its own team's target role, through the caller policy", () => {
    for (const [team, target] of [
      ["security", "SecurityAccessRole"],
      ["compliance", "ComplianceAccessRole"],
    ]) {
      const policy = single(run, POLICY, `security-access-${team}-source-caller-policy`);
      assert.strictEqual(policy.account, SECURITY);
      assert.strictEqual(policy.inputs.name, `AllowAssume${target}`);
      assert.deepStrictEqual(jsonInput(policy, "policy"), callerPolicy(target));
      const attachments = ofType(run, ATTACHMENT).filter((a) =>
        a.name.startsWith(`security-access-${team}-source-role`),
      );
      assert.deepStrictEqual(
        attachments.map((a) => [a.name, a.account, a.inputs.policyArn]),
        [
          [
            `security-access-${team}-source-role-caller-policy`,
            SECURITY,
            `arn:aws:iam::${SECURITY}:policy/AllowAssume${target}`,
          ],
        ],
      );
    }
  });

  it("exports the caller policy document of each team for permission sets and CI identities", () => {
    const outputs = run.outputs.capabilities as Record<
      string,
      { teams: Record<string, Record<string, unknown>> }
    >;
    const teams = outputs.securityAccess.teams;
    assert.deepStrictEqual(
      JSON.parse(String(teams.security.callerPolicy)),
      callerPolicy("SecurityAccessRole"),
    );
    assert.deepStrictEqual(
      JSON.parse(String(teams.compliance.callerPolicy)),
      callerPolicy("ComplianceAccessRole"),
    );
    assert.strictEqual(teams.security.sourceRoleArn, `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`);
    assert.strictEqual(teams.security.stackSetName, "org-access-SecurityAccessRole");
  });

  it("never grants sts:AssumeRole on `*` in any policy of the stack", () => {
    for (const policy of ofType(run, POLICY)) {
      const document = jsonInput<PolicyDocument>(policy, "policy");
      for (const statement of document.Statement as { Resource: string[] }[]) {
        for (const resource of statement.Resource) {
          assert.notStrictEqual(resource, "*");
          assert.match(resource, /^arn:aws:iam::\*:role\/[A-Za-z]+$/);
        }
      }
    }
  });

  it("rolls the target roles out by a service-managed StackSet called as delegated admin", () => {
    const stackSet = single(run, STACKSET, "security-access-security-targets-roles-stackset");
    assert.strictEqual(stackSet.account, SECURITY);
    assert.strictEqual(stackSet.inputs.permissionModel, "SERVICE_MANAGED");
    assert.strictEqual(stackSet.inputs.callAs, "DELEGATED_ADMIN");
    assert.deepStrictEqual(stackSet.inputs.autoDeployment, {
      enabled: true,
      retainStacksOnAccountRemoval: false,
    });
    assert.deepStrictEqual(stackSet.inputs.capabilities, ["CAPABILITY_NAMED_IAM"]);
    // IAM refuses a trust policy naming a role that does not exist yet.
    const source = single(run, ROLE, "security-access-security-source-role-role");
    assert.ok(stackSet.dependencies.includes(source.urn), "the StackSet waits for the source role");

    const template = JSON.parse(String(stackSet.inputs.templateBody)) as {
      Resources: Record<
        string,
        { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }
      >;
    };
    assert.deepStrictEqual(Object.keys(template.Resources), ["Role"]);
    const role = template.Resources.Role;
    assert.strictEqual(role.Type, "AWS::IAM::Role");
    assert.strictEqual(role.DeletionPolicy, undefined);
    assert.strictEqual(role.Properties.RoleName, "SecurityAccessRole");
    assert.deepStrictEqual(role.Properties.AssumeRolePolicyDocument, targetTrust("SecurityAutomationRole"));
    assert.deepStrictEqual(role.Properties.ManagedPolicyArns, ["arn:aws:iam::aws:policy/SecurityAudit"]);

    const compliance = JSON.parse(
      String(single(run, STACKSET, "security-access-compliance-targets-roles-stackset").inputs.templateBody),
    ) as typeof template;
    assert.deepStrictEqual(compliance.Resources.Role.Properties.ManagedPolicyArns, [
      "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
    ]);
    assert.deepStrictEqual(
      compliance.Resources.Role.Properties.AssumeRolePolicyDocument,
      targetTrust("ComplianceAutomationRole"),
    );
  });

  it("targets OUs by ID and leaves exceptional accounts to the management stack", () => {
    const instances = ofType(run, INSTANCE).filter((i) => i.name.startsWith("security-access-security-"));
    assert.deepStrictEqual(
      Object.fromEntries(
        instances.map((i) => [
          i.name,
          [i.account, i.inputs.callAs, i.inputs.stackSetName, i.inputs.deploymentTargets],
        ]),
      ),
      {
        "security-access-security-targets-roles-ou-security": [
          SECURITY,
          "DELEGATED_ADMIN",
          "org-access-SecurityAccessRole",
          { organizationalUnitIds: ["ou-a1b2-security1"] },
        ],
        "security-access-security-targets-roles-ou-infrastructure": [
          SECURITY,
          "DELEGATED_ADMIN",
          "org-access-SecurityAccessRole",
          { organizationalUnitIds: ["ou-a1b2-infra001"] },
        ],
        // The workload OUs' accounts carry the boundary: their own StackSet passes it.
        "security-access-security-targets-roles-bounded-ou-workloads": [
          SECURITY,
          "DELEGATED_ADMIN",
          "org-access-SecurityAccessRole-bounded",
          {
            organizationalUnitIds: ["ou-a1b2-workload1"],
            accounts: ["666666666666"],
            accountFilterType: "DIFFERENCE",
          },
        ],
        "security-access-security-targets-roles-bounded-ou-sandbox": [
          SECURITY,
          "DELEGATED_ADMIN",
          "org-access-SecurityAccessRole-bounded",
          { organizationalUnitIds: ["ou-a1b2-sandbox1"] },
        ],
      },
    );
  });

  it("never deploys the payer copy: nothing of this stack lands in the management account", () => {
    for (const r of [...run.resources, ...restricted.resources]) {
      assert.notStrictEqual(r.account, "111111111111", r.urn);
    }
    assert.deepStrictEqual(
      run.providers.map((p) => p.accountId),
      [SECURITY],
    );
    // In providers mode the security stack creates only the source roles.
    assert.deepStrictEqual(ofType(restricted, STACKSET), []);
  });

  it("lists source and StackSet-created target roles in the inventory", () => {
    const inventory = run.outputs.inventory as Record<string, { roles: Record<string, string> }>;
    // The pipeline's roles and the audit automation role live in the security account too.
    const securityAccessRoles = Object.keys(inventory.security.roles).filter(
      (n) => !n.startsWith("org-access-") && n !== "audit-automation",
    );
    assert.deepStrictEqual(securityAccessRoles, [
      "ComplianceAccessRole",
      "ComplianceAutomationRole",
      "SecurityAccessRole",
      "SecurityAutomationRole",
    ]);
    assert.deepStrictEqual(inventory.prod.roles, {});
    assert.deepStrictEqual(inventory.management.roles, {});
    assert.strictEqual(
      inventory.dev.roles.SecurityAccessRole,
      "arn:aws:iam::888888888888:role/SecurityAccessRole",
    );
  });
});
