import * as assert from "assert";
import {
  exampleValue,
  jsonInput,
  ofType,
  ProgramRun,
  RecordedResource,
  runExample,
  single,
} from "../harness";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

const TOOLING = "444444444444";
const MANAGEMENT = "111111111111";
const SECURITY = "222222222222";
const ORG = "o-a1b2c3d4e5";
const OIDC_ARN = `arn:aws:iam::${TOOLING}:oidc-provider/token.actions.githubusercontent.com`;
const PIPELINE_ROLE = `arn:aws:iam::${TOOLING}:role/org-access-pipeline`;
const PREVIEW_ROLE = `arn:aws:iam::${TOOLING}:role/org-access-preview`;
const DEPLOY_MANAGEMENT = `arn:aws:iam::${MANAGEMENT}:role/org-access-deploy-management`;
const DEPLOY_SECURITY = `arn:aws:iam::${SECURITY}:role/org-access-deploy-security`;

type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: string | string[] };
type Document = { Version: string; Statement: Statement[] };

function roleNamed(run: ProgramRun, name: string): RecordedResource {
  const found = ofType(run, ROLE).filter((r) => r.inputs.name === name);
  assert.strictEqual(found.length, 1, `expected one role ${name}`);
  return found[0];
}

function inlinePolicy(run: ProgramRun, resourceName: string): Document {
  return jsonInput<Document>(single(run, ROLE_POLICY, resourceName), "policy");
}

const pipelineConfig = () => exampleValue<Record<string, unknown>>("management", "pipeline");

