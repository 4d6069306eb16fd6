import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatPath, isWithin } from "../../components/config/checks";
import { exampleStacks } from "../../tools/docs/generate";

export { isWithin };
import {
  EXAMPLES_DIR,
  exampleStackFile,
  ProgramRun,
  readStackFile,
  REPO_ROOT,
  SECRET_PLACEHOLDER,
  RecordedResource,
  runProgram,
  StackConfig,
} from "../../tools/mock-runtime";

/**
 * The tests' one entry to the mocked runtime: the engine itself (`tools/mock-runtime.ts`) is what the
 * offline plan, the bench and policy:check run on, so it lives with them; specs import it from here.
 */
export * from "../../tools/mock-runtime";

/** A stack of the full example organization (`examples/full`), every pattern on. */
export type ExampleStack = "management" | "security";

/**
 * The config of one of the full example's stacks, with top-level keys replaced or removed
 * (`undefined`). In an overridden key, the values equal to the offline placeholder are the encrypted
 * ones, as if written `secure:`; a secret key overridden without any is one secret as a whole
 * (`pulumi config set --secret <key>`).
 */
export function exampleConfig(stack: ExampleStack, overrides: Record<string, unknown> = {}): StackConfig {
  return exampleStackConfig("full", stack, overrides);
}

/** The config of `examples/<example>/Pulumi.<stack>.yaml`, with top-level keys replaced as `exampleConfig` does. */
export function exampleStackConfig(
  example: string,
  stack: string,
  overrides: Record<string, unknown> = {},
): StackConfig {
  const base = readStackFile(exampleStackFile(example, stack));
  const values = { ...base.values };
  let secretKeys = [...base.secretKeys];
  let encryptedPaths = [...(base.encryptedPaths ?? [])];
  for (const [key, value] of Object.entries(overrides)) {
    const fullKey = key.includes(":") ? key : `org-access:${key}`;
    const name = fullKey.slice(fullKey.indexOf(":") + 1);
    encryptedPaths = encryptedPaths.filter((p) => !isWithin(p, name));
    if (value === undefined) {
      delete values[fullKey];
      secretKeys = secretKeys.filter((k) => k !== fullKey);
      continue;
    }
    values[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    const placeholders = placeholderPaths(value, [name]);
    if (placeholders.length > 0) {
      encryptedPaths.push(...placeholders);
      if (!secretKeys.includes(fullKey)) secretKeys.push(fullKey);
    } else if (secretKeys.includes(fullKey)) encryptedPaths.push(name);
  }
  return { values, secretKeys, encryptedPaths };
}

/** Every example stack, `examples/<example>/Pulumi.<stack>.yaml`, in the order the docs list them. */
export function everyExampleStack(): { example: string; stack: string }[] {
  return exampleStacks().map(({ file }) => {
    const [, example, name] = file.split("/");
    return { example, stack: name.replace(/^Pulumi\.(.+)\.ya?ml$/, "$1") };
  });
}

/** Runs `examples/<example>/Pulumi.<stack>.yaml` (optionally with config overrides) under mocks. */
export function runExampleStack(
  example: string,
  stack: string,
  overrides: Record<string, unknown> = {},
): Promise<ProgramRun> {
  return runProgram({ stack, config: exampleStackConfig(example, stack, overrides) });
}

/**
 * Runs `fn` in a temporary Pulumi project (this project's `Pulumi.yaml`) whose root stack files are
 * copies of an example's: the checkout of a user who copied `examples/<example>/Pulumi.*.yaml` to the
 * root, where `--stack <name>` reads the root file as `pulumi up --stack` does. With no example, the
 * project has no stack file. The working directory is restored afterwards.
 */
export async function inProjectOf<T>(
  example: string | undefined,
  fn: (dir: string) => Promise<T> | T,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-project-"));
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  if (example !== undefined) {
    const from = path.join(EXAMPLES_DIR, example);
    for (const file of fs.readdirSync(from).filter((f) => /^Pulumi\.[\w.-]+\.ya?ml$/.test(f))) {
      fs.copyFileSync(path.join(from, file), path.join(dir, file));
    }
  }
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await fn(dir);
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Paths (`vendors[0].externalId`) of the values equal to the offline placeholder. */
function placeholderPaths(value: unknown, path: (string | number)[]): string[] {
  if (value === SECRET_PLACEHOLDER) return [formatPath(path).slice("org-access:".length)];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderPaths(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => placeholderPaths(v, [...path, k]));
  }
  return [];
}

/** Parsed value of one config key of an example stack, to derive overrides from. */
export function exampleValue<T = unknown>(stack: ExampleStack, key: string): T {
  const text = readStackFile(exampleStackFile("full", stack)).values[`org-access:${key}`];
  return (text === undefined ? undefined : JSON.parse(text)) as T;
}

/** Runs a stack of the full example (optionally with config overrides) under mocks. */
export function runExample(
  stack: ExampleStack,
  overrides: Record<string, unknown> = {},
): Promise<ProgramRun> {
  return runProgram({ stack, config: exampleConfig(stack, overrides) });
}

/** Runs a config expected to be invalid and returns the validation error's message. */
export async function configErrorOf(
  stack: ExampleStack,
  overrides: Record<string, unknown>,
): Promise<string> {
  try {
    await runExample(stack, overrides);
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail("expected the config to be rejected");
}

/**
 * Runs a config expected to be invalid: the validation error's message, and every resource the
 * program registered before it threw (none, when config errors stop it before the first resource).
 */
export async function rejectedRun(
  stack: ExampleStack,
  overrides: Record<string, unknown>,
): Promise<{ message: string; registered: RecordedResource[] }> {
  try {
    await runExample(stack, overrides);
  } catch (err) {
    assert.strictEqual((err as Error).name, "ConfigValidationError", String(err));
    const registered = (err as { registered?: RecordedResource[] }).registered;
    assert.ok(Array.isArray(registered), "the mocked runtime did not record registrations");
    return { message: (err as Error).message, registered };
  }
  return assert.fail("expected the config to be rejected");
}

/** Resources of a type, optionally filtered by name. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one resource with this type and name; fails the test when there is not exactly one. */
export function single(run: ProgramRun, type: string, name: string): RecordedResource {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  assert.strictEqual(
    found.length,
    1,
    `expected one ${type} named ${name}, found ${found.length}: ${run.resources
      .filter((r) => r.type === type)
      .map((r) => r.name)
      .join(", ")}`,
  );
  return found[0];
}

/** A resource's JSON-string input parsed (policies are serialised documents). */
export function jsonInput<T = unknown>(resource: RecordedResource, key: string): T {
  const value = resource.inputs[key];
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
