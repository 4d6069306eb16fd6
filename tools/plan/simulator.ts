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

/**
 * Evaluates one AssumeRole-style request. The validated `runSimulation` runs first; when it had to drop
 * context keys its action catalogue does not list (the GitHub OIDC `sub` and `aud` keys are missing
 * from it), the same request is re-run through the simulator's core engine with the full context, so
 * the trust's subject conditions are really evaluated instead of failing as "missing".
 */
export async function simulateAssume(request: AssumeRequest): Promise<AssumeResult> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.roleArn, accountId: request.roleAccount },
      contextVariables: request.context,
    },
    identityPolicies: request.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
    serviceControlPolicies: request.scps.map((level) => ({
      orgIdentifier: level.target,
      policies: level.policies.map((p) => ({ name: p.name, policy: p.policy })),
    })),
    resourceControlPolicies: [],
    resourcePolicy: request.trust,
    permissionBoundaryPolicies:
      request.permissionsBoundary === undefined
        ? undefined
        : [{ name: request.permissionsBoundary.name, policy: request.permissionsBoundary.policy }],
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") {
    return {
      decision: "denied",
      reason: `not evaluated: the simulator rejected the input (${describeErrors(response.errors)})`,
    };
  }
  if (response.resultType !== "single") {
    return { decision: "denied", reason: "not evaluated: the role ARN is a pattern, not one role" };
  }
  let analysis = response.result.analysis;
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) analysis = coreAuthorize(simulation);
  if (analysis === undefined)
    return { decision: "denied", reason: "not evaluated: the simulator returned no analysis" };
  return explain(analysis);
}

function describeErrors(errors: unknown): string {
  const text = JSON.stringify(errors);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Words for the decisive statements of an analysis. */
function explain(analysis: RequestAnalysis): AssumeResult {
  if (analysis.result === "Allowed") {
    // The default FullAWSAccess SCP and the stand-in identity of an outside principal decide nothing.
    const grants = getGrantReasons(analysis)
      .filter((g) => !("policyIdentifier" in g) || !QUIET_GRANTS.has(g.policyIdentifier))
      .map(grantText);
    return {
      decision: "allowed",
      reason: `allowed by ${unique(grants).join(" and ") || "the trust policy"}`,
    };
  }
  const denials = getDenialReasons(analysis);
  const explicit = denials.filter((d) => d.denialType === "Explicit");
  if (explicit.length > 0) {
    return {
      decision: "denied",
      reason: `explicitly denied by ${unique(explicit.map(denialText)).join(" and ")}`,
    };
  }
  const parts = unique(denials.map(denialText));
  const unmet = unmetTrustConditions(analysis);
  return {
    decision: "denied",
    reason: `denied: ${parts.join(", ") || "nothing allows it"}${unmet.length > 0 ? ` (trust condition not met: ${unmet.join(", ")})` : ""}`,
  };
}

const QUIET_GRANTS = new Set(["FullAWSAccess", "outside-this-stack"]);

function statementRef(sid: string | undefined, index: number): string {
  return sid !== undefined && sid !== "" ? sid : `#${index}`;
}

function grantText(grant: RequestGrant): string {
  switch (grant.policyType) {
    case "resource":
      return `trust statement ${statementRef(grant.statementId, grant.statementIndex)}`;
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

function denialText(denial: RequestDenial): string {
  const kind = POLICY_KIND[denial.policyType] ?? denial.policyType;
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
    if (!explain.actionMatch || explain.principalMatch === "NoMatch") continue;
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

function coreAuthorize(simulation: Simulation): RequestAnalysis {
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
    sessionPolicy: undefined,
    identityPolicies: simulation.identityPolicies.map(load),
    serviceControlPolicies: simulation.serviceControlPolicies.map((level) => ({
      orgIdentifier: level.orgIdentifier,
      policies: level.policies.map(load),
    })),
    resourceControlPolicies: [],
    resourcePolicy:
      simulation.resourcePolicy === undefined
        ? undefined
        : m.loadPolicy(simulation.resourcePolicy, { name: "trust-policy" }),
    permissionBoundaries: simulation.permissionBoundaryPolicies?.map(load),
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: "Strict",
      discoveryContextKeyConstraints: new m.DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
}
