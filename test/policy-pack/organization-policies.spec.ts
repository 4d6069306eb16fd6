import * as assert from "assert";
import { rcpDocument } from "../../components/guardrails/resource-control-policies/rcp-documents";
import { scpDocument, SCP_PRESETS } from "../../components/guardrails/service-control-policies/scp-documents";
import { STACKSET_EXECUTION_ROLE_PATTERNS } from "../../components/guardrails/service-control-policies/capability";
import { messages, MGMT, ORG_ID, PROD, resource, Doc } from "./helpers";

const POLICY = "aws:organizations/policy:Policy";

function orgPolicy(
  type: string | undefined,
  content: unknown,
  name = "guardrail",
): ReturnType<typeof resource> {
  return resource(POLICY, `${name}-policy`, { name, ...(type === undefined ? {} : { type }), content }, MGMT);
}
const scp = (content: unknown, name?: string) => orgPolicy("SERVICE_CONTROL_POLICY", content, name);
const rcp = (content: unknown, name?: string) => orgPolicy("RESOURCE_CONTROL_POLICY", content, name);
const doc = (...statements: Doc[]) => ({ Version: "2012-10-17", Statement: statements });
const text = (value: unknown) => JSON.stringify(value);

/** The deploying principals the program's role-protection preset exempts. */
const DEPLOYER_ARNS = [
  "arn:aws:iam::*:role/OrganizationAccountAccessRole",
  ...STACKSET_EXECUTION_ROLE_PATTERNS,
];

describe("organization-policy-size", () => {
  const big = (pretty: boolean) => {
    const statements = Array.from({ length: 30 }, (_, i) => ({
      Sid: `DenyRegion${i}`,
      Effect: "Deny",
      Action: "ec2:RunInstances",
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": `xx-region-${i}` } },
    }));
    return pretty
      ? JSON.stringify(doc(...statements), null, 2)
      : JSON.stringify(doc(...statements, ...statements));
  };

  it("passes a document within 5,120 characters, SCP or RCP, and leaves other policy types alone", () => {
    assert.deepStrictEqual(
      messages(scp(text(scpDocument(["deny-iam-users"], {}))), "organization-policy-size"),
      [],
    );
    assert.deepStrictEqual(messages(orgPolicy("TAG_POLICY", big(false)), "organization-policy-size"), []);
  });

  it("counts whitespace as Organizations does, and says when minifying is enough", () => {
    const pretty = big(true);
    assert.ok(pretty.length > 5120 && JSON.stringify(JSON.parse(pretty)).length <= 5120);
    assert.deepStrictEqual(messages(scp(pretty), "organization-policy-size"), [
      `SCP "guardrail" is ${pretty.length} characters; Organizations refuses documents over 5120, so the deployment would fail: without whitespace it would be ${JSON.stringify(JSON.parse(pretty)).length}: send it minified (JSON.stringify).`,
    ]);
  });

  it("measures an RCP, and the type's default (an SCP) when the type is left out", () => {
    const minified = big(false);
    assert.deepStrictEqual(messages(orgPolicy(undefined, minified), "organization-policy-size"), [
      `SCP "guardrail" is ${minified.length} characters; Organizations refuses documents over 5120, so the deployment would fail: split its statements across two policies (each target takes 5 of a type, the AWS full-access one included).`,
    ]);
    assert.strictEqual(messages(rcp(minified), "organization-policy-size").length, 1);
  });
});

