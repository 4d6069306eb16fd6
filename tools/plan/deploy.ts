import type { RecordedResource } from "../mock-runtime";
import { asList, parseDocument, statementsOf } from "./documents";
import type { OrgFacts } from "./model";
import { expandStackSets } from "./stacksets";
import type { DeployFinding, DeployPrerequisite, DeployReport, DeployRule, DeployStep } from "./types";

/**
 * The first-run rehearsal: what the mocked runtime cannot show, because mocks accept any inputs in any
 * order, while AWS and the engine check at creation time.
 *
 * - IAM refuses a trust policy naming a role, user or identity provider that does not exist yet
 *   ("Invalid principal in policy"; terraform-provider-aws retries it for about two minutes, then
 *   fails: internal/service/iam/role.go, `retryCreateRole` and the `UpdateAssumeRolePolicy` retry on
 *   that message; IAM resolves a role principal to its unique ID when the policy is saved:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html), and
 *   a role whose permissions boundary or attached policy does not exist.
 * - A StackSet stack creates its roles when its instance is created: the same rules apply to the
 *   template's roles, in every account the instance reaches.
 * - The engine configures a provider during a preview when all its inputs are known, and pulumi-aws
 *   assumes the provider's role while configuring (pulumi/pulumi
 *   sdk/go/common/resource/plugin/provider_plugin.go `Configure`: unknown inputs leave the plugin
 *   unconfigured; commit 1b5949891b3cefcb9974752b24a5ecef0acc86c8; pulumi/pulumi-aws provider/config.go
 *   `preConfigureCallback` -> `validateCredentials`, commit 0c5f6583ebfb37cbe0febc2edb51b44cfeac2b15).
 *   A provider whose role is created in the same run must therefore take an input from the resources
 *   that create it.
 * - A StackSet created with `callAs: DELEGATED_ADMIN` needs the account's registration as the
 *   StackSets delegated administrator.
 *
 * Something created earlier in the same stack counts only if the resource depends on it, directly or
 * through other resources (a component's `dependsOn` does not reach its children), or through its
 * provider; something another stack creates counts if that stack deploys first. What no stack
 * creates is a prerequisite. The stacks' order comes from these needs; a cycle is reported.
 */

/** A resource as the rehearsal reads it: a recorded resource, or one from a baseline report. */
export interface DeployResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly account?: string;
  readonly inputs: Record<string, unknown>;
  readonly dependencies?: readonly string[];
  readonly providerUrn?: string;
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One thing a resource needs to exist when it is created. */
export interface Need {
  /** The resource that fails without it. */
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly rule: DeployRule;
  /** An IAM ARN, or `delegated-admin:<account>:<service principal>`. */
  readonly needs: string;
  /** Where the need is written, for the message (e.g. the template role's account). */
  readonly where?: string;
}

/** What one stack creates and needs. */
export interface StackFacts {
  readonly stack: string;
  /** `management` stacks deploy before others when nothing else decides. */
  readonly kind?: string;
  readonly resources: ReadonlyMap<string, DeployResource>;
  /** IAM ARN (or delegated-admin key) to the URN of the resource that creates it. */
  readonly created: ReadonlyMap<string, string>;
  readonly needs: readonly Need[];
  /** IAM names two resources of this stack would both create in one account. */
  readonly collisions?: readonly { readonly key: string; readonly urns: readonly string[] }[];
}

export const STACKSETS_DELEGATED_ADMIN = "member.org.stacksets.cloudformation.amazonaws.com";

const ROLE = "aws:iam/role:Role";
const USER = "aws:iam/user:User";
const POLICY = "aws:iam/policy:Policy";
const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const SAML = "aws:iam/samlProvider:SamlProvider";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator";
const PROVIDER = "pulumi:providers:aws";

/** Role, user and identity-provider ARNs IAM resolves when a trust policy names them. */
const PRINCIPAL_ARN = /^arn:aws[\w-]*:iam::\d{12}:(role|user|oidc-provider|saml-provider)\/[^*?]+$/;
/** A customer managed policy (AWS managed ones, `iam::aws:policy`, always exist). */
const CUSTOMER_POLICY_ARN = /^arn:aws[\w-]*:iam::\d{12}:policy\/[^*?]+$/;

/** What a stack's resources create and need, from one program run. */
export function stackFacts(
  stack: string,
  resources: readonly DeployResource[],
  org: OrgFacts,
  kind?: string,
): StackFacts {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return {
    stack,
    kind,
    resources: byUrn,
    created: createdBy(resources, org),
    needs: needsOf(resources, org),
    collisions: nameCollisions(resources, org),
  };
}

