import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PolicyPackConfigFile } from "../../policy-pack/lib/pack-config";
import { RunningPack, startPack } from "../../tools/analyzer-harness";
import { loadConfig } from "../../components/config";
import { stackPackConfig } from "../../tools/pack-config";
import { packResources } from "../../tools/plan/policy";
import { main as policyCheck } from "../../tools/policy-check";
import { exampleConfig, inProjectOf, ProgramRun, REPO_ROOT, runProgram, StackConfig } from "../harness";
import { allDocs, docPages } from "../docs/pages";

/**
 * The workflows and the docs (README.md, docs/) run the policy pack exactly as this test does: it reads every
 * `pulumi up` / `pulumi preview` / `pulumi policy enable` of `.github/workflows/*.yml`, takes its
 * `--policy-pack` directory, its `--policy-pack-config` (or `--config`) file and the step that writes
 * that file, runs that step's `policy:check` command, and runs the pack with the result over the
 * analyzer protocol, as the Pulumi CLI does (`--policy-pack-config` is the file the CLI reads into
 * each policy's config; pulumi/pulumi pkg/resource/analyzer LoadPolicyPackConfigFromFile), over the
 * example stack the command deploys, with the command's own `--config` values. The steps run in a
 * checkout whose root stack files are the full example's (`examples/full`), as a user's after copying
 * it there: `--stack <name>` reads that root file, as it does in the pipeline.
 *
 * Pulumi Cloud names a published pack by what the pack reports in GetAnalyzerInfo, the name given to
 * `new PolicyPack(name)`, not the npm package name (pulumi/pulumi pkg/backend/httpstate/policypack.go,
 * Publish: `pack.ref.name = tokens.QName(analyzerInfo.Name)`; @pulumi/policy policy.js takes only the
 * version from package.json), so `pulumi policy enable <org>/<name>` must use that name.
 */

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
/** README.md and the docs pages, where the commands a person runs are shown. */
const PAGES = docPages();
const DOCS = allDocs();
type Stack = "management" | "security";

/** Splits a shell command line into words: quotes, backslash-newlines and runs of blanks. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  const text = command.replace(/\\\n/g, " ");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word = (word ?? "") + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word = word ?? "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The value after a flag (`--flag value` or `--flag=value`), every occurrence. */
function flagValues(words: string[], flag: string): string[] {
  const out: string[] = [];
  words.forEach((w, i) => {
    if (w === flag && i + 1 < words.length) out.push(words[i + 1]);
    else if (w.startsWith(`${flag}=`)) out.push(w.slice(flag.length + 1));
  });
  return out;
}

interface Step {
  readonly name?: string;
  readonly run?: string;
}
interface Job {
  readonly needs?: string | string[];
  readonly env?: Record<string, string>;
  readonly strategy?: { matrix?: Record<string, unknown[]> };
  readonly steps: Step[];
}

/** One place a workflow runs the pack (or enables it in Pulumi Cloud). */
export interface PackRun {
  readonly where: string;
  readonly command: "up" | "preview" | "enable";
  /** The example stacks the command runs against (an org-wide policy group: both). */
  readonly stacks: Stack[];
  readonly packDir?: string;
  /** `<org>/<name>` of `pulumi policy enable`. */
  readonly packRef?: string;
  /** The pack config the command reads, when it reads one: the generating step's output. */
  readonly config?: PolicyPackConfigFile;
  readonly configFile?: string;
  /** `--config key=value` of the command, and whether `--config-path` makes keys paths. */
  readonly stackConfig: string[];
  readonly configPath: boolean;
}

/** `${{ matrix.x }}` and `$VAR` / `${VAR}` of a job's env, as the runner expands them. */
function expand(text: string, matrix: Record<string, string>, env: Record<string, string>): string {
  let out = text.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, k: string) => matrix[k] ?? "");
  out = out.replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a?: string, b?: string) => env[a ?? b ?? ""] ?? all);
  return out;
}

/**
 * Runs the step that writes `file` (`npm run --silent policy:check -- ... > file`) in the working
 * directory, the checkout's root the step runs in, and parses its output.
 */
