import * as path from "path";
import {
  getDenialReasons,
  getGrantReasons,
  runSimulation,
  type RequestAnalysis,
  type RequestDenial,
  type RequestGrant,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import { Decision } from "./types";

/**
 * The one place the plan talks to the IAM simulator (`@cloud-copilot/iam-simulate`, AGPL-3.0). It is
 * a development dependency of the local analysis tools only: nothing the program, its components or
 * the policy pack import may reach this file.
 */

export interface NamedPolicy {
  readonly name: string;
  readonly policy: unknown;
}

/** The SCPs of one level of the organization (root, OU or account), root first. */
export interface ScpLevel {
  readonly target: string;
  readonly policies: NamedPolicy[];
}

export interface AssumeRequest {
  readonly principal: string;
  readonly action: string;
  readonly roleArn: string;
  readonly roleAccount: string;
  readonly trust: unknown;
  readonly identityPolicies: NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  /** Empty when SCPs do not apply (service and web-identity callers, the management account). */
  readonly scps: ScpLevel[];
  readonly context: Record<string, string | string[]>;
}

export interface AssumeResult {
  readonly decision: Decision;
  /** The decisive statements, in words. */
  readonly reason: string;
}

/** Any request: an action on a resource, with every policy type that can decide it. */
export interface SimRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /** Trust policy of a role, or the S3 bucket / KMS key policy. */
  readonly resourcePolicy?: unknown;
  readonly identityPolicies: NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  /** A session policy passed when the session was created. */
  readonly sessionPolicy?: NamedPolicy;
  /** SCP levels of the principal's account (empty where SCPs do not apply). */
  readonly scps: ScpLevel[];
  /** RCP levels of the resource's account (empty where RCPs do not apply). */
  readonly rcps?: ScpLevel[];
  readonly context: Record<string, string | string[]>;
  /** What the resource policy is called in reasons: `trust` (default), `bucket`, `key`. */
  readonly resourcePolicyKind?: string;
}

/** One condition a request must meet to be allowed, as the simulator's discovery mode found it. */
export interface DiscoveredCondition {
  readonly key: string;
  readonly operator: string;
  readonly values: string[];
  /** Where the condition comes from: `trust statement X`, `identity policy P statement S`. */
  readonly sources: string[];
}

export interface SimResult extends AssumeResult {
  /**
   * Discovery mode only: the conditions every allowed request meets (the cheapest alternative
   * when several statements allow it); empty when it is allowed unconditionally.
   */
  readonly conditions?: DiscoveredCondition[];
}

export type SimMode = "Strict" | "Discovery";

/**
 * Evaluates one AssumeRole-style request. The validated `runSimulation` runs first; when it had to drop
 * context keys its action catalogue does not list (the GitHub OIDC `sub` and `aud` keys are missing
 * from it), the same request is re-run through the simulator's core engine with the full context, so
 * the trust's subject conditions are really evaluated instead of failing as "missing".
 */
export async function simulateAssume(request: AssumeRequest): Promise<AssumeResult> {
  const { decision, reason } = await simulate({
    principal: request.principal,
    action: request.action,
    resource: request.roleArn,
    resourceAccount: request.roleAccount,
    resourcePolicy: request.trust,
    identityPolicies: request.identityPolicies,
    permissionsBoundary: request.permissionsBoundary,
    scps: request.scps,
    context: request.context,
  });
  return { decision, reason };
}

/**
 * Simulations between two turns of the event loop. The whole access analysis is a chain of
 * simulations whose awaits never leave the microtask queue; a turn now and then lets the plan read
 * the policy pack's replies (it checks the stack in its own process meanwhile) and send it more.
 */
const YIELD_EVERY = 4;
let sinceYield = 0;

/**
 * Evaluates one request. In `Strict` mode the context is what the caller presents; in `Discovery`
 * mode the keys named in `known` are facts (present or absent as given) and every other condition
 * key is left open: the result says whether some request could be allowed and under which
 * conditions, derived from whatever conditions the policies carry.
 */
