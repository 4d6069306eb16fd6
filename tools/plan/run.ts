import * as fs from "fs";
import * as path from "path";
import { ConfigIssue, loadConfig, OrgAccessConfig } from "../../components/config";
import {
  ProgramRun,
  readStackFile,
  REPO_ROOT,
  runProgram,
  stackFilePath,
  StackConfig,
} from "../mock-runtime";
import { accessGraph } from "./access";
import { diffAccess, readBaseline } from "./baseline";
import { CurrentResource, dangerousChanges, readBaselineResources } from "./dangerous";
import { baselineOf, DeployBaseline, orgFactsOf, rehearse, stackFacts, StackFacts } from "./deploy";
import { checkExpectations } from "./expectations";
import { renderMarkdown } from "./markdown";
import { buildModel } from "./model";
import { runPolicyPack } from "./policy";
import { secretRedactor } from "./redact";
import { DangerousChange, PlannedProvider, PlannedResource, PlanReport, ProviderLoad } from "./types";

/** What `npm run plan` is asked to do. */
export interface PlanOptions {
  /** Stack name; defaults to the name in `Pulumi.<stack>.yaml` of `configFile`, else `management`. */
  readonly stack?: string;
  /** Any Pulumi stack file; defaults to the stack's own file in the repository. */
  readonly configFile?: string;
  /** Where `plan-<stack>.md` and `plan-<stack>.json` go; `plan-out/` by default. */
  readonly outDir?: string;
  /** A previous `plan-<stack>.json` to diff access edges against. */
  readonly baseline?: string;
  /** Overrides `org-access:expectations.maxProviders`. */
  readonly maxProviders?: number;
  /** Config given directly instead of a file (tests). */
  readonly config?: StackConfig;
  /** Program to run instead of `index.ts` (tests that add resources a capability has not landed yet). */
  readonly programPath?: string;
  /**
   * The organization's other stacks, for the first-run rehearsal (which stack deploys first, what
   * another stack creates). By default the other `Pulumi.<stack>.yaml` files next to the planned
   * stack's file with the same organization; none when `config` is given directly.
   */
  readonly otherStacks?: readonly OtherStack[];
}

/** Another stack of the organization, run under mocks for the rehearsal. */
export interface OtherStack {
  readonly stack: string;
  readonly config: StackConfig;
  readonly programPath?: string;
}

export type ExitCode = 0 | 1 | 2;

export interface PlanOutcome {
  readonly exitCode: ExitCode;
  readonly report?: PlanReport;
  /** Files written. */
  readonly files: string[];
  /** Why the plan is not clean, or why it could not run (validation errors). */
  readonly problems: string[];
}

/** Rough resident memory of one AWS provider plugin process; an estimate, not a measurement. */
export const PROVIDER_MEMORY_ESTIMATE_MB = 250;

export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, "plan-out");

