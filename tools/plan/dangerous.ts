import type { OrgFacts } from "./model";
import { asRecorded } from "./deploy";
import { expandStackSets } from "./stacksets";
import type { DangerousChange, PlannedResource } from "./types";

/**
 * The baseline comparison's second question: which changes since the baseline replace or delete
 * something that must not silently go? A StackSet instance (its delete removes its stacks from every
 * account of its targets), a protected or retained resource, an organization access role. Each is
 * reported with what it would remove and the safe procedure, and fails the plan.
 *
 * A replacement is decided from the inputs the provider marks ForceNew (below, with their source);
 * for other types only a deletion (the resource gone from the program) is detected.
 */

const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const ROLE = "aws:iam/role:Role";

/**
 * Inputs whose change replaces the resource, from terraform-provider-aws (which pulumi-aws 7 wraps):
 * - StackSetInstance: `account_id`, `deployment_targets` (every field), `region` /
 *   `stack_set_instance_region`, `stack_set_name` are ForceNew
 *   (internal/service/cloudformation/stack_set_instance.go, commit 01f431114674c27cf790fafb67ac274bf8f765e1;
 *   ForceNew on `deployment_targets` since pull request #37898).
 * - StackSet: `name` and `auto_deployment` (internal/service/cloudformation/stack_set.go, commit
 *   01e31657e16f7079f81fb3709122005855f20ab1).
 * - Role: `name`, `name_prefix`, `path` (internal/service/iam/role.go, commit
 *   0040ea6911af00bea2cca6dbb14e86829826ad8e).
 * - RolePolicyAttachment: no Update function, so `role` and `policy_arn` both replace
 *   (internal/service/iam/role_policy_attachment.go, commit 04c79849dbe7fbe76c3054b364357bcdaade9ac5).
 */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  [INSTANCE]: ["accountId", "deploymentTargets", "region", "stackSetInstanceRegion", "stackSetName"],
  [STACK_SET]: ["name", "autoDeployment"],
  [ROLE]: ["name", "namePrefix", "path"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
};

/** The procedure docs/organization-access-role.md "Changing StackSet targets" details, in one line. */
const README = 'docs/organization-access-role.md "Changing StackSet targets and removing access"';

/** What the current run is, for the comparison: resources with the URNs they had before (aliases). */
export interface CurrentResource extends PlannedResource {
  /** URNs the resource was known by (its aliases), so a rename with an alias is no deletion. */
  readonly previousUrns?: readonly string[];
}

export function dangerousChanges(args: {
  readonly baseline: readonly PlannedResource[];
  readonly current: readonly CurrentResource[];
  readonly org: OrgFacts;
  /** Names of the organization access role (`org-access:providers.roleName`, `organizationAccess.roleName`). */
  readonly accessRoleNames: readonly string[];
}): DangerousChange[] {
  const byUrn = new Map<string, CurrentResource>();
  for (const r of args.current) {
    byUrn.set(r.urn, r);
    for (const previous of r.previousUrns ?? []) if (!byUrn.has(previous)) byUrn.set(previous, r);
  }
  const stacks = stackContents(args.baseline, args.org);
  const changes: DangerousChange[] = [];
  for (const before of args.baseline) {
    if (before.account === undefined || before.type.startsWith("pulumi:providers:")) continue;
    const after = byUrn.get(before.urn);
    const forced = after === undefined ? [] : replacingInputs(before, after);
    if (after !== undefined && forced.length === 0) continue;
    const why = reasons(before, args.accessRoleNames, stacks.created.get(before.urn) ?? []);
    if (why.length === 0) continue;
    const change = after === undefined ? "delete" : "replace";
    const removes = removal(before, stacks.removes);
    const procedure = procedureFor(before, change, why);
    changes.push({
      urn: before.urn,
      type: before.type,
      name: before.name,
      account: before.account,
      change,
      why,
      ...(forced.length === 0 ? {} : { inputs: forced }),
      removes,
      procedure,
      message: `${change === "delete" ? "deletes" : `replaces (${forced.join(", ")} changed)`} ${typeName(before.type)} ${before.name} (${why.join(", ")}): ${removes}. ${procedure}`,
    });
  }
  return changes;
}

/** The ForceNew inputs whose value differs between the baseline and now. */
export function replacingInputs(before: PlannedResource, after: PlannedResource): string[] {
  if (before.type !== after.type) return ["type"];
  return (FORCE_NEW[before.type] ?? []).filter(
    (key) => canonical(before.inputs[key]) !== canonical(after.inputs[key]),
  );
}

function reasons(
  r: PlannedResource,
  accessRoleNames: readonly string[],
  creates: readonly string[],
): string[] {
  const why: string[] = [];
  if (r.type === INSTANCE) why.push("StackSet instance");
  if (r.type === STACK_SET) why.push("StackSet");
  if (r.protect) why.push("protected");
  if (r.retainOnDelete) why.push("retained on delete");
  const roles = r.type === ROLE ? [String(r.inputs.name)] : creates;
  if (roles.some((n) => accessRoleNames.includes(n))) why.push("organization access role");
  return why;
}

