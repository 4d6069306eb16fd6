import { FileReport } from "./source";
import {
  Assumption,
  CallerIdentity,
  parseRoleArn,
  parseSessionArn,
  SessionActivity,
  TrailAnalyzer,
} from "./sessions";
import { oidcHost } from "./expected";
import type { PlanKnowledge, Verdict } from "./expected";

const GITHUB_HOST = "token.actions.githubusercontent.com";

/**
 * The answer to "who assumed this role, when, from where, through which chain, and what did the
 * session do": plain data, rendered as a terminal table, Markdown or JSON. Field names are a stable
 * interface: add fields, never rename.
 */

export interface ChainHop {
  /** `arn:aws:iam::A:role/Name` of the role assumed at this hop, or the origin principal. */
  readonly principal: string;
  readonly sessionName?: string;
  readonly sourceIdentity?: string;
  /** How this hop was entered: `AssumeRole`, `AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`, or `origin`. */
  readonly via: string;
  readonly time?: string;
}

export interface WriteCall {
  readonly time: string;
  readonly action: string;
  readonly region?: string;
  readonly errorCode?: string;
  /** What decided that it writes: action data, the record's readOnly field, or the verb. */
  readonly decidedBy: string;
  /** Outside the role's intended scope (its policies in the plan); absent without a plan or scope. */
  readonly outOfScope?: boolean;
}

export interface SessionSummary {
  readonly sessionArn: string;
  readonly calls: number;
  readonly first?: string;
  readonly last?: string;
  /** Call counts by service prefix. */
  readonly byService: Record<string, number>;
  /** Call counts by action, with whether the action writes and how many calls failed. */
  readonly actions: { action: string; count: number; write: boolean; errors: number }[];
  readonly writes: WriteCall[];
  /** Write calls beyond the listed ones. */
  readonly omittedWrites: number;
  /** Identity Center user ID from `onBehalfOf`, when the calls carried it. */
  readonly identityCenterUserId?: string;
}

export interface AssumptionRow {
  readonly time: string;
  readonly role: string;
  readonly roleAccount: string;
  readonly roleName: string;
  readonly action: string;
  readonly sessionName?: string;
  readonly sourceIdentity?: string;
  /** Where the chain starts: a user, root, a web identity subject, a SAML user, a service, or an unresolved session. */
  readonly sourcePrincipal: string;
  /** Who called AssumeRole* directly (a role session in a chain). */
  readonly caller: string;
  readonly callerAccount?: string;
  /** From the origin to this role; one hop for a direct assumption. */
  readonly chain: ChainHop[];
  readonly webIdentitySubject?: string;
  readonly identityCenterUser?: string;
  readonly region?: string;
  readonly sourceIp?: string;
  /** Failed assumptions carry the error (AccessDenied, ...). */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Accounts whose trails recorded the request (the caller's and the role's for cross-account calls). */
  readonly recordedIn: string[];
  /** With a plan: expected, unexpected, or the role is not the plan's. */
  readonly verdict?: Verdict;
  readonly session?: SessionSummary;
}

export interface TrailReport {
  readonly generatedAt: string;
  readonly selection: string;
  readonly window: { readonly from?: string; readonly to?: string };
  readonly files: FileReport[];
  /** Every file read to its end and every record usable: the answer covers all the input. */
  readonly complete: boolean;
  readonly records: number;
  readonly recordsFrom?: string;
  readonly recordsTo?: string;
  readonly plans: string[];
  readonly assumptions: AssumptionRow[];
  /** Sessions of the selected roles whose assumption is not in the input (it happened before it). */
  readonly sessionsWithoutAssumption: (SessionSummary & {
    roleAccount: string;
    roleName: string;
    sourceIdentity?: string;
  })[];
  readonly unexpected: number;
  readonly outOfScopeWrites: number;
}

export interface ReportOptions {
  readonly from?: number;
  readonly to?: number;
  readonly plan?: PlanKnowledge;
  readonly planFiles?: string[];
  readonly selection: string;
}