/** Runs the whole plan and writes its reports. Exit 2 is returned, not thrown, for bad config or usage. */
export async function plan(options: PlanOptions): Promise<PlanOutcome> {
  const target = resolveTarget(options);
  if (typeof target === "string") return usage(target);
  const { stack, config } = target;

  let loaded: OrgAccessConfig;
  try {
    loaded = loadConfig(config).config;
  } catch (err) {
    return invalid(err);
  }
  let run: ProgramRun;
  try {
    // Source positions are discarded here, so the SDK's per-resource stack traces skip source maps.
    run = await runProgram({ stack, config, programPath: options.programPath, sourceMappedStacks: false });
  } catch (err) {
    if ((err as Error).name === "ConfigValidationError") return invalid(err);
    return usage(`the program failed under the mocked runtime: ${(err as Error).stack ?? String(err)}`);
  }

  const org = orgFactsOf(loaded);
  const redact = secretRedactor(config);
  const providerNames = new Map(run.providers.map((p) => [p.urn, p.name]));
  const resources: PlannedResource[] = run.resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    account: r.account,
    provider: r.providerUrn === undefined ? undefined : providerNames.get(r.providerUrn),
    inputs: redact(r.inputs) as Record<string, unknown>,
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    import: r.import,
  }));
  const providers: PlannedProvider[] = run.providers.map((p) => ({
    name: p.name,
    accountId: p.accountId,
    roleArn: p.roleArn,
  }));

  const policy = await runPolicyPack(run, loaded);
  const model = buildModel(run.resources, org);
  const access = await accessGraph(model);
  const expectations = await checkExpectations(model, loaded.expectations?.access ?? [], loaded.vendors);
  const providerLoad = loadOf(
    run.providers.filter((p) => p.urn.includes("::pulumi:providers:aws::")).length,
    options.maxProviders ?? loaded.expectations?.maxProviders ?? 50,
  );

  let accessDiff: PlanReport["accessDiff"];
  let dangerous: DangerousChange[] | undefined;
  let deployBaseline: DeployBaseline | undefined;
  if (options.baseline !== undefined) {
    let baseline;
    let baselineResources: PlannedResource[];
    try {
      baseline = readBaseline(options.baseline);
      baselineResources = readBaselineResources(options.baseline);
    } catch (err) {
      return usage(`--baseline ${options.baseline}: ${(err as Error).message}`);
    }
    const name = path.basename(options.baseline);
    accessDiff = diffAccess(name, baseline.access, access);
    dangerous = dangerousChanges({
      baseline: baselineResources,
      current: currentResources(run, resources),
      org,
      accessRoleNames: [
        ...new Set(
          [loaded.providers.roleName, loaded.organizationAccess?.roleName].filter((n) => n !== undefined),
        ),
      ],
    });
    deployBaseline = baselineOf(name, baselineResources, org);
  }

  let others: StackFacts[];
  try {
    others = await otherStackFacts(options, stack, config, loaded.organization.id);
  } catch (err) {
    if ((err as Error).name === "ConfigValidationError") return invalid(err);
    return usage(
      `another stack of the organization failed under the mocked runtime: ${(err as Error).message}`,
    );
  }
  const deploy = rehearse({
    stack,
    stacks: [stackFacts(stack, run.resources, org, loaded.deployment.kind), ...others],
    org,
    baseline: deployBaseline,
  });

  const report: PlanReport = {
    stack,
    generatedAt: new Date().toISOString(),
    organizationId: org.organizationId,
    accounts: [...org.accounts],
    resources,
    providers,
    providerLoad,
    policyPack: { ran: policy.ran, note: policy.note },
    findings: policy.findings.map((f) => redact(f) as typeof f),
    access: access.map((e) => redact(e) as typeof e),
    expectations,
    ...(accessDiff === undefined ? {} : { accessDiff }),
    ...(dangerous === undefined ? {} : { dangerousChanges: dangerous }),
    deploy,
  };

  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  fs.mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, `plan-${stack}.json`);
  const mdFile = path.join(outDir, `plan-${stack}.md`);
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(mdFile, renderMarkdown(report));

  const problems = [
    ...report.findings
      .filter((f) => f.enforcementLevel === "mandatory")
      .map((f) => `mandatory policy ${f.policy} violated${f.urn ? ` by ${f.urn}` : ""}: ${f.message}`),
    ...expectations
      .filter((e) => !e.ok)
      .map(
        (e) =>
          `expectation org-access:expectations.access[${e.index}] failed: ${e.principal} -> ${e.role} expected ${e.expected}, got ${e.actual} (${e.reason})${e.why ? `; why it matters: ${e.why}` : ""}`,
      ),
    ...(dangerous ?? []).map((d) => `dangerous change since the baseline: ${d.message}`),
    ...deploy.findings.map(
      (f) =>
        `deploy ${f.scenario === "first-run" ? "from an empty organization" : "from the baseline"} would fail: ${f.message}`,
    ),
  ];
  return { exitCode: problems.length > 0 ? 1 : 0, report, files: [mdFile, jsonFile], problems };
}

/** The current resources with the URNs their aliases stand for, so a rename with an alias is no deletion. */
function currentResources(run: ProgramRun, resources: readonly PlannedResource[]): CurrentResource[] {
  const aliases = new Map(run.resources.map((r) => [r.urn, r.aliases ?? []]));
  return resources.map((r) => ({
    ...r,
    previousUrns: (aliases.get(r.urn) ?? []).map((a) => aliasUrn(r.urn, a)),
  }));
}

