import * as assert from "assert";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { exampleConfig } from "../harness";

/** Validates an example stack's config with overrides, without running the program; returns the message. */
export function configErrorOf(stack: "management" | "security", overrides: Record<string, unknown>): string {
  try {
    loadConfig(exampleConfig(stack, overrides));
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.message;
  }
  return assert.fail("expected the config to be rejected");
}

/** The issues of a rejected config, as `path: message` lines. */
export function configIssuesOf(
  stack: "management" | "security",
  overrides: Record<string, unknown>,
): string[] {
  try {
    loadConfig(exampleConfig(stack, overrides));
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail("expected the config to be rejected");
}
