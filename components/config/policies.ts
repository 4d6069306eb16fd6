import { z } from "zod";
import {
  Classification,
  classifyManagedPolicy,
  classifyPolicy,
  Verdict,
  verdictRank,
} from "../../policy-pack/lib/classify";
import { CheckContext, ConfigPath } from "./checks";

/**
 * One meaning of "admin" and "read-only" for config: every policy config gives a role (AWS managed
 * by name or ARN, customer managed, inline statements) is judged by the policy pack's own
 * classification (policy-pack/lib/classify.ts), the same one its rules and the offline plan use.
 * Read-only roles take only List and Read; an admin-equivalent or privilege-escalating grant needs a
 * written justification wherever it is.
 */

/** A written reason for elevated access: long enough to say who decided it, why, and until when. */
export const MIN_JUSTIFICATION_LENGTH = 40;

/** `justification`: why a role may hold admin-equivalent or privilege-escalating permissions. */
export const justificationSchema = z
  .string({ error: "expected the reason as text" })
  .trim()
  .min(
    MIN_JUSTIFICATION_LENGTH,
    `write at least ${MIN_JUSTIFICATION_LENGTH} characters: who decided, why less access does not work, and until when`,
  );

/** A policy as config gives it, with where it is written. */
export type ConfigPolicy =
  | { readonly kind: "managed"; readonly ref: string; readonly path: ConfigPath }
  | { readonly kind: "customer"; readonly ref: string; readonly path: ConfigPath }
  | { readonly kind: "inline"; readonly statements: readonly unknown[]; readonly path: ConfigPath };

/** What a policy grants, in config's terms: a verdict, or unknown when its document is not in config. */
export interface PolicyJudgement {
  readonly policy: ConfigPolicy;
  readonly verdict: Verdict | "unknown";
  /** The decisive reason in one sentence (the strongest statement), or why it cannot be told. */
  readonly why: string;
  /** Where the decisive part is written: the policy's key, or its statement's. */
  readonly path: ConfigPath;
}

/** How a policy is named in messages: `IAMFullAccess`, `the statement`. */
function label(policy: ConfigPolicy): string {
  return policy.kind === "inline" ? "this statement" : policy.ref;
}

/** Judges one policy with the pack's classification. */
export function judgePolicy(policy: ConfigPolicy): PolicyJudgement {
  let classification: Classification | undefined;
  if (policy.kind === "managed") classification = classifyManagedPolicy(policy.ref);
  else if (policy.kind === "inline") {
    classification = classifyPolicy({ Version: "2012-10-17", Statement: policy.statements });
  }
  if (classification === undefined) {
    return {
      policy,
      path: policy.path,
      verdict: "unknown",
      why:
        policy.kind === "customer" || (policy.kind === "managed" && /:iam::\d{12}:policy\//.test(policy.ref))
          ? "a customer managed policy, whose document is not in config"
          : "not an AWS managed policy this program knows (no such name in the AWS managed policy data)",
    };
  }
  const reason = classification.reasons[0];
  return {
    policy,
    path:
      policy.kind === "inline" && reason !== undefined
        ? statementPath(policy, reason.statement)
        : policy.path,
    verdict: classification.verdict,
    why:
      reason === undefined
        ? "it grants List and Read actions only"
        : reason.message
            .replace(/^AWS managed policy \S+ /, "")
            // The patterns as written add nothing next to the actions they grant.
            .replace(/ \((?:Not)?Action [^)]*\)/, "")
            .replace(/\.$/, ""),
  };
}

/** The path of the statement a reason names (`Statement[2]`, `Statement "Sid"`), within an inline policy. */
function statementPath(policy: ConfigPolicy & { kind: "inline" }, label: string): ConfigPath {
  const index = /Statement\[(\d+)\]/.exec(label)?.[1];
  if (index !== undefined) return [...policy.path, Number(index)];
  const sid = /Statement "([^"]*)"/.exec(label)?.[1];
  const found = policy.statements.findIndex((s) => (s as { Sid?: unknown } | null)?.Sid === sid);
  return found >= 0 ? [...policy.path, found] : policy.path;
}

