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
import { accessGraph, Caller, callerLabel, sortEdges } from "./access";
import { Baseline, diffAccess, diffPlans, readBaseline } from "./baseline";
import { CurrentResource, dangerousChanges } from "./dangerous";
import { baselineOf, rehearse, stackFacts, StackFacts } from "./deploy";
import { callerFor, checkExpectations, vendorPrincipal } from "./expectations";
import { renderComment, renderMarkdown } from "./markdown";
import { buildModel, IamModel, OrgFacts } from "./model";
import { adminEquivalence, computeReach, EntryPoint, escalationEdges } from "./reach";
import { startPolicyPack, StartedPolicyPack } from "./policy";
import { secretRedactor } from "./redact";
import { PlannedProvider, PlannedResource, PlanReport, ProviderLoad } from "./types";

/** What `npm run plan` is asked to do. */
export interface PlanOptions {
  /** Stack name; defaults to the name in `Pulumi.<stack>.yaml` of `configFile`, else `management`. */
  readonly stack?: string;
  /** Any Pulumi stack file; defaults to the stack's own file next to the project's `Pulumi.yaml`. */
  readonly configFile?: string;
  /** Where `plan-<stack>.md` and `plan-<stack>.json` go; `plan-out/` by default. */
  readonly outDir?: string;
  /** A previous `plan-<stack>.json` to diff access edges against. */
  readonly baseline?: string;
  /** Link to the full report (the workflow run's artifacts) in the pull-request comment. */
  readonly fullReportUrl?: string;
  /** Characters the pull-request comment may take (default 32,000: two stacks share one comment). */
  readonly commentBudget?: number;
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
  // The pack's process starts (and type-checks the pack) while the program runs here.
  const pack = startPolicyPack(stack, loaded);
  try {
    return await planStack(options, stack, config, loaded, pack);
  } finally {
    await pack.stop();
  }
}

async function planStack(
  options: PlanOptions,
  stack: string,
  config: StackConfig,
  loaded: OrgAccessConfig,
  pack: StartedPolicyPack,
): Promise<PlanOutcome> {
  let run: ProgramRun;
  try {
    // Source positions are discarded here, so the SDK's per-resource stack traces skip source maps.
    run = await runProgram({ stack, config, programPath: options.programPath, sourceMappedStacks: false });
  } catch (err) {
    if ((err as Error).name === "ConfigValidationError") return invalid(err);
    return usage(`the program failed under the mocked runtime: ${(err as Error).stack ?? String(err)}`);
  }

  const org = orgFactsFor(loaded);

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

  // The pack checks the resources in its own process while this one works out who can do what
  // (the access analysis yields to the event loop, so the pack's replies are read as they come).
  const checking = pack.check(run).then(
    (outcome) => ({ outcome, error: undefined }),
    (error: unknown) => ({ outcome: undefined, error }),
  );
  const model = buildModel(run.resources, org);
  const { access, adminRoles, reach, expectations, maxDepth } = await analyzeAccess(model, loaded);
  const checked = await checking;
  if (checked.outcome === undefined) throw checked.error;
  const policy = checked.outcome;
  const providerLoad = loadOf(
    run.providers.filter((p) => p.urn.includes("::pulumi:providers:aws::")).length,
    options.maxProviders ?? loaded.expectations?.maxProviders ?? 50,
  );

  // Secrets (an ExternalId in a condition) never reach a report, a diff included.
  const redactedAccess = access.map((e) => redact(e) as typeof e);
  let accessDiff: PlanReport["accessDiff"];
  let baseline: Baseline | undefined;
  if (options.baseline !== undefined) {
    try {
      baseline = readBaseline(options.baseline);
    } catch (err) {
      return usage(`--baseline ${options.baseline}: ${(err as Error).message}`);
    }
    accessDiff = diffAccess(path.basename(options.baseline), baseline.access, redactedAccess);
  }
  const baselineName = options.baseline === undefined ? undefined : path.basename(options.baseline);
  const baselineResources = baseline?.resources ?? [];
  const dangerous =
    baseline === undefined
      ? undefined
      : dangerousChanges({
          baseline: baselineResources,
          current: currentResources(run, resources),
          org,
          accessRoleNames: [
            ...new Set(
              [loaded.providers.roleName, loaded.organizationAccess?.roleName].filter((n) => n !== undefined),
            ),
          ],
        });

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
    baseline: baselineName === undefined ? undefined : baselineOf(baselineName, baselineResources, org),
  });

  const uncheckedSecrets = (config.encryptedPaths ?? []).map((p) => `org-access:${p}`);
  let report: PlanReport = {
    stack,
    generatedAt: new Date().toISOString(),
    organizationId: org.organizationId,
    accounts: [...org.accounts],
    resources,
    providers,
    providerLoad,
    policyPack: { ran: policy.ran, note: policy.note },
    findings: policy.findings.map((f) => redact(f) as typeof f),
    access: redactedAccess,
    expectations: expectations.map((e) => redact(e) as typeof e),
    ...(accessDiff === undefined ? {} : { accessDiff }),
    ...(dangerous === undefined ? {} : { dangerousChanges: dangerous }),
    deploy,
    chains: reach.chains,
    accessFindings: reach.findings.map((f) => redact(f) as typeof f),
    reach: { maxDepth, adminRoles: [...adminRoles].map(([role, why]) => ({ role, why })) },
    ...(uncheckedSecrets.length === 0 ? {} : { uncheckedSecrets }),
  };

  if (baseline !== undefined) {
    report = { ...report, changes: diffPlans(path.basename(options.baseline ?? ""), baseline, report) };
  }
  const problems = problemsOf(report);
  report = { ...report, result: problems.length > 0 ? "fail" : "pass" };

  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  fs.mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, `plan-${stack}.json`);
  const mdFile = path.join(outDir, `plan-${stack}.md`);
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(mdFile, renderMarkdown(report));
  const commentFile = path.join(outDir, `plan-${stack}.comment.md`);
  fs.writeFileSync(
    commentFile,
    renderComment(report, { budget: options.commentBudget, fullReportUrl: options.fullReportUrl }),
  );

  return { exitCode: problems.length > 0 ? 1 : 0, report, files: [mdFile, jsonFile, commentFile], problems };
}

