import * as assert from "assert";
import {
  ProgramRun,
  readStackFile,
  RecordedResource,
  runProgram,
  stackFilePath,
  StackConfig,
} from "../../tools/mock-runtime";

export * from "../../tools/mock-runtime";

/** The config of one of the example stacks, with top-level keys replaced or removed (`undefined`). */
export function exampleConfig(
  stack: "management" | "security",
  overrides: Record<string, unknown> = {},
): StackConfig {
  const base = readStackFile(stackFilePath(stack));
  const values = { ...base.values };
  for (const [key, value] of Object.entries(overrides)) {
    const fullKey = key.includes(":") ? key : `org-access:${key}`;
    if (value === undefined) delete values[fullKey];
    else values[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys: base.secretKeys };
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
