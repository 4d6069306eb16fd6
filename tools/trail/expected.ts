import * as fs from "fs";
import { classifyPolicy } from "../../policy-pack/lib/classify";
import { parseTemplate, templateRoles, THIS_ACCOUNT } from "../../policy-pack/lib/cloudformation";
import { awsManagedPolicyDocument, isAwsManagedPolicyArn } from "../../policy-pack/lib/managed-policies";
import {
  isAllow,
  parsePolicyDocument,
  PolicyDocument,
  statementCoversAction,
} from "../../policy-pack/lib/document";
import type { AccessEdge, PlanReport, PlannedResource } from "../plan/types";
import type { ChainHop, SessionSummary } from "./report";
import { Assumption, CallerIdentity, parseRoleArn, parseSessionArn, RoleSelection } from "./sessions";

/**
 * What the plan says about what the trail shows: which callers each role allows (the plan's
 * `access` edges that were allowed) and what each role is for (its policies in the plan's
 * resources: attachments, inline policies, permission sets, StackSet templates). An assumption the
 * plan does not allow, and a write the role's policies do not cover, are unexpected.
 */

export interface Verdict {
  readonly status: "expected" | "unexpected" | "not in plan";
  readonly reason: string;
}

/** A role's intended scope: the identity policies it was deployed with. */
interface RoleScope {
  readonly documents: PolicyDocument[];
  /** Managed policies whose documents neither the plan nor the AWS managed policy data hold. */
  readonly unknown: string[];
  readonly boundary?: PolicyDocument;
}

export interface PlanKnowledge {
  judge(a: Assumption, chain: ChainHop[]): Verdict;
  /** Marks the session's writes outside the role's intended scope. */
  scopeWrites(roleAccount: string, roleName: string, session: SessionSummary): SessionSummary;
  /** Every admin-equivalent role of the plans. */
  adminSelection(): RoleSelection;
  readonly roleCount: number;
}

export class PlanFileError extends Error {}

/** Reads plan reports (`plan-<stack>.json`); a missing or foreign file is a usage error. */
export function loadPlans(files: readonly string[]): PlanKnowledge {
  const reports = files.map((file) => {
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new PlanFileError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const r = value as Partial<PlanReport>;
    if (typeof r !== "object" || r === null || !Array.isArray(r.access) || !Array.isArray(r.resources)) {
      throw new PlanFileError(
        `${file} is not a plan report (no access or resources): write one with npm run plan -- --stack <stack>`,
      );
    }
    return r as PlanReport;
  });
  return new Plans(reports);
}

const key = (account: string, name: string) => `${account}:${name}`;

class Plans implements PlanKnowledge {
  private readonly edges = new Map<string, AccessEdge[]>();
  private readonly scopes = new Map<string, RoleScope>();
  /** Identity Center: permission set name → accounts it is assigned in, and its scope. */
  private readonly permissionSets = new Map<string, { accounts: Set<string>; scope: RoleScope }>();
  private readonly known = new Set<string>();

  constructor(reports: PlanReport[]) {
    for (const report of reports) {
      for (const edge of report.access) {
        const { account, name } = parseRoleArn(edge.role);
        this.known.add(key(account, name));
        if (edge.decision !== "allowed") continue;
        const list = this.edges.get(key(account, name));
        if (list === undefined) this.edges.set(key(account, name), [edge]);
        else list.push(edge);
      }
      this.readResources(report);
    }
  }

  get roleCount(): number {
    return this.known.size;
  }