async function generated(steps: Step[], file: string, expandText: (t: string) => string) {
  for (const step of steps) {
    const run = step.run === undefined ? undefined : expandText(step.run);
    const m =
      run === undefined ? null : /npm run --silent policy:check -- (.*?)\s*>\s*(\S+)\s*$/s.exec(run.trim());
    if (m === null || shellWords(m[2])[0] !== file) continue;
    const out: string[] = [];
    const err: string[] = [];
    const code = await policyCheck(shellWords(m[1]), { out: (l) => out.push(l), err: (l) => err.push(l) });
    assert.strictEqual(code, 0, `${step.name}: policy:check exited ${code}: ${err.join("\n")}`);
    return JSON.parse(out.join("\n")) as PolicyPackConfigFile;
  }
  return undefined;
}

/** Every place the workflow files run the pack, with the config they give it. */
export async function packRunsOf(files: Record<string, string>): Promise<PackRun[]> {
  const runs: PackRun[] = [];
  for (const [file, text] of Object.entries(files)) {
    const workflow = YAML.parse(text) as { jobs: Record<string, Job> };
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      const matrices = Object.entries(job.strategy?.matrix ?? {});
      const combos: Record<string, string>[] =
        matrices.length === 0 ? [{}] : (matrices[0][1] as string[]).map((v) => ({ [matrices[0][0]]: v }));
      for (const matrix of combos) {
        const env = Object.fromEntries(
          Object.entries(job.env ?? {}).map(([k, v]) => [k, expand(String(v), matrix, {})]),
        );
        const expandText = (t: string) => expand(t, matrix, env);
        for (const step of job.steps) {
          if (step.run === undefined) continue;
          const words = shellWords(expandText(step.run));
          const at = words.indexOf("pulumi");
          if (at < 0) continue;
          const verb = words.slice(at + 1, at + 3).join(" ");
          const command = verb.startsWith("up")
            ? "up"
            : verb.startsWith("preview")
              ? "preview"
              : verb === "policy enable"
                ? "enable"
                : undefined;
          if (command === undefined) continue;
          const where = `${file} ${jobName}${matrices.length > 0 ? ` (${JSON.stringify(matrix)})` : ""}: ${step.name ?? step.run}`;
          const configFile =
            command === "enable"
              ? flagValues(words, "--config")[0]
              : flagValues(words, "--policy-pack-config")[0];
          const stackRef = flagValues(words, "--stack")[0];
          const stacks: Stack[] =
            command === "enable" ? ["management", "security"] : [stackRef.split("/").pop() as Stack];
          runs.push({
            where,
            command,
            stacks,
            packDir: flagValues(words, "--policy-pack")[0],
            packRef: command === "enable" ? words[at + 3] : undefined,
            configFile,
            config: configFile === undefined ? undefined : await generated(job.steps, configFile, expandText),
            stackConfig: command === "enable" ? [] : flagValues(words, "--config"),
            configPath: words.includes("--config-path"),
          });
        }
      }
    }
  }
  return runs;
}

/** A stack's config with `pulumi <cmd> --config [--config-path] key=value` applied. */
function withCommandConfig(stack: Stack, values: string[], configPath: boolean): StackConfig {
  const base = exampleConfig(stack);
  const out = { ...base.values };
  for (const pair of values) {
    const [key, ...rest] = pair.split("=");
    const value = rest.join("=");
    if (!configPath) {
      out[key] = value;
      continue;
    }
    const [namespace, ...segments] = key.split(":");
    const [top, ...inner] = segments.join(":").split(".");
    const full = `${namespace}:${top}`;
    const obj = (out[full] === undefined ? {} : JSON.parse(out[full])) as Record<string, unknown>;
    let cursor = obj;
    for (const seg of inner.slice(0, -1)) cursor = (cursor[seg] ??= {}) as Record<string, unknown>;
    if (inner.length === 0) out[full] = value;
    else {
      cursor[inner[inner.length - 1]] = value;
      out[full] = JSON.stringify(obj);
    }
  }
  return { values: out, secretKeys: base.secretKeys };
}

const programRuns = new Map<string, Promise<ProgramRun>>();
function programRun(stack: Stack, values: string[], configPath: boolean): Promise<ProgramRun> {
  const key = JSON.stringify([stack, values, configPath]);
  if (!programRuns.has(key)) {
    programRuns.set(key, runProgram({ stack, config: withCommandConfig(stack, values, configPath) }));
  }
  return programRuns.get(key) as Promise<ProgramRun>;
}

