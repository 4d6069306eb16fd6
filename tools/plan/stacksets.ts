import {
  ResolvedResource,
  parameterValues,
  parseTemplate,
  resolveTemplate,
} from "../../policy-pack/lib/cloudformation";
import { RecordedResource } from "../mock-runtime";
import { asList, parseDocument } from "./documents";
import type { ModelRole, OrgFacts } from "./model";
import { NamedPolicy } from "./simulator";

/**
 * Roles a CloudFormation StackSet creates: each `AWS::IAM::Role` of its template, once per account its
 * instances reach. Service-managed instances target OUs (expanded to the inventory's accounts in them,
 * filtered by `accountFilterType`) and never reach the management account; self-managed ones name an
 * account. Templates are resolved by the policy pack's interpreter (policy-pack/lib/cloudformation.ts),
 * so the plan and the pack read a template the same way; a condition that cannot be decided gives one
 * variant of the template per combination, each modelled (its source names the variant).
 */

const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";

type Resolve = (arn: string) => NamedPolicy | null | undefined;

export function stackSetRoles(
  resources: readonly RecordedResource[],
  org: OrgFacts,
  resolvePolicy: Resolve,
): ModelRole[] {
  const roles: ModelRole[] = [];
  for (const stack of stackInstances(resources, org)) roles.push(...templateRoles(stack, resolvePolicy));
  return dedupe(roles);
}

/**
 * Customer managed policies StackSet templates create (`AWS::IAM::ManagedPolicy`), by ARN in each
 * account they reach: a role elsewhere can name one, as its boundary for instance.
 */
export function stackSetPolicies(
  resources: readonly RecordedResource[],
  org: OrgFacts,
): Map<string, NamedPolicy> {
  const policies = new Map<string, NamedPolicy>();
  for (const { accountId, resources: created } of stackInstances(resources, org)) {
    for (const res of created) {
      if (res.type !== "AWS::IAM::ManagedPolicy") continue;
      const props = res.properties;
      const name = typeof props.ManagedPolicyName === "string" ? props.ManagedPolicyName : undefined;
      const doc = parseDocument(props.PolicyDocument);
      if (name === undefined || doc === undefined) continue;
      const path = typeof props.Path === "string" ? props.Path : "/";
      const arn = `arn:aws:iam::${accountId}:policy${path}${name}`;
      if (!policies.has(arn)) policies.set(arn, { name, policy: doc });
    }
  }
  return policies;
}

/** One resource a StackSet stack creates in one account, its properties resolved for that account. */
export interface ExpandedTemplateResource {
  readonly accountId: string;
  /** URN of the StackSet instance that deploys the stack. */
  readonly instance: string;
  /** `stackset:<name>`, followed by the variant (`stackset:<name> (when C is true)`) when a condition cannot be decided. */
  readonly source: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
}

/**
 * Every resource of every StackSet stack the run's instances deploy, per account, with parameters
 * (template defaults, StackSet values, instance overrides), conditions and intrinsics resolved the
 * way CloudFormation would for that account: what the report and tests compare with provider-created
 * resources.
 */
export function expandStackSets(
  resources: readonly RecordedResource[],
  org: OrgFacts,
): ExpandedTemplateResource[] {
  const out: ExpandedTemplateResource[] = [];
  for (const { accountId, instance, source, resources: created } of stackInstances(resources, org)) {
    for (const res of created) {
      out.push({
        accountId,
        instance,
        source,
        logicalId: res.logicalId,
        type: res.type,
        properties: res.properties,
      });
    }
  }
  return out;
}

/** One stack a StackSet instance deploys: its account and the template's resources resolved for it. */
interface DeployedStack {
  readonly accountId: string;
  readonly instance: string;
  readonly source: string;
  readonly resources: ResolvedResource[];
}

/** Every stack (one per target account and template variant) the StackSet instances of a run deploy. */
function* stackInstances(resources: readonly RecordedResource[], org: OrgFacts): Generator<DeployedStack> {
  const stackSets = resources.filter((r) => r.type === STACK_SET);
  for (const instance of resources.filter((r) => r.type === INSTANCE)) {
    const setName = str(instance.inputs.stackSetName);
    const stackSet =
      stackSets.find((s) => str(s.inputs.name) === setName) ??
      stackSets.find((s) => instance.dependencies.includes(s.urn));
    if (stackSet === undefined) continue;
    const template = templateOf(stackSet.inputs.templateBody);
    if (template === undefined) continue;
    const serviceManaged = str(stackSet.inputs.permissionModel) === "SERVICE_MANAGED";
    const parameters = parameterValues(stackSet.inputs.parameters, instance.inputs.parameterOverrides);
    const region = str(instance.inputs.stackSetInstanceRegion) ?? str(stackSet.inputs.region) ?? "us-east-1";
    const source = `stackset:${setName ?? stackSet.name}`;
    for (const accountId of instanceAccounts(instance, org, serviceManaged)) {
      const resolved = resolveTemplate(template, { account: accountId, region, parameters });
      for (const variant of resolved.variants) {
        yield {
          accountId,
          instance: instance.urn,
          source: variant.label === undefined ? source : `${source} (${variant.label})`,
          resources: variant.resources,
        };
      }
    }
  }
}