describe("rcp-statements-organizations-accepts", () => {
  it("passes the data-perimeter presets the program builds", () => {
    const perimeter = rcpDocument(
      [
        "organization-principals-only",
        "aws-services-for-organization-only",
        "require-secure-transport",
        "trusted-web-identity-providers",
      ],
      {
        organizationId: ORG_ID,
        exemptions: [{ principal: "314159265358", reason: "vendor" }],
        webIdentityProviders: [
          { issuer: "token.actions.githubusercontent.com", subjects: ["repo:example-org/*"] },
        ],
      },
    );
    assert.deepStrictEqual(messages(rcp(text(perimeter)), "rcp-statements-organizations-accepts"), []);
  });

  it('refuses Allow, NotPrincipal, a named principal, NotAction, "*" and services RCPs do not apply to', () => {
    const found = messages(
      rcp(
        doc(
          { Sid: "Full", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
          { Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" },
          {
            Sid: "Np",
            Effect: "Deny",
            NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" },
            Action: "s3:*",
            Resource: "*",
          },
          { Sid: "Named", Effect: "Deny", Principal: { AWS: "*" }, NotAction: "s3:GetObject", Resource: "*" },
          { Sid: "Star", Effect: "Deny", Principal: "*", Action: ["*", "ec2:RunInstances"], Resource: "*" },
        ),
      ),
      "rcp-statements-organizations-accepts",
    );
    assert.deepStrictEqual(found, [
      'RCP "guardrail" Statement "Full" is an "Allow" of everything: Organizations keeps its own RCPFullAWSAccess attached to every root, OU and account and accepts "Allow" nowhere else; remove the statement.',
      'RCP "guardrail" Statement "Open" has Effect "Allow": RCPs only restrict, Organizations accepts "Deny" only; write it as a Deny under the conditions in which access must be refused.',
      'RCP "guardrail" Statement "Np" uses NotPrincipal, which RCPs do not support; write "Principal": "*" and leave principals out with a condition (ArnNotEquals on aws:PrincipalArn).',
      'RCP "guardrail" Statement "Named" must apply to "Principal": "*" (an RCP names no principal); narrow it with conditions such as aws:PrincipalOrgID.',
      'RCP "guardrail" Statement "Named" uses NotAction, which RCPs do not support; list the actions it denies.',
      'RCP "guardrail" Statement "Star" denies "*": Organizations refuses it in an RCP; name each service\'s actions (s3:*, kms:*, ...).',
      'RCP "guardrail" Statement "Star" denies ec2:RunInstances, but RCPs do not apply to ec2: the statement has no effect there; guard it with an SCP or the resource\'s own policy.',
    ]);
  });

  it("leaves SCPs, whose syntax differs (Allow lists, no Principal), to Organizations", () => {
    assert.deepStrictEqual(
      messages(
        scp(doc({ Effect: "Allow", Action: "*", Resource: "*" })),
        "rcp-statements-organizations-accepts",
      ),
      [],
    );
  });
});

describe("organization-policy-no-lockout", () => {
  const lockout = (policy: ReturnType<typeof resource>, config: Record<string, unknown> = {}) =>
    messages(policy, "organization-policy-no-lockout", {
      org: { organizationId: ORG_ID, managementAccountId: MGMT, organizationAccountIds: [MGMT, PROD] },
      config: { "organization-policy-no-lockout": config },
    });

  it("passes every SCP preset the program builds, the deployers exempt from role protection", () => {
    const document = scpDocument([...SCP_PRESETS], {
      allowedRegions: ["us-east-1"],
      protectedRoleNames: ["OrganizationAccountAccessRole", "SecurityAccessRole"],
      deployingPrincipalArns: DEPLOYER_ARNS,
    });
    assert.deepStrictEqual(lockout(scp(text(document))), []);
  });

  it("finds role protection that leaves out the StackSet roles: they could no longer deploy", () => {
    const document = scpDocument(["protect-managed-roles"], {
      protectedRoleNames: ["SecurityAccessRole"],
      deployingPrincipalArns: ["arn:aws:iam::*:role/OrganizationAccountAccessRole"],
    });
    assert.deepStrictEqual(lockout(scp(text(document), "protect")), [
      `SCP "protect" Statement "DenyChangesToManagedRoles" denies iam:UpdateAssumeRolePolicy, iam:PutRolePolicy, iam:AttachRolePolicy, iam:DeleteRole to the deploying principals (arn:aws:iam::${PROD}:role/stacksets-exec-0123456789abcdef, arn:aws:iam::${PROD}:role/AWSCloudFormationStackSetExecutionRole): the accounts it is attached to could no longer be deployed or repaired through them; leave them out (ArnNotLike on aws:PrincipalArn) or narrow the statement.`,
    ]);
  });

  it("finds an unconditional deny of IAM or STS: every principal is locked out", () => {
    assert.deepStrictEqual(
      lockout(scp(doc({ Sid: "NoIam", Effect: "Deny", Action: ["iam:*", "sts:AssumeRole"], Resource: "*" }))),
      [
        `SCP "guardrail" Statement "NoIam" denies sts:AssumeRole, iam:CreateRole, iam:UpdateAssumeRolePolicy, iam:PutRolePolicy, iam:AttachRolePolicy, iam:DeleteRole to every principal it applies to, the deploying principals included (arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole, arn:aws:iam::${PROD}:role/stacksets-exec-0123456789abcdef, arn:aws:iam::${PROD}:role/AWSCloudFormationStackSetExecutionRole): no condition lets anyone through, so nothing could deploy or repair the roles of the accounts it is attached to; narrow it with conditions, and leave the deploying principals out (ArnNotLike on aws:PrincipalArn).`,
      ],
    );
  });

  it("checks the configured deploying principals too (the pipeline's deploy roles)", () => {
    const document = scpDocument(["protect-managed-roles"], {
      protectedRoleNames: ["app-role"],
      deployingPrincipalArns: DEPLOYER_ARNS,
    });
    const found = lockout(scp(text(document)), {
      deployingPrincipalArns: ["arn:aws:iam::*:role/deploy-pipeline"],
    });
    assert.strictEqual(found.length, 1);
    assert.match(found[0], /to the deploying principals \(arn:aws:iam::444444444444:role\/deploy-pipeline\)/);
    assert.deepStrictEqual(
      lockout(scp(text(document)), {
        deployingPrincipalArns: ["arn:aws:iam::*:role/OrganizationAccountAccessRole"],
      }),
      [],
    );
  });

  it("passes the data perimeter (the organization's principals, over TLS, stay in)", () => {
    const perimeter = rcpDocument(
      ["organization-principals-only", "aws-services-for-organization-only", "require-secure-transport"],
      { organizationId: ORG_ID },
    );
    assert.deepStrictEqual(lockout(rcp(text(perimeter))), []);
  });

  it("finds a perimeter naming another organization: the management account could not reach any member", () => {
    const perimeter = rcpDocument(["organization-principals-only"], { organizationId: "o-zz9988776655" });
    const found = lockout(rcp(text(perimeter), "perimeter"));
    assert.strictEqual(found.length, 1);
    assert.match(
      found[0],
      /^RCP "perimeter" Statement "EnforceOrgIdentities" denies sts:AssumeRole, s3:PutBucketPolicy, kms:PutKeyPolicy to the deploying principals \(arn:aws:iam::111111111111:role\/OrganizationAccountAccessRole, arn:aws:iam::111111111111:role\/aws-service-role\/stacksets.cloudformation.amazonaws.com\/AWSServiceRoleForCloudFormationStackSetsOrgAdmin, arn:aws:iam::444444444444:role\/OrganizationAccountAccessRole\)/,
    );
  });

  it("finds an RCP that refuses everyone, and passes one that refuses only outsiders", () => {
    assert.deepStrictEqual(
      lockout(
        rcp(doc({ Sid: "NoRoles", Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Resource: "*" })),
      ),
      [
        `RCP "guardrail" Statement "NoRoles" denies sts:AssumeRole to every principal it applies to, the deploying principals included (arn:aws:iam::${MGMT}:role/OrganizationAccountAccessRole, arn:aws:iam::${MGMT}:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin): no condition lets anyone through, so nothing could deploy or repair the roles of the accounts it is attached to; narrow it with conditions, and leave the deploying principals out (ArnNotLike on aws:PrincipalArn).`,
      ],
    );
    assert.deepStrictEqual(
      lockout(
        rcp(
          doc({
            Sid: "OutsidersOff",
            Effect: "Deny",
            Principal: "*",
            Action: "sts:AssumeRole",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:PrincipalOrgID": ORG_ID } },
          }),
        ),
      ),
      [],
    );
  });
});

describe("SCPs and RCPs in CloudFormation templates and aws-native", () => {
  it("checks an AWS::Organizations::Policy of a stack template and an aws-native policy as the Pulumi resource", () => {
    const noRoles = {
      Sid: "NoRoles",
      Effect: "Deny",
      Principal: "*",
      Action: "sts:AssumeRole",
      Resource: "*",
    };
    const template = {
      Resources: {
        Perimeter: {
          Type: "AWS::Organizations::Policy",
          Properties: {
            Name: "perimeter",
            Type: "RESOURCE_CONTROL_POLICY",
            Content: doc(noRoles),
            TargetIds: ["r-a1b2"],
          },
        },
      },
    };
    const inStack = messages(
      resource(
        "aws:cloudformation/stack:Stack",
        "guardrails",
        { templateBody: JSON.stringify(template) },
        MGMT,
      ),
      "organization-policy-no-lockout",
    );
    assert.strictEqual(inStack.length, 1);
    assert.match(inStack[0], /RCP "perimeter" Statement "NoRoles" denies sts:AssumeRole to every principal/);
    const native = messages(
      resource(
        "aws-native:organizations:Policy",
        "perimeter",
        { name: "perimeter", type: "RESOURCE_CONTROL_POLICY", content: doc(noRoles) },
        MGMT,
      ),
      "organization-policy-no-lockout",
    );
    assert.strictEqual(native.length, 1);
  });
});
