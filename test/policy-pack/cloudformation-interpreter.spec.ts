import * as assert from "assert";
import {
  THIS_ACCOUNT,
  parameterValues,
  parseTemplate,
  resolveTemplate,
  unresolvedOf,
} from "../../policy-pack/lib/cloudformation";

/**
 * The one CloudFormation interpreter (pack and offline plan). Intrinsic functions as the CloudFormation
 * User Guide's "Intrinsic function reference" defines them: Fn::If picks a branch by a named condition
 * and `AWS::NoValue` removes the property; Fn::Sub's `${!Literal}` is a literal; Fn::Select indexes
 * from 0; Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey] (with the language extensions'
 * DefaultValue); Fn::GetAtt's short form `!GetAtt Resource.Attribute` splits at the first dot.
 */

const resourcesOf = (
  template: string | Record<string, unknown>,
  ctx: Parameters<typeof resolveTemplate>[1],
) => resolveTemplate(typeof template === "string" ? parseTemplate(template) : template, ctx);

describe("CloudFormation interpreter (policy-pack/lib/cloudformation.ts)", () => {
  describe("parsing", () => {
    it("reads a JSON and a YAML template that start with a UTF-8 byte-order mark", () => {
      assert.deepStrictEqual(parseTemplate('\uFEFF{"Resources": {}}'), { Resources: {} });
      assert.deepStrictEqual(parseTemplate("\uFEFFResources:\n  A: { Type: AWS::SNS::Topic }\n"), {
        Resources: { A: { Type: "AWS::SNS::Topic" } },
      });
    });
    it("reads the short-form tags, !GetAtt a.b split at the first dot", () => {
      assert.deepStrictEqual(
        parseTemplate(
          "A: !GetAtt Role.Arn\nB: !GetAtt Nested.Outputs.RoleArn\nC: !If [c, !Ref x, !Ref AWS::NoValue]\n",
        ),
        {
          A: { "Fn::GetAtt": ["Role", "Arn"] },
          B: { "Fn::GetAtt": ["Nested", "Outputs.RoleArn"] },
          C: { "Fn::If": ["c", { Ref: "x" }, { Ref: "AWS::NoValue" }] },
        },
      );
    });
    it("refuses a body that is neither JSON nor YAML, or not a mapping, with a reason", () => {
      assert.throws(() => parseTemplate("{ nope"), /^Error: the template is not valid JSON/);
      assert.throws(() => parseTemplate("- a\n- b\n"), /not a mapping with a Resources section/);
    });
  });

  describe("intrinsics", () => {
    const template = {
      Parameters: {
        Env: { Type: "String", Default: "prod" },
        Accounts: { Type: "CommaDelimitedList", Default: "222222222222,333333333333" },
        Missing: { Type: "String" },
      },
      Mappings: { Trusted: { prod: { Account: "222222222222" }, dev: { Account: "333333333333" } } },
      Resources: {
        Role: {
          Type: "AWS::IAM::Role",
          Properties: {
            RoleName: { "Fn::Sub": "audit-${Env}" },
            FromMap: { "Fn::FindInMap": ["Trusted", { Ref: "Env" }, "Account"] },
            FromDefault: { "Fn::FindInMap": ["Trusted", "test", "Account", { DefaultValue: "none" }] },
            Second: { "Fn::Select": [1, { Ref: "Accounts" }] },
            Split: { "Fn::Select": [0, { "Fn::Split": [":", "a:b"] }] },
            Joined: { "Fn::Join": ["", ["arn:aws:iam::", { Ref: "AWS::AccountId" }, ":root"]] },
            Literal: { "Fn::Sub": "${!aws:username}/${AWS::Region}" },
            Self: { "Fn::GetAtt": ["Role", "Arn"] },
            Queue: { "Fn::GetAtt": ["Queue", "Arn"] },
            Imported: { "Fn::ImportValue": "SharedRoleArn" },
            Unset: { "Fn::Sub": "arn:aws:iam::${Missing}:root" },
            Dynamic: "{{resolve:ssm:/org/ci-role}}",
          },
        },
        Queue: { Type: "AWS::SQS::Queue", Properties: { QueueName: "jobs" } },
      },
    };
    it("resolves parameters, mappings, lists, joins, pseudo parameters and the template's own ARNs", () => {
      const r = resourcesOf(template, { account: "444444444444", region: "eu-west-1" });
      assert.strictEqual(r.variants.length, 1);
      const p = r.variants[0].resources[0].properties;
      assert.deepStrictEqual(
        [p.RoleName, p.FromMap, p.FromDefault, p.Second, p.Split, p.Joined, p.Literal, p.Self, p.Queue],
        [
          "audit-prod",
          "222222222222",
          "none",
          "333333333333",
          "a",
          "arn:aws:iam::444444444444:root",
          "${aws:username}/eu-west-1",
          "arn:aws:iam::444444444444:role/audit-prod",
          "arn:aws:sqs:eu-west-1:444444444444:jobs",
        ],
      );
    });
    it("keeps what it cannot resolve as the intrinsic, never a literal, and says what to provide", () => {
      const p = resourcesOf(template, { account: THIS_ACCOUNT }).variants[0].resources[0].properties;
      assert.deepStrictEqual(p.Imported, { "Fn::ImportValue": "SharedRoleArn" });
      assert.deepStrictEqual(unresolvedOf(p.Imported), {
        expression: 'Fn::ImportValue "SharedRoleArn"',
        provide:
          'give the export\'s value in the pack config cloudFormationImports: {"SharedRoleArn": "<value>"}',
      });
      assert.deepStrictEqual(p.Unset, { "Fn::Sub": "arn:aws:iam::${Missing}:root" });
      assert.match(unresolvedOf(p.Unset)?.provide ?? "", /give the template parameter "Missing" a value/);
      assert.match(unresolvedOf(p.Dynamic)?.provide ?? "", /dynamic reference/);
      // Given values resolve.
      const given = resourcesOf(template, {
        account: THIS_ACCOUNT,
        parameters: { Missing: "555555555555" },
        imports: { SharedRoleArn: "arn:aws:iam::222222222222:role/ci" },
      }).variants[0].resources[0].properties;
      assert.deepStrictEqual(
        [given.Imported, given.Unset],
        ["arn:aws:iam::222222222222:role/ci", "arn:aws:iam::555555555555:root"],
      );
    });
  });

  describe("conditions and Fn::If", () => {
    const template = `
Parameters:
  EnforceOrg: { Type: String }
  Env: { Type: String, Default: prod }
Conditions:
  UseOrg: !Equals [!Ref EnforceOrg, "yes"]
  IsProd: !Equals [!Ref Env, prod]
  ProdWithoutOrg: !And [!Condition IsProd, !Not [!Condition UseOrg]]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::222222222222:root }
            Action: sts:AssumeRole
            Condition: !If [UseOrg, { StringEquals: { "aws:PrincipalOrgID": o-a1b2c3d4e5 } }, !Ref AWS::NoValue]
  OnlyProdWithoutOrg:
    Type: AWS::SNS::Topic
    Condition: ProdWithoutOrg
`;
    it("keeps both branches of an Fn::If whose condition cannot be decided, as separate variants", () => {
      const r = resourcesOf(template, { account: THIS_ACCOUNT });
      assert.deepStrictEqual(r.undecided, ["UseOrg", "ProdWithoutOrg"]);
      assert.deepStrictEqual(
        r.variants.map((v) => [
          v.label,
          v.resources.map((x) => x.logicalId),
          (v.resources[0].properties.AssumeRolePolicyDocument as { Statement: { Condition?: unknown }[] })
            .Statement[0].Condition,
        ]),
        [
          [
            "when UseOrg is true, ProdWithoutOrg is false",
            ["Role"],
            { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
          ],
          ["when UseOrg is false, ProdWithoutOrg is true", ["Role", "OnlyProdWithoutOrg"], undefined],
        ],
      );
    });
    it("decides a condition once its parameter is given: one variant, no label", () => {
      const r = resourcesOf(template, { account: THIS_ACCOUNT, parameters: { EnforceOrg: "yes" } });
      assert.deepStrictEqual(r.undecided, []);
      assert.deepStrictEqual(
        r.variants.map((v) => [v.label, v.resources.map((x) => x.logicalId)]),
        [[undefined, ["Role"]]],
      );
    });
    it("treats a comparison with the account of a StackSet stack as undecidable, and decides it for a known account", () => {
      const t = {
        Conditions: { IsManagement: { "Fn::Equals": [{ Ref: "AWS::AccountId" }, "111111111111"] } },
        Resources: { Topic: { Type: "AWS::SNS::Topic", Condition: "IsManagement" } },
      };
      assert.strictEqual(resourcesOf(t, { account: THIS_ACCOUNT }).variants.length, 2);
      assert.deepStrictEqual(
        resourcesOf(t, { account: "444444444444" }).variants.map((v) => v.resources.length),
        [0],
      );
    });
    it("caps the variants it enumerates and says so", () => {
      const Conditions: Record<string, unknown> = {};
      const Parameters: Record<string, unknown> = {};
      const Properties: Record<string, unknown> = {};
      for (let i = 0; i < 8; i++) {
        Parameters[`P${i}`] = { Type: "String" };
        Conditions[`C${i}`] = { "Fn::Equals": [{ Ref: `P${i}` }, "x"] };
        Properties[`V${i}`] = { "Fn::If": [`C${i}`, "a", "b"] };
      }
      const r = resourcesOf(
        { Parameters, Conditions, Resources: { T: { Type: "AWS::SNS::Topic", Properties } } },
        { account: THIS_ACCOUNT, maxVariants: 16 },
      );
      assert.deepStrictEqual([r.variants.length, r.truncated], [16, true]);
    });
  });

  it("reads StackSet parameters and overrides as @pulumi/aws maps and CloudFormation lists", () => {
    assert.deepStrictEqual(
      parameterValues({ A: "1", B: 2, L: ["x", "y"] }, [
        { ParameterKey: "B", ParameterValue: "3" },
        { parameterKey: "C", parameterValue: "4" },
      ]),
      { A: "1", B: "3", L: "x,y", C: "4" },
    );
  });
});
