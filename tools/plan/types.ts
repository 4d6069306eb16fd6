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
  /**
   * Config values stored encrypted (`secure:`), as config paths: the offline plan cannot decrypt
   * them, so their own checks (an ExternalId's length and characters) did not run on the real value.
   */
  readonly uncheckedSecrets?: string[];
}