export async function simulate(
  request: SimRequest,
  mode: SimMode = "Strict",
  known: readonly string[] = [],
): Promise<SimResult> {
  if (++sinceYield >= YIELD_EVERY) {
    sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const shared = sharing ? sharedRequest(request, mode, known) : undefined;
  if (shared === undefined) return simulateOnce(request, mode, known);
  let result = sharedResults.get(shared.key);
  if (result === undefined) {
    result = await simulateOnce(shared.request, mode, known);
    if (sharedResults.size >= SHARED_RESULTS_LIMIT) sharedResults.clear();
    sharedResults.set(shared.key, result);
  }
  return shared.restore(result);
}

/**
 * Requests that differ only in the resource's account share one simulation. A thousand accounts
 * each get the same role with the same trust, asked about by the same callers under the same SCPs:
 * the requests differ only in the role's account (its ARN, `aws:ResourceAccount`, a trust's
 * `aws:SourceAccount`). The account is renamed, everywhere in the request and its policies, to a
 * stand-in account that appears nowhere in them; the renamed request is simulated once and its
 * verdict's words renamed back. The verdict is the same when
 *
 * - the account never touches another digit (`1234567890123` holds no account to rename): renaming
 *   it is then one-to-one on every value;
 * - no policy value mixes a digit with a wildcard (`1111*`) or compares numbers: no pattern can
 *   match one account ID and not another;
 *
 * because the simulator then compares values only for equality or against patterns that match both
 * accounts or neither. Anything else is simulated as it is.
 */
export const STAND_IN_ACCOUNT = "100000000001";
let sharing = true;

/** Turns sharing on or off (tests compare whole graphs both ways); returns the previous setting. */
export function shareSimulations(on: boolean): boolean {
  const was = sharing;
  sharing = on;
  sharedResults.clear();
  return was;
}
const SHARED_RESULTS_LIMIT = 200000;
const sharedResults = new Map<string, SimResult>();

interface PolicyFacts {
  /** The policy's content, as the key names it. */
  readonly id: number;
  readonly text: string;
  /** A digit next to a wildcard, or a numeric operator: the policy may tell account IDs apart by pattern. */
  readonly distinguishes: boolean;
}

const factsByObject = new WeakMap<object, PolicyFacts>();
const factsByText = new Map<string, PolicyFacts>();
/** Renamed policies by their text: one object each, so the simulator validates it once. */
const renamedPolicies = new Map<string, unknown>();

function policyFacts(policy: unknown): PolicyFacts {
  if (policy !== null && typeof policy === "object") {
    const known = factsByObject.get(policy);
    if (known !== undefined) return known;
  }
  const text = typeof policy === "string" ? policy : (JSON.stringify(policy) ?? "undefined");
  let facts = factsByText.get(text);
  if (facts === undefined) {
    facts = { id: factsByText.size, text, distinguishes: /\d[*?]|[*?]\d|numeric/i.test(text) };
    factsByText.set(text, facts);
  }
  if (policy !== null && typeof policy === "object") factsByObject.set(policy, facts);
  return facts;
}

function sharedRequest(
  request: SimRequest,
  mode: SimMode,
  known: readonly string[],
): { key: string; request: SimRequest; restore: (r: SimResult) => SimResult } | undefined {
  const account = request.resourceAccount;
  if (!/^\d{12}$/.test(account) || account === STAND_IN_ACCOUNT) return undefined;
  const touching = new RegExp(`\\d${account}|${account}\\d`);
  let shareable = true;
  const rename = (value: string) => {
    if (!value.includes(account)) return value;
    if (touching.test(value)) shareable = false;
    return value.split(account).join(STAND_IN_ACCOUNT);
  };
  const renamePolicy = (policy: unknown): { policy: unknown; id: number } => {
    if (policy === undefined) return { policy, id: -1 };
    const facts = policyFacts(policy);
    if (facts.distinguishes || facts.text.includes(STAND_IN_ACCOUNT)) shareable = false;
    if (!shareable || !facts.text.includes(account)) return { policy, id: facts.id };
    const text = rename(facts.text);
    let renamed = renamedPolicies.get(text);
    if (renamed === undefined) {
      renamed = typeof policy === "string" ? text : JSON.parse(text);
      renamedPolicies.set(text, renamed);
    }
    return { policy: renamed, id: policyFacts(renamed).id };
  };
  const named = (p: NamedPolicy | undefined) => {
    if (p === undefined) return { policy: undefined, id: "-" };
    const r = renamePolicy(p.policy);
    return { policy: { name: rename(p.name), policy: r.policy }, id: `${rename(p.name)}#${r.id}` };
  };
  const levels = (ls: readonly ScpLevel[]) =>
    ls.map((l) => {
      const policies = l.policies.map(named);
      return {
        level: { target: rename(l.target), policies: policies.map((p) => p.policy!) },
        id: [rename(l.target), ...policies.map((p) => p.id)],
      };
    });
  const resourcePolicy = renamePolicy(request.resourcePolicy);
  const identity = request.identityPolicies.map(named);
  const boundary = named(request.permissionsBoundary);
  const session = named(request.sessionPolicy);
  const scps = levels(request.scps);
  const rcps = request.rcps === undefined ? undefined : levels(request.rcps);
  const context = JSON.parse(rename(JSON.stringify(request.context))) as SimRequest["context"];
  const renamed: SimRequest = {
    ...request,
    principal: rename(request.principal),
    action: rename(request.action),
    resource: rename(request.resource),
    resourceAccount: STAND_IN_ACCOUNT,
    resourcePolicy: resourcePolicy.policy,
    identityPolicies: identity.map((p) => p.policy!),
    permissionsBoundary: boundary.policy,
    sessionPolicy: session.policy,
    scps: scps.map((l) => l.level),
    rcps: rcps?.map((l) => l.level),
    context,
  };
  const key = JSON.stringify([
    mode,
    known,
    request.resourcePolicyKind ?? "",
    renamed.principal,
    renamed.action,
    renamed.resource,
    resourcePolicy.id,
    identity.map((p) => p.id),
    boundary.id,
    session.id,
    scps.map((l) => l.id),
    rcps?.map((l) => l.id) ?? "-",
    Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  const original = JSON.stringify([request.principal, request.resource, request.context, known]);
  if (!shareable || original.includes(STAND_IN_ACCOUNT)) return undefined;
  return {
    key,
    request: renamed,
    restore: (r) => JSON.parse(JSON.stringify(r).split(STAND_IN_ACCOUNT).join(account)) as SimResult,
  };
}

async function simulateOnce(
  request: SimRequest,
  mode: SimMode,
  known: readonly string[],
): Promise<SimResult> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: request.context,
    },
    sessionPolicy: validatedOnce(request.sessionPolicy?.policy, "identity"),
    identityPolicies: request.identityPolicies.map((p) => ({
      name: p.name,
      policy: validatedOnce(p.policy, "identity"),
    })),
    serviceControlPolicies: request.scps.map((l) => level(l, "scp")),
    resourceControlPolicies: (request.rcps ?? []).map((l) => level(l, "rcp")),
    resourcePolicy: validatedOnce(request.resourcePolicy, "resource"),
    permissionBoundaryPolicies:
      request.permissionsBoundary === undefined
        ? undefined
        : [
            {
              name: request.permissionsBoundary.name,
              policy: validatedOnce(request.permissionsBoundary.policy, "identity"),
            },
          ],
  };
  const constraints = known.map((keyName) => ({
    keyName,
    presenceIsKnown: true as const,
    valueIsKnown: true as const,
  }));
  const response = await runSimulation(simulation, {
    simulationMode: mode,
    discoveryContextKeyConstraints: constraints,
  });
  if (response.resultType === "error") {
    return {
      decision: "denied",
      reason: `not evaluated: the simulator rejected the input (${describeErrors(response.errors)})`,
    };
  }
  if (response.resultType !== "single") {
    return { decision: "denied", reason: "not evaluated: the resource ARN is a pattern, not one resource" };
  }
  let analysis = response.result.analysis;
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) analysis = coreAuthorize(simulation, mode, constraints);
  if (analysis === undefined)
    return { decision: "denied", reason: "not evaluated: the simulator returned no analysis" };
  const kind = request.resourcePolicyKind ?? "trust";
  const explained = explain(analysis, kind);
  if (mode !== "Discovery" || explained.decision !== "allowed") return explained;
  return { ...explained, conditions: conditionsOf(analysis, kind) };
}

