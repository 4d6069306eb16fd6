import * as assert from "assert";
import { exampleValue } from "../harness";
import { configIssuesOf } from "../organization-access/helpers";

const base = () => exampleValue<Record<string, unknown>>("management", "pipeline");

describe("pipeline config", () => {
  it("reports malformed values with their key and the fix", () => {
    const issues = configIssuesOf("management", {
      pipeline: {
        ...base(),
        repository: "example-org/*",
        branch: "release/*",
        environments: { management: "prod*", security: "security" },
        oidcProvider: "maybe",
        maxSessionDurationSeconds: 7200,
        roleNames: { deployManagement: "bad name" },
      },
    });
    assert.deepStrictEqual(issues, [
      "org-access:pipeline.repository: expected ORG/REPO (or ORG@<owner id>/REPO@<repo id> for repositories with immutable subjects), without wildcards",
      "org-access:pipeline.branch: use the branch's exact name, without wildcards or spaces",
      "org-access:pipeline.environments.management: use the GitHub environment's exact name: letters, digits and . _ -, no wildcards",
      'org-access:pipeline.oidcProvider: expected "create" or "existing"',
      "org-access:pipeline.maxSessionDurationSeconds: role chaining caps sessions at 3600 seconds; set 900 to 3600",
      'org-access:pipeline.roleNames.deployManagement: "bad name" is not a valid IAM role name; use 1 to 64 letters, digits and the characters + = , . @ _ -',
    ]);
  });

  it("refuses unknown accounts and keeps the pipeline's identities out of the management account", () => {
    const issues = configIssuesOf("management", {
      pipeline: { ...base(), toolingAccount: "management", securityAccount: "secops" },
    });
    assert.deepStrictEqual(issues, [
      'org-access:pipeline.securityAccount: unknown account "secops"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
      "org-access:pipeline.toolingAccount: the pipeline's identities must live outside the management account, so a compromised workflow never starts there; name the tooling account",
    ]);
  });

  it("ties the security stack's deploy role to the account it deploys from, and role names to one role each", () => {
    const issues = configIssuesOf("security", {
      pipeline: {
        ...base(),
        securityAccount: "log-archive",
        roleNames: { pipeline: "org-access-ci", preview: "org-access-ci" },
      },
    });
    assert.deepStrictEqual(issues, [
      'org-access:pipeline.securityAccount: the security stack deploys from "security" (org-access:deployment.account), so its deploy role lives there; set securityAccount: security',
      'org-access:pipeline.roleNames.preview: "org-access-ci" is already roleNames.pipeline; each pipeline role needs its own name so trust and permissions never mix',
    ]);
  });

  it("requires the repository", () => {
    const { repository: _omitted, ...rest } = base();
    const issues = configIssuesOf("management", { pipeline: rest });
    assert.deepStrictEqual(issues, [
      "org-access:pipeline.repository: is required; expected the repository as ORG/REPO",
    ]);
  });
});
