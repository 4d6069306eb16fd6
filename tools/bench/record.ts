/**
 * What `npm run bench -- --record <file>` writes, and what `npm run docs` renders docs/scaling.md's
 * measured figures from (docs/bench/results.json), so the figures quoted there are the recorded ones.
 */

/** One organization size, each figure the median of the record's runs. */
export interface Row {
  accounts: number;
  resources: number;
  providers: number;
  programSeconds: number;
  floorSeconds: number;
  programRssMb: number;
  floorRssMb: number;
  /** The policy pack over the program's AWS resources (program time excluded). */
  packResources: number;
  packFindings: number;
  packSeconds: number;
  protocolStartSeconds: number;
  protocolSeconds: number;
  protocolFindings: number;
  simulations: number;
  accessSeconds: number;
  planSeconds: number;
  stacksetPlanSeconds?: number;
}

/** What `--record` writes: the measured rows with how and where they were measured. */
export interface BenchRecord {
  readonly command: string;
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly cpus: number;
  readonly runs: number;
  /** Node's flags of each measurement (Pulumi.yaml's `runtime.options.nodeargs` unless given). */
  readonly nodeArgs: string;
  readonly stack: string;
  readonly rows: Row[];
}

/** A target the benchmark is held to (docs/scaling.md), judged on a record's rows. */
export interface Target {
  readonly what: string;
  /** The measured value as the docs show it, and whether it meets the target; undefined when the record lacks the sizes. */
  judge(rows: readonly Row[]): { measured: string; met: boolean } | undefined;
}

const n = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The target for the pack in process. */
export const PACK_TARGET_RESOURCES_PER_SECOND = 5000;

/** Resources per second, rounded to a whole number (0 when nothing was measured). */
export function resourcesPerSecond(resources: number, seconds: number): number {
  return seconds > 0 ? Math.round(resources / seconds) : 0;
}

const at = (accounts: number) => (rows: readonly Row[]) => rows.find((r) => r.accounts === accounts);

/** The targets at 1,000 accounts, in the order docs/scaling.md lists them. */
export const TARGETS: readonly Target[] = [
  {
    what: "program/floor time ratio ≤ 1.3",
    judge: (rows) => {
      const r = at(1000)(rows);
      if (r === undefined) return undefined;
      const ratio = r.programSeconds / r.floorSeconds;
      return {
        measured: `${n(ratio, 2)} (${n(r.programSeconds, 1)} s against ${n(r.floorSeconds, 1)} s)`,
        met: ratio <= 1.3,
      };
    },
  },
  {
    what: "program/floor RSS ratio ≤ 1.3",
    judge: (rows) => {
      const r = at(1000)(rows);
      if (r === undefined) return undefined;
      const ratio = r.programRssMb / r.floorRssMb;
      return {
        measured: `${n(ratio, 2)} (${n(r.programRssMb)} MB against ${n(r.floorRssMb)} MB)`,
        met: ratio <= 1.3,
      };
    },
  },
  {
    what: "whole plan, providers mode, < 120 s",
    judge: (rows) => {
      const r = at(1000)(rows);
      return r === undefined ? undefined : { measured: `${n(r.planSeconds, 1)} s`, met: r.planSeconds < 120 };
    },
  },
  {
    what: "whole plan, StackSet scenario, < 20 s",
    judge: (rows) => {
      const r = at(1000)(rows);
      if (r?.stacksetPlanSeconds === undefined) return undefined;
      return { measured: `${n(r.stacksetPlanSeconds, 1)} s`, met: r.stacksetPlanSeconds < 20 };
    },
  },
  {
    what: "access graph at 1,000 accounts ≤ 12 × 100 accounts",
    judge: (rows) => {
      const big = at(1000)(rows);
      const small = at(100)(rows);
      if (big === undefined || small === undefined) return undefined;
      const ratio = big.accessSeconds / small.accessSeconds;
      return {
        measured: `${n(ratio, 1)} × (${n(big.accessSeconds, 2)} s against ${n(small.accessSeconds, 2)} s; ${n(big.simulations)} against ${n(small.simulations)} simulations)`,
        met: ratio <= 12,
      };
    },
  },
  {
    what: `policy pack in process ≥ ${n(PACK_TARGET_RESOURCES_PER_SECOND)} resources/s`,
    judge: (rows) => {
      const r = at(1000)(rows);
      if (r === undefined) return undefined;
      const rate = resourcesPerSecond(r.packResources, r.packSeconds);
      return { measured: `${n(rate)} resources/s`, met: rate >= PACK_TARGET_RESOURCES_PER_SECOND };
    },
  },
];

/** Each target with its judgement on a record (targets the record's sizes cannot judge are left out). */
export function judgeTargets(rows: readonly Row[]): { what: string; measured: string; met: boolean }[] {
  return TARGETS.flatMap((t) => {
    const j = t.judge(rows);
    return j === undefined ? [] : [{ what: t.what, ...j }];
  });
}

/** The measured table (one row per size), as docs/scaling.md shows it. */
export function measuredTable(rows: readonly Row[]): { header: string[]; body: string[][] } {
  return {
    header: [
      "accounts",
      "AWS resources",
      "providers",
      "program s",
      "floor s",
      "time ratio",
      "program RSS MB",
      "floor RSS MB",
      "RSS ratio",
      "pack res/s",
      "pack res/s (protocol)",
      "simulations",
      "access s",
      "plan s",
      "plan s (StackSet)",
    ],
    body: rows.map((r) => [
      n(r.accounts),
      n(r.resources),
      n(r.providers),
      n(r.programSeconds, 2),
      n(r.floorSeconds, 2),
      n(r.programSeconds / r.floorSeconds, 2),
      n(r.programRssMb),
      n(r.floorRssMb),
      n(r.programRssMb / r.floorRssMb, 2),
      n(resourcesPerSecond(r.packResources, r.packSeconds)),
      n(resourcesPerSecond(r.packResources, r.protocolSeconds)),
      n(r.simulations),
      n(r.accessSeconds, 2),
      n(r.planSeconds, 2),
      r.stacksetPlanSeconds === undefined ? "-" : n(r.stacksetPlanSeconds, 2),
    ]),
  };
}
