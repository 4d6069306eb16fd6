import { Command, CommanderError } from "commander";
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT_ID } from "../policy-pack/lib/accounts";
import { parseTemplate, stripBom } from "../policy-pack/lib/cloudformation";
import { asList } from "../policy-pack/lib/document";
import { equivalentsOf } from "../policy-pack/lib/equivalents";
import { RESOURCE_POLICY_TYPES } from "../policy-pack/lib/subjects";
import { TYPES } from "../policy-pack/lib/types";
import {
  CheckOptions,
  EngineResource,
  Finding,
  checkResources,
  isMandatory,
} from "../policy-pack/lib/engine";
import { OrgFacts, PolicyPackConfigFile } from "../policy-pack/lib/pack-config";
import { configKeysOf } from "../policy-pack/lib/policy";
import { allRules, ruleNamed } from "../policy-pack/rules";
import { stackFilePath } from "./mock-runtime";
import type { OrgAccessConfig } from "../components/config";
import { packConfigWithOrg, stackConfigOf, stackPackConfig } from "./pack-config";

/**
 * `npm run --silent policy:check -- [--org org.json | --stack NAME] [--config pack-config.json]
 * [--account ID] [--role-name NAME] [--json] FILE...`: the policy pack over files, without Pulumi.
 * `--emit-pack-config --stack NAME` prints the `--policy-pack-config` file every run of the pack
 * uses. A file is an IAM policy document (checked as a role trust policy), a resource
 * `{ type, name?, props, provider? }` or an array of them (also checked with the stack-level rules), or a CloudFormation template.
 * Exit 0: nothing mandatory; 1: a mandatory violation; 2: unreadable input or bad usage. Each file is
 * read on its own: a file that cannot be checked (missing, not JSON/YAML, a document with no statement,
 * a trust or resource policy statement without a principal) gets its reason and makes the exit code 2,
 * while every other file still gets its own verdict.
 */

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

class UsageError extends Error {}

function readData(file: string): { text: string; value: unknown } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  // Editors on Windows start files with a byte-order mark; JSON.parse refuses it.
  text = stripBom(text);
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return { text, value: JSON.parse(text) };
    } catch (e) {
      throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  }
  try {
    return { text, value: parseTemplate(text) };
  } catch (e) {
    throw new UsageError(`${file}: neither JSON nor a YAML template (${(e as Error).message})`);
  }
}

