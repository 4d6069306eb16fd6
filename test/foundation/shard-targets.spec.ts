import * as assert from "assert";
import { exampleValue, ofType, ProgramRun, runExample } from "../harness";

/**
 * Every capability that creates per-account resources takes its accounts from the one targeting
 * helper (`AccountInventory.reach` / `forStack`): a shard that does not own the organization-wide
 * resources creates nothing outside its scope, nothing in the management account and nothing in its
 * home account, even when a pattern opts into the management account; the owning shard creates
 * those exactly once.
 */

const ID = { management: "111111111111", security: "222222222222" };
const WORKLOADS = ["666666666666", "777777777777", "888888888888"]; // prod, staging, dev

type Vendor = Record<string, unknown>;

/** The example management stack with every per-account pattern reaching the management account and both shards. */
function everyCapability(scope: Record<string, unknown>): Record<string, unknown> {
  const vendors = exampleValue<Vendor[]>("management", "vendors");
  const delegation = exampleValue<Vendor[]>("management", "delegation");
  const shared = exampleValue<Vendor[]>("management", "sharedResources");
  const security = exampleValue<Record<string, unknown>>("management", "securityAccess");
  return {
    scope,
    vendors: [
      { ...vendors[0], includeManagementAccount: true },
      { ...vendors[1], accounts: ["prod", "staging", "tooling"] },
    ],
    delegation: [
      { ...delegation[0], accounts: ["staging", "prod", "infra-ops"], includeManagementAccount: true },
    ],
    sharedResources: [
      ...shared,
      {
        ...shared[0],
        name: "reports",
        ownerAccount: "staging",
        bucket: { name: "example-org-staging-reports", prefix: "reports" },
        kmsKey: undefined,
      },
    ],
    securityAccess: {
      ...security,
      rollout: {
        mode: "providers",
        organizationalUnits: ["security", "infrastructure", "workloads", "sandbox"],
        includeManagementAccount: true,
      },
    },
  };
}

/** AWS resources (not providers, not components) as `type name @ account`. */
function awsResources(run: ProgramRun): { type: string; name: string; account?: string }[] {
  return run.resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => ({ type: r.type, name: r.name, account: r.account }));
}

/** IAM role names per account of a run. */
function rolesByAccount(run: ProgramRun): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const role of ofType(run, "aws:iam/role:Role")) {
    const account = String(role.account);
    out[account] = [...(out[account] ?? []), String(role.inputs.name)].sort();
  }
  return out;
}

describe("every capability in a shard that does not own the organization-wide resources", () => {
  let shard: ProgramRun;
  let owner: ProgramRun;
  before(async () => {
    shard = await runExample("management", everyCapability({ organizationalUnits: ["workloads"] }));
    owner = await runExample(
      "management",
      everyCapability({ organizationalUnits: ["security", "infrastructure"], organizationWide: true }),
    );
  });

  it("creates nothing outside its scope and nothing in the management account", () => {
    const outside = awsResources(shard).filter((r) => !WORKLOADS.includes(String(r.account)));
    assert.deepStrictEqual(outside, []);
  });

  it("still creates each per-account pattern in the accounts of its scope", () => {
    assert.deepStrictEqual(rolesByAccount(shard), {
      "666666666666": [
        "AuditReadRole",
        "ComplianceAccessRole",
        "SecurityAccessRole",
        "app-upload-role",
        "deployment-role-prod",
        "it-admin-access",
        "org-access-assume-role-alerts-forwarder",
        "vendor-observability",
        "vendor-security-scanner",
      ],
      "777777777777": [
        "AuditReadRole",
        "ComplianceAccessRole",
        "SecurityAccessRole",
        "deployment-role-staging",
        "it-admin-access",
        "org-access-assume-role-alerts-forwarder",
        "vendor-observability",
        "vendor-security-scanner",
      ],
      "888888888888": [
        "AuditReadRole",
        "ComplianceAccessRole",
        "SecurityAccessRole",
        "deployment-role-dev",
        "org-access-assume-role-alerts-forwarder",
        "vendor-observability",
      ],
    });
    // The share inside the shard (staging to prod) is deployed; the one from infra-ops is not.
    assert.deepStrictEqual(
      ofType(shard, "aws:s3/bucketV2:BucketV2")
        .concat(ofType(shard, "aws:s3/bucket:Bucket"))
        .map((b) => [b.inputs.bucket, b.account]),
      [["example-org-staging-reports", "777777777777"]],
    );
    assert.deepStrictEqual(
      ofType(shard, "aws:iam/policy:Policy")
        .filter((p) => p.inputs.name === "org-access-boundary")
        .map((p) => p.account),
      WORKLOADS,
    );
  });

  it("leaves the management account's opted-in copies to the owning shard, once", () => {
    const inManagement = (run: ProgramRun) => rolesByAccount(run)[ID.management] ?? [];
    assert.deepStrictEqual(inManagement(shard), []);
    for (const role of ["vendor-observability", "it-admin-access", "AuditReadRole", "SecurityAccessRole"]) {
      assert.ok(inManagement(owner).includes(role), `${role} in ${inManagement(owner).join(", ")}`);
    }
    const urns = (run: ProgramRun) => new Set(run.resources.filter((r) => r.custom).map((r) => r.urn));
    const both = [...urns(owner)].filter((urn) => urns(shard).has(urn) && !urn.includes("pulumi:providers"));
    assert.deepStrictEqual(both, []);
  });
});

describe("a security stack shard that does not own the organization-wide resources", () => {
  it("creates nothing in its home account, the management account or outside its scope", async () => {
    const run = await runExample("security", { scope: { organizationalUnits: ["workloads"] } });
    assert.deepStrictEqual(
      awsResources(run).filter((r) => !WORKLOADS.includes(String(r.account))),
      [],
    );
    const owner = await runExample("security", {
      scope: { organizationalUnits: ["workloads"], organizationWide: true },
    });
    assert.ok(awsResources(owner).some((r) => r.account === ID.security));
  });
});
