import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { main } from "../../tools/trail";
import { accessLevelFromData, actionOf, isWriteCall } from "../../tools/trail/actions";
import { parseRendered } from "../../tools/trail/record";
import { ElementKind, ElementScanner } from "../../tools/trail/scan";
import { readTrailFile } from "../../tools/trail/source";
import { runTrail } from "../../tools/trail/run";
import { TrailReport } from "../../tools/trail/report";

// Fixtures are written from the CloudTrail record contents and userIdentity references and the IAM
// user guide's STS examples (cross-account AssumeRole recorded in both accounts with one requestID,
// the role's account naming the caller as type AWSAccount with its account and principal ID only;
// AssumeRoleWithWebIdentity / AssumeRoleWithSAML; sourceIdentity in requestParameters and
// sessionContext). The plan reports are the example stacks' `npm run plan` JSON, trimmed to access
// and IAM resources.
const FIXTURES = path.join(__dirname, "fixtures");
const TRAIL = path.join(FIXTURES, "org-trail");
const EXPORTS = path.join(FIXTURES, "exports");
const BAD = path.join(FIXTURES, "bad");
const PLANS = [
  path.join(FIXTURES, "plans", "plan-management.json"),
  path.join(FIXTURES, "plans", "plan-security.json"),
];

function scanAll(text: string, split: (text: string) => string[]): [ElementKind, string][] {
  const out: [ElementKind, string][] = [];
  const scanner = new ElementScanner((kind, t) => out.push([kind, t]));
  for (const piece of split(text)) scanner.feed(piece);
  scanner.end();
  return out;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

async function report(options: Partial<Parameters<typeof runTrail>[0]> = {}): Promise<TrailReport> {
  const outcome = await runTrail({ inputs: [TRAIL, EXPORTS], plans: PLANS, ...options });
  assert.ok(outcome.report, outcome.problems.join("; "));
  return outcome.report;
}

describe("trail: streaming reader", () => {
  const records = [
    {
      eventTime: "2026-11-02T09:00:00Z",
      eventName: "A",
      userAgent: 'quote " and backslash \\ and \\" mixed',
    },
    { eventTime: "2026-11-02T09:00:01Z", eventName: "B", requestParameters: { list: [1, [2, { x: "}]" }]] } },
    { eventTime: "2026-11-02T09:00:02Z", eventName: "C", note: "ünïcödé ✓ \\\\" },
  ];
  const text = JSON.stringify({ NextToken: 'x\\"y', Records: records, Other: [{ eventTime: "no" }] });

  it("cuts out every record whatever the chunk boundaries (escapes and brackets inside strings included)", () => {
    const whole = scanAll(text, (t) => [t]);
    assert.deepEqual(
      whole.map(([kind, t]) => [kind, JSON.parse(t)]),
      records.map((r) => ["Records", r]),
    );
    const oneByOne = scanAll(text, (t) => t.split(""));
    assert.deepEqual(oneByOne, whole);
    for (const size of [2, 3, 7, 13, 64]) {
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
      assert.deepEqual(
        scanAll(text, () => pieces),
        whole,
        `chunks of ${size}`,
      );
    }
  });

  it("reads a JSON array of records, JSON Lines, lookup-events and Lake rows", () => {
    assert.deepEqual(
      scanAll(JSON.stringify(records), (t) => [t]).map(([k]) => k),
      ["array", "array", "array"],
    );
    const lines = records.map((r) => JSON.stringify(r)).join("\n");
    assert.deepEqual(
      scanAll(lines, (t) => t.split("")).map(([k, t]) => [k, JSON.parse(t).eventName]),
      [
        ["record", "A"],
        ["record", "B"],
        ["record", "C"],
      ],
    );
    const lookup = JSON.stringify({
      Events: [{ EventId: "1", CloudTrailEvent: JSON.stringify(records[0]) }],
    });
    assert.deepEqual(
      scanAll(lookup, (t) => [t]).map(([k]) => k),
      ["Events"],
    );
    const lake = JSON.stringify({
      QueryStatus: "FINISHED",
      QueryResultRows: [[{ eventTime: "x" }], [{ eventTime: "y" }]],
    });
    assert.deepEqual(
      scanAll(lake, (t) => [t]).map(([k, t]) => [k, t]),
      [
        ["QueryResultRows", '[{"eventTime":"x"}]'],
        ["QueryResultRows", '[{"eventTime":"y"}]'],
      ],
    );
  });

  it("parses Lake's rendering of structs, maps and lists", () => {
    assert.deepEqual(
      parseRendered(
        "{type=AssumedRole, principalid=AROA1:s, arn=arn:aws:sts::1:assumed-role/R/s, username=null, sessioncontext={attributes={creationdate=2023-06-07 23:59:12.000, mfaauthenticated=true}, sessionissuer={type=Role, arn=arn:aws:iam::1:role/R}}, tags=[a, b]}",
      ),
      {
        type: "AssumedRole",
        principalid: "AROA1:s",
        arn: "arn:aws:sts::1:assumed-role/R/s",
        username: null,
        sessioncontext: {
          attributes: { creationdate: "2023-06-07 23:59:12.000", mfaauthenticated: "true" },
          sessionissuer: { type: "Role", arn: "arn:aws:iam::1:role/R" },
        },
        tags: ["a", "b"],
      },
    );
  });

  it("reads gzipped log files by their magic bytes, whatever the name", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trail-"));
    const file = path.join(dir, "records.data");
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify({ Records: records })));
    const seen: string[] = [];
    const result = await readTrailFile(file, (r) => seen.push(r.eventName as string));
    assert.deepEqual(seen, ["A", "B", "C"]);
    assert.deepEqual(result, { file, records: 3, skipped: {}, complete: true });
  });

  it("reports each bad file with a clear message and keeps the records read before the problem", async () => {
    const read = async (name: string) => {
      const seen: string[] = [];
      const r = await readTrailFile(path.join(BAD, name), (rec) => seen.push(rec.eventName as string));
      return { ...r, seen };
    };
    const notCloudTrail = await read("not-cloudtrail.json");
    assert.equal(notCloudTrail.complete, false);
    assert.match(
      notCloudTrail.error ?? "",
      /^is not CloudTrail: expected a log file .* it starts with "kind"$/,
    );

    const truncatedGzip = await read("truncated.json.gz");
    assert.equal(truncatedGzip.complete, false);
    assert.match(
      truncatedGzip.error ?? "",
      /^is a truncated gzip file \(it ends before the compressed data does\), after \d+ records?$/,
    );

    const truncatedJson = await read("truncated.json");
    assert.equal(truncatedJson.complete, false);
    assert.match(
      truncatedJson.error ?? "",
      /^the JSON ends inside a string \(a truncated or partial file\), after 1 record$/,
    );
    assert.deepEqual(truncatedJson.seen, ["AssumeRole"]);

    const noTime = await read("without-event-time.json");
    assert.deepEqual(noTime.skipped, { "a record without eventTime": 1 });
    assert.equal(noTime.records, 1);
    assert.equal(noTime.error, undefined);
    assert.equal(noTime.complete, false);

    const malformed = await read("malformed-record.json");
    assert.equal(malformed.records, 1);
    assert.deepEqual(Object.keys(malformed.skipped).length, 1);
    assert.match(Object.keys(malformed.skipped)[0], /^not valid JSON/);
  });
});

