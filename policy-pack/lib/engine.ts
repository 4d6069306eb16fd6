import {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
  UnknownValueError,
  unknownCheckingProxy,
} from "@pulumi/policy";
import { allPolicies } from "../rules";
import { OrgFacts, PolicyPackConfigFile, reconcilePackConfig } from "./pack-config";

/**
 * The pack, in process: every resource and stack policy run through the same `validateResource` and
 * `validateStack` functions the Pulumi policy runtime calls, with arguments built the way it builds
 * them (props behind `unknownCheckingProxy`, `stackTags`, a throwing `notApplicable`), and config
 * reconciled the way the CLI reconciles it. The CLI (`npm run policy:check`) and tests call this.
 */

export interface EngineResource {
  readonly type: string;
  readonly name: string;
  /** Defaults to `urn:pulumi:offline::org-access::<type>::<name>`. */
  readonly urn?: string;
  readonly props: Record<string, unknown>;
  /** The resource's provider; its `props` are the provider's inputs (`allowedAccountIds`, `assumeRoles`). */
  readonly provider?: {
    readonly type?: string;
    readonly name?: string;
    readonly urn?: string;
    readonly props: Record<string, unknown>;
  };
  readonly opts?: { readonly protect?: boolean; readonly parent?: string };
}

export interface Finding {
  readonly policy: string;
  readonly enforcementLevel: Exclude<EnforcementLevel, "disabled">;
  /** The resource's name (the stack's name for a stack finding without a resource). */
  readonly resource: string;
  readonly urn?: string;
  readonly message: string;
}

export interface CheckOptions {
  /** `--policy-pack-config` file contents. */
  readonly config?: PolicyPackConfigFile;
  /** Org facts applied to every policy that reads them (the file's own values win). */
  readonly org?: OrgFacts;
  /** Run the stack policies too (default true). */
  readonly stack?: boolean;
  /** Policies to run (default: the whole pack). */
  readonly policies?: Policies;
}

class NotApplicable extends Error {}

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "not applicable");
};

function urnOf(r: EngineResource): string {
  return r.urn ?? `urn:pulumi:offline::org-access::${r.type}::${r.name}`;
}

function optionsOf(r: EngineResource): PolicyResourceOptions {
  return {
    protect: r.opts?.protect === true,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.opts?.parent === undefined ? {} : { parent: r.opts.parent }),
  };
}

function providerOf(r: EngineResource) {
  if (!r.provider) return undefined;
  return {
    type: r.provider.type ?? "pulumi:providers:aws",
    name: r.provider.name ?? "provider",
    urn:
      r.provider.urn ??
      `urn:pulumi:offline::org-access::pulumi:providers:aws::${r.provider.name ?? "provider"}`,
    props: unknownCheckingProxy(r.provider.props ?? {}) as Record<string, unknown>,
  };
}

type TypeCheck = { new (...args: never[]): unknown } & {
  __pulumiType?: string;
  isInstance?: (o: unknown) => boolean;
};

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const c = resourceClass as TypeCheck;
  if (typeof c.__pulumiType === "string") return c.__pulumiType === type;
  return typeof c.isInstance === "function" && c.isInstance({ __pulumiType: type }) === true;
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

function settle(result: unknown, policy: string): void {
  if (result !== undefined && typeof (result as Promise<void>).then === "function") {
    throw new Error(`policy ${policy} returned a promise; the in-process engine runs synchronous rules only`);
  }
}

/** Runs the pack over resources; findings come in policy order per resource, then the stack's. */
export function checkResources(resources: readonly EngineResource[], options: CheckOptions = {}): Finding[] {
  const policies = options.policies ?? allPolicies;
  const { config, errors } = reconcilePackConfig(policies, options.config, options.org);
  if (errors.length > 0) throw new Error(`invalid policy pack config: ${errors.join("; ")}`);
  const findings: Finding[] = [];
  const stackTags: ReadonlyMap<string, string> = new Map();

  const run = (
    policy: string,
    level: Finding["enforcementLevel"],
    resource: string,
    urn: string | undefined,
    fn: () => void,
  ) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof NotApplicable) return;
      if (e instanceof UnknownValueError) {
        findings.push({
          policy,
          enforcementLevel: "advisory",
          resource,
          urn,
          message: `can't run policy '${policy}' during preview: ${(e as Error).message}`,
        });
        return;
      }
      throw new Error(`policy ${policy} failed on ${resource}: ${(e as Error).stack ?? String(e)}`);
    }
  };

  for (const r of resources) {
    const urn = urnOf(r);
    for (const p of policies) {
      if (isStackPolicy(p) || !p.validateResource) continue;
      const c = config[p.name];
      if (c.enforcementLevel === "disabled") continue;
      const level = c.enforcementLevel === "remediate" ? "mandatory" : c.enforcementLevel;
      const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      for (const validate of validations) {
        run(p.name, level, r.name, urn, () => {
          const props = unknownCheckingProxy(r.props ?? {}) as Record<string, unknown>;
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn,
            name: r.name,
            opts: optionsOf(r),
            provider: providerOf(r),
            stackTags,
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) =>
              isTypeOf(r.type, cls) ? props : undefined) as ResourceValidationArgs["asType"],
            getConfig: <T extends object>() => ({ ...c.properties }) as T,
            notApplicable: throwNotApplicable,
          };
          settle(
            validate(args, (message, violationUrn) =>
              findings.push({
                policy: p.name,
                enforcementLevel: level,
                resource: r.name,
                urn: violationUrn ?? urn,
                message,
              }),
            ),
            p.name,
          );
        });
      }
    }
  }

  if (options.stack === false) return findings;
  const byUrn = new Map<string, string>(resources.map((r) => [urnOf(r), r.name]));
  for (const p of policies) {
    if (!isStackPolicy(p)) continue;
    const c = config[p.name];
    if (c.enforcementLevel === "disabled") continue;
    const level = c.enforcementLevel === "remediate" ? "mandatory" : c.enforcementLevel;
    run(p.name, level, "stack", undefined, () => {
      const policyResources: PolicyResource[] = resources.map((r) => {
        const props = unknownCheckingProxy(r.props ?? {}) as Record<string, unknown>;
        return {
          type: r.type,
          props,
          urn: urnOf(r),
          name: r.name,
          opts: optionsOf(r),
          provider: providerOf(r),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls) => isTypeOf(r.type, cls),
          asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
      });
      const args: StackValidationArgs = {
        resources: policyResources,
        stackTags,
        getConfig: <T extends object>() => ({ ...c.properties }) as T,
        notApplicable: throwNotApplicable,
      };
      settle(
        p.validateStack(args, (message, urn) =>
          findings.push({
            policy: p.name,
            enforcementLevel: level,
            resource: (urn !== undefined ? byUrn.get(urn) : undefined) ?? "stack",
            urn,
            message,
          }),
        ),
        p.name,
      );
    });
  }
  return findings;
}

/** True when a finding blocks a deployment. */
export function isMandatory(f: Finding): boolean {
  return f.enforcementLevel === "mandatory" || f.enforcementLevel === "remediate";
}