function readJsonObject(file: string, what: string): Record<string, unknown> {
  const { value } = readData(file);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${file}: ${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function readOrg(file: string): OrgFacts {
  const v = readJsonObject(file, "--org");
  const problems: string[] = [];
  const known = ["organizationId", "managementAccountId", "organizationAccountIds", "cloudFormationImports"];
  for (const k of Object.keys(v)) if (!known.includes(k)) problems.push(`unknown key ${JSON.stringify(k)}`);
  if (
    v.organizationId !== undefined &&
    !(typeof v.organizationId === "string" && /^o-[a-z0-9]{10,32}$/.test(v.organizationId))
  ) {
    problems.push("organizationId must look like o-a1b2c3d4e5");
  }
  if (
    v.managementAccountId !== undefined &&
    !(typeof v.managementAccountId === "string" && ACCOUNT_ID.test(v.managementAccountId))
  ) {
    problems.push("managementAccountId must be a 12-digit account ID string");
  }
  const ids = v.organizationAccountIds;
  if (
    ids !== undefined &&
    !(Array.isArray(ids) && ids.every((id) => typeof id === "string" && ACCOUNT_ID.test(id)))
  ) {
    problems.push("organizationAccountIds must be a list of 12-digit account ID strings");
  }
  const imports = v.cloudFormationImports;
  if (
    imports !== undefined &&
    !(isRecord(imports) && Object.values(imports).every((x) => typeof x === "string"))
  ) {
    problems.push("cloudFormationImports must map export names to string values");
  }
  if (problems.length > 0) throw new UsageError(`${file}: ${problems.join("; ")}`);
  return v as OrgFacts;
}

/**
 * Keys of a --policy-pack-config file that no policy reads. The Pulumi CLI ignores them
 * (pulumi/pulumi pkg/resource/analyzer/config.go: applyConfig keeps any policy name, and the schema it
 * validates against allows additional properties), so a misspelt policy or property silently changes
 * nothing; this CLI refuses them instead, all at once.
 */
export function unknownConfigKeys(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const names = allRules.map((rule) => rule.name);
  for (const [key, entry] of Object.entries(config)) {
    if (key === "all") continue;
    const rule = ruleNamed(key);
    if (rule === undefined) {
      const near = names.filter((n) => n.includes(key) || key.includes(n) || editDistance(n, key) <= 3);
      problems.push(
        `unknown policy ${JSON.stringify(key)}${near.length > 0 ? ` (did you mean ${near.map((n) => JSON.stringify(n)).join(", ")}?)` : ""}`,
      );
      continue;
    }
    if (!isRecord(entry)) continue;
    const properties: string[] = configKeysOf(rule);
    for (const prop of Object.keys(entry)) {
      if (prop === "enforcementLevel" || properties.includes(prop)) continue;
      problems.push(
        `${key}.${prop}: unknown property (${key} reads ${properties.length > 0 ? properties.join(", ") : "no property"}, and enforcementLevel)`,
      );
    }
  }
  return problems;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length];
}

/**
 * Why a policy document cannot be checked: no statement at all, a statement that is not an object,
 * or (for a trust or resource policy) a statement without Principal/NotPrincipal, which IAM refuses
 * and which would otherwise pass every rule unseen. Undefined when it can be checked; a document that
 * is not JSON at all is left to the rules, which report it.
 */
export function documentProblem(
  document: unknown,
  where: string,
  needsPrincipal: boolean,
): string | undefined {
  let value = document;
  if (typeof value === "string") {
    try {
      value = JSON.parse(stripBom(value));
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value)) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === "statement");
  const statements = key === undefined ? [] : asList(value[key]);
  if (statements.length === 0) {
    return `${where} has no statements: there is nothing to check, and IAM refuses an empty policy. Give it at least one statement`;
  }
  const problems: string[] = [];
  statements.forEach((st, i) => {
    const label =
      isRecord(st) && typeof st.Sid === "string" ? `Statement ${JSON.stringify(st.Sid)}` : `Statement[${i}]`;
    if (!isRecord(st)) {
      problems.push(`${label} is not an object`);
      return;
    }
    const has = (name: string) => Object.keys(st).some((k) => k.toLowerCase() === name.toLowerCase());
    if (needsPrincipal && !has("Principal") && !has("NotPrincipal")) {
      problems.push(
        `${label} has no Principal (a trust or resource policy statement names who it applies to)`,
      );
    }
    if (!has("Action") && !has("NotAction")) problems.push(`${label} has no Action`);
  });
  return problems.length === 0 ? undefined : `${where}: ${problems.join("; ")}`;
}

/** Policy documents a resource carries, and whether their statements need a principal. */
function documentsOf(r: EngineResource): { where: string; document: unknown; needsPrincipal: boolean }[] {
  const out: { where: string; document: unknown; needsPrincipal: boolean }[] = [];
  if (r.type === TYPES.role && r.props.assumeRolePolicy !== undefined) {
    out.push({ where: "assumeRolePolicy", document: r.props.assumeRolePolicy, needsPrincipal: true });
  }
  const policy = r.props.policy;
  if (policy !== undefined && policy !== null && policy !== "" && r.type !== TYPES.cfnStack) {
    out.push({ where: "policy", document: policy, needsPrincipal: RESOURCE_POLICY_TYPES.includes(r.type) });
  }
  return out;
}

/** Why a resource (or what its template or other shape stands for) cannot be checked. */
function resourceProblems(r: EngineResource, label: string): string[] {
  const out: string[] = [];
  const visit = (x: EngineResource & { label?: string; urn?: string }, depth: number) => {
    const where = x.label ? `${label} ${x.label}` : label;
    for (const d of documentsOf(x)) {
      const problem = documentProblem(d.document, `${where} ${d.where}`, d.needsPrincipal);
      if (problem !== undefined) out.push(problem);
    }
    if (depth >= 3) return;
    const urn = x.urn ?? `urn:pulumi:offline::org-access::${x.type}::${x.name}`;
    for (const eq of equivalentsOf({ ...x, urn, provider: x.provider as never })) {
      visit({ ...eq, label: [x.label, eq.label].filter((l) => l).join(" › ") } as never, depth + 1);
    }
  };
  visit(r, 1);
  return [...new Set(out)];
}