describe("trail: read or write", () => {
  const record = (readOnly?: boolean) => ({
    eventTime: "2026-11-02T00:00:00Z",
    ...(readOnly === undefined ? {} : { readOnly }),
  });
  it("decides with the service reference's access levels first, then the record's readOnly field, then the verb", () => {
    const data = accessLevelFromData();
    assert.deepEqual(isWriteCall(record(true), "iam:CreateUser", data), {
      write: true,
      decidedBy: "action data",
    });
    assert.deepEqual(isWriteCall(record(false), "ec2:DescribeInstances", data), {
      write: false,
      decidedBy: "action data",
    });
    assert.deepEqual(isWriteCall(record(true), "newservice:DoThing", data), {
      write: false,
      decidedBy: "readOnly field",
    });
    assert.deepEqual(isWriteCall(record(), "newservice:DoThing", data), { write: true, decidedBy: "verb" });
    assert.deepEqual(isWriteCall(record(), "newservice:ListThings", data), {
      write: false,
      decidedBy: "verb",
    });
  });

  it("names the IAM action of an event where the endpoint and the service prefix differ", () => {
    assert.equal(
      actionOf({ eventSource: "monitoring.amazonaws.com", eventName: "PutMetricAlarm" }),
      "cloudwatch:PutMetricAlarm",
    );
    assert.equal(actionOf({ eventSource: "s3.amazonaws.com", eventName: "ListObjectsV2" }), "s3:ListBucket");
    assert.equal(actionOf({ eventSource: "iam.amazonaws.com", eventName: "CreateUser" }), "iam:CreateUser");
  });
});

