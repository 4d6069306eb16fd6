import * as assert from "assert";
import { ofType, ProgramRun, runExample, single } from "../harness";

/**
 * `AccessRole` registers no component of its own: its role, attachments and inline policies belong
 * to the access pattern's component, which carries the target account's provider.
 */
describe("AccessRole", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runExample("management");
  });

  it("registers no component of its own", () => {
    assert.deepStrictEqual(ofType(run, "org-access:iam:AccessRole"), []);
  });

  it("puts the role and its policies under the pattern's component, in the component's account", () => {
    const component = single(run, "org-access:pipeline:PipelineStackRoles", "pipeline-management");
    for (const [type, name] of [
      ["aws:iam/role:Role", "pipeline-management-deploy-role"],
      ["aws:iam/rolePolicy:RolePolicy", "pipeline-management-deploy-OrgAccessDeploy"],
    ]) {
      const resource = single(run, type, name);
      assert.strictEqual(resource.parent, component.urn, name);
      assert.strictEqual(resource.account, "111111111111", name);
      assert.deepStrictEqual(resource.aliases, [], name);
    }
  });

  it("keeps every role's attachments beside it, under the same parent and provider", () => {
    const roles = ofType(run, "aws:iam/role:Role").filter((r) => r.name.endsWith("-role"));
    assert.ok(roles.length > 20, `only ${roles.length} roles`);
    for (const role of roles) {
      const parent = run.resources.find((r) => r.urn === role.parent);
      assert.ok(parent !== undefined && !parent.custom, `${role.name} has no component parent`);
      const base = role.name.slice(0, -"-role".length);
      const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
        a.name.startsWith(`${base}-`),
      );
      for (const attachment of attachments) {
        if (attachment.inputs.role !== role.inputs.name) continue;
        assert.strictEqual(attachment.parent, role.parent, attachment.name);
        assert.strictEqual(attachment.providerUrn, role.providerUrn, attachment.name);
      }
    }
  });
});