function providerFor(account: string | undefined) {
  return account === undefined ? undefined : { props: { allowedAccountIds: [account] } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asResource(value: unknown, label: string, account: string | undefined): EngineResource {
  if (!isRecord(value) || typeof value.type !== "string" || !isRecord(value.props)) {
    throw new UsageError(`${label}: a resource needs "type" (string) and "props" (object)`);
  }
  const p = value.provider;
  const provider = isRecord(p) ? { ...p, props: isRecord(p.props) ? p.props : p } : providerFor(account);
  const opts = isRecord(value.opts) ? { protect: value.opts.protect === true } : undefined;
  return {
    type: value.type,
    name: typeof value.name === "string" ? value.name : label,
    props: value.props,
    provider: provider as EngineResource["provider"],
    opts,
  };
}

/** What one file holds, as resources for the engine, and whether the stack rules apply. */
export function resourcesOfFile(
  file: string,
  options: { account?: string; roleName?: string },
): { resources: EngineResource[]; stack: boolean; kind: string } {
  const { text, value } = readData(file);
  const base = path.basename(file);
  if (Array.isArray(value)) {
    return {
      resources: value.map((v, i) => asResource(v, `${base}[${i}]`, options.account)),
      stack: true,
      kind: "resources",
    };
  }
  if (!isRecord(value)) throw new UsageError(`${file}: expected a JSON object or array`);
  if (typeof value.type === "string" && "props" in value) {
    return { resources: [asResource(value, base, options.account)], stack: false, kind: "resource" };
  }
  if (isRecord(value.Resources) || "AWSTemplateFormatVersion" in value) {
    if (!isRecord(value.Resources) || Object.keys(value.Resources).length === 0) {
      throw new UsageError(
        `${file}: the CloudFormation template has no Resources: there is nothing to check`,
      );
    }
    return {
      resources: [
        {
          type: "aws:cloudformation/stack:Stack",
          name: base,
          props: { templateBody: text },
          provider: providerFor(options.account),
        },
      ],
      stack: false,
      kind: "CloudFormation template",
    };
  }
  if (Object.keys(value).some((k) => k.toLowerCase() === "statement")) {
    const problem = documentProblem(value, file, true);
    if (problem !== undefined) throw new UsageError(problem);
    return {
      resources: [
        {
          type: "aws:iam/role:Role",
          name: base,
          props: {
            assumeRolePolicy: value,
            ...(options.roleName === undefined ? {} : { name: options.roleName }),
          },
          provider: providerFor(options.account),
        },
      ],
      stack: false,
      kind: "trust policy",
    };
  }
  throw new UsageError(
    `${file}: not an IAM policy document (no Statement), a resource ({ type, props }), an array of resources, or a CloudFormation template (no Resources)`,
  );
}

function format(f: Finding, file: string): string {
  const mark = isMandatory(f) ? "✗" : "!";
  const where = f.resource === path.basename(file) ? file : `${file} ${f.resource}`;
  return `${mark} ${f.enforcementLevel} ${f.policy} (${where}): ${f.message}`;
}

export { packConfigWithOrg };

/** The project's `Pulumi.<stack>.yaml` (next to `Pulumi.yaml`), validated as the program validates it. */
function stackConfig(stack: string): OrgAccessConfig {
  if (!/^[\w.-]+$/.test(stack)) throw new UsageError(`--stack: invalid stack name ${JSON.stringify(stack)}`);
  if (!fs.existsSync(stackFilePath(stack))) {
    throw new UsageError(`--stack: no stack file ${stackFilePath(stack)}`);
  }
  try {
    return stackConfigOf(stack);
  } catch (e) {
    throw new UsageError(`--stack ${stack}: ${(e as Error).message}`);
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const program = new Command()
    .name("policy:check")
    .description(
      "Check IAM policies, resources and CloudFormation templates against the org-access policy pack.",
    )
    .argument("[files...]", "policy documents, resources (or arrays of them), CloudFormation templates")
    .option("--org <file>", "org facts: { organizationId, managementAccountId, organizationAccountIds }")
    .option(
      "--stack <name>",
      "org facts from the project's Pulumi.<name>.yaml (org-access:organization and org-access:accounts), instead of --org",
    )
    .option("--config <file>", "policy pack config, as given to pulumi preview --policy-pack-config")
    .option(
      "--account <id>",
      "account the checked policy, template or resource (without provider) belongs to",
    )
    .option("--role-name <name>", "IAM name of the role a trust policy document belongs to")
    .option("--json", "one JSON object per finding: policy, enforcementLevel, resource, message")
    .option(
      "--emit-pack-config",
      "print a --policy-pack-config file carrying the --org facts (and --config) in every policy that reads them",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  try {
    program.parse(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const opts = program.opts<{
    org?: string;
    stack?: string;
    config?: string;
    account?: string;
    roleName?: string;
    json?: boolean;
    emitPackConfig?: boolean;
  }>();
  try {
    if (opts.account !== undefined && !ACCOUNT_ID.test(opts.account)) {
      throw new UsageError(`--account: ${JSON.stringify(opts.account)} is not a 12-digit account ID`);
    }
    if (opts.org !== undefined && opts.stack !== undefined) {
      throw new UsageError("give the org facts once: --org or --stack, not both");
    }
    const fileConfig =
      opts.config === undefined
        ? undefined
        : (readJsonObject(opts.config, "--config") as PolicyPackConfigFile);
    // With --stack, the pack config is the one every run of the pack gets: the stack's org facts and
    // the exceptions its design calls for, under the --config file's own entries.
    const fromStack = opts.stack === undefined ? undefined : stackConfig(opts.stack);
    const check: CheckOptions =
      fromStack !== undefined
        ? { config: stackPackConfig(fromStack, fileConfig) }
        : { org: opts.org === undefined ? undefined : readOrg(opts.org), config: fileConfig };
    if (opts.emitPackConfig) {
      io.out(JSON.stringify(packConfigWithOrg(check.config ?? {}, check.org ?? {}), null, 2));
      return 0;
    }
    if (program.args.length === 0) throw new UsageError("give at least one file to check (see --help)");
    if (check.config !== undefined) {
      const unknown = unknownConfigKeys(check.config as Record<string, unknown>);
      if (unknown.length > 0) throw new UsageError(`${opts.config}: ${unknown.join("; ")}`);
    }
    let mandatory = 0;
    let total = 0;
    let unreadable = 0;
    const verdicts: string[] = [];
    for (const file of program.args) {
      let input: ReturnType<typeof resourcesOfFile>;
      let found: Finding[];
      try {
        input = resourcesOfFile(file, opts);
        const problems = input.resources.flatMap((r) => resourceProblems(r, r.name));
        if (problems.length > 0) throw new UsageError(`${file}: ${problems.join("; ")}`);
        found = checkResources(input.resources, { ...check, stack: input.stack });
      } catch (e) {
        if (/^invalid policy pack config/.test((e as Error).message)) {
          throw new UsageError(`--config: ${(e as Error).message}`);
        }
        if (!(e instanceof UsageError)) throw e;
        unreadable++;
        io.err(`policy:check: ${e.message}`);
        verdicts.push(`${file}: not checked (exit 2)`);
        continue;
      }
      let fileMandatory = 0;
      for (const f of found) {
        total++;
        if (isMandatory(f)) {
          mandatory++;
          fileMandatory++;
        }
        if (opts.json) {
          const resource = f.resource === path.basename(file) ? file : `${file}#${f.resource}`;
          io.out(
            JSON.stringify({
              policy: f.policy,
              enforcementLevel: f.enforcementLevel,
              resource,
              message: f.message,
            }),
          );
        } else {
          io.out(format(f, file));
        }
      }
      verdicts.push(
        `${file}: ${fileMandatory > 0 ? "fails" : "passes"} (${fileMandatory} mandatory violation(s), ${found.length - fileMandatory} advisory finding(s))`,
      );
    }
    if (!opts.json) {
      if (program.args.length > 1) for (const v of verdicts) io.err(v);
      io.err(
        `${program.args.length} file(s) checked: ${mandatory} mandatory violation(s), ${total - mandatory} advisory finding(s)${unreadable > 0 ? `, ${unreadable} file(s) could not be checked` : ""}`,
      );
    }
    if (unreadable > 0) return 2;
    return mandatory > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`policy:check: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`policy:check: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
