import { trustGraph } from "./mermaid";
import { AccessEdge, PlanReport } from "./types";

/**
 * Two Markdown renderings of a plan: the full report (`plan-<stack>.md`, a workflow artifact: every
 * edge, chain, expectation and resource) and the pull-request comment (`plan-<stack>.comment.md`),
 * which always fits its character budget: the summary, what failed, the changes against the
 * baseline and the findings come first, each list cut to what fits with a count of what was left
 * out and a link to the full report.
 */

/** GitHub's limit on one comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** The default budget of one stack's comment: two stacks share one comment, with room to spare. */
export const DEFAULT_COMMENT_BUDGET = 32000;

const accountNameOf = (report: PlanReport) => (id: string | undefined) =>
  report.accounts.find((a) => a.id === id)?.name ?? id ?? "";

/** `plan-<stack>.md`: the full report. */
export function renderMarkdown(report: PlanReport): string {
  const name = accountNameOf(report);
  const out: string[] = [];
  out.push(...header(report), ...summary(report));
  out.push(...changesSection(report, Infinity).lines);
  out.push(...dangerousSection(report, Infinity).lines);
  out.push(...deploySection(report, Infinity).lines);
  out.push(...failedSection(report, Infinity).lines);
  out.push(...findingsSection(report, Infinity).lines);
  out.push(...policySection(report));

  out.push("## Who can assume what", "");
  out.push("```mermaid", trustGraph(report), "```", "");
  out.push("### Access matrix", "");
  if (report.access.length === 0) out.push("No role created by this stack.", "");
  else {
    out.push(
      "| Principal | Role | Account | Action | Decision | Conditions | Reason |",
      "|---|---|---|---|---|---|---|",
    );
    for (const e of report.access) out.push(matrixRow(e, name(e.roleAccount)));
    out.push("");
  }
  out.push(...perAccountSection(report));
  if (report.expectations.length > 0) {
    out.push("### Expectations", "");
    out.push("| # | Principal | Target | Expected | Actual | |", "|---|---|---|---|---|---|");
    for (const e of report.expectations) {
      out.push(
        `| ${e.index} | ${cell(e.principal)} | ${cell(target(e))} | ${e.expected} | ${e.actual} | ${e.ok ? "✅" : "❌"} |`,
      );
    }
    out.push("");
  }

  out.push("## Resources per account", "");
  out.push("| Account | Resources | Protected | Imported | Retained on delete |", "|---|---|---|---|---|");
  const byAccount = new Map<string, typeof report.resources>();
  for (const r of report.resources.filter((x) => x.account !== undefined)) {
    byAccount.set(r.account as string, [...(byAccount.get(r.account as string) ?? []), r]);
  }
  for (const [account, list] of [...byAccount].sort()) {
    out.push(
      `| ${name(account)} \`${account}\` | ${list.length} | ${list.filter((r) => r.protect).length} | ${list.filter((r) => r.import !== undefined).length} | ${list.filter((r) => r.retainOnDelete).length} |`,
    );
  }
  out.push("");
  for (const [account, list] of [...byAccount].sort()) {
    out.push(`<details><summary>${name(account)} (${account}): ${list.length} resources</summary>`, "");
    out.push("| Type | Name | Options |", "|---|---|---|");
    for (const r of list) {
      const options = [
        r.protect ? "protect" : "",
        r.retainOnDelete ? "retainOnDelete" : "",
        r.import ? `import \`${r.import}\`` : "",
      ]
        .filter(Boolean)
        .join(", ");
      out.push(`| \`${r.type}\` | ${cell(r.name)} | ${cell(options)} |`);
    }
    out.push("", "</details>", "");
  }
  out.push("### Providers", "");
  out.push("| Provider | Account | Assumes |", "|---|---|---|");
  for (const p of report.providers)
    out.push(
      `| ${p.name} | ${name(p.accountId)} \`${p.accountId ?? ""}\` | ${p.roleArn ?? "stack credentials"} |`,
    );
  out.push("");
  return out.join("\n");
}