describe("trail: who assumed what", () => {
  it("answers with the chain, the source identity, the web identity subject and the Identity Center user", async () => {
    const r = await report({ plans: [] });
    assert.equal(r.complete, true);
    assert.equal(r.records, 20);
    assert.deepEqual(
      r.assumptions.map((a) => [a.time, a.roleName, a.roleAccount, a.action]),
      [
        ["2026-11-02T09:10:04Z", "ci-prod", "444444444444", "AssumeRoleWithWebIdentity"],
        ["2026-11-02T09:10:09Z", "deployment-role-prod", "666666666666", "AssumeRole"],
        ["2026-11-02T10:01:12Z", "SecurityAutomationRole", "222222222222", "AssumeRole"],
        ["2026-11-02T10:02:40Z", "SecurityAccessRole", "666666666666", "AssumeRole"],
        [
          "2026-11-02T11:25:30Z",
          "AWSReservedSSO_BreakGlass_1a2b3c4d5e6f7a8b",
          "666666666666",
          "AssumeRoleWithSAML",
        ],
        ["2026-11-02T13:47:19Z", "OrganizationAccountAccessRole", "777777777777", "AssumeRole"],
        ["2026-11-02T14:01:33Z", "SecurityAccessRole", "666666666666", "AssumeRole"],
        ["2026-11-02T15:00:07Z", "OrganizationAccountAccessRole", "111111111111", "AssumeRole"],
        ["2026-11-02T16:20:11.000Z", "ci-staging", "444444444444", "AssumeRoleWithWebIdentity"],
      ],
    );
    const deploy = r.assumptions[1];
    // Recorded by the caller's account and the role's, counted once.
    assert.deepEqual(deploy.recordedIn, ["444444444444", "666666666666"]);
    assert.equal(deploy.caller, "arn:aws:sts::444444444444:assumed-role/ci-prod/gha-11873345-1");
    assert.equal(deploy.sourcePrincipal, "github repo:example-org/app:environment:prod");
    assert.deepEqual(
      deploy.chain.map((h) => [h.principal, h.via, h.sessionName]),
      [
        ["github repo:example-org/app:environment:prod", "origin", undefined],
        ["arn:aws:iam::444444444444:role/ci-prod", "AssumeRoleWithWebIdentity", "gha-11873345-1"],
        ["arn:aws:iam::666666666666:role/deployment-role-prod", "AssumeRole", "gha-11873345-1"],
      ],
    );
    assert.deepEqual(deploy.session?.byService, { ec2: 1, ecs: 2, iam: 1 });
    assert.deepEqual(
      deploy.session?.writes.map((w) => [w.action, w.decidedBy]),
      [
        ["ecs:UpdateService", "action data"],
        ["iam:CreateUser", "action data"],
      ],
    );

    // Only the role's account recorded it: the chain is found through the caller's assumed role ID.
    const securityAccess = r.assumptions[3];
    assert.deepEqual(securityAccess.recordedIn, ["666666666666"]);
    assert.equal(
      securityAccess.caller,
      "arn:aws:sts::222222222222:assumed-role/SecurityAutomationRole/alice",
    );
    assert.equal(securityAccess.sourceIdentity, "alice");
    assert.deepEqual(
      securityAccess.chain.map((h) => [h.principal, h.sourceIdentity]),
      [
        ["arn:aws:iam::222222222222:user/alice", undefined],
        ["arn:aws:iam::222222222222:role/SecurityAutomationRole", "alice"],
        ["arn:aws:iam::666666666666:role/SecurityAccessRole", "alice"],
      ],
    );

    assert.equal(r.assumptions[0].webIdentitySubject, "repo:example-org/app:environment:prod");
    const breakGlass = r.assumptions[4];
    assert.equal(breakGlass.identityCenterUser, "jane.doe@example.com");
    // Console calls carry another access key; the session's creation date ties them to the assumption.
    assert.deepEqual(
      breakGlass.session?.actions.map((a) => a.action),
      ["ecs:ListClusters", "ecs:UpdateService"],
    );

    const failed = r.assumptions[6];
    assert.equal(failed.errorCode, "AccessDenied");
    assert.equal(failed.session, undefined);
    assert.equal(r.assumptions[7].sourcePrincipal, "service organizations.amazonaws.com");
    assert.equal(r.assumptions[8].sourcePrincipal, "github repo:example-org/app:ref:refs/heads/main");
  });

  it("selects roles by name, by ARN and as every admin-equivalent role, within a window", async () => {
    const byName = await report({ roles: ["SecurityAccessRole"] });
    assert.deepEqual(
      byName.assumptions.map((a) => a.time),
      ["2026-11-02T10:02:40Z", "2026-11-02T14:01:33Z"],
    );
    const byArn = await report({ roles: ["arn:aws:iam::777777777777:role/OrganizationAccountAccessRole"] });
    assert.deepEqual(
      byArn.assumptions.map((a) => a.roleAccount),
      ["777777777777"],
    );
    const admin = await report({ roles: ["admin"] });
    assert.equal(admin.selection, "every admin-equivalent role of the plans");
    assert.deepEqual(
      admin.assumptions.map((a) => `${a.roleName}@${a.roleAccount}`),
      [
        "AWSReservedSSO_BreakGlass_1a2b3c4d5e6f7a8b@666666666666",
        "OrganizationAccountAccessRole@777777777777",
        "OrganizationAccountAccessRole@111111111111",
      ],
    );
    const windowed = await report({
      from: Date.parse("2026-11-02T10:00:00Z"),
      to: Date.parse("2026-11-02T12:00:00Z"),
    });
    assert.deepEqual(
      windowed.assumptions.map((a) => a.roleName),
      ["SecurityAutomationRole", "SecurityAccessRole", "AWSReservedSSO_BreakGlass_1a2b3c4d5e6f7a8b"],
    );
  });
});

