import * as assert from "assert";
import { exampleValue, jsonInput, ProgramRun, runExample, single } from "../harness";

/**
 * What the deploy roles need for what real AWS does and the mocks do not show:
 * - Service-managed StackSets live in the management account, also when a delegated administrator
 *   creates them (`callAs: DELEGATED_ADMIN`): "StackSets with service-managed permissions are created
 *   in the management account, including StackSets that are created by delegated administrators"
 *   (CloudFormation API Reference, CreateStackSet, CallAs:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
 *   So the security deploy role's StackSet ARNs name the management account.
 * - Resource ARNs `stackset/<name>:<id>` and `stackset-target/<name>:<id>/<target>`; `CreateStackSet`
 *   and `ListStackSets` support no resource-level permission, so only `*` allows them (Service
 *   Authorization Reference, AWS CloudFormation:
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html).
 * - Identity Center provisions a permission set into the management account with the caller's own IAM
 *   permissions on `role/aws-reserved/sso.amazonaws.com/*` and `saml-provider/AWSSSO_*`: its
 *   service-linked role's policy excludes the management account from those writes
 *   (`StringNotEquals aws:PrincipalOrgMasterAccountId: ${aws:PrincipalAccount}`,
 *   https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html), and
 *   AWS documents assigning access to the management account as a privileged action
 *   (https://docs.aws.amazon.com/singlesignon/latest/userguide/howtodelegatessoaccess.html).
 */

const MANAGEMENT = "111111111111";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

type Statement = {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: unknown;
};

function statements(run: ProgramRun, name: string): Record<string, Statement> {
  const document = jsonInput<{ Statement: Statement[] }>(single(run, ROLE_POLICY, name), "policy");
  return Object.fromEntries(document.Statement.map((s) => [s.Sid, s]));
}

const STACKSET_READ = [
  "cloudformation:DescribeStackInstance",
  "cloudformation:DescribeStackSet",
  "cloudformation:DescribeStackSetOperation",
  "cloudformation:ListStackInstances",
  "cloudformation:ListStackSetOperationResults",
  "cloudformation:ListStackSetOperations",
];
const STACKSET_WRITE = [
  "cloudformation:CreateStackInstances",
  "cloudformation:DeleteStackInstances",
  "cloudformation:DeleteStackSet",
  "cloudformation:TagResource",
  "cloudformation:UntagResource",
  "cloudformation:UpdateStackInstances",
  "cloudformation:UpdateStackSet",
];

