import { AccessLevelOf, actionOf, isWriteCall } from "./actions";
import { CloudTrailRecord, isObject, str, UserIdentity } from "./record";

/**
 * The session model: every role assumption in the input (deduplicated: a cross-account AssumeRole
 * is recorded in the caller's account and in the role's account, with the same request ID), and the
 * API calls of the sessions of the selected roles, counted as they stream by. Memory grows with the
 * number of assumptions and sessions, never with the number of records.
 */

export const ASSUME_EVENTS: ReadonlySet<string> = new Set([
  "AssumeRole",
  "AssumeRoleWithWebIdentity",
  "AssumeRoleWithSAML",
]);

/** Who made an assumption request, as the record shows it. */
export interface CallerIdentity {
  /** userIdentity.type of the record that named the caller best. */
  readonly type: string;
  readonly arn?: string;
  readonly account?: string;
  readonly principalId?: string;
  readonly accessKeyId?: string;
  /** AWS service (AWSService callers). */
  readonly service?: string;
  /** Web identity: issuer and subject (the `sub` claim). */
  readonly webIdentity?: {
    readonly provider?: string;
    readonly subject?: string;
    readonly audience?: string;
  };
  /** SAML: provider ARN, subject and issuer. */
  readonly saml?: { readonly providerArn?: string; readonly subject?: string; readonly issuer?: string };
}

