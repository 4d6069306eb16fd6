import * as assert from "assert";
import { exampleValue, ofType, ProgramRun, runExample } from "../harness";
import {
  attachedPolicies,
  ID,
  rolePolicies,
  issuesOf,
  ORG_ID,
  roleIn,
  rolesNamed,
  trustOf,
  unboundedRoles,
} from "../cicd/helpers";

const AUTOMATION = `arn:aws:iam::${ID.security}:role/audit-automation`;
const audit = (account: keyof typeof ID) => `arn:aws:iam::${ID[account]}:role/AuditReadRole`;
/** The example's targets: every account but the security account, where the automation itself runs. */
const ALL = [
  "management",
  "log-archive",
  "tooling",
  "infra-ops",
  "prod",
  "staging",
  "dev",
  "sandbox",
] as const;

type Audit = Record<string, unknown>;
const example = () => exampleValue<Audit>("management", "audit");

describe("central audit read role in the example organization", () => {
  let management: ProgramRun;
  let security: ProgramRun;
  let custom: ProgramRun;
  before(async () => {
    management = await runExample("management");
    security = await runExample("security");
    custom = await runExample("management", {
      audit: {
        ...example(),
        targets: { accounts: ["prod"] },
        managedPolicies: [],
        inlinePolicy: [
          {
            Sid: "ReadConfigRules",
            Action: ["config:DescribeConfigRules", "config:DescribeComplianceByConfigRule"],
            Resource: "*",
          },
        ],
      },
    });
  });

  it("creates AuditReadRole in every target account through that account's provider, the management copy included", () => {
    assert.deepStrictEqual(
      rolesNamed(management, "AuditReadRole")
        .map((r) => r.account)
        .sort(),
      ALL.map((a) => ID[a]).sort(),
    );
    assert.strictEqual(roleIn(management, "AuditReadRole", ID.prod).name, "audit-read-prod-role-role");
  });

  it("trusts only the security account's automation role, with aws:PrincipalOrgID, and carries SecurityAudit only", () => {
    // IAM refuses a trust naming a role that does not exist yet and pins a named role to its unique ID;
    // it checks neither for condition values, so the security stack's role is named by aws:PrincipalArn
    // on its account's root (IAM User Guide, "AWS JSON policy elements: Principal", roles; condition key
    // aws:PrincipalArn).
    for (const account of ALL) {
      const role = roleIn(management, "AuditReadRole", ID[account]);
      assert.deepStrictEqual(trustOf(role), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustSecurityAutomation",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ID.security}:root` },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": ORG_ID },
              ArnEquals: { "aws:PrincipalArn": AUTOMATION },
            },
          },
        ],
      });
      assert.deepStrictEqual(attachedPolicies(management, role), ["arn:aws:iam::aws:policy/SecurityAudit"]);
      assert.deepStrictEqual(rolePolicies(management, role), {});
      assert.strictEqual(role.inputs.maxSessionDuration, 3600);
    }
  });

  it("uses a tighter custom read policy instead of SecurityAudit when config gives one", () => {
    assert.deepStrictEqual(
      rolesNamed(custom, "AuditReadRole").map((r) => r.account),
      [ID.prod],
    );
    const role = roleIn(custom, "AuditReadRole", ID.prod);
    assert.deepStrictEqual(attachedPolicies(custom, role), []);
    assert.deepStrictEqual(rolePolicies(custom, role), {
      AuditRead: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadConfigRules",
            Effect: "Allow",
            Action: ["config:DescribeConfigRules", "config:DescribeComplianceByConfigRule"],
            Resource: "*",
          },
        ],
      },
    });
  });

  it("creates the automation role in the security stack's own account: its principals in, exactly the audit roles out", () => {
    assert.deepStrictEqual(rolesNamed(management, "audit-automation"), []);
    const role = roleIn(security, "audit-automation", ID.security);
    const home = security.providers.find((p) => p.urn === role.providerUrn);
    assert.strictEqual(home?.roleArn, undefined, "the security stack's own credentials, no assumed role");
    assert.deepStrictEqual(trustOf(role), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustSecurityAccountPrincipals",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ID.security}:root` },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalAccount": ID.security } },
        },
      ],
    });
    assert.deepStrictEqual(attachedPolicies(security, role), []);
    assert.deepStrictEqual(rolePolicies(security, role), {
      AssumeAuditReadRoles: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AssumeAuditReadRoles",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: ALL.map(audit).sort(),
          },
        ],
      },
    });
    // The security stack creates no read role: those come from the management stack's providers.
    assert.deepStrictEqual(rolesNamed(security, "AuditReadRole"), []);
  });

  it("sets the permissions boundary on the audit role in every account that has one", () => {
    assert.deepStrictEqual(unboundedRoles(management, ["AuditReadRole"]), []);
    assert.ok(
      ofType(management, "aws:iam/role:Role").some(
        (r) => r.inputs.name === "AuditReadRole" && r.inputs.permissionsBoundary !== undefined,
      ),
    );
    assert.strictEqual(roleIn(management, "AuditReadRole", ID.tooling).inputs.permissionsBoundary, undefined);
  });

  it("lists the roles in the inventory and the outputs of both stacks", () => {
    const inventory = management.outputs.inventory as Record<string, { roles: Record<string, string> }>;
    for (const account of ALL) assert.strictEqual(inventory[account].roles.AuditReadRole, audit(account));
    const out = (management.outputs as { capabilities: { audit: Record<string, unknown> } }).capabilities
      .audit;
    assert.deepStrictEqual(
      { ...out, roles: Object.keys(out.roles as object).sort() },
      {
        rolloutMode: "providers",
        automationAccount: "security",
        roleName: "AuditReadRole",
        automationRoleArn: AUTOMATION,
        roles: [...ALL].sort(),
      },
    );
    const sec = (security.outputs as { capabilities: { audit: Record<string, unknown> } }).capabilities.audit;
    assert.strictEqual(sec.automationRoleArn, AUTOMATION);
    assert.deepStrictEqual(sec.targetAccounts, [
      "management",
      "log-archive",
      "tooling",
      "infra-ops",
      "prod",
      "staging",
      "dev",
      "sandbox",
    ]);
  });
});

