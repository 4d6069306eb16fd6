import { ElementKind } from "./scan";

/**
 * The CloudTrail record fields the trail report reads, as the CloudTrail record contents reference
 * and the userIdentity element reference describe them (AWS CloudTrail User Guide,
 * cloudtrail-event-reference-record-contents, cloudtrail-event-reference-user-identity).
 */
export interface UserIdentity {
  /** `IAMUser`, `AssumedRole`, `Root`, `AWSAccount`, `AWSService`, `SAMLUser`, `WebIdentityUser`, `IdentityCenterUser`, ... */
  readonly type?: string;
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly invokedBy?: string;
  readonly identityProvider?: string;
  readonly sessionContext?: {
    readonly sessionIssuer?: { type?: string; arn?: string; accountId?: string; userName?: string };
    readonly attributes?: { creationDate?: string; mfaAuthenticated?: string | boolean };
    readonly webIdFederationData?: { federatedProvider?: string; attributes?: Record<string, unknown> };
    readonly sourceIdentity?: string;
  };
  /** Identity Center user behind the request (trusted identity propagation). */
  readonly onBehalfOf?: { userId?: string; identityStoreArn?: string };
}

export interface CloudTrailRecord {
  readonly eventVersion?: string;
  readonly userIdentity?: UserIdentity;
  readonly eventTime?: string;
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly awsRegion?: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters?: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly additionalEventData?: Record<string, unknown>;
  readonly requestID?: string;
  readonly eventID?: string;
  readonly sharedEventID?: string;
  readonly readOnly?: boolean | string;
  readonly eventType?: string;
  readonly recipientAccountId?: string;
  readonly resources?: { ARN?: string; accountId?: string; type?: string }[];
}

/** Why an element could not become a record. */
export class RecordError extends Error {}

/** Turns one scanned element into a record, whichever export it came from. */
export function toRecord(kind: ElementKind, text: string): CloudTrailRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RecordError(`not valid JSON (${(err as Error).message})`);
  }
  switch (kind) {
    case "Records":
    case "array":
    case "record":
      if (!isObject(value)) throw new RecordError("an element that is not a JSON object");
      return value as CloudTrailRecord;
    case "Events":
      return fromLookupEvent(value);
    case "QueryResultRows":
      return fromLakeRow(value);
  }
}

/** `lookup-events`: the record is the JSON string in `CloudTrailEvent`. */
function fromLookupEvent(value: unknown): CloudTrailRecord {
  if (!isObject(value) || typeof value.CloudTrailEvent !== "string") {
    throw new RecordError("an Events element without its CloudTrailEvent string");
  }
  let record: unknown;
  try {
    record = JSON.parse(value.CloudTrailEvent);
  } catch (err) {
    throw new RecordError(`CloudTrailEvent is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(record)) throw new RecordError("CloudTrailEvent is not a JSON object");
  return record as CloudTrailRecord;
}

/**
 * CloudTrail Lake `get-query-results`: each row is a list of one-column objects. Lake returns
 * columns in the case the query wrote them (`eventTime`, `eventtime`), structs and maps rendered as
 * `{key=value, ...}` with lower-case struct keys, `null` for absent values and timestamps as
 * `2024-01-15 10:30:00.000`. Columns holding JSON (`json_format(...)`, `CloudTrailEvent`) are read
 * as JSON; a column holding a whole record (`eventJson`) is the record.
 */
function fromLakeRow(value: unknown): CloudTrailRecord {
  if (!Array.isArray(value)) throw new RecordError("a QueryResultRows row that is not a list of columns");
  const out: Record<string, unknown> = {};
  for (const column of value) {
    if (!isObject(column)) continue;
    for (const [name, raw] of Object.entries(column)) {
      const parsed = typeof raw === "string" ? lakeValue(raw) : raw;
      if (isObject(parsed) && typeof parsed.eventTime === "string" && typeof parsed.eventName === "string") {
        return parsed as CloudTrailRecord;
      }
      out[canonicalKey(name)] = canonicalKeys(parsed);
    }
  }
  if (typeof out.eventTime === "string") out.eventTime = lakeTime(out.eventTime);
  if (out.readOnly === "true" || out.readOnly === "false") out.readOnly = out.readOnly === "true";
  return out as CloudTrailRecord;
}

function lakeValue(raw: string): unknown {
  if (raw === "null") return null;
  const first = raw.charAt(0);
  if (first === "{" || first === "[") {
    try {
      return JSON.parse(raw);
    } catch {
      return parseRendered(raw);
    }
  }
  return raw;
}

/** `2024-01-15 10:30:00.000` (Lake, UTC) as `2024-01-15T10:30:00.000Z`. */
function lakeTime(value: string): string {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
}

/** Parses Lake's `{key=value, other={...}, list=[a, b]}` rendering of structs, maps and arrays. */
export function parseRendered(text: string): unknown {
  let i = 0;
  const value = (inList = false): unknown => {
    if (text[i] === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      while (i < text.length && text[i] !== "}") {
        const eq = text.indexOf("=", i);
        if (eq < 0) break;
        const key = text.slice(i, eq).trim();
        i = eq + 1;
        obj[key] = value();
        if (text.startsWith(", ", i)) i += 2;
        else if (text[i] === ",") i++;
      }
      i++;
      return obj;
    }
    if (text[i] === "[") {
      i++;
      const list: unknown[] = [];
      while (i < text.length && text[i] !== "]") {
        list.push(value(true));
        if (text.startsWith(", ", i)) i += 2;
        else if (text[i] === ",") i++;
      }
      i++;
      return list;
    }
    // A scalar runs to the next ", key=" / ", {" or the closing bracket at this level.
    const start = i;
    while (i < text.length) {
      const ch = text[i];
      if (ch === "}" || ch === "]") break;
      if (ch === "," && (inList || /^, ?([\w.:-]+=|\{|\[)/.test(text.slice(i, i + 80)))) break;
      i++;
    }
    const scalar = text.slice(start, i);
    return scalar === "null" ? null : scalar;
  };
  return value();
}

/** Lake's lower-case struct keys, back to the record's own spelling. */
const CANONICAL: Record<string, string> = Object.fromEntries(
  [
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "sharedEventID",
    "readOnly",
    "eventType",
    "recipientAccountId",
    "resources",
    "principalId",
    "accountId",
    "accessKeyId",
    "userName",
    "sessionContext",
    "sessionIssuer",
    "creationDate",
    "mfaAuthenticated",
    "webIdFederationData",
    "federatedProvider",
    "sourceIdentity",
    "invokedBy",
    "identityProvider",
    "onBehalfOf",
    "userId",
    "identityStoreArn",
  ].map((k) => [k.toLowerCase(), k]),
);

function canonicalKey(key: string): string {
  return CANONICAL[key.toLowerCase()] ?? key;
}

function canonicalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[canonicalKey(k)] = canonicalKeys(v);
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
