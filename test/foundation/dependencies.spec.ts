import * as assert from "assert";
import * as path from "path";
import { loadConfig } from "../../components/config";
import { dependsOn, StackFacts, stackFacts } from "../../tools/plan/deploy";
import { orgFactsFor } from "../../tools/plan/run";
import { exampleConfig, ProgramRun, runExample, runProgram, single } from "../harness";

const ROLE = "aws:iam/role:Role";
const short = (urn: string) => urn.split("::").pop() as string;

/**
 * Every pair (resource, what it needs that the same stack creates) of a run, and whether the first
 * depends on the second through recorded dependencies and providers: a trust naming a role or OIDC
 * provider, a boundary or attached policy, a provider's assumed role, a StackSet template's principal.
 */
function pairs(facts: StackFacts): { pair: string; ordered: boolean }[] {
  const seen = new Set<string>();
  const out: { pair: string; ordered: boolean }[] = [];
  for (const need of facts.needs) {
    const creator = facts.created.get(need.needs);
    if (creator === undefined || creator === need.urn) continue;
    const pair = `${need.rule}: ${short(need.urn)} -> ${short(creator)}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    out.push({ pair, ordered: dependsOn(facts, need.urn, creator) });
  }
  return out.sort((a, b) => a.pair.localeCompare(b.pair));
}

function factsOf(stack: "management" | "security", run: ProgramRun): StackFacts {
  return stackFacts(stack, run.resources, orgFactsFor(loadConfig(exampleConfig(stack)).config));
}

describe("dependencies reach the resources that need them", () => {
  it("a component's dependsOn is no dependency of its children; a child must be given it", async () => {
    // pulumi/pulumi sdk/nodejs/runtime/resource.ts `prepareResource` (commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8)
    // sends a resource's own `dependsOn` and property dependencies; its parent contributes only the
    // parent URN, so the engine never learns that the children of a component wait for anything.
    const run = await runProgram({
      stack: "management",
      config: exampleConfig("management"),
      programPath: path.join(__dirname, "fixtures", "component-depends-on.ts"),
    });
    const first = single(run, ROLE, "first");
    assert.deepStrictEqual(single(run, "test:index:Pair", "pair").dependencies, [first.urn]);
    assert.deepStrictEqual(single(run, ROLE, "pair-plain").dependencies, []);
    assert.deepStrictEqual(single(run, ROLE, "pair-forwarded").dependencies, [first.urn]);
  });

  describe("the management stack", () => {
    let run: ProgramRun;
    let facts: StackFacts;
    before(async () => {
      run = await runExample("management");
      facts = factsOf("management", run);
    });

    it("orders every resource after what it needs from the same stack, directly or through its provider", () => {
      const found = pairs(facts);
      assert.deepStrictEqual(
        found.filter((p) => !p.ordered).map((p) => p.pair),
        [],
      );
      assert.deepStrictEqual(
        found.map((p) => p.pair),
        [
          "assumed-role: account-prod -> organization-access-member-role-roles-ou-workloads",
          "assumed-role: account-staging -> organization-access-member-role-roles-ou-workloads",
          "permissions-boundary: audit-read-dev-role-role -> permissions-boundary-dev-policy",
          "permissions-boundary: audit-read-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: audit-read-sandbox-role-role -> permissions-boundary-sandbox-policy",
          "permissions-boundary: audit-read-staging-role-role -> permissions-boundary-staging-policy",
          "permissions-boundary: cicd-deployment-dev-dev-role-role -> permissions-boundary-dev-policy",
          "permissions-boundary: cicd-deployment-prod-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: cicd-deployment-staging-staging-role-role -> permissions-boundary-staging-policy",
          "permissions-boundary: delegation-it-admins-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: delegation-it-admins-staging-role-role -> permissions-boundary-staging-policy",
          "permissions-boundary: observability-dev-forwarder -> permissions-boundary-dev-policy",
          "permissions-boundary: observability-prod-forwarder -> permissions-boundary-prod-policy",
          "permissions-boundary: observability-sandbox-forwarder -> permissions-boundary-sandbox-policy",
          "permissions-boundary: observability-staging-forwarder -> permissions-boundary-staging-policy",
          "permissions-boundary: security-access-compliance-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: security-access-security-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: shared-artifacts-consumer-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: vendor-observability-dev-role-role -> permissions-boundary-dev-policy",
          "permissions-boundary: vendor-observability-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: vendor-observability-staging-role-role -> permissions-boundary-staging-policy",
          "permissions-boundary: vendor-security-scanner-prod-role-role -> permissions-boundary-prod-policy",
          "permissions-boundary: vendor-security-scanner-staging-role-role -> permissions-boundary-staging-policy",
          "trust-principal: cicd-ci-prod-role-role -> pipeline-identity-github-oidc",
          "trust-principal: cicd-ci-staging-role-role -> pipeline-identity-github-oidc",
          "trust-principal: cicd-deployment-dev-dev-role-role -> cicd-ci-staging-role-role",
          "trust-principal: cicd-deployment-prod-prod-role-role -> cicd-ci-prod-role-role",
          "trust-principal: cicd-deployment-staging-staging-role-role -> cicd-ci-staging-role-role",
          "trust-principal: pipeline-identity-pipeline-role -> pipeline-identity-github-oidc",
          "trust-principal: pipeline-identity-preview-role -> pipeline-identity-github-oidc",
          "trust-principal: pipeline-management-deploy-role -> pipeline-identity-pipeline-role",
          "trust-principal: pipeline-management-preview-role -> pipeline-identity-preview-role",
          "trust-principal: pipeline-member-preview-roles-ou-root -> pipeline-management-preview-role",
        ],
      );
    });

    it("gives a component's dependsOn to the roles inside it: deployment roles wait for their CI roles", () => {
      const deployment = single(run, ROLE, "cicd-deployment-prod-prod-role-role");
      const ci = single(run, ROLE, "cicd-ci-prod-role-role");
      assert.ok(deployment.dependencies.includes(ci.urn));
    });

    it("makes the CI roles wait for the OIDC provider the pipeline capability creates later in the composition", () => {
      const oidc = single(
        run,
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "pipeline-identity-github-oidc",
      );
      for (const name of ["cicd-ci-prod-role-role", "cicd-ci-staging-role-role"]) {
        assert.deepStrictEqual(single(run, ROLE, name).dependencies, [oidc.urn], name);
      }
    });
  });

  describe("the security stack", () => {
    it("orders every role after the policies it attaches; its StackSet templates name no role of this stack", async () => {
      const run = await runExample("security");
      const found = pairs(factsOf("security", run));
      assert.deepStrictEqual(
        found.filter((p) => !p.ordered).map((p) => p.pair),
        [],
      );
      // The target roles trust the security account root narrowed by aws:PrincipalArn: IAM resolves
      // no condition value, so the StackSet stacks need no source role to exist (they still wait for them).
      assert.deepStrictEqual(
        found.map((p) => p.pair),
        [
          "managed-policy: security-access-compliance-source-role-caller-policy -> security-access-compliance-source-caller-policy",
          "managed-policy: security-access-security-source-role-caller-policy -> security-access-security-source-caller-policy",
        ],
      );
      const source = single(run, ROLE, "security-access-security-source-role-role");
      assert.ok(
        single(
          run,
          "aws:cloudformation/stackSet:StackSet",
          "security-access-security-targets-roles-stackset",
        ).dependencies.includes(source.urn),
      );
    });
  });
});
