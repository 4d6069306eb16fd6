import { trustGraph } from "./mermaid";
import { AccessEdge, PlanReport } from "./types";

/** `plan-<stack>.md`: what a reviewer reads on a pull request. */
export function renderMarkdown(report: PlanReport): string {
  const name = (id: string | undefined) => report.accounts.find((a) => a.id === id)?.name ?? id ?? "";
  const failed = report.expectations.filter((e) => !e.ok);
  const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory");
  const allowed = report.access.filter((e) => e.decision === "allowed").length;
  const out: string[] = [];
  out.push(`# org-access plan: \`${report.stack}\``, "");
  out.push(
    `Offline plan of the \`${report.stack}\` stack (organization \`${report.organizationId}\`): the program ran under Pulumi's mocked runtime, ${report.policyPack.ran ? "the policy pack through the analyzer protocol, " : ""}and every trust relationship through an IAM policy simulator. Nothing was deployed.`,
    "",
  );
  out.push("## Summary", "");
  out.push("| | |", "|---|---|");
  out.push(`| Result | ${failed.length === 0 && mandatory.length === 0 ? "✅ clean" : "❌ not clean"} |`);
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
  out.push(
    `| Expectations | ${report.expectations.length - failed.length} of ${report.expectations.length} hold |`,
  );
  if (report.uncheckedSecrets !== undefined) {
    out.push(
      `| Encrypted config | ${report.uncheckedSecrets.length} value${report.uncheckedSecrets.length === 1 ? "" : "s"} not checked: the offline plan cannot decrypt ${report.uncheckedSecrets.map((p) => `\`${p}\``).join(", ")}; \`pulumi preview\` checks them |`,
    );
  }
  out.push("");
  if (report.providerLoad.warning !== undefined) out.push(`> ⚠️ ${report.providerLoad.warning}`, "");

  if (report.accessDiff !== undefined) {
    const d = report.accessDiff;
    out.push(`## Access changes since \`${d.baseline}\``, "");
    if (d.added.length + d.removed.length + d.changed.length === 0)
      out.push("No access edge added, removed or changed.", "");
    else {
      out.push("| Change | Principal | Role | Decision |", "|---|---|---|---|");
      for (const e of d.added)
        out.push(`| ➕ added | ${cell(e.principal)} | ${cell(e.role)} | ${e.decision} |`);
      for (const e of d.removed)
        out.push(`| ➖ removed | ${cell(e.principal)} | ${cell(e.role)} | ${e.decision} |`);
      for (const e of d.changed)
        out.push(`| 🔁 changed | ${cell(e.principal)} | ${cell(e.role)} | ${e.before} → ${e.decision} |`);
      out.push("");
    }
  }

  out.push("## Failed expectations", "");
  if (failed.length === 0) out.push(`All ${report.expectations.length} access expectations hold.`, "");
  else {
    out.push("| # | Principal | Role | Expected | Actual | Why | Reason |", "|---|---|---|---|---|---|---|");
    for (const e of failed) {
      out.push(
        `| ${e.index} | ${cell(e.principal)} | ${cell(e.role)} | ${e.expected} | ${e.actual} | ${cell(e.why ?? "")} | ${cell(e.reason)} |`,
      );
    }
    out.push("");
  }

  out.push("## Policy findings", "");
  if (!report.policyPack.ran) out.push(`The policy pack did not run: ${report.policyPack.note ?? ""}`, "");
  else if (report.findings.length === 0) out.push("The policy pack reports no violations.", "");
  else {
    out.push("| Policy | Level | Resource | Message |", "|---|---|---|---|");
    for (const f of report.findings)
      out.push(`| ${f.policy} | ${f.enforcementLevel} | ${cell(shortUrn(f.urn))} | ${cell(f.message)} |`);
    out.push("");
  }

  out.push("## Who can assume what", "");
  out.push("```mermaid", trustGraph(report), "```", "");
  out.push("### Access matrix", "");
  if (report.access.length === 0) out.push("No role created by this stack.", "");
  else {
    out.push("| Principal | Role | Account | Action | Decision | Reason |", "|---|---|---|---|---|---|");
    for (const e of report.access) out.push(matrixRow(e, name(e.roleAccount)));
    out.push("");
  }
  if (report.expectations.length > 0) {
    out.push("### Expectations", "");
    out.push("| # | Principal | Role | Expected | Actual | |", "|---|---|---|---|---|---|");
    for (const e of report.expectations) {
      out.push(
        `| ${e.index} | ${cell(e.principal)} | ${cell(e.role)} | ${e.expected} | ${e.actual} | ${e.ok ? "✅" : "❌"} |`,
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

function matrixRow(e: AccessEdge, accountName: string): string {
  const decision = e.decision === "allowed" ? "✅ allowed" : "⛔ denied";
  return `| ${cell(e.principal)} | ${cell(e.role.split("/").pop() ?? e.role)} | ${accountName} \`${e.roleAccount}\` | ${e.action} | ${decision} | ${cell(e.reason)} |`;
}

function shortUrn(urn: string | undefined): string {
  return urn === undefined ? "(stack)" : (urn.split("::").pop() ?? urn);
}

/** Table cells: no pipes or newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
