import { checkResources } from "../../policy-pack/lib/engine";
import type { OrgFacts, PolicyPackConfigFile } from "../../policy-pack/lib/pack-config";
import { HarnessResource, startPack } from "../analyzer-harness";
import { PACK_TARGET_RESOURCES_PER_SECOND, resourcesPerSecond } from "./record";

/**
 * The policy pack's share of the benchmark: the program's AWS resources as the pack receives them
 * (`packResources` of tools/plan/policy.ts) with the stack's org facts, checked once in process
 * through the pack's engine and once through the analyzer protocol. Program time is never counted.
 */

/** What the pack measurement replays: written by the program measurement, read in a fresh process. */
export interface PackDump {
  readonly stack: string;
  readonly org: OrgFacts;
  /** The pack config the plan gives the stack (its justified exceptions). */
  readonly config?: PolicyPackConfigFile;
  readonly resources: HarnessResource[];
}

/** The pack dump written next to a floor dump (`dump-100.json` -> `dump-100.pack.json`). */
export function packDumpPath(floorDumpPath: string): string {
  return floorDumpPath.replace(/(\.json)?$/, ".pack.json");
}

export interface PackMeasurement {
  /** Resources sent through the pack (each through every resource policy, then all through the stack policies). */
  readonly packResources: number;
  /** Findings (resource and stack) the in-process engine reported. */
  readonly packFindings: number;
  readonly packSeconds: number;
  /** Seconds to start and configure the pack process (not part of the protocol throughput). */
  readonly protocolStartSeconds: number;
  /** Seconds for Analyze on every resource plus one AnalyzeStack over all of them. */
  readonly protocolSeconds: number;
  /** Diagnostics the pack returned over the protocol. */
  readonly protocolFindings: number;
}

const secondsSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export async function measurePack(dump: PackDump): Promise<PackMeasurement> {
  let start = process.hrtime.bigint();
  const findings = checkResources(dump.resources, { org: dump.org, config: dump.config });
  const packSeconds = secondsSince(start);

  start = process.hrtime.bigint();
  const pack = await startPack({
    org: dump.org,
    config: dump.config,
    stack: dump.stack,
    project: "org-access",
  });
  const protocolStartSeconds = secondsSince(start);
  try {
    start = process.hrtime.bigint();
    const { resources, stack } = await pack.analyzeAll(dump.resources);
    const protocolSeconds = secondsSince(start);
    return {
      packResources: dump.resources.length,
      packFindings: findings.length,
      packSeconds,
      protocolStartSeconds,
      protocolSeconds,
      protocolFindings: resources.length + stack.length,
    };
  } finally {
    await pack.stop();
  }
}

export { PACK_TARGET_RESOURCES_PER_SECOND, resourcesPerSecond };

/** The summary line the bench prints for the pack at its largest size; it reports, never fails. */
export function packSummary(
  accounts: number,
  inProcess: number,
  protocol: number,
  startSeconds: number,
  target = PACK_TARGET_RESOURCES_PER_SECOND,
): string {
  const n = (value: number) => value.toLocaleString("en-US");
  return (
    `policy pack at ${n(accounts)} accounts: ${n(inProcess)} resources/s in process ` +
    `(target >= ${n(target)}: ${inProcess >= target ? "MET" : "MISSED"}), ` +
    `${n(protocol)} resources/s through the analyzer protocol (pack start-up ${startSeconds.toFixed(2)} s)`
  );
}
