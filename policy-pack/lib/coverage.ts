import { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { ADVERSARY } from "./adversary";
import { ACCOUNT_ID, providerAccount } from "./accounts";
import { unresolvedOf } from "./cloudformation";
import { PackConfig } from "./config";
import { Equivalent, ResourceLike, equivalentsOf, mayStandFor } from "./equivalents";

/**
 * Runs a rule written for canonical `@pulumi/aws` types on everything that stands for them
 * (`equivalents.ts`): aws-native resources, inline policies, CloudFormation template resources (per
 * variant of the template, nested StackSets included). Messages name the template resource and, when
 * a finding holds in some variants only, the conditions of those variants.
 *
 * A template value that cannot be resolved offline is never taken as safe: the rule runs once with
 * each such value replaced by a harmless stand-in (a principal of the same account, the
 * organization's own ID, ...) and once by a hostile one (a principal of another account, `*`). What
 * the harmless run reports is reported; when the hostile run reports more, the verdict depends on the
 * unknown value and the rule says it could not verify the resource, and what to provide.
 */

/** How deep templates nest (a Stack whose template holds a StackSet whose template holds ...). */
const MAX_DEPTH = 3;

const PRINCIPAL_KEYS = new Set(["principal", "notprincipal", "granteeprincipal", "retiringprincipal"]);
const ACCOUNT_KEYS = new Set([
  "aws:principalaccount",
  "aws:sourceaccount",
  "aws:resourceaccount",
  "kms:calleraccount",
  "sourceaccount",
]);

interface Stand {
  readonly own: string;
  readonly ownDigits: string;
  readonly other: string;
  readonly orgId: string;
}

function standIns(cfg: PackConfig, own: string | undefined): Stand {
  const ownDigits = own !== undefined && ACCOUNT_ID.test(own) ? own : "000000000001";
  const candidates = [...cfg.organizationAccountIds, cfg.managementAccountId].filter(
    (a): a is string => a !== undefined && a !== own,
  );
  return {
    own: own ?? ownDigits,
    ownDigits,
    other: candidates[0] ?? "000000000002",
    orgId: cfg.organizationId ?? "o-unresolved00",
  };
}

type Mode = "harmless" | "hostile";

/** The value standing for an unresolved one, from where it sits (the keys above it). */
function standIn(path: readonly string[], mode: Mode, s: Stand, original: unknown): unknown {
  const lower = path.map((k) => k.toLowerCase());
  if (lower.some((k) => PRINCIPAL_KEYS.has(k))) {
    return mode === "harmless" ? `arn:aws:iam::${s.own}:role/unresolved` : `arn:aws:iam::${s.other}:root`;
  }
  const last = lower[lower.length - 1];
  if (last === "effect") return mode === "harmless" ? "Deny" : "Allow";
  const at = lower.lastIndexOf("condition");
  const key = at >= 0 ? lower[at + 2] : last;
  if (mode === "hostile") {
    // The value an adversary's request carries (a wildcard where that is all a value can admit),
    // or, under a negated operator, a value the adversary's request never matches.
    if (at >= 0 && (lower[at + 1] ?? "").includes("not")) return "unresolved-hostile";
    if (key === "aws:principalorgid") return ADVERSARY.organizationId;
    if (key !== undefined && ACCOUNT_KEYS.has(key)) return ADVERSARY.account;
    return "*";
  }
  if (key === "aws:principalorgid") return s.orgId;
  if (key !== undefined && ACCOUNT_KEYS.has(key)) return s.ownDigits;
  return at >= 0 ? "unresolved" : original;
}

function bind(value: unknown, mode: Mode, s: Stand, path: string[], depth = 0): unknown {
  if (depth > 60 || typeof value !== "object" || value === null) return value;
  if (unresolvedOf(value) !== undefined) return standIn(path, mode, s, value);
  if (Array.isArray(value)) return value.map((v) => bind(v, mode, s, path, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = bind(v, mode, s, [...path, k], depth + 1);
  return out;
}

/** The unresolved values inside a resource's props, once each. */
function unresolvedIn(value: unknown, out = new Map<string, string>(), depth = 0): Map<string, string> {
  if (depth > 60 || typeof value !== "object" || value === null) return out;
  const u = unresolvedOf(value);
  if (u !== undefined) {
    out.set(u.expression, u.provide);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) unresolvedIn(v, out, depth + 1);
  return out;
}

interface Labelled {
  readonly label: string;
  readonly message: string;
  readonly variant?: string;
  readonly variants: number;
}

/**
 * Joins findings of several variants: a finding of every variant is reported once, without its
 * conditions; a finding of some variants names them. Findings repeated within one variant stay repeated.
 */
function merge(found: Labelled[]): string[] {
  const byText = new Map<
    string,
    { label: string; message: string; perVariant: Map<string | undefined, number>; of: number }
  >();
  for (const f of found) {
    const key = `${f.label}\u0000${f.message}`;
    let entry = byText.get(key);
    if (entry === undefined) {
      entry = { label: f.label, message: f.message, perVariant: new Map(), of: f.variants };
      byText.set(key, entry);
    }
    entry.perVariant.set(f.variant, (entry.perVariant.get(f.variant) ?? 0) + 1);
  }
  return [...byText.values()].flatMap((e) => {
    const variants = [...e.perVariant.keys()].filter((v): v is string => v !== undefined);
    const partial = e.of > 1 && variants.length > 0 && variants.length < e.of;
    const label = partial ? `${e.label} (${variants.join("; ")})` : e.label;
    const text = label === "" ? e.message : `${label}: ${e.message}`;
    return Array.from({ length: Math.max(...e.perVariant.values()) }, () => text);
  });
}

function joinLabel(outer: string, inner: string): string {
  return outer === "" ? inner : inner === "" ? outer : `${outer} › ${inner}`;
}

/** The provider as the policy runtime hands it over (type, name and URN always set). */
function providerOf(eq: ResourceLike): ResourceValidationArgs["provider"] {
  const provider = eq.provider;
  if (provider === undefined) return undefined;
  return {
    type: provider.type ?? "pulumi:providers:aws",
    name: provider.name ?? "provider",
    urn: provider.urn ?? `${eq.urn}::provider`,
    props: provider.props,
  };
}

function argsFor(
  eq: ResourceLike,
  base: ResourceValidationArgs,
  props: Record<string, unknown>,
): ResourceValidationArgs {
  return {
    ...base,
    type: eq.type,
    name: eq.name,
    urn: eq.urn,
    props,
    opts: { ...base.opts, protect: eq.opts?.protect === true },
    provider: providerOf(eq),
    isType: () => false,
    asType: (() => undefined) as ResourceValidationArgs["asType"],
  };
}

/**
 * Messages of `check` (a rule over canonical `types`) for everything `args`' resource stands for.
 * Empty when the resource stands for none of those types.
 */
export function checkEquivalents(
  args: ResourceValidationArgs,
  types: readonly string[],
  cfg: PackConfig,
  check: (args: ResourceValidationArgs) => string[],
): string[] {
  if (!mayStandFor(args.type, types)) return [];
  const found: Labelled[] = [];
  const visit = (
    r: ResourceLike,
    outer: string,
    depth: number,
    variant: string | undefined,
    variants: number,
  ) => {
    for (const eq of equivalentsOf(r, { imports: cfg.cloudFormationImports })) {
      const label = joinLabel(outer, eq.label);
      const v = eq.variant ?? variant;
      const n = eq.variants ?? variants;
      if (types.includes(eq.type)) {
        for (const message of checkOne(eq, args, cfg, check))
          found.push({ label, message, variant: v, variants: n });
      } else if (depth < MAX_DEPTH && mayStandFor(eq.type, types)) {
        visit(eq, label, depth + 1, v, n);
      }
    }
  };
  visit(
    {
      type: args.type,
      name: args.name,
      urn: args.urn,
      props: args.props,
      provider: args.provider,
      opts: args.opts,
    },
    "",
    1,
    undefined,
    1,
  );
  return merge(found);
}

function checkOne(
  eq: Equivalent,
  base: ResourceValidationArgs,
  cfg: PackConfig,
  check: (args: ResourceValidationArgs) => string[],
): string[] {
  if (!eq.unresolved) return check(argsFor(eq, base, eq.props));
  const s = standIns(cfg, providerAccount(eq.provider));
  const harmless = check(argsFor(eq, base, bind(eq.props, "harmless", s, []) as Record<string, unknown>));
  const hostile = check(argsFor(eq, base, bind(eq.props, "hostile", s, []) as Record<string, unknown>));
  const known = new Set(harmless);
  const extra = hostile.filter((m) => !known.has(m));
  if (extra.length === 0) return harmless;
  const unknowns = [...unresolvedIn(eq.props)];
  return [
    ...harmless,
    `could not verify: ${unknowns.map(([expr]) => expr).join(", ")} cannot be resolved offline, and the verdict depends on ${unknowns.length === 1 ? "it" : "them"}: with a hostile value (a principal of another account, or "*"), this rule reports: ${extra[0]} To verify it, ${[...new Set(unknowns.map(([, provide]) => provide))].join("; ")}.`,
  ];
}

/** A stack policy's view of equivalents: the stack's own resources, and each template variant apart. */
export interface StackScopes {
  /** The stack's resources and what they stand for in the stack itself (aws-native, attachments). */
  readonly own: PolicyResource[];
  /** Each template variant: its resources, and the Stack/StackSet resource the findings belong to. */
  readonly scopes: {
    readonly label: string;
    readonly urn: string;
    readonly resources: PolicyResource[];
    readonly variant?: string;
    readonly variants: number;
  }[];
}

function policyResource(eq: ResourceLike, base?: PolicyResource): PolicyResource {
  return {
    type: eq.type,
    name: eq.name,
    urn: eq.urn,
    props: eq.props,
    opts: {
      protect: eq.opts?.protect === true,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...(base?.opts.parent === undefined ? {} : { parent: base.opts.parent }),
    },
    provider: providerOf(eq),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: (() => undefined) as PolicyResource["asType"],
  };
}

interface Where {
  readonly key?: string;
  readonly label: string;
  readonly variant?: string;
  readonly variants: number;
}

/** The resources a stack rule reading `types` sees: the stack's own (with equivalents) and every template scope. */
export function stackScopes(
  resources: PolicyResource[],
  types: readonly string[],
  cfg: PackConfig,
): StackScopes {
  const own: PolicyResource[] = [...resources];
  const scopes = new Map<string, StackScopes["scopes"][number]>();
  const visit = (r: ResourceLike, root: string, outer: Where, depth: number) => {
    if (!mayStandFor(r.type, types)) return;
    for (const eq of equivalentsOf(r, { imports: cfg.cloudFormationImports })) {
      const where: Where =
        eq.scope === undefined
          ? outer
          : {
              key: `${root}|${eq.scope}`,
              label: joinLabel(outer.label, `Template of ${JSON.stringify(r.name)}`),
              variant: eq.variant,
              variants: eq.variants ?? 1,
            };
      if (types.includes(eq.type)) {
        if (where.key === undefined) own.push(policyResource(eq));
        else {
          let scope = scopes.get(where.key);
          if (scope === undefined) {
            scope = {
              label: where.label,
              urn: root,
              resources: [],
              variant: where.variant,
              variants: where.variants,
            };
            scopes.set(where.key, scope);
          }
          scope.resources.push(policyResource(eq));
        }
      }
      if (depth < MAX_DEPTH) visit(eq, root, where, depth + 1);
    }
  };
  for (const r of resources) visit(r, r.urn, { label: "", variants: 1 }, 1);
  return { own, scopes: [...scopes.values()] };
}

/** Joins the stack findings of several template variants (see {@link merge}). */
export function mergeScoped(
  found: { label: string; message: string; variant?: string; variants: number; urn?: string }[],
): { message: string; urn?: string }[] {
  const byUrn = new Map<string | undefined, Labelled[]>();
  for (const f of found) {
    const list = byUrn.get(f.urn) ?? [];
    list.push(f);
    byUrn.set(f.urn, list);
  }
  return [...byUrn].flatMap(([urn, list]) => merge(list).map((message) => ({ message, urn })));
}
