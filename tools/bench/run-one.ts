// One benchmark measurement in a fresh process, for one organization size. Prints one JSON line.
//   program <accounts> <stack> [dumpOut] [overridesJson]   the program under mocks; dumpOut gets the
//                                                          floor's dump, packDumpPath(dumpOut) the pack's
//   floor   <accounts> <stack> <dumpIn>                    the same raw resources, no components
//   pack    <accounts> <stack> [packDumpIn]                the policy pack over the program's resources,
//                                                          in process and through the analyzer protocol
//                                                          (without packDumpIn it runs the program first)
//   access  <accounts> <stack> [overridesJson]             the access graph of the program's resources
//   plan    <accounts> <stack> [overridesJson]             the whole offline plan
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import "@pulumi/aws";
import "@pulumi/pulumi";
import { loadConfig } from "../../components/config";
import { ProgramRun, runProgram, StackConfig } from "../mock-runtime";
import { buildModel } from "../plan/model";
import { orgFactsOf, packConfigOf, packResources } from "../plan/policy";
import { analyzeAccess, orgFactsFor, plan } from "../plan/run";
import { floorDumpOf } from "./dump";
import { measurePack, PackDump, packDumpPath } from "./pack";
import { syntheticStackConfig } from "./synthetic";

const awsResources = (run: ProgramRun) =>
  run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length;

function packDumpOf(run: ProgramRun, config: StackConfig): PackDump {
  const loaded = loadConfig(config).config;
  return {
    stack: run.stack,
    org: orgFactsOf(loaded),
    config: packConfigOf(loaded),
    resources: packResources(run),
  };
}

async function main(): Promise<void> {
  const [mode, accountsText, stack, arg4, arg5] = process.argv.slice(2);
  const accounts = Number(accountsText);
  const overridesJson = mode === "program" ? arg5 : mode === "floor" || mode === "pack" ? undefined : arg4;
  const overrides = overridesJson ? (JSON.parse(overridesJson) as Record<string, unknown>) : {};
  const config = syntheticStackConfig(stack as "management" | "security", accounts, overrides);
  const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
  const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const result: Record<string, unknown> = { mode, accounts };

  if (mode === "program" || mode === "floor") {
    if (mode === "floor") process.env.ORG_ACCESS_FLOOR_DUMP = arg4;
    const start = process.hrtime.bigint();
    const run = await runProgram({
      stack,
      config,
      programPath: mode === "floor" ? path.join(__dirname, "floor-program.ts") : undefined,
    });
    result.seconds = seconds(start);
    result.resources = awsResources(run);
    result.registrations = run.resources.length;
    result.providers = run.providers.length;
    // The program's peak, before the dumps for the later measurements are serialised.
    result.peakRssMb = peakRssMb();
    if (mode === "program" && arg4) {
      fs.writeFileSync(arg4, JSON.stringify(floorDumpOf(run)));
      fs.writeFileSync(packDumpPath(arg4), JSON.stringify(packDumpOf(run, config)));
    }
  } else if (mode === "pack") {
    // The program's time is not the pack's: its resources come from the program measurement's dump,
    // or from a run here before the clock starts.
    const dump = arg4
      ? (JSON.parse(fs.readFileSync(arg4, "utf8")) as PackDump)
      : packDumpOf(await runProgram({ stack, config }), config);
    Object.assign(result, await measurePack(dump));
  } else if (mode === "access") {
    // The whole effective-access work: the model, every edge (conditions and variants included),
    // escalation, reach from every entry point and the expectations.
    const { config: loaded } = loadConfig(config);
    // As the plan runs it: without source-mapped stack traces, whose memory is the program's, not the
    // access graph's (with them, a thousand accounts' program and graph together outgrow Node's heap).
    const run = await runProgram({ stack, config, sourceMappedStacks: false });
    const start = process.hrtime.bigint();
    const model = buildModel(run.resources, orgFactsFor(loaded));
    const { access, reach } = await analyzeAccess(model, loaded);
    result.seconds = seconds(start);
    result.simulations = access.length;
    result.chains = reach.chains.length;
    result.roles = model.roles.length;
  } else if (mode === "plan") {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-bench-"));
    const start = process.hrtime.bigint();
    const outcome = await plan({ stack, config, outDir });
    result.seconds = seconds(start);
    result.exitCode = outcome.exitCode;
    result.providers = outcome.report?.providerLoad.count;
    const comment = outcome.files.find((f) => f.endsWith(".comment.md"));
    result.commentChars = comment === undefined ? undefined : fs.readFileSync(comment, "utf8").length;
    fs.rmSync(outDir, { recursive: true, force: true });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  result.peakRssMb ??= peakRssMb();
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