function level(l: ScpLevel, kind: "scp" | "rcp") {
  return {
    orgIdentifier: l.target,
    policies: l.policies.map((p) => ({ name: p.name, policy: validatedOnce(p.policy, kind) })),
  };
}

type PolicyKind = "identity" | "scp" | "rcp" | "resource";
type Validate = (policy: unknown) => unknown[];

interface PolicyModule {
  createValidatedPolicy(policy: unknown, validate: Validate): unknown;
  validateIdentityPolicy: Validate;
  validateServiceControlPolicy: Validate;
  validateResourceControlPolicy: Validate;
  validateResourcePolicy: Validate;
}

let policyModule: PolicyModule | undefined;
const validatedByKind = new Map<PolicyKind, WeakMap<object, unknown>>();

/**
 * A policy document validated once, as iam-simulate accepts it: `runSimulation` skips validating a
 * `ValidatedPolicy` and reuses its errors (`validateOrReuse` in its simulationEngine.js; the shape is
 * @cloud-copilot/iam-policy's `createValidatedPolicy`). The plan asks about the same documents (SCPs,
 * trusts, boundaries) thousands of times at a thousand accounts; validating each once per kind keeps
 * the verdicts and the errors the simulator reports, without the repeated work. The validator is the
 * same iam-policy copy iam-simulate uses.
 */
