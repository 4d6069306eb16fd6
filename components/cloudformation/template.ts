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

/** A template parameter; every parameter of ours is a string with a default. */
export interface CfnParameter {
  readonly Type: "String";
  readonly Default: string;
  readonly Description?: string;
  readonly AllowedPattern?: string;
}

export interface CfnTemplate {
  readonly AWSTemplateFormatVersion: "2010-09-09";
  readonly Description?: string;
  readonly Parameters?: Record<string, CfnParameter>;
  readonly Conditions?: Record<string, CfnValue>;
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
  readonly rolePolicies?: Readonly<Record<string, PolicyDocument>>;
  /** What the role is for. */
  readonly description?: string;
  /** Longest session in seconds. */
  readonly maxSessionDuration?: number;
  /** Permissions boundary: an ARN, or an intrinsic such as `Fn::Sub` to resolve it per account. */
  readonly permissionsBoundary?: CfnValue;
  /**
   * Take the boundary from the template parameter {@link BOUNDARY_PARAMETER} (a policy name; empty
   * means none), so one template serves accounts with and without a boundary: each StackSet instance
   * passes its accounts' boundary as a parameter override. Excludes `permissionsBoundary`.
   */
  readonly boundaryFromParameter?: boolean;
  /** Keep the role when its stack instance is removed. */
  readonly retain?: boolean;
  /** Tags on the role. */
  readonly tags?: Record<string, string>;
}

/** The template parameter naming the target account's permissions boundary policy (empty: none). */
export const BOUNDARY_PARAMETER = "PermissionsBoundaryPolicyName";
/** The condition that is true when {@link BOUNDARY_PARAMETER} is set. */
export const BOUNDARY_CONDITION = "HasPermissionsBoundary";

/** The parameter and condition a template with {@link CfnRoleSpec.boundaryFromParameter} declares. */
export function boundaryParameterSections(): Pick<Required<CfnTemplate>, "Parameters" | "Conditions"> {
  return {
    Parameters: {
      [BOUNDARY_PARAMETER]: {
        Type: "String",
        Default: "",
        Description: "Name of the permissions boundary policy in the target account; empty for none",
        // IAM policy names; the empty string turns the boundary off.
        AllowedPattern: "^[\\w+=,.@-]{0,128}$",
      },
    },
    Conditions: {
      [BOUNDARY_CONDITION]: { "Fn::Not": [{ "Fn::Equals": [{ Ref: BOUNDARY_PARAMETER }, ""] }] },
    },
  };
}

/**
 * The role's `PermissionsBoundary` when the parameter names one: the policy of that name in the
 * account the stack instance runs in (the same ARN a provider-created role gets), else no property.
 */
export const PARAMETERISED_BOUNDARY: CfnValue = {
  "Fn::If": [
    BOUNDARY_CONDITION,
    { "Fn::Sub": `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/\${${BOUNDARY_PARAMETER}}` },
    { Ref: "AWS::NoValue" },
  ],
};

/** An `AWS::IAM::Role` resource. */
export function iamRoleResource(spec: CfnRoleSpec): CfnResource {
  assertPlain(spec.trustPolicy, `trust policy of ${spec.roleName}`);
  if (spec.boundaryFromParameter === true && spec.permissionsBoundary !== undefined) {
    throw new Error(
      `org-access: role ${spec.roleName} sets both permissionsBoundary and boundaryFromParameter; choose one`,
    );
  }
  const tags = Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const properties: Record<string, unknown> = {
    RoleName: spec.roleName,
    AssumeRolePolicyDocument: spec.trustPolicy,
    // A template's role carries its managed policies inline: CloudFormation has no attachment resource.
    ManagedPolicyArns: [...spec.managedPolicies],
    MaxSessionDuration: spec.maxSessionDuration ?? 3600,
  };
  const inline = Object.entries(spec.rolePolicies ?? {});
  for (const [name, document] of inline) assertPlain(document, `inline policy ${name} of ${spec.roleName}`);
  if (inline.length > 0) {
    properties.Policies = inline.map(([PolicyName, PolicyDocument]) => ({ PolicyName, PolicyDocument }));
  }
  if (spec.description !== undefined) properties.Description = spec.description;
  if (spec.permissionsBoundary !== undefined) properties.PermissionsBoundary = spec.permissionsBoundary;
  if (spec.boundaryFromParameter === true) properties.PermissionsBoundary = PARAMETERISED_BOUNDARY;
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
    ...(spec.boundaryFromParameter === true ? boundaryParameterSections() : {}),
    Resources: { Role: iamRoleResource(spec) },
    Outputs: {
      RoleArn: { Description: `ARN of ${spec.roleName}`, Value: { "Fn::GetAtt": ["Role", "Arn"] } },
    },
  };
}

