import * as path from "path";
import type { Io } from "../plan";
import { PlanOutcome } from "./run";

/** The short table `npm run plan` prints; the full story is in the Markdown report. */
export function printSummary(outcome: PlanOutcome, io: Io): void {
  const report = outcome.report;
  if (report === undefined) return;
  const allowed = report.access.filter((e) => e.decision === "allowed").length;
  const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory").length;
  const failed = report.expectations.filter((e) => !e.ok).length;
  const rows: [string, string, string][] = [
    [
      "resources",
      String(report.resources.length),
      `${report.resources.filter((r) => r.account !== undefined).length} AWS resources`,
    ],
    [
      "providers",
      String(report.providerLoad.count),
      `~${report.providerLoad.estimatedMemoryMb} MB estimated for pulumi up${report.providerLoad.warning ? " (above threshold)" : ""}`,
    ],
    [
      "policy findings",
      report.policyPack.ran ? String(report.findings.length) : "-",
      report.policyPack.ran ? `${mandatory} mandatory` : `not run: ${report.policyPack.note ?? ""}`,
    ],
    [
      "access edges",
      String(report.access.length),
      `${allowed} allowed, ${report.access.length - allowed} denied`,
    ],
    ["expectations", String(report.expectations.length), failed === 0 ? "all hold" : `${failed} failed`],
  ];
  if (report.chains !== undefined) {
    const deepest = report.chains.reduce((d, c) => Math.max(d, c.depth), 0);
    const findings = report.accessFindings ?? [];
    const escalations = findings.filter((f) => f.kind === "escalation").length;
    rows.splice(
      4,
      0,
      ["chains", String(report.chains.length), `deepest ${deepest}`],
      [
        "access findings",
        String(findings.length),
        `${escalations} escalation, ${findings.length - escalations} chain`,
      ],
    );
  }
  if (report.uncheckedSecrets !== undefined) {
    rows.push([
      "unchecked secrets",
      String(report.uncheckedSecrets.length),
      "encrypted values the offline plan cannot decrypt; pulumi preview checks them",
    ]);
  }
  if (report.accessDiff !== undefined) {
    const d = report.accessDiff;
    rows.push([
      "access changes",
      String(d.added.length + d.removed.length + d.changed.length),
      `+${d.added.length} -${d.removed.length} ~${d.changed.length} since ${d.baseline}`,
    ]);
  }
  if (report.deploy !== undefined) {
    const f = report.deploy.findings.length;
    rows.push([
      "first deploy",
      String(f),
      `${report.deploy.order.join(" -> ")}${f === 0 ? ", nothing would fail" : " (see the report)"}`,
    ]);
  }
  if (report.dangerousChanges !== undefined) {
    rows.push([
      "dangerous changes",
      String(report.dangerousChanges.length),
      `since ${report.accessDiff?.baseline ?? "the baseline"}`,
    ]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  io.out(`org-access plan: ${report.stack} — ${outcome.exitCode === 0 ? "clean" : "NOT CLEAN"}`);
  for (const [a, b, c] of rows) io.out(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  if (report.providerLoad.warning !== undefined) io.out(`  ⚠ ${report.providerLoad.warning}`);
  io.out(`  report: ${outcome.files.map((f) => path.relative(process.cwd(), f) || f).join(", ")}`);
}