/** Judges every policy, strongest first. */
export function judgePolicies(policies: readonly ConfigPolicy[]): PolicyJudgement[] {
  return policies.map(judgePolicy).sort((a, b) => rank(b.verdict) - rank(a.verdict));
}

function rank(verdict: Verdict | "unknown"): number {
  return verdict === "unknown" ? verdictRank("admin-equivalent") + 1 : verdictRank(verdict);
}

/** Whether a judgement needs a written justification: admin-equivalent, privilege-escalating, or unknown. */
export function isElevated(judgement: PolicyJudgement): boolean {
  return judgement.verdict === "unknown" || rank(judgement.verdict) >= verdictRank("privilege-escalating");
}

/**
 * A read-only role (audit, security teams) takes only policies that grant List and Read actions:
 * each other policy is reported at its own key with what it grants.
 */
export function requireReadOnly(ctx: CheckContext, policies: readonly ConfigPolicy[], role: string): void {
  for (const judgement of judgePolicies(policies)) {
    if (judgement.verdict === "read-only") continue;
    const { policy } = judgement;
    const fix =
      "use SecurityAudit, job-function/ViewOnlyAccess or ReadOnlyAccess, or inline statements of List and Read actions (Describe*, Get*, List*)";
    ctx.issue(
      judgement.path,
      judgement.verdict === "unknown"
        ? `${label(policy)} is ${judgement.why}, so it cannot be shown to read only; ${role} takes List and Read access only: ${fix}`
        : `${label(policy)} is ${judgement.verdict}, not read-only (${judgement.why}); ${role} takes List and Read access only: ${fix}`,
    );
  }
}

/**
 * Admin-equivalent and privilege-escalating grants (and policies whose document config does not
 * hold) need a written justification at `justificationKey`; without one, each is reported.
 */
export function requireJustification(
  ctx: CheckContext,
  policies: readonly ConfigPolicy[],
  justification: string | undefined,
  justificationKey: string,
): void {
  if (justification !== undefined) return;
  for (const judgement of judgePolicies(policies).filter(isElevated)) {
    ctx.issue(judgement.path, elevatedMessage(judgement, justificationKey));
  }
}

/** `IAMFullAccess is admin-equivalent: <why>; it needs a written justification ...`. */
export function elevatedMessage(judgement: PolicyJudgement, justificationKey: string): string {
  const what =
    judgement.verdict === "unknown"
      ? `${label(judgement.policy)} is ${judgement.why}, so it cannot be shown to grant less than administrator access`
      : `${label(judgement.policy)} is ${judgement.verdict}: ${judgement.why}`;
  return `${what}; grant less, or give the reason at ${justificationKey} (at least ${MIN_JUSTIFICATION_LENGTH} characters: who decided, why less access does not work, and until when)`;
}

/** Managed policy references of a list, each with its path. */
export function managedPolicies(refs: readonly string[] | undefined, path: ConfigPath): ConfigPolicy[] {
  return (refs ?? []).map((ref, i) => ({ kind: "managed" as const, ref, path: [...path, i] }));
}

/** An inline policy's statements (a list, or a document with `Statement`), at its path. */
export function inlinePolicy(statements: readonly unknown[] | undefined, path: ConfigPath): ConfigPolicy[] {
  return statements === undefined || statements.length === 0 ? [] : [{ kind: "inline", statements, path }];
}

/**
 * A role's managed policies and inline statements as config gives them, those that parsed (a policy
 * list with a wrong shape is reported by the schema, once).
 */
export function validPolicies(
  ctx: CheckContext,
  managed: { readonly refs: readonly string[] | undefined; readonly path: ConfigPath },
  inline?: { readonly statements: readonly unknown[] | undefined; readonly path: ConfigPath },
): ConfigPolicy[] {
  return [
    ...(ctx.valid(managed.path) ? managedPolicies(managed.refs, managed.path) : []),
    ...(inline !== undefined && ctx.valid(inline.path) ? inlinePolicy(inline.statements, inline.path) : []),
  ];
}