describe("trail: expected or not", () => {
  it("marks each assumption against the plan's allowed edges and permission set assignments", async () => {
    const r = await report();
    assert.deepEqual(
      r.assumptions.map((a) => [a.roleName, a.verdict?.status]),
      [
        ["ci-prod", "expected"],
        ["deployment-role-prod", "expected"],
        ["SecurityAutomationRole", "expected"],
        ["SecurityAccessRole", "expected"],
        ["AWSReservedSSO_BreakGlass_1a2b3c4d5e6f7a8b", "expected"],
        ["OrganizationAccountAccessRole", "unexpected"],
        ["SecurityAccessRole", "unexpected"],
        ["OrganizationAccountAccessRole", "expected"],
        ["ci-staging", "expected"],
      ],
    );
    assert.equal(r.assumptions[1].verdict?.reason, "the plan allows arn:aws:iam::444444444444:role/ci-prod");
    assert.equal(
      r.assumptions[5].verdict?.reason,
      "a principal of account 444444444444 is not among the callers the plan allows (arn:aws:iam::111111111111:root)",
    );
    assert.equal(
      r.assumptions[6].verdict?.reason,
      "role 222222222222 ComplianceAutomationRole is not among the callers the plan allows (arn:aws:iam::222222222222:role/SecurityAutomationRole); the request failed (AccessDenied)",
    );
    assert.equal(r.unexpected, 2);
  });

  it("marks writes outside the role's intended scope, from its policies in the plan", async () => {
    const r = await report();
    const deploy = r.assumptions[1].session;
    assert.deepEqual(
      deploy?.writes.map((w) => [w.action, w.outOfScope]),
      [
        ["ecs:UpdateService", false],
        ["iam:CreateUser", true],
      ],
    );
    // SecurityAudit grants reads only: a (failed) bucket policy change is outside SecurityAccessRole's scope.
    assert.deepEqual(
      r.assumptions[3].session?.writes.map((w) => [w.action, w.errorCode, w.outOfScope]),
      [["s3:PutBucketPolicy", "AccessDenied", true]],
    );
    // AdministratorAccess (BreakGlass, OrganizationAccountAccessRole) covers every write.
    assert.deepEqual(
      r.assumptions[4].session?.writes.map((w) => w.outOfScope),
      [false],
    );
    assert.deepEqual(
      r.assumptions[5].session?.writes.map((w) => w.outOfScope),
      [false],
    );
    assert.equal(r.outOfScopeWrites, 2);
  });
});

