import { readStackFile, stackFilePath, StackConfig } from "../mock-runtime";

const ENVIRONMENTS = ["prod", "staging", "dev"] as const;

/**
 * A synthetic organization of `accountCount` accounts, built from an example stack: its named
 * accounts stay (config refers to them), and the rest are workload accounts spread over the
 * example's environments, so every one gets the roles the example gives a workload account.
 */
export function syntheticStackConfig(
  stack: "management" | "security",
  accountCount: number,
  overrides: Record<string, unknown> = {},
): StackConfig {
  const base = readStackFile(stackFilePath(stack));
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
    values[`org-access:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys: base.secretKeys };
}
