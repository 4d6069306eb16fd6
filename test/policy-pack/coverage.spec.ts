import * as assert from "assert";
import { EngineResource, Finding, checkResources, isMandatory } from "../../policy-pack/lib/engine";
import {
  MGMT,
  ORG,
  ORG_ID,
  PROD,
  SECURITY,
  TOOLING,
  VENDOR,
  allow,
  instance,
  provider,
  resource,
  role,
  stackSet,
  trust,
} from "./helpers";

/**
 * Every resource type that carries a trust policy, a resource policy, an identity policy or a
 * long-lived credential is judged by the rule that judges its canonical @pulumi/aws form: in
 * @pulumi/aws (inline `policy` inputs, attachments of many targets), in @pulumi/aws-native (type
 * tokens and properties from pulumi/pulumi-aws-native sdk/nodejs and aws-cloudformation-schema), and
 * inside CloudFormation templates of Stacks and StackSets, nested StackSets included.
 */

const ORG_COND = { StringEquals: { "aws:PrincipalOrgID": ORG_ID } };

/** [policy, the message up to its first ": "] of the mandatory findings. */
function mandatory(resources: EngineResource[], options = { org: ORG }): [string, string][] {
  return checkResources(resources, options)
    .filter(isMandatory)
    .map((f) => [f.policy, f.message.split(": ")[0]]);
}

function all(resources: EngineResource[], options = { org: ORG }): Finding[] {
  return checkResources(resources, options);
}

const stack = (templateBody: string, account = PROD): EngineResource => ({
  type: "aws:cloudformation/stack:Stack",
  name: "s",
  props: { templateBody },
  provider: provider(account),
});

