import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../../tools/plan";
import { plan, PlanOutcome } from "../../tools/plan/run";
import { printSummary } from "../../tools/plan/summary";
import { PlanReport } from "../../tools/plan/types";
import {
  exampleConfig,
  exampleStackFile,
  exampleValue,
  inProjectOf,
  REPO_ROOT,
  SECRET_PLACEHOLDER,
} from "../harness";
import type { Extras } from "./fixtures/extras-program";

const ORG = "o-a1b2c3d4e5";
const TOOLING = "444444444444";
const MANAGEMENT = "111111111111";
const PROD = "666666666666";
const STAGING = "777777777777";
const VENDOR = "123456789012";
const GITHUB = "token.actions.githubusercontent.com";
const EXTRAS_PROGRAM = path.join(__dirname, "fixtures", "extras-program.ts");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-plan-"));
const silent = { out: () => undefined, err: () => undefined };

/** Runs the plan over the real program plus `extras`, with config overrides. */
async function planWith(
  stack: "management" | "security",
  extras: Extras,
  overrides: Record<string, unknown> = {},
  options: { baseline?: string; out?: string } = {},
): Promise<PlanOutcome> {
  process.env.ORG_ACCESS_PLAN_EXTRAS = JSON.stringify(extras);
  try {
    // The fixture brings its own CI roles and OIDC provider; the example's would duplicate them (an
    // account holds one provider per URL, and the example's pipeline creates it in tooling).
    const withoutExampleCicd =
      extras.oidc !== undefined ? { cicd: undefined, pipeline: undefined, ...overrides } : overrides;
    return await plan({
      stack,
      config: exampleConfig(stack, withoutExampleCicd),
      programPath: EXTRAS_PROGRAM,
      outDir: options.out ?? path.join(tmp, "extras"),
      baseline: options.baseline,
    });
  } finally {
    delete process.env.ORG_ACCESS_PLAN_EXTRAS;
  }
}

const edge = (report: PlanReport, principal: string, roleArn: string) => {
  const found = report.access.filter(
    (e) => e.principal === principal && e.role === roleArn && e.variant === undefined,
  );
  assert.strictEqual(
    found.length,
    1,
    `expected one edge ${principal} -> ${roleArn}, got:\n${report.access.map((e) => `${e.principal} -> ${e.role}`).join("\n")}`,
  );
  return found[0];
};

/** The CI/CD pattern: GitHub OIDC into one CI role per environment in tooling, each into its environment's deployment role. */
function cicd(): Extras {
  const ciRole = (env: string) => ({
    account: TOOLING,
    name: `ci-${env}`,
    trust: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHubEnvironment",
          Effect: "Allow",
          Principal: { Federated: `arn:aws:iam::${TOOLING}:oidc-provider/${GITHUB}` },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${GITHUB}:aud`]: "sts.amazonaws.com",
              [`${GITHUB}:sub`]: `repo:example-org/app:environment:${env}`,
            },
          },
        },
      ],
    },
    // Deliberately broad on the identity side: the deployment roles' trust must do the separating.
    policy: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AssumeDeploymentRoles",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Resource: "arn:aws:iam::*:role/deployment-role-*",
        },
      ],
    },
  });
  const deploymentRole = (env: string, account: string) => ({
    account,
    name: `deployment-role-${env}`,
    trust: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustEnvironmentCiRole",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${TOOLING}:role/ci-${env}` },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
        },
      ],
    },
  });
  return {
    oidc: [{ account: TOOLING, url: `https://${GITHUB}` }],
    roles: [
      ciRole("staging"),
      ciRole("prod"),
      deploymentRole("staging", STAGING),
      deploymentRole("prod", PROD),
    ],
  };
}

const CI_EXPECTATIONS = {
  maxProviders: 50,
  access: [
    {
      principal: { account: "tooling", role: "ci-staging" },
      role: { name: "deployment-role-staging", account: "staging" },
      expect: "allowed",
    },
    {
      principal: { account: "tooling", role: "ci-staging" },
      role: { name: "deployment-role-prod", account: "prod" },
      expect: "denied",
      why: "staging's pipeline must never deploy to prod",
    },
    {
      principal: { github: "repo:example-org/app:environment:staging" },
      role: { name: "ci-prod" },
      expect: "denied",
    },
  ],
};

