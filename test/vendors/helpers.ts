import * as assert from "assert";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { exampleConfig, RecordedResource } from "../harness";

/** The key under which the mocked runtime marks a secret value (Pulumi's secret signature). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A recorded input that must be a secret: fails when it is plain, returns the value inside. */
export function secretInput<T = unknown>(resource: RecordedResource, key: string): T {
  const value = resource.inputs[key] as Record<string, unknown> | undefined;
  assert.ok(
    value !== null && typeof value === "object" && SECRET_SIG in value,
    `${resource.name}.${key} is not a secret`,
  );
  const inner = value.value;
  return (typeof inner === "string" ? JSON.parse(inner) : inner) as T;
}

/**
 * The issues of an example config with overrides, as `path: message` lines. `plainKeys` are
 * overridden keys to treat as plain text (not Pulumi secrets), as `pulumi config set` without
 * `--secret` stores them.
 */
export function issuesOf(overrides: Record<string, unknown>, plainKeys: string[] = []): string[] {
  const base = exampleConfig("management", overrides);
  const plain = new Set(plainKeys.map((k) => `org-access:${k}`));
  try {
    loadConfig({ values: base.values, secretKeys: base.secretKeys.filter((k) => !plain.has(k)) });
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail("expected the config to be rejected");
}