/** Mandatory findings of the pack, configured as the run configures it, over each of its stacks. */
async function mandatoryFindings(pack: RunningPack, run: PackRun): Promise<string[]> {
  await pack.configure(run.config ?? {});
  const out: string[] = [];
  for (const stack of run.stacks) {
    const program = await programRun(stack, run.stackConfig, run.configPath);
    const { resources, stack: stackLevel } = await pack.analyzeAll(packResources(program));
    for (const d of [...resources, ...stackLevel]) {
      if (d.enforcementLevel === "mandatory") out.push(`${stack}: ${d.policyName} ${d.urn}`);
    }
  }
  return out;
}

function workflowFiles(): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(WORKFLOWS)
      .filter((f) => f.endsWith(".yml"))
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(WORKFLOWS, f), "utf8")]),
  );
}

/** Commands in the docs' code (fenced blocks and inline spans), whitespace normalised. */
function readmeCommands(): string[] {
  const spans = [...DOCS.matchAll(/```[a-z]*\n([\s\S]*?)```|`([^`]+)`/g)].flatMap((m) =>
    m[1] !== undefined ? m[1].split("\n") : [m[2]],
  );
  return spans.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s.length > 0);
}

const PACK_NAME = /new PolicyPack\(\s*"([^"]+)"/.exec(
  fs.readFileSync(path.join(REPO_ROOT, "policy-pack", "index.ts"), "utf8"),
)?.[1];

describe("the policy pack as the workflows and the docs run it", function () {
  this.timeout(900000);
  let runs: PackRun[];
  let pack: RunningPack;
  before(async () => {
    runs = await inProjectOf("full", () => packRunsOf(workflowFiles()));
    pack = await startPack({ packDir: path.join(REPO_ROOT, "policy-pack") });
  });
  after(async () => {
    if (pack) await pack.stop();
  });

  it("finds every run of the pack in the workflows, each with the repository's pack and a generated config", () => {
    assert.deepStrictEqual(
      runs.map((r) => [r.where.split(":")[0], r.command, r.stacks.join("+"), r.packDir ?? "-", r.configFile]),
      [
        ["deploy.yml management", "up", "management", "policy-pack", "$RUNNER_TEMP/pack-config.json"],
        ["deploy.yml security", "up", "security", "policy-pack", "$RUNNER_TEMP/pack-config.json"],
        ["policy-pack.yml publish", "enable", "management+security", "-", "$RUNNER_TEMP/pack-config.json"],
        [
          'pull-request.yml preview ({"stack"',
          "preview",
          "management",
          "policy-pack",
          "$RUNNER_TEMP/pack-config.json",
        ],
        [
          'pull-request.yml preview ({"stack"',
          "preview",
          "security",
          "policy-pack",
          "$RUNNER_TEMP/pack-config.json",
        ],
      ],
    );
    for (const run of runs)
      assert.ok(run.config !== undefined, `${run.where}: no step writes ${run.configFile}`);
  });

  it("gives every run the same org facts, from the stack config", () => {
    // The file policy:check writes from the checkout's Pulumi.management.yaml, the full example's (its
    // exact values: test/policy-pack/stack-pack-config.spec.ts): the org-wide policy group's is the
    // pipelines' too.
    const fromStack = stackPackConfig(loadConfig(exampleConfig("management")).config);
    for (const run of runs) assert.deepStrictEqual(run.config, fromStack, run.where);
  });

  it("finds no mandatory violation in either example stack, run exactly as each workflow runs the pack", async () => {
    for (const run of runs) {
      assert.deepStrictEqual(await mandatoryFindings(pack, run), [], run.where);
    }
  });

  it("fails a workflow that runs the pack without --policy-pack-config (the org facts it needs)", async () => {
    const before = `
jobs:
  management:
    env:
      STACK: \${{ vars.PULUMI_ORG }}/management
    steps:
      - name: pulumi up
        run: pulumi up --stack "$STACK" --yes --policy-pack policy-pack --non-interactive
`;
    const [run] = await packRunsOf({ "deploy.yml": before });
    assert.strictEqual(run.configFile, undefined);
    // Without managementAccountId the member OrganizationAccountAccessRole StackSet (its template role
    // trusts the management account root with AdministratorAccess) breaks mandatory rules, and
    // without the stack's allowedAdminRoleNames so does the management deploy role (it manages IAM:
    // admin-equivalent by meaning): every management `pulumi up` and pull-request preview would
    // stop. Which rules report them is the pack's business; that they are mandatory and on exactly
    // those resources is this test's.
    const findings = await mandatoryFindings(pack, run);
    assert.ok(findings.length >= 3, findings.join("\n"));
    assert.deepStrictEqual([...new Set(findings.map((f) => f.split("::").pop()))].sort(), [
      "organization-access-member-role-roles-stackset",
      "pipeline-management-deploy-role",
    ]);
  });

  it("names the pack in Pulumi Cloud by its PolicyPack name, in the workflow and the docs", () => {
    assert.strictEqual(PACK_NAME, "org-access");
    assert.strictEqual(pack.name, PACK_NAME, "GetAnalyzerInfo reports the PolicyPack name");
    const npmName = (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy-pack", "package.json"), "utf8")) as {
        name: string;
      }
    ).name;
    assert.notStrictEqual(npmName, PACK_NAME);
    // `pulumi policy enable "$PULUMI_ORG/<name>"`: the org comes from the job's env.
    assert.deepStrictEqual(
      runs.filter((r) => r.command === "enable").map((r) => r.packRef),
      [`\${{ vars.PULUMI_ORG }}/${PACK_NAME}`],
    );
    const cloud = readmeCommands().filter((c) => /pulumi policy (enable|disable) \S/.test(c));
    assert.ok(cloud.length >= 2, "the docs show how to enable and disable the pack");
    for (const command of cloud) {
      assert.match(command, new RegExp(`pulumi policy (enable|disable) \\S+/${PACK_NAME} `), command);
    }
    for (const command of readmeCommands().filter((c) => c.includes("pulumi policy")))
      assert.ok(!command.includes(npmName), command);
  });

  it("shows in the docs only pack runs with the generated config", () => {
    const commands = readmeCommands();
    const withPack = commands.filter((c) => /pulumi (up|preview)\b.*--policy-pack /.test(c));
    assert.ok(withPack.length >= 4, withPack.join("\n"));
    for (const c of withPack) assert.match(c, /--policy-pack-config \S+/, c);
    for (const c of commands.filter((x) => /pulumi policy enable \S/.test(x)))
      assert.match(c, /--config \S+/, c);
    const generators = commands.filter((c) => c.includes("npm run") && c.includes("--emit-pack-config"));
    assert.ok(generators.length >= 2);
    for (const c of generators)
      assert.match(c, /policy:check -- --emit-pack-config --stack \S+( --config \S+)? > \S+$/, c);
    assert.ok(!DOCS.includes("org-facts.json"));
  });

  it("deploys in the docs' one order: the deploy jobs and every docs section run management, then security", () => {
    const deploy = YAML.parse(workflowFiles()["deploy.yml"]) as { jobs: Record<string, Job> };
    // Jobs in dependency order (each after the jobs it needs).
    const order: string[] = [];
    const visit = (name: string) => {
      if (order.includes(name)) return;
      for (const need of [deploy.jobs[name].needs ?? []].flat()) visit(need);
      order.push(name);
    };
    Object.keys(deploy.jobs).forEach(visit);
    assert.deepStrictEqual(order, ["management", "security"]);
    assert.deepStrictEqual(deploy.jobs.security.needs, "management");
    // Each section of README.md or docs/ that deploys both stacks names them in that order.
    const deploying = [...PAGES]
      .flatMap(([file, page]) => page.split(/\n(?=#{2,3} )/).map((text) => ({ file, text })))
      .map(({ file, text }) => ({
        title: `${file} ${text.split("\n")[0]}`,
        stacks: [...text.matchAll(/pulumi up --stack <org>\/(management|security)\b/g)].map((m) => m[1]),
      }))
      .filter((section) => new Set(section.stacks).size === 2);
    assert.deepStrictEqual(
      deploying.map((section) => section.title),
      [
        "README.md ## Deploying for real",
        "docs/pipelines.md ## Bootstrap: the one run a person makes",
        "docs/pipelines.md ## Break-glass: when the pipeline role is broken",
      ],
    );
    for (const section of deploying)
      assert.deepStrictEqual([...new Set(section.stacks)], order, section.title);
    assert.match(
      (PAGES.get("README.md") ?? "").replace(/\s+/g, " "),
      /prerequisites once \(see _Bootstrap_ under Pipelines\), then the \*\*management\*\* stack, then the \*\*security\*\* stack/,
    );
  });
});
