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
import { ID, issuesOf } from "../cicd/helpers";

const INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6";
const SET = "aws:ssoadmin/permissionSet:PermissionSet";
const MANAGED = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment";
const CUSTOMER = "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment";
const INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy";
const BOUNDARY = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment";
const ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment";
const GROUP = {
  "platform-admins": "9067a1b2c3-1a2b3c4d-0001-4a5b-8c9d-0e1f2a3b4c5d",
  developers: "9067a1b2c3-1a2b3c4d-0002-4a5b-8c9d-0e1f2a3b4c5d",
  "read-only-auditors": "9067a1b2c3-1a2b3c4d-0003-4a5b-8c9d-0e1f2a3b4c5d",
  "break-glass-responders": "9067a1b2c3-1a2b3c4d-0004-4a5b-8c9d-0e1f2a3b4c5d",
};

type IdentityCenter = Record<string, unknown> & { permissionSets: Record<string, unknown>[] };
const example = () => exampleValue<IdentityCenter>("management", "identityCenter");

/** A permission set's attachments: the children of the same PermissionSet component. */
const childrenOf = (run: ProgramRun, type: string, set: RecordedResource) =>
  ofType(run, type).filter((r) => r.parent === set.parent);

describe("Identity Center human access in the example organization", () => {
  let run: ProgramRun;
  let custom: ProgramRun;
  before(async () => {
    run = await runExample("management");
    custom = await runExample("management", {
      identityCenter: {
        ...example(),
        permissionSets: [
          ...example().permissionSets,
          {
            name: "Developer",
            description: "Power user kept inside the workload boundary",
            sessionDuration: 90,
            managedPolicies: ["PowerUserAccess"],
            customerManagedPolicies: ["team-extras", { name: "ecs-deploy", path: "/platform/" }],
            permissionsBoundary: { customerManagedPolicy: { name: "org-access-boundary" } },
            justification:
              "Platform lead: developers build inside the workload boundary, reviewed quarterly.",
          },
          {
            name: "Viewer",
            managedPolicies: ["job-function/ViewOnlyAccess"],
            permissionsBoundary: { managedPolicy: "ReadOnlyAccess" },
          },
        ],
        assignments: [
          {
            group: "developers",
            permissionSet: "Developer",
            organizationalUnits: ["workloads"],
            accounts: ["dev"],
          },
        ],
      },
    });
  });

  it("creates each permission set in the management account with its session length, AWS managed policies and inline policy", () => {
    const sets = ofType(run, SET);
    assert.deepStrictEqual(
      sets.map((s) => [s.name, s.inputs.name, s.inputs.sessionDuration, s.account]).sort(),
      [
        ["identity-center-breakglass-set", "BreakGlass", "PT1H", ID.management],
        ["identity-center-poweruser-set", "PowerUser", "PT2H", ID.management],
        ["identity-center-readonly-set", "ReadOnly", "PT4H", ID.management],
        ["identity-center-securityreview-set", "SecurityReview", "PT2H", ID.management],
      ],
    );
    for (const s of sets) assert.strictEqual(s.inputs.instanceArn, INSTANCE);
    const managed = (name: string) =>
      childrenOf(run, MANAGED, single(run, SET, name)).map((a) => {
        assert.strictEqual(a.account, ID.management);
        assert.strictEqual(a.inputs.instanceArn, INSTANCE);
        return a.inputs.managedPolicyArn;
      });
    assert.deepStrictEqual(managed("identity-center-readonly-set"), [
      "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]);
    assert.deepStrictEqual(managed("identity-center-poweruser-set"), [
      "arn:aws:iam::aws:policy/PowerUserAccess",
    ]);
    assert.deepStrictEqual(managed("identity-center-securityreview-set"), [
      "arn:aws:iam::aws:policy/SecurityAudit",
    ]);
    const inline = single(run, INLINE, "identity-center-securityreview-inline");
    assert.strictEqual(inline.account, ID.management);
    assert.deepStrictEqual(jsonInput(inline, "inlinePolicy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadCloudTrailEvents",
          Effect: "Allow",
          Action: ["cloudtrail:LookupEvents", "cloudtrail:GetTrailStatus"],
          Resource: "*",
        },
      ],
    });
    assert.deepStrictEqual(ofType(run, BOUNDARY), []);
  });

  it("gives the break-glass set a one-hour session and a tag that makes its use stand out", () => {
    const breakGlass = single(run, SET, "identity-center-breakglass-set");
    assert.strictEqual(breakGlass.inputs.sessionDuration, "PT1H");
    assert.deepStrictEqual(breakGlass.inputs.tags, { "break-glass": "true" });
    assert.deepStrictEqual(
      childrenOf(run, MANAGED, breakGlass).map((a) => a.inputs.managedPolicyArn),
      ["arn:aws:iam::aws:policy/AdministratorAccess"],
    );
    const assigned = ofType(run, ASSIGNMENT).filter((a) => a.name.includes("-breakglass-"));
    assert.deepStrictEqual(
      assigned.map((a) => [a.inputs.principalId, a.inputs.targetId]),
      [[GROUP["break-glass-responders"], ID.prod]],
    );
  });

  it("assigns Developers PowerUser in dev and ReadOnly in prod, one GROUP assignment per account, OUs expanded", () => {
    const assignments = ofType(run, ASSIGNMENT);
    for (const a of assignments) {
      assert.strictEqual(a.account, ID.management, `${a.name} is created from the Identity Center account`);
      assert.strictEqual(a.inputs.instanceArn, INSTANCE);
      assert.strictEqual(a.inputs.principalType, "GROUP");
      assert.strictEqual(a.inputs.targetType, "AWS_ACCOUNT");
    }
    const byGroup = (group: keyof typeof GROUP) =>
      assignments
        .filter((a) => a.inputs.principalId === GROUP[group])
        .map((a) => a.name.replace(`identity-center-${group}-`, ""))
        .sort();
    assert.deepStrictEqual(byGroup("developers"), [
      "poweruser-dev",
      "poweruser-sandbox",
      "readonly-prod",
      "readonly-staging",
    ]);
    // The guide's verification signal: PowerUser in dev, ReadOnly (never PowerUser) in prod.
    const dev = single(run, ASSIGNMENT, "identity-center-developers-poweruser-dev");
    assert.strictEqual(dev.inputs.targetId, ID.dev);
    assert.strictEqual(
      dev.inputs.permissionSetArn,
      "arn:aws:sso:::permissionSet/ssoins-mock/ps-identity-center-poweruser-set",
    );
    assert.strictEqual(
      single(run, ASSIGNMENT, "identity-center-developers-readonly-prod").inputs.targetId,
      ID.prod,
    );
    assert.deepStrictEqual(byGroup("platform-admins"), [
      "poweruser-dev",
      "poweruser-infra-ops",
      "poweruser-prod",
      "poweruser-staging",
      "poweruser-tooling",
    ]);
    assert.strictEqual(byGroup("read-only-auditors").length, 9);
    assert.strictEqual(assignments.length, 4 + 5 + 9 + 1);
  });

  it("waits for a permission set's policies before assigning it", () => {
    const assignment = single(
      run,
      "aws:ssoadmin/accountAssignment:AccountAssignment",
      "identity-center-developers-poweruser-dev",
    );
    const attachment = childrenOf(run, MANAGED, single(run, SET, "identity-center-poweruser-set"))[0];
    assert.ok(assignment.dependencies.includes(attachment.urn));
  });

  it("attaches customer managed policies and a permissions boundary, and accepts a session in minutes", () => {
    const developer = single(custom, SET, "identity-center-developer-set");
    assert.strictEqual(developer.inputs.sessionDuration, "PT1H30M");
    assert.deepStrictEqual(
      childrenOf(custom, CUSTOMER, developer)
        .map((a) => a.inputs.customerManagedPolicyReference)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [
        { name: "ecs-deploy", path: "/platform/" },
        { name: "team-extras", path: "/" },
      ],
    );
    const boundary = single(custom, BOUNDARY, "identity-center-developer-boundary");
    assert.strictEqual(boundary.account, ID.management);
    assert.deepStrictEqual(boundary.inputs.permissionsBoundary, {
      customerManagedPolicyReference: { name: "org-access-boundary", path: "/" },
    });
    assert.deepStrictEqual(
      single(custom, BOUNDARY, "identity-center-viewer-boundary").inputs.permissionsBoundary,
      {
        managedPolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      },
    );
    // An account listed and also in a listed OU is assigned once.
    assert.deepStrictEqual(
      ofType(custom, ASSIGNMENT)
        .map((a) => a.name)
        .sort(),
      [
        "identity-center-developers-developer-dev",
        "identity-center-developers-developer-prod",
        "identity-center-developers-developer-staging",
      ],
    );
  });

  it("outputs the permission set ARNs, the break-glass sets and every assignment", () => {
    const out = (run.outputs as { capabilities: { identityCenter: Record<string, unknown> } }).capabilities
      .identityCenter;
    assert.strictEqual(out.instanceArn, INSTANCE);
    assert.strictEqual(out.identityStoreId, "d-9067a1b2c3");
    assert.strictEqual(out.account, "management");
    assert.deepStrictEqual(Object.keys(out.permissionSets as object), [
      "ReadOnly",
      "PowerUser",
      "SecurityReview",
      "BreakGlass",
    ]);
    assert.deepStrictEqual(out.breakGlass, ["BreakGlass"]);
    assert.deepStrictEqual((out.assignments as unknown[]).slice(0, 2), [
      { group: "developers", permissionSet: "PowerUser", account: "dev" },
      { group: "developers", permissionSet: "PowerUser", account: "sandbox" },
    ]);
  });
});