/** A session's creation date is its assumption's event time, to the second. */
const SAME_SESSION_MS = 120_000;
const MAX_CHAIN = 10;

export function buildReport(
  analyzer: TrailAnalyzer,
  files: FileReport[],
  options: ReportOptions,
): TrailReport {
  const index = new AssumptionIndex([...analyzer.assumptions.values()]);
  const inWindow = (ms: number) =>
    (options.from === undefined || ms >= options.from) && (options.to === undefined || ms <= options.to);

  const sessionsOf = new Map<Assumption, SessionActivity[]>();
  const orphans: SessionActivity[] = [];
  for (const activity of analyzer.activities.values()) {
    const owner = index.ownerOf(activity);
    if (owner === undefined) orphans.push(activity);
    else sessionsOf.set(owner, [...(sessionsOf.get(owner) ?? []), activity]);
  }

  const rows: AssumptionRow[] = [];
  const selectedAssumptions = [...analyzer.assumptions.values()]
    .filter((a) => analyzer.selection.selects(a.roleAccount, a.roleName) && inWindow(a.ms))
    .sort((a, b) => a.ms - b.ms || a.roleArn.localeCompare(b.roleArn));
  for (const a of selectedAssumptions) {
    const chain = index.chainOf(a);
    const activities = sessionsOf.get(a) ?? [];
    const session = activities.length === 0 ? undefined : summarise(activities);
    const verdict = options.plan?.judge(a, chain);
    const withScope =
      session && options.plan ? options.plan.scopeWrites(a.roleAccount, a.roleName, session) : session;
    rows.push({
      time: a.time,
      role: a.roleArn,
      roleAccount: a.roleAccount,
      roleName: a.roleName,
      action: a.action,
      ...(a.sessionName === undefined ? {} : { sessionName: a.sessionName }),
      ...(a.sourceIdentity === undefined ? {} : { sourceIdentity: a.sourceIdentity }),
      sourcePrincipal: chain[0].principal,
      caller: callerLabel(a.caller, index),
      ...(a.caller.account === undefined ? {} : { callerAccount: a.caller.account }),
      chain,
      ...(a.caller.webIdentity?.subject === undefined
        ? {}
        : { webIdentitySubject: a.caller.webIdentity.subject }),
      ...identityCenterUser(a, session),
      ...(a.region === undefined ? {} : { region: a.region }),
      ...(a.sourceIp === undefined ? {} : { sourceIp: a.sourceIp }),
      ...(a.errorCode === undefined ? {} : { errorCode: a.errorCode }),
      ...(a.errorMessage === undefined ? {} : { errorMessage: a.errorMessage }),
      recordedIn: [...a.recordedIn].sort(),
      ...(verdict === undefined ? {} : { verdict }),
      ...(withScope === undefined ? {} : { session: withScope }),
    });
  }

  const withoutAssumption = orphans
    .filter((o) => inWindow(Date.parse(o.first)))
    .sort((a, b) => a.first.localeCompare(b.first))
    .map((o) => {
      const summary = summarise([o]);
      const scoped = options.plan ? options.plan.scopeWrites(o.roleAccount, o.roleName, summary) : summary;
      return {
        ...scoped,
        roleAccount: o.roleAccount,
        roleName: o.roleName,
        ...(o.sourceIdentity === undefined ? {} : { sourceIdentity: o.sourceIdentity }),
      };
    });

  const outOfScope =
    rows.reduce((n, r) => n + (r.session?.writes.filter((w) => w.outOfScope).length ?? 0), 0) +
    withoutAssumption.reduce((n, s) => n + s.writes.filter((w) => w.outOfScope).length, 0);
  const unexpected = rows.filter((r) => r.verdict?.status === "unexpected").length;
  return {
    generatedAt: new Date().toISOString(),
    selection: options.selection,
    window: {
      ...(options.from === undefined ? {} : { from: new Date(options.from).toISOString() }),
      ...(options.to === undefined ? {} : { to: new Date(options.to).toISOString() }),
    },
    files,
    complete: files.every((f) => f.complete),
    records: analyzer.records,
    ...(analyzer.first === undefined ? {} : { recordsFrom: analyzer.first }),
    ...(analyzer.last === undefined ? {} : { recordsTo: analyzer.last }),
    plans: options.planFiles ?? [],
    assumptions: rows,
    sessionsWithoutAssumption: withoutAssumption,
    unexpected,
    outOfScopeWrites: outOfScope,
  };
}

