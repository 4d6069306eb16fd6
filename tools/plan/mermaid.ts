import { AccessEdge, PlanReport } from "./types";

/**
 * Who can reach which account as a Mermaid flowchart (GitHub renders it in Markdown): accounts
 * grouped in one subgraph per organizational unit, outside callers (GitHub subjects, vendors by name,
 * Identity Center groups, services, anyone outside the organization) as their own nodes, one arrow per
 * pair with the roles it reaches. Only allowed edges are drawn (no variants, no escalation). Above
 * `collapseAbove` accounts each OU becomes one node, so the graph stays readable (and small) at a
 * thousand accounts.
 */
export function trustGraph(
  report: Pick<PlanReport, "access" | "accounts">,
  options: { collapseAbove?: number; maxRoleNames?: number } = {},
): string {
  const collapseAbove = options.collapseAbove ?? 30;
  const maxRoleNames = options.maxRoleNames ?? 4;
  const collapse = report.accounts.length > collapseAbove;
  const accounts = new Map(report.accounts.map((a) => [a.id, a]));
  const nodes = new Map<string, { label: string; group?: string }>();
  const arrows = new Map<string, Set<string>>();
  const node = (id: string, label: string, group?: string) => {
    nodes.set(id, { label, group });
    return id;
  };
  const accountNode = (id: string | undefined): string => {
    const account = id === undefined ? undefined : accounts.get(id);
    if (account === undefined) return node(`ext_${id ?? "unknown"}`, `external ${id ?? "account"}`);
    if (collapse) {
      const count = report.accounts.filter((a) => a.ou === account.ou).length;
      return node(`ou_${safe(account.ou)}`, `${account.ou}: ${count} account${count === 1 ? "" : "s"}`);
    }
    return node(`acct_${id}`, `${account.name} ${id}`, account.ou);
  };
  for (const edge of report.access) {
    if (edge.decision !== "allowed" || edge.variant !== undefined || edge.via === "escalation") continue;
    const from = sourceNode(edge, accountNode, node);
    const to = accountNode(edge.roleAccount);
    const roleName = (edge.role.split("/").pop() ?? edge.role).replace(
      /^(AWSReservedSSO_.+)_[0-9a-f]{16}$/,
      "$1",
    );
    const k = `${from}|${to}`;
    arrows.set(k, (arrows.get(k) ?? new Set()).add(roleName));
  }
  const lines = ["flowchart LR"];
  const groups = new Map<string, string[]>();
  for (const [id, n] of [...nodes].sort()) {
    const line = `  ${id}["${escape(n.label)}"]`;
    if (n.group === undefined) lines.push(line);
    else groups.set(n.group, [...(groups.get(n.group) ?? []), line]);
  }
  for (const [group, members] of [...groups].sort()) {
    lines.push(
      `  subgraph ou_${safe(group)}_group["OU ${escape(group)}"]`,
      ...members.map((m) => `  ${m}`),
      "  end",
    );
  }
  for (const [k, roles] of [...arrows].sort()) {
    const [from, to] = k.split("|");
    const names = [...roles].sort();
    const label =
      names.length > maxRoleNames
        ? `${names.slice(0, maxRoleNames).join(", ")} +${names.length - maxRoleNames}`
        : names.join(", ");
    lines.push(`  ${from} -->|"${escape(label)}"| ${to}`);
  }
  if (arrows.size === 0) lines.push('  none["no allowed access edges"]');
  return lines.join("\n");
}

function sourceNode(
  edge: AccessEdge,
  accountNode: (id: string | undefined) => string,
  node: (id: string, label: string) => string,
): string {
  switch (edge.principalKind) {
    case "service":
      return node("aws_services", "AWS services");
    case "github":
      return node("github", "GitHub Actions (OIDC)");
    case "oidc":
    case "saml":
      return node("federated", "federated identities");
    case "identity-center-group":
    case "identity-center-user":
      return node(`ic_${safe(edge.principalName ?? edge.principal)}`, edge.principalName ?? edge.principal);
    case "vendor":
      return node(
        `vendor_${safe(edge.principalName ?? edge.principal)}`,
        edge.principalName ?? edge.principal,
      );
    case "outside-organization":
      return node("anyone", "anyone outside the organization");
    default:
      if (edge.principal.startsWith("service ")) return node("aws_services", "AWS services");
      if (edge.principal.startsWith("github ")) return node("github", "GitHub Actions (OIDC)");
      return accountNode(edge.principalAccount);
  }
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, "_");
}

function escape(text: string): string {
  return text.replace(/"/g, "#quot;");
}