function validatedOnce(policy: unknown, kind: PolicyKind): unknown {
  if (policy === null || typeof policy !== "object") return policy;
  if (policyModule === undefined) {
    const dist = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    policyModule = require(require.resolve("@cloud-copilot/iam-policy", { paths: [dist] })) as PolicyModule;
  }
  const m = policyModule;
  const validate: Record<PolicyKind, Validate> = {
    identity: m.validateIdentityPolicy,
    scp: m.validateServiceControlPolicy,
    rcp: m.validateResourceControlPolicy,
    resource: m.validateResourcePolicy,
  };
  let cache = validatedByKind.get(kind);
  if (cache === undefined) validatedByKind.set(kind, (cache = new WeakMap()));
  let validated = cache.get(policy);
  if (validated === undefined)
    cache.set(policy, (validated = m.createValidatedPolicy(policy, validate[kind])));
  return validated;
}

/** The conditions of a discovery analysis, flattened: `and` keeps all, `or` keeps the cheapest branch. */
function conditionsOf(analysis: RequestAnalysis, kind: string): DiscoveredCondition[] {
  const leaves = flatten((analysis as { conditions?: ConditionExpression }).conditions, kind);
  const merged = new Map<string, DiscoveredCondition>();
  for (const leaf of leaves) {
    const k = `${leaf.operator}\u0000${leaf.key.toLowerCase()}\u0000${leaf.values.join("\u0000")}`;
    const seen = merged.get(k);
    merged.set(
      k,
      seen === undefined ? leaf : { ...seen, sources: unique([...seen.sources, ...leaf.sources]) },
    );
  }
  return [...merged.values()];
}

type ConditionExpression =
  | { conditionType: "always" }
  | { conditionType: "never" }
  | { conditionType: "group"; operator: "and" | "or"; conditions: ConditionExpression[] }
  | {
      conditionType: "condition";
      op: string;
      key: string;
      values: string[];
      sources: ConditionSource[];
      inverted?: true;
    }
  | { conditionType: "sessionName"; sessionName: string[]; sources: ConditionSource[] };

interface ConditionSource {
  policyType: string;
  effect: string;
  policyIdentifier?: string;
  statementId?: string;
  statementIndex: number;
}

function flatten(expr: ConditionExpression | undefined, kind: string): DiscoveredCondition[] {
  if (expr === undefined) return [];
  switch (expr.conditionType) {
    case "always":
    case "never":
      return [];
    case "condition":
      return [
        {
          key: expr.key,
          // A Deny statement's condition comes back already inverted (`Bool false` on a Deny is
          // reported as `Bool true`, flagged `inverted`): it is the requirement as it stands.
          operator: expr.op,
          values: expr.values,
          sources: expr.sources.map((source) => sourceText(source, kind)),
        },
      ];
    case "sessionName":
      return [
        {
          key: "sts:RoleSessionName",
          operator: "StringLike",
          values: expr.sessionName,
          sources: expr.sources.map((source) => sourceText(source, kind)),
        },
      ];
    case "group": {
      const branches = expr.conditions.map((c) => flatten(c, kind));
      if (expr.operator === "and") return branches.flat();
      // Any branch will do: the one asking least is what a caller (or an attacker) would use.
      return branches.sort((a, b) => a.length - b.length)[0] ?? [];
    }
  }
}

