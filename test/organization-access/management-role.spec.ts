import * as assert from "assert";
import { jsonInput, ofType, ProgramRun, runExample, single } from "../harness";

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const PREFIX = "organization-access-management-role";

const organizationsTrust = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "TrustOrganizationsService",
      Effect: "Allow",
      Principal: { Service: "organizations.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
};

const withMode = (managementRole: Record<string, unknown>) => ({
  organizationAccess: { managementRole },
});

describe("organization access: management-account role", () => {
  let imported: ProgramRun;
  let created: ProgramRun;
  let unmanaged: ProgramRun;
  before(async () => {
    imported = await runExample("management");
    created = await runExample("management", withMode({ mode: "create" }));
    unmanaged = await runExample("management", withMode({ mode: "unmanaged" }));
  });

  it("import mode adopts the existing role by name: import ID, retained on delete, protected", () => {
    const role = single(imported, ROLE, `${PREFIX}-role`);
    assert.strictEqual(role.account, "111111111111");
    assert.strictEqual(role.import, "OrganizationAccountAccessRole");
    assert.strictEqual(role.retainOnDelete, true);
    assert.strictEqual(role.protect, true);
    assert.strictEqual(role.inputs.name, "OrganizationAccountAccessRole");
    assert.strictEqual(role.inputs.description, undefined);
    assert.strictEqual(role.inputs.maxSessionDuration, 3600);
    assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), organizationsTrust);

    const attachment = single(imported, ATTACHMENT, `${PREFIX}-bd08088c`);
    assert.strictEqual(attachment.import, `OrganizationAccountAccessRole/${ADMIN}`);
    assert.strictEqual(attachment.retainOnDelete, true);
    assert.strictEqual(attachment.protect, true);
    assert.strictEqual(attachment.account, "111111111111");
    assert.deepStrictEqual(attachment.inputs, { role: "OrganizationAccountAccessRole", policyArn: ADMIN });
  });

  it("never creates a second OrganizationAccountAccessRole in the management account", () => {
    for (const run of [imported, created]) {
      const roles = ofType(run, ROLE).filter(
        (r) => r.account === "111111111111" && r.inputs.name === "OrganizationAccountAccessRole",
      );
      assert.strictEqual(roles.length, 1);
      // The member-role StackSet is no way into the management account either.
      const stackSets = ofType(run, "aws:cloudformation/stackSetInstance:StackSetInstance");
      for (const instance of stackSets) {
        const targets = instance.inputs.deploymentTargets as { accounts?: string[] };
        assert.ok(!(targets.accounts ?? []).includes("111111111111"));
      }
    }
  });

  it("create mode creates a protected role that is not imported, with the same trust", () => {
    const role = single(created, ROLE, `${PREFIX}-role`);
    assert.strictEqual(role.import, undefined);
    assert.strictEqual(role.protect, true);
    assert.strictEqual(role.retainOnDelete, false);
    assert.strictEqual(role.account, "111111111111");
    assert.strictEqual(
      role.inputs.description,
      "Lets AWS Organizations act in the management account (org-access)",
    );
    assert.deepStrictEqual(jsonInput(role, "assumeRolePolicy"), organizationsTrust);
    const attachment = single(created, ATTACHMENT, `${PREFIX}-bd08088c`);
    assert.strictEqual(attachment.import, undefined);
    assert.strictEqual(attachment.protect, true);
  });

  it("unmanaged mode leaves the role alone", () => {
    assert.deepStrictEqual(
      ofType(unmanaged, ROLE).filter((r) => r.inputs.name === "OrganizationAccountAccessRole"),
      [],
    );
    const outputs = unmanaged.outputs.capabilities as Record<string, Record<string, unknown>>;
    assert.deepStrictEqual(outputs.organizationAccess.managementRole, { mode: "unmanaged" });
  });

  it("records the management copy in the inventory when it is managed", () => {
    type Inventory = Record<string, { roles: Record<string, string> }>;
    const roles = (run: ProgramRun) => (run.outputs.inventory as Inventory).management.roles;
    assert.strictEqual(
      roles(imported).OrganizationAccountAccessRole,
      "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
    );
    assert.strictEqual(roles(unmanaged).OrganizationAccountAccessRole, undefined);
  });
});