/** IAM ARNs (and delegated-admin registrations) the resources create, with the creating resource. */
export function createdBy(resources: readonly DeployResource[], org: OrgFacts): Map<string, string> {
  return new Map([...creators(resources, org)].map(([key, urns]) => [key, urns[0]]));
}

/**
 * IAM names (roles, users, policies, identity providers) that more than one resource of the stack
 * creates in the same account, e.g. two StackSets whose templates name the same role. IAM names are
 * unique per account: the second `CreateRole`/`CreatePolicy` fails with `EntityAlreadyExists` (IAM API
 * Reference, CreateRole "Errors"; IAM User Guide, "IAM object quotas": names unique within the
 * account), and a StackSet's stack instance fails with it. Delegated-admin keys are left out: the
 * registration is idempotent per account and service only through one resource anyway.
 */
export function nameCollisions(
  resources: readonly DeployResource[],
  org: OrgFacts,
): { readonly key: string; readonly urns: readonly string[] }[] {
  return [...creators(resources, org)]
    .filter(([key, urns]) => urns.length > 1 && key.startsWith("arn:"))
    .map(([key, urns]) => ({ key, urns }));
}

function creators(resources: readonly DeployResource[], org: OrgFacts): Map<string, string[]> {
  const created = new Map<string, string[]>();
  const add = (key: string | undefined, urn: string) => {
    if (key === undefined) return;
    const urns = created.get(key) ?? [];
    if (!urns.includes(urn)) urns.push(urn);
    created.set(key, urns);
  };
  for (const r of resources) {
    const name = str(r.inputs.name);
    const path = str(r.inputs.path) ?? "/";
    const account = r.account;
    if (account === undefined) continue;
    if (r.type === ROLE && name !== undefined) add(`arn:aws:iam::${account}:role${path}${name}`, r.urn);
    if (r.type === USER && name !== undefined) add(`arn:aws:iam::${account}:user${path}${name}`, r.urn);
    if (r.type === POLICY && name !== undefined) add(`arn:aws:iam::${account}:policy${path}${name}`, r.urn);
    if (r.type === SAML && name !== undefined) add(`arn:aws:iam::${account}:saml-provider/${name}`, r.urn);
    if (r.type === OIDC) {
      const host = str(r.inputs.url)?.replace(/^https:\/\//, "");
      if (host !== undefined) add(`arn:aws:iam::${account}:oidc-provider/${host}`, r.urn);
    }
    if (r.type === DELEGATED) {
      const id = str(r.inputs.accountId);
      const service = str(r.inputs.servicePrincipal);
      if (id !== undefined && service !== undefined) add(delegatedAdminKey(id, service), r.urn);
    }
  }
  for (const t of templateResources(resources, org)) {
    const props = t.properties;
    const path = str(props.Path) ?? "/";
    if (t.type === "AWS::IAM::Role" && str(props.RoleName) !== undefined)
      add(`arn:aws:iam::${t.accountId}:role${path}${str(props.RoleName)}`, t.instance);
    if (t.type === "AWS::IAM::ManagedPolicy" && str(props.ManagedPolicyName) !== undefined)
      add(`arn:aws:iam::${t.accountId}:policy${path}${str(props.ManagedPolicyName)}`, t.instance);
  }
  return created;
}

/** Everything the resources need to exist when they are created. */
export function needsOf(resources: readonly DeployResource[], org: OrgFacts): Need[] {
  const needs: Need[] = [];
  const need = (r: DeployResource, rule: DeployRule, arn: string, where?: string) =>
    needs.push({ urn: r.urn, type: r.type, name: r.name, rule, needs: arn, ...(where ? { where } : {}) });
  for (const r of resources) {
    if (r.type === ROLE) {
      for (const arn of trustPrincipals(r.inputs.assumeRolePolicy)) need(r, "trust-principal", arn);
      const boundary = str(r.inputs.permissionsBoundary);
      if (boundary !== undefined && CUSTOMER_POLICY_ARN.test(boundary))
        need(r, "permissions-boundary", boundary);
    }
    if (/PolicyAttachment:/.test(r.type)) {
      const arn = str(r.inputs.policyArn);
      if (arn !== undefined && CUSTOMER_POLICY_ARN.test(arn)) need(r, "managed-policy", arn);
    }
    if (r.type === PROVIDER) {
      const role = assumedRole(r);
      if (role !== undefined) need(r, "assumed-role", role);
    }
    if (r.type === STACK_SET && str(r.inputs.callAs) === "DELEGATED_ADMIN" && r.account !== undefined) {
      need(r, "delegated-admin", delegatedAdminKey(r.account, STACKSETS_DELEGATED_ADMIN));
    }
  }
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (const t of templateResources(resources, org)) {
    const instance = byUrn.get(t.instance);
    if (instance === undefined || t.type !== "AWS::IAM::Role") continue;
    const where = `${str(t.properties.RoleName) ?? t.logicalId} in ${t.accountId}`;
    for (const arn of trustPrincipals(t.properties.AssumeRolePolicyDocument))
      need(instance, "trust-principal", arn, where);
    const boundary = str(t.properties.PermissionsBoundary);
    if (boundary !== undefined && CUSTOMER_POLICY_ARN.test(boundary))
      need(instance, "permissions-boundary", boundary, where);
    for (const arn of asList(t.properties.ManagedPolicyArns).filter((a) => CUSTOMER_POLICY_ARN.test(a)))
      need(instance, "managed-policy", arn, where);
  }
  return dedupeNeeds(needs);
}

/** Role, user and identity-provider ARNs a trust policy names as principals (IAM resolves each one). */
export function trustPrincipals(document: unknown): string[] {
  const arns = new Set<string>();
  for (const statement of statementsOf(parseDocument(document))) {
    const principal = statement.Principal;
    if (principal === null || typeof principal !== "object") continue;
    const { AWS, Federated } = principal as Record<string, unknown>;
    for (const value of [...asList(AWS), ...asList(Federated)]) {
      if (PRINCIPAL_ARN.test(value)) arns.add(value);
    }
  }
  return [...arns];
}

export function delegatedAdminKey(accountId: string, servicePrincipal: string): string {
  return `delegated-admin:${accountId}:${servicePrincipal}`;
}

/** The role a provider assumes, from its (JSON-encoded) `assumeRoles`. */
function assumedRole(provider: DeployResource): string | undefined {
  let value = provider.inputs.assumeRoles;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const first = Array.isArray(value) ? (value[0] as Record<string, unknown> | undefined) : undefined;
  return str(first?.roleArn);
}

/** Each StackSet stack's resources per account (the shared interpreter), with the instance that deploys it. */
function templateResources(resources: readonly DeployResource[], org: OrgFacts) {
  return expandStackSets(resources.map(asRecorded), org);
}

/** A baseline report's resource in the recorder's shape, for the shared interpreter. */
export function asRecorded(r: DeployResource): RecordedResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    account: r.account,
    inputs: r.inputs,
    custom: true,
    secretInputs: [],
    protect: false,
    retainOnDelete: false,
    dependencies: [...(r.dependencies ?? [])],
  };
}

