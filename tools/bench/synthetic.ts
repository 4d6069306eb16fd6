import { exampleStackFile, readStackFile, StackConfig } from "../mock-runtime";

const ENVIRONMENTS = ["prod", "staging", "dev"] as const;

/**
 * A synthetic organization of `accountCount` accounts, built from a stack of the full example
 * (`examples/full`): its named accounts stay (config refers to them), and the rest are workload
 * accounts spread over the example's environments, so every one gets the roles the example gives a
 * workload account.
 */
export function syntheticStackConfig(
  stack: "management" | "security",
  accountCount: number,
  overrides: Record<string, unknown> = {},
): StackConfig {
  const base = readStackFile(exampleStackFile("full", stack));
  const values = { ...base.values };
  const accounts = JSON.parse(values["org-access:accounts"]) as {
    name: string;
    id: string;
    ou: string;
    environment?: string;
  }[];
  const workloadOu = accounts.find((a) => a.environment === "prod")?.ou ?? "workloads";
  const generated = Math.max(0, accountCount - accounts.length);
  for (let i = 0; i < generated; i++) {
    accounts.push({
      name: `wl-${String(i + 1).padStart(4, "0")}`,
      id: String(500000000000 + i),
      ou: workloadOu,
      environment: ENVIRONMENTS[i % ENVIRONMENTS.length],
    });
  }
  values["org-access:accounts"] = JSON.stringify(
    accountCount < accounts.length ? accounts.slice(0, accountCount) : accounts,
  );
  for (const [key, value] of Object.entries(overrides)) {
    // `null` removes a key: JSON has no `undefined`.
    if (value === null) delete values[`org-access:${key}`];
    else values[`org-access:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys: base.secretKeys };
}

/**
 * The StackSet scenario: the organization-wide shard of a large organization. Every role whose trust
 * does not depend on the account is rolled out by StackSet (the example already rolls
 * `SecurityAccessRole` out that way; the audit read role and the permissions boundary switch to
 * `stackset`), and the account-specific patterns (CI/CD deployment roles, vendor roles, whose trust
 * names a pipeline or a vendor's ExternalId) are left to the OU shards, as are the example's access
 * expectations about them.
 */
export function stacksetOverrides(stack: "management" | "security"): Record<string, unknown> {
  const values = readStackFile(exampleStackFile("full", stack)).values;
  const parse = <T>(key: string): T | undefined => {
    const text = values[`org-access:${key}`];
    return text === undefined ? undefined : (JSON.parse(text) as T);
  };
  const out: Record<string, unknown> = { cicd: null, vendors: null, expectations: null };
  const audit = parse<Record<string, unknown>>("audit");
  if (audit !== undefined) out.audit = { ...audit, rollout: { mode: "stackset" } };
  const guardrails = parse<{ permissionsBoundary?: Record<string, unknown> }>("guardrails");
  if (guardrails?.permissionsBoundary !== undefined) {
    out.guardrails = {
      ...guardrails,
      permissionsBoundary: { ...guardrails.permissionsBoundary, rollout: { mode: "stackset" } },
    };
  }
  return out;
}
