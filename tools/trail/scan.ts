/**
 * A streaming scanner that finds the CloudTrail records inside JSON text without parsing the whole
 * document: it tracks only nesting and strings, cuts each record's text out as it closes and hands
 * it to `JSON.parse`. Memory holds one record (plus the unread tail of a chunk), never a file.
 *
 * Shapes it recognises (the first key of a top-level object decides):
 * - `{"Records": [ {record}, ... ]}`: a trail's log file (gzipped JSON as delivered to S3), and the
 *   console's Event history "Download as JSON".
 * - `{"Events": [ {"CloudTrailEvent": "<record as a JSON string>", ...} ]}`: `aws cloudtrail lookup-events`.
 * - `{"QueryResultRows": [ [ {"column": "value"}, ... ] ]}`: CloudTrail Lake `get-query-results`.
 * - `[ {record}, ... ]`: a JSON array of records.
 * - `{record}` one or more times (one per line or concatenated): JSON Lines exports.
 */

/** Where an element came from; decides how it becomes a record. */
export type ElementKind = "Records" | "Events" | "QueryResultRows" | "array" | "record";

export const WRAPPER_KEYS: ReadonlySet<string> = new Set(["Records", "Events", "QueryResultRows"]);

/** Top-level keys that say the object is itself one record (JSON Lines, a single record). */
const RECORD_KEYS: ReadonlySet<string> = new Set([
  "eventVersion",
  "eventTime",
  "eventName",
  "eventSource",
  "userIdentity",
  "eventID",
  "awsRegion",
  "requestParameters",
  "eventType",
]);

/** One record is at most this long; CloudTrail events are far smaller (EventBridge caps them at 256 KB). */
export const MAX_ELEMENT_CHARS = 8 * 1024 * 1024;

export class ScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScanError";
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

export class ElementScanner {
  private carry = "";
  /** Nesting depth outside the current position. */
  private depth = 0;
  private inString = false;
  /** Trailing backslashes of the previous chunk while inside a string (escape state across chunks). */
  private pendingBackslashes = 0;
  /** Kind of the top-level value being read: object or array. */
  private top: "object" | "array" | undefined;
  /** For a top-level object: undecided until its first key, then wrapper or record. */
  private topMode: "undecided" | "wrapper" | "record" = "undecided";
  private expectKey = false;
  private currentKey: string | undefined;
  /** The wrapper array being streamed (depth 2), if any. */
  private wrapper: ElementKind | undefined;
  private keyStart = -1;
  private captureStart = -1;
  private topStart = -1;
  /** Wrapper keys seen, for the caller's "is this CloudTrail at all" check. */
  public readonly wrappersSeen = new Set<string>();
  public topValues = 0;
  public recordObjects = 0;
  /** Top-level objects that were neither a wrapper nor a record (their first key). */
  public readonly unknownTopKeys: string[] = [];

  constructor(private readonly emit: (kind: ElementKind, text: string) => void) {}

  /** Scans the next piece of text. */
  feed(chunk: string): void {
    const buf = this.carry.length === 0 ? chunk : this.carry + chunk;
    const n = buf.length;
    let i = this.carry.length === 0 ? 0 : this.resumeAt;
    while (i < n) {
      if (this.inString) {
        const q = buf.indexOf('"', i);
        if (q < 0) {
          let run = 0;
          for (let k = n - 1; k >= i && buf.charCodeAt(k) === BACKSLASH; k--) run++;
          this.pendingBackslashes = run === n - i ? this.pendingBackslashes + run : run;
          i = n;
          break;
        }
        let run = 0;
        let k = q - 1;
        while (k >= i && buf.charCodeAt(k) === BACKSLASH) {
          run++;
          k--;
        }
        if (k < i) run += this.pendingBackslashes;
        this.pendingBackslashes = 0;
        i = q + 1;
        if (run % 2 === 1) continue;
        this.inString = false;
        if (this.keyStart >= 0) {
          this.onKey(buf.slice(this.keyStart + 1, q));
          this.keyStart = -1;
        }
        continue;
      }
      const c = buf.charCodeAt(i);
      if (c === QUOTE) {
        this.inString = true;
        this.pendingBackslashes = 0;
        if (this.depth === 1 && this.top === "object" && this.expectKey) this.keyStart = i;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.open(c, i);
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.close(buf, i);
      } else if (c === COMMA && this.depth === 1 && this.top === "object") {
        this.expectKey = true;
      }
      i++;
    }
    this.keep(buf);
  }

