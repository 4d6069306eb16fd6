import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseTemplate, templateRoles, THIS_ACCOUNT } from "../../policy-pack/lib/cloudformation";
import { EngineResource, checkResources, isMandatory } from "../../policy-pack/lib/engine";
import {
  MGMT,
  ORG,
  ORG_ID,
  PROD,
  SECURITY,
  TOOLING,
  allow,
  findings,
  instance,
  messages,
  resource,
  role,
  stackSet,
  trust,
} from "./helpers";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");

describe("policy pack: CloudFormation templates and stack-level rules", () => {
  describe("template parsing", () => {
    it("reads YAML short-form tags as intrinsics and resolves parameters, !Sub, !Join, !If and pseudo parameters", () => {
      const roles = templateRoles(
        parseTemplate(fixture("security-access-role.yaml")),
        { SecurityAccountId: SECURITY, OrganizationId: ORG_ID },
        THIS_ACCOUNT,
      );
      assert.strictEqual(roles.length, 1);
      assert.strictEqual(roles[0].roleName, "SecurityAccessRole");
      assert.deepStrictEqual(
        roles[0].trust.statements[0].principals.map((p) => p.value),
        [
          `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`,
          `arn:aws:iam::${SECURITY}:role/ComplianceAutomationRole`,
        ],
      );
      assert.deepStrictEqual(roles[0].trust.statements[0].conditions[0].values, [ORG_ID]);
      const member = templateRoles(
        parseTemplate(fixture("member-org-access-role.yaml")),
        {},
        THIS_ACCOUNT,
      )[0];
      assert.deepStrictEqual(member.managedPolicyArns, ["arn:aws:iam::aws:policy/AdministratorAccess"]);
      assert.strictEqual(member.trust.statements[0].principals[0].value, `arn:aws:iam::${MGMT}:root`);
    });
    it("refuses a body that is neither JSON nor YAML with a reason", () => {
      assert.throws(() => parseTemplate("{ nope"), /the template is not valid JSON/);
      assert.throws(() => parseTemplate("- a\nb: ["), /the template is not valid YAML/);
    });
  });

  describe("cloudformation-template-trust", () => {
    const policy = "cloudformation-template-trust";
    it("passes the member organization access role template trusting the management root", () => {
      assert.deepStrictEqual(
        messages(stackSet("org-access", fixture("member-org-access-role.yaml")), policy),
        [],
      );
    });
    it("blocks the same template when its parameter points at another account: each rule names the template role", () => {
      const f = checkResources(
        [stackSet("org-access", fixture("member-org-access-role.yaml"), { ManagementAccountId: TOOLING })],
        { org: ORG },
      ).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => x.policy),
        ["trust-cross-account-requires-org-condition", "no-admin-on-cross-account-role"],
      );
      assert.match(
        f[0].message,
        /^Template role "OrganizationAccountAccessRole" \(OrganizationAccountAccessRole\): Statement "TrustManagementAccount" trusts AWS: "arn:aws:iam::333333333333:root"/,
      );
      assert.match(
        f[1].message,
        /^Template role "OrganizationAccountAccessRole" \(OrganizationAccountAccessRole\): The role trusts/,
      );
      assert.deepStrictEqual(
        messages(
          stackSet("org-access", fixture("member-org-access-role.yaml"), { ManagementAccountId: TOOLING }),
          policy,
        ),
        [],
      );
    });
    it("checks JSON template bodies from a Stack with the trust rules: a wildcard and a missing org condition", () => {
      const body = JSON.stringify({
        Resources: {
          Open: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust(allow("*")) } },
          Audit: {
            Type: "AWS::IAM::Role",
            Properties: {
              RoleName: "audit",
              AssumeRolePolicyDocument: trust(allow({ AWS: `arn:aws:iam::${SECURITY}:role/x` })),
            },
          },
          Local: {
            Type: "AWS::IAM::Role",
            Properties: {
              AssumeRolePolicyDocument: trust(
                allow({ AWS: { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/y" } }),
              ),
            },
          },
          Bucket: { Type: "AWS::S3::Bucket" },
        },
      });
      const f = checkResources(
        [resource("aws:cloudformation/stack:Stack", "s", { templateBody: body }, PROD)],
        {
          org: ORG,
        },
      ).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => [x.policy, x.message.split(": ")[0]]),
        [
          ["trust-no-wildcard-principal", 'Template role "Open"'],
          ["trust-cross-account-requires-org-condition", 'Template role "Audit" (audit)'],
        ],
      );
    });
    it("reports an unreadable template body as mandatory", () => {
      const f = findings(
        resource("aws:cloudformation/stack:Stack", "s", { templateBody: "{ broken" }, PROD),
        policy,
      );
      assert.deepStrictEqual(
        f.map((x) => x.enforcementLevel),
        ["mandatory"],
      );
      assert.match(f[0].message, /^The templateBody cannot be checked: the template is not valid JSON/);
    });
    it("leaves stacks with only a templateUrl alone", () => {
      assert.deepStrictEqual(
        messages(resource("aws:cloudformation/stack:Stack", "s", { templateUrl: "https://x" }, PROD), policy),
        [],
      );
    });
  });

  describe("org-access-role-stackset-not-management", () => {
    const policy = "org-access-role-stackset-not-management";
    const set = stackSet("member-org-access", fixture("member-org-access-role.yaml"));
    it("blocks an instance targeting the management account, by account or deployment targets", () => {
      const f = findings(
        [
          set,
          instance("to-mgmt", "member-org-access", { accountId: MGMT }),
          instance("targets", "member-org-access", { deploymentTargets: { accounts: [MGMT] } }),
        ],
        policy,
      );
      assert.deepStrictEqual(
        f.map((x) => [x.resource, x.enforcementLevel]),
        [
          ["to-mgmt", "mandatory"],
          ["targets", "mandatory"],
        ],
      );
      assert.match(
        f[0].message,
        /^StackSet instance "to-mgmt" deploys the member OrganizationAccountAccessRole template of StackSet "member-org-access"/,
      );
    });
    it("blocks an instance with no target, which deploys to its provider's (management) account", () => {
      assert.strictEqual(findings([set, instance("implicit", "member-org-access", {})], policy).length, 1);
    });
    it("passes OU targets and member accounts, and other StackSets", () => {
      const ok = [
        set,
        instance("ous", "member-org-access", {
          deploymentTargets: { organizationalUnitIds: ["ou-abcd-12345678"] },
        }),
        instance("member", "member-org-access", { accountId: PROD }),
      ];
      assert.deepStrictEqual(findings(ok, policy), []);
      const other = stackSet("security", fixture("security-access-role.yaml"), {
        SecurityAccountId: SECURITY,
        OrganizationId: ORG_ID,
      });
      assert.deepStrictEqual(
        findings([other, instance("mgmt", "security", { accountId: MGMT })], policy),
        [],
      );
    });
  });

  describe("no-admin-on-cross-account-role-attachment", () => {
    const policy = "no-admin-on-cross-account-role-attachment";
    const ci = trust(
      allow(
        { AWS: `arn:aws:iam::${TOOLING}:role/ci` },
        { Sid: "Ci", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } },
      ),
    );
    const attach = (roleRef: string, policyArn = "arn:aws:iam::aws:policy/AdministratorAccess") =>
      resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        `attach-${roleRef}`,
        { role: roleRef, policyArn },
        PROD,
      );
    it("blocks AdministratorAccess attached to a cross-account role, matched by name or auto-name", () => {
      const f = findings(
        [role(ci, { name: "deployment-role-prod", account: PROD }), attach("deployment-role-prod")],
        policy,
      );
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].resource, "deployment-role-prod");
      assert.match(
        f[0].message,
        /^Role "deployment-role-prod": The role trusts .* \(Statement "Ci"\) in another account and has administrator rights through managed policy arn:aws:iam::aws:policy\/AdministratorAccess \(admin-equivalent: AWS managed policy AdministratorAccess Statement\[0\] allows every action \(Action "\*"\) on Resource "\*": full administrator access\) \(attachment "attach-deployment-role-prod"\)/,
      );
      const auto = findings(
        [role(ci, { resourceName: "deploy", account: PROD }), attach("deploy-a1b2c3d")],
        policy,
      );
      assert.strictEqual(auto.length, 1);
    });
    it("blocks a * on * RolePolicy, passes scoped policies and the organization access role", () => {
      const inline = resource(
        "aws:iam/rolePolicy:RolePolicy",
        "all",
        {
          role: "deployment-role-prod",
          policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
        },
        PROD,
      );
      assert.match(
        messages([role(ci, { name: "deployment-role-prod", account: PROD }), inline], policy)[0],
        /role policy "all" Statement\[0\]/,
      );
      assert.deepStrictEqual(
        findings(
          [
            role(ci, { name: "deployment-role-prod", account: PROD }),
            attach("deployment-role-prod", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
          ],
          policy,
        ),
        [],
      );
      const oaar = role(trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` })), {
        name: "OrganizationAccountAccessRole",
        account: PROD,
      });
      assert.deepStrictEqual(findings([oaar, attach("OrganizationAccountAccessRole")], policy), []);
    });
  });

  describe("default-provider-in-multi-account-stack", () => {
    const policy = "default-provider-in-multi-account-stack";
    const onDefault: EngineResource = {
      type: "aws:s3/bucket:Bucket",
      name: "forgot",
      props: {},
      provider: { name: "default_7_0_0", props: {} },
    };
    it("flags a resource on the default provider when the stack manages two accounts, as advisory", () => {
      const rs = [
        role(trust(allow({ Service: "ec2.amazonaws.com" })), { account: PROD }),
        role(trust(allow({ Service: "ec2.amazonaws.com" })), { account: SECURITY, resourceName: "r2" }),
        onDefault,
      ];
      const f = findings(rs, policy);
      assert.deepStrictEqual(
        f.map((x) => [x.resource, x.enforcementLevel]),
        [["forgot", "advisory"]],
      );
      assert.match(
        f[0].message,
        /uses the default AWS provider in a stack that manages 2 accounts \(222222222222, 444444444444\)/,
      );
    });
    it("stays quiet in a single-account stack", () => {
      assert.deepStrictEqual(
        findings(
          [role(trust(allow({ Service: "ec2.amazonaws.com" })), { account: PROD }), onDefault],
          policy,
        ),
        [],
      );
    });
  });

  it("the org facts given once reach every rule that needs them", () => {
    const f = findings(
      [role(trust(allow({ AWS: `arn:aws:iam::${SECURITY}:role/x` })), { account: PROD })],
      "trust-cross-account-requires-org-condition",
      { org: ORG },
    );
    assert.match(f[0].message, /of the organization/);
  });
});
