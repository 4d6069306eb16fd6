import * as assert from "assert";
import { formatPath, isWithin } from "../../components/config/checks";

export { isWithin };
import {
  ProgramRun,
  readStackFile,
  SECRET_PLACEHOLDER,
  RecordedResource,
  runProgram,
  stackFilePath,
  StackConfig,
} from "../../tools/mock-runtime";

export * from "../../tools/mock-runtime";

/**
 * The config of one of the example stacks, with top-level keys replaced or removed (`undefined`).
 * In an overridden key, the values equal to the offline placeholder are the encrypted ones, as if
 * written `secure:`; a secret key overridden without any is one secret as a whole (`pulumi config
 * set --secret <key>`).
 */
export function exampleConfig(
  stack: "management" | "security",
  overrides: Record<string, unknown> = {},
): StackConfig {
  const base = readStackFile(stackFilePath(stack));
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
export function exampleValue<T = unknown>(stack: "management" | "security", key: string): T {
  const text = readStackFile(stackFilePath(stack)).values[`org-access:${key}`];
  return (text === undefined ? undefined : JSON.parse(text)) as T;
}

/** Runs an example stack (optionally with config overrides) under mocks. */
export function runExample(
  stack: "management" | "security",
  overrides: Record<string, unknown> = {},
): Promise<ProgramRun> {
  return runProgram({ stack, config: exampleConfig(stack, overrides) });
}

/** Runs a config expected to be invalid and returns the validation error's message. */
export async function configErrorOf(
  stack: "management" | "security",
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
  stack: "management" | "security",
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
