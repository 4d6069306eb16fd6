import * as assert from "assert";
import fc from "fast-check";
import { EngineResource, checkResources } from "../../policy-pack/lib/engine";
import { allPolicies } from "../../policy-pack/rules";
import { ORG } from "./helpers";

/**
 * Thousands of random, malformed and deeply nested policy documents (and templates, providers and
 * configs around them) through every rule of the pack: a rule may report anything, it never throws.
 */

const accountish = fc.oneof(
  fc.constantFrom("111111111111", "444444444444", "999999999999", "*", "", "12345", "${AWS::AccountId}"),
  fc.string({ maxLength: 14 }),
);
const principalValue = fc.oneof(
  fc.constantFrom(
    "*",
    "arn:aws:iam::*:root",
    "AROAEXAMPLE",
    "ec2.amazonaws.com",
    "token.actions.githubusercontent.com",
  ),
  accountish.map((a) => `arn:aws:iam::${a}:root`),
  accountish.map((a) => `arn:aws:iam::${a}:role/x`),
  accountish.map((a) => `arn:aws:sts::${a}:assumed-role/r/s`),
  accountish.map((a) => `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`),
  fc.string(),
  fc.integer(),
  fc.constant(null),
);
const listOr = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { maxLength: 4 }));
const conditionKey = fc.oneof(
  fc.constantFrom(
    "aws:PrincipalOrgID",
    "AWS:PRINCIPALORGID",
    "aws:principalaccount",
    "aws:PrincipalArn",
    "sts:ExternalId",
    "aws:SourceAccount",
    "aws:SourceArn",
    "token.actions.githubusercontent.com:sub",
    "token.actions.githubusercontent.com:aud",
    "aws:MultiFactorAuthPresent",
    "iam:PassedToService",
    "aws:ResourceOrgID",
  ),
  fc.string({ maxLength: 12 }),
);
const operator = fc.oneof(
  fc.constantFrom(
    "StringEquals",
    "StringLike",
    "StringEqualsIfExists",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "ArnLike",
    "Bool",
    "BoolIfExists",
    "Null",
    "IfExists",
    "ForAllValues:",
  ),
  fc.string({ maxLength: 10 }),
);
const conditionValue = listOr(
  fc.oneof(
    fc.constantFrom("o-a1b2c3d4e5", "*", "repo:acme/*", "repo:acme/infra:*", "false", "?"),
    fc.string(),
    fc.anything({ maxDepth: 2 }),
  ),
);
const condition = fc.oneof(
  fc.dictionary(
    operator,
    fc.oneof(fc.dictionary(conditionKey, conditionValue, { maxKeys: 3 }), fc.anything({ maxDepth: 2 })),
    { maxKeys: 3 },
  ),
  fc.anything({ maxDepth: 3 }),
);
const principal = fc.oneof(
  fc.constant("*"),
  fc.record({ AWS: listOr(principalValue) }, { requiredKeys: [] }),
  fc.record({ Service: listOr(principalValue), Federated: listOr(principalValue) }, { requiredKeys: [] }),
  fc.dictionary(fc.string({ maxLength: 8 }), listOr(principalValue), { maxKeys: 3 }),
  fc.anything({ maxDepth: 4 }),
);
const statement = fc.oneof(
  fc.record(
    {
      Sid: fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })),
      Effect: fc.oneof(fc.constantFrom("Allow", "Deny", "allow"), fc.anything({ maxDepth: 1 })),
      Principal: principal,
      NotPrincipal: principal,
      Action: listOr(
        fc.oneof(
          fc.constantFrom("*", "sts:AssumeRole", "sts:*", "iam:PassRole", "kms:*", "*:*"),
          fc.string(),
        ),
      ),
      NotAction: listOr(fc.string()),
      Resource: listOr(fc.oneof(fc.constantFrom("*", "arn:aws:iam::*:role/*"), fc.string())),
      NotResource: listOr(fc.string()),
      Condition: condition,
    },
    { requiredKeys: [] },
  ),
  fc.anything({ maxDepth: 4 }),
);
const nested: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string(),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom("Statement", "Principal", "AWS", "Condition", "Fn::Sub", "Ref", "x"),
      tie("node"),
      { maxKeys: 3 },
    ),
  ),
})).node;
const document = fc.oneof(
  fc.record({
    Version: fc.constant("2012-10-17"),
    Statement: fc.oneof(statement, fc.array(statement, { maxLength: 5 })),
  }),
  nested,
  fc.anything({ maxDepth: 6 }),
);
const serialised = document.chain((doc) =>
  fc.oneof(fc.constant(doc), fc.constant(JSON.stringify(doc) ?? "null"), fc.string()),
);
const intrinsic = fc.oneof(
  fc.record({ Ref: fc.oneof(fc.constantFrom("AWS::AccountId", "AWS::NoValue", "Role"), fc.string()) }),
  fc.record({
    "Fn::Sub": fc.oneof(
      fc.constant("arn:aws:iam::${AWS::AccountId}:root"),
      fc.string(),
      fc.tuple(fc.string(), fc.anything({ maxDepth: 2 })),
    ),
  }),
  fc.record({ "Fn::If": fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }) }),
  fc.record({ "Fn::Join": fc.anything({ maxDepth: 3 }) }),
  fc.record({ "Fn::GetAtt": fc.oneof(fc.constant("Role.Arn"), fc.anything({ maxDepth: 1 })) }),
);
const template = fc
  .record({
    doc: fc.oneof(document, intrinsic),
    roleName: fc.oneof(fc.constant("OrganizationAccountAccessRole"), intrinsic, fc.anything({ maxDepth: 1 })),
    managed: fc.anything({ maxDepth: 2 }),
  })
  .chain(({ doc, roleName, managed }) =>
    fc.oneof(
      fc.constant(
        JSON.stringify({
          Resources: {
            Role: {
              Type: "AWS::IAM::Role",
              Properties: { RoleName: roleName, AssumeRolePolicyDocument: doc, ManagedPolicyArns: managed },
            },
          },
        }) ?? "",
      ),
      fc.string(),
      fc.constant(
        `Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !If [C, !Sub "x", !Ref AWS::NoValue]\n`,
      ),
      fc.anything({ maxDepth: 2 }),
    ),
  );
