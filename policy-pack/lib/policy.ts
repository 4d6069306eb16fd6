import {
  EnforcementLevel,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ConfigKey, PackConfig, configSchema, readConfig } from "./config";

/**
 * Small constructors for the pack's policies: each rule is a pure function from a resource (or the
 * stack) and its config to violation messages, so the CLI, the offline plan and the unit tests call
 * exactly what the Pulumi policy runtime calls.
 */

export interface ResourceRule {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  /** Config properties this rule reads (its `configSchema`). */
  readonly config: ConfigKey[];
  /** Resource types the rule looks at; every other type is left alone. */
  readonly types: readonly string[];
  readonly check: (args: ResourceValidationArgs, cfg: PackConfig) => string[];
}

export function resourcePolicy(rule: ResourceRule): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchema(...rule.config),
    validateResource: (args, reportViolation) => {
      if (!rule.types.includes(args.type)) return;
      const cfg = readConfig(args.getConfig());
      for (const message of rule.check(args, cfg)) reportViolation(message);
    },
  };
}

export interface StackViolation {
  readonly message: string;
  readonly urn?: string;
}

export interface StackRule {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly config: ConfigKey[];
  readonly check: (
    resources: PolicyResource[],
    cfg: PackConfig,
    args: StackValidationArgs,
  ) => StackViolation[];
}

export function stackPolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchema(...rule.config),
    validateStack: (args, reportViolation) => {
      const cfg = readConfig(args.getConfig());
      for (const v of rule.check(args.resources, cfg, args)) reportViolation(v.message, v.urn);
    },
  };
}

/** A string prop, or undefined (never throws on malformed values; unknown values still surface). */
export function stringProp(props: Record<string, unknown>, name: string): string | undefined {
  const v = props[name];
  return typeof v === "string" ? v : undefined;
}

/** Resource types the pack reads. */
export const TYPES = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  user: "aws:iam/user:User",
  accessKey: "aws:iam/accessKey:AccessKey",
  userLoginProfile: "aws:iam/userLoginProfile:UserLoginProfile",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  kmsKey: "aws:kms/key:Key",
  kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
  cfnStack: "aws:cloudformation/stack:Stack",
  cfnStackSet: "aws:cloudformation/stackSet:StackSet",
  cfnStackSetInstance: "aws:cloudformation/stackSetInstance:StackSetInstance",
  organizationsPolicy: "aws:organizations/policy:Policy",
  awsProvider: "pulumi:providers:aws",
} as const;