function vendorRole(externalId: string): NonNullable<Extras["roles"]>[number] {
  return {
    account: PROD,
    name: "vendor-monitoring",
    trust: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustVendorWithExternalId",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${VENDOR}:root` },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": externalId } },
        },
      ],
    },
  };
}

describe("offline plan", function () {
  // Each plan runs the whole program and the pack; a loaded 2-core machine needs minutes, not seconds.
  this.timeout(300000);

  describe("the example stacks", () => {
    const reports: Partial<Record<"management" | "security", PlanOutcome>> = {};
    before(async () => {
      for (const stack of ["management", "security"] as const) {
        reports[stack] = await plan({
          configFile: exampleStackFile("full", stack),
          outDir: path.join(tmp, "examples"),
        });
      }
    });

    it("plans the management stack cleanly: every resource with its account, options and provider", () => {
      const outcome = reports.management as PlanOutcome;
      assert.strictEqual(outcome.exitCode, 0, outcome.problems.join("\n"));
      const report = outcome.report as PlanReport;
      assert.strictEqual(report.stack, "management");
      const role = report.resources.find(
        (r) => r.type === "aws:iam/role:Role" && r.inputs.name === "OrganizationAccountAccessRole",
      );
      assert.ok(role);
      assert.deepStrictEqual(
        {
          account: role.account,
          provider: role.provider,
          protect: role.protect,
          retainOnDelete: role.retainOnDelete,
          import: role.import,
        },
        {
          account: "111111111111",
          provider: "account-management",
          protect: true,
          retainOnDelete: true,
          import: "OrganizationAccountAccessRole",
        },
      );
      // Every provider the program created is reported: the home one with the stack's credentials,
      // every other one assuming OrganizationAccountAccessRole in its own account.
      const byName = [...report.providers].sort((a, b) => a.name.localeCompare(b.name));
      assert.ok(byName.some((p) => p.name === "account-prod"));
      for (const provider of byName) {
        assert.strictEqual(
          provider.roleArn,
          provider.accountId === "111111111111"
            ? undefined
            : `arn:aws:iam::${provider.accountId}:role/OrganizationAccountAccessRole`,
          provider.name,
        );
      }
      assert.deepStrictEqual(report.providerLoad, {
        count: report.providers.length,
        estimatedMemoryMb: 250 * report.providers.length,
        threshold: 50,
      });
      for (const file of outcome.files) assert.ok(fs.existsSync(file), file);
      assert.deepStrictEqual(
        outcome.files.map((f) => path.basename(f)),
        ["plan-management.md", "plan-management.json", "plan-management.comment.md"],
      );
    });

    it("expands the member-role StackSet to the accounts its OU target reaches, never the management account or an excluded one", () => {
      const report = (reports.management as PlanOutcome).report as PlanReport;
      const reached = report.access
        .filter(
          (e) =>
            e.role.endsWith(":role/OrganizationAccountAccessRole") &&
            e.source.startsWith("stackset:") &&
            e.via === "trust",
        )
        .map((e) => [e.principal, e.roleAccount, e.decision]);
      assert.deepStrictEqual(reached, [
        ["arn:aws:iam::111111111111:root", PROD, "allowed"],
        ["arn:aws:iam::111111111111:root", STAGING, "allowed"],
      ]);
    });

    it("checks the example expectations: the security source role reaches SecurityAccessRole everywhere its StackSet goes, the compliance one does not", () => {
      const outcome = reports.security as PlanOutcome;
      assert.strictEqual(outcome.exitCode, 0, outcome.problems.join("\n"));
      const report = outcome.report as PlanReport;
      const security = report.expectations.filter((e) => e.index === 0);
      assert.deepStrictEqual(
        security.map((e) => [e.role.split(":")[4], e.actual, e.ok]).sort(),
        [
          "222222222222",
          "333333333333",
          "444444444444",
          "555555555555",
          STAGING,
          "888888888888",
          "999999999999",
        ]
          .map((a) => [a, "allowed", true])
          .sort(),
      );
      assert.match(
        security[0].reason,
        /identity policy AllowAssumeSecurityAccessRole statement AllowAssumeSecurityAccessRole and trust statement TrustDelegatedAdminSourceRoles/,
      );
      assert.ok(report.expectations.filter((e) => e.index === 1).every((e) => e.actual === "denied" && e.ok));
      assert.ok(report.expectations.every((e) => e.ok));
    });

    it("writes a Markdown report with the summary, the access matrix and a Mermaid trust graph", () => {
      const md = fs.readFileSync(path.join(tmp, "examples", "plan-management.md"), "utf8");
      assert.match(md, /^# org-access plan: `management`/);
      assert.match(md, /\| Result \| ✅ clean \|/);
      assert.match(md, /```mermaid\nflowchart LR\n/);
      assert.match(
        md,
        /acct_222222222222 -->\|"AuditReadRole, ComplianceAccessRole, SecurityAccessRole, it-admin-access"\| acct_666666666666/,
      );
      assert.match(md, /### Access matrix/);
      assert.match(md, /## Resources per account/);
    });
    it("is what docs/plan.md quotes: the summary `npm run plan` prints and the rows of its report excerpt", () => {
      const outcome = reports.management as PlanOutcome;
      const docs = fs.readFileSync(path.join(REPO_ROOT, "docs", "plan.md"), "utf8");
      // The console summary: the fenced block that starts with the plan's title line.
      const quoted = /```\n(org-access plan: management[\s\S]*?)```/.exec(docs)?.[1].trimEnd().split("\n");
      assert.ok(quoted, "docs/plan.md quotes the summary of the management plan");
      const printed: string[] = [];
      printSummary(outcome, { out: (t) => printed.push(...t.trimEnd().split("\n")), err: () => undefined });
      // The report paths are relative to where the plan ran: compare them by file name.
      const files = (line: string) => line.replace(/\S*(plan-management\.\w+(\.md)?)/g, "$1");
      assert.deepStrictEqual(quoted.map(files), printed.map(files));
      // The report excerpt: each quoted table row is a row of the generated Markdown report.
      const cells = (row: string) =>
        row
          .trim()
          .slice(1, -1)
          .split(" | ")
          .map((c) => c.trim())
          .join(" | ");
      const rows = (md: string) =>
        md
          .split("\n")
          .filter((l) => l.startsWith("|") && !/^\|[\s|:-]+\|$/.test(l))
          .map(cells);
      const excerpt = docs.slice(docs.indexOf("## An excerpt of a real report"));
      const quotedRows = rows(excerpt.slice(0, excerpt.indexOf("\n## ")));
      assert.ok(quotedRows.length >= 10, quotedRows.join("\n"));
      const reportRows = new Set(
        rows(fs.readFileSync(path.join(tmp, "examples", "plan-management.md"), "utf8")),
      );
      assert.deepStrictEqual(
        quotedRows.filter((r) => !reportRows.has(r)),
        [],
        "rows docs/plan.md quotes that the report does not have",
      );
    });
  });

  describe("access graph", () => {
    let withCi: PlanOutcome;
    before(async () => {
      withCi = await planWith("management", cicd(), { expectations: CI_EXPECTATIONS });
    });

    it("allows the CI role into its own environment's deployment role, and denies it into another's", () => {
      assert.strictEqual(withCi.exitCode, 0, withCi.problems.join("\n"));
      const report = withCi.report as PlanReport;
      const own = edge(
        report,
        `arn:aws:iam::${TOOLING}:role/ci-staging`,
        `arn:aws:iam::${STAGING}:role/deployment-role-staging`,
      );
      assert.strictEqual(own.decision, "allowed");
      assert.strictEqual(own.action, "sts:AssumeRole");
      assert.strictEqual(
        own.reason,
        "allowed by identity policy fixture-444444444444-ci-staging-policy statement AssumeDeploymentRoles and trust statement TrustEnvironmentCiRole",
      );
      const other = report.expectations.find((e) => e.index === 1);
      assert.deepStrictEqual(
        { role: other?.role, actual: other?.actual, ok: other?.ok },
        { role: `arn:aws:iam::${PROD}:role/deployment-role-prod`, actual: "denied", ok: true },
      );
      assert.strictEqual(other?.reason, "denied: no trust policy statement allows it");
    });

    it("evaluates each GitHub subject of an OIDC trust as its own edge with AssumeRoleWithWebIdentity", () => {
      const report = withCi.report as PlanReport;
      const oidc = edge(
        report,
        "github repo:example-org/app:environment:staging",
        `arn:aws:iam::${TOOLING}:role/ci-staging`,
      );
      assert.deepStrictEqual(
        [oidc.action, oidc.decision, oidc.reason],
        [
          "sts:AssumeRoleWithWebIdentity",
          "allowed",
          // The last two come from the example's data-perimeter RCP (the organization's own GitHub tenant).
          "allowed by trust statement GitHubEnvironment; if token.actions.githubusercontent.com:aud is sts.amazonaws.com and token.actions.githubusercontent.com:sub is repo:example-org/app:environment:staging and token.actions.githubusercontent.com:sub present and token.actions.githubusercontent.com:sub matches one of repo:example-org/*, repo:example-org@1234567/*",
        ],
      );
      const wrongEnvironment = report.expectations.find((e) => e.index === 2);
      assert.strictEqual(wrongEnvironment?.actual, "denied");
      assert.match(
        wrongEnvironment?.reason ?? "",
        /trust condition not met: token.actions.githubusercontent.com:sub/,
      );
    });

    it("turns an allowed edge into denied when an SCP on the caller's account denies sts:AssumeRole", async () => {
      const extras = cicd();
      const scp = {
        name: "deny-assume-role",
        targetIds: [TOOLING],
        content: {
          Version: "2012-10-17",
          Statement: [{ Sid: "DenyAssumeRole", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" }],
        },
      };
      const outcome = await planWith(
        "management",
        { ...extras, scps: [scp] },
        { expectations: CI_EXPECTATIONS },
        { out: path.join(tmp, "scp") },
      );
      const denied = edge(
        outcome.report as PlanReport,
        `arn:aws:iam::${TOOLING}:role/ci-staging`,
        `arn:aws:iam::${STAGING}:role/deployment-role-staging`,
      );
      assert.strictEqual(denied.decision, "denied");
      assert.strictEqual(denied.reason, "explicitly denied by SCP deny-assume-role statement DenyAssumeRole");
      // The expectation that staging's CI reaches its deployment role now fails, and says why; the
      // pack refuses the SCP too, as it would lock the deploying roles out of the account.
      assert.strictEqual(outcome.exitCode, 1);
      assert.deepStrictEqual(outcome.problems.map((p) => p.split(":")[0]).sort(), [
        "expectation org-access",
        "mandatory policy organization-policy-no-lockout violated by urn",
      ]);
      assert.match(
        outcome.problems.find((p) => p.startsWith("expectation")) ?? "",
        /^expectation org-access:expectations\.access\[0\] failed: arn:aws:iam::444444444444:role\/ci-staging -> arn:aws:iam::777777777777:role\/deployment-role-staging expected allowed, got denied \(explicitly denied by SCP deny-assume-role statement DenyAssumeRole\)/,
      );
    });

    it("lists an added vendor's edges against a baseline report, and shows its ExternalId as [secret]", async () => {
      const baselineFile = path.join(tmp, "extras", "plan-management.json");
      fs.copyFileSync(baselineFile, path.join(tmp, "baseline.json"));
      // A vendor outside org-access:vendors gets through the data perimeter by an exemption only.
      const guardrails = exampleValue("management", "guardrails") as { resourceControlPolicies: object[] };
      const [perimeter] = guardrails.resourceControlPolicies;
      const exempt = {
        ...guardrails,
        resourceControlPolicies: [
          { ...perimeter, exemptions: [{ principal: VENDOR, reason: "the monitoring vendor's account" }] },
        ],
      };
      const outcome = await planWith(
        "management",
        { ...cicd(), roles: [...(cicd().roles ?? []), vendorRole(SECRET_PLACEHOLDER)] },
        { expectations: CI_EXPECTATIONS, guardrails: exempt },
        { baseline: path.join(tmp, "baseline.json"), out: path.join(tmp, "vendor") },
      );
      const diff = outcome.report?.accessDiff;
      assert.ok(diff);
      assert.deepStrictEqual(
        diff.added.map((e) => [e.principal, e.role, e.decision, e.variant, e.reason]),
        [
          [
            `arn:aws:iam::${VENDOR}:root`,
            `arn:aws:iam::${PROD}:role/vendor-monitoring`,
            "allowed",
            undefined,
            "allowed by trust statement TrustVendorWithExternalId; identity side outside this stack and the organization; if sts:ExternalId is [secret]",
          ],
          [
            `arn:aws:iam::${VENDOR}:root`,
            `arn:aws:iam::${PROD}:role/vendor-monitoring`,
            "denied",
            "without ExternalId",
            "denied: no trust policy statement allows it (trust condition not met: sts:ExternalId); identity side outside this stack and the organization",
          ],
        ],
      );
      assert.deepStrictEqual([diff.removed, diff.changed], [[], []]);
      const json = fs.readFileSync(path.join(tmp, "vendor", "plan-management.json"), "utf8");
      assert.ok(!json.includes(SECRET_PLACEHOLDER), "the secret placeholder leaked into the report");
      assert.match(json, /\\"sts:ExternalId\\":\\"\[secret\]\\"/);
      assert.match(
        fs.readFileSync(path.join(tmp, "vendor", "plan-management.md"), "utf8"),
        /\| ➕ edge \| 123456789012 account \| arn:aws:iam::666666666666:role\/vendor-monitoring \| allowed \|\n\| ➕ edge \| 123456789012 account \(without ExternalId\) \| arn:aws:iam::666666666666:role\/vendor-monitoring \| denied \|/,
      );
    });

    it("reports a wildcard trust as reachable by anyone where no RCP refuses outsiders, and the pack's finding fails the plan", async () => {
      const wildcard = {
        account: PROD,
        name: "open-role",
        trust: {
          Version: "2012-10-17",
          Statement: [{ Sid: "Anyone", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
        },
      };
      // RCPs never restrict the management account's resources: the same trust there is open.
      const inManagement = { ...wildcard, account: MANAGEMENT };
      const outcome = await planWith("management", { roles: [wildcard, inManagement] });
      const open = edge(
        outcome.report as PlanReport,
        "anyone outside the organization",
        `arn:aws:iam::${MANAGEMENT}:role/open-role`,
      );
      assert.strictEqual(open.decision, "allowed");
      // In a member account the data-perimeter RCP refuses principals outside the organization.
      const refused = edge(
        outcome.report as PlanReport,
        "anyone outside the organization",
        `arn:aws:iam::${PROD}:role/open-role`,
      );
      assert.deepStrictEqual(
        [refused.decision, refused.reason],
        [
          "denied",
          "explicitly denied by RCP org-access-data-perimeter statement EnforceOrgIdentities; a principal outside the organization",
        ],
      );
      assert.strictEqual(outcome.report?.policyPack.ran, true);
      assert.strictEqual(outcome.exitCode, 1);
      const finding = outcome.report?.findings.find((f) => f.urn?.endsWith("fixture-666666666666-open-role"));
      assert.ok(finding, JSON.stringify(outcome.report?.findings, null, 2));
      assert.strictEqual(finding.enforcementLevel, "mandatory");
      assert.strictEqual(finding.policy, "trust-no-wildcard-principal");
      assert.match(finding.message, /"Anyone"/);
    });
  });

  describe("expectations and exit codes", () => {
    it("exits 1 naming a failed expectation", async () => {
      const lines: string[] = [];
      const file = writeStackFile("management", {
        "org-access:expectations": {
          access: [
            {
              principal: { account: "security", role: "SecurityAutomationRole" },
              role: { name: "SecurityAccessRole", account: "prod" },
              expect: "denied",
              why: "deliberately wrong",
            },
          ],
        },
      });
      const code = await main(["--config-file", file, "--out", path.join(tmp, "failing")], {
        out: () => undefined,
        err: (t) => lines.push(t),
      });
      assert.strictEqual(code, 1);
      assert.deepStrictEqual(lines, [
        "✗ expectation org-access:expectations.access[0] failed: arn:aws:iam::222222222222:role/SecurityAutomationRole -> arn:aws:iam::666666666666:role/SecurityAccessRole expected denied, got allowed (allowed by trust statement TrustDelegatedAdminSourceRoles; identity side outside this stack); why it matters: deliberately wrong",
      ]);
      const report = JSON.parse(
        fs.readFileSync(path.join(tmp, "failing", "plan-management.json"), "utf8"),
      ) as PlanReport;
      assert.deepStrictEqual(
        report.expectations.map((e) => [e.expected, e.actual, e.ok]),
        [["denied", "allowed", false]],
      );
    });

    it("exits 2 with every validation error for an invalid config, naming the keys", async () => {
      const lines: string[] = [];
      const file = writeStackFile("management", {
        "org-access:expectations": {
          access: [
            {
              principal: { account: "qa" },
              role: { name: "SecurityAccessRole", account: "prod", accounts: "all" },
              expect: "maybe",
            },
          ],
        },
      });
      const code = await main(["--config-file", file, "--out", path.join(tmp, "invalid")], {
        out: () => undefined,
        err: (t) => lines.push(t),
      });
      assert.strictEqual(code, 2);
      const text = lines.join("\n");
      assert.match(text, /stack config is invalid \(3 problems\); nothing was deployed/);
      assert.match(text, /org-access:expectations\.access\[0\]\.expect: expected "allowed" or "denied"/);
      assert.match(
        text,
        /org-access:expectations\.access\[0\]\.role: give at most one of `account`, `accounts` and `organizationalUnits`/,
      );
      assert.match(
        text,
        /org-access:expectations\.access\[0\]\.principal\.account: unknown account "qa"; use a name from org-access:accounts/,
      );
      assert.ok(!fs.existsSync(path.join(tmp, "invalid")), "no report for an invalid config");
    });

    it("exits 2 for usage errors: an unknown option, a missing stack file", async () => {
      assert.strictEqual(await main(["--stak", "management"], silent), 2);
      const lines: string[] = [];
      assert.strictEqual(
        await main(["--stack", "nonexistent"], { out: () => undefined, err: (t) => lines.push(t) }),
        2,
      );
      assert.match(
        lines.join("\n"),
        /no stack file .*Pulumi\.nonexistent\.yaml; pass --stack management\|security/,
      );
    });

    it("reads --stack from the project's own stack file, never from an example", async () => {
      // A checkout with no Pulumi.management.yaml of its own: the example organization's facts must
      // not stand in for the user's (a pipeline would plan, and trust, another organization).
      await inProjectOf(undefined, async (dir) => {
        const lines: string[] = [];
        const code = await main(["--stack", "management", "--out", path.join(tmp, "no-stack")], {
          out: (t) => lines.push(t),
          err: (t) => lines.push(t),
        });
        assert.strictEqual(code, 2);
        assert.deepStrictEqual(lines, [
          `no stack file ${path.join(fs.realpathSync(dir), "Pulumi.management.yaml")}; pass --stack management|security, or --config-file with a Pulumi.<stack>.yaml (to start from an example: examples/README.md)`,
        ]);
        assert.ok(!fs.existsSync(path.join(tmp, "no-stack")), "nothing planned");
      });
    });

    it("warns above the provider threshold, recommending a StackSet rollout or sharding, without failing", async () => {
      const lines: string[] = [];
      // A project whose own stack files are the full example's, as `--stack` reads them there.
      const code = await inProjectOf("full", () =>
        main(["--stack", "management", "--max-providers", "1", "--out", path.join(tmp, "providers")], {
          out: (t) => lines.push(t),
          err: (t) => lines.push(t),
        }),
      );
      assert.strictEqual(code, 0);
      const report = JSON.parse(
        fs.readFileSync(path.join(tmp, "providers", "plan-management.json"), "utf8"),
      ) as PlanReport;
      const count = report.providers.length;
      assert.ok(count > 1);
      assert.strictEqual(
        report.providerLoad.warning,
        `${count} explicit AWS providers: a real \`pulumi up\` starts one provider process per provider, about ${count * 250} MB at an estimated 250 MB each (above the threshold of 1). Roll OU-wide roles out with a StackSet (\`rollout: stackset\`) or shard the stack with \`org-access:scope\`.`,
      );
      assert.ok(lines.some((l) => l.includes(`⚠ ${count} explicit AWS providers`)));
    });
  });

  it("runs as `npm run plan` and prints the summary table", () => {
    const result = spawnSync(
      "npm",
      [
        "run",
        "--silent",
        "plan",
        "--",
        "--config-file",
        "examples/full/Pulumi.security.yaml",
        "--out",
        path.join(tmp, "spawn"),
      ],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
      },
    );
    assert.strictEqual(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^org-access plan: security — clean\n {2}resources +\d+ +\d+ AWS resources\n/m,
    );
    assert.match(result.stdout, /expectations +\d+ +all hold/);
    assert.ok(fs.existsSync(path.join(tmp, "spawn", "plan-security.json")));
  });
});

/** A copy of an example stack file with keys replaced, as a user's `--config-file` would be. */
function writeStackFile(stack: "management" | "security", replace: Record<string, unknown>): string {
  const doc = YAML.parse(fs.readFileSync(exampleStackFile("full", stack), "utf8")) as {
    config: Record<string, unknown>;
  };
  Object.assign(doc.config, replace);
  const dir = fs.mkdtempSync(path.join(tmp, "stack-"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}
