import * as assert from "assert";
import { diffPlans } from "../../tools/plan/baseline";
import {
  DEFAULT_COMMENT_BUDGET,
  GITHUB_COMMENT_LIMIT,
  renderComment,
  renderMarkdown,
} from "../../tools/plan/markdown";
import { trustGraph } from "../../tools/plan/mermaid";
import { AccessEdge, Chain, PlannedResource, PlanReport } from "../../tools/plan/types";

/**
 * The reports at the size that breaks naive ones: a thousand accounts, thousands of edges, chains,
 * changes and failures. The pull-request comment always fits its budget (two stacks in one GitHub
 * comment), keeps the summary and says what it left out; the graph groups accounts by OU and
 * collapses them when there are many.
 */

const OUS = ["security", "infrastructure", "workloads", "sandbox"];

function account(i: number) {
  return { name: `account-${i}`, id: String(100000000000 + i), ou: OUS[i % OUS.length] };
}

function edge(i: number, role: string, principal: string, extra: Partial<AccessEdge> = {}): AccessEdge {
  const a = account(i);
  return {
    principal,
    role: `arn:aws:iam::${a.id}:role/${role}`,
    action: "sts:AssumeRole",
    decision: "allowed",
    reason: `allowed by trust statement Trust${role}; identity side outside this stack`,
    principalAccount: "222222222222",
    roleAccount: a.id,
    source: `urn:pulumi:management::org-access::aws:iam/role:Role::${role}-${a.name}`,
    principalKind: "role",
    principalName: "role SecurityAutomationRole (security)",
    via: "trust",
    conditions: [],
    ...extra,
  };
}

function resource(i: number, type: string, name: string): PlannedResource {
  const a = account(i);
  return {
    urn: `urn:pulumi:management::org-access::${type}::${name}-${a.name}`,
    type,
    name: `${name}-${a.name}`,
    account: a.id,
    inputs: { name, assumeRolePolicy: "{}" },
    protect: false,
    retainOnDelete: false,
  };
}

/** A management-stack report of 1,000 accounts in which a change touched everything. */
function bigReport(accounts = 1000): PlanReport {
  const list = Array.from({ length: accounts }, (_, i) => account(i));
  const source = "arn:aws:iam::222222222222:role/SecurityAutomationRole";
  const access: AccessEdge[] = [];
  const chains: Chain[] = [];
  const resources: PlannedResource[] = [];
  for (let i = 0; i < accounts; i++) {
    for (const role of ["SecurityAccessRole", "AuditReadRole", "OrganizationAccountAccessRole"]) {
      access.push(edge(i, role, source));
      chains.push({
        entry: source,
        entryName: "role SecurityAutomationRole (security)",
        role: `arn:aws:iam::${list[i].id}:role/${role}`,
        roleAccount: list[i].id,
        depth: 1,
        path: [source, `arn:aws:iam::${list[i].id}:role/${role}`],
        via: ["trust"],
      });
      resources.push(resource(i, "aws:iam/role:Role", role));
    }
    access.push(
      edge(i, "it-admin-access", "arn:aws:iam::222222222222:user/alice", {
        decision: "denied",
        variant: "without MFA",
        principalKind: "user",
        principalName: "user alice (security)",
      }),
    );
  }
  const expectations = Array.from({ length: 3000 }, (_, i) => ({
    principal: source,
    role: `account ${list[i % accounts].name} (${list[i % accounts].id})`,
    action: "ec2:TerminateInstances",
    expected: "denied" as const,
    actual: "allowed" as const,
    ok: false,
    index: i,
    why: "the security account reads and detects, never changes workloads",
    reason: "SecurityAccessRole: allowed by identity policy AdministratorAccess statement #1",
  }));
  return {
    stack: "management",
    generatedAt: "2026-12-04T00:00:00.000Z",
    organizationId: "o-a1b2c3d4e5",
    accounts: list,
    resources,
    providers: [],
    providerLoad: { count: 1, estimatedMemoryMb: 250, threshold: 50 },
    policyPack: { ran: true },
    findings: [],
    access,
    expectations,
    accessDiff: { baseline: "plan-management.json", added: access, removed: [], changed: [] },
    changes: diffPlans("plan-management.json", { access: [], resources: [], chains: [], expectations: [] }, {
      resources,
      chains,
      expectations,
      access,
    } as unknown as PlanReport),
    result: "fail",
    chains,
    accessFindings: list.map((a) => ({
      kind: "escalation" as const,
      entry: "github repo:example-org/app:ref:refs/heads/main",
      role: `arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole`,
      count: 1,
      path: [
        "github repo:example-org/app:ref:refs/heads/main",
        `arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole`,
      ],
      message: `GitHub repo:example-org/app:ref:refs/heads/main is not an intended admin principal but reaches admin-equivalent access in ${a.name} (${a.id})`,
    })),
  };
}

