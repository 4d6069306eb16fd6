import * as assert from "assert";
import {
  PERIMETER_STS_ACTIONS,
  RCP_MAX_CHARACTERS,
  rcpDocument,
  trustedWebIdentityStatements,
} from "../../components/guardrails/resource-control-policies/rcp-documents";
import { policySize } from "../../components/guardrails/organization-policy";
import { stringLike } from "../../components/guardrails/resource-control-policies/config";
import { loadConfig } from "../../components/config";
import { rcpServices } from "../../policy-pack/lib/actions";
import { configIssuesOf } from "../organization-access/helpers";
import { POLICY, policyAttachments } from "./helpers";
import { exampleConfig, exampleValue, jsonInput, ofType, ProgramRun, runExample, single } from "../harness";

const MANAGEMENT = "111111111111";
const ORG = "o-a1b2c3d4e5";
const PERIMETER_ACTIONS = ["s3:*", "kms:*", ...PERIMETER_STS_ACTIONS, "sqs:*", "secretsmanager:*"];
const ALL_ACTIONS = ["s3:*", "kms:*", "sts:*", "sqs:*", "secretsmanager:*"];

type Guardrails = Record<string, unknown> & { resourceControlPolicies: Record<string, unknown>[] };
const example = () => exampleValue<Guardrails>("management", "guardrails");
const perimeter = () => example().resourceControlPolicies[0];
const withRcps = (rcps: Record<string, unknown>[]) => ({
  guardrails: { ...example(), resourceControlPolicies: rcps },
});
const rcp = (extra: Record<string, unknown>) => ({
  name: "custom",
  targets: { organizationalUnits: ["workloads"] },
  ...extra,
});
const issues = (rcps: Record<string, unknown>[]) => configIssuesOf("management", withRcps(rcps));

const attachments = (run: ProgramRun, name: string) => policyAttachments(run, `rcp-${name}`);