describe("audit config errors", () => {
  it("keeps the role read-only and names unknown targets", () => {
    assert.deepStrictEqual(
      issuesOf({
        audit: {
          ...example(),
          automationAccount: "secops",
          managedPolicies: ["SecurityAudit", "AdministratorAccess"],
          inlinePolicy: [{ Action: "*", Resource: "*" }],
          targets: { organizationalUnits: ["workload"], accounts: ["qa"] },
          rollout: { mode: "cloudformation" },
        },
      }),
      [
        'org-access:audit.rollout.mode: "providers" (the management stack creates each copy through per-account providers) or "stackset" (one service-managed StackSet over targets.organizationalUnits)',
        'org-access:audit.automationAccount: unknown account "secops"; use a name from org-access:accounts',
        'org-access:audit.targets.accounts[0]: unknown account "qa"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
        'org-access:audit.targets.organizationalUnits[0]: unknown organizational unit "workload"; use a name from org-access:organizationalUnits (infrastructure, sandbox, security, workloads)',
        `org-access:audit.managedPolicies[1]: AdministratorAccess is admin-equivalent, not read-only (Statement[0] allows every action on Resource "*": full administrator access); the audit read role takes List and Read access only: use SecurityAudit, job-function/ViewOnlyAccess or ReadOnlyAccess, or inline statements of List and Read actions (Describe*, Get*, List*)`,
        `org-access:audit.inlinePolicy[0]: this statement is admin-equivalent, not read-only (Statement[0] allows every action on Resource "*": full administrator access); the audit read role takes List and Read access only: use SecurityAudit, job-function/ViewOnlyAccess or ReadOnlyAccess, or inline statements of List and Read actions (Describe*, Get*, List*)`,
      ],
    );
  });

  it("needs targets, and in the security stack an automation account that is the stack's own", () => {
    assert.deepStrictEqual(issuesOf({ audit: { ...example(), targets: {} } }), [
      "org-access:audit.targets: list the organizationalUnits or accounts that get the audit read role",
    ]);
    assert.deepStrictEqual(
      issuesOf({ audit: { ...example(), automationAccount: "log-archive" } }, "security"),
      [
        'org-access:audit.automationAccount: the security stack creates the automation role in its own account "security"; set automationAccount: security',
      ],
    );
  });
});

describe("audit StackSet rollout config errors", () => {
  const stackset = (changes: Record<string, unknown>, rollout: Record<string, unknown> = {}) => ({
    audit: { ...example(), ...changes, rollout: { mode: "stackset", ...rollout } },
  });

  it("needs target OUs for the StackSet, never the root, never an empty OU", () => {
    assert.deepStrictEqual(issuesOf(stackset({ targets: { accounts: ["prod"] } })), [
      "org-access:audit.rollout.mode: stackset rolls the role out to targets.organizationalUnits, and none are listed; list the OUs, or use mode: providers for single accounts",
    ]);
    const units = exampleValue<Record<string, unknown>[]>("management", "organizationalUnits");
    assert.deepStrictEqual(
      issuesOf({
        organizationalUnits: [...units, { name: "suspended", id: "ou-a1b2-suspend01" }],
        ...stackset({ targets: { organizationalUnits: ["workloads", "suspended"] } }),
      }),
      [
        'org-access:audit.targets.organizationalUnits[1]: organizational unit "suspended" has no account in org-access:accounts, and a StackSet instance on an empty OU fails; add its accounts to the inventory or remove it from the targets',
      ],
    );
    const rootIssues = issuesOf(stackset({ targets: { organizationalUnits: ["root"] } }));
    assert.ok(
      rootIssues.includes(
        "org-access:audit.targets.organizationalUnits[0]: the organization root holds the management account, which this role must never reach; list the member OUs by name instead",
      ),
      rootIssues.join("\n"),
    );
  });

  it("refuses a StackSet name another StackSet of the management account already has", () => {
    assert.deepStrictEqual(
      issuesOf(stackset({}, { stackSetName: "org-access-OrganizationAccountAccessRole" })),
      [
        'org-access:audit.rollout.stackSetName: StackSet "org-access-OrganizationAccountAccessRole" is already org-access:organizationAccess.memberRole.stackSetName; StackSet names are unique in the management account: set rollout.stackSetName',
      ],
    );
    assert.deepStrictEqual(
      issuesOf(stackset({}, { stackSetName: "1-audit", autoDeployment: { enabled: "yes" } })).map(
        (i) => i.split(";")[0],
      ),
      [
        'org-access:audit.rollout.stackSetName: "1-audit" is not a valid StackSet name',
        "org-access:audit.rollout.autoDeployment.enabled: expected true or false",
      ],
    );
  });
});
