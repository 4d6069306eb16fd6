/**
 * The plan report: the JSON written to `plan-<stack>.json` and the data the Markdown is rendered from.
 * Field names are a stable interface (docs/plan.md documents them); add fields, never rename.
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

/** What kind of principal an edge starts from. */
export type PrincipalKind =
  | "role"
  | "user"
  | "account"
  | "vendor"
  | "github"
  | "oidc"
  | "saml"
  | "service"
  | "identity-center-group"
  | "identity-center-user"
  | "outside-organization";

/** One condition an allowed edge is allowed under, as the policies state it. */
export interface EdgeCondition {
  /** Condition key, e.g. `aws:MultiFactorAuthAge`. */
  readonly key: string;
  /** IAM operator, e.g. `NumericLessThan` (a Deny statement's condition is given as the requirement it leaves). */
  readonly operator: string;
  readonly values: string[];
  /** In words: `aws:MultiFactorAuthAge < 3600`. */
  readonly text: string;
  /** The statements that set it: `trust statement X`, `identity policy P statement S`. */
  readonly sources: string[];
}

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
  /** What the principal is. */
  readonly principalKind?: PrincipalKind;
  /** A readable name: the vendor's name, `Identity Center group developers`, `user alice`. */
  readonly principalName?: string;
  /**
   * Allowed edges: the conditions every allowed request meets (empty when unconditional), derived
   * from the trust's, the caller's policies' and the guardrails' conditions.
   */
  readonly conditions?: EdgeCondition[];
  /**
   * Set on the edge of a caller who does not meet some conditions of an allowed edge:
   * `without MFA`, `from another network`, `without ExternalId`.
   */
  readonly variant?: string;
  /**
   * How the edge exists: `trust` (the role's trust policy names the principal), `account-root`
   * (the trust names the principal's account root and the principal's own policies allow it),
   * `assignment` (an Identity Center account assignment), `escalation` (the principal can make
   * itself that role: see `escalation`).
   */
  readonly via?: "trust" | "account-root" | "assignment" | "escalation";
  /** For `escalation` edges: how (`changes the trust of`, `passes the role to ecs-tasks.amazonaws.com`). */
  readonly escalation?: string;
  /** The role's maximum session in seconds, when known. */
  readonly maxSessionSeconds?: number;
}

/** Transitive reach: an entry point reaches a role through a path of allowed edges. */
export interface Chain {
  /** The entry point's principal (as in `access[].principal`). */
  readonly entry: string;
  readonly entryName?: string;
  /** ARN of the role reached. */
  readonly role: string;
  readonly roleAccount: string;
  /** Number of edges from the entry point (1: the entry point assumes the role itself). */
  readonly depth: number;
  /** The entry point, then every role on the way, the reached role last. */
  readonly path: string[];
  /** How each step exists (`via` of its edge). */
  readonly via: string[];
  /** The reached role's maximum session, when known. */
  readonly maxSessionSeconds?: number;
}

/** A finding about reach: a chain too deep, a session longer than chaining allows, an escalation path. */
export interface AccessFinding {
  readonly kind: "chain-depth" | "chain-session" | "escalation";
  /** The entry point the finding is about. */
  readonly entry: string;
  /** The example role (the deepest chain, the shortest path to admin). */
  readonly role: string;
  /** How many roles the entry point reaches this way. */
  readonly count: number;
  /** The example's path. */
  readonly path: string[];
  readonly message: string;
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
  /** Action expectations: the action asked about (`role` then names the resource or account). */
  readonly action?: string;
  /** Action expectations: the resource ARN evaluated. */
  readonly resource?: string;
  /** Chain and action expectations: the path from the principal to the role (or to the identity acting). */
  readonly path?: string[];
  readonly depth?: number;
}

/** Edges present in this plan and not in the baseline, and the other way round. */
export interface AccessDiff {
  readonly baseline: string;
  readonly added: AccessEdge[];
  readonly removed: AccessEdge[];
  /** Edges whose decision changed, with the baseline's decision. */
  readonly changed: (AccessEdge & { readonly before: Decision })[];
}

/** What changed since a baseline report, beyond access edges. */
export interface PlanChanges {
  readonly baseline: string;
  /** Resources added, removed or with changed inputs, by the kind a reviewer looks for. */
  readonly resources: {
    readonly change: "added" | "removed" | "changed";
    readonly kind:
      | "permission set"
      | "assignment"
      | "policy"
      | "boundary"
      | "organizations policy"
      | "trust"
      | "role"
      | "other";
    readonly urn: string;
    readonly type: string;
    readonly account?: string;
  }[];
  /** Changes in what principals can reach: chains (entry point to role) added and removed. */
  readonly reach: { readonly added: Chain[]; readonly removed: Chain[] };
  /** Expectations whose outcome changed (what a principal can do). */
  readonly expectations: {
    readonly index: number;
    readonly principal: string;
    readonly target: string;
    readonly before: string;
    readonly after: string;
  }[];
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
  | "name-collision"
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
  /** With a baseline: resources by kind, reach and expectation outcomes that changed. */
  readonly changes?: PlanChanges;
  /** `pass` when the plan exits 0: no mandatory finding, every expectation holds. */
  readonly result?: "pass" | "fail";
  /** Transitive reach from every entry point through role assumptions (and escalation edges). */
  readonly chains?: Chain[];
  /** Chains deeper than the limit, sessions longer than chaining allows, escalation paths to admin. */
  readonly accessFindings?: AccessFinding[];
  /** The chain depth limit and the roles found admin-equivalent, for the record. */
  readonly reach?: {
    readonly maxDepth: number;
    readonly adminRoles: { readonly role: string; readonly why: string }[];
  };
  /** With a baseline: replacements and deletions that would remove access or protected resources. */
  readonly dangerousChanges?: DangerousChange[];
  /** The first-run rehearsal (and, with a baseline, the update's). */
  readonly deploy?: DeployReport;
  /**
   * Config values stored encrypted (`secure:`), as config paths: the offline plan cannot decrypt
   * them, so their own checks (an ExternalId's length and characters) did not run on the real value.
   */
  readonly uncheckedSecrets?: string[];
}