/**
 * `plan-<stack>.comment.md`: what the pull-request comment shows, never longer than `budget`
 * characters. Sections in order of importance; each list keeps as many rows as fit.
 */
export function renderComment(
  report: PlanReport,
  options: { budget?: number; fullReportUrl?: string } = {},
): string {
  const budget = options.budget ?? DEFAULT_COMMENT_BUDGET;
  const link =
    options.fullReportUrl === undefined
      ? `The full report (every edge, chain, expectation and resource) is \`plan-${report.stack}.md\` in the plan-reports artifact.`
      : `The full report (every edge, chain, expectation and resource) is \`plan-${report.stack}.md\` in the [plan-reports artifact](${options.fullReportUrl}).`;
  const fixed = [...header(report), ...summary(report), link, ""].join("\n");
  let remaining = budget - fixed.length - 200;
  const parts: string[] = [fixed];
  for (const section of [changesSection, dangerousSection, deploySection, failedSection, findingsSection]) {
    if (remaining <= 0) break;
    const { lines } = section(report, remaining);
    const text = lines.join("\n");
    if (text.length <= remaining) {
      parts.push(text);
      remaining -= text.length + 1;
    }
  }
  const graph = [
    "## Who can reach which account",
    "",
    "```mermaid",
    trustGraph(report, { collapseAbove: 12 }),
    "```",
    "",
  ].join("\n");
  if (graph.length <= remaining) parts.push(graph);
  else parts.push("_The trust graph does not fit this comment: see the full report._", "");
  const text = parts.join("\n");
  // A last guard: whatever the sections did, the comment is never longer than its budget.
  return text.length <= budget
    ? text
    : `${text.slice(0, budget - 80)}\n\n_(cut to fit one comment; see the full report)_\n`;
}

function header(report: PlanReport): string[] {
  return [
    `# org-access plan: \`${report.stack}\``,
    "",
    `Offline plan of the \`${report.stack}\` stack (organization \`${report.organizationId}\`): the program ran under Pulumi's mocked runtime, ${report.policyPack.ran ? "the policy pack through the analyzer protocol, " : ""}and every trust relationship and expected action through an IAM policy simulator. Nothing was deployed.`,
    "",
  ];
}

function summary(report: PlanReport): string[] {
  const failed = report.expectations.filter((e) => !e.ok);
  const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory");
  const allowed = report.access.filter((e) => e.decision === "allowed").length;
  const findings = report.accessFindings ?? [];
  const clean =
    report.result === undefined ? failed.length === 0 && mandatory.length === 0 : report.result === "pass";
  const out = ["## Summary", "", "| | |", "|---|---|"];
  out.push(`| Result | ${clean ? "✅ clean" : "❌ not clean"} |`);
  out.push(
    `| Resources | ${report.resources.length} (${report.resources.filter((r) => r.account !== undefined).length} AWS resources) |`,
  );
  out.push(
    `| Providers | ${report.providerLoad.count} explicit AWS providers, ~${report.providerLoad.estimatedMemoryMb} MB estimated for a real \`pulumi up\` (threshold ${report.providerLoad.threshold}) |`,
  );
  out.push(
    `| Policy findings | ${report.policyPack.ran ? `${report.findings.length} (${mandatory.length} mandatory)` : `not run: ${report.policyPack.note ?? ""}`} |`,
  );
  out.push(
    `| Access edges | ${report.access.length} (${allowed} allowed, ${report.access.length - allowed} denied) |`,
  );
  if (report.chains !== undefined) {
    const deepest = report.chains.reduce((d, c) => Math.max(d, c.depth), 0);
    out.push(`| Chains | ${report.chains.length} entry point → role reaches, deepest ${deepest} |`);
  }
  out.push(
    `| Access findings | ${findings.length} (${["escalation", "chain-depth", "chain-session"].map((k) => `${findings.filter((f) => f.kind === k).length} ${k}`).join(", ")}) |`,
  );
  out.push(
    `| Expectations | ${report.expectations.length - failed.length} of ${report.expectations.length} hold |`,
  );
  if (report.deploy !== undefined) {
    const failures = report.deploy.findings.length;
    out.push(
      `| First deploy | ${report.deploy.order.map((s) => `\`${s}\``).join(" → ")}: ${failures === 0 ? "nothing would fail" : `${failures} would fail`} |`,
    );
  }
  if (report.dangerousChanges !== undefined)
    out.push(`| Dangerous changes | ${report.dangerousChanges.length} |`);
  if (report.uncheckedSecrets !== undefined) {
    out.push(
      `| Encrypted config | ${report.uncheckedSecrets.length} value${report.uncheckedSecrets.length === 1 ? "" : "s"} not checked: the offline plan cannot decrypt ${report.uncheckedSecrets.map((p) => `\`${p}\``).join(", ")}; \`pulumi preview\` checks them |`,
    );
  }
  out.push("");
  if (report.providerLoad.warning !== undefined) out.push(`> ⚠️ ${report.providerLoad.warning}`, "");
  return out;
}