  private readResources(report: PlanReport): void {
    const byType = (type: string) => report.resources.filter((r) => r.type === type);
    const policies = new Map<string, PolicyDocument>();
    for (const p of byType("aws:iam/policy:Policy")) {
      const name = inputString(p, "name");
      const doc = inputString(p, "policy");
      if (p.account !== undefined && name !== undefined && doc !== undefined) {
        policies.set(key(p.account, name), parsePolicyDocument(doc));
      }
    }
    const scopeOf = (account: string, name: string): MutableScope => {
      let s = this.scopes.get(key(account, name)) as MutableScope | undefined;
      if (s === undefined) {
        s = { documents: [], unknown: [] };
        this.scopes.set(key(account, name), s);
      }
      return s;
    };
    for (const r of byType("aws:iam/role:Role")) {
      const name = inputString(r, "name");
      if (r.account === undefined || name === undefined) continue;
      this.known.add(key(r.account, name));
      const scope = scopeOf(r.account, name);
      const boundary = inputString(r, "permissionsBoundary");
      if (boundary !== undefined) {
        const doc = policies.get(key(r.account, boundary.split("/").pop() ?? ""));
        if (doc !== undefined) scope.boundary = doc;
      }
    }
    for (const a of byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
      const role = inputString(a, "role");
      const arn = inputString(a, "policyArn");
      if (a.account === undefined || role === undefined || arn === undefined) continue;
      addManaged(scopeOf(a.account, role), arn, policies, a.account);
    }
    for (const p of byType("aws:iam/rolePolicy:RolePolicy")) {
      const role = inputString(p, "role");
      const doc = inputString(p, "policy");
      if (p.account === undefined || role === undefined || doc === undefined) continue;
      scopeOf(p.account, role).documents.push(parsePolicyDocument(doc));
    }
    // StackSet roles: their policies are in the template; their accounts are the plan's edges.
    const stacksetAccounts = new Map<string, Set<string>>();
    for (const edge of report.access) {
      if (!edge.source.startsWith("stackset:")) continue;
      const { account, name } = parseRoleArn(edge.role);
      const set = stacksetAccounts.get(name) ?? new Set<string>();
      set.add(account);
      stacksetAccounts.set(name, set);
    }
    for (const s of byType("aws:cloudformation/stackSet:StackSet")) {
      const body = inputString(s, "templateBody");
      if (body === undefined) continue;
      let roles: ReturnType<typeof templateRoles>;
      try {
        roles = templateRoles(parseTemplate(body), {}, THIS_ACCOUNT);
      } catch {
        continue;
      }
      for (const role of roles) {
        if (role.roleName === undefined) continue;
        for (const account of stacksetAccounts.get(role.roleName) ?? []) {
          const scope = scopeOf(account, role.roleName);
          for (const arn of role.managedPolicyArns) addManaged(scope, arn, policies, account);
          scope.documents.push(...role.inlineDocs);
        }
      }
    }
    this.readPermissionSets(report, byType, policies);
  }

  private readPermissionSets(
    report: PlanReport,
    byType: (type: string) => PlannedResource[],
    policies: Map<string, PolicyDocument>,
  ): void {
    // Under the plan's mocks a permission set's ARN ends with `ps-<its resource name>`.
    const names = new Map<string, string>();
    for (const ps of byType("aws:ssoadmin/permissionSet:PermissionSet")) {
      const name = inputString(ps, "name");
      if (name !== undefined) names.set(ps.name, name);
    }
    const nameOf = (arn: string | undefined) =>
      arn === undefined ? undefined : (names.get(arn.slice(arn.lastIndexOf("/ps-") + 4)) ?? names.get(arn));
    const entry = (name: string) => {
      let e = this.permissionSets.get(name);
      if (e === undefined) {
        e = { accounts: new Set(), scope: { documents: [], unknown: [] } };
        this.permissionSets.set(name, e);
      }
      return e;
    };
    for (const a of byType("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment")) {
      const name = nameOf(inputString(a, "permissionSetArn"));
      const arn = inputString(a, "managedPolicyArn");
      if (name !== undefined && arn !== undefined)
        addManaged(entry(name).scope as MutableScope, arn, policies, "");
    }
    for (const p of byType("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")) {
      const name = nameOf(inputString(p, "permissionSetArn"));
      const doc = inputString(p, "inlinePolicy");
      if (name !== undefined && doc !== undefined) entry(name).scope.documents.push(parsePolicyDocument(doc));
    }
    for (const a of byType("aws:ssoadmin/accountAssignment:AccountAssignment")) {
      const name = nameOf(inputString(a, "permissionSetArn"));
      const target = inputString(a, "targetId");
      if (name !== undefined && target !== undefined) entry(name).accounts.add(target);
    }
    void report;
  }

