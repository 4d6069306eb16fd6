import * as assert from "assert";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample, single } from "../harness";
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

type Delegation = Record<string, unknown>;
const example = () => exampleValue<Delegation[]>("management", "delegation")[0];
const role = (account: keyof typeof ID) => `arn:aws:iam::${ID[account]}:role/it-admin-access`;
const CONDITIONS = {
  Bool: { "aws:MultiFactorAuthPresent": "true" },
  NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
  IpAddress: { "aws:SourceIp": "203.0.113.10/32" },
};

describe("classic delegation with MFA in the example organization", () => {
  let run: ProgramRun;
  let automation: ProgramRun;
  before(async () => {
    // The example leaves the source identity off; this run turns it on.
    run = await runExample("management", { delegation: [{ ...example(), requireSourceIdentity: true }] });
    automation = await runExample("management", {
      delegation: [
        {
          name: "nightly-report",
          identityAccount: "security",
          organizationalUnits: ["workloads"],
          roleName: "report-reader",
          principals: [`arn:aws:iam::${ID.security}:role/report-runner`, "role/report-backfill"],
          group: { name: "report-operators", create: true },
          requireMfa: false,
          withoutMfaJustification:
            "The nightly compliance report runs unattended from the security account's scheduler",
          managedPolicies: ["job-function/ViewOnlyAccess"],
        },
      ],
    });
  });

  it("creates the role in each target account through that account's provider, never in the identity account", () => {
    assert.deepStrictEqual(
      rolesNamed(run, "it-admin-access").map((r) => [r.name, r.account]),
      [
        ["delegation-it-admins-prod-role-role", ID.prod],
        ["delegation-it-admins-staging-role-role", ID.staging],
      ],
    );
  });

  // The example requires the source identity: IAM user guide, "Monitor and control actions taken
  // with assumed roles": the trust allows sts:SetSourceIdentity, sts:SourceIdentity = ${aws:username},
  // and the caller's policy grants sts:SetSourceIdentity too.
  it("trusts exactly the named users of the identity account, with the organization, MFA, MFA age, source network and their user name as source identity", () => {
    for (const account of ["prod", "staging"] as const) {
      const r = roleIn(run, "it-admin-access", ID[account]);
      assert.deepStrictEqual(trustOf(r), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustIdentityAccountPrincipals",
            Effect: "Allow",
            Principal: {
              AWS: [`arn:aws:iam::${ID.security}:user/alice`, `arn:aws:iam::${ID.security}:user/bob`],
            },
            Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": ORG_ID, "sts:SourceIdentity": "${aws:username}" },
              ...CONDITIONS,
            },
          },
        ],
      });
      assert.deepStrictEqual(r.inputs.tags, { delegation: "it-admins" });
      assert.strictEqual(r.inputs.maxSessionDuration, 3600);
    }
  });

  it("attaches the managed policies, and gives the job's statements the trust's MFA and network conditions", () => {
    const r = roleIn(run, "it-admin-access", ID.prod);
    assert.deepStrictEqual(attachedPolicies(run, r), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    assert.deepStrictEqual(rolePolicies(run, r), {
      DelegatedAccess: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ManageApplicationRoles",
            Effect: "Allow",
            Action: [
              "iam:CreateRole",
              "iam:DeleteRole",
              "iam:AttachRolePolicy",
              "iam:DetachRolePolicy",
              "iam:TagRole",
            ],
            Resource: "arn:aws:iam::*:role/app-*",
            Condition: CONDITIONS,
          },
        ],
      },
    });
  });

  it("puts the group's inline policy in the identity account: sts:AssumeRole on exactly those roles, same conditions", () => {
    const policy = single(run, "aws:iam/groupPolicy:GroupPolicy", "delegation-it-admins-group-policy");
    assert.strictEqual(policy.account, ID.security);
    assert.strictEqual(policy.inputs.group, "it-admins");
    assert.strictEqual(policy.inputs.name, "AllowAssumeItAdmins");
    assert.deepStrictEqual(jsonInput(policy, "policy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowAssumeItAdmins",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: [role("prod"), role("staging")],
          Condition: CONDITIONS,
        },
        {
          Sid: "AllowAssumeItAdminsSetSourceIdentity",
          Effect: "Allow",
          Action: "sts:SetSourceIdentity",
          Resource: [role("prod"), role("staging")],
          Condition: { ...CONDITIONS, StringEquals: { "sts:SourceIdentity": "${aws:username}" } },
        },
      ],
    });
    // The users exist only in the identity account: the program creates none, nor the existing group.
    assert.deepStrictEqual(ofType(run, "aws:iam/user:User"), []);
    assert.deepStrictEqual(ofType(run, "aws:iam/group:Group"), []);
  });

  it("lets automation roles in without MFA only with a written reason, and creates the group when asked", () => {
    const roles = rolesNamed(automation, "report-reader");
    assert.deepStrictEqual(roles.map((r) => r.account).sort(), [ID.prod, ID.staging, ID.dev].sort());
    assert.deepStrictEqual(trustOf(roles[0]), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustIdentityAccountPrincipals",
          Effect: "Allow",
          Principal: {
            AWS: [
              `arn:aws:iam::${ID.security}:role/report-runner`,
              `arn:aws:iam::${ID.security}:role/report-backfill`,
            ],
          },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
        },
      ],
    });
    const group = single(automation, "aws:iam/group:Group", "delegation-nightly-report-group-group");
    assert.strictEqual(group.account, ID.security);
    assert.strictEqual(group.inputs.name, "report-operators");
    const policy = single(
      automation,
      "aws:iam/groupPolicy:GroupPolicy",
      "delegation-nightly-report-group-policy",
    );
    assert.ok(policy.dependencies.includes(group.urn));
  });

  it("sets the permissions boundary on the delegation role in every account that has one", () => {
    assert.deepStrictEqual(unboundedRoles(run, ["it-admin-access"]), []);
    assert.deepStrictEqual(unboundedRoles(automation, ["report-reader"]), []);
    assert.strictEqual(
      roleIn(run, "it-admin-access", ID.prod).inputs.permissionsBoundary,
      `arn:aws:iam::${ID.prod}:policy/org-access-boundary`,
    );
  });

  it("lists the roles in the inventory and the outputs", () => {
    const inventory = run.outputs.inventory as Record<string, { roles: Record<string, string> }>;
    assert.strictEqual(inventory.prod.roles["it-admin-access"], role("prod"));
    assert.strictEqual(inventory.staging.roles["it-admin-access"], role("staging"));
    assert.deepStrictEqual(
      (run.outputs as { capabilities: { delegation: unknown } }).capabilities.delegation,
      {
        "it-admins": {
          identityAccount: "security",
          roleName: "it-admin-access",
          groupName: "it-admins",
          principals: [`arn:aws:iam::${ID.security}:user/alice`, `arn:aws:iam::${ID.security}:user/bob`],
          roles: { prod: role("prod"), staging: role("staging") },
        },
      },
    );
  });
});

