import * as assert from "assert";
import fc from "fast-check";
import { checkResources, isMandatory } from "../../policy-pack/lib/engine";
import { MGMT, ORG, ORG_ID, PROD, SECURITY, TOOLING, VENDOR, role } from "./helpers";
import { RoleUnderTest, WRAPPINGS, unwrapped, wrapping } from "./cloudformation-wrappings";

/**
 * Property: a trust policy gets the same mandatory findings, message for message, whether it is an
 * `aws.iam.Role` or any CloudFormation/aws-native wrapping of it (template JSON or YAML, intrinsics that
 * resolve to the same strings, a decided Fn::If, exports given in config, a nested stack).
 */

const principal = fc.constantFrom<unknown>(
  "*",
  { AWS: "*" },
  { AWS: `arn:aws:iam::${SECURITY}:role/automation` },
  { AWS: `arn:aws:iam::${TOOLING}:root` },
  { AWS: `arn:aws:iam::${MGMT}:root` },
  { AWS: `arn:aws:iam::${VENDOR}:root` },
  { AWS: `arn:aws:iam::${PROD}:role/local` },
  { Service: "config.amazonaws.com" },
  { Federated: `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com` },
);
const condition = fc.constantFrom<unknown>(
  undefined,
  { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
  { StringLike: { "aws:PrincipalOrgID": "o-*" } },
  { StringEquals: { "sts:ExternalId": "vendor-secret-1" } },
  { StringEqualsIfExists: { "sts:ExternalId": "vendor-secret-1" } },
  {
    StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
    StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main" },
  },
  { StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } },
  { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/automation` } },
);
const statement = fc.record(
  {
    Sid: fc.constantFrom("A", "B", undefined),
    Effect: fc.constantFrom("Allow", "Allow", "Deny"),
    Principal: principal,
    Action: fc.constantFrom<unknown>("sts:AssumeRole", "*", ["sts:AssumeRole", "sts:TagSession"]),
    Condition: condition,
  },
  { requiredKeys: ["Effect", "Principal", "Action"] },
);
const trustDoc = fc.array(statement, { minLength: 1, maxLength: 3 }).map((statements) => ({
  Version: "2012-10-17",
  Statement: statements.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))),
}));
const roleUnderTest: fc.Arbitrary<RoleUnderTest> = fc.record({
  name: fc.constantFrom("audit", "OrganizationAccountAccessRole", "deploy"),
  account: fc.constant(PROD),
  trust: trustDoc,
});

function mandatoryMessages(resources: Parameters<typeof checkResources>[0], config?: object): string[] {
  return checkResources(resources, { org: ORG, config: config as never })
    .filter(isMandatory)
    .map((f) => `${f.policy}: ${unwrapped(f.message)}`)
    .sort();
}

describe("policy pack: CloudFormation wrappings get the verdict of the plain role (fast-check)", function () {
  this.timeout(180000);
  it("every wrapping, every generated trust policy: the same mandatory findings", () => {
    fc.assert(
      fc.property(roleUnderTest, wrapping, (r, w) => {
        const plain = mandatoryMessages([role(r.trust, { name: r.name, account: r.account })]);
        const wrapped = w.wrap(r);
        const got = mandatoryMessages([wrapped.resource], wrapped.config);
        assert.deepStrictEqual(got, plain, w.name);
      }),
      { numRuns: 300 },
    );
  });
  it("the wrappings are not vacuous: an open trust is blocked through every one of them", () => {
    const open: RoleUnderTest = {
      name: "audit",
      account: PROD,
      trust: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
      },
    };
    for (const w of WRAPPINGS) {
      const wrapped = w.wrap(open);
      assert.deepStrictEqual(
        mandatoryMessages([wrapped.resource], wrapped.config).map((m) => m.split(":")[0]),
        ["trust-no-wildcard-principal"],
        w.name,
      );
    }
  });
});
