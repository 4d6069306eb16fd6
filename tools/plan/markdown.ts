import { trustGraph } from "./mermaid";
import { AccessEdge, DeployReport, DangerousChange, PlanReport } from "./types";

/** `plan-<stack>.md`: what a reviewer reads on a pull request. */
export function renderMarkdown(report: PlanReport): string {
  const name = (id: string | undefined) => report.accounts.find((a) => a.id === id)?.name ?? id ?? "";
  const failed = report.expectations.filter((e) => !e.ok);
  const mandatory = report.findings.filter((f) => f.enforcementLevel === "mandatory");
  const allowed = report.access.filter((e) => e.decision === "allowed").length;
  const dangerous = report.dangerousChanges ?? [];
  const deployFailures = report.deploy?.findings.length ?? 0;
  const clean =
    failed.length === 0 && mandatory.length === 0 && dangerous.length === 0 && deployFailures === 0;
  const out: string[] = [];
  out.push(`# org-access plan: \`${report.stack}\``, "");
  out.push(
    `Offline plan of the \`${report.stack}\` stack (organization \`${report.organizationId}\`): the program ran under Pulumi's mocked runtime, ${report.policyPack.ran ? "the policy pack through the analyzer protocol, " : ""}and every trust relationship through an IAM policy simulator. Nothing was deployed.`,
    "",
  );
  out.push("## Summary", "");
  out.push("| | |", "|---|---|");
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
  out.push(
    `| Expectations | ${report.expectations.length - failed.length} of ${report.expectations.length} hold |`,
  );
  if (report.deploy !== undefined) {
    out.push(
      `| First deploy | ${report.deploy.order.map((s) => `\`${s}\``).join(" → ")}: ${report.deploy.findings.length === 0 ? "nothing would fail" : `${report.deploy.findings.length} would fail`} |`,
    );
  }
  if (report.dangerousChanges !== undefined) out.push(`| Dangerous changes | ${dangerous.length} |`);
  out.push("");
  if (report.providerLoad.warning !== undefined) out.push(`> ⚠️ ${report.providerLoad.warning}`, "");
  if (report.dangerousChanges !== undefined)
    out.push(...dangerousSection(report.dangerousChanges, report.accessDiff?.baseline));
  if (report.deploy !== undefined) out.push(...deploySection(report.deploy));

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

/** Replacements and deletions since the baseline that would remove access or protected resources. */
function dangerousSection(changes: readonly DangerousChange[], baseline: string | undefined): string[] {
  const out = [`## Dangerous changes since \`${baseline ?? "the baseline"}\``, ""];
  if (changes.length === 0) {
    out.push(
      "No StackSet instance, protected or retained resource, or organization access role is replaced or deleted.",
      "",
    );
    return out;
  }
  out.push("| Change | Resource | Why | Removes | Safe procedure |", "|---|---|---|---|---|");
  for (const c of changes) {
    out.push(
      `| ❌ ${c.change}${c.inputs ? ` (${c.inputs.join(", ")})` : ""} | \`${c.type.split(":").pop() ?? c.type}\` ${cell(c.name)} | ${c.why.join(", ")} | ${cell(c.removes)} | ${cell(c.procedure)} |`,
    );
  }
  out.push("");
  return out;
}

/** The first-run rehearsal: the stacks' order, what would fail, and what must exist before. */
function deploySection(deploy: DeployReport): string[] {
  const out = ["## First deploy rehearsal", ""];
  out.push(
    `Deploy order from an empty organization${deploy.baseline ? `, and the update from \`${deploy.baseline}\`` : ""}: trust principals, permissions boundaries and attached policies must exist when a role is created, a provider whose inputs are known is configured (its role assumed) during the preview, and a delegated-admin StackSet needs its registration.`,
    "",
  );
  out.push("| Step | Stack | After | Resources | Would fail |", "|---|---|---|---|---|");
  for (const s of deploy.steps) {
    out.push(
      `| ${s.index} | \`${s.stack}\` | ${s.after.join(", ") || "-"} | ${s.resources} | ${s.failures} |`,
    );
  }
  out.push("");
  if (deploy.cycle !== undefined)
    out.push(`> ❌ Stacks ${deploy.cycle.join(" and ")} need each other: no order works.`, "");
  if (deploy.findings.length === 0) out.push("Nothing in this stack would fail.", "");
  else {
    out.push("| Scenario | Rule | Resource | Needs | Why |", "|---|---|---|---|---|");
    for (const f of deploy.findings) {
      out.push(
        `| ${f.scenario} | ${f.rule} | ${cell(f.name ?? "(stacks)")} | ${cell(f.needs)} | ${cell(f.message)} |`,
      );
    }
    out.push("");
  }
  if (deploy.prerequisites.length > 0) {
    out.push("<details><summary>Must exist before the first run (no stack creates it)</summary>", "");
    out.push("| Needs | Rule | Needed by |", "|---|---|---|");
    for (const p of deploy.prerequisites)
      out.push(`| ${cell(p.needs)} | ${p.rule} | ${p.neededBy.join(", ")} |`);
    out.push("", "</details>", "");
  }
  return out;
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
