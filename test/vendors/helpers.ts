import * as assert from "assert";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { exampleConfig, isWithin, RecordedResource } from "../harness";

/** A recorded input that must be a secret: fails when it is plain, returns its (unwrapped) value. */
export function secretInput<T = unknown>(resource: RecordedResource, key: string): T {
  assert.ok(resource.secretInputs.includes(key), `${resource.name}.${key} is not a secret`);
  const value = resource.inputs[key];
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
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
    loadConfig({
      values: base.values,
      secretKeys: base.secretKeys.filter((k) => !plain.has(k)),
      encryptedPaths: base.encryptedPaths?.filter((p) => !plainKeys.some((k) => isWithin(p, k))),
    });
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail("expected the config to be rejected");
}