function sourceText(source: ConditionSource, kind: string): string {
  const statement = statementRef(source.statementId, source.statementIndex);
  switch (source.policyType) {
    case "resource":
      return `${kind} statement ${statement}`;
    case "identity":
      return `identity policy ${source.policyIdentifier ?? ""} statement ${statement}`;
    case "permissionBoundary":
      return `permissions boundary ${source.policyIdentifier ?? ""} statement ${statement}`;
    default:
      return `${source.policyType} ${source.policyIdentifier ?? ""} statement ${statement}`.replace(
        / +/g,
        " ",
      );
  }
}

function describeErrors(errors: unknown): string {
  const text = JSON.stringify(errors);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Words for the decisive statements of an analysis. */
function explain(analysis: RequestAnalysis, kind: string): AssumeResult {
  if (analysis.result === "Allowed") {
    // The default FullAWSAccess SCP and the stand-in identity of an outside principal decide nothing.
    const grants = getGrantReasons(analysis)
      .filter((g) => !("policyIdentifier" in g) || !QUIET_GRANTS.has(g.policyIdentifier))
      .map((g) => grantText(g, kind));
    return {
      decision: "allowed",
      reason: `allowed by ${unique(grants).join(" and ") || `the ${kind} policy`}`,
    };
  }
  const denials = getDenialReasons(analysis);
  const explicit = denials.filter((d) => d.denialType === "Explicit");
  if (explicit.length > 0) {
    return {
      decision: "denied",
      reason: `explicitly denied by ${unique(explicit.map((d) => denialText(d, kind))).join(" and ")}`,
    };
  }
  const parts = unique(denials.map((d) => denialText(d, kind)));
  const unmet = unmetTrustConditions(analysis);
  return {
    decision: "denied",
    reason: `denied: ${parts.join(", ") || "nothing allows it"}${unmet.length > 0 ? ` (${kind} condition not met: ${unmet.join(", ")})` : ""}`,
  };
}

const QUIET_GRANTS = new Set([
  "FullAWSAccess",
  "outside-this-stack",
  "root-user",
  "RCPFullAWSAccess",
  "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
]);

function statementRef(sid: string | undefined, index: number): string {
  return sid !== undefined && sid !== "" ? sid : `#${index}`;
}

function grantText(grant: RequestGrant, kind: string): string {
  switch (grant.policyType) {
    case "resource":
      return `${kind} statement ${statementRef(grant.statementId, grant.statementIndex)}`;
    case "scp":
    case "rcp":
      return `${grant.policyType.toUpperCase()} ${grant.policyIdentifier}`;
    case "pb":
      return `permissions boundary ${grant.policyIdentifier} statement ${statementRef(grant.statementId, grant.statementIndex)}`;
    default:
      return `identity policy ${grant.policyIdentifier} statement ${statementRef(grant.statementId, grant.statementIndex)}`;
  }
}

const POLICY_KIND: Record<string, string> = {
  identity: "identity policy",
  resource: "trust policy",
  scp: "SCP",
  rcp: "RCP",
  pb: "permissions boundary",
  vpce: "VPC endpoint policy",
  "s3-bpa": "S3 Block Public Access",
};

function denialText(denial: RequestDenial, resourceKind: string): string {
  const kind =
    denial.policyType === "resource"
      ? `${resourceKind} policy`
      : (POLICY_KIND[denial.policyType] ?? denial.policyType);
  if (denial.denialType === "Explicit") {
    const policy = denial.policyIdentifier === undefined ? "" : ` ${denial.policyIdentifier}`;
    return `${kind}${policy} statement ${statementRef(denial.statementId, denial.statementIndex)}`;
  }
  const at = denial.identifier === undefined ? "" : ` at ${denial.identifier}`;
  return `no ${kind}${at} statement allows it`;
}

/** Condition keys of trust statements that named the principal but whose conditions failed. */
function unmetTrustConditions(analysis: RequestAnalysis): string[] {
  const keys: string[] = [];
  for (const statement of analysis.resourceAnalysis?.unmatchedStatements ?? []) {
    const explain = statement.explain;
    if (!explain.actionMatch || explain.principalMatch === "NoMatch" || explain.effect !== "Allow") continue;
    for (const condition of explain.conditions ?? []) {
      if (!condition.matches) keys.push(condition.conditionKeyValue);
    }
  }
  return unique(keys);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

type CoreModules = {
  authorize: (request: unknown) => RequestAnalysis;
  loadPolicy: (policy: unknown, meta?: { name: string }) => unknown;
  AwsRequestImpl: new (
    principal: string,
    resource: unknown,
    action: string,
    context: unknown,
    wildcardOnlyAction: boolean,
  ) => unknown;
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
  DiscoveryContextKeyConstraints: new (constraints: unknown[]) => unknown;
};

let core: CoreModules | undefined;

const RCP_FULL_ACCESS = {
  name: "RCPFullAWSAccess",
  policy: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
  },
};

/**
 * The simulator's core engine, loaded from its compiled files (the package exports only the validated
 * entry point). Used only for context keys the catalogue lacks; see {@link simulateAssume}.
 */
function coreModules(): CoreModules {
  if (core === undefined) {
    const dist = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
    /* eslint-disable @typescript-eslint/no-require-imports */
    const engine = require(path.join(dist, "core_engine", "CoreSimulatorEngine.js")) as Pick<
      CoreModules,
      "authorize"
    >;
    const request = require(path.join(dist, "request", "request.js")) as Pick<CoreModules, "AwsRequestImpl">;
    const context = require(path.join(dist, "requestContext.js")) as Pick<CoreModules, "RequestContextImpl">;
    const discovery = require(path.join(dist, "context_keys", "discoveryContextKeyConstraints.js")) as Pick<
      CoreModules,
      "DiscoveryContextKeyConstraints"
    >;
    const policy = require(require.resolve("@cloud-copilot/iam-policy", { paths: [dist] })) as Pick<
      CoreModules,
      "loadPolicy"
    >;
    /* eslint-enable @typescript-eslint/no-require-imports */
    core = {
      authorize: engine.authorize,
      AwsRequestImpl: request.AwsRequestImpl,
      RequestContextImpl: context.RequestContextImpl,
      DiscoveryContextKeyConstraints: discovery.DiscoveryContextKeyConstraints,
      loadPolicy: policy.loadPolicy,
    };
  }
  return core;
}

function coreAuthorize(
  simulation: Simulation,
  mode: SimMode,
  constraints: { keyName: string; presenceIsKnown: true; valueIsKnown: true }[],
): RequestAnalysis {
  const m = coreModules();
  const load = (p: { name: string; policy: unknown }) => m.loadPolicy(p.policy, { name: p.name });
  const request = new m.AwsRequestImpl(
    simulation.request.principal as string,
    { resource: simulation.request.resource.resource, accountId: simulation.request.resource.accountId },
    simulation.request.action,
    new m.RequestContextImpl(simulation.request.contextVariables),
    false,
  );
  return m.authorize({
    request,
    sessionPolicy:
      simulation.sessionPolicy === undefined
        ? undefined
        : m.loadPolicy(simulation.sessionPolicy, { name: "session-policy" }),
    identityPolicies: simulation.identityPolicies.map(load),
    serviceControlPolicies: simulation.serviceControlPolicies.map((level) => ({
      orgIdentifier: level.orgIdentifier,
      policies: level.policies.map(load),
    })),
    // As the validated entry point does: RCPFullAWSAccess at every level given.
    resourceControlPolicies: simulation.resourceControlPolicies.map((level) => ({
      orgIdentifier: level.orgIdentifier,
      policies: [RCP_FULL_ACCESS, ...level.policies].map(load),
    })),
    resourcePolicy:
      simulation.resourcePolicy === undefined
        ? undefined
        : m.loadPolicy(simulation.resourcePolicy, { name: "resource-policy" }),
    permissionBoundaries: simulation.permissionBoundaryPolicies?.map(load),
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: mode,
      discoveryContextKeyConstraints: new m.DiscoveryContextKeyConstraints(
        mode === "Discovery" ? constraints : [],
      ),
    },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
}