/** Everything the plan says about access: edges (escalation included), reach, expectations. */
export async function analyzeAccess(model: IamModel, loaded: OrgAccessConfig) {
  const graph = await accessGraph(model);
  const adminRoles = await adminEquivalence(model);
  const access = sortEdges([...graph, ...(await escalationEdges(model, graph, adminRoles))]);
  const maxDepth = loaded.expectations?.chains?.maxDepth ?? 2;
  const reach = computeReach(model, access, adminRoles, {
    maxDepth,
    isAdminEntry: adminEntries(model, loaded),
  });
  const expectations = await checkExpectations(model, loaded.expectations?.access ?? [], loaded.vendors, {
    reach,
    region: loaded.providers?.region,
  });
  return { access, adminRoles, reach, expectations, maxDepth };
}

/** Why a plan is not clean: mandatory policy findings and failed expectations. */
function problemsOf(report: PlanReport): string[] {
  return [
    ...report.findings
      .filter((f) => f.enforcementLevel === "mandatory")
      .map((f) => `mandatory policy ${f.policy} violated${f.urn ? ` by ${f.urn}` : ""}: ${f.message}`),
    ...report.expectations
      .filter((e) => !e.ok)
      .map(
        (e) =>
          `expectation org-access:expectations.access[${e.index}] failed: ${e.principal} -> ${e.action === undefined ? e.role : `${e.action} on ${e.role}`} expected ${e.expected}, got ${e.actual} (${e.reason})${e.why ? `; why it matters: ${e.why}` : ""}`,
      ),
    ...(report.dangerousChanges ?? []).map((d) => `dangerous change since the baseline: ${d.message}`),
    ...(report.deploy?.findings ?? []).map(
      (f) =>
        `deploy ${f.scenario === "first-run" ? "from an empty organization" : "from the baseline"} would fail: ${f.message}`,
    ),
  ];
}

/**
 * Entry points whose reach to admin-equivalent access is intended: those of
 * `org-access:expectations.adminPrincipals`, or by default the management account's principals, AWS
 * services, Identity Center groups assigned a break-glass permission set (tag `break-glass: true`)
 * and this project's own deploy pipeline subjects.
 */
