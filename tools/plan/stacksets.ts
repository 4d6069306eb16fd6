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
      roles.push(
        ...templateRoles(
          template,
          { accountId, region, params },
          resolvePolicy,
          `stackset:${setName ?? stackSet.name}`,
        ),
      );
    }
  }
  return dedupe(roles);
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
  const resources = (template.Resources ?? {}) as Record<
    string,
    { Type?: string; Properties?: Record<string, unknown> }
  >;
  const roleNames = new Map<string, string>();
  for (const [logicalId, res] of Object.entries(resources)) {
    if (res.Type !== "AWS::IAM::Role") continue;
    const name = resolveValue(res.Properties?.RoleName, ctx, roleNames);
    roleNames.set(logicalId, typeof name === "string" ? name : logicalId);
  }
  const roles: ModelRole[] = [];
  for (const [logicalId, res] of Object.entries(resources)) {
    if (res.Type !== "AWS::IAM::Role") continue;
    const props = (resolveValue(res.Properties ?? {}, ctx, roleNames) ?? {}) as Record<string, unknown>;
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
      const op = (resolveValue(other.Properties ?? {}, ctx, roleNames) ?? {}) as Record<string, unknown>;
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

/** Resolves the intrinsic functions a role template needs: Ref, Fn::Sub, Fn::Join. Others stay as they are. */
function resolveValue(value: unknown, ctx: TemplateContext, roleNames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx, roleNames));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    if (key === "Ref" && typeof arg === "string") return ref(arg, ctx, roleNames) ?? obj;
    if (key === "Fn::Sub") {
      const [text, vars] = Array.isArray(arg)
        ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>]
        : [arg, {}];
      if (typeof text !== "string") return obj;
      return text.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
        const fromVars = vars[name] === undefined ? undefined : resolveValue(vars[name], ctx, roleNames);
        const v = typeof fromVars === "string" ? fromVars : ref(name, ctx, roleNames);
        return v ?? whole;
      });
    }
    if (key === "Fn::Join" && Array.isArray(arg) && typeof arg[0] === "string") {
      const parts = resolveValue(arg[1], ctx, roleNames);
      if (Array.isArray(parts) && parts.every((p) => typeof p === "string")) return parts.join(arg[0]);
      return obj;
    }
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveValue(v, ctx, roleNames)]));
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
