import * as assert from "assert";
import { exampleValue, jsonInput, ofType, ProgramRun, RecordedResource, runExample } from "../harness";
import { configIssuesOf } from "../organization-access/helpers";

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const SECURITY_AUDIT = "arn:aws:iam::aws:policy/SecurityAudit";

type SecurityAccess = {
  teams: Record<string, unknown>[];
  rollout: Record<string, unknown>;
  delegatedAdminAccount?: string;
};
const example = () => exampleValue<SecurityAccess>("management", "securityAccess");
const withRollout = (rollout: Record<string, unknown>) => ({
  securityAccess: { ...example(), rollout: { ...example().rollout, ...rollout } },
});

function targetRoles(run: ProgramRun, roleName: string): RecordedResource[] {
  return ofType(run, ROLE).filter((r) => r.inputs.name === roleName);
}

describe("security access from the management stack", () => {
  let stackset: ProgramRun;
  let providers: ProgramRun;
  let noPayer: ProgramRun;
  before(async () => {
    stackset = await runExample("management");
    providers = await runExample(
      "management",
      withRollout({
        mode: "providers",
        organizationalUnits: ["workloads", "sandbox"],
        accounts: ["tooling"],
      }),
    );
    noPayer = await runExample("management", withRollout({ includeManagementAccount: false }));
  });

  it("deploys the payer copy directly, plus exceptional accounts, when a StackSet covers the OUs", () => {
    const roles = targetRoles(stackset, "SecurityAccessRole");
    assert.deepStrictEqual(
      roles.map((r) => [r.name, r.account]),
      [
        ["security-access-security-management-role-role", "111111111111"],
        ["security-access-security-prod-role-role", "666666666666"],
      ],
    );
    assert.deepStrictEqual(
      // No SecurityAccessRole StackSet here: that one is the security stack's.
      ofType(stackset, "aws:cloudformation/stackSet:StackSet").map((s) => s.inputs.name),
      [
        // Each role StackSet gets its AssumeRole detection StackSet (observability), per region.
        "org-access-preview-member-alerts-us-east-1",
        "org-access-OrganizationAccountAccessRole-alerts-us-east-1",
        "org-access-OrganizationAccountAccessRole",
        "org-access-preview-member",
      ],
    );
  });

  it("trusts only the team's source role in the security account, within the organization, with SecurityAudit", () => {
    // IAM refuses a trust naming a role that does not exist yet and pins a named role to its unique ID;
    // it checks neither for condition values, so the security stack's role is named by aws:PrincipalArn
    // on its account's root (IAM User Guide, "AWS JSON policy elements: Principal", roles; condition key
    // aws:PrincipalArn).
    for (const role of targetRoles(stackset, "SecurityAccessRole")) {
      assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustDelegatedAdminSourceRoles",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::222222222222:root" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
              ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/SecurityAutomationRole" },
            },
          },
        ],
      });
      assert.strictEqual(role.inputs.maxSessionDuration, 3600);
      const attachments = ofType(stackset, ATTACHMENT).filter((a) => a.parent === role.parent);
      assert.deepStrictEqual(
        attachments.map((a) => [a.account, a.inputs.policyArn]),
        [[role.account, SECURITY_AUDIT]],
      );
    }
    const compliance = targetRoles(stackset, "ComplianceAccessRole");
    assert.deepStrictEqual(
      compliance.map((r) => [
        r.account,
        jsonInput<{ Statement: { Condition: { ArnEquals: Record<string, string> } }[] }>(
          r,
          "assumeRolePolicy",
        ).Statement[0].Condition.ArnEquals["aws:PrincipalArn"],
      ]),
      [
        ["111111111111", "arn:aws:iam::222222222222:role/ComplianceAutomationRole"],
        ["666666666666", "arn:aws:iam::222222222222:role/ComplianceAutomationRole"],
      ],
    );
  });

  it("in providers mode creates every target through its account's provider, payer through the home one", () => {
    const roles = targetRoles(providers, "SecurityAccessRole").sort((a, b) =>
      String(a.account).localeCompare(String(b.account)),
    );
    assert.deepStrictEqual(
      roles.map((r) => r.account),
      ["111111111111", "444444444444", "666666666666", "777777777777", "888888888888", "999999999999"],
    );
    const home = providers.providers.find((p) => p.accountId === "111111111111");
    assert.strictEqual(roles[0].providerUrn, home?.urn);
    for (const role of roles.slice(1)) {
      const provider = providers.providers.find((p) => p.urn === role.providerUrn);
      assert.strictEqual(
        provider?.roleArn,
        `arn:aws:iam::${role.account}:role/OrganizationAccountAccessRole`,
      );
    }
    assert.deepStrictEqual(
      ofType(providers, "aws:cloudformation/stackSet:StackSet").map((s) => s.inputs.name),
      [
        // Each role StackSet gets its AssumeRole detection StackSet (observability), per region.
        "org-access-preview-member-alerts-us-east-1",
        "org-access-OrganizationAccountAccessRole-alerts-us-east-1",
        "org-access-OrganizationAccountAccessRole",
        "org-access-preview-member",
      ],
    );
  });

  it("has no payer copy when includeManagementAccount is false", () => {
    assert.deepStrictEqual(
      targetRoles(noPayer, "SecurityAccessRole").map((r) => r.account),
      ["666666666666"],
    );
  });

  it("creates no source role and no caller policy resource outside the security stack", () => {
    for (const run of [stackset, providers]) {
      assert.deepStrictEqual(
        ofType(run, ROLE).filter((r) => r.account === "222222222222"),
        [],
      );
      assert.deepStrictEqual(
        ofType(run, "aws:iam/policy:Policy").filter((p) => String(p.inputs.name).startsWith("AllowAssume")),
        [],
      );
    }
  });
});

