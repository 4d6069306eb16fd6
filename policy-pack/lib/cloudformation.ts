import * as YAML from "yaml";
import { THIS_ACCOUNT } from "./accounts";
import { PolicyDocument, asList, parsePolicyDocument } from "./document";

export { THIS_ACCOUNT };

/**
 * The one CloudFormation interpreter of the pack and the offline plan. A template (JSON or YAML with
 * the short-form tags `!Ref`, `!Sub`, `!GetAtt a.b`, `!If`, ...) is resolved the way CloudFormation
 * would resolve it for one stack: parameters (template defaults, then the values given), pseudo
 * parameters, conditions, `Ref`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`,
 * `Fn::GetAtt` of the template's own resources, `Fn::ImportValue` from values given, `Fn::If`.
 *
 * A condition that cannot be decided offline (it tests a parameter nobody gave, or the account of a
 * StackSet instance) is not guessed: every combination of such conditions is its own variant of the
 * template, so both branches of each `Fn::If` are checked, each on its own (a `Condition: !If [c, {...},
 * AWS::NoValue]` gives one statement with the condition and one without). A value that cannot be
 * resolved at all stays as its intrinsic object (`{"Fn::ImportValue": "x"}`): it is never a literal, so
 * no rule can take it for a safe value, and {@link unresolvedOf} says what to provide to resolve it.
 */

/** Every intrinsic function and the condition functions, with their short-form YAML tags. */
const INTRINSICS = [
  "Ref",
  "Condition",
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
  "Transform",
  "Length",
  "ToJsonString",
];

const longName = (short: string) => (short === "Ref" || short === "Condition" ? short : `Fn::${short}`);