describe("resource control policies of the example organization", () => {
  let run: ProgramRun;
  let custom: ProgramRun;
  before(async () => {
    run = await runExample("management");
    custom = await runExample(
      "management",
      withRcps([
        perimeter(),
        {
          name: "partners",
          description: "Partner access to workload data, and no public bucket policies",
          presets: ["organization-principals-only"],
          services: ["s3", "dynamodb"],
          exemptions: [
            {
              principal: "arn:aws:iam::210987654321:role/partner-reader",
              reason: "the release-audit partner reads published artifacts",
            },
            { principal: "123456789012", reason: "the payroll provider's account exports its reports to us" },
          ],
          statements: [
            {
              Sid: "DenyBucketPolicyChangesOutsideDeployers",
              Effect: "Deny",
              Action: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
              Condition: {
                ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" },
              },
            },
          ],
          targets: { organizationalUnits: ["workloads"], accounts: ["infra-ops"] },
        },
      ]),
    );
  });

  it("creates the data perimeter in the management account, typed RESOURCE_CONTROL_POLICY", () => {
    assert.deepStrictEqual(
      ofType(run, POLICY)
        .filter((p) => p.inputs.type === "RESOURCE_CONTROL_POLICY")
        .map((p) => [p.name, p.account, p.inputs.name, p.inputs.description]),
      [
        [
          "rcp-data-perimeter-policy",
          MANAGEMENT,
          "org-access-data-perimeter",
          "Resources accept only the organization, AWS services acting for it, TLS, and example-org's GitHub workflows",
        ],
      ],
    );
  });

  it("is AWS's data-perimeter statements for S3, KMS, STS, SQS and Secrets Manager, vendors let in, attached at the root", () => {
    assert.deepStrictEqual(jsonInput(single(run, POLICY, "rcp-data-perimeter-policy"), "content"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EnforceOrgIdentities",
          Effect: "Deny",
          Principal: "*",
          Action: PERIMETER_ACTIONS,
          Resource: "*",
          Condition: {
            // The vendors of org-access:vendors: observability by account, the scanner by its role.
            StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG, "aws:PrincipalAccount": "314159265358" },
            ArnNotEqualsIfExists: { "aws:PrincipalArn": "arn:aws:iam::271828182845:role/scanner-assume" },
            BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
          },
        },
        {
          Sid: "EnforceConfusedDeputyProtection",
          Effect: "Deny",
          Principal: "*",
          Action: ALL_ACTIONS,
          Resource: "*",
          Condition: {
            StringNotEqualsIfExists: { "aws:SourceOrgID": ORG },
            Null: { "aws:SourceAccount": "false" },
            Bool: { "aws:PrincipalIsAWSService": "true" },
          },
        },
        {
          Sid: "EnforceSecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: ALL_ACTIONS,
          Resource: "*",
          Condition: { BoolIfExists: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "EnforceTrustedOIDCProviders",
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRoleWithWebIdentity",
          Resource: "*",
          Condition: { Null: { "token.actions.githubusercontent.com:sub": "true" } },
        },
        {
          Sid: "EnforceTrustedOIDCTenant1",
          Effect: "Deny",
          Principal: "*",
          Action: "sts:AssumeRoleWithWebIdentity",
          Resource: "*",
          Condition: {
            StringNotLikeIfExists: {
              "token.actions.githubusercontent.com:sub": ["repo:example-org/*", "repo:example-org@1234567/*"],
            },
            Null: { "token.actions.githubusercontent.com:sub": "false" },
          },
        },
      ],
    });
    assert.deepStrictEqual(attachments(run, "data-perimeter"), [[MANAGEMENT, "r-a1b2"]]);
  });

  it("lists the root's policy type as a prerequisite and says the management account is not covered", () => {
    const out = (run.outputs.capabilities as Record<string, Record<string, unknown>>).resourceControlPolicies;
    assert.deepStrictEqual(out.prerequisites, [
      "enable the RESOURCE_CONTROL_POLICY policy type on the organization root first (aws organizations enable-policy-type --root-id r-a1b2 --policy-type RESOURCE_CONTROL_POLICY); Organizations then attaches RCPFullAWSAccess to the root, every OU and every account",
    ]);
    assert.strictEqual(
      out.notCovered,
      "the management account (111111111111): RCPs never restrict its resources; keep shared data in member accounts",
    );
    assert.deepStrictEqual(
      (out.policies as Record<string, Record<string, unknown>>)["data-perimeter"].exemptions,
      ["314159265358", "arn:aws:iam::271828182845:role/scanner-assume"],
    );
  });

  it("combines a preset over chosen services with exact exemptions and custom Deny statements, on an OU and an account", () => {
    const content = jsonInput<{ Statement: Record<string, unknown>[] }>(
      single(custom, POLICY, "rcp-partners-policy"),
      "content",
    );
    assert.deepStrictEqual(content.Statement, [
      {
        Sid: "EnforceOrgIdentities",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*", "dynamodb:*"],
        Resource: "*",
        Condition: {
          StringNotEqualsIfExists: {
            "aws:PrincipalOrgID": ORG,
            "aws:PrincipalAccount": ["123456789012", "314159265358"],
          },
          ArnNotEqualsIfExists: {
            "aws:PrincipalArn": [
              "arn:aws:iam::210987654321:role/partner-reader",
              "arn:aws:iam::271828182845:role/scanner-assume",
            ],
          },
          BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
        },
      },
      {
        Sid: "DenyBucketPolicyChangesOutsideDeployers",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
        Resource: "*",
        Condition: {
          ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" },
        },
      },
    ]);
    assert.deepStrictEqual(attachments(custom, "partners"), [
      [MANAGEMENT, "ou-a1b2-workload1"],
      [MANAGEMENT, "555555555555"],
    ]);
  });
});

describe("RCP builders", () => {
  it("refuse a web-identity preset without providers, and an empty document", () => {
    assert.throws(() => trustedWebIdentityStatements([]), /at least one trusted provider/);
    assert.throws(() => rcpDocument([], { organizationId: ORG }), /at least one statement/);
  });

  it("measure documents the way Organizations counts them, the example well under the limit", () => {
    const document = rcpDocument(["organization-principals-only", "require-secure-transport"], {
      organizationId: ORG,
    });
    assert.strictEqual(policySize(document), JSON.stringify(document).length);
    assert.ok(policySize(document) < RCP_MAX_CHARACTERS);
  });

  it("match sub patterns as IAM's StringLike does", () => {
    assert.ok(stringLike("repo:example-org/*", "repo:example-org/app:ref:refs/heads/main"));
    assert.ok(
      stringLike("repo:example-org@1234567/*", "repo:example-org@1234567/payments@7654321:environment:prod"),
    );
    assert.ok(!stringLike("repo:example-org/*", "repo:example-org-evil/app:ref:refs/heads/main"));
    assert.ok(
      !stringLike("repo:example-org/*", "repo:example-org@1234567/payments@7654321:environment:prod"),
    );
    assert.ok(stringLike("repo:example-org/app?", "repo:example-org/app1"));
    assert.ok(!stringLike("repo:example.org/*", "repo:exampleXorg/app"));
  });
});

