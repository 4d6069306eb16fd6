import * as assert from "assert";
import { PROD, TOOLING, ORG_ID, allow, findings, resource, role, trust } from "./helpers";

// The stack rule finds the role an attachment names through an index (thousands of roles and
// attachments in one stack); these pin the answers of the plain scan it replaces: the first role in
// stack order wins, auto-names are `<resource name>-<7 lower-case hex digits>`, and an unknown role
// name stops the rule only when the scan would have reached it.
describe("no-admin-on-cross-account-role-attachment: which role an attachment names", () => {
  const policy = "no-admin-on-cross-account-role-attachment";
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const ci = trust(
    allow(
      { AWS: `arn:aws:iam::${TOOLING}:role/ci` },
      { Sid: "Ci", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } },
    ),
  );
  const admin = (ref: string) =>
    resource(
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      `attach-${ref}`,
      { role: ref, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      PROD,
    );
  const flagged = (...rs: Parameters<typeof findings>[0][]) =>
    findings(rs.flat(), policy).map((f) => f.resource);

  it("takes the first matching role in stack order, whether matched by name or by auto-name", () => {
    const auto = role(ci, { resourceName: "deploy", account: PROD });
    const named = role(ci, { resourceName: "named", name: "deploy-a1b2c3d", account: PROD });
    assert.deepStrictEqual(flagged(auto, named, admin("deploy-a1b2c3d")), ["deploy"]);
    assert.deepStrictEqual(flagged(named, auto, admin("deploy-a1b2c3d")), ["named"]);
  });

  it("matches an auto-name only with seven lower-case hex digits after the resource name", () => {
    const auto = role(ci, { resourceName: "de.ploy", account: PROD });
    assert.deepStrictEqual(flagged(auto, admin("de.ploy-0a1b2c3")), ["de.ploy"]);
    assert.deepStrictEqual(flagged(auto, admin("deXploy-0a1b2c3")), []);
    assert.deepStrictEqual(flagged(auto, admin("de.ploy-0A1B2C3")), []);
    assert.deepStrictEqual(flagged(auto, admin("de.ploy-0a1b2c")), []);
    assert.deepStrictEqual(flagged(auto, admin("de.ploy")), ["de.ploy"]);
  });

  it("gives a role with an explicit name only that name", () => {
    const named = role(ci, { resourceName: "res", name: "deployment-role", account: PROD });
    assert.deepStrictEqual(flagged(named, admin("res")), []);
    assert.deepStrictEqual(flagged(named, admin("res-a1b2c3d")), []);
    assert.deepStrictEqual(flagged(named, admin("deployment-role")), ["res"]);
  });

  it("reads an unknown role name only when no earlier role matched", () => {
    const known = role(ci, { name: "deployment-role", account: PROD });
    const unknown = role(ci, { resourceName: "later", account: PROD, props: { name: UNKNOWN } });
    assert.deepStrictEqual(flagged(known, unknown, admin("deployment-role")), ["deployment-role"]);
    const stopped = findings([unknown, known, admin("deployment-role")], policy);
    assert.strictEqual(stopped.length, 1);
    assert.strictEqual(stopped[0].enforcementLevel, "advisory");
    assert.match(
      stopped[0].message,
      /^can't run policy 'no-admin-on-cross-account-role-attachment' during preview/,
    );
  });
});
