import * as assert from "assert";
import { ofType, ProgramRun, runExample, single } from "../harness";

/**
 * `AccessRole` registers no component of its own: its role, attachments and inline policies belong
 * to the access pattern's component. Each carries an alias to the parent it had in 0.1 (an
 * `org-access:iam:AccessRole` component of the same name), so deployed stacks keep their resources.
 */
describe("AccessRole", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runExample("management");
  });

  it("registers no component of its own", () => {
    assert.deepStrictEqual(ofType(run, "org-access:iam:AccessRole"), []);
  });

  it("puts the role and its policies under the pattern's component, aliased to the 0.1 parent", () => {
    const component = single(run, "org-access:pipeline:PipelineStackRoles", "pipeline-management");
    const previousParent = `urn:pulumi:management::org-access::org-access:pipeline:PipelineStackRoles$org-access:iam:AccessRole::pipeline-management-deploy`;
    for (const [type, name] of [
      ["aws:iam/role:Role", "pipeline-management-deploy-role"],
      ["aws:iam/rolePolicy:RolePolicy", "pipeline-management-deploy-OrgAccessDeploy"],
    ]) {
      const resource = single(run, type, name);
      assert.strictEqual(resource.parent, component.urn, name);
      assert.deepStrictEqual(resource.aliases, [{ parentUrn: previousParent }], name);
    }
  });

  it("aliases every role of every pattern the same way, attachments included", () => {
    const roles = ofType(run, "aws:iam/role:Role").filter((r) => r.name.endsWith("-role"));
    assert.ok(roles.length > 20, `only ${roles.length} roles`);
    for (const role of roles) {
      const base = role.name.slice(0, -"-role".length);
      const expected = [
        { parentUrn: `${role.parent}`.replace(/::([^:]+)$/, `$org-access:iam:AccessRole::${base}`) },
      ];
      // The management account's OrganizationAccountAccessRole is created (or imported) directly.
      if (role.name === "organization-access-management-role-role") {
        assert.deepStrictEqual(role.aliases, []);
        continue;
      }
      assert.deepStrictEqual(role.aliases, expected, role.name);
      const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
        (a) => a.parent === role.parent && a.name.startsWith(`${base}-`),
      );
      for (const attachment of attachments)
        assert.deepStrictEqual(attachment.aliases, expected, attachment.name);
    }
  });
});
