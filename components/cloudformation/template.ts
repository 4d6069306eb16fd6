import { PolicyDocument } from "../iam/documents";

/**
 * A small typed CloudFormation template builder. StackSet templates are generated from the same
 * typed trust-policy builders as the program's own roles and serialised as JSON (which CloudFormation
 * accepts), so a rolled-out role can never drift from the code that reviews and tests it.
 */

/** A CloudFormation value: a literal or an intrinsic function such as `{ "Fn::Sub": "..." }`. */
export type CfnValue = string | number | boolean | { readonly [intrinsic: string]: unknown };

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  /** `Retain` keeps the physical resource when the stack (or a StackSet instance) is deleted. */
  readonly DeletionPolicy?: "Delete" | "Retain";
  readonly UpdateReplacePolicy?: "Delete" | "Retain";
}

export interface CfnTemplate {
  readonly AWSTemplateFormatVersion: "2010-09-09";
  readonly Description?: string;
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Description?: string; readonly Value: CfnValue }>;
}

/** What an `AWS::IAM::Role` of a template is made of. */
export interface CfnRoleSpec {
  /** The role's IAM name, the same in every account. */
  readonly roleName: string;
  /** The trust policy, from a builder of `iam/trust.ts`; plain strings only (a template has no Outputs). */
  readonly trustPolicy: PolicyDocument;
  /** Full ARNs of the managed policies to attach. */
  readonly managedPolicies: readonly string[];
  /** Inline policies by name (the role's `Policies`); plain documents only. */
  readonly inlinePolicies?: Readonly<Record<string, PolicyDocument>>;
  /** What the role is for. */
  readonly description?: string;
  /** Longest session in seconds. */
  readonly maxSessionDuration?: number;
  /** Permissions boundary: an ARN, or an intrinsic such as `Fn::Sub` to resolve it per account. */
  readonly permissionsBoundary?: CfnValue;
  /** Keep the role when its stack instance is removed. */
  readonly retain?: boolean;
  /** Tags on the role. */
  readonly tags?: Record<string, string>;
}

/** An `AWS::IAM::Role` resource. */
export function iamRoleResource(spec: CfnRoleSpec): CfnResource {
  assertPlain(spec.trustPolicy, `trust policy of ${spec.roleName}`);
  const tags = Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const properties: Record<string, unknown> = {
    RoleName: spec.roleName,
    AssumeRolePolicyDocument: spec.trustPolicy,
    // A template's role carries its managed policies inline: CloudFormation has no attachment resource.
    ManagedPolicyArns: [...spec.managedPolicies],
    MaxSessionDuration: spec.maxSessionDuration ?? 3600,
  };
  const inline = Object.entries(spec.inlinePolicies ?? {});
  for (const [name, document] of inline) assertPlain(document, `inline policy ${name} of ${spec.roleName}`);
  if (inline.length > 0) {
    properties.Policies = inline.map(([PolicyName, PolicyDocument]) => ({ PolicyName, PolicyDocument }));
  }
  if (spec.description !== undefined) properties.Description = spec.description;
  if (spec.permissionsBoundary !== undefined) properties.PermissionsBoundary = spec.permissionsBoundary;
  if (tags.length > 0) properties.Tags = tags;
  return {
    Type: "AWS::IAM::Role",
    Properties: properties,
    ...(spec.retain === true ? { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" } : {}),
  };
}

/** A template holding one role (logical ID `Role`) and its ARN as output `RoleArn`. */
export function roleTemplate(spec: CfnRoleSpec & { readonly templateDescription?: string }): CfnTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    ...(spec.templateDescription === undefined ? {} : { Description: spec.templateDescription }),
    Resources: { Role: iamRoleResource(spec) },
    Outputs: {
      RoleArn: { Description: `ARN of ${spec.roleName}`, Value: { "Fn::GetAtt": ["Role", "Arn"] } },
    },
  };
}

/** Maximum `templateBody` size CloudFormation accepts, in bytes. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/** Serialises a template as stable, readable JSON; throws when it is too large for `templateBody`. */
export function renderTemplate(template: CfnTemplate): string {
  const body = JSON.stringify(template, null, 2);
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(
      `org-access: CloudFormation template is ${bytes} bytes; templateBody takes at most ${MAX_TEMPLATE_BODY_BYTES}`,
    );
  }
  return body;
}

/**
 * Templates are plain text: a value that is still a Pulumi Output (an ARN of a resource of this
 * program) would serialise as a placeholder. Builders of StackSet roles must pass literal strings.
 */
function assertPlain(value: unknown, what: string, path = ""): void {
  if (value === null || value === undefined) return;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlain(v, what, `${path}[${i}]`));
    return;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new Error(
        `org-access: ${what} has a non-literal value at ${path || "(root)"}; StackSet templates need plain strings (derive ARNs with naming.roleArn)`,
      );
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      assertPlain(v, what, `${path}.${k}`);
    return;
  }
  throw new Error(`org-access: ${what} has an unsupported value at ${path || "(root)"}`);
}
