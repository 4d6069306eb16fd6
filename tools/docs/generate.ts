import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import * as YAML from "yaml";
import { ExampleStack, renderConfigReference, undescribedKeys } from "./config-reference";
import { configValueSchema, STACK_SCHEMA_PATH, stackFileSchema } from "./config-schema";
import { renderPolicyRules } from "./policy-rules";
import { BENCH_RECORD_PATH, SCALING_PATH, withFigures } from "./scaling";
import type { BenchRecord } from "../bench/record";

/**
 * `npm run docs [-- --check]`: writes the docs generated from code (the config reference and the
 * stack file's JSON Schema from the config schema, the policy pack's rule table from its rules, and the
 * measured figures of docs/scaling.md from the benchmark's record).
 * With `--check` it writes nothing and exits 1 when a committed file differs from what it would write.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const CONFIG_REFERENCE_PATH = "docs/config-reference.md";
export const POLICY_RULES_PATH = "docs/policy-pack-rules.md";
export const EXAMPLES_DIR = "examples";

export interface GeneratedFile {
  /** Repository-relative path. */
  readonly path: string;
  readonly content: string;
}

/** Every generated file with the content it should have now, formatted as `npm run format` would. */
export async function generatedFiles(root: string = REPO_ROOT): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [
    { path: STACK_SCHEMA_PATH, content: `${JSON.stringify(stackFileSchema(), null, 2)}\n` },
    { path: CONFIG_REFERENCE_PATH, content: renderConfigReference(configValueSchema(), exampleStacks(root)) },
    { path: POLICY_RULES_PATH, content: renderPolicyRules() },
  ];
  // The scaling page's figures: generated into the page from the bench's record, when both exist.
  const read = (file: string) =>
    fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), "utf8") : undefined;
  const scalingPage = read(SCALING_PATH);
  const benchRecord = read(BENCH_RECORD_PATH);
  if (scalingPage !== undefined && benchRecord !== undefined) {
    files.push({
      path: SCALING_PATH,
      content: withFigures(scalingPage, JSON.parse(benchRecord) as BenchRecord),
    });
  }
  return Promise.all(files.map(async (f) => ({ path: f.path, content: await formatted(root, f) })));
}

/** The example stack files, `examples/<name>/Pulumi.<stack>.yaml`, in name order. */
export function exampleStacks(root: string = REPO_ROOT): ExampleStack[] {
  const dir = path.join(root, EXAMPLES_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((name) =>
      fs
        .readdirSync(path.join(dir, name))
        .filter((f) => /^Pulumi\.[\w.-]+\.ya?ml$/.test(f))
        .sort()
        .map((f) => {
          const file = `${EXAMPLES_DIR}/${name}/${f}`;
          const doc = YAML.parse(fs.readFileSync(path.join(root, file), "utf8")) as {
            config?: Record<string, unknown>;
          } | null;
          return { file, config: doc?.config ?? {} };
        }),
    );
}

async function formatted(root: string, file: GeneratedFile): Promise<string> {
  const filepath = path.join(root, file.path);
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(file.content, { ...options, filepath });
}

/** Generated files whose committed content differs from what they should be now. */
export async function staleFiles(root: string = REPO_ROOT): Promise<string[]> {
  const stale: string[] = [];
  for (const file of await generatedFiles(root)) {
    const target = path.join(root, file.path);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current !== file.content) stale.push(file.path);
  }
  return stale;
}

async function main(argv: readonly string[]): Promise<number> {
  // A key without a description would be documented by its type alone: refuse it, in both modes.
  const undescribed = undescribedKeys(configValueSchema());
  for (const key of undescribed) {
    process.stderr.write(
      `✗ ${key} has no description; give it one in the schema: .meta({ description: "..." })\n`,
    );
  }
  if (argv.includes("--check")) {
    const stale = await staleFiles();
    for (const file of stale)
      process.stderr.write(`✗ ${file} is stale; run \`npm run docs\` and commit it\n`);
    return stale.length === 0 && undescribed.length === 0 ? 0 : 1;
  }
  for (const file of await generatedFiles()) {
    const target = path.join(REPO_ROOT, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const changed = !fs.existsSync(target) || fs.readFileSync(target, "utf8") !== file.content;
    if (changed) fs.writeFileSync(target, file.content);
    process.stdout.write(`${changed ? "wrote" : "unchanged"} ${file.path}\n`);
  }
  return undescribed.length === 0 ? 0 : 1;
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