describe("RCP config errors", () => {
  it("names an unknown preset, listing the presets", () => {
    assert.deepStrictEqual(issues([rcp({ presets: ["organization-only"] })]), [
      'org-access:guardrails.resourceControlPolicies[0].presets[0]: "organization-only" is not an RCP preset; use one of organization-principals-only, aws-services-for-organization-only, require-secure-transport, trusted-web-identity-providers, or write the statement under statements',
    ]);
  });

  it("refuses Allow statements: RCPFullAWSAccess is Organizations' own, everything else is a Deny", () => {
    assert.deepStrictEqual(
      issues([
        rcp({
          statements: [
            { Sid: "FullAccess", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
            { Sid: "OpenBuckets", Effect: "Allow", Principal: "*", Action: "s3:GetObject" },
          ],
        }),
      ]),
      [
        'org-access:guardrails.resourceControlPolicies[0].statements[0].Effect: "Allow" belongs to RCPFullAWSAccess only, which Organizations attaches to the root, every OU and every account itself and never detaches; remove this statement',
        'org-access:guardrails.resourceControlPolicies[0].statements[1].Effect: RCPs only restrict: Organizations accepts "Allow" in its own RCPFullAWSAccess only; write this as a "Deny" under the conditions in which access must be refused',
      ],
    );
  });

  it('refuses what Organizations refuses in an RCP statement: NotPrincipal, NotAction, a named principal, "*" and unsupported services', () => {
    assert.deepStrictEqual(
      issues([
        rcp({
          statements: [
            {
              Sid: "A",
              Effect: "Deny",
              NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" },
              Action: "s3:*",
            },
            { Sid: "B", Effect: "Deny", NotAction: "s3:GetObject" },
            { Sid: "C", Effect: "Deny", Principal: { AWS: "*" }, Action: ["*"] },
            { Sid: "D", Effect: "Deny", Action: ["ec2:RunInstances", "kms:Decrypt"] },
          ],
        }),
      ]),
      [
        'org-access:guardrails.resourceControlPolicies[0].statements[0].NotPrincipal: RCPs do not support NotPrincipal; write "Principal": "*" and leave principals out with a condition, e.g. ArnNotEquals on aws:PrincipalArn',
        "org-access:guardrails.resourceControlPolicies[0].statements[1].NotAction: RCPs do not support NotAction; list the actions the statement denies under Action",
        'org-access:guardrails.resourceControlPolicies[0].statements[2].Principal: an RCP statement applies to every principal, so Principal is "*"; narrow it with conditions (aws:PrincipalOrgID, aws:PrincipalArn) instead of {"AWS":"*"}',
        'org-access:guardrails.resourceControlPolicies[0].statements[2].Action: Organizations refuses "*" alone as an RCP action; name each service\'s actions, e.g. s3:*, kms:*, sts:*, sqs:*, secretsmanager:*',
        'org-access:guardrails.resourceControlPolicies[0].statements[3].Action: RCPs do not apply to ec2, so "ec2:RunInstances" would have no effect; guard it with an SCP (org-access:guardrails.scps) or the resource\'s own policy',
      ],
    );
  });

  it("takes the services RCPs apply to from the service reference, and refuses others", () => {
    assert.ok(rcpServices().includes("s3") && rcpServices().includes("secretsmanager"));
    assert.ok(!rcpServices().includes("ec2") && !rcpServices().includes("iam"));
    assert.deepStrictEqual(
      issues([rcp({ presets: ["require-secure-transport"], services: ["s3", "iam"] })]),
      [
        'org-access:guardrails.resourceControlPolicies[0].services[1]: "iam" is not a service RCPs apply to; use service prefixes such as s3, kms, sts, sqs, secretsmanager, dynamodb, logs, ecr',
      ],
    );
  });

  it("refuses exemptions with wildcards, an account root, and principals of the organization", () => {
    const exempt = (principal: string) => ({ principal, reason: "a reason long enough to review" });
    assert.deepStrictEqual(
      issues([
        rcp({
          presets: ["organization-principals-only"],
          exemptions: [
            exempt("arn:aws:iam::210987654321:role/partner-*"),
            exempt("arn:aws:iam::210987654321:root"),
            exempt("arn:aws:iam::666666666666:role/app-upload-role"),
            exempt("777777777777"),
            { principal: "210987654321", reason: "partner" },
          ],
        }),
      ]),
      [
        'org-access:guardrails.resourceControlPolicies[0].exemptions[0].principal: "arn:aws:iam::210987654321:role/partner-*" has a wildcard, which would exempt every principal it matches; name each principal by its exact role or user ARN (or a whole third-party account by its 12-digit ID)',
        'org-access:guardrails.resourceControlPolicies[0].exemptions[1].principal: "arn:aws:iam::210987654321:root" names the account root, which matches only that account\'s root user; to let in every principal of a third-party account, write its 12-digit ID',
        "org-access:guardrails.resourceControlPolicies[0].exemptions[4].reason: say why this principal may reach the organization's resources (at least 10 characters)",
        'org-access:guardrails.resourceControlPolicies[0].exemptions[2].principal: "arn:aws:iam::666666666666:role/app-upload-role" is in account prod of the organization, which the perimeter already lets in (aws:PrincipalOrgID); remove the exemption',
        'org-access:guardrails.resourceControlPolicies[0].exemptions[3].principal: "777777777777" is in account staging of the organization, which the perimeter already lets in (aws:PrincipalOrgID); remove the exemption',
      ],
    );
  });

  it("refuses the management account as a target: RCPs never restrict its resources", () => {
    assert.deepStrictEqual(
      issues([rcp({ presets: ["require-secure-transport"], targets: { accounts: ["management", "prod"] } })]),
      [
        "org-access:guardrails.resourceControlPolicies[0].targets.accounts[0]: RCPs never restrict the resources of the management account, so attaching one there protects nothing; keep data out of the management account, and attach RCPs to member OUs or accounts (`root` covers every member account)",
      ],
    );
    // The one targets schema's opt-in for the management account is refused the same way.
    assert.deepStrictEqual(
      issues([
        rcp({
          presets: ["require-secure-transport"],
          targets: { organizationalUnits: ["root"], includeManagementAccount: true },
        }),
      ]),
      [
        "org-access:guardrails.resourceControlPolicies[0].targets.includeManagementAccount: RCPs never restrict the resources of the management account, so attaching one there protects nothing; keep data out of the management account, and attach RCPs to member OUs or accounts (`root` covers every member account)",
      ],
    );
  });

  it("refuses a document over the RCP size limit before anything is deployed", () => {
    const statements = Array.from({ length: 40 }, (_, i) => ({
      Sid: `DenyTaggedBucketAccess${i}`,
      Effect: "Deny",
      Action: ["s3:GetObject", "s3:PutObject"],
      Condition: { StringEquals: { "aws:ResourceTag/classification": `restricted-${i}` } },
    }));
    const found = issues([rcp({ statements })]);
    assert.strictEqual(found.length, 1);
    assert.match(
      found[0],
      /^org-access:guardrails\.resourceControlPolicies\[0\]\.presets: the policy is \d+ characters, over the 5120 Organizations accepts for an RCP; split its presets and statements across two entries$/,
    );
  });

  it("refuses more RCPs on one target than Organizations attaches, duplicates and empty entries", () => {
    const entry = (name: string) => rcp({ name, presets: ["require-secure-transport"] });
    assert.deepStrictEqual(issues(["a", "b", "c", "d", "e"].map(entry)), [
      "org-access:guardrails.resourceControlPolicies[4].targets: OU workloads would get 5 RCPs from this stack; Organizations allows 5 per target including RCPFullAWSAccess, so at most 4: combine presets into fewer entries",
    ]);
    assert.deepStrictEqual(
      issues([
        entry("a"),
        rcp({ name: "a", presets: ["require-secure-transport", "require-secure-transport"] }),
        rcp({ name: "b", targets: {} }),
      ]),
      [
        "org-access:guardrails.resourceControlPolicies[1].name: duplicate RCP name, already org-access:guardrails.resourceControlPolicies[0]",
        "org-access:guardrails.resourceControlPolicies[1].presets[1]: require-secure-transport is listed twice",
        "org-access:guardrails.resourceControlPolicies[2].presets: list at least one preset (organization-principals-only, aws-services-for-organization-only, require-secure-transport, trusted-web-identity-providers) or statement",
        "org-access:guardrails.resourceControlPolicies[2].targets: attach it to at least one OU or account (targets.organizationalUnits, `root` for the whole organization, or targets.accounts)",
      ],
    );
  });

  it("refuses a web-identity perimeter that would lock out this stack's own GitHub workflows", () => {
    const web = (providers: Record<string, unknown>[]) =>
      rcp({
        presets: ["trusted-web-identity-providers"],
        webIdentityProviders: providers,
        targets: { organizationalUnits: ["infrastructure"] },
      });
    assert.deepStrictEqual(issues([web([{ issuer: "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE1234" }])]), [
      "org-access:guardrails.resourceControlPolicies[0].webIdentityProviders: org-access:cicd trusts GitHub workflows (repo:example-org/app:ref:refs/heads/main) in account tooling, which this RCP covers, and would refuse them; add { issuer: token.actions.githubusercontent.com, subjects: [repo:<your org>/*] }",
    ]);
    assert.deepStrictEqual(
      issues([web([{ issuer: "token.actions.githubusercontent.com", subjects: ["repo:example-org/*"] }])]),
      [
        "org-access:guardrails.resourceControlPolicies[0].webIdentityProviders: org-access:cicd trusts repo:example-org@1234567/payments@7654321:environment:prod in account tooling, which this RCP covers, and no subject pattern of token.actions.githubusercontent.com matches it, so the RCP would refuse that workflow; add a pattern for its organization, e.g. repo:example-org@1234567/*",
      ],
    );
    // The same RCP on an OU that holds no GitHub-trusting role locks nobody out.
    loadConfig(
      exampleConfig(
        "management",
        withRcps([
          rcp({
            presets: ["trusted-web-identity-providers"],
            webIdentityProviders: [{ issuer: "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE1234" }],
          }),
        ]),
      ),
    );
  });

  it("refuses tenant patterns that admit every tenant, and keys without their preset", () => {
    assert.deepStrictEqual(
      issues([
        rcp({
          presets: ["trusted-web-identity-providers"],
          webIdentityProviders: [
            { issuer: "https://token.actions.githubusercontent.com" },
            { issuer: "token.actions.githubusercontent.com", subjects: ["*", "repo:*"] },
          ],
        }),
        rcp({
          name: "other",
          presets: ["require-secure-transport"],
          exemptions: [{ principal: "210987654321", reason: "the partner's account reads exports" }],
        }),
        rcp({ name: "third", presets: ["trusted-web-identity-providers"] }),
      ]),
      [
        'org-access:guardrails.resourceControlPolicies[0].webIdentityProviders[0].issuer: "https://token.actions.githubusercontent.com" is not an issuer as IAM condition keys spell it; write the host and path without https://, e.g. token.actions.githubusercontent.com',
        'org-access:guardrails.resourceControlPolicies[0].webIdentityProviders[1].subjects[0]: "*" matches every tenant of the issuer; name your own tenant, e.g. repo:example-org/* for GitHub',
        'org-access:guardrails.resourceControlPolicies[0].webIdentityProviders[1].subjects[1]: "repo:*" does not pin a GitHub organization; a GitHub tenant is an organization: write repo:ORG/* or repo:ORG@<owner id>/*',
        "org-access:guardrails.resourceControlPolicies[1].exemptions: only the organization-principals-only preset uses exemptions; add that preset or remove the key",
        "org-access:guardrails.resourceControlPolicies[2].webIdentityProviders: the trusted-web-identity-providers preset needs the organization's own providers, e.g. [{ issuer: token.actions.githubusercontent.com, subjects: [repo:example-org/*] }]",
      ],
    );
  });

  it("belongs to the management stack", () => {
    const security = exampleValue<Record<string, unknown>>("security", "guardrails");
    assert.deepStrictEqual(
      configIssuesOf("security", { guardrails: { ...security, resourceControlPolicies: [perimeter()] } }),
      [
        "org-access:guardrails.resourceControlPolicies: RCPs are attached by the management stack, and this is a security stack; move resourceControlPolicies to Pulumi.management.yaml",
      ],
    );
  });
});