function dedupeNeeds(needs: Need[]): Need[] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = `${n.urn}\u0000${n.rule}\u0000${n.needs}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether `from` depends on `to` through recorded dependencies and providers (the engine's order). */
export function dependsOn(facts: StackFacts, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const urn = stack.pop() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const r = facts.resources.get(urn);
    if (r === undefined) continue;
    for (const next of [...(r.dependencies ?? []), ...(r.providerUrn ? [r.providerUrn] : [])]) {
      if (next === to) return true;
      stack.push(next);
    }
  }
  return false;
}

/** What already exists before this run of the stack: the baseline's resources and what they created. */
export interface DeployBaseline {
  /** File name of the baseline report. */
  readonly name: string;
  readonly urns: ReadonlySet<string>;
  readonly created: ReadonlySet<string>;
}

export function baselineOf(
  name: string,
  resources: readonly DeployResource[],
  org: OrgFacts,
): DeployBaseline {
  return {
    name,
    urns: new Set(resources.map((r) => r.urn)),
    created: new Set(createdBy(resources, org).keys()),
  };
}

/**
 * The stacks' deploy order: a stack that needs what another creates comes after it. Ties keep
 * management stacks first, then names. Stacks that need each other form a cycle, reported as such.
 */
export function stackOrder(stacks: readonly StackFacts[]): {
  order: string[];
  after: Map<string, Set<string>>;
  cycle: string[];
} {
  const creators = new Map<string, string[]>();
  for (const s of stacks)
    for (const key of s.created.keys()) creators.set(key, [...(creators.get(key) ?? []), s.stack]);
  const after = new Map<string, Set<string>>(stacks.map((s) => [s.stack, new Set<string>()]));
  for (const s of stacks) {
    for (const n of s.needs) {
      if (s.created.has(n.needs)) continue;
      for (const other of creators.get(n.needs) ?? []) after.get(s.stack)?.add(other);
    }
  }
  const rank = (s: StackFacts) => `${s.kind === "management" ? 0 : 1}${s.stack}`;
  const pending = [...stacks].sort((a, b) => rank(a).localeCompare(rank(b))).map((s) => s.stack);
  const order: string[] = [];
  while (pending.length > 0) {
    const ready = pending.findIndex((s) => [...(after.get(s) ?? [])].every((d) => order.includes(d)));
    if (ready < 0) break;
    order.push(...pending.splice(ready, 1));
  }
  const cycle = [...pending];
  order.push(...pending);
  return { order, after, cycle };
}

/**
 * Rehearses the deploy of `stack` among `stacks`: a first run from an empty organization, and, with a
 * baseline, the update from it. Findings are for `stack` (each stack's plan reports its own); the
 * steps list every stack in order.
 */
export function rehearse(args: {
  readonly stack: string;
  readonly stacks: readonly StackFacts[];
  readonly org: OrgFacts;
  readonly baseline?: DeployBaseline;
}): DeployReport {
  const { order, after, cycle } = stackOrder(args.stacks);
  const findingsOf = (facts: StackFacts, scenario: "first-run" | "update") =>
    evaluate(facts, args.stacks, order, cycle, scenario === "update" ? args.baseline : undefined, scenario);
  const steps: DeployStep[] = order.map((name, i) => {
    const facts = args.stacks.find((s) => s.stack === name) as StackFacts;
    return {
      index: i + 1,
      stack: name,
      after: [...(after.get(name) ?? [])].sort(),
      resources: facts.resources.size,
      failures: findingsOf(facts, "first-run").length,
    };
  });
  const planned = args.stacks.find((s) => s.stack === args.stack);
  const findings: DeployFinding[] = [];
  if (cycle.length > 1 && cycle.includes(args.stack)) {
    findings.push({
      scenario: "first-run",
      stack: args.stack,
      rule: "stack-order",
      needs: cycle.join(" <-> "),
      message: `stacks ${cycle.join(" and ")} each need something the other creates, so no order deploys them from an empty organization: ${cycleExamples(args.stacks, cycle)}. Break the cycle, e.g. trust the account root narrowed by \`ArnEquals aws:PrincipalArn\` to the role instead of naming a role another stack creates (IAM does not resolve condition values)`,
    });
  }
  if (planned !== undefined) {
    findings.push(...findingsOf(planned, "first-run"));
    if (args.baseline !== undefined) findings.push(...findingsOf(planned, "update"));
  }
  return {
    order,
    steps,
    findings,
    prerequisites: prerequisites(args.stacks, args.org),
    ...(cycle.length > 1 ? { cycle } : {}),
    ...(args.baseline === undefined ? {} : { baseline: args.baseline.name }),
  };
}

