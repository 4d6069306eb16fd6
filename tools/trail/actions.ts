import { accessLevelOf, isReadOnlyLevel } from "../../policy-pack/lib/actions";
import { awsGrantsAsRead } from "../../policy-pack/lib/classify";
import { CloudTrailRecord } from "./record";

/**
 * From a CloudTrail record to the IAM action it stands for, and whether that action writes.
 * The action is `<service prefix>:<eventName>`; the prefix is the event source's host name except
 * where IAM's service prefix differs from the endpoint (AWS Service Authorization Reference).
 */

const PREFIX_EXCEPTIONS: Record<string, string> = {
  monitoring: "cloudwatch",
  email: "ses",
  elasticfilesystem: "elasticfilesystem",
  "execute-api": "execute-api",
  "streams.dynamodb": "dynamodb",
  "api.ecr": "ecr",
  "ecr-public": "ecr-public",
  cloudcontrolapi: "cloudformation",
  signin: "signin",
  "sso-directory": "sso-directory",
  identitystore: "identitystore",
  "bcm-data-exports": "bcm-data-exports",
};

/** Event names whose IAM action has another name (S3's list calls authorise as `s3:ListBucket`). */
const ACTION_EXCEPTIONS: Record<string, string> = {
  "s3:ListObjects": "s3:ListBucket",
  "s3:ListObjectsV2": "s3:ListBucket",
  "s3:ListObjectVersions": "s3:ListBucketVersions",
  "s3:HeadObject": "s3:GetObject",
  "s3:HeadBucket": "s3:ListBucket",
};

export function servicePrefix(eventSource: string): string {
  const host = eventSource.replace(/\.amazonaws\.com(\.cn)?$/, "");
  return PREFIX_EXCEPTIONS[host] ?? host;
}

/** `iam:CreateUser` for a record of `iam.amazonaws.com` `CreateUser`. */
export function actionOf(record: CloudTrailRecord): string {
  const action = `${servicePrefix(record.eventSource ?? "unknown")}:${record.eventName ?? "unknown"}`;
  return ACTION_EXCEPTIONS[action] ?? action;
}

/** `read` or `write` for an IAM action; `undefined` when the source does not know the action. */
export type AccessLevelOf = (action: string) => "read" | "write" | undefined;

/**
 * Access levels from the AWS service reference (the policy meaning core): List and Read are reads,
 * and so is what AWS's own read-only managed policies grant (the reference misfiles a few).
 * Cached per action, as a trail repeats the same few hundred actions.
 */
export function accessLevelFromData(): AccessLevelOf {
  const cache = new Map<string, "read" | "write" | undefined>();
  return (action) => {
    let level = cache.get(action);
    if (level === undefined && !cache.has(action)) {
      const data = accessLevelOf(action);
      level =
        data === undefined ? undefined : isReadOnlyLevel(data) || awsGrantsAsRead(action) ? "read" : "write";
      cache.set(action, level);
    }
    return level;
  };
}

const READ_VERBS =
  /^(Get|List|Describe|Head|BatchGet|Lookup|Search|Scan|Query|Select|View|Check|Validate|Preview|Estimate|Simulate|Test|Download|Export|Read|Detect|Discover|Retrieve|Poll|Receive|Filter|Generate(Credential|Service)|Is|Can)/;

/**
 * Whether a call wrote: the action-meaning data first (access levels List and Read are reads), then
 * the record's own `readOnly` field (CloudTrail's classification), then the verb of the event name.
 */
export function isWriteCall(
  record: CloudTrailRecord,
  action: string,
  accessLevel?: AccessLevelOf,
): { write: boolean; decidedBy: "action data" | "readOnly field" | "verb" } {
  const level = accessLevel?.(action);
  if (level !== undefined) return { write: level === "write", decidedBy: "action data" };
  if (record.readOnly === true || record.readOnly === "true")
    return { write: false, decidedBy: "readOnly field" };
  if (record.readOnly === false || record.readOnly === "false")
    return { write: true, decidedBy: "readOnly field" };
  const verb = action.slice(action.indexOf(":") + 1);
  return { write: !READ_VERBS.test(verb), decidedBy: "verb" };
}