describe("security access config errors", () => {
  const team = (extra: Record<string, unknown>) => ({
    name: "security",
    sourceRoleName: "SecurityAutomationRole",
    ...extra,
  });

  it("refuses a management-account delegated admin, and the payer listed as an exceptional account", () => {
    assert.deepStrictEqual(
      configIssuesOf("management", {
        securityAccess: {
          delegatedAdminAccount: "management",
          teams: [team({})],
          rollout: { accounts: ["management"] },
        },
      }),
      [
        "org-access:securityAccess.delegatedAdminAccount: the delegated admin must be a member account: the point of delegated security access is to keep the management account out of daily work; name the security account",
        'org-access:securityAccess.rollout.accounts[0]: "management" is the management account, which a pattern reaches only through an explicit includeManagementAccount: true next to accounts; remove it from accounts and set that key if it must',
      ],
    );
  });

  it("refuses two teams on one target role, a trusted principal of another account and admin policies", () => {
    assert.deepStrictEqual(
      configIssuesOf("security", {
        securityAccess: {
          teams: [
            team({ trustedPrincipals: ["arn:aws:iam::333333333333:role/Other", "Team*"] }),
            team({
              name: "audit",
              sourceRoleName: "AuditAutomationRole",
              managedPolicies: ["AdministratorAccess"],
            }),
          ],
          rollout: { mode: "stackset", organizationalUnits: ["workloads"] },
        },
      }),
      [
        'org-access:securityAccess.teams[0].trustedPrincipals[0]: "arn:aws:iam::333333333333:role/Other" is in account 333333333333, not the delegated-admin account 222222222222; the source role trusts principals of its own account only',
        "org-access:securityAccess.teams[0].trustedPrincipals[1]: wildcards are not allowed; name each role exactly",
        'org-access:securityAccess.teams[1].targetRoleName: role name "SecurityAccessRole" is already used by org-access:securityAccess.teams[0].targetRoleName; each team has its own source and target role, so its caller policy grants only that team\'s role (set targetRoleName)',
        `org-access:securityAccess.teams[1].managedPolicies[0]: AdministratorAccess is admin-equivalent, not read-only (Statement[0] allows every action on Resource "*": full administrator access); a security team's target role takes List and Read access only: use SecurityAudit, job-function/ViewOnlyAccess or ReadOnlyAccess, or inline statements of List and Read actions (Describe*, Get*, List*)`,
      ],
    );
  });

  it("refuses a wildcard target role name, so the caller policy can never grant `*`", () => {
    const issues = configIssuesOf("security", {
      securityAccess: {
        teams: [team({ targetRoleName: "*" })],
        rollout: { organizationalUnits: ["workloads"] },
      },
    });
    assert.deepStrictEqual(issues, [
      'org-access:securityAccess.teams[0].targetRoleName: "*" is not a valid IAM role name; use 1 to 64 letters, digits and the characters + = , . @ _ -',
    ]);
  });

  it("refuses a security stack that deploys from another account than the delegated admin", () => {
    assert.deepStrictEqual(
      configIssuesOf("security", {
        securityAccess: {
          delegatedAdminAccount: "log-archive",
          teams: [team({})],
          rollout: { organizationalUnits: ["workloads"] },
        },
      }),
      [
        'org-access:securityAccess.delegatedAdminAccount: the security stack deploys from "security" (org-access:deployment.account), but the source roles belong in "log-archive"; make them the same account',
      ],
    );
  });
});