describe("pipeline deploy roles: StackSets and Identity Center as AWS authorizes them", () => {
  let management: ProgramRun;
  let security: ProgramRun;
  before(async () => {
    management = await runExample("management");
    security = await runExample("security");
  });

  it("lets the security deploy role manage exactly its DELEGATED_ADMIN StackSets, in the management account", () => {
    const deploy = statements(security, "pipeline-security-deploy-OrgAccessDeploy");
    // The security-access role StackSets and the observability detection StackSet beside each, per
    // watched region (the example watches us-east-1), each with its `-bounded` twin for the targets
    // that carry the permissions boundary.
    const names = [
      "org-access-ComplianceAccessRole",
      "org-access-ComplianceAccessRole-alerts-us-east-1",
      "org-access-ComplianceAccessRole-alerts-us-east-1-bounded",
      "org-access-ComplianceAccessRole-bounded",
      "org-access-SecurityAccessRole",
      "org-access-SecurityAccessRole-alerts-us-east-1",
      "org-access-SecurityAccessRole-alerts-us-east-1-bounded",
      "org-access-SecurityAccessRole-bounded",
    ];
    const resources = [
      ...names.map((name) => `arn:aws:cloudformation:*:${MANAGEMENT}:stackset/${name}:*`),
      ...names.map((name) => `arn:aws:cloudformation:*:${MANAGEMENT}:stackset-target/${name}:*`),
      "arn:aws:cloudformation:*::type/resource/*",
    ];
    assert.deepStrictEqual(deploy.ManageStackSets, {
      Sid: "ManageStackSets",
      Effect: "Allow",
      Action: [...STACKSET_READ, ...STACKSET_WRITE].sort(),
      Resource: resources,
    });
    // Creating one has no resource ARN; activating trusted access is the management account's alone.
    assert.deepStrictEqual(deploy.StackSetsWithOrganizations, {
      Sid: "StackSetsWithOrganizations",
      Effect: "Allow",
      Action: [
        "cloudformation:CreateStackSet",
        "cloudformation:DescribeOrganizationsAccess",
        "cloudformation:ListStackSets",
      ],
      Resource: "*",
    });
    // Every StackSet the example stack creates is one of those names, each as delegated administrator.
    assert.deepStrictEqual(
      security.resources
        .filter((r) => r.type === "aws:cloudformation/stackSet:StackSet")
        .map((r) => [r.inputs.name, r.inputs.callAs, r.inputs.permissionModel])
        .sort(),
      names.map((name) => [name, "DELEGATED_ADMIN", "SERVICE_MANAGED"]),
    );
    // Nothing of the stack's own account, and not the management stack's StackSets.
    assert.ok(!JSON.stringify(deploy).includes(":222222222222:stackset"));
    assert.ok(!JSON.stringify(deploy).includes("OrganizationAccountAccessRole"));
    const preview = statements(security, "pipeline-security-preview-OrgAccessPreview");
    assert.deepStrictEqual(preview.ManageStackSets, {
      Sid: "ManageStackSets",
      Effect: "Allow",
      Action: STACKSET_READ,
      Resource: resources,
    });
  });

  it("names a detection StackSet per watched region, and none without observability", async () => {
    const observability = exampleValue<Record<string, unknown>>("security", "observability");
    const twoRegions = await runExample("security", {
      observability: { ...observability, regions: ["us-east-1", "eu-west-1"] },
    });
    const stackSets = (run: ProgramRun) =>
      run.resources
        .filter((r) => r.type === "aws:cloudformation/stackSet:StackSet")
        .map((r) => r.inputs.name as string)
        .sort();
    const granted = (run: ProgramRun) =>
      [statements(run, "pipeline-security-deploy-OrgAccessDeploy").ManageStackSets.Resource]
        .flat()
        .filter((arn) => arn.includes(":stackset/"))
        .map((arn) => /:stackset\/(.+):\*$/.exec(arn)?.[1])
        .sort();
    // The example's workload OUs carry the permissions boundary, so each StackSet has its `-bounded` twin.
    assert.deepStrictEqual(stackSets(twoRegions), [
      "org-access-ComplianceAccessRole",
      "org-access-ComplianceAccessRole-alerts-eu-west-1",
      "org-access-ComplianceAccessRole-alerts-eu-west-1-bounded",
      "org-access-ComplianceAccessRole-alerts-us-east-1",
      "org-access-ComplianceAccessRole-alerts-us-east-1-bounded",
      "org-access-ComplianceAccessRole-bounded",
      "org-access-SecurityAccessRole",
      "org-access-SecurityAccessRole-alerts-eu-west-1",
      "org-access-SecurityAccessRole-alerts-eu-west-1-bounded",
      "org-access-SecurityAccessRole-alerts-us-east-1",
      "org-access-SecurityAccessRole-alerts-us-east-1-bounded",
      "org-access-SecurityAccessRole-bounded",
    ]);
    assert.deepStrictEqual(granted(twoRegions), stackSets(twoRegions));
    const without = await runExample("security", { observability: undefined });
    assert.deepStrictEqual(stackSets(without), [
      "org-access-ComplianceAccessRole",
      "org-access-ComplianceAccessRole-bounded",
      "org-access-SecurityAccessRole",
      "org-access-SecurityAccessRole-bounded",
    ]);
    assert.deepStrictEqual(granted(without), stackSets(without));
  });

  it("gives the security deploy role no StackSet permission when it rolls out through providers", async () => {
    const securityAccess = exampleValue<{ rollout: Record<string, unknown> }>("security", "securityAccess");
    const providers = await runExample("security", {
      securityAccess: {
        ...securityAccess,
        rollout: { ...securityAccess.rollout, mode: "providers", accounts: [] },
      },
    });
    const deploy = statements(providers, "pipeline-security-deploy-OrgAccessDeploy");
    assert.deepStrictEqual(
      Object.keys(deploy).filter((sid) => sid.includes("StackSet")),
      [],
    );
  });

  it("lets the management deploy role create StackSets on `*` and manage those of its account", () => {
    const deploy = statements(management, "pipeline-management-deploy-OrgAccessDeploy");
    assert.deepStrictEqual(deploy.ManageStackSets, {
      Sid: "ManageStackSets",
      Effect: "Allow",
      Action: [...STACKSET_READ, ...STACKSET_WRITE].sort(),
      Resource: [
        `arn:aws:cloudformation:*:${MANAGEMENT}:stackset/*`,
        `arn:aws:cloudformation:*:${MANAGEMENT}:stackset-target/*`,
        "arn:aws:cloudformation:*::type/resource/*",
      ],
    });
    assert.deepStrictEqual(deploy.StackSetsWithOrganizations, {
      Sid: "StackSetsWithOrganizations",
      Effect: "Allow",
      Action: [
        "cloudformation:ActivateOrganizationsAccess",
        "cloudformation:CreateStackSet",
        "cloudformation:DescribeOrganizationsAccess",
        "cloudformation:ListStackSets",
      ],
      Resource: "*",
    });
  });

  it("keeps StackSet permissions when the only StackSet is the audit or boundary rollout", async () => {
    const audit = exampleValue<{ rollout: Record<string, unknown> }>("management", "audit");
    const pipeline = exampleValue<Record<string, unknown>>("management", "pipeline");
    const run = await runExample("management", {
      organizationAccess: undefined,
      pipeline: { ...pipeline, preview: false },
      audit: { ...audit, rollout: { mode: "stackset" } },
    });
    assert.ok(run.resources.some((r) => r.type === "aws:cloudformation/stackSet:StackSet"));
    const deploy = statements(run, "pipeline-management-deploy-OrgAccessDeploy");
    assert.deepStrictEqual(
      Object.keys(deploy).filter((sid) => sid.includes("StackSet")),
      ["ManageStackSets", "StackSetsWithOrganizations"],
    );
  });

  it("lets the management deploy role provision Identity Center's roles and SAML provider in the management account", () => {
    const deploy = statements(management, "pipeline-management-deploy-OrgAccessDeploy");
    assert.deepStrictEqual(deploy.ProvisionIdentityCenterRolesInManagementAccount, {
      Sid: "ProvisionIdentityCenterRolesInManagementAccount",
      Effect: "Allow",
      Action: [
        "iam:AttachRolePolicy",
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:GetRole",
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
      ],
      Resource: `arn:aws:iam::${MANAGEMENT}:role/aws-reserved/sso.amazonaws.com/*`,
    });
    assert.deepStrictEqual(deploy.ProvisionIdentityCenterSamlProviderInManagementAccount, {
      Sid: "ProvisionIdentityCenterSamlProviderInManagementAccount",
      Effect: "Allow",
      Action: [
        "iam:CreateSAMLProvider",
        "iam:DeleteSAMLProvider",
        "iam:GetSAMLProvider",
        "iam:UpdateSAMLProvider",
      ],
      Resource: `arn:aws:iam::${MANAGEMENT}:saml-provider/AWSSSO_*`,
    });
    // The example assigns SecurityReview in the management account: that is why.
    const assignments = (
      management.outputs.capabilities as { identityCenter: { assignments: { account: string }[] } }
    ).identityCenter.assignments;
    assert.ok(assignments.some((a) => a.account === "management"));
    // A preview provisions nothing.
    const preview = statements(management, "pipeline-management-preview-OrgAccessPreview");
    assert.deepStrictEqual(
      Object.keys(preview).filter((sid) => sid.startsWith("ProvisionIdentityCenter")),
      [],
    );
  });

  it("grants nothing on Identity Center's roles when no permission set is assigned in the management account", async () => {
    const identityCenter = exampleValue<{
      assignments: { accounts?: string[]; includeManagementAccount?: boolean }[];
    }>("management", "identityCenter");
    // The management account only by name or by the explicit opt-in: both removed.
    const run = await runExample("management", {
      identityCenter: {
        ...identityCenter,
        assignments: identityCenter.assignments.map(({ includeManagementAccount: _, ...a }) => ({
          ...a,
          ...(a.accounts === undefined
            ? {}
            : { accounts: a.accounts.filter((name) => name !== "management") }),
        })),
      },
    });
    const deploy = statements(run, "pipeline-management-deploy-OrgAccessDeploy");
    assert.ok("ManageIdentityCenter" in deploy);
    assert.deepStrictEqual(
      Object.keys(deploy).filter((sid) => sid.startsWith("ProvisionIdentityCenter")),
      [],
    );
    assert.ok(!JSON.stringify(deploy).includes("aws-reserved/sso.amazonaws.com"));
    assert.ok(!JSON.stringify(deploy).includes("AWSSSO_"));
  });
});
