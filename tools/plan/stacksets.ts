import { RecordedResource } from "../mock-runtime";
import { asList, parseDocument, parseTemplate } from "./documents";
import type { ModelRole, OrgFacts } from "./model";
import { NamedPolicy } from "./simulator";

/**
 * Roles a CloudFormation StackSet creates: each `AWS::IAM::Role` of its template, once per account its
 * instances reach. Service-managed instances target OUs (expanded to the inventory's accounts in them,
 * filtered by `accountFilterType`) and never reach the management account; self-managed ones name an
 * account.
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
  for (const { template, ctx, source } of stackInstances(resources, org)) {
    roles.push(...templateRoles(template, ctx, resolvePolicy, source));
  }
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
  for (const { template, ctx } of stackInstances(resources, org)) {
    const conditions = evaluateConditions(template, ctx);
    for (const res of Object.values(templateResources(template))) {
      if (res.Type !== "AWS::IAM::ManagedPolicy" || !included(res, conditions)) continue;
      const props = (resolveValue(res.Properties ?? {}, ctx, new Map(), conditions) ?? {}) as Record<
        string,
        unknown
      >;
      const name = typeof props.ManagedPolicyName === "string" ? props.ManagedPolicyName : undefined;
      const doc = parseDocument(props.PolicyDocument);
      if (name === undefined || doc === undefined) continue;
      const path = typeof props.Path === "string" ? props.Path : "/";
      policies.set(`arn:aws:iam::${ctx.accountId}:policy${path}${name}`, { name, policy: doc });
    }
  }
  return policies;
}

/** One resource a StackSet stack creates in one account, its properties resolved for that account. */
export interface ExpandedTemplateResource {
  readonly accountId: string;
  /** `stackset:<name>`. */
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
  for (const { template, ctx, source } of stackInstances(resources, org)) {
    const conditions = evaluateConditions(template, ctx);
    const all = templateResources(template);
    const roleNames = new Map<string, string>();
    for (const [logicalId, res] of Object.entries(all)) {
      if (res.Type !== "AWS::IAM::Role" || !included(res, conditions)) continue;
      const name = resolveValue(res.Properties?.RoleName, ctx, roleNames, conditions);
      roleNames.set(logicalId, typeof name === "string" ? name : logicalId);
    }
    for (const [logicalId, res] of Object.entries(all)) {
      if (!included(res, conditions)) continue;
      const properties = (resolveValue(res.Properties ?? {}, ctx, roleNames, conditions) ?? {}) as Record<
        string,
        unknown
      >;
      out.push({ accountId: ctx.accountId, source, logicalId, type: String(res.Type), properties });
    }
  }
  return out;
}