  /** Called after the last chunk: throws when the text ends inside a value. */
  end(): void {
    if (this.inString || this.depth !== 0) {
      throw new ScanError(
        `the JSON ends inside ${this.inString ? "a string" : "an object or array"} (a truncated or partial file)`,
      );
    }
  }

  private resumeAt = 0;

  private open(c: number, i: number): void {
    this.depth++;
    if (this.depth === 1) {
      this.topValues++;
      this.top = c === OPEN_OBJECT ? "object" : "array";
      this.topStart = i;
      this.topMode = "undecided";
      this.expectKey = this.top === "object";
      this.currentKey = undefined;
      if (this.top === "array") this.wrapper = "array";
      return;
    }
    if (this.top === "object" && this.depth === 2) {
      this.expectKey = false;
      if (
        c === OPEN_ARRAY &&
        this.topMode === "wrapper" &&
        this.currentKey !== undefined &&
        WRAPPER_KEYS.has(this.currentKey)
      ) {
        this.wrapper = this.currentKey as ElementKind;
      }
      return;
    }
    const elementDepth = this.top === "array" ? 2 : 3;
    if (this.depth === elementDepth && this.wrapper !== undefined && this.captureStart < 0) {
      this.captureStart = i;
    }
  }

  private close(buf: string, i: number): void {
    this.depth--;
    if (this.depth < 0) throw new ScanError("a closing bracket without its opening one");
    if (this.depth === 0) {
      if (this.top === "object" && this.topMode === "record") {
        this.recordObjects++;
        this.emit("record", buf.slice(this.topStart, i + 1));
      } else if (this.top === "object" && this.topMode === "undecided") {
        this.unknownTopKeys.push("(empty object)");
      }
      this.topStart = -1;
      this.top = undefined;
      this.wrapper = undefined;
      return;
    }
    if (this.top === "object" && this.depth === 1) {
      this.wrapper = undefined;
      return;
    }
    const elementDepth = this.top === "array" ? 2 : 3;
    if (this.depth === elementDepth - 1 && this.captureStart >= 0) {
      const kind = this.wrapper ?? "array";
      const start = this.captureStart;
      this.captureStart = -1;
      this.emit(kind, buf.slice(start, i + 1));
    }
  }

  private onKey(key: string): void {
    this.currentKey = key;
    this.expectKey = false;
    if (this.topMode !== "undecided") return;
    if (WRAPPER_KEYS.has(key)) {
      this.topMode = "wrapper";
      this.wrappersSeen.add(key);
    } else if (RECORD_KEYS.has(key)) {
      this.topMode = "record";
    } else {
      this.topMode = "wrapper";
      this.unknownTopKeys.push(key);
    }
    if (this.topMode === "wrapper") this.topStart = -1;
  }

  /** Keeps the unread tail that a record, key or undecided top-level object still needs. */
  private keep(buf: string): void {
    let from = buf.length;
    for (const start of [this.captureStart, this.keyStart, this.topMode === "wrapper" ? -1 : this.topStart]) {
      if (start >= 0 && start < from) from = start;
    }
    if (from === buf.length) {
      this.carry = "";
      this.resumeAt = 0;
      return;
    }
    if (buf.length - from > MAX_ELEMENT_CHARS) {
      throw new ScanError(
        `a single record is longer than ${MAX_ELEMENT_CHARS / 1024 / 1024} MiB; CloudTrail records are far smaller, so this is not a CloudTrail file`,
      );
    }
    this.carry = buf.slice(from);
    this.resumeAt = buf.length - from;
    if (this.captureStart >= 0) this.captureStart -= from;
    if (this.keyStart >= 0) this.keyStart -= from;
    if (this.topStart >= 0) this.topStart -= from;
  }
}