function adminEntries(model: IamModel, loaded: OrgAccessConfig): (entry: EntryPoint) => boolean {
  const configured = loaded.expectations?.adminPrincipals;
  if (configured !== undefined) {
    const labels = new Set(
      configured
        .map((p) => callerFor(model, p, undefined, loaded.vendors))
        .filter((c): c is Caller => typeof c !== "string")
        .map(callerLabel),
    );
    return (entry) => labels.has(entry.principal);
  }
  const breakGlassRoles = new Set(
    model.roles
      .filter((r) => r.kind === "identity-center" && r.tags?.["break-glass"] === "true")
      .map((r) => r.arn),
  );
  const breakGlassGroups = new Set(
    (model.assignments ?? [])
      .filter((a) => breakGlassRoles.has(a.roleArn))
      .map((a) =>
        callerLabel({
          kind: "identity-center",
          principalType: a.principalType,
          principalId: a.principalId,
          name: a.principalName,
        }),
      ),
  );
  const pipeline = loaded.pipeline;
  const deploySubjects = new Set<string>();
  if (pipeline !== undefined) {
    const envs = pipeline.environments === undefined ? [] : Object.values(pipeline.environments);
    for (const env of envs) deploySubjects.add(`github repo:${pipeline.repository}:environment:${env}`);
    if (envs.length === 0)
      deploySubjects.add(`github repo:${pipeline.repository}:ref:refs/heads/${pipeline.branch}`);
  }
  return (entry) =>
    entry.account === model.org.managementAccountId ||
    entry.principalKind === "service" ||
    breakGlassGroups.has(entry.principal) ||
    deploySubjects.has(entry.principal);
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
    facts.push(stackFacts(other.stack, run.resources, orgFactsFor(loaded), loaded.deployment.kind));
  }
  return facts;
}

/**
 * The other `Pulumi.<stack>.yaml` files next to the planned stack's file: beside a `--config-file`
 * (`examples/full/Pulumi.security.yaml` finds `examples/full/Pulumi.management.yaml`), else the
 * project's own stack files. Nothing from elsewhere: another folder is another organization's.
 */
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

/**
 * The stack name and its config. The name comes from `--stack`, else from a `Pulumi.<stack>.yaml`
 * file name, else from the config's own `deployment.kind` (never guessed from another file name).
 */
function resolveTarget(options: PlanOptions): { stack: string; config: StackConfig } | string {
  const fromFile =
    options.configFile === undefined
      ? undefined
      : /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(options.configFile))?.[1];
  const named = options.stack ?? fromFile;
  if (named !== undefined && !/^[\w.-]+$/.test(named)) return `invalid stack name ${JSON.stringify(named)}`;
  let config = options.config;
  if (config === undefined) {
    const file = options.configFile ?? stackFilePath(named ?? "management");
    if (!fs.existsSync(file)) {
      return `no stack file ${file}; pass --stack management|security, or --config-file with a Pulumi.<stack>.yaml (to start from an example: examples/README.md)`;
    }
    try {
      config = readStackFile(file);
    } catch (err) {
      return `cannot read ${file} as a Pulumi stack file: ${(err as Error).message}`;
    }
  }
  return { stack: named ?? kindOf(config) ?? "management", config };
}

/** `deployment.kind` of a config, when it says. */
function kindOf(config: StackConfig): string | undefined {
  try {
    const kind = (JSON.parse(config.values["org-access:deployment"] ?? "{}") as { kind?: unknown }).kind;
    return kind === "management" || kind === "security" ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** The organization as the plan's model sees it, from validated stack config. */
export function orgFactsFor(loaded: OrgAccessConfig): OrgFacts {
  return {
    organizationId: loaded.organization.id,
    rootId: loaded.organization.rootId,
    managementAccountId: loaded.organization.managementAccountId,
    accounts: loaded.accounts.map((a) => ({ name: a.name, id: a.id, ou: a.ou })),
    organizationalUnits: loaded.organizationalUnits.map((o) => ({ name: o.name, id: o.id })),
    vendors: vendorsOf(loaded.vendors),
    identityCenterGroups: groupNamesOf(loaded.identityCenter),
  };
}

/** Vendors by name with their AWS principal, so reports show vendors by name. */
function vendorsOf(vendors: unknown): { name: string; principal: string }[] {
  const list = Array.isArray(vendors) ? (vendors as { name?: unknown }[]) : [];
  return list.flatMap((v) => {
    const name = typeof v.name === "string" ? v.name : undefined;
    const principal = name === undefined ? undefined : vendorPrincipal(vendors, name);
    return name === undefined || principal === undefined ? [] : [{ name, principal }];
  });
}

/** Identity Center group names by ID, from `org-access:identityCenter.groups` (name: ID). */
function groupNamesOf(identityCenter: unknown): Record<string, string> {
  const groups = (identityCenter as { groups?: Record<string, unknown> } | undefined)?.groups ?? {};
  return Object.fromEntries(
    Object.entries(groups)
      .filter((e): e is [string, string] => typeof e[1] === "string")
      .map(([name, id]) => [id, name]),
  );
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
