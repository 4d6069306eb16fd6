import { classifyPolicy } from "../../policy-pack/lib/classify";
import {
  accessGraph,
  ANYONE,
  decide,
  describePrincipal,
  identityOf,
  mayAllow,
  mayAllowAction,
  resourceFacts,
  trustedCallers,
} from "./access";
import { accountResourceArn } from "./actions";
import { IamModel, ModelRole } from "./model";
import { NamedPolicy } from "./simulator";
import { AccessEdge, AccessFinding, Chain } from "./types";

/**
 * Transitive reach: from every entry point (a principal that is not a role this stack models: a
 * GitHub subject, a vendor, an Identity Center group, a user, a service, an account root, a role of
 * another stack) through the allowed edges, role after role, with the shortest path to each role and
 * its depth. Escalation edges (a principal that can rewrite a role's trust, or pass a role to a
 * compute service it can run) join the graph, so reach includes what a principal can make itself.
 */

/** What a chained session can last: role chaining caps a session at one hour. */
export const CHAINED_SESSION_SECONDS = 3600;

export interface ReachOptions {
  /** A chain deeper than this is a finding (default 2). */
  readonly maxDepth: number;
  /** Entry points whose reach to admin-equivalent access is intended (labels, or predicates on edges). */
  readonly isAdminEntry: (entry: EntryPoint) => boolean;
}

export interface EntryPoint {
  readonly principal: string;
  readonly principalName?: string;
  readonly principalKind?: AccessEdge["principalKind"];
  /** The account of an AWS principal. */
  readonly account?: string;
}

export interface Reach {
  readonly chains: Chain[];
  readonly findings: AccessFinding[];
  /** Roles admin-equivalent in their account (by ARN), and why. */
  readonly adminRoles: Map<string, string>;
  /** Shortest path from a principal to every role it reaches: `reachFrom(principal)`. */
  readonly reachFrom: (principal: string) => Map<string, Chain>;
  /** The allowed edge from a principal to a role, if any (to read a step's conditions). */
  readonly edge: (principal: string, role: string) => AccessEdge | undefined;
}

/**
 * Edges by which a principal can become a role without a trust naming it: rewrite the role's trust
 * (`iam:UpdateAssumeRolePolicy`), or pass it to a compute service the role trusts and that the
 * principal can run (`iam:PassRole` with `iam:PassedToService`, and the service's launch actions).
 * Each candidate is first matched against the principal's statements, then decided by the simulator.
 */
export async function escalationEdges(
  model: IamModel,
  edges: readonly AccessEdge[],
  adminRoles: ReadonlyMap<string, string>,
): Promise<AccessEdge[]> {
  const out: AccessEdge[] = [];
  const byAccount = new Map<string, ModelRole[]>();
  for (const r of model.roles) {
    const list = byAccount.get(r.account);
    if (list === undefined) byAccount.set(r.account, [r]);
    else list.push(r);
  }
  // Roles a service can assume (their service edge is allowed), by service.
  const serviceRoles = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.principalKind !== "service" || e.decision !== "allowed" || e.variant !== undefined) continue;
    const service = e.principal.replace(/^service /, "");
    serviceRoles.set(service, (serviceRoles.get(service) ?? new Set()).add(e.role));
  }
  for (const actor of [...model.roles, ...(model.users ?? [])]) {
    // An admin-equivalent identity already holds its account: becoming another role there adds nothing.
    if (adminRoles.has(actor.arn)) continue;
    const policies = actor.identityPolicies;
    // Most identities hold neither permission: one look at their statements spares every target.
    const rewrites = mayAllowAction(policies, "iam:UpdateAssumeRolePolicy");
    const passes = mayAllowAction(policies, "iam:PassRole");
    if (!rewrites && !passes) continue;
    const candidates = byAccount.get(actor.account) ?? [];
    for (const target of candidates) {
      if (target.arn === actor.arn || target.kind === "identity-center") continue;
      if (rewrites && mayAllow(policies, "iam:UpdateAssumeRolePolicy", target.arn)) {
        const decided = await actorDecides(model, actor, "iam:UpdateAssumeRolePolicy", target);
        if (decided.decision === "allowed") {
          out.push(escalation(model, actor, target, "rewrites the trust policy of", decided.reason));
        }
      }
      if (!passes || !mayAllow(policies, "iam:PassRole", target.arn)) continue;
      for (const service of trustedCallers(target).flatMap((c) =>
        c.kind === "service" ? [c.service] : [],
      )) {
        if (!serviceRoles.get(service)?.has(target.arn)) continue;
        const launch = COMPUTE_LAUNCH[service];
        if (launch === undefined) continue;
        const pass = await actorDecides(model, actor, "iam:PassRole", target, {
          "iam:PassedToService": service,
        });
        if (pass.decision !== "allowed") continue;
        const runs = await firstAllowed(model, actor, launch);
        if (runs === undefined) continue;
        out.push(
          escalation(
            model,
            actor,
            target,
            `passes to ${service} (and runs it with ${runs}) the role`,
            `${pass.reason}; ${service} is trusted by the role`,
          ),
        );
      }
    }
  }
  return out;
}

