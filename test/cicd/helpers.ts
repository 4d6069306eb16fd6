import * as assert from "assert";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { exampleConfig, jsonInput, ofType, ProgramRun, RecordedResource } from "../harness";

export const ROLE = "aws:iam/role:Role";
export const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const INLINE = "aws:iam/rolePolicy:RolePolicy";
export const POLICY = "aws:iam/policy:Policy";

/** Account IDs of the example organization. */
export const ID = {
  management: "111111111111",
  security: "222222222222",
  "log-archive": "333333333333",
  tooling: "444444444444",
  "infra-ops": "555555555555",
  prod: "666666666666",
  staging: "777777777777",
  dev: "888888888888",
  sandbox: "999999999999",
} as const;

export const ORG_ID = "o-a1b2c3d4e5";

/** Roles with this IAM name, as `[pulumi name, account]`, sorted. */
export function rolesNamed(run: ProgramRun, roleName: string): RecordedResource[] {
  return ofType(run, ROLE)
    .filter((r) => r.inputs.name === roleName)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The one role with this IAM name in this account. */
export function roleIn(run: ProgramRun, roleName: string, accountId: string): RecordedResource {
  const found = rolesNamed(run, roleName).filter((r) => r.account === accountId);
  assert.strictEqual(found.length, 1, `expected one ${roleName} in ${accountId}, found ${found.length}`);
  return found[0];
}

/** Managed policy ARNs attached to a role (children of the same AccessRole), sorted. */
export function attachedPolicies(run: ProgramRun, role: RecordedResource): string[] {
  return ofType(run, ATTACHMENT)
    .filter((a) => a.parent === role.parent)
    .map((a) => {
      assert.strictEqual(a.account, role.account, `${a.name} is not in the role's account`);
      return String(a.inputs.policyArn);
    })
    .sort();
}

/** Inline policies of a role by policy name, parsed. */
export function rolePolicies(run: ProgramRun, role: RecordedResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of ofType(run, INLINE).filter((p) => p.parent === role.parent)) {
    assert.strictEqual(p.account, role.account, `${p.name} is not in the role's account`);
    out[String(p.inputs.name)] = jsonInput(p, "policy");
  }
  return out;
}

/** The trust policy of a role, parsed. */
export function trustOf(role: RecordedResource): unknown {
  return jsonInput(role, "assumeRolePolicy");
}

/** Accounts that hold the permissions boundary policy, and that policy's ARN in each. */
export function boundaryPolicies(run: ProgramRun): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of ofType(run, POLICY).filter((p) => p.inputs.name === "org-access-boundary")) {
    out.set(p.account as string, `arn:aws:iam::${p.account as string}:policy/org-access-boundary`);
  }
  return out;
}

/**
 * Roles (by IAM name) in accounts that hold a boundary policy and lack that boundary: read from the
 * run, so it holds whichever capability registers boundaries and wherever it puts them.
 */
export function unboundedRoles(run: ProgramRun, roleNames: readonly string[]): string[] {
  const boundaries = boundaryPolicies(run);
  return ofType(run, ROLE)
    .filter((r) => roleNames.includes(String(r.inputs.name)) && boundaries.has(r.account as string))
    .filter((r) => r.inputs.permissionsBoundary !== boundaries.get(r.account as string))
    .map((r) => `${String(r.inputs.name)} in ${String(r.account)}`);
}

/** Validation issues of the example management config with overrides, as `path: message` lines. */
export function issuesOf(
  overrides: Record<string, unknown>,
  stack: "management" | "security" = "management",
): string[] {
  try {
    loadConfig(exampleConfig(stack, overrides));
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail("expected the config to be rejected");
}
