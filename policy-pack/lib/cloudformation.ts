import * as YAML from "yaml";
import { asList, parsePolicyDocument, PolicyDocument, rethrowUnknown } from "./document";

/**
 * CloudFormation templates carried by `aws.cloudformation.Stack` and `StackSet` resources: JSON or
 * YAML with the short-form tags (`!Ref`, `!Sub`, `!GetAtt`, ...) read as their long forms, then the
 * intrinsics a trust policy usually holds resolved against parameters, so a principal written as
 * `!Sub arn:aws:iam::${ManagementAccountId}:root` is checked as the account it names.
 */

/** Stands for the account a template is deployed into (no colon, so ARNs still split on `:`). */
export const THIS_ACCOUNT = "(this-account)";

const INTRINSICS = [
  "Ref",
  "Sub",
  "GetAtt",
  "Join",
  "If",
  "Select",
  "Split",
  "FindInMap",
  "Base64",
  "Cidr",
  "ImportValue",
  "GetAZs",
  "And",
  "Or",
  "Not",
  "Equals",
  "Condition",
  "Transform",
  "Length",
  "ToJsonString",
];

function longName(short: string): string {
  return short === "Ref" || short === "Condition" ? short : `Fn::${short}`;
}

const CUSTOM_TAGS: YAML.Tags = INTRINSICS.flatMap((name) => {
  const key = longName(name);
  return [
    {
      tag: `!${name}`,
      resolve: (value: string) => ({ [key]: name === "GetAtt" ? value.split(".") : value }),
    },
    {
      tag: `!${name}`,
      collection: "seq" as const,
      resolve: (seq: YAML.YAMLSeq) => ({ [key]: seq.toJSON() }),
    },
    {
      tag: `!${name}`,
      collection: "map" as const,
      resolve: (map: YAML.YAMLMap) => ({ [key]: map.toJSON() }),
    },
  ];
}) as YAML.Tags;

/** Parses a template body; throws an Error with a readable reason when it is neither JSON nor YAML. */
export function parseTemplate(body: string): Record<string, unknown> {
  const text = body.trim();
  let value: unknown;
  if (text.startsWith("{")) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`the template is not valid JSON (${(e as Error).message})`);
    }
  } else {
    try {
      value = YAML.parse(text, {
        customTags: CUSTOM_TAGS,
        maxAliasCount: 100,
        prettyErrors: false,
        logLevel: "error",
      });
    } catch (e) {
      throw new Error(`the template is not valid YAML (${(e as Error).message.split("\n")[0]})`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("the template is not a mapping with a Resources section");
  }
  return value as Record<string, unknown>;
}

interface ResolveContext {
  readonly params: Record<string, string>;
  /** Logical IDs of the template's roles, with their names when set, for Ref and GetAtt. */
  readonly roles: Record<string, string | undefined>;
  readonly account: string;
}

const PSEUDO: Record<string, (ctx: ResolveContext) => string> = {
  "AWS::AccountId": (ctx) => ctx.account,
  "AWS::Partition": () => "aws",
  "AWS::URLSuffix": () => "amazonaws.com",
  "AWS::Region": () => "(this-region)",
  "AWS::StackName": () => "(stack-name)",
  "AWS::StackId": () => "(stack-id)",
};

const NO_VALUE = Symbol("AWS::NoValue");

class Either {
  constructor(readonly options: unknown[]) {}
}

function refValue(name: string, ctx: ResolveContext): unknown {
  if (name === "AWS::NoValue") return NO_VALUE;
  if (PSEUDO[name]) return PSEUDO[name](ctx);
  if (name in ctx.params) return ctx.params[name];
  if (name in ctx.roles) return ctx.roles[name] ?? `(role-${name})`;
  return undefined;
}

function getAtt(target: unknown, ctx: ResolveContext): unknown {
  const [id, attr] = Array.isArray(target) ? target : typeof target === "string" ? target.split(".") : [];
  if (typeof id === "string" && id in ctx.roles && attr === "Arn") {
    return `arn:aws:iam::${ctx.account}:role/${ctx.roles[id] ?? `(role-${id})`}`;
  }
  return undefined;
}

function substitute(template: string, vars: Record<string, unknown>, ctx: ResolveContext): string {
  return template.replace(/\$\{([^}!][^}]*)\}/g, (whole, name: string) => {
    const v = name in vars ? vars[name] : name.includes(".") ? getAtt(name, ctx) : refValue(name, ctx);
    if (typeof v === "string") return v;
    return `(param-${name.replace(/[^\w.-]/g, "-")})`;
  });
}