describe("policy pack coverage: every form of a trust, resource or identity policy and credential", () => {
  describe("CloudFormation template resources", () => {
    const TEMPLATE = `
Resources:
  Admin:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${TOOLING}:role/ci" }, Action: sts:AssumeRole, Condition: { StringEquals: { "aws:PrincipalOrgID": ${ORG_ID} } } }]
      Policies:
        - PolicyName: assume-any
          PolicyDocument: { Statement: [{ Effect: Allow, Action: sts:AssumeRole, Resource: "*" }] }
  AllPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Admin]
      PolicyDocument: { Statement: [{ Effect: Allow, Action: "*", Resource: "*" }] }
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: pass
      Roles: [!Ref Admin]
      PolicyDocument: { Statement: [{ Effect: Allow, Action: iam:PassRole, Resource: "*" }] }
  User: { Type: AWS::IAM::User, Properties: { UserName: bob, LoginProfile: { Password: x } } }
  Key: { Type: AWS::IAM::AccessKey, Properties: { UserName: !Ref User } }
  Cred: { Type: AWS::IAM::ServiceSpecificCredential, Properties: { UserName: !Ref User, ServiceName: codecommit.amazonaws.com } }
  Bucket: { Type: AWS::S3::Bucket }
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: !Sub "\${Bucket.Arn}/*" }] }
  Kms:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: { Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${VENDOR}:root" }, Action: "kms:Decrypt", Resource: "*" }] }
  Queue: { Type: AWS::SQS::Queue }
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: "*" }, Action: sqs:SendMessage, Resource: !GetAtt Queue.Arn }] }
  Topic: { Type: AWS::SNS::Topic }
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: "*", Action: sns:Publish, Resource: !Ref Topic }] }
  Secret: { Type: AWS::SecretsManager::Secret }
  SecretPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Secret
      ResourcePolicy: { Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${VENDOR}:root" }, Action: secretsmanager:GetSecretValue, Resource: "*" }] }
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryPolicyText: { Statement: [{ Effect: Allow, Principal: "*", Action: ecr:BatchGetImage }] }
  Fn: { Type: AWS::Lambda::Function }
  Anyone: { Type: AWS::Lambda::Permission, Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: "*" } }
  AnyBucket: { Type: AWS::Lambda::Permission, Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com } }
  OwnBucket: { Type: AWS::Lambda::Permission, Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com, SourceArn: !GetAtt Bucket.Arn, SourceAccount: !Ref AWS::AccountId } }
`;
    it("runs each rule on the template resources it judges in Pulumi form, naming the template resource", () => {
      assert.deepStrictEqual(mandatory([stack(TEMPLATE)]), [
        // sts:AssumeRole on any role is an administrator right on a role another account assumes.
        ["no-admin-on-cross-account-role", 'Template role "Admin" (deploy)'],
        ["identity-assume-role-scoped", 'Template role "Admin" (deploy)'],
        ["identity-assume-role-scoped", 'Template policy "Inline" (pass)'],
        ["no-long-lived-credentials", 'Template user "User" (bob)'],
        ["no-long-lived-credentials", 'Template user "User" (bob)'],
        ["no-long-lived-credentials", 'Template access key "Key"'],
        ["no-long-lived-credentials", 'Template service-specific credential "Cred"'],
        ["resource-policy-no-open-access", 'Template bucket policy "BucketPolicy"'],
        ["resource-policy-no-open-access", 'Template KMS key "Kms"'],
        ["resource-policy-no-open-access", 'Template queue policy "QueuePolicy"'],
        ["resource-policy-no-open-access", 'Template topic policy "TopicPolicy"'],
        ["resource-policy-no-open-access", 'Template secret policy "SecretPolicy"'],
        ["resource-policy-no-open-access", 'Template ECR repository "Repo"'],
        ["resource-policy-no-open-access", 'Template Lambda permission "Anyone"'],
        ["resource-policy-no-open-access", 'Template Lambda permission "AnyBucket"'],
        // The managed policy attached by Roles: sts:AssumeRole and iam:PassRole on any role (judged
        // where it is attached), and * on * for the cross-account role.
        ["identity-managed-policy-scoped", 'Template of "s"'],
        ["identity-managed-policy-scoped", 'Template of "s"'],
        ["no-admin-on-cross-account-role-attachment", 'Template of "s"'],
      ]);
      const admin = all([stack(TEMPLATE)]).find(
        (f) => f.policy === "no-admin-on-cross-account-role-attachment",
      );
      assert.match(
        admin?.message ?? "",
        /^Template of "s": Role "Admin": The role trusts AWS: "arn:aws:iam::333333333333:role\/ci" \(Statement\[0\]\) in another account and has administrator rights through managed policy arn:aws:iam::444444444444:policy\/AllPolicy \(admin-equivalent: Statement\[0\] allows every action \(Action "\*"\) on Resource "\*": full administrator access\) \(attachment "AllPolicy-role-0"\)/,
      );
      const credential = all([stack(TEMPLATE)]).find((f) =>
        f.message.startsWith('Template service-specific credential "Cred"'),
      );
      assert.match(
        credential?.message ?? "",
        /a service-specific credential \(a password that does not expire for codecommit.amazonaws.com\) for IAM user "bob"/,
      );
    });

    it("passes the same resources once they are scoped", () => {
      const safe = `
Resources:
  Bucket: { Type: AWS::S3::Bucket }
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: !Sub "\${Bucket.Arn}/*", Condition: { StringEquals: { "aws:PrincipalOrgID": ${ORG_ID} } } }] }
  Queue: { Type: AWS::SQS::Queue }
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root" }, Action: sqs:SendMessage, Resource: !GetAtt Queue.Arn }] }
  Bucket2: { Type: AWS::S3::Bucket }
  Fn: { Type: AWS::Lambda::Function }
  OwnBucket: { Type: AWS::Lambda::Permission, Properties: { FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com, SourceArn: !GetAtt Bucket2.Arn, SourceAccount: !Ref AWS::AccountId } }
`;
      assert.deepStrictEqual(mandatory([stack(safe)]), []);
    });
  });

  describe("CloudFormation: conditions, Fn::If and values the template leaves open", () => {
    it("checks the branch of a Condition: !If [c, org condition, AWS::NoValue] that drops the condition", () => {
      const t = `
Parameters: { EnforceOrg: { Type: String } }
Conditions: { UseOrg: !Equals [!Ref EnforceOrg, "yes"] }
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Sid: Security
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::${SECURITY}:role/x" }
            Action: sts:AssumeRole
            Condition: !If [UseOrg, { StringEquals: { "aws:PrincipalOrgID": ${ORG_ID} } }, !Ref AWS::NoValue]
`;
      const f = all([stack(t)]).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => [x.policy, x.message.split(": ")[0]]),
        [["trust-cross-account-requires-org-condition", 'Template role "R" (when UseOrg is false)']],
      );
      // Given the parameter, the stack has one shape.
      const yes = { ...stack(t), props: { templateBody: t, parameters: { EnforceOrg: "yes" } } };
      assert.deepStrictEqual(mandatory([yes]), []);
    });

    it("does not skip a statement whose Effect is an Fn::If", () => {
      const t = `
Parameters: { Open: { Type: String } }
Conditions: { IsOpen: !Equals [!Ref Open, "yes"] }
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: !If [IsOpen, Allow, Deny], Principal: "*", Action: sts:AssumeRole }]
`;
      assert.deepStrictEqual(mandatory([stack(t)]), [
        ["trust-no-wildcard-principal", 'Template role "R" (when IsOpen is true)'],
      ]);
    });

    it("passes a trust chosen by Fn::If between two safe documents", () => {
      const t = `
Parameters: { Mode: { Type: String } }
Conditions: { Ci: !Equals [!Ref Mode, ci] }
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument: !If
        - Ci
        - Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${TOOLING}:role/ci" }, Action: sts:AssumeRole, Condition: { StringEquals: { "aws:PrincipalOrgID": ${ORG_ID} } } }]
        - Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${SECURITY}:role/sec" }, Action: sts:AssumeRole, Condition: { StringEquals: { "aws:PrincipalOrgID": ${ORG_ID} } } }]
`;
      assert.deepStrictEqual(all([stack(t)]), []);
    });

    it("resolves Fn::FindInMap to the account it names", () => {
      const t = `
Mappings: { Trusted: { prod: { Account: "${VENDOR}" } } }
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: !Sub ["arn:aws:iam::\${A}:root", { A: !FindInMap [Trusted, prod, Account] }] }, Action: sts:AssumeRole }]
`;
      assert.deepStrictEqual(mandatory([stack(t)]), [
        ["trust-external-requires-external-id", 'Template role "R"'],
      ]);
    });

    const imported = (condition: string) => `
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: !ImportValue SharedCiRoleArn }, Action: sts:AssumeRole${condition} }]
`;
    it("passes an Fn::ImportValue principal narrowed by an exact aws:PrincipalOrgID", () => {
      assert.deepStrictEqual(
        mandatory([stack(imported(`, Condition: { StringEquals: { "aws:PrincipalOrgID": ${ORG_ID} } }`))]),
        [],
      );
    });
    it("says it could not verify an Fn::ImportValue principal without one, and what to provide", () => {
      const f = all([stack(imported(""))]).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => x.policy),
        ["trust-cross-account-requires-org-condition"],
      );
      assert.match(
        f[0].message,
        /^Template role "R": could not verify: Fn::ImportValue "SharedCiRoleArn" cannot be resolved offline, and the verdict depends on it: .* To verify it, give the export's value in the pack config cloudFormationImports: \{"SharedCiRoleArn": "<value>"\}\.$/,
      );
    });
    it("checks the imported value once the pack config gives it (--org spreads it to every rule)", () => {
      const options = {
        org: { ...ORG, cloudFormationImports: { SharedCiRoleArn: `arn:aws:iam::${VENDOR}:root` } },
      };
      assert.deepStrictEqual(mandatory([stack(imported(""))], options), [
        ["trust-external-requires-external-id", 'Template role "R"'],
      ]);
      const own = {
        org: { ...ORG, cloudFormationImports: { SharedCiRoleArn: `arn:aws:iam::${PROD}:role/ci` } },
      };
      assert.deepStrictEqual(mandatory([stack(imported(""))], own), []);
    });
    it("says it could not verify an organization ID taken from an export", () => {
      const t = `
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${SECURITY}:role/x" }, Action: sts:AssumeRole, Condition: { StringEquals: { "aws:PrincipalOrgID": !ImportValue OrgId } } }]
`;
      const f = all([stack(t)]).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => x.policy),
        ["trust-cross-account-requires-org-condition"],
      );
      assert.match(f[0].message, /could not verify: Fn::ImportValue "OrgId"/);
    });
  });

  describe("CloudFormation StackSets: instances, overrides, templates given by URL", () => {
    const MEMBER = `
Parameters:
  ManagementAccountId: { Type: String, Default: "${MGMT}" }
Resources:
  OrganizationAccountAccessRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: OrganizationAccountAccessRole
      AssumeRolePolicyDocument:
        Statement: [{ Sid: TrustManagementAccount, Effect: Allow, Principal: { AWS: !Sub "arn:aws:iam::\${ManagementAccountId}:root" }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
`;
    it("applies an instance's parameterOverrides to its template", () => {
      const f = all([
        stackSet("member", MEMBER),
        instance("ous", "member", { deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] } }),
        instance("tooling", "member", {
          deploymentTargets: { accounts: [PROD] },
          parameterOverrides: { ManagementAccountId: TOOLING },
        }),
      ]).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => [x.policy, x.resource, x.message.split(": [")[0]]),
        [
          [
            "cloudformation-stackset-instances",
            "tooling",
            'StackSet instance "tooling" of StackSet "member", with its parameterOverrides {"ManagementAccountId":"333333333333"}',
          ],
          [
            "cloudformation-stackset-instances",
            "tooling",
            'StackSet instance "tooling" of StackSet "member", with its parameterOverrides {"ManagementAccountId":"333333333333"}',
          ],
        ],
      );
      assert.match(
        f[0].message,
        /: \[trust-cross-account-requires-org-condition\] Template role "OrganizationAccountAccessRole"/,
      );
      assert.match(
        f[1].message,
        /: \[no-admin-on-cross-account-role\] Template role "OrganizationAccountAccessRole"/,
      );
    });
    it("passes overrides that keep the template safe", () => {
      assert.deepStrictEqual(
        all([
          stackSet("member", MEMBER),
          instance("same", "member", {
            deploymentTargets: { organizationalUnitIds: ["ou-a1b2-workload1"] },
            parameterOverrides: { ManagementAccountId: MGMT },
          }),
        ]).filter(isMandatory),
        [],
      );
    });

    const nested = (accounts: string[], overrides: string) => `
Resources:
  Members:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: member-access
      PermissionModel: SELF_MANAGED
      TemplateBody: ${JSON.stringify(MEMBER)}
      StackInstancesGroup:
        - DeploymentTargets: { Accounts: ${JSON.stringify(accounts)} }
          Regions: [us-east-1]
          ParameterOverrides: ${overrides}
`;
    it("catches a template's own StackSet whose StackInstancesGroup targets the management account", () => {
      const f = all([stack(nested([PROD, MGMT], "[]"), MGMT)]).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => x.policy),
        ["org-access-role-stackset-not-management"],
      );
      assert.match(
        f[0].message,
        /^Template of "s": StackSet instance "Members-instances-0" deploys the member OrganizationAccountAccessRole template of StackSet "member-access"/,
      );
      assert.deepStrictEqual(all([stack(nested([PROD], "[]"), MGMT)]).filter(isMandatory), []);
    });
    it("applies the ParameterOverrides of a template's own StackSet instances", () => {
      const f = all([
        stack(nested([PROD], `[{ ParameterKey: ManagementAccountId, ParameterValue: "${TOOLING}" }]`), MGMT),
      ]).filter(isMandatory);
      assert.deepStrictEqual(
        f.map((x) => x.policy),
        ["cloudformation-stackset-instances", "cloudformation-stackset-instances"],
      );
      assert.match(
        f[0].message,
        /^Template of "s": StackSet instance "Members-instances-0" of StackSet "member-access"/,
      );
    });
    it("reports a StackSet given only by templateUrl as not checked (advisory), in Pulumi and in templates", () => {
      const byUrl: EngineResource = {
        type: "aws:cloudformation/stackSet:StackSet",
        name: "by-url",
        props: { name: "by-url", templateUrl: "https://s3.amazonaws.com/b/t.yaml" },
        provider: provider(MGMT),
        opts: { protect: true },
      };
      const f = all([byUrl]);
      assert.deepStrictEqual(
        f.map((x) => [x.policy, x.enforcementLevel]),
        [["cloudformation-template-trust-advisory", "advisory"]],
      );
      assert.match(
        f[0].message,
        /^Template not checked: this StackSet takes its template from templateUrl "https:\/\/s3.amazonaws.com\/b\/t.yaml"/,
      );
      const inTemplate = `
Resources:
  Child: { Type: AWS::CloudFormation::StackSet, Properties: { StackSetName: c, PermissionModel: SERVICE_MANAGED, TemplateURL: "https://x/t.yaml" } }
`;
      assert.deepStrictEqual(
        all([stack(inTemplate)]).map((x) => [x.policy, x.message.split(": ")[0]]),
        [["cloudformation-template-trust-advisory", 'Template StackSet "Child" (c)']],
      );
    });
  });

  describe("@pulumi/aws-native resources", () => {
    const native = (
      type: string,
      name: string,
      props: Record<string, unknown>,
      account = PROD,
    ): EngineResource => ({
      type,
      name,
      props,
      provider: { type: "pulumi:providers:aws-native", props: { allowedAccountIds: [account] } },
    });
    it("judges aws-native:iam:Role (assumeRolePolicyDocument as an object) with the trust rules", () => {
      const open = native("aws-native:iam:Role", "r", { assumeRolePolicyDocument: trust(allow("*")) });
      assert.deepStrictEqual(mandatory([open]), [
        ["trust-no-wildcard-principal", 'Statement[0] trusts a wildcard principal ("*")'],
      ]);
      const scoped = native("aws-native:iam:Role", "r", {
        roleName: "audit",
        assumeRolePolicyDocument: trust(
          allow({ AWS: `arn:aws:iam::${SECURITY}:role/x` }, { Condition: ORG_COND }),
        ),
        policies: [
          {
            policyName: "p",
            policyDocument: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] },
          },
        ],
      });
      assert.deepStrictEqual(mandatory([scoped]), []);
      const admin = native("aws-native:iam:Role", "r", {
        assumeRolePolicyDocument: trust(
          allow({ AWS: `arn:aws:iam::${SECURITY}:role/x` }, { Condition: ORG_COND }),
        ),
        managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      });
      assert.deepStrictEqual(mandatory([admin]), [["no-admin-on-cross-account-role", "The role trusts AWS"]]);
    });
    it("judges aws-native resource policies, Lambda permissions and users", () => {
      const open = { Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] };
      assert.deepStrictEqual(
        mandatory([
          native("aws-native:s3:BucketPolicy", "b", { bucket: "b", policyDocument: open }),
          native("aws-native:sqs:QueueInlinePolicy", "q", { queue: "q", policyDocument: open }),
          native("aws-native:sns:TopicPolicy", "t", {
            topics: ["arn:aws:sns:us-east-1:1:t"],
            policyDocument: open,
          }),
          native("aws-native:secretsmanager:ResourcePolicy", "s", { secretId: "s", resourcePolicy: open }),
          native("aws-native:ecr:RegistryPolicy", "e", { policyText: open }),
          native("aws-native:kms:Key", "k", { keyPolicy: open }),
          native("aws-native:lambda:Permission", "l", {
            functionName: "f",
            action: "lambda:InvokeFunction",
            principal: "*",
          }),
          native("aws-native:iam:User", "u", { userName: "bob" }),
        ]).map(([policy]) => policy),
        [
          "resource-policy-no-open-access",
          "resource-policy-no-open-access",
          "resource-policy-no-open-access",
          "resource-policy-no-open-access",
          "resource-policy-no-open-access",
          "resource-policy-no-open-access",
          "resource-policy-no-open-access",
          "no-long-lived-credentials",
        ],
      );
    });
    it("reads an aws-native StackSet's template and its stackInstancesGroup", () => {
      const body = `
Resources:
  OrganizationAccountAccessRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: OrganizationAccountAccessRole
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: "arn:aws:iam::${MGMT}:root" }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
`;
      const set = native(
        "aws-native:cloudformation:StackSet",
        "member",
        {
          stackSetName: "member",
          permissionModel: "SELF_MANAGED",
          templateBody: body,
          stackInstancesGroup: [{ deploymentTargets: { accounts: [MGMT] }, regions: ["us-east-1"] }],
        },
        MGMT,
      );
      assert.deepStrictEqual(mandatory([set]), [
        [
          "org-access-role-stackset-not-management",
          'StackSet instance "member-instances-0" deploys the member OrganizationAccountAccessRole template of StackSet "member" (template role "OrganizationAccountAccessRole", trusting arn:aws:iam::111111111111:root) to the management account 111111111111',
        ],
      ]);
    });
  });

  describe("@pulumi/aws resources that carry a policy in another shape", () => {
    const open = JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
    });
    const scoped = JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: ORG_COND }],
    });
    const cases: [string, Record<string, unknown>][] = [
      ["aws:s3/bucket:Bucket", { bucket: "b", policy: open }],
      ["aws:s3/bucketV2:BucketV2", { bucket: "b", policy: open }],
      ["aws:sqs/queue:Queue", { name: "q", policy: open }],
      ["aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "https://q", policy: open }],
      ["aws:sns/topic:Topic", { name: "t", policy: open }],
      ["aws:sns/topicPolicy:TopicPolicy", { arn: "arn:aws:sns:us-east-1:1:t", policy: open }],
      ["aws:secretsmanager/secret:Secret", { name: "s", policy: open }],
      ["aws:secretsmanager/secretPolicy:SecretPolicy", { secretArn: "arn", policy: open }],
      ["aws:ecr/repositoryPolicy:RepositoryPolicy", { repository: "r", policy: open }],
      ["aws:ecr/registryPolicy:RegistryPolicy", { policy: open }],
      ["aws:ecrpublic/repositoryPolicy:RepositoryPolicy", { repositoryName: "r", policy: open }],
      ["aws:lambda/resourcePolicy:ResourcePolicy", { resourceArn: "arn", policy: open }],
      ["aws:s3control/accessPointPolicy:AccessPointPolicy", { accessPointArn: "arn", policy: open }],
    ];
    for (const [type, props] of cases) {
      it(`${type}: blocks a policy open to "*", passes it narrowed to the organization`, () => {
        assert.deepStrictEqual(
          mandatory([resource(type, "x", props, PROD)]).map(([p]) => p),
          ["resource-policy-no-open-access"],
        );
        assert.deepStrictEqual(mandatory([resource(type, "x", { ...props, policy: scoped }, PROD)]), []);
      });
    }
    it("aws:s3/bucket:Bucket without a policy is left alone", () => {
      assert.deepStrictEqual(all([resource("aws:s3/bucket:Bucket", "b", { bucket: "b" }, PROD)]), []);
    });

    it("aws.lambda.Permission: blocks principal *, a service without aws:SourceArn/SourceAccount; passes a scoped one", () => {
      const perm = (props: Record<string, unknown>) =>
        resource(
          "aws:lambda/permission:Permission",
          "p",
          { function: "f", action: "lambda:InvokeFunction", ...props },
          PROD,
        );
      assert.deepStrictEqual(mandatory([perm({ principal: "*" })]), [
        [
          "resource-policy-no-open-access",
          'Statement "Permission" of the Lambda permission allows "*" (anyone) with no condition that keeps them out',
        ],
      ]);
      assert.deepStrictEqual(mandatory([perm({ principal: "s3.amazonaws.com" })]), [
        [
          "resource-policy-no-open-access",
          'Statement "Permission" of the Lambda permission lets the service "s3.amazonaws.com" invoke the function without aws:SourceArn or aws:SourceAccount',
        ],
      ]);
      assert.deepStrictEqual(
        mandatory([perm({ principal: VENDOR })]).map(([p]) => p),
        ["resource-policy-no-open-access"],
      );
      assert.deepStrictEqual(
        mandatory([
          perm({ principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b", sourceAccount: PROD }),
          perm({ principal: "*", principalOrgId: ORG_ID }),
          perm({ principal: PROD }),
        ]),
        [],
      );
    });
    it("aws.lambda.LayerVersionPermission: blocks principal * without organizationId", () => {
      const layer = (props: Record<string, unknown>) =>
        resource(
          "aws:lambda/layerVersionPermission:LayerVersionPermission",
          "l",
          { layerName: "l", action: "lambda:GetLayerVersion", ...props },
          PROD,
        );
      assert.deepStrictEqual(
        mandatory([layer({ principal: "*" })]).map(([p]) => p),
        ["resource-policy-no-open-access"],
      );
      assert.deepStrictEqual(mandatory([layer({ principal: "*", organizationId: ORG_ID })]), []);
    });
    it("aws.kms.Grant: blocks a grant to another account's root, passes one to the key's own account", () => {
      const grant = (granteePrincipal: string) =>
        resource("aws:kms/grant:Grant", "g", { keyId: "k", granteePrincipal, operations: ["Decrypt"] }, PROD);
      assert.deepStrictEqual(mandatory([grant(`arn:aws:iam::${VENDOR}:root`)]), [
        [
          "resource-policy-no-open-access",
          'Statement "Grant" of the KMS grant allows "arn:aws:iam::999999999999:root" (every principal of account 999999999999) with no condition that keeps them out',
        ],
      ]);
      assert.deepStrictEqual(mandatory([grant(`arn:aws:iam::${PROD}:role/app`)]), []);
    });
    it("aws.iam ServiceSpecificCredential, SigningCertificate and SshKey are long-lived credentials", () => {
      const f = all(
        [
          resource(
            "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
            "c",
            { userName: "bob", serviceName: "bedrock.amazonaws.com" },
            PROD,
          ),
          resource(
            "aws:iam/signingCertificate:SigningCertificate",
            "cert",
            { userName: "bob", certificateBody: "x" },
            PROD,
          ),
          resource(
            "aws:iam/sshKey:SshKey",
            "ssh",
            { username: "bob", publicKey: "ssh-rsa x", encoding: "SSH" },
            PROD,
          ),
          resource(
            "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
            "break-glass",
            { userName: "break-glass", serviceName: "codecommit.amazonaws.com" },
            PROD,
          ),
        ],
        { org: ORG, config: { "no-long-lived-credentials": { allowedIamUsers: ["break-glass"] } } } as never,
      );
      assert.deepStrictEqual(
        f.map((x) => [x.policy, x.resource, x.message.split(": ")[0]]),
        [
          [
            "no-long-lived-credentials",
            "c",
            'This creates a service-specific credential (a password that does not expire for bedrock.amazonaws.com) for IAM user "bob"',
          ],
          ["no-long-lived-credentials", "cert", 'This creates a signing certificate for IAM user "bob"'],
          ["no-long-lived-credentials", "ssh", 'This creates an SSH public key for IAM user "bob"'],
        ],
      );
    });
    it("aws.iam.PolicyAttachment and RolePolicyAttachmentsExclusive attach AdministratorAccess like RolePolicyAttachment", () => {
      const ci = trust(allow({ AWS: `arn:aws:iam::${TOOLING}:role/ci` }, { Sid: "Ci", Condition: ORG_COND }));
      const target = role(ci, { name: "deploy", account: PROD });
      const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
      for (const attachment of [
        resource(
          "aws:iam/policyAttachment:PolicyAttachment",
          "a",
          { policyArn: admin, roles: ["deploy"] },
          PROD,
        ),
        resource(
          "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
          "a",
          { roleName: "deploy", policyArns: [admin] },
          PROD,
        ),
      ]) {
        assert.deepStrictEqual(mandatory([target, attachment]), [
          ["no-admin-on-cross-account-role-attachment", 'Role "deploy"'],
        ]);
      }
      assert.deepStrictEqual(
        mandatory([
          target,
          resource(
            "aws:iam/policyAttachment:PolicyAttachment",
            "a",
            { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", roles: ["deploy"] },
            PROD,
          ),
        ]),
        [],
      );
    });
  });
});
