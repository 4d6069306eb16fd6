import * as fs from "fs";
import * as path from "path";
import { StringDecoder } from "string_decoder";
import * as zlib from "zlib";
import { CloudTrailRecord, RecordError, toRecord } from "./record";
import { ElementScanner, ScanError } from "./scan";

/** What reading one file found: how many records, and what was wrong with it. */
export interface FileReport {
  readonly file: string;
  readonly records: number;
  /** Elements that were not usable records (bad JSON, no eventTime, ...), by reason. */
  readonly skipped: Record<string, number>;
  /** Why the file could not be read to its end; absent when it was. */
  readonly error?: string;
  /** Whether every record of the file was read and usable. */
  readonly complete: boolean;
}

/** Extensions a folder walk reads: trail log files, exports, JSON Lines. */
const READABLE = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

/** The files an argument names: the file itself, or every readable file under a folder (sorted). */
export function expandInputs(inputs: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && READABLE.test(entry.name)) files.push(full);
    }
  };
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (stat.isDirectory()) walk(input);
    else files.push(input);
  }
  return { files, missing };
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Streams the records of one file into `sink`: gzip is recognised by its magic bytes, not the name.
 * Never throws for bad content: a truncated gzip, a file that is not CloudTrail or a broken record
 * is reported in the returned `FileReport`, with the records read before it.
 */
export async function readTrailFile(
  file: string,
  sink: (record: CloudTrailRecord) => void,
): Promise<FileReport> {
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  let records = 0;
  const scanner = new ElementScanner((kind, text) => {
    let record: CloudTrailRecord;
    try {
      record = toRecord(kind, text);
    } catch (err) {
      if (err instanceof RecordError) {
        skip(err.message);
        return;
      }
      throw err;
    }
    if (typeof record.eventTime !== "string" || Number.isNaN(Date.parse(record.eventTime))) {
      skip(
        record.eventTime === undefined
          ? "a record without eventTime"
          : "a record whose eventTime is not a time",
      );
      return;
    }
    records++;
    sink(record);
  });

  const report = (error?: string): FileReport => ({
    file,
    records,
    skipped,
    ...(error === undefined ? {} : { error }),
    complete: error === undefined && Object.keys(skipped).length === 0,
  });

  let gzipped: boolean;
  try {
    gzipped = await startsWith(file, GZIP_MAGIC);
  } catch (err) {
    return report(`cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzipped ? raw.pipe(zlib.createGunzip()) : raw;
  if (gzipped) raw.on("error", (err) => stream.destroy(err));
  const decoder = new StringDecoder("utf8");
  try {
    for await (const chunk of stream) scanner.feed(decoder.write(chunk as Buffer));
    scanner.feed(decoder.end());
    scanner.end();
  } catch (err) {
    raw.destroy();
    return report(describeReadError(err, gzipped, records));
  }
  if (scanner.topValues === 0) return report("is empty: no JSON in it");
  if (
    scanner.wrappersSeen.size === 0 &&
    scanner.recordObjects === 0 &&
    records === 0 &&
    scanner.unknownTopKeys.length > 0
  ) {
    return report(
      `is not CloudTrail: expected a log file ({"Records": [...]}), an Event history or lookup-events export ({"Events": [...]}), CloudTrail Lake query results ({"QueryResultRows": [...]}) or records; it starts with ${JSON.stringify(scanner.unknownTopKeys[0])}`,
    );
  }
  return report();
}

function describeReadError(err: unknown, gzipped: boolean, records: number): string {
  const after = `after ${records} record${records === 1 ? "" : "s"}`;
  if (err instanceof ScanError) return `${err.message}, ${after}`;
  const e = err as NodeJS.ErrnoException;
  if (gzipped && (e.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(e.message))) {
    return `is a truncated gzip file (it ends before the compressed data does), ${after}`;
  }
  if (gzipped && typeof e.code === "string" && e.code.startsWith("Z_")) {
    return `is a damaged gzip file (${e.message}), ${after}`;
  }
  return `could not be read (${e.code ?? e.message}), ${after}`;
}

async function startsWith(file: string, magic: readonly number[]): Promise<boolean> {
  const handle = await fs.promises.open(file, "r");
  try {
    const head = Buffer.alloc(magic.length);
    const { bytesRead } = await handle.read(head, 0, magic.length, 0);
    return bytesRead === magic.length && magic.every((b, i) => head[i] === b);
  } finally {
    await handle.close();
  }
}
