// The trail part of `npm run bench`: writes a synthetic organization trail (gzipped CloudTrail log
// files, as S3 receives them) and measures `npm run trail`'s reading and analysis of it in a fresh
// process: records per second on one core and peak memory, which must stay flat as records grow.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { runTrail } from "../trail/run";

const RECORDS_PER_FILE = 50_000;
/** Calls per role session; one in twelve records is an AssumeRole (recorded twice: both accounts). */
const CALLS_PER_SESSION = 10;

const ACCOUNTS = Array.from({ length: 50 }, (_, i) => String(100000000000 + i * 1111));
const ROLES = [
  "deployment-role-prod",
  "SecurityAccessRole",
  "AuditReadRole",
  "OrganizationAccountAccessRole",
];
const CALLS: [string, string, boolean][] = [
  ["ec2.amazonaws.com", "DescribeInstances", true],
  ["ecs.amazonaws.com", "UpdateService", false],
  ["s3.amazonaws.com", "GetObject", true],
  ["iam.amazonaws.com", "GetRole", true],
  ["cloudformation.amazonaws.com", "DescribeStacks", true],
  ["lambda.amazonaws.com", "UpdateFunctionCode", false],
  ["kms.amazonaws.com", "Decrypt", true],
  ["iam.amazonaws.com", "CreateUser", false],
];
const UA = "aws-cli/2.22.35 md/awscrt#0.23.8 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.12.6";

function time(i: number): string {
  return new Date(Date.UTC(2026, 10, 2) + i * 50).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Record `i` of the synthetic trail, shaped like the fixtures (CloudTrail record contents reference). */
function record(i: number): object {
  const session = Math.floor(i / (CALLS_PER_SESSION + 2));
  const step = i % (CALLS_PER_SESSION + 2);
  const caller = ACCOUNTS[session % ACCOUNTS.length];
  const target = ACCOUNTS[(session * 7 + 3) % ACCOUNTS.length];
  const role = ROLES[session % ROLES.length];
  const key = `ASIA${String(session).padStart(16, "0")}`;
  const sessionName = `gha-${session}`;
  const sessionArn = `arn:aws:sts::${target}:assumed-role/${role}/${sessionName}`;
  if (step < 2) {
    const callerAccount = step === 0;
    return {
      eventVersion: "1.11",
      userIdentity: callerAccount
        ? {
            type: "AssumedRole",
            principalId: `AROACALLER${session}:${sessionName}`,
            arn: `arn:aws:sts::${caller}:assumed-role/ci-role/${sessionName}`,
            accountId: caller,
            accessKeyId: `ASIACALLER${session}`,
            sessionContext: {
              sessionIssuer: {
                type: "Role",
                arn: `arn:aws:iam::${caller}:role/ci-role`,
                accountId: caller,
                userName: "ci-role",
              },
              attributes: { creationDate: time(i - 5), mfaAuthenticated: "false" },
            },
          }
        : { type: "AWSAccount", principalId: `AROACALLER${session}:${sessionName}`, accountId: caller },
      eventTime: time(i),
      eventSource: "sts.amazonaws.com",
      eventName: "AssumeRole",
      awsRegion: "us-east-1",
      sourceIPAddress: "192.0.2.44",
      userAgent: UA,
      requestParameters: {
        roleArn: `arn:aws:iam::${target}:role/${role}`,
        roleSessionName: sessionName,
        durationSeconds: 3600,
      },
      responseElements: {
        credentials: {
          accessKeyId: key,
          sessionToken: "<encoded session token blob>",
          expiration: "Nov 2, 2026, 10:10:09 AM",
        },
        assumedRoleUser: { assumedRoleId: `AROATARGET${session}:${sessionName}`, arn: sessionArn },
      },
      requestID: `req-${session}`,
      sharedEventID: `shared-${session}`,
      eventID: `evt-${i}`,
      readOnly: true,
      resources: [{ accountId: target, type: "AWS::IAM::Role", ARN: `arn:aws:iam::${target}:role/${role}` }],
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: callerAccount ? caller : target,
      eventCategory: "Management",
    };
  }
  const [source, name, readOnly] = CALLS[i % CALLS.length];
  return {
    eventVersion: "1.11",
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROATARGET${session}:${sessionName}`,
      arn: sessionArn,
      accountId: target,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: `AROATARGET${session}`,
          arn: `arn:aws:iam::${target}:role/${role}`,
          accountId: target,
          userName: role,
        },
        attributes: { creationDate: time(i - step), mfaAuthenticated: "false" },
      },
    },
    eventTime: time(i),
    eventSource: source,
    eventName: name,
    awsRegion: "eu-west-1",
    sourceIPAddress: "192.0.2.44",
    userAgent: UA,
    requestParameters: { resource: `item-${i % 997}` },
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `evt-${i}`,
    readOnly,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: target,
    eventCategory: "Management",
  };
}

/** Writes `count` records as gzipped log files of RECORDS_PER_FILE records; returns the bytes written. */
export async function writeSyntheticTrail(dir: string, count: number): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (let start = 0, file = 0; start < count; start += RECORDS_PER_FILE, file++) {
    const out = path.join(
      dir,
      `000000000000_CloudTrail_us-east-1_20261102T${String(file).padStart(4, "0")}Z_synthetic.json.gz`,
    );
    const gzip = zlib.createGzip({ level: 1 });
    const sink = fs.createWriteStream(out);
    gzip.pipe(sink);
    const end = Math.min(count, start + RECORDS_PER_FILE);
    const write = (text: string) =>
      gzip.write(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => gzip.once("drain", () => resolve()));
    await write('{"Records":[');
    for (let i = start; i < end; i++) await write(`${i === start ? "" : ","}${JSON.stringify(record(i))}`);
    gzip.end("]}");
    await new Promise<void>((resolve, reject) => sink.on("finish", () => resolve()).on("error", reject));
    bytes += fs.statSync(out).size;
  }
  return bytes;
}

/** Measures one trail run over `dir` in this process. */
async function measureHere(dir: string): Promise<void> {
  const start = process.hrtime.bigint();
  const outcome = await runTrail({ inputs: [dir], roles: ["admin"] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const report = outcome.report;
  console.log(
    JSON.stringify({
      records: report?.records ?? 0,
      assumptions: report?.assumptions.length ?? 0,
      seconds,
      recordsPerSecond: Math.round((report?.records ?? 0) / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      complete: report?.complete ?? false,
    }),
  );
}

export interface TrailBench {
  readonly records: number;
  readonly gzipMb: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
  readonly assumptions: number;
  readonly complete: boolean;
}

/** Writes the synthetic trail, then measures the trail in a fresh process (one core: it is single-threaded). */
export async function benchTrail(work: string, records: number): Promise<TrailBench> {
  const dir = path.join(work, "trail");
  const bytes = await writeSyntheticTrail(dir, records);
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", __filename, "measure", dir],
    {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    },
  );
  fs.rmSync(dir, { recursive: true, force: true });
  const sample = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Omit<TrailBench, "gzipMb">;
  return { ...sample, gzipMb: Math.round(bytes / 1024 / 1024) };
}

if (require.main === module && process.argv[2] === "measure") {
  measureHere(process.argv[3]).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