/**
 * How each compute service is started with a role the caller passes: any one of these actions (in
 * the caller's own account) runs code as the passed role. From the services' API references
 * (RunTask/CreateService: ECS task roles; CreateFunction: Lambda execution roles; RunInstances with
 * an instance profile: EC2; CreateJob: Glue; CreateProject/StartBuild: CodeBuild; CreateStack: a
 * CloudFormation service role).
 */
const COMPUTE_LAUNCH: Record<string, string[]> = {
  "ecs-tasks.amazonaws.com": ["ecs:RunTask", "ecs:CreateService", "ecs:StartTask"],
  "lambda.amazonaws.com": ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"],
  "ec2.amazonaws.com": ["ec2:RunInstances"],
  "glue.amazonaws.com": ["glue:CreateJob", "glue:CreateDevEndpoint"],
  "codebuild.amazonaws.com": ["codebuild:CreateProject", "codebuild:UpdateProject"],
  "cloudformation.amazonaws.com": ["cloudformation:CreateStack", "cloudformation:UpdateStack"],
  "states.amazonaws.com": ["states:CreateStateMachine"],
  "sagemaker.amazonaws.com": ["sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob"],
};

async function firstAllowed(
  model: IamModel,
  actor: { arn: string; account: string; identityPolicies: NamedPolicy[] },
  actions: string[],
): Promise<string | undefined> {
  for (const action of actions) {
    if (!mayAllow(actor.identityPolicies, action, "*") && !hasActionStatement(actor.identityPolicies, action))
      continue;
    const decided = await actorDecides(model, actor, action, undefined);
    if (decided.decision === "allowed") return action;
  }
  return undefined;
}

function hasActionStatement(policies: NamedPolicy[], action: string): boolean {
  return mayAllow(policies, action, `arn:aws:${action.split(":")[0]}:*`);
}

/** A modelled identity asking for an action on a role of its account (or on the account itself). */
async function actorDecides(
  model: IamModel,
  actor: { arn: string; account: string },
  action: string,
  target: ModelRole | undefined,
  known: Record<string, string> = {},
) {
  const identity = identityOf(model, { kind: "aws", arn: actor.arn, account: actor.account });
  const resource = target?.arn ?? (await accountResourceArn(action, actor.account, "us-east-1"));
  return decide(
    {
      principal: identity.principal,
      action,
      resource,
      resourceAccount: actor.account,
      identityPolicies: identity.identityPolicies,
      permissionsBoundary: identity.permissionsBoundary,
      scps: identity.scps,
      resourcePolicyKind: "resource",
    },
    { ...identity.facts, ...resourceFacts(model, actor.account, target?.tags), ...known },
    {},
    [],
    Object.keys(known),
  );
}