/** Every (template, target account) pair the StackSet instances of a run deploy. */
function* stackInstances(
  resources: readonly RecordedResource[],
  org: OrgFacts,
): Generator<{ template: Record<string, unknown>; ctx: TemplateContext; source: string }> {
  const stackSets = resources.filter((r) => r.type === STACK_SET);
  for (const instance of resources.filter((r) => r.type === INSTANCE)) {
    const setName = str(instance.inputs.stackSetName);
    const stackSet =
      stackSets.find((s) => str(s.inputs.name) === setName) ??
      stackSets.find((s) => instance.dependencies.includes(s.urn));
    if (stackSet === undefined) continue;
    const template = parseTemplate(stackSet.inputs.templateBody);
    if (template === undefined) continue;
    const serviceManaged = str(stackSet.inputs.permissionModel) === "SERVICE_MANAGED";
    const params = {
      ...templateDefaults(template),
      ...stringMap(stackSet.inputs.parameters),
      ...stringMap(instance.inputs.parameterOverrides),
    };
    const region = str(instance.inputs.stackSetInstanceRegion) ?? str(stackSet.inputs.region) ?? "us-east-1";
    for (const accountId of instanceAccounts(instance, org, serviceManaged)) {
      yield { template, ctx: { accountId, region, params }, source: `stackset:${setName ?? stackSet.name}` };
    }
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

interface TemplateContext {
  readonly accountId: string;
  readonly region: string;
  readonly params: Record<string, string>;
}

function templateRoles(
  template: Record<string, unknown>,
  ctx: TemplateContext,
  resolvePolicy: Resolve,
  source: string,
): ModelRole[] {
  const resources = templateResources(template);
  const conditions = evaluateConditions(template, ctx);
  const roleNames = new Map<string, string>();
  for (const [logicalId, res] of Object.entries(resources)) {
    if (res.Type !== "AWS::IAM::Role" || !included(res, conditions)) continue;
    const name = resolveValue(res.Properties?.RoleName, ctx, roleNames, conditions);
    roleNames.set(logicalId, typeof name === "string" ? name : logicalId);
  }
  const roles: ModelRole[] = [];
  for (const [logicalId, res] of Object.entries(resources)) {
    if (res.Type !== "AWS::IAM::Role" || !included(res, conditions)) continue;
    const props = (resolveValue(res.Properties ?? {}, ctx, roleNames, conditions) ?? {}) as Record<
      string,
      unknown
    >;
    const name = roleNames.get(logicalId) as string;
    const identityPolicies: NamedPolicy[] = [];
    const unmodelled: string[] = [];
    for (const p of (props.Policies as { PolicyName?: string; PolicyDocument?: unknown }[] | undefined) ??
      []) {
      const doc = parseDocument(p.PolicyDocument);
      if (doc !== undefined) identityPolicies.push({ name: String(p.PolicyName ?? "inline"), policy: doc });
    }
    for (const arn of asList(props.ManagedPolicyArns)) {
      const resolved = resolvePolicy(arn);
      if (resolved === undefined) unmodelled.push(arn);
      else if (resolved !== null) identityPolicies.push(resolved);
    }
    // Separate policy resources of the template that name this role.
    for (const other of Object.values(resources)) {
      if (
        other.Type !== "AWS::IAM::Policy" &&
        other.Type !== "AWS::IAM::ManagedPolicy" &&
        other.Type !== "AWS::IAM::RolePolicy"
      )
        continue;
      if (!included(other, conditions)) continue;
      const op = (resolveValue(other.Properties ?? {}, ctx, roleNames, conditions) ?? {}) as Record<
        string,
        unknown
      >;
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
      account: ctx.accountId,
      name,
      arn: `arn:aws:iam::${ctx.accountId}:role${path}${name}`,
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

type TemplateResource = { Type?: string; Condition?: string; Properties?: Record<string, unknown> };

function templateResources(template: Record<string, unknown>): Record<string, TemplateResource> {
  return (template.Resources ?? {}) as Record<string, TemplateResource>;
}

/** Condition values by name; undefined when a condition cannot be told offline. */
type Conditions = ReadonlyMap<string, boolean | undefined>;

/** A resource with a `Condition` exists only where that condition holds (unknown: assume it does). */
function included(resource: TemplateResource, conditions: Conditions): boolean {
  return resource.Condition === undefined || conditions.get(resource.Condition) !== false;
}

/** Evaluates the template's `Conditions` (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition) for one stack. */
function evaluateConditions(template: Record<string, unknown>, ctx: TemplateContext): Conditions {
  const declared = (template.Conditions ?? {}) as Record<string, unknown>;
  const values = new Map<string, boolean | undefined>();
  const evaluating = new Set<string>();
  const byName = (name: string): boolean | undefined => {
    if (values.has(name)) return values.get(name);
    if (!(name in declared) || evaluating.has(name)) return undefined;
    evaluating.add(name);
    const value = evaluate(declared[name]);
    values.set(name, value);
    return value;
  };
  const evaluate = (expr: unknown): boolean | undefined => {
    if (typeof expr === "boolean") return expr;
    if (expr === null || typeof expr !== "object" || Array.isArray(expr)) return undefined;
    const [key, arg] = Object.entries(expr as Record<string, unknown>)[0] ?? [];
    const args = Array.isArray(arg) ? arg : [];
    switch (key) {
      case "Condition":
        return typeof arg === "string" ? byName(arg) : undefined;
      case "Fn::Equals": {
        const [a, b] = args.map((v) => resolveValue(v, ctx, new Map(), values));
        return typeof a === "string" && typeof b === "string" ? a === b : undefined;
      }
      case "Fn::Not": {
        const v = evaluate(args[0]);
        return v === undefined ? undefined : !v;
      }
      case "Fn::And": {
        const vs = args.map(evaluate);
        return vs.includes(false) ? false : vs.includes(undefined) ? undefined : true;
      }
      case "Fn::Or": {
        const vs = args.map(evaluate);
        return vs.includes(true) ? true : vs.includes(undefined) ? undefined : false;
      }
      default:
        return undefined;
    }
  };
  for (const name of Object.keys(declared)) byName(name);
  return values;
}

/** `Ref: AWS::NoValue`, or the branch of an `Fn::If` that chose it: the property is left out. */
const NO_VALUE = Symbol("AWS::NoValue");

/**
 * Resolves the intrinsic functions a role template needs: Ref (AWS::NoValue included), Fn::Sub,
 * Fn::Join and Fn::If on a condition known offline. Others stay as they are.
 */
function resolveValue(
  value: unknown,
  ctx: TemplateContext,
  roleNames: Map<string, string>,
  conditions: Conditions = new Map(),
): unknown {
  const again = (v: unknown) => resolveValue(v, ctx, roleNames, conditions);
  if (Array.isArray(value)) return value.map(again).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    if (key === "Ref" && arg === "AWS::NoValue") return NO_VALUE;
    if (key === "Ref" && typeof arg === "string") return ref(arg, ctx, roleNames) ?? obj;
    if (key === "Fn::If" && Array.isArray(arg) && arg.length === 3 && typeof arg[0] === "string") {
      const holds = conditions.get(arg[0]);
      if (holds !== undefined) return again(holds ? arg[1] : arg[2]);
      return obj;
    }
    if (key === "Fn::Sub") {
      const [text, vars] = Array.isArray(arg)
        ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>]
        : [arg, {}];
      if (typeof text !== "string") return obj;
      return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
        // `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
        if (name.startsWith("!")) return `\${${name.slice(1)}}`;
        const fromVars = vars[name] === undefined ? undefined : again(vars[name]);
        const v = typeof fromVars === "string" ? fromVars : ref(name, ctx, roleNames);
        return v ?? whole;
      });
    }
    if (key === "Fn::Join" && Array.isArray(arg) && typeof arg[0] === "string") {
      const parts = again(arg[1]);
      if (Array.isArray(parts) && parts.every((p) => typeof p === "string")) return parts.join(arg[0]);
      return obj;
    }
  }
  return Object.fromEntries(
    Object.entries(obj)
      .map(([k, v]) => [k, again(v)] as const)
      .filter(([, v]) => v !== NO_VALUE),
  );
}

function ref(name: string, ctx: TemplateContext, roleNames: Map<string, string>): string | undefined {
  if (name === "AWS::AccountId") return ctx.accountId;
  if (name === "AWS::Region") return ctx.region;
  if (name === "AWS::Partition") return "aws";
  if (name === "AWS::URLSuffix") return "amazonaws.com";
  return ctx.params[name] ?? roleNames.get(name);
}

function templateDefaults(template: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((template.Parameters ?? {}) as Record<string, { Default?: unknown }>)) {
    if (v?.Default !== undefined) out[k] = Array.isArray(v.Default) ? v.Default.join(",") : String(v.Default);
  }
  return out;
}

/** StackSet parameters: a map in @pulumi/aws; tolerate the CloudFormation list shape too. */
function stringMap(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value
        .map((p) => p as { parameterKey?: string; parameterValue?: unknown })
        .filter((p) => p.parameterKey !== undefined)
        .map((p) => [p.parameterKey as string, String(p.parameterValue ?? "")]),
    );
  }
  if (value === null || typeof value !== "object") return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
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
