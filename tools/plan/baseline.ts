import * as fs from "fs";
import { AccessDiff, AccessEdge, Chain, PlanChanges, PlannedResource, PlanReport } from "./types";

/**
 * The review question of a pull request: what does this change add, remove or change, in resources
 * (by kind: permission sets, assignments, policies, boundaries, SCPs, trusts), in access edges, and in
 * what principals can reach and do?
 */

const key = (e: Pick<AccessEdge, "principal" | "role" | "action"> & { variant?: string }) =>
  `${e.principal}\u0000${e.role}\u0000${e.action}\u0000${e.variant ?? ""}`;

/** The parts of a previous report the comparison reads; reports of older versions lack some. */
export type Baseline = Pick<PlanReport, "access"> &
  Partial<Pick<PlanReport, "resources" | "chains" | "expectations">>;

export function readBaseline(file: string): Baseline {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PlanReport>;
  if (!Array.isArray(parsed.access)) {
    throw new Error(
      `${file} is not a plan report: it has no \`access\` list (write one with \`npm run plan -- --json\`)`,
    );
  }
  return {
    access: parsed.access,
    resources: parsed.resources,
    chains: parsed.chains,
    expectations: parsed.expectations,
  };
}

export function diffAccess(
  baselineName: string,
  before: readonly AccessEdge[],
  after: readonly AccessEdge[],
): AccessDiff {
  const old = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  return {
    baseline: baselineName,
    added: after.filter((e) => !old.has(key(e))),
    removed: before.filter((e) => !now.has(key(e))),
    changed: after
      .filter((e) => old.has(key(e)) && old.get(key(e))?.decision !== e.decision)
      .map((e) => ({ ...e, before: (old.get(key(e)) as AccessEdge).decision })),
  };
}

/** Resource kinds a reviewer looks at separately, by resource type (and for roles, by what changed). */
const KINDS: Record<string, PlanChanges["resources"][number]["kind"]> = {
  "aws:ssoadmin/permissionSet:PermissionSet": "permission set",
  "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": "permission set",
  "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment": "permission set",
  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "permission set",
  "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment": "permission set",
  "aws:ssoadmin/accountAssignment:AccountAssignment": "assignment",
  "aws:iam/policy:Policy": "policy",
  "aws:iam/rolePolicy:RolePolicy": "policy",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policy",
  "aws:iam/userPolicy:UserPolicy": "policy",
  "aws:iam/groupPolicy:GroupPolicy": "policy",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policy",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policy",
  "aws:s3/bucketPolicy:BucketPolicy": "policy",
  "aws:kms/key:Key": "policy",
  "aws:organizations/policy:Policy": "organizations policy",
  "aws:organizations/policyAttachment:PolicyAttachment": "organizations policy",
  "aws:iam/role:Role": "role",
};

/** Everything that changed since the baseline report. */
export function diffPlans(baselineName: string, before: Baseline, after: PlanReport): PlanChanges {
  const boundaryArns = new Set(
    [...(before.resources ?? []), ...after.resources]
      .map((r) => r.inputs.permissionsBoundary)
      .filter((v): v is string => typeof v === "string"),
  );
  const kindOf = (r: PlannedResource, other?: PlannedResource): PlanChanges["resources"][number]["kind"] => {
    if (
      r.type === "aws:iam/policy:Policy" &&
      [...boundaryArns].some((arn) => arn.endsWith(`:policy/${String(r.inputs.name)}`))
    )
      return "boundary";
    if (r.type === "aws:iam/role:Role" && other !== undefined) {
      if (JSON.stringify(r.inputs.assumeRolePolicy) !== JSON.stringify(other.inputs.assumeRolePolicy))
        return "trust";
      if (r.inputs.permissionsBoundary !== other.inputs.permissionsBoundary) return "boundary";
    }
    return KINDS[r.type] ?? "other";
  };
  const resources: PlanChanges["resources"] = [];
  if (before.resources !== undefined) {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const now = new Map(after.resources.map((r) => [r.urn, r]));
    for (const r of after.resources) {
      const was = old.get(r.urn);
      if (was === undefined)
        resources.push({ change: "added", kind: kindOf(r), urn: r.urn, type: r.type, account: r.account });
      else if (JSON.stringify(was.inputs) !== JSON.stringify(r.inputs))
        resources.push({
          change: "changed",
          kind: kindOf(r, was),
          urn: r.urn,
          type: r.type,
          account: r.account,
        });
    }
    for (const r of before.resources) {
      if (!now.has(r.urn))
        resources.push({ change: "removed", kind: kindOf(r), urn: r.urn, type: r.type, account: r.account });
    }
  }
  const chainKey = (c: Chain) => `${c.entry}\u0000${c.role}`;
  const reach = { added: [] as Chain[], removed: [] as Chain[] };
  if (before.chains !== undefined) {
    const old = new Set(before.chains.map(chainKey));
    const now = new Set((after.chains ?? []).map(chainKey));
    reach.added = (after.chains ?? []).filter((c) => !old.has(chainKey(c)));
    reach.removed = before.chains.filter((c) => !now.has(chainKey(c)));
  }
  const expectationKey = (e: PlanReport["expectations"][number]) =>
    `${e.index}\u0000${e.principal}\u0000${e.role}\u0000${e.action ?? ""}`;
  const oldExpectations = new Map((before.expectations ?? []).map((e) => [expectationKey(e), e]));
  const expectations = after.expectations
    .filter((e) => {
      const was = oldExpectations.get(expectationKey(e));
      return was !== undefined && was.actual !== e.actual;
    })
    .map((e) => ({
      index: e.index,
      principal: e.principal,
      target: e.action === undefined ? e.role : `${e.action} on ${e.role}`,
      before: (oldExpectations.get(expectationKey(e)) as PlanReport["expectations"][number]).actual,
      after: e.actual,
    }));
  return { baseline: baselineName, resources, reach, expectations };
}