describe("Identity Center config errors", () => {
  it("names malformed IDs, durations and unknown references with their config path", () => {
    assert.deepStrictEqual(
      issuesOf({
        identityCenter: {
          ...example(),
          instanceArn: "ssoins-123",
          groups: { developers: "not-a-guid" },
          permissionSets: [
            { name: "ReadOnly", managedPolicies: ["ReadOnlyAccess"], sessionDuration: "PT13H" },
            {
              name: "Emergency",
              managedPolicies: ["AdministratorAccess"],
              breakGlass: true,
              sessionDuration: "PT4H",
            },
            { name: "Empty" },
            { name: "ReadOnly", managedPolicies: ["ReadOnlyAccess"], sessionDuration: "4 hours" },
          ],
          assignments: [
            { group: "testers", permissionSet: "PowerUser", accounts: ["qa"] },
            { group: "developers", permissionSet: "ReadOnly" },
          ],
        },
      }),
      [
        'org-access:identityCenter.instanceArn: "ssoins-123" is not an Identity Center instance ARN; it looks like arn:aws:sso:::instance/ssoins-1234567890abcdef',
        'org-access:identityCenter.groups.developers: "not-a-guid" is not an identity-store group ID; copy the Group ID from IAM Identity Center, Groups (a GUID)',
        'org-access:identityCenter.permissionSets[0].sessionDuration: "PT13H" is outside what Identity Center accepts; use 1 to 12 hours (PT1H to PT12H)',
        "org-access:identityCenter.permissionSets[1].sessionDuration: a break-glass session lasts PT1H, the shortest Identity Center allows; remove sessionDuration or set it to PT1H",
        "org-access:identityCenter.permissionSets[2].managedPolicies: a permission set with no policy grants nothing; list managedPolicies, customerManagedPolicies or an inlinePolicy",
        'org-access:identityCenter.permissionSets[3].sessionDuration: "4 hours" is not a duration; write ISO 8601 such as PT1H or PT1H30M, or a whole number of minutes',
        "org-access:identityCenter.assignments[1]: list the accounts or organizationalUnits this assignment applies to",
        "org-access:identityCenter.permissionSets[3].name: duplicate permission set, already org-access:identityCenter.permissionSets[0]",
        'org-access:identityCenter.breakGlassGroups[0]: unknown group "break-glass-responders"; add it to org-access:identityCenter.groups with its identity-store ID (known: developers)',
        'org-access:identityCenter.assignments[0].group: unknown group "testers"; add it to org-access:identityCenter.groups with its identity-store ID (known: developers)',
        'org-access:identityCenter.assignments[0].permissionSet: unknown permission set "PowerUser"; use a name from org-access:identityCenter.permissionSets (Emergency, Empty, ReadOnly)',
        'org-access:identityCenter.assignments[0].accounts[0]: unknown account "qa"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
        // The example's expectations still name the group this config dropped: reported with the rest.
        'org-access:expectations.access[14].principal.identityCenterGroup: unknown Identity Center group "break-glass-responders"; use a name from org-access:identityCenter.groups (developers)',
      ],
    );
  });

  it("lives in the stack of the account that administers Identity Center, which cannot assign the management account when delegated", () => {
    assert.deepStrictEqual(issuesOf({ identityCenter: { ...example(), account: "security" } }), [
      'org-access:identityCenter.account: permission sets live in "security", and this stack deploys from "management"; move org-access:identityCenter to the stack of that account, or set account: management if Identity Center is delegated there',
      "org-access:identityCenter.assignments[3].includeManagementAccount: a delegated Identity Center administrator (security) cannot assign access to the management account; assign it from the management stack, or remove includeManagementAccount here",
    ]);
    assert.deepStrictEqual(issuesOf({ identityCenter: example() }, "security"), [
      'org-access:identityCenter.account: permission sets live in "management", and this stack deploys from "security"; move org-access:identityCenter to the stack of that account, or set account: security if Identity Center is delegated there',
    ]);
  });
});