function evaluate(
  facts: StackFacts,
  stacks: readonly StackFacts[],
  order: readonly string[],
  cycle: readonly string[],
  baseline: DeployBaseline | undefined,
  scenario: "first-run" | "update",
): DeployFinding[] {
  const position = order.indexOf(facts.stack);
  const findings: DeployFinding[] = [];
  const finding = (n: Need, message: string, createdBy?: { stack: string; urn: string }) =>
    findings.push({
      scenario,
      stack: facts.stack,
      urn: n.urn,
      type: n.type,
      name: n.name,
      rule: n.rule,
      needs: n.needs,
      ...(createdBy === undefined ? {} : { createdBy }),
      message: `${n.type.split(":").pop()} ${n.name}${n.where ? ` (${n.where})` : ""}: ${message}`,
    });
  const existing = (urn: string) => baseline?.urns.has(urn) === true;
  for (const c of facts.collisions ?? []) {
    // On an update: all of them existing means nothing is created again; none existing is the
    // first run's finding already.
    if (scenario === "update" && (c.urns.every(existing) || !c.urns.some(existing))) continue;
    const [first, ...others] = c.urns;
    const resource = facts.resources.get(others[0]);
    findings.push({
      scenario,
      stack: facts.stack,
      urn: others[0],
      type: resource?.type,
      name: resource?.name ?? shortName(others[0]),
      rule: "name-collision",
      needs: c.key,
      createdBy: { stack: facts.stack, urn: first },
      message: `${c.key} is created by ${[first, ...others].map(shortName).join(" and ")}: IAM names are unique in an account, so whichever comes second fails with EntityAlreadyExists. Give one of them another name`,
    });
  }
  for (const n of facts.needs) {
    if (baseline?.created.has(n.needs) === true) continue;
    const creator = facts.created.get(n.needs);
    if (creator === undefined) {
      const other = stacks.find((s) => s.stack !== facts.stack && s.created.has(n.needs));
      if (other === undefined) continue; // a prerequisite, or outside the organization
      // On an update, the other stacks are taken as deployed already.
      if (scenario === "update") continue;
      const otherPosition = order.indexOf(other.stack);
      if (otherPosition < position && !(cycle.includes(other.stack) && cycle.includes(facts.stack))) continue;
      finding(
        n,
        `${describe(n)} ${n.needs}, which stack ${other.stack} creates, and stack ${other.stack} ${cycle.includes(other.stack) && cycle.includes(facts.stack) ? "needs this stack first (a cycle)" : "deploys after this one"}`,
        { stack: other.stack, urn: other.created.get(n.needs) as string },
      );
      continue;
    }
    if (creator === n.urn || existing(creator)) continue;
    if (n.rule === "assumed-role") {
      // Inputs derived from a resource this run creates are unknown in its preview; from one that
      // exists, they come from the state and are known.
      const resource = facts.resources.get(n.urn);
      const gates = (resource?.propertyDependencies?.assumeRoles ?? []).filter((u) => !existing(u));
      if (gates.length === 0) {
        finding(
          n,
          `assumes ${n.needs}, which ${shortName(creator)} creates in this run, but its inputs are known during the preview, so the engine configures it (and pulumi-aws assumes the role) before the role exists. Derive its role ARN from the resource that creates the role (AccountProviders.waitForAssumedRole)`,
          { stack: facts.stack, urn: creator },
        );
        continue;
      }
    }
    if (!dependsOn(facts, n.urn, creator)) {
      finding(
        n,
        `${describe(n)} ${n.needs}, which ${shortName(creator)} creates in the same run, and does not depend on it, so the engine may create it first. Give it \`dependsOn\` on that resource (a component's \`dependsOn\` does not reach its children)`,
        { stack: facts.stack, urn: creator },
      );
    }
  }
  return findings;
}