function resolve(value: unknown, ctx: ResolveContext, depth: number): unknown {
  if (depth > 40) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const r = resolve(item, ctx, depth + 1);
      if (r === NO_VALUE) continue;
      if (r instanceof Either) out.push(...r.options.filter((o) => o !== NO_VALUE));
      else out.push(r);
    }
    return out;
  }
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k];
    if (k === "Ref" && typeof arg === "string") return refValue(arg, ctx) ?? value;
    if (k === "Fn::GetAtt") return getAtt(arg, ctx) ?? value;
    if (k === "Fn::Sub") {
      if (typeof arg === "string") return substitute(arg, {}, ctx);
      if (Array.isArray(arg) && typeof arg[0] === "string") {
        const vars = resolve(arg[1] ?? {}, ctx, depth + 1);
        return substitute(
          arg[0],
          typeof vars === "object" && vars !== null ? (vars as Record<string, unknown>) : {},
          ctx,
        );
      }
      return value;
    }
    if (k === "Fn::Join" && Array.isArray(arg) && typeof arg[0] === "string") {
      const parts = resolve(arg[1], ctx, depth + 1);
      if (Array.isArray(parts) && parts.every((p) => typeof p === "string")) return parts.join(arg[0]);
      return value;
    }
    if (k === "Fn::If" && Array.isArray(arg) && arg.length === 3) {
      // Both branches may be deployed: keep both, so each is checked.
      const a = resolve(arg[1], ctx, depth + 1);
      const b = resolve(arg[2], ctx, depth + 1);
      if (a === NO_VALUE && b === NO_VALUE) return NO_VALUE;
      if (a === NO_VALUE) return b;
      if (b === NO_VALUE) return a;
      return new Either([a, b]);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const r = resolve(obj[key], ctx, depth + 1);
    if (r === NO_VALUE) continue;
    out[key] = r instanceof Either ? r.options : r;
  }
  return out;
}

export interface TemplateRole {
  readonly logicalId: string;
  readonly roleName?: string;
  readonly trust: PolicyDocument;
  readonly managedPolicyArns: string[];
  readonly inlineDocs: PolicyDocument[];
  readonly maxSessionDuration?: number;
  readonly hasPermissionsBoundary: boolean;
}

/**
 * Every `AWS::IAM::Role` of a template, intrinsics resolved. `params` are the stack's parameter
 * values (over the template's defaults); `account` is the account it deploys into, or THIS_ACCOUNT.
 */
export function templateRoles(
  template: Record<string, unknown>,
  params: Record<string, string>,
  account: string,
): TemplateRole[] {
  const resources = template.Resources;
  if (typeof resources !== "object" || resources === null || Array.isArray(resources)) return [];
  const allParams: Record<string, string> = {};
  const declared = template.Parameters;
  if (typeof declared === "object" && declared !== null) {
    for (const [name, spec] of Object.entries(declared as Record<string, unknown>)) {
      const def =
        typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>).Default : undefined;
      if (typeof def === "string" || typeof def === "number") allParams[name] = String(def);
    }
  }
  Object.assign(allParams, params);
  const entries = Object.entries(resources as Record<string, unknown>).filter(
    ([, r]) =>
      typeof r === "object" && r !== null && (r as Record<string, unknown>).Type === "AWS::IAM::Role",
  ) as [string, Record<string, unknown>][];
  const roles: Record<string, string | undefined> = {};
  const bare: ResolveContext = { params: allParams, roles: {}, account };
  for (const [id, r] of entries) {
    const props = (r.Properties ?? {}) as Record<string, unknown>;
    const name = resolve(props.RoleName, bare, 0);
    roles[id] = typeof name === "string" ? name : undefined;
  }
  const ctx: ResolveContext = { params: allParams, roles, account };
  return entries.map(([id, r]) => {
    const props = resolve(r.Properties ?? {}, ctx, 0) as Record<string, unknown>;
    const policies = asList(props.Policies).map((p) =>
      typeof p === "object" && p !== null ? (p as Record<string, unknown>).PolicyDocument : undefined,
    );
    const max = props.MaxSessionDuration;
    return {
      logicalId: id,
      roleName: roles[id],
      trust: parsePolicyDocument(props.AssumeRolePolicyDocument),
      managedPolicyArns: asList(props.ManagedPolicyArns).filter((v): v is string => typeof v === "string"),
      inlineDocs: policies.filter((p) => p !== undefined).map((p) => parsePolicyDocument(p)),
      maxSessionDuration:
        typeof max === "number"
          ? max
          : typeof max === "string" && /^\d+$/.test(max)
            ? Number(max)
            : undefined,
      hasPermissionsBoundary: props.PermissionsBoundary !== undefined,
    };
  });
}

/** String parameters of a Stack/StackSet resource (`parameters` input). */
export function stackParameters(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== "object" || value === null) return out;
  try {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === "string" || typeof v === "number") out[k] = String(v);
    }
  } catch (e) {
    rethrowUnknown(e);
  }
  return out;
}