  /** `AWSReservedSSO_<permission set>_<suffix>`: the role Identity Center creates for an assignment. */
  private permissionSetOf(roleName: string): string | undefined {
    const m =
      /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleName) ?? /^AWSReservedSSO_(.+)_[^_]+$/.exec(roleName);
    return m === null ? undefined : m[1];
  }

  judge(a: Assumption, chain: ChainHop[]): Verdict {
    const ps = this.permissionSetOf(a.roleName);
    if (ps !== undefined) return this.judgeIdentityCenter(a, ps);
    const roleKey = key(a.roleAccount, a.roleName);
    if (!this.known.has(roleKey)) {
      return { status: "not in plan", reason: `the plans manage no role ${a.roleName} in ${a.roleAccount}` };
    }
    const edges = this.edges.get(roleKey) ?? [];
    const caller = callerView(a.caller, chain);
    const match = edges.find((e) => edgeMatches(e.principal, caller));
    const failed = a.errorCode === undefined ? "" : `; the request failed (${a.errorCode})`;
    if (match !== undefined) {
      const byAccount =
        caller.roleKey === undefined && caller.user === undefined && /:role\//.test(match.principal);
      return {
        status: "expected",
        reason: `the plan allows ${match.principal}${byAccount ? ` (matched by account: the caller's own trail record is not in the input)` : ""}${failed}`,
      };
    }
    const allowed = edges.map((e) => e.principal);
    return {
      status: "unexpected",
      reason: `${describeCaller(caller)} is not among the callers the plan allows (${allowed.length === 0 ? "none" : allowed.join(", ")})${failed}`,
    };
  }

  private judgeIdentityCenter(a: Assumption, ps: string): Verdict {
    const entry = this.permissionSets.get(ps);
    if (entry === undefined) {
      return { status: "not in plan", reason: `the plans define no permission set ${ps}` };
    }
    const viaIdentityCenter =
      a.action === "AssumeRoleWithSAML" && /:saml-provider\/AWSSSO_/.test(a.caller.saml?.providerArn ?? "");
    if (!entry.accounts.has(a.roleAccount)) {
      return {
        status: "unexpected",
        reason: `permission set ${ps} is not assigned in account ${a.roleAccount} by the plan`,
      };
    }
    if (!viaIdentityCenter) {
      return {
        status: "unexpected",
        reason: `${a.roleName} was entered with ${a.action}, not through Identity Center's SAML provider`,
      };
    }
    return { status: "expected", reason: `permission set ${ps} is assigned in ${a.roleAccount}` };
  }

  scopeWrites(roleAccount: string, roleName: string, session: SessionSummary): SessionSummary {
    const ps = this.permissionSetOf(roleName);
    const scope =
      ps !== undefined ? this.permissionSets.get(ps)?.scope : this.scopes.get(key(roleAccount, roleName));
    if (scope === undefined) return session;
    return {
      ...session,
      writes: session.writes.map((w) => {
        const inScope = withinScope(scope, w.action);
        return inScope === undefined ? w : { ...w, outOfScope: !inScope };
      }),
    };
  }

  adminSelection(): RoleSelection {
    const admin = new Set<string>();
    for (const [k, scope] of this.scopes) if (isAdmin(scope)) admin.add(k);
    const adminSets = [...this.permissionSets.entries()].filter(([, e]) => isAdmin(e.scope)).map(([n]) => n);
    return {
      label: "every admin-equivalent role of the plans",
      selects: (account, name) => {
        if (admin.has(key(account, name))) return true;
        const ps = this.permissionSetOf(name);
        return ps !== undefined && adminSets.includes(ps);
      },
    };
  }
}

type MutableScope = { documents: PolicyDocument[]; unknown: string[]; boundary?: PolicyDocument };

/** An attached policy's document: AWS managed from the managed policy data, customer managed from the plan. */
function addManaged(
  scope: MutableScope,
  arn: string,
  customer: Map<string, PolicyDocument>,
  account: string,
): void {
  const resolved = arn.replace("${AWS::Partition}", "aws");
  if (isAwsManagedPolicyArn(resolved)) {
    const doc = awsManagedPolicyDocument(resolved);
    if (doc !== undefined) scope.documents.push(parsePolicyDocument(doc));
    else scope.unknown.push(resolved);
    return;
  }
  const doc = customer.get(key(account, resolved.split("/").pop() ?? ""));
  if (doc !== undefined) scope.documents.push(doc);
  else scope.unknown.push(resolved);
}

/** Whether the scope allows the action: true, false, or undefined when it depends on a policy the trail cannot read. */
export function withinScope(scope: RoleScope, action: string): boolean | undefined {
  const statements = scope.documents.flatMap((d) => d.statements);
  const denied = statements.some(
    (s) =>
      s.effect === "Deny" &&
      s.conditions.length === 0 &&
      s.resources.includes("*") &&
      statementCoversAction(s, action),
  );
  if (denied) return false;
  const allowed = statements.some((s) => isAllow(s) && statementCoversAction(s, action));
  if (allowed && scope.boundary !== undefined) {
    return scope.boundary.statements.some((s) => isAllow(s) && statementCoversAction(s, action));
  }
  if (allowed) return true;
  return scope.unknown.length > 0 ? undefined : false;
}

