import * as assert from "assert";
import { configIssuesOf } from "../organization-access/helpers";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample, single } from "../harness";

const MANAGEMENT = "111111111111";
const SECURITY = "222222222222";
const ANALYZER = "aws:accessanalyzer/analyzer:Analyzer";
const DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator";
const ACCESS = "aws:organizations/awsServiceAccess:AwsServiceAccess";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

type Guardrails = Record<string, unknown> & { accessAnalyzers: Record<string, unknown> };
const guardrails = (stack: "management" | "security") => exampleValue<Guardrails>(stack, "guardrails");
const withAnalyzers = (stack: "management" | "security", analyzers: Record<string, unknown>) => ({
  guardrails: { ...guardrails(stack), accessAnalyzers: analyzers },
});

describe("organization access analyzers", () => {
  let security: ProgramRun;
  let management: ProgramRun;
  let variant: ProgramRun;
  before(async () => {
    security = await runExample("security");
    management = await runExample("management");
    variant = await runExample(
      "security",
      withAnalyzers("security", {
        delegatedAdministrator: "security",
        externalAccess: { enabled: false },
        unusedAccess: { analyzerName: "unused-180", unusedAccessAgeDays: 180, excludeAccounts: ["sandbox"] },
        internalAccess: { accounts: ["prod", "log-archive"] },
      }),
    );
  });

  it("creates the external, unused and internal access analyzers in the security account, through its own provider", () => {
    const analyzers = ofType(security, ANALYZER);
    assert.deepStrictEqual(
      analyzers.map((a) => [a.name, a.account, a.inputs]),
      [
        [
          "access-analyzers-external",
          SECURITY,
          { analyzerName: "org-access-external-access", type: "ORGANIZATION" },
        ],
        [
          "access-analyzers-unused",
          SECURITY,
          {
            analyzerName: "org-access-unused-access",
            type: "ORGANIZATION_UNUSED_ACCESS",
            configuration: { unusedAccess: { unusedAccessAge: 90 } },
          },
        ],
        [
          "access-analyzers-internal",
          SECURITY,
          {
            analyzerName: "org-access-internal-access",
            type: "ORGANIZATION_INTERNAL_ACCESS",
            configuration: {
              internalAccess: { analysisRule: { inclusions: [{ resourceTypes: ["AWS::S3::Bucket"] }] } },
            },
          },
        ],
      ],
    );
    // The security stack's home provider: the stack's own credentials in the security account, no role.
    const home = security.providers.find((p) => p.accountId === SECURITY);
    assert.ok(home !== undefined);
    assert.strictEqual(home.roleArn, undefined);
    for (const analyzer of analyzers) assert.strictEqual(analyzer.providerUrn, home.urn);
  });

  it("lets the security stack's pipeline deploy role create analyzers there, and nothing of the kind elsewhere", () => {
    const policy = (run: ProgramRun, name: string) =>
      jsonInput<{ Statement: { Sid: string; Action?: string[] }[] }>(single(run, ROLE_POLICY, name), "policy")
        .Statement;
    const statements = policy(security, "pipeline-security-deploy-OrgAccessDeploy");
    assert.deepStrictEqual(
      statements.filter((s) => /AccessAnalyzer/.test(s.Sid)),
      [
        {
          Sid: "ManageAccessAnalyzers",
          Effect: "Allow",
          Action: [
            "access-analyzer:CreateAnalyzer",
            "access-analyzer:DeleteAnalyzer",
            "access-analyzer:GetAnalyzer",
            "access-analyzer:ListTagsForResource",
            "access-analyzer:TagResource",
            "access-analyzer:UntagResource",
            "access-analyzer:UpdateAnalyzer",
          ],
          Resource: `arn:aws:access-analyzer:*:${SECURITY}:analyzer/*`,
        },
        {
          Sid: "ReadOrganizationForAccessAnalyzers",
          Effect: "Allow",
          Action: [
            "access-analyzer:ListAnalyzers",
            "organizations:DescribeAccount",
            "organizations:DescribeOrganizationalUnit",
            "organizations:ListAWSServiceAccessForOrganization",
            "organizations:ListAccounts",
            "organizations:ListChildren",
            "organizations:ListOrganizationalUnitsForParent",
            "organizations:ListParents",
            "organizations:ListRoots",
          ],
          Resource: "*",
        },
        {
          Sid: "CreateAccessAnalyzerServiceLinkedRole",
          Effect: "Allow",
          Action: ["iam:CreateServiceLinkedRole"],
          Resource: `arn:aws:iam::${SECURITY}:role/aws-service-role/*`,
          Condition: { StringEquals: { "iam:AWSServiceName": "access-analyzer.amazonaws.com" } },
        },
      ],
    );
    const preview = policy(security, "pipeline-security-preview-OrgAccessPreview");
    assert.deepStrictEqual(
      preview.filter((s) => /AccessAnalyzer/.test(s.Sid)).map((s) => [s.Sid, s.Action]),
      [
        ["ManageAccessAnalyzers", ["access-analyzer:GetAnalyzer", "access-analyzer:ListTagsForResource"]],
        [
          "ReadOrganizationForAccessAnalyzers",
          [
            "access-analyzer:ListAnalyzers",
            "organizations:DescribeAccount",
            "organizations:DescribeOrganizationalUnit",
            "organizations:ListAWSServiceAccessForOrganization",
            "organizations:ListAccounts",
            "organizations:ListChildren",
            "organizations:ListOrganizationalUnitsForParent",
            "organizations:ListParents",
            "organizations:ListRoots",
          ],
        ],
      ],
    );
    const managementPolicy = policy(management, "pipeline-management-deploy-OrgAccessDeploy");
    assert.ok(!JSON.stringify(managementPolicy).includes("access-analyzer:CreateAnalyzer"));
  });

  it("takes the unused-access window, exclusions and internal-access accounts from config", () => {
    assert.deepStrictEqual(
      ofType(variant, ANALYZER).map((a) => [a.name, a.inputs]),
      [
        [
          "access-analyzers-unused",
          {
            analyzerName: "unused-180",
            type: "ORGANIZATION_UNUSED_ACCESS",
            configuration: {
              unusedAccess: {
                unusedAccessAge: 180,
                analysisRule: { exclusions: [{ accountIds: ["999999999999"] }] },
              },
            },
          },
        ],
        [
          "access-analyzers-internal",
          {
            analyzerName: "org-access-internal-access",
            type: "ORGANIZATION_INTERNAL_ACCESS",
            configuration: {
              internalAccess: {
                analysisRule: { inclusions: [{ accountIds: ["666666666666", "333333333333"] }] },
              },
            },
          },
        ],
      ],
    );
  });

  it("registers the security account as Access Analyzer's delegated administrator from the management stack, which creates no analyzer", () => {
    assert.deepStrictEqual(ofType(management, ANALYZER), []);
    const registration = single(management, DELEGATED, "delegated-admins-access-analyzer");
    const access = single(management, ACCESS, "delegated-admins-access-analyzer-access");
    assert.deepStrictEqual(
      [registration.account, registration.inputs, registration.dependencies],
      [MANAGEMENT, { accountId: SECURITY, servicePrincipal: "access-analyzer.amazonaws.com" }, [access.urn]],
    );
    assert.deepStrictEqual(
      [access.account, access.inputs.servicePrincipal, access.retainOnDelete],
      [MANAGEMENT, "access-analyzer.amazonaws.com", true],
    );
    const out = (management.outputs.capabilities as Record<string, Record<string, unknown>>).accessAnalyzers;
    assert.deepStrictEqual(out, {
      delegatedAdministrator: "security",
      delegatedAdministratorId: SECURITY,
      analyzers: "created by the stack that deploys from security",
    });
  });

  it("registers it once when delegatedAdministrators lists Access Analyzer for the same account", async () => {
    const delegated = exampleValue<{ services: Record<string, unknown>[] }>(
      "management",
      "delegatedAdministrators",
    );
    const listed = await runExample("management", {
      delegatedAdministrators: {
        ...delegated,
        services: [...delegated.services, { servicePrincipal: "access-analyzer.amazonaws.com" }],
      },
    });
    assert.deepStrictEqual(
      ofType(listed, DELEGATED)
        .filter((r) => r.inputs.servicePrincipal === "access-analyzer.amazonaws.com")
        .map((r) => [r.name, r.inputs.accountId]),
      [["delegated-admins-access-analyzer", SECURITY]],
    );
  });
});