/** `!GetAtt Res.Attr`: the logical ID is up to the first dot; the attribute may hold more dots. */
function getAttArgument(value: string): string[] {
  const dot = value.indexOf(".");
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const CUSTOM_TAGS: YAML.Tags = INTRINSICS.flatMap((name) => {
  const key = longName(name);
  return [
    {
      tag: `!${name}`,
      resolve: (value: string) => ({ [key]: name === "GetAtt" ? getAttArgument(value) : value }),
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

/** Drops a UTF-8 byte-order mark (editors on Windows write one; JSON.parse refuses it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses a template body; throws an Error with a readable reason when it is neither JSON nor YAML. */
export function parseTemplate(body: string): Record<string, unknown> {
  const text = stripBom(body).trim();
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
  if (!isRecord(value)) throw new Error("the template is not a mapping with a Resources section");
  return value;
}

/** Where one stack of the template is deployed, and the values it is given. */
export interface TemplateContext {
  /** The account the stack is deployed into: 12 digits, or {@link THIS_ACCOUNT} when unknown. */
  readonly account: string;
  /** The region, when known (else `(this-region)` stands for it). */
  readonly region?: string;
  /** Parameter values given to the stack (over the template's defaults). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Values of `Fn::ImportValue` exports, by export name. */
  readonly imports?: Readonly<Record<string, string>>;
  /** The stack's name, when known. */
  readonly stackName?: string;
  /** Most variants to enumerate (default 64); beyond it the rest are left out and `truncated` is set. */
  readonly maxVariants?: number;
}

/** One resource of the template as one stack would create it. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Properties with intrinsics resolved (unresolvable ones kept as their intrinsic object). */
  readonly properties: Record<string, unknown>;
  readonly deletionPolicy?: string;
}

/** The template for one combination of the conditions that cannot be decided offline. */
export interface TemplateVariant {
  /** Values assumed for the undecided conditions (empty when every condition could be decided). */
  readonly assumed: Readonly<Record<string, boolean>>;
  /** `when UseOrgCondition is false`, or undefined when nothing had to be assumed. */
  readonly label?: string;
  readonly resources: ResolvedResource[];
}

export interface ResolvedTemplate {
  readonly variants: TemplateVariant[];
  /** Conditions that could not be decided offline. */
  readonly undecided: string[];
  /** True when there were more combinations than `maxVariants`. */
  readonly truncated: boolean;
  /** Parameter values in force: template defaults, then the values given. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** A value the interpreter could not resolve, and what the user can do about it. */
export interface Unresolved {
  /** The expression as written, e.g. `Fn::ImportValue "SharedRoleArn"`. */
  readonly expression: string;
  /** What to provide so it resolves. */
  readonly provide: string;
}

const unresolvedValues = new WeakMap<object, Unresolved>();

/** What an unresolved value stands for, or undefined when the value was resolved. */
export function unresolvedOf(value: unknown): Unresolved | undefined {
  return typeof value === "object" && value !== null ? unresolvedValues.get(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `Ref: AWS::NoValue`, or the branch of an `Fn::If` that chose it: the property is left out. */
const NO_VALUE = Symbol("AWS::NoValue");

/** Stand-ins for identifiers that never decide who gets access. */
const THIS_REGION = "(this-region)";

function describeExpression(expr: Record<string, unknown>): string {
  const [key] = Object.keys(expr);
  let arg: string;
  try {
    arg = JSON.stringify(expr[key]);
  } catch {
    arg = "…";
  }
  return `${key} ${arg.length > 120 ? `${arg.slice(0, 117)}...` : arg}`;
}

/** Declared parameter types that are lists (`Ref` gives a list). */
function isListParameter(spec: unknown): boolean {
  const type = isRecord(spec) ? spec.Type : undefined;
  return typeof type === "string" && (type.startsWith("List<") || type === "CommaDelimitedList");
}

/** The template's parameter defaults, as strings (lists joined with commas, as CloudFormation takes them). */
export function templateDefaults(template: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const declared = isRecord(template.Parameters) ? template.Parameters : {};
  for (const [name, spec] of Object.entries(declared)) {
    const def = isRecord(spec) ? spec.Default : undefined;
    if (def === undefined || def === null) continue;
    out[name] = Array.isArray(def) ? def.map(String).join(",") : String(def);
  }
  return out;
}

interface Resolver {
  readonly ctx: TemplateContext;
  readonly template: Record<string, unknown>;
  readonly parameters: Record<string, string>;
  readonly declaredParameters: Record<string, unknown>;
  readonly resources: Record<string, Record<string, unknown>>;
  /** Physical names of the template's resources, for `Ref` and `Fn::GetAtt`. */
  readonly names: Map<string, string>;
  /** Condition values in this variant (undefined: undeclared). */
  readonly conditions: ReadonlyMap<string, boolean>;
}

function unresolved(expr: Record<string, unknown>, provide: string): Record<string, unknown> {
  const copy = { ...expr };
  unresolvedValues.set(copy, { expression: describeExpression(expr), provide });
  return copy;
}

function refValue(name: string, r: Resolver, expr: Record<string, unknown>): unknown {
  switch (name) {
    case "AWS::NoValue":
      return NO_VALUE;
    case "AWS::AccountId":
      return r.ctx.account;
    case "AWS::Partition":
      return "aws";
    case "AWS::URLSuffix":
      return "amazonaws.com";
    case "AWS::Region":
      return r.ctx.region ?? THIS_REGION;
    case "AWS::StackName":
      return r.ctx.stackName ?? "(stack-name)";
    case "AWS::StackId":
      return `arn:aws:cloudformation:${r.ctx.region ?? THIS_REGION}:${r.ctx.account}:stack/${r.ctx.stackName ?? "(stack-name)"}/(stack-id)`;
    case "AWS::NotificationARNs":
      return [];
  }
  if (name in r.parameters) {
    const value = r.parameters[name];
    return isListParameter(r.declaredParameters[name])
      ? value === ""
        ? []
        : value.split(",").map((v) => v.trim())
      : value;
  }
  if (name in r.declaredParameters) {
    return unresolved(
      expr,
      `give the template parameter ${JSON.stringify(name)} a value (the Stack's or StackSet's parameters, or the instance's parameterOverrides)`,
    );
  }
  const physical = r.names.get(name);
  if (physical !== undefined) return physical;
  return unresolved(expr, `${JSON.stringify(name)} is neither a parameter nor a resource of the template`);
}

/** Physical name or ID `Ref` gives for a resource of the template. */
function physicalName(logicalId: string, resource: Record<string, unknown>, r: Resolver): string {
  const props = isRecord(resource.Properties) ? resource.Properties : {};
  const named = (key: string) => {
    const v = resolveValue(props[key], r, 0);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const region = r.ctx.region ?? THIS_REGION;
  const account = r.ctx.account;
  switch (resource.Type) {
    case "AWS::IAM::Role":
      return named("RoleName") ?? logicalId;
    case "AWS::IAM::User":
      return named("UserName") ?? logicalId;
    case "AWS::IAM::Group":
      return named("GroupName") ?? logicalId;
    case "AWS::IAM::ManagedPolicy":
      return `arn:aws:iam::${account}:policy${named("Path") ?? "/"}${named("ManagedPolicyName") ?? logicalId}`;
    case "AWS::S3::Bucket":
      return named("BucketName") ?? logicalId.toLowerCase();
    case "AWS::SQS::Queue":
      return `https://sqs.${region}.amazonaws.com/${account}/${named("QueueName") ?? logicalId}`;
    case "AWS::SNS::Topic":
      return `arn:aws:sns:${region}:${account}:${named("TopicName") ?? logicalId}`;
    case "AWS::SecretsManager::Secret":
      return `arn:aws:secretsmanager:${region}:${account}:secret:${named("Name") ?? logicalId}`;
    case "AWS::Lambda::Function":
      return named("FunctionName") ?? logicalId;
    case "AWS::ECR::Repository":
      return named("RepositoryName") ?? logicalId.toLowerCase();
    case "AWS::KMS::Key":
      return `(key-${logicalId})`;
    default:
      return logicalId;
  }
}

/** `Fn::GetAtt` of the template's own resources: the ARNs and names that are known offline. */
function getAtt(target: unknown, r: Resolver, expr: Record<string, unknown>): unknown {
  const [id, attr] = Array.isArray(target)
    ? target.map((t) => resolveValue(t, r, 0))
    : typeof target === "string"
      ? getAttArgument(target)
      : [];
  const resource = typeof id === "string" ? r.resources[id] : undefined;
  if (resource === undefined || typeof attr !== "string") {
    return unresolved(expr, `${JSON.stringify(id)} is not a resource of the template`);
  }
  const name = r.names.get(id as string) as string;
  const region = r.ctx.region ?? THIS_REGION;
  const account = r.ctx.account;
  const props = isRecord(resource.Properties) ? resource.Properties : {};
  const path = () => {
    const p = resolveValue(props.Path, r, 0);
    return typeof p === "string" ? p : "/";
  };
  const known: Record<string, Record<string, () => string>> = {
    "AWS::IAM::Role": { Arn: () => `arn:aws:iam::${account}:role${path()}${name}` },
    "AWS::IAM::User": { Arn: () => `arn:aws:iam::${account}:user${path()}${name}` },
    "AWS::IAM::Group": { Arn: () => `arn:aws:iam::${account}:group${path()}${name}` },
    "AWS::IAM::ManagedPolicy": { PolicyArn: () => name },
    "AWS::S3::Bucket": { Arn: () => `arn:aws:s3:::${name}` },
    "AWS::SQS::Queue": {
      Arn: () => `arn:aws:sqs:${region}:${account}:${name.split("/").pop() as string}`,
      QueueUrl: () => name,
      QueueName: () => name.split("/").pop() as string,
    },
    "AWS::SNS::Topic": { TopicArn: () => name, TopicName: () => name.split(":").pop() as string },
    "AWS::KMS::Key": { Arn: () => `arn:aws:kms:${region}:${account}:key/${name}`, KeyId: () => name },
    "AWS::SecretsManager::Secret": { Id: () => name },
    "AWS::Lambda::Function": { Arn: () => `arn:aws:lambda:${region}:${account}:function:${name}` },
    "AWS::ECR::Repository": { Arn: () => `arn:aws:ecr:${region}:${account}:repository/${name}` },
  };
  const fn = known[String(resource.Type)]?.[attr];
  if (fn !== undefined) return fn();
  return unresolved(
    expr,
    `the attribute ${attr} of ${id} is only known once it is deployed; write the value itself (or an Fn::Sub of parameters)`,
  );
}

function substitute(text: string, vars: Record<string, unknown>, r: Resolver): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    // `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    const key = name.trim();
    let v: unknown;
    if (key in vars) v = vars[key];
    else if (key.includes(".") && !key.startsWith("AWS::")) {
      const [id, attr] = getAttArgument(key);
      v = getAtt([id, attr], r, { "Fn::GetAtt": [id, attr] });
    } else v = refValue(key, r, { Ref: key });
    if (typeof v === "string" || typeof v === "number") return String(v);
    missing = true;
    return whole;
  });
  return missing ? undefined : out;
}

/** True when a resolved value holds something unresolved anywhere inside it. */
export function holdsUnresolved(value: unknown, depth = 0): boolean {
  if (depth > 60 || typeof value !== "object" || value === null) return false;
  if (unresolvedValues.has(value)) return true;
  if (Array.isArray(value)) return value.some((v) => holdsUnresolved(v, depth + 1));
  return Object.values(value).some((v) => holdsUnresolved(v, depth + 1));
}

function dynamicReference(value: string): boolean {
  return value.includes("{{resolve:");
}

function resolveValue(value: unknown, r: Resolver, depth: number): unknown {
  if (depth > 60) return value;
  if (typeof value === "string" && dynamicReference(value)) {
    return unresolved(
      { "{{resolve}}": value },
      "a dynamic reference is read from SSM or Secrets Manager at deploy time; write the value itself",
    );
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const v = resolveValue(item, r, depth + 1);
      if (v !== NO_VALUE) out.push(v);
    }
    return out;
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) {
    return intrinsic(keys[0], value[keys[0]], value, r, depth);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = resolveValue(value[key], r, depth + 1);
    if (v !== NO_VALUE) out[key] = v;
  }
  return out;
}

function intrinsic(
  fn: string,
  arg: unknown,
  expr: Record<string, unknown>,
  r: Resolver,
  depth: number,
): unknown {
  const again = (v: unknown) => resolveValue(v, r, depth + 1);
  const cannot = (why: string) => unresolved(expr, why);
  switch (fn) {
    case "Ref":
      return typeof arg === "string" ? refValue(arg, r, expr) : cannot("Ref takes a name");
    case "Fn::If": {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string") {
        return cannot("Fn::If takes [condition, value if true, value if false]");
      }
      const holds = r.conditions.get(arg[0]);
      if (holds === undefined) return cannot(`declare the condition ${JSON.stringify(arg[0])}`);
      return again(holds ? arg[1] : arg[2]);
    }
    case "Fn::Sub": {
      const [text, varsRaw] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
      if (typeof text !== "string") return cannot("Fn::Sub takes a string");
      const vars = varsRaw === undefined ? {} : again(varsRaw);
      const out = substitute(text, isRecord(vars) ? vars : {}, r);
      return out ?? cannot(unresolvedHint(text, isRecord(vars) ? vars : {}, r));
    }
    case "Fn::Join": {
      if (!Array.isArray(arg) || typeof arg[0] !== "string")
        return cannot("Fn::Join takes [delimiter, list]");
      const parts = again(arg[1]);
      if (Array.isArray(parts) && parts.every((p) => typeof p === "string" || typeof p === "number")) {
        return parts.join(arg[0]);
      }
      return cannot(firstHint(parts) ?? "Fn::Join needs a list of strings");
    }
    case "Fn::Select": {
      if (!Array.isArray(arg) || arg.length !== 2) return cannot("Fn::Select takes [index, list]");
      const index = Number(again(arg[0]));
      const list = again(arg[1]);
      if (Array.isArray(list) && Number.isInteger(index) && index >= 0 && index < list.length) {
        return list[index];
      }
      return cannot(firstHint(list) ?? "Fn::Select's index is outside the list");
    }
    case "Fn::Split": {
      if (!Array.isArray(arg) || typeof arg[0] !== "string")
        return cannot("Fn::Split takes [delimiter, string]");
      const text = again(arg[1]);
      if (typeof text === "string") return text.split(arg[0]);
      return cannot(firstHint(text) ?? "Fn::Split needs a string");
    }
    case "Fn::FindInMap": {
      if (!Array.isArray(arg) || arg.length < 3) return cannot("Fn::FindInMap takes [map, key, key]");
      const [map, top, second] = arg.slice(0, 3).map(again);
      const options = isRecord(arg[3]) ? arg[3] : {};
      const mappings = isRecord(r.template.Mappings) ? r.template.Mappings : {};
      const m = typeof map === "string" ? mappings[map] : undefined;
      const level = isRecord(m) && typeof top === "string" ? m[top] : undefined;
      const found = isRecord(level) && typeof second === "string" ? level[second] : undefined;
      if (found !== undefined) return again(found);
      if ("DefaultValue" in options) return again(options.DefaultValue);
      return cannot(
        firstHint([map, top, second]) ??
          `the mapping ${JSON.stringify(map)} has no entry ${JSON.stringify(top)}.${JSON.stringify(second)}`,
      );
    }
    case "Fn::GetAtt":
      return getAtt(arg, r, expr);
    case "Fn::ImportValue": {
      const name = again(arg);
      if (typeof name === "string" && r.ctx.imports !== undefined && name in r.ctx.imports) {
        return r.ctx.imports[name];
      }
      return cannot(
        typeof name === "string"
          ? `give the export's value in the pack config cloudFormationImports: {${JSON.stringify(name)}: "<value>"}`
          : (firstHint(name) ?? "Fn::ImportValue needs an export name"),
      );
    }
    case "Fn::GetAZs":
      return [`${r.ctx.region ?? THIS_REGION}a`, `${r.ctx.region ?? THIS_REGION}b`];
    case "Fn::Base64": {
      const inner = again(arg);
      return typeof inner === "string" ? inner : cannot(firstHint(inner) ?? "Fn::Base64 needs a string");
    }
    case "Fn::Length": {
      const list = again(arg);
      return Array.isArray(list) ? list.length : cannot(firstHint(list) ?? "Fn::Length needs a list");
    }
    case "Fn::ToJsonString": {
      const inner = again(arg);
      return holdsUnresolved(inner)
        ? cannot(firstHint(inner) ?? "Fn::ToJsonString of an unresolved value")
        : JSON.stringify(inner);
    }
    case "Fn::Cidr":
      return ["(cidr)"];
    case "Fn::Transform":
      return cannot(
        "a macro only runs at deploy time; check the processed template (aws cloudformation get-template --template-stage Processed)",
      );
    default:
      return cannot(`${fn} is not a function CloudFormation knows`);
  }
}

/** The first thing inside a value that could not be resolved, as advice. */
function firstHint(value: unknown, depth = 0): string | undefined {
  if (depth > 60 || typeof value !== "object" || value === null) return undefined;
  const u = unresolvedValues.get(value);
  if (u !== undefined) return u.provide;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const h = firstHint(v, depth + 1);
    if (h !== undefined) return h;
  }
  return undefined;
}

function unresolvedHint(text: string, vars: Record<string, unknown>, r: Resolver): string {
  for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
    const key = m[1].trim();
    const v = key in vars ? vars[key] : key.includes(".") ? undefined : refValue(key, r, { Ref: key });
    const hint = firstHint(v);
    if (hint !== undefined) return hint;
  }
  return "a ${...} in Fn::Sub could not be resolved";
}

/** Three-valued condition evaluation; `atoms` decides the comparisons that cannot be told offline. */
function evaluateConditions(
  template: Record<string, unknown>,
  base: Omit<Resolver, "conditions">,
  atoms: ReadonlyMap<string, boolean>,
  undecidedAtoms: Set<string>,
): Map<string, boolean | undefined> {
  const declared = isRecord(template.Conditions) ? template.Conditions : {};
  const values = new Map<string, boolean | undefined>();
  const evaluating = new Set<string>();
  const r: Resolver = { ...base, conditions: new Map() };
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
    if (typeof expr === "string") return expr === "true" ? true : expr === "false" ? false : undefined;
    if (!isRecord(expr)) return undefined;
    const [key] = Object.keys(expr);
    const arg = expr[key];
    const args = Array.isArray(arg) ? arg : [];
    switch (key) {
      case "Condition":
        return typeof arg === "string" ? byName(arg) : undefined;
      case "Fn::Equals": {
        const [a, b] = args.map((v) => resolveValue(v, r, 0));
        const scalar = (v: unknown) =>
          typeof v === "string" || typeof v === "number" || typeof v === "boolean";
        if (scalar(a) && scalar(b) && !undecidable(a) && !undecidable(b)) return String(a) === String(b);
        const atom = JSON.stringify(args);
        undecidedAtoms.add(atom);
        return atoms.get(atom);
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
  /** Stand-ins for the account or region are not values a comparison can be decided on. */
  const undecidable = (v: unknown) =>
    typeof v === "string" && (v.includes(THIS_ACCOUNT) || v.includes(THIS_REGION) || v.includes("(stack-"));
  for (const name of Object.keys(declared)) byName(name);
  return values;
}

/**
 * Resolves a template for one stack: every variant (combination of undecidable conditions), each
 * with its resources (those whose `Condition` holds), properties resolved.
 */
export function resolveTemplate(template: Record<string, unknown>, ctx: TemplateContext): ResolvedTemplate {
  const parameters = { ...templateDefaults(template), ...(ctx.parameters ?? {}) };
  const declaredParameters = isRecord(template.Parameters) ? template.Parameters : {};
  const resources: Record<string, Record<string, unknown>> = {};
  if (isRecord(template.Resources)) {
    for (const [id, res] of Object.entries(template.Resources)) if (isRecord(res)) resources[id] = res;
  }
  const names = new Map<string, string>();
  const base = { ctx, template, parameters, declaredParameters, resources, names };
  const naming: Resolver = { ...base, conditions: new Map() };
  for (const [id, res] of Object.entries(resources)) names.set(id, physicalName(id, res, naming));

  // First pass: which comparisons cannot be decided; then every combination of them.
  const atomsSeen = new Set<string>();
  evaluateConditions(template, base, new Map(), atomsSeen);
  const atomList = [...atomsSeen];
  const max = Math.max(1, ctx.maxVariants ?? 64);
  const bits = Math.min(atomList.length, Math.floor(Math.log2(max)));
  const truncated = atomList.length > bits;
  const seen = new Set<string>();
  const found: { conditions: Map<string, boolean>; resources: ResolvedResource[] }[] = [];
  for (let mask = 0; mask < 2 ** bits; mask++) {
    // Atoms past the cap keep one value (true): the variant set is then incomplete, and says so.
    const atoms = new Map(atomList.map((a, i) => [a, i < bits ? (mask & (2 ** i)) === 0 : true]));
    const conditions = new Map<string, boolean>();
    for (const [name, v] of evaluateConditions(template, base, atoms, new Set())) {
      if (v !== undefined) conditions.set(name, v);
    }
    const key = JSON.stringify([...conditions]);
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ conditions, resources: resolveResources(resources, { ...base, conditions }) });
  }
  const first = found[0].conditions;
  const undecided =
    found.length > 1
      ? [...first.keys()].filter((name) => found.some((f) => f.conditions.get(name) !== first.get(name)))
      : [];
  const variants = found.map(({ conditions, resources: resolved }): TemplateVariant => {
    if (undecided.length === 0) return { assumed: {}, resources: resolved };
    const assumed = Object.fromEntries(undecided.map((name) => [name, conditions.get(name) as boolean]));
    return {
      assumed,
      label: `when ${undecided.map((name) => `${name} is ${assumed[name]}`).join(", ")}`,
      resources: resolved,
    };
  });
  return { variants, undecided, truncated, parameters };
}

function resolveResources(
  resources: Record<string, Record<string, unknown>>,
  r: Resolver,
): ResolvedResource[] {
  const out: ResolvedResource[] = [];
  for (const [logicalId, res] of Object.entries(resources)) {
    if (typeof res.Condition === "string" && r.conditions.get(res.Condition) === false) continue;
    const properties = resolveValue(res.Properties ?? {}, r, 0);
    out.push({
      logicalId,
      type: typeof res.Type === "string" ? res.Type : "",
      properties: isRecord(properties) ? properties : {},
      ...(typeof res.DeletionPolicy === "string" ? { deletionPolicy: res.DeletionPolicy } : {}),
    });
  }
  return out;
}

/**
 * Parameters of a StackSet (or Stack) and one instance's overrides, as strings: `@pulumi/aws` gives
 * maps, CloudFormation and `@pulumi/aws-native` lists of `{ParameterKey, ParameterValue}`.
 */
export function parameterValues(...sources: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    if (Array.isArray(source)) {
      for (const p of source) {
        if (!isRecord(p)) continue;
        const key = field(p, "ParameterKey");
        const value = field(p, "ParameterValue");
        if (typeof key === "string" && key !== "") out[key] = scalar(value);
      }
    } else if (isRecord(source)) {
      for (const [k, v] of Object.entries(source)) {
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
        else if (Array.isArray(v)) out[k] = scalar(v);
      }
    }
  }
  return out;
}