/**
 * Per StackSet instance of the baseline: the accounts it reaches and the resources its stacks hold
 * (`removes`), and the names its template creates, per instance and StackSet (`created`).
 */
function stackContents(
  baseline: readonly PlannedResource[],
  org: OrgFacts,
): { removes: Map<string, string>; created: Map<string, string[]> } {
  const stacks = new Map<string, { accounts: Set<string>; names: Set<string> }>();
  const bySource = new Map<string, Set<string>>();
  for (const t of expandStackSets(baseline.map(asRecorded), org)) {
    const name = String(t.properties.RoleName ?? t.properties.ManagedPolicyName ?? t.logicalId);
    const stack = stacks.get(t.instance) ?? { accounts: new Set<string>(), names: new Set<string>() };
    stack.accounts.add(t.accountId);
    stack.names.add(name);
    stacks.set(t.instance, stack);
    bySource.set(t.source, new Set([...(bySource.get(t.source) ?? []), name]));
  }
  const removes = new Map<string, string>();
  const created = new Map<string, string[]>();
  for (const r of baseline) {
    if (r.type === STACK_SET)
      created.set(r.urn, [...(bySource.get(`stackset:${String(r.inputs.name)}`) ?? [])]);
    if (r.type !== INSTANCE) continue;
    const stack = stacks.get(r.urn);
    const names = [...(stack?.names ?? [])];
    const accounts = [...(stack?.accounts ?? [])].map(
      (id) => `${org.accounts.find((a) => a.id === id)?.name ?? id} (${id})`,
    );
    created.set(r.urn, names);
    removes.set(
      r.urn,
      `the stacks of StackSet ${String(r.inputs.stackSetName)} (${names.join(", ") || "its resources"}) in ${accounts.length === 0 ? "no account" : accounts.join(", ")}`,
    );
  }
  return { removes, created };
}

function removal(r: PlannedResource, stacks: Map<string, string>): string {
  if (r.type === INSTANCE)
    return `its delete removes ${stacks.get(r.urn) ?? "the stacks of every account of its targets"}`;
  if (r.type === STACK_SET)
    return `StackSet ${String(r.inputs.name)} and, with it, the rollout to every account it targets`;
  const where = r.account === undefined ? "" : ` in ${r.account}`;
  if (r.retainOnDelete)
    return `${typeName(r.type)} ${String(r.inputs.name ?? r.name)}${where} leaves Pulumi's management (it is retained in AWS)`;
  return `${typeName(r.type)} ${String(r.inputs.name ?? r.name)}${where} is deleted`;
}

function procedureFor(r: PlannedResource, change: "delete" | "replace", why: readonly string[]): string {
  if (r.type === INSTANCE && change === "replace") {
    const targets = r.inputs.deploymentTargets as { organizationalUnitIds?: string[] } | undefined;
    const ous = (targets?.organizationalUnitIds ?? []).join(",");
    const callAs = r.inputs.callAs === "DELEGATED_ADMIN" ? " --call-as DELEGATED_ADMIN" : "";
    const region = String(r.inputs.stackSetInstanceRegion ?? r.inputs.region ?? "<region>");
    return `A replacement keeps the physical ID ${String(r.inputs.stackSetName)},${ous},${region}: the new instance's create finds the stacks in place, then the old instance's delete removes them. Instead change only the accounts that change, outside Pulumi (\`aws cloudformation create-stack-instances\` / \`delete-stack-instances --stack-set-name ${String(r.inputs.stackSetName)} --deployment-targets OrganizationalUnitIds=${ous},Accounts=<ids>,AccountFilterType=INTERSECTION --regions ${region}${callAs}\`), then \`pulumi state delete --force '${r.urn}'\` and \`pulumi up\` (${README})`;
  }
  if (r.type === INSTANCE) {
    return `If removing this access is intended: \`pulumi state unprotect '${r.urn}'\`, then \`pulumi up\`; to keep the roles in the accounts, run \`aws cloudformation delete-stack-instances ... --retain-stacks\` first and \`pulumi state delete --force '${r.urn}'\` (${README})`;
  }
  if (why.includes("organization access role")) {
    return `The organization access role is how the management account and this program reach accounts: keep it (restore the config), or remove it deliberately after another way in exists (${README})`;
  }
  if (r.type === STACK_SET) {
    return `CloudFormation deletes a StackSet only without instances and creates none under a name in use: keep its name and auto-deployment settings (${README})`;
  }
  return `\`protect\` and \`retainOnDelete\` mark resources that must outlive config edits: restore the config, or \`pulumi state unprotect\` deliberately first (${README})`;
}

function typeName(type: string): string {
  return type.split(":").pop() ?? type;
}

/** JSON with object keys and arrays of plain values sorted (provider sets compare unordered). */
function canonical(value: unknown): string {
  const normal = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const items = v.map(normal);
      return items.every((i) => typeof i !== "object" || i === null)
        ? [...items].sort((a, b) => String(a).localeCompare(String(b)))
        : items;
    }
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, normal(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(normal(value) ?? null);
}