describe("delegation config errors", () => {
  it("refuses a required source identity for role principals, which have no user name to match", () => {
    assert.deepStrictEqual(
      issuesOf({
        delegation: [
          {
            ...example(),
            requireSourceIdentity: true,
            principals: ["alice", "role/nightly", `arn:aws:iam::${ID.security}:role/ops`],
          },
        ],
      }),
      [
        `org-access:delegation[0].requireSourceIdentity: the source identity must equal the caller's IAM user name (\${aws:username}), which a role never has; "role/nightly", "arn:aws:iam::${ID.security}:role/ops" could never assume the role: list users only, or remove requireSourceIdentity`,
      ],
    );
  });

  it("refuses users without MFA, a reason-less exception, wide networks, administrator rights and foreign principals", () => {
    assert.deepStrictEqual(
      issuesOf({
        delegation: [
          {
            ...example(),
            requireMfa: false,
            maxMfaAgeSeconds: undefined,
            sourceIpRanges: ["0.0.0.0/0"],
            managedPolicies: ["AdministratorAccess"],
            inlinePolicy: [{ Action: "*", Resource: "*" }],
          },
          {
            ...example(),
            name: "automation",
            roleName: "automation-access",
            principals: ["role/nightly", "arn:aws:iam::666666666666:user/mallory"],
            requireMfa: false,
            maxMfaAgeSeconds: undefined,
            requireSourceIdentity: false,
          },
        ],
      }),
      [
        "org-access:delegation[0].sourceIpRanges[0]: a range that matches every address restricts nothing; list your offices' or VPN's ranges",
        "org-access:delegation[0].managedPolicies[0]: delegated people get what the job needs, not AdministratorAccess; use ReadOnlyAccess plus an inlinePolicy of the actions the job needs",
        'org-access:delegation[0].inlinePolicy[0].Action: allowing "*" is administrator access; list the actions the job needs',
        'org-access:delegation[0].requireMfa: people always sign in with MFA; requireMfa: false is only for role principals (automation), and "alice", "bob" are users',
        'org-access:delegation[1].requireMfa: people always sign in with MFA; requireMfa: false is only for role principals (automation), and "arn:aws:iam::666666666666:user/mallory" is a user',
        "org-access:delegation[1].principals[1]: is in account 666666666666, not the identity account security (222222222222); users exist only in the identity account",
      ],
    );
    assert.deepStrictEqual(
      issuesOf({
        delegation: [
          {
            ...example(),
            principals: ["role/nightly"],
            requireMfa: false,
            maxMfaAgeSeconds: undefined,
            requireSourceIdentity: false,
          },
        ],
      }),
      [
        "org-access:delegation[0].withoutMfaJustification: requireMfa: false needs a written reason of at least 40 characters: which automation, and why it cannot use the organization's role patterns",
      ],
    );
  });

  it("keeps users out of the management account and the identity account out of the targets", () => {
    assert.deepStrictEqual(
      issuesOf({
        delegation: [
          { ...example(), identityAccount: "management", accounts: ["management", "qa"], principals: ["*"] },
        ],
      }),
      [
        "org-access:delegation[0].principals[0]: expected a user name (alice), user/<name>, role/<name> or an IAM user or role ARN; no wildcards",
        "org-access:delegation[0].identityAccount: users in the management account would start next to the organization's administration; keep them in a dedicated identity (e.g. security) account",
        'org-access:delegation[0].accounts[0]: "management" is the management account, which a pattern reaches only through an explicit includeManagementAccount: true next to accounts; remove it from accounts and set that key if it must',
        'org-access:delegation[0].accounts[1]: unknown account "qa"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
        "org-access:delegation[0].accounts[0]: the identity account is where the users are; delegation grants access to other accounts, so remove it",
      ],
    );
  });
});