function scalar(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.map(scalar).join(",");
  if (typeof v === "object") {
    try {
      return JSON.stringify(v) ?? "";
    } catch {
      return "";
    }
  }
  return String(v);
}

/** A property read case-insensitively (CloudFormation `PolicyDocument`, aws-native `policyDocument`). */
export function field(obj: unknown, name: string): unknown {
  if (!isRecord(obj)) return undefined;
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

/** An `AWS::IAM::Role` of a resolved template, as the trust and role rules read it. */
export interface TemplateRole {
  readonly logicalId: string;
  readonly roleName?: string;
  readonly trust: PolicyDocument;
  readonly managedPolicyArns: string[];
  readonly inlineDocs: PolicyDocument[];
  readonly maxSessionDuration?: number;
  readonly hasPermissionsBoundary: boolean;
}

export function templateRoleOf(logicalId: string, props: Record<string, unknown>): TemplateRole {
  const name = field(props, "RoleName");
  const max = field(props, "MaxSessionDuration");
  return {
    logicalId,
    roleName: typeof name === "string" ? name : undefined,
    trust: parsePolicyDocument(field(props, "AssumeRolePolicyDocument")),
    managedPolicyArns: asList(field(props, "ManagedPolicyArns")).filter(
      (v): v is string => typeof v === "string",
    ),
    inlineDocs: asList(field(props, "Policies"))
      .map((p) => field(p, "PolicyDocument"))
      .filter((p) => p !== undefined)
      .map((p) => parsePolicyDocument(p)),
    maxSessionDuration:
      typeof max === "number" ? max : typeof max === "string" && /^\d+$/.test(max) ? Number(max) : undefined,
    hasPermissionsBoundary: field(props, "PermissionsBoundary") !== undefined,
  };
}

/**
 * Every `AWS::IAM::Role` of a template in every variant, intrinsics resolved. `params` are the stack's
 * parameter values (over the template's defaults); `account` is the account it deploys into.
 */
export function templateRoles(
  template: Record<string, unknown>,
  params: Record<string, string>,
  account: string,
): TemplateRole[] {
  return resolveTemplate(template, { account, parameters: params }).variants.flatMap((v) =>
    v.resources
      .filter((r) => r.type === "AWS::IAM::Role")
      .map((r) => templateRoleOf(r.logicalId, r.properties)),
  );
}
