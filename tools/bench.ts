// `npm run bench`: measures the program against the bare Pulumi floor, the policy pack and the access
// graph on synthetic organizations of 10, 100 and 1,000 accounts. Each measurement runs in a fresh
// process; each figure is the median of several runs. Targets are in docs/scaling.md; this prints them
// next to the measurements and never fails on them (it is a measurement, not a test).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import { packDumpPath, packSummary, resourcesPerSecond } from "./bench/pack";
import { stacksetOverrides } from "./bench/synthetic";
import { BenchRecord, judgeTargets, measuredTable, Row } from "./bench/record";
import { benchTrail } from "./bench/trail";
import { projectNodeArgs } from "./node-args";

const ROOT = path.resolve(__dirname, "..");
const RUN_ONE = path.join(__dirname, "bench", "run-one.ts");

type Sample = Record<string, number | string | undefined>;

/**
 * Node's flags for each measurement: the project's own (`Pulumi.yaml` `runtime.options.nodeargs`, as
 * `pulumi up` and `npm run plan` run): a heap limit above Node's default (about 4 GB, too small for a
 * thousand accounts in one stack) and a young generation large enough for the program's and the
 * plan's short-lived objects (docs/scaling.md, Memory).
 */
let nodeArgs = projectNodeArgs();

function measure(args: string[]): Sample {
  const node = [...nodeArgs, "-r", "ts-node/register/transpile-only", RUN_ONE, ...args];
  const out = execFileSync(process.execPath, node, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  const line = out.trim().split("\n").pop() ?? "{}";
  return JSON.parse(line) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianOf(samples: Sample[], key: string): number {
  return median(samples.map((s) => Number(s[key])));
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function printTable(header: string[], rows: string[][]): void {
  console.log(`| ${header.join(" | ")} |`);
  console.log(`| ${header.map(() => "---").join(" | ")} |`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("bench")
    .option("--sizes <list>", "organization sizes", "10,100,1000")
    .option("--runs <n>", "runs per measurement (median)", "3")
    .option("--stack <stack>", "stack of examples/full the synthetic organizations derive from", "management")
    .option(
      "--stackset-overrides <json>",
      'config overrides for the StackSet plan (default: the organization-wide shard with every organization-wide role rolled out by StackSet; "none" skips it)',
      "",
    )
    .option(
      "--parts <list>",
      "what to measure: org (program, pack, access graph, plan) and trail",
      "org,trail",
    )
    .option("--trail-records <n>", "synthetic CloudTrail records for the trail part", "1000000")
    .option(
      "--node-args <flags>",
      "Node flags of each measurement (default: Pulumi.yaml's runtime.options.nodeargs, as pulumi and npm run plan use)",
    )
    .option(
      "--record <file>",
      "also write the measured rows as JSON (docs/bench/results.json: `npm run docs` renders docs/scaling.md's figures from it)",
    )
    .parse(argv);
  const opts = program.opts<{
    sizes: string;
    runs: string;
    stack: string;
    stacksetOverrides: string;
    parts: string;
    trailRecords: string;
    record?: string;
    nodeArgs?: string;
  }>();
  if (opts.nodeArgs !== undefined) nodeArgs = opts.nodeArgs.split(/\s+/).filter((a) => a.length > 0);
  const parts = new Set(opts.parts.split(","));
  if (parts.has("trail")) await measureTrail(Number(opts.trailRecords));
  if (!parts.has("org")) return;
  const sizes = opts.sizes.split(",").map(Number);
  const runs = Math.max(1, Number(opts.runs));
  const stacksetJson =
    opts.stacksetOverrides === ""
      ? JSON.stringify(stacksetOverrides(opts.stack as "management" | "security"))
      : opts.stacksetOverrides;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-bench-"));
  const rows: Row[] = [];

  for (const size of sizes) {
    const dump = path.join(work, `dump-${size}.json`);
    const programs: Sample[] = [];
    const floors: Sample[] = [];
    programs.push(measure(["program", String(size), opts.stack, dump]));
    floors.push(measure(["floor", String(size), opts.stack, dump]));
    for (let i = 1; i < runs; i++) {
      programs.push(measure(["program", String(size), opts.stack]));
      floors.push(measure(["floor", String(size), opts.stack, dump]));
    }
    const packs = Array.from({ length: runs }, () =>
      measure(["pack", String(size), opts.stack, packDumpPath(dump)]),
    );
    const access = Array.from({ length: runs }, () => measure(["access", String(size), opts.stack]));
    const plans = Array.from({ length: runs }, () => measure(["plan", String(size), opts.stack]));
    const stacksetPlans =
      stacksetJson === "none"
        ? []
        : Array.from({ length: runs }, () => measure(["plan", String(size), opts.stack, stacksetJson]));
    rows.push({
      accounts: size,
      resources: Number(programs[0].resources),
      providers: Number(programs[0].providers),
      programSeconds: medianOf(programs, "seconds"),
      floorSeconds: medianOf(floors, "seconds"),
      programRssMb: medianOf(programs, "peakRssMb"),
      floorRssMb: medianOf(floors, "peakRssMb"),
      packResources: Number(packs[0].packResources),
      packFindings: Number(packs[0].packFindings),
      packSeconds: medianOf(packs, "packSeconds"),
      protocolStartSeconds: medianOf(packs, "protocolStartSeconds"),
      protocolSeconds: medianOf(packs, "protocolSeconds"),
      protocolFindings: Number(packs[0].protocolFindings),
      simulations: Number(access[0].simulations),
      accessSeconds: medianOf(access, "seconds"),
      planSeconds: medianOf(plans, "seconds"),
      stacksetPlanSeconds: stacksetPlans.length > 0 ? medianOf(stacksetPlans, "seconds") : undefined,
    });
    process.stderr.write(`bench: ${size} accounts measured\n`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  if (opts.record !== undefined) {
    const record: BenchRecord = {
      command: `npm run bench -- ${argv.slice(2).join(" ")}`,
      date: new Date().toISOString().slice(0, 10),
      commit: gitCommit(),
      node: process.version,
      cpus: os.cpus().length,
      runs,
      nodeArgs: nodeArgs.join(" "),
      stack: opts.stack,
      rows,
    };
    fs.mkdirSync(path.dirname(path.resolve(opts.record)), { recursive: true });
    fs.writeFileSync(opts.record, `${JSON.stringify(record, null, 2)}\n`);
    process.stderr.write(`bench: wrote ${opts.record}\n`);
  }

  const measured = measuredTable(rows);
  printTable(measured.header, measured.body);
  console.log("");
  const targets = judgeTargets(rows);
  if (targets.length > 0) {
    printTable(
      ["target", "measured", "met"],
      targets.map((t) => [t.what, t.measured, t.met ? "met" : "MISSED"]),
    );
    console.log("");
  }
  printTable(
    [
      "accounts",
      "resources checked",
      "findings",
      "in-process s",
      "in-process res/s",
      "protocol start-up s",
      "protocol s",
      "protocol res/s",
      "protocol findings",
    ],
    rows.map((r) => [
      String(r.accounts),
      String(r.packResources),
      String(r.packFindings),
      fmt(r.packSeconds, 3),
      String(resourcesPerSecond(r.packResources, r.packSeconds)),
      fmt(r.protocolStartSeconds),
      fmt(r.protocolSeconds),
      String(resourcesPerSecond(r.packResources, r.protocolSeconds)),
      String(r.protocolFindings),
    ]),
  );
  console.log("");

  const largest = rows[rows.length - 1];
  const hundred = rows.find((r) => r.accounts === 100);
  if (hundred !== undefined && largest.accounts !== 100) {
    console.log(
      `effective-access growth ${hundred.accounts} -> ${largest.accounts} accounts: ${fmt(largest.accessSeconds / hundred.accessSeconds)}x time, ${fmt(largest.simulations / hundred.simulations)}x access edges (linear when the two are close)`,
    );
  }
  console.log(
    packSummary(
      largest.accounts,
      resourcesPerSecond(largest.packResources, largest.packSeconds),
      resourcesPerSecond(largest.packResources, largest.protocolSeconds),
      largest.protocolStartSeconds,
    ),
  );
  console.log(
    `bench: ${largest.accounts} accounts program/floor time ratio ${fmt(largest.programSeconds / largest.floorSeconds)}, rss ratio ${fmt(largest.programRssMb / largest.floorRssMb)}, plan seconds ${fmt(largest.planSeconds, 1)}`,
  );
}

/** The trail's target: a million records in under 60 s on one core, memory flat (docs/observability.md). */
const TRAIL_TARGET_SECONDS = 60;

async function measureTrail(records: number): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-bench-trail-"));
  try {
    const t = await benchTrail(work, records);
    printTable(
      ["records", "gzip MB", "assumptions (admin roles)", "seconds", "records/s", "peak RSS MB", "complete"],
      [
        [
          String(t.records),
          String(t.gzipMb),
          String(t.assumptions),
          fmt(t.seconds),
          String(t.recordsPerSecond),
          String(t.peakRssMb),
          String(t.complete),
        ],
      ],
    );
    console.log(
      `bench: trail ${t.records} records in ${fmt(t.seconds, 1)} s (${t.recordsPerSecond} records/s, target ${records} in < ${TRAIL_TARGET_SECONDS} s: ${t.seconds < TRAIL_TARGET_SECONDS ? "met" : "MISSED"}), peak RSS ${t.peakRssMb} MB\n`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
