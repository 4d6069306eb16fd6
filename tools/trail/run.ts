import * as fs from "fs";
import { AccessLevelOf, accessLevelFromData } from "./actions";
import { loadPlans, PlanFileError, PlanKnowledge } from "./expected";
import { buildReport, TrailReport } from "./report";
import { RoleSelection, TrailAnalyzer } from "./sessions";
import { expandInputs, FileReport, readTrailFile } from "./source";

/** What `npm run trail` is asked. */
export interface TrailOptions {
  readonly inputs: readonly string[];
  /** Role names, role ARNs, or `admin` for every admin-equivalent role; none: every role. */
  readonly roles?: readonly string[];
  readonly from?: number;
  readonly to?: number;
  /** Plan reports (`plan-<stack>.json`) to judge assumptions and writes against. */
  readonly plans?: readonly string[];
  /** Read or write for an IAM action; the policy meaning core's access levels by default. */
  readonly accessLevel?: AccessLevelOf;
}

/** 0: complete, nothing unexpected; 1: something unexpected; 2: usage; 3: the answer is incomplete. */
export type TrailExitCode = 0 | 1 | 2 | 3;

export interface TrailOutcome {
  readonly exitCode: TrailExitCode;
  readonly report?: TrailReport;
  readonly problems: string[];
}

/** Admin-equivalent by name when there is no plan to read policies from. */
const ADMIN_BY_NAME = [/^OrganizationAccountAccessRole$/, /^AWSReservedSSO_AdministratorAccess_/];

export function selectionOf(roles: readonly string[], plan: PlanKnowledge | undefined): RoleSelection {
  if (roles.length === 0) return { label: "every role", selects: () => true };
  const parts: RoleSelection[] = roles.map((r) => {
    if (r === "admin") {
      if (plan !== undefined) return plan.adminSelection();
      return {
        label:
          "every admin-equivalent role (by name: OrganizationAccountAccessRole, AWSReservedSSO_AdministratorAccess_*; give --plan to decide from policies)",
        selects: (_account, name) => ADMIN_BY_NAME.some((re) => re.test(name)),
      };
    }
    const arn = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(r);
    if (arn !== null) {
      return {
        label: `role ${arn[2]} in ${arn[1]}`,
        selects: (account, name) => account === arn[1] && name === arn[2],
      };
    }
    return { label: `role ${r}`, selects: (_account, name) => name === r };
  });
  return {
    label: parts.map((p) => p.label).join(" and "),
    selects: (account, name) => parts.some((p) => p.selects(account, name)),
  };
}

export async function runTrail(options: TrailOptions): Promise<TrailOutcome> {
  if (options.inputs.length === 0) {
    return {
      exitCode: 2,
      problems: ["name CloudTrail files or folders: npm run trail -- <files or folders> [--role NAME]"],
    };
  }
  let plan: PlanKnowledge | undefined;
  if (options.plans !== undefined && options.plans.length > 0) {
    try {
      plan = loadPlans(options.plans);
    } catch (err) {
      if (err instanceof PlanFileError) return { exitCode: 2, problems: [err.message] };
      throw err;
    }
  }
  const { files, missing } = expandInputs(options.inputs);
  const problems = missing.map((m) => `${m}: no such file or folder`);
  if (files.length === 0) {
    return {
      exitCode: 2,
      problems: [...problems, "no CloudTrail files to read (.json, .json.gz, .jsonl, .gz)"],
    };
  }
  const selection = selectionOf(options.roles ?? [], plan);
  const analyzer = new TrailAnalyzer(selection, options.accessLevel ?? accessLevelFromData());
  const reports: FileReport[] = [];
  for (const file of files) reports.push(await readTrailFile(file, (record) => analyzer.add(record)));
  const report = buildReport(analyzer, reports, {
    from: options.from,
    to: options.to,
    plan,
    planFiles: options.plans === undefined ? [] : [...options.plans],
    selection: selection.label,
  });
  const incomplete = !report.complete || missing.length > 0;
  const exitCode: TrailExitCode =
    report.unexpected > 0 || report.outOfScopeWrites > 0 ? 1 : incomplete ? 3 : 0;
  return { exitCode, report, problems };
}

/** Writes a file, creating its folder. */
export function writeFile(file: string, text: string): void {
  const dir = file.slice(0, Math.max(0, file.lastIndexOf("/")));
  if (dir.length > 0) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
}
