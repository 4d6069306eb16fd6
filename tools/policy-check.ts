import { Command, CommanderError } from "commander";
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT_ID } from "../policy-pack/lib/accounts";
import { parseTemplate } from "../policy-pack/lib/cloudformation";
import {
  CheckOptions,
  EngineResource,
  Finding,
  checkResources,
  isMandatory,
} from "../policy-pack/lib/engine";
import { OrgFacts, PolicyPackConfigFile } from "../policy-pack/lib/pack-config";
import { stackFilePath } from "./mock-runtime";
import { orgFactsOf, packConfigWithOrg, stackConfigOf } from "./pack-config";

/**
 * `npm run --silent policy:check -- [--org org.json | --stack NAME] [--config pack-config.json]
 * [--account ID] [--role-name NAME] [--json] FILE...`: the policy pack over files, without Pulumi.
 * `--emit-pack-config --stack NAME` prints the `--policy-pack-config` file every run of the pack uses. A file is an IAM
 * policy document (checked as a role trust policy), a resource `{ type, name?, props, provider? }`
 * or an array of them (also checked with the stack-level rules), or a CloudFormation template.
 * Exit 0: nothing mandatory; 1: a mandatory violation; 2: unreadable input or bad usage.
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
  const known = ["organizationId", "managementAccountId", "organizationAccountIds"];
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
  if (problems.length > 0) throw new UsageError(`${file}: ${problems.join("; ")}`);
  return v as OrgFacts;
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
  if ("Statement" in value) {
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

/** Org facts of `Pulumi.<stack>.yaml`, validated as the program validates it. */
function stackOrg(stack: string): OrgFacts {
  if (!/^[\w.-]+$/.test(stack)) throw new UsageError(`--stack: invalid stack name ${JSON.stringify(stack)}`);
  if (!fs.existsSync(stackFilePath(stack))) {
    throw new UsageError(`--stack: no stack file ${stackFilePath(stack)}`);
  }
  try {
    return orgFactsOf(stackConfigOf(stack));
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
      "org facts from this repository's Pulumi.<name>.yaml (org-access:organization and org-access:accounts), instead of --org",
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
    const check: CheckOptions = {
      org:
        opts.stack !== undefined
          ? stackOrg(opts.stack)
          : opts.org === undefined
            ? undefined
            : readOrg(opts.org),
      config:
        opts.config === undefined
          ? undefined
          : (readJsonObject(opts.config, "--config") as PolicyPackConfigFile),
    };
    if (opts.emitPackConfig) {
      io.out(JSON.stringify(packConfigWithOrg(check.config ?? {}, check.org ?? {}), null, 2));
      return 0;
    }
    if (program.args.length === 0) throw new UsageError("give at least one file to check (see --help)");
    const inputs = program.args.map((file) => ({ file, ...resourcesOfFile(file, opts) }));
    let mandatory = 0;
    let total = 0;
    for (const input of inputs) {
      let found: Finding[];
      try {
        found = checkResources(input.resources, { ...check, stack: input.stack });
      } catch (e) {
        if (/^invalid policy pack config/.test((e as Error).message))
          throw new UsageError(`--config: ${(e as Error).message}`);
        throw e;
      }
      for (const f of found) {
        total++;
        if (isMandatory(f)) mandatory++;
        if (opts.json) {
          const resource =
            f.resource === path.basename(input.file) ? input.file : `${input.file}#${f.resource}`;
          io.out(
            JSON.stringify({
              policy: f.policy,
              enforcementLevel: f.enforcementLevel,
              resource,
              message: f.message,
            }),
          );
        } else {
          io.out(format(f, input.file));
        }
      }
    }
    if (!opts.json) {
      io.err(
        `${inputs.length} file(s) checked: ${mandatory} mandatory violation(s), ${total - mandatory} advisory finding(s)`,
      );
    }
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
