import { AssumptionRow, ChainHop, SessionSummary, TrailReport } from "./report";

/** The trail report as a terminal table, Markdown (for a pull request or a ticket) and JSON. */

export function renderJson(report: TrailReport): string {
  return JSON.stringify(report, null, 2);
}

function chainText(chain: ChainHop[]): string {
  return chain
    .map((h) => {
      if (h.via === "origin") return h.principal;
      const name = h.principal.replace(/^arn:aws[a-z-]*:iam::(\d{12}):role\/(.+)$/, "$2@$1");
      const extra = [
        h.sessionName && `session ${h.sessionName}`,
        h.sourceIdentity && `source ${h.sourceIdentity}`,
      ]
        .filter(Boolean)
        .join(", ");
      return extra.length === 0 ? name : `${name} (${extra})`;
    })
    .join(" → ");
}

function verdictText(row: AssumptionRow): string {
  if (row.verdict === undefined) return row.errorCode === undefined ? "" : `failed: ${row.errorCode}`;
  const mark =
    row.verdict.status === "expected"
      ? "✓ expected"
      : row.verdict.status === "unexpected"
        ? "✗ UNEXPECTED"
        : "? not in plan";
  return row.errorCode === undefined ? mark : `${mark} (failed: ${row.errorCode})`;
}

function writesText(session: SessionSummary | undefined): string {
  if (session === undefined) return "no calls in the input";
  const writes = session.writes.length + session.omittedWrites;
  const out = session.writes.filter((w) => w.outOfScope).length;
  return `${session.calls} call${session.calls === 1 ? "" : "s"}, ${writes} write${writes === 1 ? "" : "s"}${out > 0 ? `, ${out} OUT OF SCOPE` : ""}`;
}

function status(report: TrailReport): string[] {
  const lines: string[] = [];
  const broken = report.files.filter((f) => !f.complete);
  lines.push(
    `${report.records} records from ${report.files.length} file${report.files.length === 1 ? "" : "s"}` +
      (report.recordsFrom ? ` (${report.recordsFrom} to ${report.recordsTo})` : "") +
      `; ${report.complete ? "complete" : `INCOMPLETE: ${broken.length} file${broken.length === 1 ? "" : "s"} with problems`}`,
  );
  for (const f of broken) {
    if (f.error !== undefined) lines.push(`  ✗ ${f.file} ${f.error}`);
    for (const [reason, n] of Object.entries(f.skipped)) {
      lines.push(`  ✗ ${f.file}: ${n} element${n === 1 ? "" : "s"} skipped: ${reason}`);
    }
  }
  return lines;
}

function windowText(report: TrailReport): string {
  const { from, to } = report.window;
  if (from === undefined && to === undefined) return "any time";
  return `${from ?? "the first record"} to ${to ?? "the last record"}`;
}

export function renderTable(report: TrailReport): string {
  const lines: string[] = [];
  lines.push(`org-access trail: ${report.selection}, ${windowText(report)}`);
  lines.push(...status(report));
  if (report.plans.length > 0) lines.push(`plans: ${report.plans.join(", ")}`);
  lines.push("");
  if (report.assumptions.length === 0) {
    lines.push(`No assumption of ${report.selection} in ${windowText(report)}.`);
  } else {
    const header = ["time", "role", "chain (origin → … → role)", "verdict", "session"];
    const rows = report.assumptions.map((r) => [
      r.time,
      `${r.roleName}@${r.roleAccount}`,
      chainText(r.chain),
      verdictText(r),
      writesText(r.session),
    ]);
    lines.push(...table(header, rows));
  }
  for (const r of report.assumptions) {
    const details = detailLines(r);
    if (details.length > 0)
      lines.push("", `${r.time} ${r.roleName}@${r.roleAccount}:`, ...details.map((d) => `  ${d}`));
  }
  if (report.sessionsWithoutAssumption.length > 0) {
    lines.push("", "Sessions whose assumption is not in the input:");
    for (const s of report.sessionsWithoutAssumption) {
      lines.push(`  ${s.sessionArn} (${s.first} to ${s.last}): ${writesText(s)}`);
      lines.push(...sessionLines(s).map((l) => `    ${l}`));
    }
  }
  lines.push("", summaryLine(report));
  return lines.join("\n");
}

