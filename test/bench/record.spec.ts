import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { BenchRecord, judgeTargets, Row, TARGETS } from "../../tools/bench/record";
import {
  BENCH_RECORD_PATH,
  FIGURES_END,
  FIGURES_START,
  renderFigures,
  withFigures,
} from "../../tools/docs/scaling";
import { projectNodeArgs } from "../../tools/node-args";

const ROOT = path.resolve(__dirname, "..", "..");

function row(accounts: number, overrides: Partial<Row> = {}): Row {
  return {
    accounts,
    resources: accounts * 9,
    providers: accounts,
    programSeconds: accounts / 10,
    floorSeconds: accounts / 12,
    programRssMb: 2 * accounts,
    floorRssMb: 1.8 * accounts,
    packResources: accounts * 9,
    packFindings: 0,
    packSeconds: accounts / 1000,
    protocolStartSeconds: 3,
    protocolSeconds: accounts / 100,
    protocolFindings: 0,
    simulations: accounts * 5,
    accessSeconds: accounts / 250,
    planSeconds: accounts / 20,
    stacksetPlanSeconds: accounts / 100,
    ...overrides,
  };
}

function record(rows: Row[]): BenchRecord {
  return {
    command: "npm run bench -- --sizes 100,1000 --runs 3 --parts org --record docs/bench/results.json",
    date: "2026-12-05",
    commit: "abc1234",
    node: "v20.19.0",
    cpus: 2,
    runs: 3,
    nodeArgs: "--max-old-space-size=8192 --max-semi-space-size=128",
    stack: "management",
    rows,
  };
}

describe("bench record and docs/scaling.md's figures", () => {
  it("judges every target at 1,000 accounts against the measured medians", () => {
    const judged = judgeTargets([row(100), row(1000)]);
    assert.deepStrictEqual(judged, [
      { what: "program/floor time ratio ≤ 1.3", measured: "1.20 (100.0 s against 83.3 s)", met: true },
      { what: "program/floor RSS ratio ≤ 1.3", measured: "1.11 (2,000 MB against 1,800 MB)", met: true },
      { what: "whole plan, providers mode, < 120 s", measured: "50.0 s", met: true },
      { what: "whole plan, StackSet scenario, < 20 s", measured: "10.0 s", met: true },
      {
        what: "access graph at 1,000 accounts ≤ 12 × 100 accounts",
        measured: "10.0 × (4.00 s against 0.40 s; 5,000 against 500 simulations)",
        met: true,
      },
      { what: "policy pack in process ≥ 5,000 resources/s", measured: "9,000 resources/s", met: true },
    ]);
  });

  it("marks a missed target as missed, and leaves out what the sizes cannot judge", () => {
    const judged = judgeTargets([
      row(1000, { planSeconds: 130, packSeconds: 2, stacksetPlanSeconds: undefined }),
    ]);
    assert.deepStrictEqual(
      judged.map((j) => [j.what, j.met]),
      [
        ["program/floor time ratio ≤ 1.3", true],
        ["program/floor RSS ratio ≤ 1.3", true],
        ["whole plan, providers mode, < 120 s", false],
        ["policy pack in process ≥ 5,000 resources/s", false],
      ],
    );
    const figures = renderFigures(record([row(1000, { planSeconds: 130 })]));
    assert.ok(figures.includes("| whole plan, providers mode, < 120 s | 130.0 s | **no** |"), figures);
  });

  it("replaces only the block between the markers", () => {
    const page = `# Scaling\n\nbefore\n\n${FIGURES_START}\nold figures\n${FIGURES_END}\n\nafter\n`;
    const out = withFigures(page, record([row(100), row(1000)]));
    assert.ok(out.startsWith("# Scaling\n\nbefore\n\n"));
    assert.ok(out.endsWith(`${FIGURES_END}\n\nafter\n`));
    assert.ok(!out.includes("old figures"));
    assert.throws(() => withFigures("# no markers\n", record([row(1000)])), /has no figures block/);
  });

  it("is recorded at 100 and 1,000 accounts, every target judged (docs/scaling.md shows which are met)", () => {
    const recorded = JSON.parse(fs.readFileSync(path.join(ROOT, BENCH_RECORD_PATH), "utf8")) as BenchRecord;
    assert.deepStrictEqual(
      recorded.rows.map((r) => r.accounts),
      [100, 1000],
    );
    assert.strictEqual(
      judgeTargets(recorded.rows).length,
      TARGETS.length,
      "every target is judged by the record",
    );
  });
});

describe("the project's Node flags", () => {
  const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    runtime: { options: { nodeargs?: string } };
  };
  const flags = project.runtime.options.nodeargs ?? "";

  it("are the flags the bench measured with (Pulumi.yaml runtime.options.nodeargs)", () => {
    // pulumi/pulumi#17040: the nodejs runtime passes `nodeargs` to node.
    const recorded = JSON.parse(fs.readFileSync(path.join(ROOT, BENCH_RECORD_PATH), "utf8")) as BenchRecord;
    assert.strictEqual(flags, "--max-old-space-size=8192 --max-semi-space-size=128");
    assert.strictEqual(recorded.nodeArgs, flags);
    assert.deepStrictEqual(projectNodeArgs(), ["--max-old-space-size=8192", "--max-semi-space-size=128"]);
  });

  it("are the flags npm run plan runs with", () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    assert.strictEqual(scripts.plan, `node ${flags} -r ts-node/register/transpile-only tools/plan.ts`);
  });
});