/** One AssumeRole* request. */
export interface Assumption {
  readonly key: string;
  readonly time: string;
  readonly ms: number;
  readonly action: string;
  readonly roleArn: string;
  readonly roleAccount: string;
  readonly roleName: string;
  readonly sessionName?: string;
  readonly sourceIdentity?: string;
  caller: CallerIdentity;
  readonly region?: string;
  readonly sourceIp?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` of the new session. */
  sessionArn?: string;
  /** `AROA...:<session>`: how the role's account names this session when it calls elsewhere. */
  assumedRoleId?: string;
  /** Access key of the session's credentials, which its API calls carry. */
  accessKeyId?: string;
  /** Accounts whose trail recorded the request. */
  readonly recordedIn: Set<string>;
}

/** One API call listed in a session (writes only). */
export interface CallEntry {
  readonly time: string;
  readonly action: string;
  readonly region?: string;
  readonly errorCode?: string;
  /** What decided that it writes. */
  readonly decidedBy: string;
}

/** The calls made with one role session's credentials. */
export interface SessionActivity {
  readonly roleAccount: string;
  readonly roleName: string;
  readonly sessionArn: string;
  readonly creationDate?: string;
  readonly accessKeyIds: Set<string>;
  sourceIdentity?: string;
  identityCenterUserId?: string;
  first: string;
  last: string;
  total: number;
  readonly counts: Map<string, { count: number; write: boolean; errors: number }>;
  readonly writes: CallEntry[];
  omittedWrites: number;
}

/** Which roles the report is about. */
export interface RoleSelection {
  /** Human description, e.g. `role SecurityAccessRole` or `every admin-equivalent role`. */
  readonly label: string;
  selects(roleAccount: string, roleName: string): boolean;
}

/** Longest list of write calls kept per session; the rest are counted. */
export const MAX_LISTED_WRITES = 200;

export class TrailAnalyzer {
  readonly assumptions = new Map<string, Assumption>();
  readonly activities = new Map<string, SessionActivity>();
  records = 0;
  first?: string;
  last?: string;

  constructor(
    readonly selection: RoleSelection,
    private readonly accessLevel?: AccessLevelOf,
  ) {}

  add(record: CloudTrailRecord): void {
    this.records++;
    const time = record.eventTime as string;
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    if (record.eventSource === "sts.amazonaws.com" && ASSUME_EVENTS.has(record.eventName ?? "")) {
      this.addAssumption(record, time);
    }
    this.addCall(record, time);
  }

  private addAssumption(record: CloudTrailRecord, time: string): void {
    const params = isObject(record.requestParameters) ? record.requestParameters : {};
    const response = isObject(record.responseElements) ? record.responseElements : {};
    const roleArn = str(params.roleArn);
    if (roleArn === undefined) return;
    const { account: roleAccount, name: roleName } = parseRoleArn(roleArn);
    const key = `${str(record.requestID) ?? str(record.sharedEventID) ?? str(record.eventID) ?? `${time}|${roleArn}`}|${roleArn}`;
    const caller = callerOf(record, params, response);
    const existing = this.assumptions.get(key);
    const recordedIn = str(record.recipientAccountId);
    if (existing !== undefined) {
      if (recordedIn !== undefined) existing.recordedIn.add(recordedIn);
      existing.caller = betterCaller(existing.caller, caller);
      return;
    }
    const assumed = isObject(response.assumedRoleUser) ? response.assumedRoleUser : {};
    const credentials = isObject(response.credentials) ? response.credentials : {};
    this.assumptions.set(key, {
      key,
      time,
      ms: Date.parse(time),
      action: record.eventName as string,
      roleArn,
      roleAccount,
      roleName,
      sessionName: str(params.roleSessionName),
      sourceIdentity:
        str(params.sourceIdentity) ??
        str(response.sourceIdentity) ??
        str(record.userIdentity?.sessionContext?.sourceIdentity),
      caller,
      region: str(record.awsRegion),
      sourceIp: str(record.sourceIPAddress),
      errorCode: str(record.errorCode),
      errorMessage: str(record.errorMessage),
      sessionArn: str(assumed.arn),
      assumedRoleId: str(assumed.assumedRoleId),
      accessKeyId: str(credentials.accessKeyId),
      recordedIn: new Set(recordedIn === undefined ? [] : [recordedIn]),
    });
  }

  private addCall(record: CloudTrailRecord, time: string): void {
    const id = record.userIdentity;
    if (id === undefined || id.type !== "AssumedRole") return;
    const issuer = id.sessionContext?.sessionIssuer;
    const roleArn = str(issuer?.arn);
    if (roleArn === undefined) return;
    const { account, name } = parseRoleArn(roleArn);
    if (!this.selection.selects(account, name)) return;
    const sessionArn = str(id.arn) ?? roleArn;
    const creationDate = str(id.sessionContext?.attributes?.creationDate);
    const accessKeyId = str(id.accessKeyId);
    const key = accessKeyId ?? `${sessionArn}@${creationDate ?? ""}`;
    let activity = this.activities.get(key);
    if (activity === undefined) {
      activity = {
        roleAccount: account,
        roleName: name,
        sessionArn,
        creationDate,
        accessKeyIds: new Set(accessKeyId === undefined ? [] : [accessKeyId]),
        first: time,
        last: time,
        total: 0,
        counts: new Map(),
        writes: [],
        omittedWrites: 0,
      };
      this.activities.set(key, activity);
    }
    activity.total++;
    if (time < activity.first) activity.first = time;
    if (time > activity.last) activity.last = time;
    activity.sourceIdentity ??= str(id.sessionContext?.sourceIdentity);
    activity.identityCenterUserId ??= str(id.onBehalfOf?.userId);
    const action = actionOf(record);
    const { write, decidedBy } = isWriteCall(record, action, this.accessLevel);
    const errorCode = str(record.errorCode);
    const entry = activity.counts.get(action);
    if (entry === undefined) activity.counts.set(action, { count: 1, write, errors: errorCode ? 1 : 0 });
    else {
      entry.count++;
      if (errorCode) entry.errors++;
    }
    if (write) {
      if (activity.writes.length < MAX_LISTED_WRITES) {
        activity.writes.push({ time, action, region: str(record.awsRegion), errorCode, decidedBy });
      } else activity.omittedWrites++;
    }
  }
}

/** `arn:aws:iam::123456789012:role/path/Name` → account and name (paths dropped: session ARNs have none). */
export function parseRoleArn(arn: string): { account: string; name: string } {
  const parts = arn.split(":");
  const resource = parts.slice(5).join(":");
  const segments = resource.split("/");
  return { account: parts[4] ?? "", name: segments[segments.length - 1] ?? resource };
}

/** `arn:aws:sts::A:assumed-role/Role/session` → the role's account and name. */
export function parseSessionArn(arn: string): { account: string; role: string; session: string } | undefined {
  const m = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return m === null ? undefined : { account: m[1], role: m[2], session: m[3] };
}

function callerOf(
  record: CloudTrailRecord,
  params: Record<string, unknown>,
  response: Record<string, unknown>,
): CallerIdentity {
  const id: UserIdentity = record.userIdentity ?? {};
  const type = str(id.type) ?? "Unknown";
  const base = {
    type,
    arn: str(id.arn),
    account: str(id.accountId),
    principalId: str(id.principalId),
    accessKeyId: str(id.accessKeyId),
  };
  if (type === "AWSService") return { ...base, service: str(id.invokedBy) };
  if (record.eventName === "AssumeRoleWithWebIdentity" || type === "WebIdentityUser") {
    return {
      ...base,
      type: "WebIdentityUser",
      webIdentity: {
        provider: str(id.identityProvider) ?? str(response.provider),
        subject: str(response.subjectFromWebIdentityToken) ?? str(id.userName),
        audience: str(response.audience),
      },
    };
  }
  if (record.eventName === "AssumeRoleWithSAML" || type === "SAMLUser") {
    return {
      ...base,
      type: "SAMLUser",
      saml: {
        providerArn: str(params.principalArn),
        subject: str(response.subject) ?? str(id.userName),
        issuer: str(response.issuer),
      },
    };
  }
  return base;
}

/** The caller's own account records its ARN; the role's account only its account and unique ID. */
function betterCaller(a: CallerIdentity, b: CallerIdentity): CallerIdentity {
  const score = (c: CallerIdentity) => (c.arn !== undefined ? 2 : 0) + (c.accessKeyId !== undefined ? 1 : 0);
  const [best, other] = score(b) > score(a) ? [b, a] : [a, b];
  return { ...other, ...withoutUndefined(best) };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