/** A table that keeps as many rows as fit in `budget` characters, and says how many it left out. */
function table(
  title: string[],
  head: string[],
  rows: string[],
  budget: number,
  what: string,
): { lines: string[] } {
  const lines = [...title, ...head];
  let used = lines.join("\n").length;
  let kept = 0;
  for (const row of rows) {
    if (used + row.length + 1 > budget - 120) break;
    lines.push(row);
    used += row.length + 1;
    kept++;
  }
  if (kept < rows.length) lines.push("", `_…and ${rows.length - kept} more ${what} in the full report._`);
  lines.push("");
  return { lines };
}

/** Replacements and deletions since the baseline that would remove access or protected resources. */
function dangerousSection(report: PlanReport, budget: number): { lines: string[] } {
  const changes = report.dangerousChanges;
  if (changes === undefined) return { lines: [] };
  const title = [`## Dangerous changes since \`${report.accessDiff?.baseline ?? "the baseline"}\``, ""];
  if (changes.length === 0) {
    return {
      lines: [
        ...title,
        "No StackSet instance, protected or retained resource, or organization access role is replaced or deleted.",
        "",
      ],
    };
  }
  const rows = changes.map(
    (c) =>
      `| ❌ ${c.change}${c.inputs ? ` (${c.inputs.join(", ")})` : ""} | \`${c.type.split(":").pop() ?? c.type}\` ${cell(c.name)} | ${c.why.join(", ")} | ${cell(c.removes)} | ${cell(c.procedure)} |`,
  );
  return table(
    title,
    ["| Change | Resource | Why | Removes | Safe procedure |", "|---|---|---|---|---|"],
    rows,
    budget,
    "dangerous changes",
  );
}

/** The first-deploy rehearsal: the stacks' order, what would fail, and (full report) what must exist before. */
function deploySection(report: PlanReport, budget: number): { lines: string[] } {
  const deploy = report.deploy;
  if (deploy === undefined) return { lines: [] };
  const title = [
    "## First deploy rehearsal",
    "",
    `Deploy order from an empty organization${deploy.baseline ? `, and the update from \`${deploy.baseline}\`` : ""}: trust principals, permissions boundaries and attached policies must exist when a role is created, a provider whose inputs are known is configured (its role assumed) during the preview, and a delegated-admin StackSet needs its registration.`,
    "",
    "| Step | Stack | After | Resources | Would fail |",
    "|---|---|---|---|---|",
    ...deploy.steps.map(
      (s) =>
        `| ${s.index} | \`${s.stack}\` | ${s.after.join(", ") || "-"} | ${s.resources} | ${s.failures} |`,
    ),
    "",
    ...(deploy.cycle === undefined
      ? []
      : [`> ❌ Stacks ${deploy.cycle.join(" and ")} need each other: no order works.`, ""]),
  ];
  const prerequisites =
    budget !== Infinity || deploy.prerequisites.length === 0
      ? []
      : [
          "<details><summary>Must exist before the first run (no stack creates it)</summary>",
          "",
          "| Needs | Rule | Needed by |",
          "|---|---|---|",
          ...deploy.prerequisites.map((p) => `| ${cell(p.needs)} | ${p.rule} | ${p.neededBy.join(", ")} |`),
          "",
          "</details>",
          "",
        ];
  if (deploy.findings.length === 0) {
    return { lines: [...title, "Nothing in this stack would fail.", "", ...prerequisites] };
  }
  const rows = deploy.findings.map(
    (f) =>
      `| ${f.scenario} | ${f.rule} | ${cell(f.name ?? "(stacks)")} | ${cell(f.needs)} | ${cell(f.message)} |`,
  );
  const { lines } = table(
    title,
    ["| Scenario | Rule | Resource | Needs | Why |", "|---|---|---|---|---|"],
    rows,
    budget,
    "resources that would fail",
  );
  return { lines: [...lines, ...prerequisites] };
}