function detailLines(r: AssumptionRow): string[] {
  const out: string[] = [];
  if (r.verdict !== undefined) out.push(`${r.verdict.status}: ${r.verdict.reason}`);
  if (r.identityCenterUser !== undefined) out.push(`Identity Center user: ${r.identityCenterUser}`);
  if (r.webIdentitySubject !== undefined) out.push(`web identity subject: ${r.webIdentitySubject}`);
  if (r.errorCode !== undefined)
    out.push(`failed: ${r.errorCode}${r.errorMessage ? ` (${r.errorMessage})` : ""}`);
  if (r.session !== undefined) out.push(...sessionLines(r.session));
  return out;
}

function sessionLines(s: SessionSummary): string[] {
  const out: string[] = [];
  out.push(
    `calls by service: ${Object.entries(s.byService)
      .map(([svc, n]) => `${svc} ${n}`)
      .join(", ")}`,
  );
  out.push(
    `calls by action: ${s.actions
      .map((a) => `${a.action} ${a.count}${a.errors > 0 ? ` (${a.errors} failed)` : ""}`)
      .join(", ")}`,
  );
  for (const w of s.writes) {
    out.push(
      `${w.outOfScope ? "✗ OUT OF SCOPE" : "write"} ${w.time} ${w.action}${w.region ? ` ${w.region}` : ""}${w.errorCode ? ` failed: ${w.errorCode}` : ""}`,
    );
  }
  if (s.omittedWrites > 0) out.push(`… and ${s.omittedWrites} more write calls`);
  return out;
}

function summaryLine(report: TrailReport): string {
  const parts = [`${report.assumptions.length} assumption${report.assumptions.length === 1 ? "" : "s"}`];
  if (report.plans.length > 0) {
    parts.push(
      `${report.unexpected} unexpected`,
      `${report.outOfScopeWrites} write${report.outOfScopeWrites === 1 ? "" : "s"} out of scope`,
    );
  }
  parts.push(report.complete ? "answer complete" : "answer INCOMPLETE (see the files above)");
  return parts.join(", ");
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.min(90, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

const md = (text: string) => text.replace(/\|/g, "\\|");

export function renderMarkdown(report: TrailReport): string {
  const lines: string[] = [];
  lines.push(`### Who assumed ${report.selection} (${windowText(report)})`, "");
  lines.push(...status(report).map((l) => (l.startsWith("  ") ? `- ${l.trim()}` : l)), "");
  if (report.plans.length > 0)
    lines.push(`Judged against ${report.plans.map((p) => `\`${p}\``).join(", ")}.`, "");
  if (report.assumptions.length === 0) {
    lines.push(`No assumption of ${report.selection} in ${windowText(report)}.`, "");
  } else {
    lines.push("| time | role | chain (origin → … → role) | source identity | verdict | session |");
    lines.push("| --- | --- | --- | --- | --- | --- |");
    for (const r of report.assumptions) {
      lines.push(
        `| ${r.time} | \`${r.roleName}\` in ${r.roleAccount} | ${md(chainText(r.chain))} | ${r.sourceIdentity ?? ""} | ${md(verdictText(r))} | ${writesText(r.session)} |`,
      );
    }
    lines.push("");
    for (const r of report.assumptions) {
      const details = detailLines(r);
      if (details.length === 0) continue;
      lines.push(`<details><summary>${r.time} ${r.roleName} in ${r.roleAccount}</summary>`, "");
      lines.push(...details.map((d) => `- ${md(d)}`), "", "</details>", "");
    }
  }
  if (report.sessionsWithoutAssumption.length > 0) {
    lines.push("Sessions whose assumption is not in the input:", "");
    for (const s of report.sessionsWithoutAssumption) {
      lines.push(`- \`${s.sessionArn}\` (${s.first} to ${s.last}): ${writesText(s)}`);
      lines.push(...sessionLines(s).map((l) => `  - ${md(l)}`));
    }
    lines.push("");
  }
  lines.push(`**${summaryLine(report)}**`);
  return lines.join("\n");
}
