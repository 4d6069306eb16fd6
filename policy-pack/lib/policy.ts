import {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ConfigKey, PackConfig, configSchema, readConfig } from "./config";
import { checkEquivalents, mergeScoped, stackScopes } from "./coverage";

import { TYPES } from "./types";

export { TYPES };

/** Resources whose template holds resources of its own. */
const TEMPLATE_CONTAINERS: readonly string[] = [TYPES.cfnStack, TYPES.cfnStackSet];

/**
 * A rule of the pack, declared once: its name, one-sentence description, default level, the config
 * it reads, the resource types it judges and its check, together. The rule registry
 * (`rules/index.ts`) lists these; the Pulumi policies (`policyOf`), the config a stack's pack runs
 * with, `policy:check` and the generated rule table are derived from them. Each check is a pure
 * function from a resource (or the stack) and its config to violation messages, so the CLI, the
 * offline plan and the unit tests call exactly what the Pulumi policy runtime calls.
 */
export interface RuleDeclaration<N extends string = string> {
  /** The policy name users see in findings and key their `--policy-pack-config` entries by. */
  readonly name: N;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  /** Config properties this rule reads (its `configSchema`, with `cloudFormationImports` where templates are read). */
  readonly config: readonly ConfigKey[];
}

/** What a rule judging each resource declares. */
export interface ResourceRuleDeclaration<N extends string = string> extends RuleDeclaration<N> {
  /**
   * Canonical `@pulumi/aws` types the rule judges. Resources that stand for them (aws-native,
   * CloudFormation template resources, inline policies; see equivalents.ts) are judged too.
   */
  readonly types: readonly string[];
  readonly check: (args: ResourceValidationArgs, cfg: PackConfig) => string[];
}

export interface ResourceRule<N extends string = string> extends ResourceRuleDeclaration<N> {
  readonly kind: "resource";
}

export interface StackViolation {
  readonly message: string;
  readonly urn?: string;
}

/** What a rule judging the stack's resources together declares. */
export interface StackRuleDeclaration<N extends string = string> extends RuleDeclaration<N> {
  /**
   * Canonical types the rule reads, when it should also see what stands for them: the stack's
   * aws-native resources and attachments as canonical ones, and each CloudFormation template variant
   * as its own set of resources (findings then name the template). Without it the rule sees the
   * stack's resources only.
   */
  readonly types?: readonly string[];
  readonly check: (
    resources: PolicyResource[],
    cfg: PackConfig,
    args: StackValidationArgs,
  ) => StackViolation[];
}

export interface StackRule<N extends string = string> extends StackRuleDeclaration<N> {
  readonly kind: "stack";
}

export type Rule = ResourceRule | StackRule;

/** Declares a rule that judges each resource of the types it names. */
export function resourceRule<N extends string>(rule: ResourceRuleDeclaration<N>): ResourceRule<N> {
  return { kind: "resource", ...rule };
}

/** Declares a rule that judges the stack's resources together. */
export function stackRule<N extends string>(rule: StackRuleDeclaration<N>): StackRule<N> {
  return { kind: "stack", ...rule };
}

/**
 * Every config property a rule's policy declares: the ones it reads, and `cloudFormationImports`
 * wherever it reads templates (every resource rule, and stack rules that see what stands for their
 * types), since a template's `Fn::ImportValue` is resolved from it.
 */
export function configKeysOf(rule: Rule): ConfigKey[] {
  const templates = rule.kind === "resource" || rule.types !== undefined;
  return [
    ...new Set<ConfigKey>([...rule.config, ...(templates ? (["cloudFormationImports"] as const) : [])]),
  ];
}

/** The Pulumi policy a rule stands for. */
export function policyOf(rule: ResourceRule): ResourceValidationPolicy;
export function policyOf(rule: StackRule): StackValidationPolicy;
export function policyOf(rule: Rule): ResourceValidationPolicy | StackValidationPolicy;
export function policyOf(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  return rule.kind === "resource" ? resourcePolicy(rule) : stackPolicy(rule);
}

function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchema(...configKeysOf(rule)),
    validateResource: (args, reportViolation) => {
      const cfg = readConfig(args.getConfig());
      if (rule.types.includes(args.type)) {
        for (const message of rule.check(args, cfg)) reportViolation(message);
        // A template's own Stacks and StackSets are judged as such too.
        const nested = rule.types.filter((t) => TEMPLATE_CONTAINERS.includes(t));
        if (nested.length === 0 || !TEMPLATE_CONTAINERS.includes(args.type)) return;
        for (const message of checkEquivalents(args, nested, cfg, (a) => rule.check(a, cfg))) {
          reportViolation(message);
        }
        return;
      }
      for (const message of checkEquivalents(args, rule.types, cfg, (a) => rule.check(a, cfg))) {
        reportViolation(message);
      }
    },
  };
}

function stackPolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchema(...configKeysOf(rule)),
    validateStack: (args, reportViolation) => {
      const cfg = readConfig(args.getConfig());
      if (rule.types === undefined) {
        for (const v of rule.check(args.resources, cfg, args)) reportViolation(v.message, v.urn);
        return;
      }
      const { own, scopes } = stackScopes(args.resources, rule.types, cfg);
      for (const v of rule.check(own, cfg, args)) reportViolation(v.message, v.urn);
      const scoped = scopes.flatMap((scope) =>
        rule.check(scope.resources, cfg, args).map((v) => ({
          label: scope.label,
          message: v.message,
          variant: scope.variant,
          variants: scope.variants,
          urn: scope.urn,
        })),
      );
      for (const v of mergeScoped(scoped)) reportViolation(v.message, v.urn);
    },
  };
}

/** A string prop, or undefined (never throws on malformed values; unknown values still surface). */
export function stringProp(props: Record<string, unknown>, name: string): string | undefined {
  const v = props[name];
  return typeof v === "string" ? v : undefined;
}

/** A string prop, or undefined when it is missing, not a string or unknown during preview. */
export function knownString(props: Record<string, unknown>, name: string): string | undefined {
  try {
    return stringProp(props, name);
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") return undefined;
    throw e;
  }
}