/** A StackSet's template body (a JSON or YAML string, or already an object), or undefined when unreadable. */
function templateOf(body: unknown): Record<string, unknown> | undefined {
  if (body !== null && typeof body === "object" && !Array.isArray(body))
    return body as Record<string, unknown>;
  if (typeof body !== "string") return undefined;
  try {
    return parseTemplate(body);
  } catch {
    return undefined;
  }
}

/** The accounts one StackSet instance deploys to. */
export function instanceAccounts(
  instance: RecordedResource,
  org: OrgFacts,
  serviceManaged: boolean,
): string[] {
  const targets = instance.inputs.deploymentTargets as Record<string, unknown> | undefined;
  const selfAccount = str(instance.inputs.accountId);
  if (targets === undefined) return selfAccount === undefined ? [] : [selfAccount];
  const ouIds = asList(targets.organizationalUnitIds);
  const listed = asList(targets.accounts);
  const inOus = org.accounts
    .filter((a) =>
      ouIds.some(
        (ou) => ou === org.rootId || org.organizationalUnits.find((o) => o.name === a.ou)?.id === ou,
      ),
    )
    .map((a) => a.id);
  let ids: string[];
  switch (str(targets.accountFilterType) ?? (ouIds.length > 0 ? "NONE" : "UNION")) {
    case "DIFFERENCE":
      ids = inOus.filter((id) => !listed.includes(id));
      break;
    case "INTERSECTION":
      ids = inOus.filter((id) => listed.includes(id));
      break;
    case "UNION":
      ids = [...inOus, ...listed];
      break;
    default:
      ids = ouIds.length > 0 ? inOus : listed;
  }
  const unique = [...new Set(ids)];
  return serviceManaged ? unique.filter((id) => id !== org.managementAccountId) : unique;
}

function templateRoles(stack: DeployedStack, resolvePolicy: Resolve): ModelRole[] {
  const roles: ModelRole[] = [];
  const { accountId, source, resources } = stack;
  for (const res of resources) {
    if (res.type !== "AWS::IAM::Role") continue;
    const props = res.properties;
    const name = typeof props.RoleName === "string" ? props.RoleName : res.logicalId;
    const identityPolicies: NamedPolicy[] = [];
    const unmodelled: string[] = [];
    for (const p of asPolicies(props.Policies)) {
      const doc = parseDocument(p.PolicyDocument);
      if (doc !== undefined) identityPolicies.push({ name: String(p.PolicyName ?? "inline"), policy: doc });
    }
    for (const arn of asList(props.ManagedPolicyArns)) {
      const resolved = resolvePolicy(arn);
      if (resolved === undefined) unmodelled.push(arn);
      else if (resolved !== null) identityPolicies.push(resolved);
    }
    // Separate policy resources of the template that name this role.
    for (const other of resources) {
      if (
        other.type !== "AWS::IAM::Policy" &&
        other.type !== "AWS::IAM::ManagedPolicy" &&
        other.type !== "AWS::IAM::RolePolicy"
      )
        continue;
      const op = other.properties;
      const targets = [...asList(op.Roles), ...asList(op.RoleName)];
      const doc = parseDocument(op.PolicyDocument);
      if (targets.includes(name) && doc !== undefined) {
        identityPolicies.push({
          name: String(op.PolicyName ?? op.ManagedPolicyName ?? "template-policy"),
          policy: doc,
        });
      }
    }
    const boundaryArn = typeof props.PermissionsBoundary === "string" ? props.PermissionsBoundary : undefined;
    const boundary = boundaryArn === undefined ? undefined : resolvePolicy(boundaryArn);
    const path = typeof props.Path === "string" ? props.Path : "/";
    roles.push({
      account: accountId,
      name,
      arn: `arn:aws:iam::${accountId}:role${path}${name}`,
      trust: parseDocument(props.AssumeRolePolicyDocument),
      identityPolicies,
      unmodelled,
      permissionsBoundary: boundary ?? undefined,
      unmodelledBoundary: boundaryArn !== undefined && boundary === undefined ? boundaryArn : undefined,
      source,
    });
  }
  return roles;
}

function asPolicies(value: unknown): { PolicyName?: unknown; PolicyDocument?: unknown }[] {
  return (Array.isArray(value) ? value : []).filter(
    (p): p is { PolicyName?: unknown; PolicyDocument?: unknown } => typeof p === "object" && p !== null,
  );
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** One role per account and name: several instances of one StackSet may reach the same account. */
function dedupe(roles: ModelRole[]): ModelRole[] {
  const seen = new Set<string>();
  return roles.filter((r) => {
    const key = `${r.arn}|${r.source}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
