import * as assert from "assert";
import { ROLE_CHANGE_ACTIONS } from "../../components/iam/actions";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample } from "../harness";
import { issuesOf } from "../vendors/helpers";

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";

type Guardrails = { scps: unknown[]; permissionsBoundary: Record<string, unknown> };
type OrganizationalUnit = { name: string; workload?: boolean };
type Account = { name: string; id: string; ou: string };
const example = () => exampleValue<Guardrails>("management", "guardrails");
const withBoundary = (changes: Record<string, unknown>) => ({
  guardrails: { ...example(), permissionsBoundary: { ...example().permissionsBoundary, ...changes } },
});

/** Account IDs of the example's workload OUs (`workload: true`): where the boundary belongs. */
function workloadAccountIds(): string[] {
  const ous = exampleValue<OrganizationalUnit[]>("management", "organizationalUnits")
    .filter((ou) => ou.workload === true)
    .map((ou) => ou.name);
  return exampleValue<Account[]>("management", "accounts")
    .filter((a) => ous.includes(a.ou))
    .map((a) => a.id);
}

const boundaryArn = (accountId: string) => `arn:aws:iam::${accountId}:policy/org-access-boundary`;

describe("permissions boundaries in the example organization", () => {
  let run: ProgramRun;
  let exempted: ProgramRun;
  before(async () => {
    run = await runExample("management");
    exempted = await runExample(
      "management",
      withBoundary({
        exemptRoles: [{ role: "vendor-observability", reason: "the vendor documents its own policy" }],
      }),
    );
  });

  it("creates the boundary policy in each workload account through its own provider, and nowhere else", () => {
    const boundaries = ofType(run, POLICY).filter((p) => p.inputs.name === "org-access-boundary");
    assert.deepStrictEqual(boundaries.map((b) => b.account).sort(), workloadAccountIds().sort());
    assert.deepStrictEqual(workloadAccountIds().sort(), [
      "666666666666",
      "777777777777",
      "888888888888",
      "999999999999",
    ]);
  });

  it("caps custom roles: no IAM users or keys, no unbounded roles, no edits to the boundary or managed roles, no organization calls", () => {
    const prod = ofType(run, POLICY).find((p) => p.name === "permissions-boundary-prod-policy");
    assert.ok(prod !== undefined);
    assert.strictEqual(prod.account, "666666666666");
    const self = boundaryArn("666666666666");
    assert.deepStrictEqual(jsonInput(prod, "policy"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowWithinRolePolicies",
          Effect: "Allow",
          NotAction: ["sts:AssumeRole", "iam:PassRole"],
          Resource: "*",
        },
        {
          Sid: "AllowAssumeRolesInOrganization",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: "*",
          Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
        },
        {
          Sid: "AllowPassRolesOfThisAccount",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::666666666666:role/*",
        },
        {
          Sid: "DenyLongLivedCredentials",
          Effect: "Deny",
          Action: [
            "iam:CreateUser",
            "iam:CreateAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
          ],
          Resource: "*",
        },
        {
          Sid: "DenyRolesWithoutThisBoundary",
          Effect: "Deny",
          Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
          Resource: "*",
          Condition: { StringNotEquals: { "iam:PermissionsBoundary": self } },
        },
        {
          Sid: "DenyBoundaryRemoval",
          Effect: "Deny",
          Action: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
          Resource: "*",
        },
        {
          Sid: "DenyBoundaryPolicyChanges",
          Effect: "Deny",
          Action: [
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
          ],
          Resource: self,
        },
        {
          Sid: "DenyChangesToTaggedManagedRoles",
          Effect: "Deny",
          Action: [...ROLE_CHANGE_ACTIONS],
          Resource: "*",
          Condition: { StringEquals: { "aws:ResourceTag/managed-by": "org-access" } },
        },
        {
          Sid: "DenyChangesToManagedRoles",
          Effect: "Deny",
          Action: [...ROLE_CHANGE_ACTIONS],
          Resource: ["arn:aws:iam::666666666666:role/OrganizationAccountAccessRole"],
        },
        { Sid: "DenyOrganizationChanges", Effect: "Deny", Action: "organizations:*", Resource: "*" },
      ],
    });
  });

  it("sets the account's boundary on every custom role in a workload account, whoever created it", () => {
    const workload = new Set(workloadAccountIds());
    const roles = ofType(run, ROLE).filter((r) => r.account !== undefined && workload.has(r.account));
    // The example has roles of several capabilities there: the check is not vacuous.
    assert.ok(roles.length >= 5, `only ${roles.length} roles in workload accounts`);
    const unbounded = roles
      .filter((r) => r.inputs.name !== "OrganizationAccountAccessRole")
      .filter((r) => r.inputs.permissionsBoundary !== boundaryArn(r.account as string))
      .map(
        (r) =>
          `${r.name} (${String(r.inputs.name)}) in ${r.account}: ${String(r.inputs.permissionsBoundary)}`,
      );
    assert.deepStrictEqual(unbounded, []);
  });

  it("leaves roles outside workload accounts unbounded", () => {
    const workload = new Set(workloadAccountIds());
    const outside = ofType(run, ROLE).filter((r) => r.account !== undefined && !workload.has(r.account));
    assert.ok(outside.length > 0);
    assert.deepStrictEqual(
      outside.filter((r) => r.inputs.permissionsBoundary !== undefined).map((r) => r.name),
      [],
    );
  });

  it("skips exactly the roles config exempts", () => {
    const roles = ofType(exempted, ROLE).filter((r) => workloadAccountIds().includes(r.account as string));
    const observability = roles.filter((r) => r.inputs.name === "vendor-observability");
    assert.strictEqual(observability.length, 3);
    assert.deepStrictEqual(
      observability.map((r) => r.inputs.permissionsBoundary),
      [undefined, undefined, undefined],
    );
    for (const role of roles.filter((r) => r.inputs.name !== "vendor-observability")) {
      assert.strictEqual(role.inputs.permissionsBoundary, boundaryArn(role.account as string), role.name);
    }
    const output = (
      exempted.outputs as { capabilities: { permissionsBoundaries: { exemptRoles: string[] } } }
    ).capabilities.permissionsBoundaries;
    assert.deepStrictEqual(output.exemptRoles, ["vendor-observability"]);
  });

  it("outputs each workload account's boundary ARN", () => {
    const output = (run.outputs as { capabilities: { permissionsBoundaries: unknown } }).capabilities
      .permissionsBoundaries;
    assert.deepStrictEqual(output, {
      policyName: "org-access-boundary",
      exemptRoles: [],
      rolloutMode: "providers",
      accounts: {
        prod: boundaryArn("666666666666"),
        staging: boundaryArn("777777777777"),
        dev: boundaryArn("888888888888"),
        sandbox: boundaryArn("999999999999"),
      },
    });
  });
});

describe("permissions boundary config errors", () => {
  it("keeps the boundary out of the management account and names unknown OUs", () => {
    assert.deepStrictEqual(
      issuesOf(withBoundary({ accounts: ["management"], organizationalUnits: ["workload"] })).map(
        (i) => i.split(";")[0],
      ),
      [
        'org-access:guardrails.permissionsBoundary.organizationalUnits[0]: unknown organizational unit "workload"',
        "org-access:guardrails.permissionsBoundary.accounts[0]: the boundary belongs in workload accounts",
      ],
    );
  });

  it("reports a boundary that reaches no account", () => {
    assert.deepStrictEqual(issuesOf(withBoundary({ organizationalUnits: [] })), [
      "org-access:guardrails.permissionsBoundary: reaches no account; mark workload OUs with `workload: true` in org-access:organizationalUnits, or list organizationalUnits or accounts here",
    ]);
  });
});