describe("pipeline roles", () => {
  let management: ProgramRun;
  let security: ProgramRun;
  let branchOnly: ProgramRun;
  before(async () => {
    management = await runExample("management");
    security = await runExample("security");
    const { environments: _omitted, ...withoutEnvironments } = pipelineConfig();
    branchOnly = await runExample("management", {
      pipeline: { ...withoutEnvironments, oidcProvider: "existing", preview: false },
    });
  });

  it("creates the GitHub OIDC provider in the tooling account for STS", () => {
    const provider = single(management, OIDC, "pipeline-identity-github-oidc");
    assert.strictEqual(provider.account, TOOLING);
    assert.deepStrictEqual(provider.inputs.url, "https://token.actions.githubusercontent.com");
    assert.deepStrictEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
  });

  it("trusts the repository's environments over OIDC in the pipeline role, with aud and a run session name", () => {
    const role = roleNamed(management, "org-access-pipeline");
    assert.strictEqual(role.account, TOOLING);
    assert.strictEqual(role.inputs.maxSessionDuration, 3600);
    assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustGithubDeployJobs",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": [
                "repo:example-org/org-access:environment:management",
                "repo:example-org/org-access:environment:security",
              ],
            },
            StringLike: { "sts:RoleSessionName": "gha-*" },
          },
        },
      ],
    });
    assert.deepStrictEqual(inlinePolicy(management, "pipeline-identity-pipeline-AssumeDeployRoles"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AssumeDeployRoles",
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Resource: [DEPLOY_MANAGEMENT, DEPLOY_SECURITY],
        },
      ],
    });
  });

  it("trusts only pull requests of the repository in the preview role, which reaches only the preview roles", () => {
    const role = roleNamed(management, "org-access-preview");
    assert.strictEqual(role.account, TOOLING);
    assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustGithubPullRequests",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": ["repo:example-org/org-access:pull_request"],
            },
            StringLike: { "sts:RoleSessionName": "gha-*" },
          },
        },
      ],
    });
    const policy = inlinePolicy(management, "pipeline-identity-preview-AssumePreviewRoles");
    assert.deepStrictEqual(policy.Statement[0].Resource, [
      `arn:aws:iam::${MANAGEMENT}:role/org-access-preview-management`,
      `arn:aws:iam::${SECURITY}:role/org-access-preview-security`,
    ]);
    const reachable = JSON.stringify(policy);
    assert.ok(!reachable.includes("org-access-deploy-"), "the preview role must not reach a deploy role");
  });

  for (const [stack, account, deployName, previewName] of [
    ["management", MANAGEMENT, "org-access-deploy-management", "org-access-preview-management"],
    ["security", SECURITY, "org-access-deploy-security", "org-access-preview-security"],
  ] as const) {
    it(`${stack} stack: the deploy role trusts only the pipeline role, the preview role only the PR role`, () => {
      const run = stack === "management" ? management : security;
      const trust = (caller: string, sid: string) => ({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: sid,
            Effect: "Allow",
            Principal: { AWS: caller },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": ORG },
              StringLike: { "sts:RoleSessionName": "gha-*" },
            },
          },
        ],
      });
      const deploy = roleNamed(run, deployName);
      assert.strictEqual(deploy.account, account);
      assert.strictEqual(deploy.inputs.maxSessionDuration, 3600);
      assert.deepStrictEqual(
        jsonInput(deploy, "assumeRolePolicy"),
        trust(PIPELINE_ROLE, "TrustPipelineRole"),
      );
      const preview = roleNamed(run, previewName);
      assert.strictEqual(preview.account, account);
      assert.deepStrictEqual(
        jsonInput(preview, "assumeRolePolicy"),
        trust(PREVIEW_ROLE, "TrustPullRequestRole"),
      );
      // Inline policies only: no AdministratorAccess or other managed policy on either role.
      assert.deepStrictEqual(
        ofType(run, ATTACHMENT).filter((a) => a.parent?.includes("pipeline-")),
        [],
      );
    });
  }

  it("gives the deploy roles explicit actions only: no `*` action and no service wildcard", () => {
    for (const [run, name] of [
      [management, "pipeline-management-deploy-OrgAccessDeploy"],
      [security, "pipeline-security-deploy-OrgAccessDeploy"],
      [management, "pipeline-management-preview-OrgAccessPreview"],
      [security, "pipeline-security-preview-OrgAccessPreview"],
    ] as const) {
      const policy = single(run, ROLE_POLICY, name);
      const document = jsonInput<Document>(policy, "policy");
      const actions = document.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
      assert.ok(actions.length > 0);
      assert.deepStrictEqual(
        actions.filter((a) => a.includes("*")),
        [],
        `${name} has wildcard actions`,
      );
      assert.ok(!("NotAction" in document.Statement[0]));
      // Inline role policies share 10,240 characters per role.
      assert.ok(String(policy.inputs.policy).length < 10240, `${name} is too large`);
    }
  });

  it("scopes the management deploy role to Organizations, StackSets, its own roles and member providers", () => {
    const document = inlinePolicy(management, "pipeline-management-deploy-OrgAccessDeploy");
    assert.deepStrictEqual(
      document.Statement.map((s) => s.Sid),
      [
        "ReadOrganization",
        "AssumeMemberProviderRole",
        "ReadRoles",
        "ManageRolesOfThisStack",
        "CreateTaggedRoles",
        "ManageTaggedRoles",
        "ReadPolicies",
        "CreateTaggedPolicies",
        "ManageTaggedPolicies",
        "ManageStackSets",
        "StackSetsWithOrganizations",
        "ManageOrganizationPolicies",
        "DelegateAdministration",
        "CreateServiceLinkedRolesForDelegation",
        // org-access:guardrails.rootAccess
        "ManageCentralizedRootAccess",
        "ManageIdentityCenter",
        "ProvisionIdentityCenterRolesInManagementAccount",
        "ProvisionIdentityCenterSamlProviderInManagementAccount",
      ],
    );
    const bySid = Object.fromEntries(document.Statement.map((s) => [s.Sid, s]));
    assert.deepStrictEqual(bySid.AssumeMemberProviderRole, {
      Sid: "AssumeMemberProviderRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: "arn:aws:iam::*:role/OrganizationAccountAccessRole",
      Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
    });
    // Exactly the roles this stack manages in the management account (the inventory), its own included.
    const inventory = management.outputs.inventory as Record<string, { roles: Record<string, string> }>;
    const managed = Object.values(inventory.management.roles).sort();
    assert.deepStrictEqual(bySid.ManageRolesOfThisStack.Resource, managed);
    for (const arn of [
      `arn:aws:iam::${MANAGEMENT}:role/OrganizationAccountAccessRole`,
      DEPLOY_MANAGEMENT,
      `arn:aws:iam::${MANAGEMENT}:role/org-access-preview-management`,
    ]) {
      assert.ok(managed.includes(arn), arn);
    }
    assert.deepStrictEqual((bySid.ManageTaggedRoles as unknown as { Condition: unknown }).Condition, {
      StringEquals: { "aws:ResourceTag/managed-by": "org-access" },
    });
    // The deploy role never reaches the read-only member preview role: that is the preview's path.
    assert.ok(!JSON.stringify(document).includes("org-access-preview-member"));
    // The preview role reads what the deploy role reads, writes nothing, and assumes only the member
    // preview role (never OrganizationAccountAccessRole).
    const preview = inlinePolicy(management, "pipeline-management-preview-OrgAccessPreview");
    const previewActions = preview.Statement.flatMap((s) => s.Action as string[]);
    assert.ok(previewActions.includes("organizations:DescribeOrganization"));
    assert.deepStrictEqual(
      previewActions.filter((a) =>
        /:(Create|Delete|Update|Put|Attach|Detach|Tag|Untag|Enable|Disable|Register|Deregister|Activate)/.test(
          a,
        ),
      ),
      [],
    );
    assert.deepStrictEqual(
      preview.Statement.filter((s) => (s.Action as string[]).includes("sts:AssumeRole")),
      [
        {
          Sid: "AssumeMemberPreviewRole",
          Effect: "Allow",
          Action: ["sts:AssumeRole"],
          Resource: "arn:aws:iam::*:role/org-access-preview-member",
          Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
        },
      ],
    );
  });

  it("scopes the security deploy role to its own roles and policies and DELEGATED_ADMIN StackSets", () => {
    const document = inlinePolicy(security, "pipeline-security-deploy-OrgAccessDeploy");
    const actions = document.Statement.flatMap((s) => s.Action as string[]);
    assert.ok(!actions.includes("sts:AssumeRole"), "the security stack reaches no member account");
    assert.ok(!actions.some((a) => a.startsWith("sso:") || a.startsWith("organizations:Create")));
    const manage = document.Statement.find((s) => s.Sid === "ManageRolesOfThisStack");
    // The inventory's roles in the security account: source roles, the StackSet's copies there, its own.
    assert.deepStrictEqual(manage?.Resource, [
      `arn:aws:iam::${SECURITY}:role/ComplianceAccessRole`,
      `arn:aws:iam::${SECURITY}:role/ComplianceAutomationRole`,
      `arn:aws:iam::${SECURITY}:role/SecurityAccessRole`,
      `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`,
      `arn:aws:iam::${SECURITY}:role/audit-automation`,
      DEPLOY_SECURITY,
      `arn:aws:iam::${SECURITY}:role/org-access-preview-security`,
    ]);
    // The security stack does not create the tooling identities: they come from the management stack.
    assert.deepStrictEqual(
      ofType(security, ROLE).filter((r) => r.account === TOOLING),
      [],
    );
    assert.deepStrictEqual(ofType(security, OIDC), []);
  });

  it("lists every pipeline role in the inventory and the capability outputs", () => {
    const outputs = management.outputs as {
      inventory: Record<string, { roles: Record<string, string> }>;
      capabilities: { pipeline: Record<string, unknown> };
    };
    assert.strictEqual(outputs.inventory.tooling.roles["org-access-pipeline"], PIPELINE_ROLE);
    assert.strictEqual(outputs.inventory.tooling.roles["org-access-preview"], PREVIEW_ROLE);
    assert.strictEqual(outputs.inventory.management.roles["org-access-deploy-management"], DEPLOY_MANAGEMENT);
    assert.deepStrictEqual(outputs.capabilities.pipeline, {
      repository: "example-org/org-access",
      deploySubjects: [
        "repo:example-org/org-access:environment:management",
        "repo:example-org/org-access:environment:security",
      ],
      previewSubject: "repo:example-org/org-access:pull_request",
      pipelineRoleArn: PIPELINE_ROLE,
      deployRoleArn: DEPLOY_MANAGEMENT,
      previewRoleArn: PREVIEW_ROLE,
      previewTargetRoleArn: `arn:aws:iam::${MANAGEMENT}:role/org-access-preview-management`,
      oidcProviderArn: OIDC_ARN,
      oidcProvider: "create",
      memberPreviewRoleName: "org-access-preview-member",
      memberPreviewStackSetName: "org-access-preview-member",
    });
  });

  it("trusts the protected branch without environments, reuses an existing OIDC provider, and can drop preview", () => {
    assert.deepStrictEqual(ofType(branchOnly, OIDC), []);
    const role = roleNamed(branchOnly, "org-access-pipeline");
    const statement = jsonInput<{ Statement: { Principal: unknown; Condition: Record<string, unknown> }[] }>(
      role,
      "assumeRolePolicy",
    ).Statement[0];
    assert.deepStrictEqual(statement.Principal, { Federated: OIDC_ARN });
    assert.deepStrictEqual(statement.Condition.StringEquals, {
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": ["repo:example-org/org-access:ref:refs/heads/main"],
    });
    assert.deepStrictEqual(
      ofType(branchOnly, ROLE)
        .map((r) => r.inputs.name)
        .filter((n) => String(n).startsWith("org-access-"))
        .sort(),
      [
        // The example's observability forwards AssumeRole events from each account a provider reaches.
        ...Array<string>(8).fill("org-access-assume-role-alerts-forwarder"),
        "org-access-deploy-management",
        "org-access-pipeline",
      ],
    );
    // Without preview roles there is no member preview role either.
    assert.deepStrictEqual(
      ofType(branchOnly, "aws:cloudformation/stackSet:StackSet").filter((s) =>
        String(s.inputs.name).startsWith("org-access-preview"),
      ),
      [],
    );
  });
});
