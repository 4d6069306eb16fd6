import { Command, CommanderError, InvalidArgumentError } from "commander";
import * as path from "path";
import { DEFAULT_OUT_DIR, plan, PlanOutcome } from "./plan/run";
import { printSummary } from "./plan/summary";

/**
 * `npm run plan -- [--stack management|security] [--config-file PATH] [--out DIR] [--baseline REPORT.json]
 *   [--full-report-url URL] [--comment-budget N] [--json]`
 *
 * The offline plan: what a stack would create, what the policy pack says about it, and who could
 * assume which role, with no AWS account. Exit 0 when clean, 1 when a mandatory policy is violated or
 * an access expectation fails, 2 for invalid config or usage.
 */

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const consoleIo: Io = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** Runs the CLI with user arguments (no `node` or script path) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = consoleIo): Promise<number> {
  const program = new Command("plan")
    .description("Offline plan: resources, policy findings and who can assume what, without an AWS account")
    .option("--stack <name>", "stack to plan (its Pulumi.<stack>.yaml)")
    .option(
      "--config-file <path>",
      "any Pulumi stack file; the stack name comes from Pulumi.<stack>.yaml unless --stack is given",
    )
    .option("--out <dir>", "directory for plan-<stack>.md and plan-<stack>.json", DEFAULT_OUT_DIR)
    .option(
      "--baseline <report>",
      "a previous plan-<stack>.json: list the access edges added and removed since",
    )
    .option(
      "--max-providers <n>",
      "warn above this many explicit AWS providers (default: config or 50)",
      positiveInt,
    )
    .option(
      "--full-report-url <url>",
      "where the full report is published (the workflow run's artifacts), linked from plan-<stack>.comment.md",
    )
    .option(
      "--comment-budget <chars>",
      "characters plan-<stack>.comment.md may take (default 32000; GitHub allows 65536 per comment)",
      positiveInt,
    )
    .option("--json", "print the JSON report on stdout instead of the summary table")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  let opts: {
    stack?: string;
    configFile?: string;
    out: string;
    baseline?: string;
    maxProviders?: number;
    fullReportUrl?: string;
    commentBudget?: number;
    json?: boolean;
  };
  try {
    program.parse([...argv], { from: "user" });
    opts = program.opts();
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }

  const outcome: PlanOutcome = await plan({
    stack: opts.stack,
    configFile: opts.configFile === undefined ? undefined : path.resolve(opts.configFile),
    outDir: path.resolve(opts.out),
    baseline: opts.baseline === undefined ? undefined : path.resolve(opts.baseline),
    maxProviders: opts.maxProviders,
    fullReportUrl: opts.fullReportUrl,
    commentBudget: opts.commentBudget,
  });
  if (outcome.report === undefined) {
    for (const problem of outcome.problems) io.err(problem);
    return outcome.exitCode;
  }
  if (opts.json) io.out(JSON.stringify(outcome.report, null, 2));
  else printSummary(outcome, io);
  for (const problem of outcome.problems) io.err(`✗ ${problem}`);
  return outcome.exitCode;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