describe("offline plan: reports at a thousand accounts", () => {
  const report = bigReport();

  it("keeps the pull-request comment within its budget, summary first, saying what it left out and linking the full report", () => {
    const url = "https://github.com/example-org/org-access/actions/runs/42";
    const comment = renderComment(report, { fullReportUrl: url });
    assert.ok(comment.length <= DEFAULT_COMMENT_BUDGET, `${comment.length} characters`);
    assert.match(comment, /^# org-access plan: `management`\n/);
    assert.match(comment, /\| Result \| ❌ not clean \|/);
    assert.match(comment, /\| Access edges \| 4000 \(3000 allowed, 1000 denied\) \|/);
    assert.match(
      comment,
      /\| Access findings \| 1000 \(1000 escalation, 0 chain-depth, 0 chain-session\) \|/,
    );
    assert.ok(comment.includes(`[plan-reports artifact](${url})`));
    assert.match(comment, /## Changes since `plan-management.json`/);
    assert.match(comment, /- Resources: 3000 changed \(3000 role\)/);
    assert.match(comment, /- Reach: \+3000 −0 entry point → role chains/);
    assert.match(comment, /_…and \d+ more changes in the full report\._/);
    // Two stacks' comments and the separators fit one GitHub comment.
    const body = `<!-- org-access-plan -->\n${comment}\n\n---\n\n${renderComment({ ...report, stack: "security" })}`;
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
  });

  it("fits any budget it is given, even one too small for the lists", () => {
    for (const budget of [2000, 5000, 65536]) {
      assert.ok(renderComment(report, { budget }).length <= budget, String(budget));
    }
  });

  it("keeps everything in the full report", () => {
    const full = renderMarkdown(report);
    assert.ok(full.length > GITHUB_COMMENT_LIMIT);
    assert.ok(full.includes("| 2999 |"), "every failed expectation is in the full report");
    assert.match(full, /### Who can reach each account/);
    assert.match(full, /<details><summary>account-0 \(100000000000\): 1 entry points, 3 reaches<\/summary>/);
  });

  it("groups the graph by OU, and collapses each OU to one node when accounts are many", () => {
    const collapsed = trustGraph(report);
    assert.ok(!collapsed.includes("acct_"), "no per-account node at 1,000 accounts");
    assert.match(collapsed, /ou_workloads\["workloads: 250 accounts"\]/);
    assert.match(
      collapsed,
      /ext_222222222222 -->\|"AuditReadRole, OrganizationAccountAccessRole, SecurityAccessRole"\| ou_workloads/,
    );
    assert.ok(collapsed.length < 2000, `${collapsed.length} characters`);
    const small = trustGraph({ ...bigReport(8), access: bigReport(8).access });
    assert.match(
      small,
      /subgraph ou_workloads_group\["OU workloads"\]\n {4}acct_100000000002\["account-2 100000000002"\]/,
    );
  });
});