/** The URN an alias spec (previous name, type or parent) stands for. */
function aliasUrn(urn: string, alias: { name?: string; type?: string; parentUrn?: string }): string {
  // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
  const parts = urn.split("::");
  const chain = (parts[2] ?? "").split("$");
  let parents = chain.slice(0, -1);
  if (alias.parentUrn !== undefined) {
    const parent = alias.parentUrn.split("::")[2] ?? "";
    parents = parent === "" || parent === "pulumi:pulumi:Stack" ? [] : parent.split("$");
  }
  const type = alias.type ?? chain[chain.length - 1];
  return [parts[0], parts[1], [...parents, type].join("$"), alias.name ?? parts.slice(3).join("::")].join(
    "::",
  );
}

/** The organization's other stacks, run under mocks, as the rehearsal reads them. */
async function otherStackFacts(
  options: PlanOptions,
  stack: string,
  config: StackConfig,
  organizationId: string,
): Promise<StackFacts[]> {
  const others = options.otherStacks ?? (options.config === undefined ? siblingStacks(options, stack) : []);
  const facts: StackFacts[] = [];
  for (const other of others) {
    if (other.stack === stack || other.config === config) continue;
    const loaded = loadConfig(other.config).config;
    if (loaded.organization.id !== organizationId) continue;
    const run = await runProgram({
      stack: other.stack,
      config: other.config,
      programPath: other.programPath,
      sourceMappedStacks: false,
    });
    facts.push(stackFacts(other.stack, run.resources, orgFactsOf(loaded), loaded.deployment.kind));
  }
  return facts;
}

/** The other `Pulumi.<stack>.yaml` files next to the planned stack's file. */
function siblingStacks(options: PlanOptions, stack: string): OtherStack[] {
  const file = options.configFile ?? stackFilePath(stack);
  const dir = path.dirname(file);
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && path.join(dir, m[0]) !== path.resolve(file))
    .sort((a, b) => a[1].localeCompare(b[1]))
    .map((m) => ({ stack: m[1], config: readStackFile(path.join(dir, m[0])) }));
}

function resolveTarget(options: PlanOptions): { stack: string; config: StackConfig } | string {
  const fromFile =
    options.configFile === undefined
      ? undefined
      : /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(options.configFile))?.[1];
  const stack = options.stack ?? fromFile ?? "management";
  if (!/^[\w.-]+$/.test(stack)) return `invalid stack name ${JSON.stringify(stack)}`;
  if (options.config !== undefined) return { stack, config: options.config };
  const file = options.configFile ?? stackFilePath(stack);
  if (!fs.existsSync(file)) {
    return `no stack file ${file}; pass --stack management|security, or --config-file with a Pulumi.<stack>.yaml`;
  }
  try {
    return { stack, config: readStackFile(file) };
  } catch (err) {
    return `cannot read ${file} as a Pulumi stack file: ${(err as Error).message}`;
  }
}

function loadOf(count: number, threshold: number): ProviderLoad {
  const estimatedMemoryMb = count * PROVIDER_MEMORY_ESTIMATE_MB;
  if (count <= threshold) return { count, estimatedMemoryMb, threshold };
  return {
    count,
    estimatedMemoryMb,
    threshold,
    warning:
      count > threshold
        ? `${count} explicit AWS providers: a real \`pulumi up\` starts one provider process per provider, about ${estimatedMemoryMb} MB at an estimated ${PROVIDER_MEMORY_ESTIMATE_MB} MB each (above the threshold of ${threshold}). Roll OU-wide roles out with a StackSet (\`rollout: stackset\`) or shard the stack with \`org-access:scope\`.`
        : undefined,
  };
}

function usage(message: string): PlanOutcome {
  return { exitCode: 2, files: [], problems: [message] };
}

function invalid(err: unknown): PlanOutcome {
  const issues = (err as { issues?: ConfigIssue[] }).issues;
  if (issues === undefined) return usage((err as Error).message);
  return { exitCode: 2, files: [], problems: [(err as Error).message] };
}