const providerProps = fc.oneof(
  fc.record(
    {
      allowedAccountIds: fc.oneof(
        fc.array(accountish, { maxLength: 3 }),
        fc.string(),
        fc.anything({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      assumeRoles: fc.oneof(
        fc.array(fc.record({ roleArn: principalValue }, { requiredKeys: [] })),
        fc.string(),
        fc.anything({ maxDepth: 3 }),
      ),
    },
    { requiredKeys: [] },
  ),
  fc
    .anything({ maxDepth: 2 })
    .map((v) =>
      typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {},
    ),
);

function resourcesFor(
  doc: unknown,
  body: unknown,
  props: Record<string, unknown>,
  name: unknown,
): EngineResource[] {
  const provider = { props };
  return [
    {
      type: "aws:iam/role:Role",
      name: "role",
      props: {
        assumeRolePolicy: doc,
        name,
        managedPolicyArns: body,
        inlinePolicies: [{ policy: doc }, doc],
        maxSessionDuration: body,
      },
      provider,
    },
    { type: "aws:iam/rolePolicy:RolePolicy", name: "rp", props: { role: name, policy: doc }, provider },
    { type: "aws:iam/policy:Policy", name: "p", props: { policy: doc, arn: name }, provider },
    {
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      name: "a",
      props: { role: name, policyArn: body },
      provider,
    },
    { type: "aws:iam/user:User", name: "u", props: { name } },
    { type: "aws:iam/accessKey:AccessKey", name: "k", props: { user: body } },
    { type: "aws:iam/userLoginProfile:UserLoginProfile", name: "l", props: { user: name } },
    { type: "aws:s3/bucketPolicy:BucketPolicy", name: "b", props: { policy: doc }, provider },
    { type: "aws:kms/key:Key", name: "key", props: { policy: doc }, provider },
    { type: "aws:kms/keyPolicy:KeyPolicy", name: "kp", props: { policy: doc } },
    {
      type: "aws:cloudformation/stack:Stack",
      name: "s",
      props: { templateBody: body, parameters: props },
      provider,
    },
    {
      type: "aws:cloudformation/stackSet:StackSet",
      name: "ss",
      props: { name, templateBody: body, parameters: doc },
      provider,
    },
    {
      type: "aws:cloudformation/stackSetInstance:StackSetInstance",
      name: "si",
      props: { stackSetName: name, accountId: body, deploymentTargets: doc },
      provider,
    },
    { type: "pulumi:providers:aws", name: "prov", props },
    { type: "aws:s3/bucket:Bucket", name: "d", props: {}, provider: { name: "default_7_0_0", props: {} } },
  ];
}

describe("policy pack: property-based robustness (fast-check)", function () {
  this.timeout(180000);
  it("no rule throws on random, malformed and deeply nested documents", () => {
    let runs = 0;
    fc.assert(
      fc.property(
        serialised,
        template,
        providerProps,
        fc.oneof(fc.constant("OrganizationAccountAccessRole"), fc.anything({ maxDepth: 1 })),
        (doc, body, props, name) => {
          runs++;
          const findings = checkResources(resourcesFor(doc, body, props, name), { org: ORG });
          for (const f of findings) {
            assert.strictEqual(typeof f.message, "string");
            assert.ok(allPolicies.some((p) => p.name === f.policy));
          }
        },
      ),
      { numRuns: 2500 },
    );
    assert.strictEqual(runs, 2500);
  });

  it("every statement-level finding names its statement by Sid or index", () => {
    const statementPolicies = [
      "trust-no-wildcard-principal",
      "trust-condition-operators",
      "trust-oidc-scoped",
      "trust-external-requires-external-id",
    ];
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (statements) => {
        const f = checkResources(
          [{ type: "aws:iam/role:Role", name: "r", props: { assumeRolePolicy: { Statement: statements } } }],
          { org: ORG, stack: false },
        );
        for (const x of f.filter((y) => statementPolicies.includes(y.policy))) {
          assert.match(x.message, /^Statement( "[^]*"|\[\d+\]) /, x.message);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
