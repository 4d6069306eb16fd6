import { AccessEdge, PlanReport } from "./types";

/**
 * Account-to-account trust as a Mermaid flowchart (GitHub renders it in Markdown): one node per
 * account or outside caller, one arrow per pair with the roles it can assume. Only allowed edges are
 * drawn; denied ones are in the access matrix.
 */
export function trustGraph(report: Pick<PlanReport, "access" | "accounts">): string {
  const names = new Map(report.accounts.map((a) => [a.id, a.name]));
  const nodes = new Map<string, string>();
  const arrows = new Map<string, Set<string>>();
  const node = (id: string, label: string) => {
    nodes.set(id, label);
    return id;
  };
  for (const edge of report.access.filter((e) => e.decision === "allowed")) {
    const from = sourceNode(edge, names, node);
    const to = node(
      `acct_${edge.roleAccount}`,
      `${names.get(edge.roleAccount) ?? "account"} ${edge.roleAccount}`,
    );
    const roleName = edge.role.split("/").pop() ?? edge.role;
    const k = `${from}|${to}`;
    arrows.set(k, (arrows.get(k) ?? new Set()).add(roleName));
  }
  const lines = ["flowchart LR"];
  for (const [id, label] of [...nodes].sort()) lines.push(`  ${id}["${escape(label)}"]`);
  for (const [k, roles] of [...arrows].sort()) {
    const [from, to] = k.split("|");
    lines.push(`  ${from} -->|"${escape([...roles].sort().join(", "))}"| ${to}`);
  }
  if (arrows.size === 0) lines.push('  none["no allowed access edges"]');
  return lines.join("\n");
}

function sourceNode(
  edge: AccessEdge,
  names: Map<string, string>,
  node: (id: string, label: string) => string,
): string {
  if (edge.principal.startsWith("service ")) return node("aws_services", "AWS services");
  if (edge.principal.startsWith("github ")) return node("github", "GitHub Actions (OIDC)");
  if (edge.principal.startsWith("oidc ") || edge.principal.startsWith("saml "))
    return node("federated", "federated identities");
  if (edge.principal.startsWith("anyone")) return node("anyone", "anyone (*)");
  const account = edge.principalAccount ?? "unknown";
  const name = names.get(account);
  return node(`acct_${account}`, name === undefined ? `external ${account}` : `${name} ${account}`);
}

function escape(text: string): string {
  return text.replace(/"/g, "#quot;");
}