function changesSection(report: PlanReport, budget: number): { lines: string[] } {
  const d = report.accessDiff;
  if (d === undefined) return { lines: [] };
  const c = report.changes;
  const title = [`## Changes since \`${d.baseline}\``, ""];
  const counts: string[] = [];
  if (c !== undefined) {
    const kinds = [
      "permission set",
      "assignment",
      "policy",
      "boundary",
      "organizations policy",
      "trust",
      "role",
      "other",
    ];
    const byKind = kinds
      .map((k) => [k, c.resources.filter((r) => r.kind === k)] as const)
      .filter(([, list]) => list.length > 0)
      .map(([k, list]) => `${list.length} ${k}`);
    counts.push(
      `- Resources: ${c.resources.length === 0 ? "no change" : `${c.resources.length} changed (${byKind.join(", ")})`}`,
      `- Reach: +${c.reach.added.length} −${c.reach.removed.length} entry point → role chains`,
      `- What principals can do: ${c.expectations.length} expectation outcome${c.expectations.length === 1 ? "" : "s"} changed`,
    );
  }
  counts.push(`- Access edges: +${d.added.length} −${d.removed.length} ~${d.changed.length}`, "");
  const rows: string[] = [];
  for (const e of c?.expectations ?? [])
    rows.push(`| 🎯 outcome | ${cell(e.principal)} | ${cell(e.target)} | ${e.before} → ${e.after} |`);
  for (const e of d.added) rows.push(`| ➕ edge | ${cell(label(e))} | ${cell(e.role)} | ${e.decision} |`);
  for (const e of d.removed) rows.push(`| ➖ edge | ${cell(label(e))} | ${cell(e.role)} | ${e.decision} |`);
  for (const e of d.changed)
    rows.push(`| 🔁 edge | ${cell(label(e))} | ${cell(e.role)} | ${e.before} → ${e.decision} |`);
  for (const r of c?.resources ?? [])
    rows.push(
      `| ${r.change} ${r.kind} | \`${r.type}\` | ${cell(r.urn.split("::").pop() ?? r.urn)} | ${r.account ?? ""} |`,
    );
  for (const ch of c?.reach.added ?? [])
    rows.push(`| ➕ reach | ${cell(ch.entryName ?? ch.entry)} | ${cell(ch.role)} | depth ${ch.depth} |`);
  for (const ch of c?.reach.removed ?? [])
    rows.push(`| ➖ reach | ${cell(ch.entryName ?? ch.entry)} | ${cell(ch.role)} | depth ${ch.depth} |`);
  if (rows.length === 0) return { lines: [...title, ...counts, "Nothing changed.", ""] };
  return table(
    [...title, ...counts],
    ["| Change | Who / type | What | Decision / where |", "|---|---|---|---|"],
    rows,
    budget,
    "changes",
  );
}

function failedSection(report: PlanReport, budget: number): { lines: string[] } {
  const failed = report.expectations.filter((e) => !e.ok);
  const title = ["## Failed expectations", ""];
  if (failed.length === 0)
    return { lines: [...title, `All ${report.expectations.length} expectations hold.`, ""] };
  const rows = failed.map(
    (e) =>
      `| ${e.index} | ${cell(e.principal)} | ${cell(target(e))} | ${e.expected} | ${e.actual} | ${cell(e.why ?? "")} | ${cell(e.reason)} |`,
  );
  return table(
    title,
    ["| # | Principal | Target | Expected | Actual | Why | Reason |", "|---|---|---|---|---|---|---|"],
    rows,
    budget,
    "failed expectations",
  );
}

