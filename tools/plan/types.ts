/**
 * The plan report: the JSON written to `plan-<stack>.json` and the data the Markdown is rendered from.
 * Field names are a stable interface (the README documents them); add fields, never rename.
 */

/** One resource the program would register. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** 12-digit account of the resource's explicit provider; absent for components. */
  readonly account?: string;
  /** Name of the explicit provider resource. */
  readonly provider?: string;
  /** Inputs as the program set them; secrets replaced by `[secret]`. */
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Import ID when the resource adopts an existing one. */
  readonly import?: string;
}

/** One explicit AWS provider: one plugin process in a real `pulumi up`. */
export interface PlannedProvider {
  readonly name: string;
  readonly accountId?: string;
  /** Role the provider assumes; absent when it uses the stack's own credentials. */
  readonly roleArn?: string;
}

/** A policy violation reported by the pack through the analyzer protocol. */
export interface Finding {
  readonly policy: string;
  readonly enforcementLevel: string;
  /** URN of the resource; absent for stack policies. */
  readonly urn?: string;
  readonly message: string;
}

export type Decision = "allowed" | "denied";

/** One principal trying one role, as the IAM simulator decided. */
export interface AccessEdge {
  /** Who asks, e.g. `arn:aws:iam::444444444444:role/ci-staging` or `github repo:org/app:environment:prod`. */
  readonly principal: string;
  /** ARN of the role asked for. */
  readonly role: string;
  /** `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`. */
  readonly action: string;
  readonly decision: Decision;
  /** The decisive statement(s), and what was assumed about sides outside this stack. */
  readonly reason: string;
  /** Account (12 digits) the principal belongs to, when it has one. */
  readonly principalAccount?: string;
  /** Account of the role. */
  readonly roleAccount: string;
  /** Where the role comes from: a resource URN, or `stackset:<name>` for a StackSet template. */
  readonly source: string;
}

/** One access expectation from config, checked against one concrete role. */
export interface ExpectationResult {
  readonly principal: string;
  readonly role: string;
  readonly expected: Decision;
  /** `absent` when this stack creates no such role in that account. */
  readonly actual: Decision | "absent";
  readonly ok: boolean;
  /** Index in `org-access:expectations.access`. */
  readonly index: number;
  readonly why?: string;
  readonly reason: string;
}

/** Edges present in this plan and not in the baseline, and the other way round. */
export interface AccessDiff {
  readonly baseline: string;
  readonly added: AccessEdge[];
  readonly removed: AccessEdge[];
  /** Edges whose decision changed, with the baseline's decision. */
  readonly changed: (AccessEdge & { readonly before: Decision })[];
}

/** How many provider processes a real deployment starts, and what that costs. */
export interface ProviderLoad {
  readonly count: number;
  /** Rough estimate, ~250 MB per AWS provider process; not a measurement. */
  readonly estimatedMemoryMb: number;
  readonly threshold: number;
  readonly warning?: string;
}

/** A creation-time rule of the first-run rehearsal (tools/plan/deploy.ts). */
export type DeployRule =
  | "trust-principal"
  | "permissions-boundary"
  | "managed-policy"
  | "assumed-role"
  | "delegated-admin"
  | "stack-order";

/** A resource that would fail when the stack is deployed, and why. */
export interface DeployFinding {
  /** `first-run`: from an empty organization; `update`: from the baseline report. */
  readonly scenario: "first-run" | "update";
  readonly stack: string;
  /** The resource that would fail; absent for a stack-order cycle. */
  readonly urn?: string;
  readonly type?: string;
  readonly name?: string;
  readonly rule: DeployRule;
  /** What must exist first: an IAM ARN, `delegated-admin:<account>:<service>`, or the stacks of a cycle. */
  readonly needs: string;
  /** The stack and resource that create it, when one does. */
  readonly createdBy?: { readonly stack: string; readonly urn: string };
  readonly message: string;
}

/** One stack deploy of a first run, in order. */
export interface DeployStep {
  /** 1-based position. */
  readonly index: number;
  readonly stack: string;
  /** Stacks that must deploy before this one (it needs what they create). */
  readonly after: string[];
  readonly resources: number;
  /** Resources of this stack that would fail on a first run. */
  readonly failures: number;
}

/** Something no stack creates and a resource needs in one of the organization's accounts. */
export interface DeployPrerequisite {
  readonly needs: string;
  readonly rule: DeployRule;
  /** Stacks with a resource that needs it. */
  readonly neededBy: string[];
}

/** The first-run rehearsal: the stacks' order and what would fail. */
export interface DeployReport {
  /** Stack names in deploy order. */
  readonly order: string[];
  readonly steps: DeployStep[];
  /** Mandatory: each is a resource that would fail. */
  readonly findings: DeployFinding[];
  readonly prerequisites: DeployPrerequisite[];
  /** Stacks that need each other, when they do. */
  readonly cycle?: string[];
  /** The baseline report the update scenario starts from. */
  readonly baseline?: string;
}

/**
 * A change since the baseline that replaces or deletes something that must not go silently: a
 * StackSet instance, a protected or retained resource, an organization access role.
 */
export interface DangerousChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly account?: string;
  readonly change: "replace" | "delete";
  /** Why it matters: `StackSet instance`, `StackSet`, `protected`, `retained on delete`, `organization access role`. */
  readonly why: string[];
  /** For a replacement: the inputs that force it. */
  readonly inputs?: string[];
  /** What it would remove, e.g. the roles of a StackSet and the accounts they are in. */
  readonly removes: string;
  /** How to make the change safely. */
  readonly procedure: string;
  readonly message: string;
}

export interface PlanReport {
  readonly stack: string;
  readonly generatedAt: string;
  readonly organizationId: string;
  readonly accounts: { readonly name: string; readonly id: string; readonly ou: string }[];
  readonly resources: PlannedResource[];
  readonly providers: PlannedProvider[];
  readonly providerLoad: ProviderLoad;
  /** Whether the pack ran, and if not why. */
  readonly policyPack: { readonly ran: boolean; readonly note?: string };
  readonly findings: Finding[];
  readonly access: AccessEdge[];
  readonly expectations: ExpectationResult[];
  readonly accessDiff?: AccessDiff;
  /** With a baseline: replacements and deletions that would remove access or protected resources. */
  readonly dangerousChanges?: DangerousChange[];
  /** The first-run rehearsal (and, with a baseline, the update's). */
  readonly deploy?: DeployReport;
}