function escalation(
  model: IamModel,
  actor: { arn: string; account: string },
  target: ModelRole,
  how: string,
  reason: string,
): AccessEdge {
  return {
    principal: actor.arn,
    role: target.arn,
    action: "escalation",
    decision: "allowed",
    reason: `${how} ${target.name}: ${reason}`,
    principalAccount: actor.account,
    roleAccount: target.account,
    source: target.source,
    ...describePrincipal(model, { kind: "aws", arn: actor.arn, account: actor.account }),
    via: "escalation",
    escalation: how,
    ...(target.maxSessionSeconds === undefined ? {} : { maxSessionSeconds: target.maxSessionSeconds }),
  };
}

/**
 * Whether an identity is admin-equivalent in its account: one of its policies is (AWS managed
 * documents and customer ones alike, by the policy pack's classification), its boundary does not
 * take that away, and the simulator lets it put a policy on a new role of the account.
 */
export async function adminEquivalence(model: IamModel): Promise<Map<string, string>> {
  const admins = new Map<string, string>();
  // Roles share documents (a managed policy, a StackSet's copy in every account): classify each once.
  const verdicts = new WeakMap<object, string>();
  const verdictOf = (policy: unknown): string => {
    if (policy === null || typeof policy !== "object") return classifyPolicy(policy).verdict;
    let verdict = verdicts.get(policy);
    if (verdict === undefined) verdicts.set(policy, (verdict = classifyPolicy(policy).verdict));
    return verdict;
  };
  for (const role of model.roles) {
    const admin = role.identityPolicies.find((p) => verdictOf(p.policy) === "admin-equivalent");
    if (admin === undefined) continue;
    if (
      role.permissionsBoundary !== undefined &&
      verdictOf(role.permissionsBoundary.policy) !== "admin-equivalent"
    )
      continue;
    const probe: ModelRole = {
      ...role,
      arn: `arn:aws:iam::${role.account}:role/offline-plan-new-role`,
      tags: undefined,
    };
    const decided = await actorDecides(model, role, "iam:PutRolePolicy", probe);
    if (decided.decision === "allowed") admins.set(role.arn, `${admin.name} is admin-equivalent`);
  }
  return admins;
}