function findingsSection(report: PlanReport, budget: number): { lines: string[] } {
  const findings = report.accessFindings ?? [];
  const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory");
  const title = ["## Access findings", ""];
  const order = { escalation: 0, "chain-session": 1, "chain-depth": 2 } as const;
  const rows = [
    ...mandatory.map((f) => `| ⛔ policy ${f.policy} | ${cell(shortUrn(f.urn))} | ${cell(f.message)} |`),
    ...[...findings]
      .sort((a, b) => order[a.kind] - order[b.kind])
      .map((f) => `| ${f.kind} | ${cell(f.entry)} | ${cell(f.message)} |`),
  ];
  if (rows.length === 0)
    return {
      lines: [
        ...title,
        "No escalation path, over-deep chain or chained-session problem, and no mandatory policy finding.",
        "",
      ],
    };
  return table(title, ["| Kind | Who | Finding |", "|---|---|---|"], rows, budget, "findings");
}

function policySection(report: PlanReport): string[] {
  const out = ["## Policy findings", ""];
  if (!report.policyPack.ran) out.push(`The policy pack did not run: ${report.policyPack.note ?? ""}`, "");
  else if (report.findings.length === 0) out.push("The policy pack reports no violations.", "");
  else {
    out.push("| Policy | Level | Resource | Message |", "|---|---|---|---|");
    for (const f of report.findings)
      out.push(`| ${f.policy} | ${f.enforcementLevel} | ${cell(shortUrn(f.urn))} | ${cell(f.message)} |`);
    out.push("");
  }
  return out;
}

/** Per account: who can reach it, as which role, through which path. */
function perAccountSection(report: PlanReport): string[] {
  if (report.chains === undefined) return [];
  const name = accountNameOf(report);
  const out = ["### Who can reach each account", ""];
  const byAccount = new Map<string, typeof report.chains>();
  for (const c of report.chains) byAccount.set(c.roleAccount, [...(byAccount.get(c.roleAccount) ?? []), c]);
  for (const [account, chains] of [...byAccount].sort()) {
    const entries = new Set(chains.map((c) => c.entry)).size;
    out.push(
      `<details><summary>${name(account)} (${account}): ${entries} entry points, ${chains.length} reaches</summary>`,
      "",
    );
    out.push("| Who | As | Depth | Path |", "|---|---|---|---|");
    for (const c of [...chains].sort((a, b) => a.depth - b.depth || a.entry.localeCompare(b.entry))) {
      out.push(
        `| ${cell(c.entryName ?? c.entry)} | ${cell(c.role.split("/").pop() ?? c.role)} | ${c.depth} | ${cell(
          c.path
            .slice(1)
            .map((p) => p.split("/").pop())
            .join(" → "),
        )} |`,
      );
    }
    out.push("", "</details>", "");
  }
  return out;
}

function label(e: AccessEdge): string {
  return `${e.principalName ?? e.principal}${e.variant ? ` (${e.variant})` : ""}`;
}

function target(e: PlanReport["expectations"][number]): string {
  return e.action === undefined ? e.role : `${e.action} on ${e.role}`;
}

function matrixRow(e: AccessEdge, accountName: string): string {
  const decision = e.decision === "allowed" ? "✅ allowed" : "⛔ denied";
  const conditions = (e.conditions ?? []).map((c) => c.text).join("; ");
  return `| ${cell(label(e))} | ${cell(e.role.split("/").pop() ?? e.role)} | ${accountName} \`${e.roleAccount}\` | ${e.action} | ${decision} | ${cell(conditions)} | ${cell(e.reason)} |`;
}

function shortUrn(urn: string | undefined): string {
  return urn === undefined ? "(stack)" : (urn.split("::").pop() ?? urn);
}

/** Table cells: no pipes or newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
