import { Command, CommanderError, InvalidArgumentError } from "commander";
import { renderJson, renderMarkdown, renderTable } from "./trail/render";
import { runTrail, writeFile } from "./trail/run";

/**
 * `npm run trail -- <CloudTrail files or folders> [--role NAME|ARN|admin] [--from T] [--to T]
 *   [--plan plan-out/plan-management.json] [--format table|markdown|json] [--markdown F] [--json F]`
 *
 * Who assumed a role, when, from which principal and through which chain, and what the session did,
 * from CloudTrail log files (gzipped or not) and Event history / lookup-events / Lake exports.
 * Exit 0: complete and nothing unexpected; 1: an unexpected assumption or an out-of-scope write;
 * 2: usage; 3: the answer is incomplete (a file could not be read to its end, or records were skipped).
 */

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const consoleIo: Io = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

export async function main(argv: readonly string[], io: Io = consoleIo): Promise<number> {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const program = new Command("trail")
    .description(
      "Who assumed which role, when, through which chain, and what the session did, from CloudTrail",
    )
    .argument("[inputs...]", "CloudTrail log files (.json.gz), exports (.json, .jsonl) or folders of them")
    .option(
      "--role <role>",
      "role name, role ARN, or admin (every admin-equivalent role); repeatable",
      collect,
    )
    .option("--from <time>", "window start (ISO 8601, e.g. 2026-11-02 or 2026-11-02T10:00:00Z)", time)
    .option("--to <time>", "window end (inclusive; a date alone means the end of that day)", endTime)
    .option(
      "--plan <report>",
      "plan-<stack>.json to judge assumptions and writes against; repeatable",
      collect,
    )
    .option("--format <format>", "stdout as table, markdown or json", format, "table")
    .option("--markdown <file>", "also write the Markdown report here")
    .option("--json <file>", "also write the JSON report here")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  let inputs: string[];
  let opts: {
    role?: string[];
    from?: number;
    to?: number;
    plan?: string[];
    format: "table" | "markdown" | "json";
    markdown?: string;
    json?: string;
  };
  try {
    program.parse([...argv], { from: "user" });
    inputs = program.args;
    opts = program.opts();
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  if (opts.from !== undefined && opts.to !== undefined && opts.from > opts.to) {
    io.err("--from is after --to: give the window's start first");
    return 2;
  }
  const outcome = await runTrail({
    inputs,
    roles: opts.role,
    from: opts.from,
    to: opts.to,
    plans: opts.plan,
  });
  for (const problem of outcome.problems) io.err(`✗ ${problem}`);
  if (outcome.report === undefined) return outcome.exitCode;
  const report = outcome.report;
  if (opts.markdown !== undefined) writeFile(opts.markdown, renderMarkdown(report));
  if (opts.json !== undefined) writeFile(opts.json, renderJson(report));
  io.out(
    opts.format === "json"
      ? renderJson(report)
      : opts.format === "markdown"
        ? renderMarkdown(report)
        : renderTable(report),
  );
  return outcome.exitCode;
}

function time(value: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError("expected an ISO 8601 time such as 2026-11-02T10:00:00Z");
  return ms;
}

function endTime(value: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? time(value) + 86_400_000 - 1 : time(value);
}

function format(value: string): string {
  if (!["table", "markdown", "json"].includes(value))
    throw new InvalidArgumentError("expected table, markdown or json");
  return value;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`org-access trail: ${(err as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
