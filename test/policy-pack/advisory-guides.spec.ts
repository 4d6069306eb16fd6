import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkResources, EngineResource, isMandatory } from "../../policy-pack/lib/engine";
import {
  MGMT,
  ORG,
  ORG_ID,
  PROD,
  SECURITY,
  TOOLING,
  VENDOR,
  allow,
  findings,
  messages,
  provider,
  resource,
  role,
  trust,
} from "./helpers";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");

describe("policy pack: advisory rules and the guides' prescribed shapes", () => {
  describe("trust-service-confused-deputy", () => {
    const policy = "trust-service-confused-deputy";
    it("advises aws:SourceAccount for a non-compute service, exempts compute services", () => {
      const f = findings(
        role(trust(allow({ Service: "config.amazonaws.com" }, { Sid: "Config" })), { account: PROD }),
        policy,
      );
      assert.deepStrictEqual(
        f.map((x) => x.enforcementLevel),
        ["advisory"],
      );
      assert.match(
        f[0].message,
        /^Statement "Config" trusts the service "config.amazonaws.com" without an aws:SourceAccount or aws:SourceArn condition/,
      );
      assert.deepStrictEqual(
        messages(
          role(trust(allow({ Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] })), { account: PROD }),
          policy,
        ),
        [],
      );
    });
    it("accepts a lowercase aws:sourcearn condition", () => {
      const doc = trust(
        allow(
          { Service: "config.amazonaws.com" },
          { Condition: { ArnLike: { "aws:sourcearn": `arn:aws:config:*:${PROD}:*` } } },
        ),
      );
      assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy), []);
    });
  });

  describe("role-max-session-duration", () => {
    const policy = "role-max-session-duration";
    it("advises above one hour by default and follows config", () => {
      const r = role(trust(allow({ Service: "ec2.amazonaws.com" })), {
        account: PROD,
        props: { maxSessionDuration: 43200 },
      });
      assert.deepStrictEqual(
        findings(r, policy).map((f) => [f.enforcementLevel, f.message.split(":")[0]]),
        [["advisory", "maxSessionDuration is 43200 s, above 3600 s (maxSessionDurationSeconds)"]],
      );
      assert.deepStrictEqual(
        messages(r, policy, { org: ORG, config: { [policy]: { maxSessionDurationSeconds: 43200 } } }),
        [],
      );
      assert.deepStrictEqual(
        messages(
          role(trust(allow({ Service: "ec2.amazonaws.com" })), { props: { maxSessionDuration: 3600 } }),
          policy,
        ),
        [],
      );
    });
  });

  describe("mfa-condition-pattern", () => {
    const policy = "mfa-condition-pattern";
    it('advises an Allow on "false" and a Deny with Bool instead of BoolIfExists', () => {
      const doc = trust(
        allow(
          { AWS: `arn:aws:iam::${PROD}:root` },
          { Sid: "NoMfa", Condition: { Bool: { "aws:multifactorauthpresent": "false" } } },
        ),
      );
      assert.match(
        messages(role(doc, { account: PROD }), policy)[0],
        /^assumeRolePolicy Statement "NoMfa" allows when Bool aws:multifactorauthpresent "false", and a session without MFA \(aws:MultiFactorAuthPresent "false"\) gets in/,
      );
      const deny = JSON.stringify({
        Statement: [
          {
            Sid: "DenyNoMfa",
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
          },
        ],
      });
      assert.match(
        messages(resource("aws:iam/policy:Policy", "p", { policy: deny }), policy)[0],
        /^Statement "DenyNoMfa" denies on Bool aws:MultiFactorAuthPresent "false", yet a caller with long-term access keys \(no aws:MultiFactorAuthPresent in the request\) is not denied/,
      );
      const good = JSON.stringify({
        Statement: [
          {
            Effect: "Deny",
            Action: "*",
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          },
        ],
      });
      assert.deepStrictEqual(messages(resource("aws:iam/policy:Policy", "p", { policy: good }), policy), []);
    });
  });

  describe("permissions-boundary-required", () => {
    const policy = "permissions-boundary-required";
    const config = { [policy]: { workloadAccountIds: [PROD] } };
    it("advises a custom role without a boundary in a workload account only", () => {
      const r = role(trust(allow({ Service: "ec2.amazonaws.com" })), { name: "app", account: PROD });
      assert.deepStrictEqual(
        findings(r, policy, { org: ORG, config }).map((f) => f.enforcementLevel),
        ["advisory"],
      );
      assert.deepStrictEqual(
        messages(
          role(trust(allow({ Service: "ec2.amazonaws.com" })), { name: "app", account: SECURITY }),
          policy,
          { org: ORG, config },
        ),
        [],
      );
      const bounded = role(trust(allow({ Service: "ec2.amazonaws.com" })), {
        name: "app",
        account: PROD,
        props: { permissionsBoundary: `arn:aws:iam::${PROD}:policy/boundary` },
      });
      assert.deepStrictEqual(messages(bounded, policy, { org: ORG, config }), []);
      assert.deepStrictEqual(
        messages(
          role(trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` })), {
            name: "OrganizationAccountAccessRole",
            account: PROD,
          }),
          policy,
          { org: ORG, config },
        ),
        [],
      );
    });
  });

  describe("org-access-role-protected", () => {
    const policy = "org-access-role-protected";
    it("advises protect on the organization access role and on a StackSet rolling it out", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` }));
      assert.deepStrictEqual(
        findings(role(doc, { name: "OrganizationAccountAccessRole", account: PROD }), policy).map(
          (f) => f.enforcementLevel,
        ),
        ["advisory"],
      );
      assert.deepStrictEqual(
        messages(role(doc, { name: "OrganizationAccountAccessRole", account: PROD, protect: true }), policy),
        [],
      );
      const set: EngineResource = {
        type: "aws:cloudformation/stackSet:StackSet",
        name: "s",
        props: { templateBody: fixture("member-org-access-role.yaml") },
        provider: provider(MGMT),
      };
      assert.match(messages(set, policy)[0], /^This StackSet rolls out OrganizationAccountAccessRole/);
    });
  });

  describe("the guides' prescribed shapes", () => {
    const orgCondition = { Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } };
    const shapes: EngineResource[] = [
      role(trust(allow({ Service: "organizations.amazonaws.com" })), {
        name: "OrganizationAccountAccessRole",
        account: MGMT,
        protect: true,
        props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      }),
      role(trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` })), {
        name: "OrganizationAccountAccessRole",
        account: PROD,
        resourceName: "member-oaar",
        protect: true,
      }),
      resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "member-oaar-admin",
        { role: "OrganizationAccountAccessRole", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        PROD,
      ),
      role(trust(allow({ AWS: `arn:aws:iam::${SECURITY}:root` })), {
        name: "SecurityAutomationRole",
        account: SECURITY,
      }),
      resource(
        "aws:iam/rolePolicy:RolePolicy",
        "caller",
        {
          role: "SecurityAutomationRole",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AllowAssumeSecurityAccessRole",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: "arn:aws:iam::*:role/SecurityAccessRole",
              },
            ],
          }),
        },
        SECURITY,
      ),
      role(trust(allow({ AWS: `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole` }, orgCondition)), {
        name: "SecurityAccessRole",
        account: PROD,
      }),
      role(
        trust({
          Effect: "Allow",
          Principal: {
            Federated: `arn:aws:iam::${TOOLING}:oidc-provider/token.actions.githubusercontent.com`,
          },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:environment:prod" },
          },
        }),
        { name: "github-actions-deploy", account: TOOLING },
      ),
      role(
        trust(
          allow(
            { AWS: `arn:aws:iam::${TOOLING}:role/github-actions-deploy` },
            { Sid: "AllowToolingDeployRole", ...orgCondition },
          ),
        ),
        { name: "deployment-role-prod", account: PROD },
      ),
      resource(
        "aws:iam/rolePolicy:RolePolicy",
        "deploy-policy",
        {
          role: "deployment-role-prod",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "DeployApplicationStack",
                Effect: "Allow",
                Action: ["ec2:Describe*", "ecs:UpdateService", "ecs:DescribeServices", "iam:PassRole"],
                Resource: "*",
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
              },
            ],
          }),
        },
        PROD,
      ),
      role(
        trust(
          allow(
            { AWS: `arn:aws:iam::${VENDOR}:root` },
            { Condition: { StringEquals: { "sts:ExternalId": "your-unique-external-id" } } },
          ),
        ),
        { name: "vendor-observability", account: PROD },
      ),
      resource(
        "aws:kms/key:Key",
        "shared",
        {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "KeyAdministration",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${PROD}:root` },
                Action: "kms:*",
                Resource: "*",
              },
              {
                Sid: "Consumer",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${SECURITY}:role/app-upload-role` },
                Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                Resource: "*",
              },
            ],
          }),
        },
        PROD,
      ),
      resource(
        "aws:s3/bucketPolicy:BucketPolicy",
        "shared",
        {
          bucket: "shared-artifacts-prod",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AllowWorkloadRoleUpload",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${SECURITY}:role/app-upload-role` },
                Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
                Resource: "arn:aws:s3:::shared-artifacts-prod/uploads/*",
              },
            ],
          }),
        },
        PROD,
      ),
      {
        type: "aws:cloudformation/stackSet:StackSet",
        name: "member-oaar",
        props: {
          name: "member-oaar",
          templateBody: fixture("member-org-access-role.yaml"),
          parameters: { ManagementAccountId: MGMT },
        },
        provider: provider(MGMT),
        opts: { protect: true },
      },
      {
        type: "aws:cloudformation/stackSet:StackSet",
        name: "security-access",
        props: {
          name: "security-access",
          templateBody: fixture("security-access-role.yaml"),
          parameters: { SecurityAccountId: SECURITY, OrganizationId: ORG_ID },
        },
        provider: provider(SECURITY),
      },
      {
        type: "aws:cloudformation/stackSetInstance:StackSetInstance",
        name: "member-oaar-ous",
        props: {
          stackSetName: "member-oaar",
          deploymentTargets: { organizationalUnitIds: ["ou-abcd-12345678"] },
        },
        provider: provider(MGMT),
      },
    ];
    it("pass the pack with no mandatory finding; only the management role's service trust is advised", () => {
      const f = checkResources(shapes, { org: ORG });
      assert.deepStrictEqual(f.filter(isMandatory), []);
      assert.deepStrictEqual(
        f.map((x) => [x.policy, x.resource]),
        [["trust-service-confused-deputy", "OrganizationAccountAccessRole"]],
      );
    });
  });
});