/** Admin-equivalent as the policy meaning core decides it (any of the role's documents). */
function isAdmin(scope: RoleScope): boolean {
  return scope.documents.some((d) => classifyPolicy(d.text).verdict === "admin-equivalent");
}

/** The caller as the plan's edges name principals. */
interface CallerView {
  readonly account?: string;
  /** `<account>:<role name>` of a role session. */
  readonly roleKey?: string;
  /** `<account>:<user name>` of an IAM user. */
  readonly user?: string;
  readonly service?: string;
  readonly oidc?: { host: string; subject?: string };
  readonly samlProvider?: string;
}

function callerView(c: CallerIdentity, chain: ChainHop[]): CallerView {
  if (c.type === "AWSService") return { service: c.service };
  if (c.type === "WebIdentityUser") {
    return { oidc: { host: oidcHost(c.webIdentity?.provider), subject: c.webIdentity?.subject } };
  }
  if (c.type === "SAMLUser") return { samlProvider: c.saml?.providerArn };
  const session = c.arn === undefined ? undefined : parseSessionArn(c.arn);
  if (session !== undefined) return { account: session.account, roleKey: key(session.account, session.role) };
  if (c.type === "IAMUser" && c.arn !== undefined) {
    const { account, name } = parseRoleArn(c.arn);
    return { account, user: key(account, name) };
  }
  // The role's account names a cross-account caller by account and unique ID only; the chain
  // (the caller's own assumption, when it is in the input) names the role.
  if (chain.length >= 3) {
    const previous = parseRoleArn(chain[chain.length - 2].principal);
    return { account: previous.account, roleKey: key(previous.account, previous.name) };
  }
  return { account: c.account };
}

/** The issuer host of a web identity provider given as an IAM OIDC provider ARN, a URL or a host. */
export function oidcHost(provider: string | undefined): string {
  return (provider ?? "")
    .replace(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\//, "")
    .replace(/^https:\/\//, "");
}

function edgeMatches(principal: string, c: CallerView): boolean {
  if (principal === "anyone (*)") return true;
  if (principal.startsWith("service ")) return c.service === principal.slice("service ".length);
  if (principal.startsWith("github ")) {
    return (
      c.oidc?.host === "token.actions.githubusercontent.com" &&
      subjectMatches(principal.slice(7), c.oidc.subject)
    );
  }
  if (principal.startsWith("oidc ")) {
    const rest = principal.slice(5);
    const space = rest.indexOf(" ");
    const host = rest.slice(0, space);
    const subject = rest.slice(space + 1);
    if (c.oidc?.host !== host) return false;
    return subject === "(any subject)" || subjectMatches(subject, c.oidc.subject);
  }
  if (principal.startsWith("saml ")) return c.samlProvider === principal.slice(5);
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):(root|role\/.+|user\/.+)$/.exec(principal);
  if (m === null || c.account === undefined) return false;
  if (m[1] !== c.account) return false;
  if (m[2] === "root") return true;
  const name = m[2].split("/").pop() ?? "";
  if (m[2].startsWith("role/"))
    return c.roleKey === undefined ? c.user === undefined : c.roleKey === key(m[1], name);
  return c.user === key(m[1], name);
}

/** OIDC subjects compare case-sensitively (StringLike on `sub`), wildcards `*` and `?`. */
function subjectMatches(pattern: string, subject: string | undefined): boolean {
  if (subject === undefined) return false;
  if (!/[*?]/.test(pattern)) return pattern === subject;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(subject);
}

function describeCaller(c: CallerView): string {
  if (c.service !== undefined) return `service ${c.service}`;
  if (c.oidc !== undefined) return `web identity ${c.oidc.host} ${c.oidc.subject ?? "?"}`;
  if (c.samlProvider !== undefined) return `SAML provider ${c.samlProvider}`;
  if (c.roleKey !== undefined) return `role ${c.roleKey.replace(":", " ")}`;
  if (c.user !== undefined) return `user ${c.user.replace(":", " ")}`;
  return `a principal of account ${c.account ?? "?"}`;
}

function inputString(r: PlannedResource, name: string): string | undefined {
  const v = r.inputs[name];
  return typeof v === "string" ? v : undefined;
}