describe("access analyzer config errors", () => {
  it("refuses the management account as the analyzers' account", () => {
    assert.deepStrictEqual(
      configIssuesOf("management", withAnalyzers("management", { delegatedAdministrator: "management" })),
      [
        'org-access:guardrails.accessAnalyzers.delegatedAdministrator: "management" is the management account; organization analyzers belong in the member account registered as Access Analyzer\'s delegated administrator (the security account), so the management account stays narrow',
      ],
    );
  });

  it("refuses a security stack that does not run in the delegated administrator, and an excluded owner account", () => {
    assert.deepStrictEqual(
      configIssuesOf(
        "security",
        withAnalyzers("security", {
          delegatedAdministrator: "log-archive",
          unusedAccess: { unusedAccessAgeDays: 0, excludeAccounts: ["log-archive", "nowhere"] },
        }),
      ),
      [
        "org-access:guardrails.accessAnalyzers.unusedAccess.unusedAccessAgeDays: Access Analyzer accepts 1 to 365 days",
        'org-access:guardrails.accessAnalyzers.delegatedAdministrator: this security stack deploys from "security", and the analyzers can only be created in the delegated administrator "log-archive"; deploy this block from the stack that runs in "log-archive"',
      ],
    );
    assert.deepStrictEqual(
      configIssuesOf(
        "security",
        withAnalyzers("security", {
          delegatedAdministrator: "security",
          unusedAccess: { unusedAccessAgeDays: 30, excludeAccounts: ["security", "nowhere"] },
        }),
      ),
      [
        'org-access:guardrails.accessAnalyzers.unusedAccess.excludeAccounts[0]: "security" owns the analyzer, and Access Analyzer cannot exclude the analyzer\'s own account; remove it',
        'org-access:guardrails.accessAnalyzers.unusedAccess.excludeAccounts[1]: unknown account "nowhere"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
      ],
    );
  });

  it("refuses a second delegated administrator for Access Analyzer", () => {
    const delegated = exampleValue<{ services: Record<string, unknown>[] }>(
      "management",
      "delegatedAdministrators",
    );
    assert.deepStrictEqual(
      configIssuesOf("management", {
        delegatedAdministrators: {
          ...delegated,
          services: [{ servicePrincipal: "access-analyzer.amazonaws.com", account: "log-archive" }],
        },
      }),
      [
        'org-access:delegatedAdministrators.services[0].account: registers "log-archive" for IAM Access Analyzer, but org-access:guardrails.accessAnalyzers.delegatedAdministrator is "security"; a service has one delegated administrator: name the same account, or remove this entry (the accessAnalyzers block registers it)',
      ],
    );
  });

  it("refuses resource types internal access analyzers do not support", () => {
    assert.deepStrictEqual(
      configIssuesOf(
        "security",
        withAnalyzers("security", {
          delegatedAdministrator: "security",
          internalAccess: { resourceTypes: ["AWS::IAM::Role"] },
        }),
      ),
      [
        "org-access:guardrails.accessAnalyzers.internalAccess.resourceTypes[0]: expected a resource type internal access analyzers support: AWS::S3::Bucket, AWS::RDS::DBSnapshot, AWS::RDS::DBClusterSnapshot, AWS::S3Express::DirectoryBucket, AWS::DynamoDB::Table, AWS::DynamoDB::Stream",
      ],
    );
  });
});
