import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkResources, isMandatory } from "../../policy-pack/lib/engine";
import { PolicyPackConfigFile } from "../../policy-pack/lib/pack-config";
import { allPolicies } from "../../policy-pack/rules";
import { HarnessResource, RunningPack, startPack } from "../../tools/analyzer-harness";
import { MGMT, ORG, ORG_ID, PROD, SECURITY, TOOLING, allow, trust } from "./helpers";

const FIXTURES = path.join(__dirname, "fixtures");
const configFile = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, "policy-pack-config.json"), "utf8"),
) as PolicyPackConfigFile;
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Explicit provider inputs arrive JSON-encoded, as they do from the engine.
const provider = (account: string) => ({
  name: `aws-${account}`,
  props: { allowedAccountIds: JSON.stringify([account]) },
});

const openRole: HarnessResource = {
  type: "aws:iam/role:Role",
  name: "open",
  props: { assumeRolePolicy: JSON.stringify(trust(allow({ AWS: "*" }, { Sid: "Anyone" }))) },
  provider: provider(PROD),
};
const localTrust = trust(allow({ AWS: `arn:aws:iam::${PROD}:role/app` }, { Sid: "Local" }));
const ci = trust(
  allow(
    { AWS: `arn:aws:iam::${TOOLING}:role/ci` },
    { Sid: "Ci", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } },
  ),
);
const memberTemplate = fs.readFileSync(path.join(FIXTURES, "member-org-access-role.yaml"), "utf8");
const stackResources: HarnessResource[] = [
  {
    type: "aws:iam/role:Role",
    name: "deploy",
    props: { name: "deployment-role-prod", assumeRolePolicy: ci },
    provider: provider(PROD),
  },
  {
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    name: "deploy-admin",
    props: { role: "deployment-role-prod", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    provider: provider(PROD),
  },
  {
    type: "aws:cloudformation/stackSet:StackSet",
    name: "member-oaar",
    props: { name: "member-oaar", templateBody: memberTemplate },
    provider: provider(MGMT),
    opts: { protect: true },
  },
  {
    type: "aws:cloudformation/stackSetInstance:StackSetInstance",
    name: "to-mgmt",
    props: { stackSetName: "member-oaar", accountId: MGMT },
    provider: provider(MGMT),
  },
  {
    type: "aws:iam/role:Role",
    name: "svc",
    props: { assumeRolePolicy: trust(allow({ Service: "config.amazonaws.com" })) },
    provider: provider(SECURITY),
  },
];

describe("policy pack over the analyzer protocol (run-policy-pack, as the Pulumi CLI starts it)", function () {
  this.timeout(180000);
  let pack: RunningPack;
  before(async () => {
    pack = await startPack({ config: configFile });
  });
  after(async () => {
    if (pack) await pack.stop();
  });

  it("serves the org-access pack with every policy and its default level", () => {
    assert.strictEqual(pack.name, "org-access");
    assert.deepStrictEqual(
      pack.policies.map((p) => [p.name, p.enforcementLevel]),
      allPolicies.map((p) => [p.name, p.enforcementLevel]),
    );
  });

  it("is configured from a --policy-pack-config file with schema defaults, all and overrides applied", () => {
    assert.deepStrictEqual(pack.configured["trust-policy-size"], {
      enforcementLevel: "mandatory",
      properties: { maxTrustPolicyLength: 4096 },
    });
    assert.deepStrictEqual(pack.configured["role-max-session-duration"], {
      enforcementLevel: "mandatory",
      properties: { maxSessionDurationSeconds: 3600 },
    });
    assert.strictEqual(pack.configured["trust-service-confused-deputy"].enforcementLevel, "advisory");
    assert.deepStrictEqual(pack.configured["trust-cross-account-requires-org-condition"].properties, {
      organizationAccountIds: ORG.organizationAccountIds,
      organizationAccessRoleName: "OrganizationAccountAccessRole",
      organizationId: ORG_ID,
      managementAccountId: MGMT,
    });
  });

  it("Analyze returns a mandatory diagnostic naming the statement", async () => {
    const d = await pack.analyze(openRole);
    assert.deepStrictEqual(
      d.map((x) => [x.policyName, x.enforcementLevel, x.urn]),
      [["trust-no-wildcard-principal", "mandatory", "urn:pulumi:dev::org-access::aws:iam/role:Role::open"]],
    );
    assert.strictEqual(d[0].message, `${d[0].description}\n${d[0].violation}`);
    assert.match(d[0].violation, /^Statement "Anyone" trusts a wildcard principal/);
    const engine = checkResources([{ ...openRole, urn: d[0].urn }], { config: configFile });
    assert.strictEqual(
      engine.find((f) => f.policy === "trust-no-wildcard-principal")?.message,
      d[0].violation,
    );
  });

  it("infers the role's account from the provider sent in the request", async () => {
    const same = await pack.analyze({
      type: "aws:iam/role:Role",
      name: "local",
      props: { assumeRolePolicy: localTrust },
      provider: provider(PROD),
    });
    assert.deepStrictEqual(same, []);
    const other = await pack.analyze({
      type: "aws:iam/role:Role",
      name: "local",
      props: { assumeRolePolicy: localTrust },
      provider: provider(SECURITY),
    });
    assert.deepStrictEqual(
      other.map((x) => x.policyName),
      ["trust-cross-account-requires-org-condition"],
    );
  });

  it("turns an unknown value into an advisory note during preview", async () => {
    const d = await pack.analyze({
      type: "aws:iam/role:Role",
      name: "later",
      props: { assumeRolePolicy: UNKNOWN_STRING },
      provider: provider(PROD),
    });
    const wildcard = d.filter((x) => x.policyName === "trust-no-wildcard-principal");
    assert.deepStrictEqual(
      wildcard.map((x) => x.enforcementLevel),
      ["advisory"],
    );
    assert.match(
      wildcard[0].message,
      /can't run policy 'trust-no-wildcard-principal' from policy pack 'org-access@v0.1.0' during preview/,
    );
  });

  it("AnalyzeStack reports the stack rules on the offending resources, matching the in-process engine", async () => {
    const { resources, stack } = await pack.analyzeAll(stackResources);
    const urn = (name: string, type: string) => `urn:pulumi:dev::org-access::${type}::${name}`;
    assert.deepStrictEqual(
      stack.map((x) => [x.policyName, x.enforcementLevel, x.urn]),
      [
        ["no-admin-on-cross-account-role-attachment", "mandatory", urn("deploy", "aws:iam/role:Role")],
        [
          "org-access-role-stackset-not-management",
          "mandatory",
          urn("to-mgmt", "aws:cloudformation/stackSetInstance:StackSetInstance"),
        ],
      ],
    );
    const engine = checkResources(
      stackResources.map((r) => ({ ...r, urn: urn(r.name, r.type) })),
      { config: configFile },
    );
    const fromProtocol = [...resources, ...stack]
      .map((x) => `${x.policyName} ${x.enforcementLevel} ${x.urn}`)
      .sort();
    assert.deepStrictEqual(
      fromProtocol,
      engine.map((f) => `${f.policy} ${f.enforcementLevel} ${f.urn}`).sort(),
    );
    assert.ok(
      engine.some((f) => !isMandatory(f)),
      "the confused-deputy finding stays advisory",
    );
  });

  it("uses each policy's default level when the config file only carries org facts", async () => {
    await pack.configure({}, ORG);
    try {
      const d = await pack.analyze(stackResources[4]);
      assert.deepStrictEqual(
        d.map((x) => [x.policyName, x.enforcementLevel]),
        [["trust-service-confused-deputy", "advisory"]],
      );
      const disabled = await pack.configure({ "trust-no-wildcard-principal": "disabled" }, ORG);
      assert.strictEqual(disabled["trust-no-wildcard-principal"].enforcementLevel, "disabled");
      assert.deepStrictEqual(await pack.analyze(openRole), []);
    } finally {
      await pack.configure(configFile);
    }
  });
});