function identityCenterUser(
  a: Assumption,
  session: SessionSummary | undefined,
): { identityCenterUser?: string } {
  if (!a.roleName.startsWith("AWSReservedSSO_")) return {};
  const user = a.caller.saml?.subject ?? a.sessionName ?? session?.identityCenterUserId;
  return user === undefined ? {} : { identityCenterUser: user };
}

function summarise(activities: SessionActivity[]): SessionSummary {
  const counts = new Map<string, { count: number; write: boolean; errors: number }>();
  const writes: WriteCall[] = [];
  let calls = 0;
  let omitted = 0;
  let first: string | undefined;
  let last: string | undefined;
  let icUser: string | undefined;
  for (const a of activities) {
    calls += a.total;
    omitted += a.omittedWrites;
    if (first === undefined || a.first < first) first = a.first;
    if (last === undefined || a.last > last) last = a.last;
    icUser ??= a.identityCenterUserId;
    for (const [action, c] of a.counts) {
      const e = counts.get(action);
      if (e === undefined) counts.set(action, { ...c });
      else {
        e.count += c.count;
        e.errors += c.errors;
      }
    }
    writes.push(...a.writes);
  }
  const byService: Record<string, number> = {};
  const actions = [...counts.entries()]
    .map(([action, c]) => ({ action, ...c }))
    .sort((x, y) => y.count - x.count || x.action.localeCompare(y.action));
  for (const a of actions) {
    const service = a.action.slice(0, a.action.indexOf(":"));
    byService[service] = (byService[service] ?? 0) + a.count;
  }
  writes.sort((x, y) => x.time.localeCompare(y.time) || x.action.localeCompare(y.action));
  return {
    sessionArn: activities[0].sessionArn,
    calls,
    ...(first === undefined ? {} : { first }),
    ...(last === undefined ? {} : { last }),
    byService: Object.fromEntries(Object.entries(byService).sort(([a], [b]) => a.localeCompare(b))),
    actions,
    writes,
    omittedWrites: omitted,
    ...(icUser === undefined ? {} : { identityCenterUserId: icUser }),
  };
}

/** Finds the assumption that created a session, from its credentials or its ARN and time. */
class AssumptionIndex {
  private readonly byKey = new Map<string, Assumption>();
  private readonly bySessionArn = new Map<string, Assumption[]>();
  private readonly byRoleId = new Map<string, Assumption[]>();

  constructor(all: Assumption[]) {
    for (const a of all.sort((x, y) => x.ms - y.ms)) {
      if (a.errorCode !== undefined) continue;
      if (a.accessKeyId !== undefined) this.byKey.set(a.accessKeyId, a);
      if (a.sessionArn !== undefined) push(this.bySessionArn, a.sessionArn, a);
      if (a.assumedRoleId !== undefined) push(this.byRoleId, a.assumedRoleId, a);
    }
  }

  /** The assumption whose session made these calls. */
  ownerOf(activity: SessionActivity): Assumption | undefined {
    for (const key of activity.accessKeyIds) {
      const a = this.byKey.get(key);
      if (a !== undefined) return a;
    }
    const candidates = this.bySessionArn.get(activity.sessionArn) ?? [];
    if (activity.creationDate !== undefined) {
      const created = Date.parse(activity.creationDate);
      const same = candidates.find((a) => Math.abs(a.ms - created) <= SAME_SESSION_MS);
      if (same !== undefined) return same;
      return undefined;
    }
    return latestBefore(candidates, Date.parse(activity.first));
  }