function describe(n: Need): string {
  switch (n.rule) {
    case "trust-principal":
      return "its trust policy names";
    case "permissions-boundary":
      return "its permissions boundary is";
    case "managed-policy":
      return "it attaches";
    case "assumed-role":
      return "it assumes";
    case "delegated-admin":
      return "it needs the StackSets delegated-administrator registration";
    default:
      return "it needs";
  }
}

function cycleExamples(stacks: readonly StackFacts[], cycle: readonly string[]): string {
  const examples: string[] = [];
  for (const s of stacks.filter((x) => cycle.includes(x.stack))) {
    const n = s.needs.find((need) =>
      stacks.some(
        (o) =>
          o.stack !== s.stack &&
          cycle.includes(o.stack) &&
          o.created.has(need.needs) &&
          !s.created.has(need.needs),
      ),
    );
    if (n !== undefined) {
      const other = stacks.find((o) => o.stack !== s.stack && o.created.has(n.needs)) as StackFacts;
      examples.push(`${s.stack}'s ${n.name} needs ${n.needs} from ${other.stack}`);
    }
  }
  return examples.join("; ");
}

/** What no stack creates but some resource needs, in the organization's accounts: it must exist first. */
function prerequisites(stacks: readonly StackFacts[], org: OrgFacts): DeployPrerequisite[] {
  const inOrg = new Set(org.accounts.map((a) => a.id));
  const needed = new Map<string, { rule: DeployRule; neededBy: Set<string> }>();
  for (const s of stacks) {
    for (const n of s.needs) {
      if (stacks.some((o) => o.created.has(n.needs))) continue;
      const account = /::(\d{12}):/.exec(n.needs)?.[1] ?? /^delegated-admin:(\d{12}):/.exec(n.needs)?.[1];
      if (account === undefined || !inOrg.has(account)) continue;
      const entry = needed.get(n.needs) ?? { rule: n.rule, neededBy: new Set<string>() };
      entry.neededBy.add(s.stack);
      needed.set(n.needs, entry);
    }
  }
  return [...needed]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([needs, { rule, neededBy }]) => ({ needs, rule, neededBy: [...neededBy].sort() }));
}

function shortName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
