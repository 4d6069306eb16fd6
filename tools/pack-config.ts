import { loadConfig, OrgAccessConfig } from "../components/config";
import { ORG_FACTS } from "../policy-pack/lib/config";
import { OrgFacts, PolicyPackConfigFile } from "../policy-pack/lib/pack-config";
import { configKeysOf } from "../policy-pack/lib/policy";
import { allRules, rulesReading } from "../policy-pack/rules";
import { readStackFile, stackFilePath } from "./mock-runtime";

/**
 * The policy pack's config, from one source: the stack config. The org facts every place that runs
 * the pack needs (the workflows' `pulumi up` and `pulumi preview`, a person's bootstrap run, the Pulumi
 * Cloud policy group, the offline plan) come from `org-access:organization` and `org-access:accounts`,
 * read and validated as the program reads them, so no hand-kept copy can drift from the stacks.
 */

/** Org facts of a stack's config, as the pack's policies name them. */
export function orgFactsOf(config: OrgAccessConfig): {
  organizationId: string;
  managementAccountId: string;
  organizationAccountIds: string[];
} {
  return {
    organizationId: config.organization.id,
    managementAccountId: config.organization.managementAccountId,
    organizationAccountIds: config.accounts.map((a) => a.id),
  };
}

/**
 * The Pulumi CLI sends config per policy, so org facts must sit in each policy's entry of a
 * `--policy-pack-config` file; this writes them there (the file's own values win).
 */
export function packConfigWithOrg(file: PolicyPackConfigFile, org: OrgFacts): PolicyPackConfigFile {
  const out: PolicyPackConfigFile = { ...file };
  const facts0 = org as Record<string, unknown>;
  for (const rule of allRules) {
    const reads = configKeysOf(rule);
    const facts = Object.fromEntries(
      ORG_FACTS.filter((k) => reads.includes(k) && facts0[k] !== undefined).map((k) => [k, facts0[k]]),
    );
    if (Object.keys(facts).length === 0) continue;
    const entry = out[rule.name];
    out[rule.name] =
      typeof entry === "string" ? { enforcementLevel: entry, ...facts } : { ...facts, ...(entry ?? {}) };
  }
  return out;
}

/**
 * Pack config the stack's own design calls for: the pipeline's deploy roles trust the tooling
 * account's pipeline role and manage IAM roles and policies (they deploy this program), which the
 * pack rightly reads as admin-equivalent; they are this program's justified exceptions, given to every
 * policy whose config reads `allowedAdminRoleNames`.
 */
export function packConfigOf(config: OrgAccessConfig): PolicyPackConfigFile {
  const names = config.pipeline?.roleNames;
  if (names === undefined) return {};
  const allowedAdminRoleNames = [names.deployManagement, names.deploySecurity];
  return Object.fromEntries(
    rulesReading("allowedAdminRoleNames").map((rule) => [rule.name, { allowedAdminRoleNames }]),
  );
}

/**
 * The `--policy-pack-config` file for a stack: the exceptions its design calls for
 * (`packConfigOf`), then `levels` (a user's file, whose entries win), and its org facts in every
 * policy that reads them.
 */
export function stackPackConfig(
  config: OrgAccessConfig,
  levels: PolicyPackConfigFile = {},
): PolicyPackConfigFile {
  const merged: PolicyPackConfigFile = { ...packConfigOf(config) };
  for (const [name, entry] of Object.entries(levels)) {
    const own = merged[name];
    merged[name] =
      typeof own === "object" && typeof entry === "object"
        ? { ...own, ...entry }
        : typeof own === "object" && typeof entry === "string"
          ? { ...own, enforcementLevel: entry }
          : entry;
  }
  return packConfigWithOrg(merged, orgFactsOf(config));
}

/**
 * Reads the project's `Pulumi.<stack>.yaml` (next to `Pulumi.yaml`, as `pulumi up --stack` does) and
 * validates it; throws the program's config error.
 */
export function stackConfigOf(stack: string): OrgAccessConfig {
  return loadConfig(readStackFile(stackFilePath(stack))).config;
}