describe("trail: command line", () => {
  it("exits 1 when anything is unexpected, and writes the table, Markdown and JSON", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trail-"));
    const md = path.join(dir, "trail.md");
    const json = path.join(dir, "trail.json");
    const { code, out, err } = await run([
      TRAIL,
      EXPORTS,
      ...PLANS.flatMap((p) => ["--plan", p]),
      "--markdown",
      md,
      "--json",
      json,
    ]);
    assert.equal(err, "");
    assert.equal(code, 1);
    assert.match(out, /✗ UNEXPECTED/);
    assert.match(out, /✗ OUT OF SCOPE 2026-11-02T09:11:02Z iam:CreateUser eu-west-1/);
    assert.match(out, /9 assumptions, 2 unexpected, 2 writes out of scope, answer complete$/m);
    assert.match(
      fs.readFileSync(md, "utf8"),
      /^\| 2026-11-02T09:10:09Z \| `deployment-role-prod` in 666666666666 \| github repo:example-org\/app:environment:prod → ci-prod@444444444444 \(session gha-11873345-1\) → deployment-role-prod@666666666666 \(session gha-11873345-1\) \| {2}\| ✓ expected \| 4 calls, 2 writes, 1 OUT OF SCOPE \|$/m,
    );
    assert.equal((JSON.parse(fs.readFileSync(json, "utf8")) as TrailReport).unexpected, 2);
  });

  it("exits 0 with a clear message for a window with no events", async () => {
    const { code, out } = await run([
      TRAIL,
      "--role",
      "SecurityAccessRole",
      "--from",
      "2026-11-03",
      "--to",
      "2026-11-04",
    ]);
    assert.equal(code, 0);
    assert.match(
      out,
      /^No assumption of role SecurityAccessRole in 2026-11-03T00:00:00.000Z to 2026-11-04T23:59:59.999Z\.$/m,
    );
  });

  it("exits 3 when the answer is incomplete, naming each bad file, with no stack trace", async () => {
    const { code, out, err } = await run([BAD]);
    assert.equal(code, 3);
    assert.equal(err, "");
    assert.doesNotMatch(out, /\n\s+at /);
    assert.match(out, /INCOMPLETE: 5 files with problems/);
    for (const name of [
      "not-cloudtrail.json",
      "truncated.json.gz",
      "truncated.json",
      "without-event-time.json",
      "malformed-record.json",
    ]) {
      assert.match(out, new RegExp(`✗ ${path.join(BAD, name).replace(/[.]/g, "\\.")}`), name);
    }
  });

  it("exits 2 for usage errors: no input, a missing file, a bad time, a file that is not a plan", async () => {
    assert.equal((await run([])).code, 2);
    const missing = await run([path.join(FIXTURES, "nope")]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope: no such file or folder/);
    assert.equal((await run([TRAIL, "--from", "yesterday"])).code, 2);
    const notPlan = await run([TRAIL, "--plan", path.join(BAD, "not-cloudtrail.json")]);
    assert.equal(notPlan.code, 2);
    assert.match(
      notPlan.err,
      /is not a plan report \(no access or resources\): write one with npm run plan -- --stack <stack>/,
    );
  });
});

describe("trail: the runs docs/observability.md quotes", () => {
  // Each quoted run is "`npm run trail -- <args>` (exit <code>):" followed by its output in a fenced
  // block. The plans it names under plan-out/ are read from the fixtures' copies of them.
  const docs = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "observability.md"), "utf8");
  const quoted = [...docs.matchAll(/`npm run trail -- ([^`]+)` \(exit (\d)\):\n\n```\n([\s\S]*?)```/g)].map(
    (m) => ({
      args: m[1],
      code: Number(m[2]),
      output: m[3],
    }),
  );
  const fixturePlan = (arg: string) => arg.replace(/^plan-out\//, "test/trail/fixtures/plans/");

  it("quotes at least the three runs of the fixtures", () => {
    assert.ok(quoted.length >= 3, quoted.map((q) => q.args).join("\n"));
  });

  for (const q of quoted) {
    it(`prints what it quotes for: ${q.args}`, async () => {
      const result = await run(q.args.split(" ").map(fixturePlan));
      const printed = (result.out + result.err).replace(/test\/trail\/fixtures\/plans\//g, "plan-out/");
      assert.equal(printed.trimEnd(), q.output.trimEnd());
      assert.equal(result.code, q.code);
    });
  }
});