/** Chains from every entry point, their findings, and escalation paths to admin-equivalent access. */
export function computeReach(
  model: IamModel,
  edges: readonly AccessEdge[],
  adminRoles: Map<string, string>,
  options: ReachOptions,
): Reach {
  const modelled = new Set(model.roles.map((r) => r.arn));
  const roleByArn = new Map(model.roles.map((r) => [r.arn, r]));
  const out = new Map<string, AccessEdge[]>();
  const entries = new Map<string, EntryPoint>();
  const byPair = new Map<string, AccessEdge>();
  for (const e of edges) {
    if (e.decision !== "allowed" || e.variant !== undefined) continue;
    out.set(e.principal, [...(out.get(e.principal) ?? []), e]);
    const pair = `${e.principal}\u0000${e.role}`;
    if (!byPair.has(pair)) byPair.set(pair, e);
    if (!modelled.has(e.principal) && !entries.has(e.principal)) {
      entries.set(e.principal, {
        principal: e.principal,
        principalName: e.principalName,
        principalKind: e.principalKind,
        account: e.principalAccount,
      });
    }
  }
  const cache = new Map<string, Map<string, Chain>>();
  const reachFrom = (principal: string): Map<string, Chain> => {
    const cached = cache.get(principal);
    if (cached !== undefined) return cached;
    const entry = entries.get(principal);
    const reached = new Map<string, Chain>();
    // Breadth first: the first path to a role is a shortest one.
    let frontier: { node: string; path: string[]; steps: AccessEdge[] }[] = [
      { node: principal, path: [principal], steps: [] },
    ];
    while (frontier.length > 0) {
      const next: typeof frontier = [];
      for (const { node, path, steps } of frontier) {
        for (const e of out.get(node) ?? []) {
          if (reached.has(e.role) || e.role === principal) continue;
          const chainSteps = [...steps, e];
          const role = roleByArn.get(e.role);
          reached.set(e.role, {
            entry: principal,
            entryName: entry?.principalName ?? e.principalName,
            role: e.role,
            roleAccount: e.roleAccount,
            depth: chainSteps.length,
            path: [...path, e.role],
            via: chainSteps.map((s) => s.via ?? "trust"),
            ...(role?.maxSessionSeconds === undefined ? {} : { maxSessionSeconds: role.maxSessionSeconds }),
          });
          next.push({ node: e.role, path: [...path, e.role], steps: chainSteps });
        }
      }
      frontier = next;
    }
    cache.set(principal, reached);
    return reached;
  };

  const chains: Chain[] = [];
  const findings: AccessFinding[] = [];
  for (const entry of [...entries.values()].sort((a, b) => a.principal.localeCompare(b.principal))) {
    const adminEntry = options.isAdminEntry(entry);
    const name = entry.principalName ?? entry.principal;
    const deep: Chain[] = [];
    const longSessions: Chain[] = [];
    const admin: Chain[] = [];
    for (const chain of reachFrom(entry.principal).values()) {
      chains.push(chain);
      // Depth counts role assumptions; an escalation step is a change, not a session.
      const hops = chain.via.filter((v) => v !== "escalation").length;
      if (hops > options.maxDepth) deep.push(chain);
      const chained = hops >= 2 || (hops >= 1 && isRoleSession(entry));
      if (chained && (chain.maxSessionSeconds ?? 0) > CHAINED_SESSION_SECONDS) longSessions.push(chain);
      if (adminRoles.has(chain.role) && !adminEntry) admin.push(chain);
    }
    const example = (list: Chain[], pick: (a: Chain, b: Chain) => number) => [...list].sort(pick)[0];
    if (deep.length > 0) {
      const deepest = example(deep, (a, b) => b.depth - a.depth);
      findings.push({
        kind: "chain-depth",
        entry: entry.principal,
        role: deepest.role,
        count: deep.length,
        path: deepest.path,
        message: `${name} reaches ${deep.length} role${deep.length === 1 ? "" : "s"} through chains deeper than ${options.maxDepth} (deepest: ${deepest.path.join(" → ")}); keep chains shallow, each hop is a session to trace`,
      });
    }
    for (const chain of longSessions) {
      findings.push({
        kind: "chain-session",
        entry: entry.principal,
        role: chain.role,
        count: 1,
        path: chain.path,
        message: `${name} reaches ${chain.role} by role chaining (${chain.path.join(" → ")}): the role allows sessions of ${chain.maxSessionSeconds} s, a chained session lasts at most ${CHAINED_SESSION_SECONDS} s`,
      });
    }
    if (admin.length > 0) {
      const shortest = example(admin, (a, b) => a.depth - b.depth);
      const accounts = [...new Set(admin.map((c) => c.roleAccount))].map((a) => accountLabel(model, a));
      findings.push({
        kind: "escalation",
        entry: entry.principal,
        role: shortest.role,
        count: admin.length,
        path: shortest.path,
        message: `${name} is not an intended admin principal but reaches admin-equivalent access in ${accounts.join(", ")} (${adminRoles.get(shortest.role)}): ${shortest.path.join(" → ")}`,
      });
    }
  }
  return {
    chains,
    findings,
    adminRoles,
    reachFrom,
    edge: (principal, role) => byPair.get(`${principal}\u0000${role}`),
  };
}

/** Reach over a model's whole graph (escalation included), for callers that have none at hand. */
export async function reachOf(model: IamModel, maxDepth = 2): Promise<Reach> {
  const graph = await accessGraph(model);
  const adminRoles = await adminEquivalence(model);
  const edges = [...graph, ...(await escalationEdges(model, graph, adminRoles))];
  return computeReach(model, edges, adminRoles, { maxDepth, isAdminEntry: () => true });
}

/** Whether an entry point calls with a role session already (its next hop is role chaining). */
function isRoleSession(entry: EntryPoint): boolean {
  return entry.principalKind === "role";
}

function accountLabel(model: IamModel, id: string): string {
  const name = model.org.accounts.find((a) => a.id === id)?.name;
  return name === undefined ? id : `${name} (${id})`;
}

export { ANYONE };
