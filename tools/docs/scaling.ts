import { BenchRecord, judgeTargets, measuredTable, resourcesPerSecond } from "../bench/record";
import { table } from "./markdown";

/**
 * docs/scaling.md's measured figures, rendered from the benchmark's record (docs/bench/results.json,
 * written by `npm run bench -- --record docs/bench/results.json`) between two markers, so the figures
 * the page quotes are the ones measured and say how they were measured.
 */

export const SCALING_PATH = "docs/scaling.md";
export const BENCH_RECORD_PATH = "docs/bench/results.json";
export const FIGURES_START =
  "<!-- bench-figures:start: generated from docs/bench/results.json by `npm run docs`; do not edit -->";
export const FIGURES_END = "<!-- bench-figures:end -->";

export function renderFigures(record: BenchRecord): string {
  const measured = measuredTable(record.rows);
  const targets = judgeTargets(record.rows);
  const big = record.rows[record.rows.length - 1];
  const protocolRate = resourcesPerSecond(big.packResources, big.protocolSeconds);
  const lines = [
    FIGURES_START,
    "",
    `Measured on ${record.date} at commit \`${record.commit}\` on a ${record.cpus}-core machine (Node ${record.node.replace(/^v/, "")}), ` +
      `each figure the median of ${record.runs} run${record.runs === 1 ? "" : "s"} in fresh processes with Node flags \`${record.nodeArgs}\`, derived from the \`${record.stack}\` example: ` +
      `\`${record.command}\`.`,
    "",
    ...table(measured.header, measured.body),
    "",
    ...table(
      [`target (${big.accounts.toLocaleString("en-US")} accounts)`, "measured", "met"],
      targets.map((t) => [t.what, t.measured, t.met ? "yes" : "**no**"]),
    ),
    "",
    `Through the analyzer protocol the pack checks ${protocolRate.toLocaleString("en-US")} resources/s at ` +
      `${big.accounts.toLocaleString("en-US")} accounts (${Math.round(big.packResources / Math.max(protocolRate, 1))} s): each resource is one gRPC \`Analyze\` call, and the policy runtime ` +
      "rebuilds the resource's properties for every policy. The bench and the plan keep up to 16 calls in flight; " +
      "a `pulumi preview --policy-pack` that sends them one at a time waits longer for the pack.",
    "",
    FIGURES_END,
  ];
  return lines.join("\n");
}

/** The page with its figures block replaced by the record's; throws when the page has no markers. */
export function withFigures(page: string, record: BenchRecord): string {
  const start = page.indexOf(FIGURES_START);
  const end = page.indexOf(FIGURES_END);
  if (start < 0 || end < start) {
    throw new Error(`${SCALING_PATH} has no figures block (${FIGURES_START} ... ${FIGURES_END})`);
  }
  return page.slice(0, start) + renderFigures(record) + page.slice(end + FIGURES_END.length);
}