/** What an `AWS::IAM::ManagedPolicy` of a template is made of. */
export interface CfnManagedPolicySpec {
  /** The policy's IAM name, the same in every account. */
  readonly policyName: string;
  /** The document; strings may hold `${AWS::AccountId}` (see {@link perAccountDocument}). */
  readonly document: CfnValue;
  /** What the policy is for. */
  readonly description?: string;
  /** Keep the policy when its stack instance is removed. */
  readonly retain?: boolean;
}

/** Stands for the target account's ID in a document built for every account at once. */
export const TEMPLATE_ACCOUNT_ID = "${AWS::AccountId}";

/**
 * Turns a policy document built with {@link TEMPLATE_ACCOUNT_ID} as the account ID into a template
 * value: each string naming the account becomes an `Fn::Sub`, so every stack instance gets the
 * document a provider would create in that account. Other `${` (IAM policy variables) are escaped.
 */
export function perAccountDocument(document: object): CfnValue {
  assertPlain(document, "per-account policy document");
  const convert = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (!value.includes(TEMPLATE_ACCOUNT_ID)) return value;
      const escaped = value
        .split(TEMPLATE_ACCOUNT_ID)
        .map((part) => part.replace(/\$\{/g, "${!"))
        .join(TEMPLATE_ACCOUNT_ID);
      return { "Fn::Sub": escaped };
    }
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    }
    return value;
  };
  return convert(document) as CfnValue;
}

/** An `AWS::IAM::ManagedPolicy` resource. */
export function managedPolicyResource(spec: CfnManagedPolicySpec): CfnResource {
  const properties: Record<string, unknown> = {
    ManagedPolicyName: spec.policyName,
    PolicyDocument: spec.document,
  };
  if (spec.description !== undefined) properties.Description = spec.description;
  return {
    Type: "AWS::IAM::ManagedPolicy",
    Properties: properties,
    ...(spec.retain === true ? { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" } : {}),
  };
}

/** A template holding one managed policy (logical ID `Policy`) and its ARN as output `PolicyArn`. */
export function managedPolicyTemplate(
  spec: CfnManagedPolicySpec & { readonly templateDescription?: string },
): CfnTemplate {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    ...(spec.templateDescription === undefined ? {} : { Description: spec.templateDescription }),
    Resources: { Policy: managedPolicyResource(spec) },
    Outputs: {
      // `Ref` of an AWS::IAM::ManagedPolicy is its ARN.
      PolicyArn: { Description: `ARN of ${spec.policyName}`, Value: { Ref: "Policy" } },
    },
  };
}

/**
 * Every parameter a template declares, with its default: a StackSet sets each one explicitly, since
 * CloudFormation reports the defaults as the StackSet's parameters and a refresh would otherwise find
 * a diff on every run (terraform-provider-aws internal/service/cloudformation/stack_set.go
 * `resourceStackSetRead` reads `parameters` back from DescribeStackSet with `flattenAllParameters`,
 * every parameter; commit 01e31657e16f7079f81fb3709122005855f20ab1). Setting it also avoids
 * CreateStackSet's "Parameters: [X] must have values" for a parameter whose default is empty and
 * that gets no value (boto/botocore issue #1597, cdklabs/cdk-stacksets issue #115).
 */
export function parameterDefaults(template: CfnTemplate): Record<string, string> {
  return Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([key, p]) => [key, p.Default]));
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