  /** The assumption that created the session a caller used, if the caller is a role session. */
  sessionOf(caller: CallerIdentity, beforeMs: number): Assumption | undefined {
    if (caller.accessKeyId !== undefined) {
      const a = this.byKey.get(caller.accessKeyId);
      if (a !== undefined && a.ms <= beforeMs) return a;
    }
    if (caller.arn !== undefined && parseSessionArn(caller.arn) !== undefined) {
      return latestBefore(this.bySessionArn.get(caller.arn) ?? [], beforeMs);
    }
    if (caller.type === "AWSAccount" && caller.principalId?.includes(":")) {
      return latestBefore(this.byRoleId.get(caller.principalId) ?? [], beforeMs);
    }
    return undefined;
  }

  chainOf(a: Assumption): ChainHop[] {
    const hops: ChainHop[] = [hopOf(a)];
    let current = a;
    const seen = new Set<Assumption>([a]);
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const previous = this.sessionOf(current.caller, current.ms);
      if (previous === undefined || seen.has(previous)) break;
      seen.add(previous);
      hops.unshift(hopOf(previous));
      current = previous;
    }
    hops.unshift({ principal: originLabel(current.caller), via: "origin" });
    return hops;
  }
}

function hopOf(a: Assumption): ChainHop {
  return {
    principal: `arn:aws:iam::${a.roleAccount}:role/${a.roleName}`,
    ...(a.sessionName === undefined ? {} : { sessionName: a.sessionName }),
    ...(a.sourceIdentity === undefined ? {} : { sourceIdentity: a.sourceIdentity }),
    via: a.action,
    time: a.time,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function latestBefore(sorted: Assumption[], ms: number): Assumption | undefined {
  let found: Assumption | undefined;
  for (const a of sorted) {
    if (a.ms > ms) break;
    found = a;
  }
  return found;
}

/** Where a chain starts, in words a reviewer reads. */
export function originLabel(c: CallerIdentity): string {
  switch (c.type) {
    case "WebIdentityUser": {
      const host = oidcHost(c.webIdentity?.provider);
      return `${host === GITHUB_HOST ? "github" : `web identity ${host || "?"}`} ${c.webIdentity?.subject ?? "?"}`;
    }
    case "SAMLUser":
      return `SAML user ${c.saml?.subject ?? "?"} (${c.saml?.providerArn ?? "?"})`;
    case "AWSService":
      return `service ${c.service ?? "?"}`;
    case "AWSAccount":
      return c.principalId?.includes(":")
        ? `session ${c.principalId} of account ${c.account ?? "?"} (its assumption is not in the input)`
        : `principal ${c.principalId ?? "?"} of account ${c.account ?? "?"}`;
    case "AssumedRole":
      return `session ${c.arn ?? "?"} (its assumption is not in the input)`;
    default:
      return c.arn ?? `${c.type} ${c.principalId ?? ""} of account ${c.account ?? "?"}`.trim();
  }
}

function callerLabel(c: CallerIdentity, index: AssumptionIndex): string {
  if (c.arn !== undefined) return c.arn;
  if (c.type === "AWSAccount" && c.principalId?.includes(":")) {
    const session = index.sessionOf(c, Number.MAX_SAFE_INTEGER);
    if (session?.sessionArn !== undefined) return session.sessionArn;
  }
  return originLabel(c);
}

/** The role key `<account>:<name>` of a role ARN or an assumed-role session ARN. */
export function roleKeyOf(arn: string): string | undefined {
  const session = parseSessionArn(arn);
  if (session !== undefined) return `${session.account}:${session.role}`;
  if (!/:role\//.test(arn)) return undefined;
  const { account, name } = parseRoleArn(arn);
  return `${account}:${name}`;
}
