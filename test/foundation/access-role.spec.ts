import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AccessRole } from "../../components/iam/role";
import { ofType, ProgramRun, REPO_ROOT, runExample, single } from "../harness";

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

  it("is the one place the program builds an IAM role", () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
        .filter((f) => f.endsWith(".ts"));
    const builders = files(path.join(REPO_ROOT, "components"))
      .filter((f) => fs.readFileSync(f, "utf8").includes("new aws.iam.Role("))
      .map((f) => path.relative(REPO_ROOT, f).split(path.sep).join("/"));
    assert.deepStrictEqual(builders, ["components/iam/role.ts"]);
  });

  it("refuses to adopt what has no import ID of its own, before creating anything", () => {
    const parent = {} as pulumi.Resource;
    const trustPolicy = { Version: "2012-10-17" as const, Statement: [] };
    for (const extra of [
      { attachedPolicies: { boundary: "arn:aws:iam::111111111111:policy/b" } },
      { rolePolicies: { Inline: trustPolicy } },
    ]) {
      assert.throws(
        () =>
          new AccessRole(
            "adopted",
            { roleName: "Existing", description: undefined, trustPolicy, ...extra },
            { parent, adopt: true },
          ),
        {
          message:
            "org-access: AccessRole `adopted` adopts an existing role: only its managed policies can be adopted, not `attachedPolicies` or `rolePolicies`",
        },
      );
    }
  });
});
