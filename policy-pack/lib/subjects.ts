import { ResourceValidationArgs } from "@pulumi/policy";
import { ACCOUNT_ID, providerAccount } from "./accounts";
import { PolicyDocument, asList, parsePolicyDocument } from "./document";
import { TYPES } from "./types";

/**
 * What a canonical `@pulumi/aws` resource means to the rules: the resource policy it puts on a
 * resource (with the resource's account), or the long-lived credential it creates. Resources that
 * are not documents (a Lambda permission, a KMS grant, a layer permission) become the statement AWS
 * stores for them, so the resource-policy checks judge them like any policy.
 */

export type ResourcePolicyService = "s3" | "kms" | "sqs" | "sns" | "secretsmanager" | "ecr" | "lambda";

export interface ResourcePolicySubject {
  readonly doc: PolicyDocument;
  /** How messages name the policy: `bucket policy`, `queue policy`, `Lambda permission`, ... */
  readonly what: string;
  readonly service: ResourcePolicyService;
  /** The resource's account, from its provider. */
  readonly ownAccount?: string;
  /** True for a KMS key policy (its key administration statement has a rule of its own). */
  readonly keyPolicy: boolean;
}

const DOCUMENT_TYPES: Record<string, { what: string; service: ResourcePolicyService }> = {
  [TYPES.bucketPolicy]: { what: "bucket policy", service: "s3" },
  [TYPES.accessPointPolicy]: { what: "access point policy", service: "s3" },
  [TYPES.kmsKey]: { what: "key policy", service: "kms" },
  [TYPES.kmsKeyPolicy]: { what: "key policy", service: "kms" },
  [TYPES.queuePolicy]: { what: "queue policy", service: "sqs" },
  [TYPES.topicPolicy]: { what: "topic policy", service: "sns" },
  [TYPES.secretPolicy]: { what: "secret policy", service: "secretsmanager" },
  [TYPES.ecrRepositoryPolicy]: { what: "repository policy", service: "ecr" },
  [TYPES.ecrPublicRepositoryPolicy]: { what: "public repository policy", service: "ecr" },
  [TYPES.ecrRegistryPolicy]: { what: "registry policy", service: "ecr" },
  [TYPES.lambdaResourcePolicy]: { what: "function policy", service: "lambda" },
};

/** Every type that puts a resource policy (or a statement of one) on a resource. */
export const RESOURCE_POLICY_TYPES: readonly string[] = [
  ...Object.keys(DOCUMENT_TYPES),
  TYPES.lambdaPermission,
  TYPES.layerVersionPermission,
  TYPES.kmsGrant,
];

/**
 * The principal element Lambda writes for a permission's `principal`: `*`, an account (ID or root ARN)
 * as `{"AWS": "arn:aws:iam::<id>:root"}`, a service (`*.amazonaws.com`) as `{"Service": ...}`.
 */
function lambdaPrincipal(principal: unknown): unknown {
  if (typeof principal !== "string") return { AWS: principal };
  const p = principal.trim();
  if (p === "*") return "*";
  if (ACCOUNT_ID.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (/\.amazonaws\.com(\.cn)?$/.test(p) || /^[a-z0-9-]+\.amazon\.com$/.test(p)) return { Service: p };
  return { AWS: p };
}

function compactCondition(
  blocks: [string, string, unknown][],
): Record<string, Record<string, unknown>> | undefined {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [operator, key, value] of blocks) {
    if (value === undefined || value === null || value === "") continue;
    (out[operator] ??= {})[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A one-statement policy: the grant a permission resource stands for. */
function grantPolicy(
  sid: unknown,
  fallbackSid: string,
  principal: unknown,
  action: unknown,
  resource: unknown,
  condition: Record<string, Record<string, unknown>> | undefined,
): unknown {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: typeof sid === "string" ? sid : fallbackSid,
        Effect: "Allow",
        Principal: principal,
        Action: action,
        Resource: resource ?? "*",
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  };
}

/**
 * The statement `lambda:AddPermission` stores in the function policy: the principal, the action, and
 * a condition for each of `sourceArn` (`ArnLike AWS:SourceArn`), `sourceAccount` (`StringEquals
 * AWS:SourceAccount`), `principalOrgId` (`StringEquals aws:PrincipalOrgID`) and `functionUrlAuthType`
 * (AWS Lambda Developer Guide, "Viewing resource-based IAM policies in Lambda", and the AddPermission
 * API reference).
 */
function lambdaPermissionDocument(p: Record<string, unknown>): unknown {
  const condition = compactCondition([
    ["ArnLike", "AWS:SourceArn", p.sourceArn],
    ["StringEquals", "AWS:SourceAccount", p.sourceAccount],
    ["StringEquals", "aws:PrincipalOrgID", p.principalOrgId],
    ["StringEquals", "lambda:FunctionUrlAuthType", p.functionUrlAuthType],
    ["StringEquals", "lambda:EventSourceToken", p.eventSourceToken],
  ]);
  return grantPolicy(
    p.statementId,
    "Permission",
    lambdaPrincipal(p.principal),
    p.action,
    p.function,
    condition,
  );
}

/** A layer version permission: `principal` is `*` or an account ID, narrowed by `organizationId`. */
function layerPermissionDocument(p: Record<string, unknown>): unknown {
  const condition = compactCondition([["StringEquals", "aws:PrincipalOrgID", p.organizationId]]);
  return grantPolicy(
    p.statementId,
    "LayerPermission",
    lambdaPrincipal(p.principal),
    p.action,
    p.layerName,
    condition,
  );
}

/**
 * A grant as the statement it stands for: the grantee principal may call the granted operations on
 * the key, within the grant's encryption-context constraints (AWS KMS Developer Guide, "Grants in AWS
 * KMS": a grant allows the grantee principal to use the key in the operations it lists).
 */
function grantDocument(p: Record<string, unknown>): unknown {
  const constraints = asList(p.constraints).filter(
    (c): c is Record<string, unknown> => typeof c === "object" && c !== null,
  );
  const equals: Record<string, unknown> = {};
  // Both constraint kinds require the listed pairs in the request's encryption context.
  for (const c of constraints) {
    for (const field of ["encryptionContextEquals", "encryptionContextSubset"]) {
      const ctx = c[field];
      if (typeof ctx !== "object" || ctx === null) continue;
      for (const [k, v] of Object.entries(ctx)) equals[`kms:EncryptionContext:${k}`] = v;
    }
  }
  return grantPolicy(
    p.name,
    "Grant",
    { AWS: p.granteePrincipal },
    asList(p.operations).map((o) => (typeof o === "string" ? `kms:${o}` : o)),
    p.keyId,
    Object.keys(equals).length === 0 ? undefined : { StringEquals: equals },
  );
}

/** The resource policy a canonical resource carries, or undefined (no policy, or not such a type). */
export function resourcePolicySubject(
  args: Pick<ResourceValidationArgs, "type" | "props" | "provider">,
): ResourcePolicySubject | undefined {
  const ownAccount = providerAccount(args.provider);
  const known = DOCUMENT_TYPES[args.type];
  if (known !== undefined) {
    const policy = args.props.policy;
    if (policy === undefined || policy === null || policy === "") return undefined; // a key without one gets AWS's default
    return {
      doc: parsePolicyDocument(policy),
      ...known,
      ownAccount,
      keyPolicy: known.service === "kms",
    };
  }
  const p = args.props;
  switch (args.type) {
    case TYPES.lambdaPermission:
      return {
        doc: parsePolicyDocument(lambdaPermissionDocument(p)),
        what: "Lambda permission",
        service: "lambda",
        ownAccount,
        keyPolicy: false,
      };
    case TYPES.layerVersionPermission:
      return {
        doc: parsePolicyDocument(layerPermissionDocument(p)),
        what: "layer permission",
        service: "lambda",
        ownAccount,
        keyPolicy: false,
      };
    case TYPES.kmsGrant:
      return {
        doc: parsePolicyDocument(grantDocument(p)),
        what: "KMS grant",
        service: "kms",
        ownAccount,
        keyPolicy: false,
      };
  }
  return undefined;
}

export type CredentialKind =
  | "user"
  | "access key"
  | "console password"
  | "service-specific credential"
  | "signing certificate"
  | "SSH public key";

export interface CredentialSubject {
  readonly kind: CredentialKind;
  /** The IAM user it belongs to, when set as a plain string. */
  readonly user?: string;
  /** For a service-specific credential, the service it signs in to. */
  readonly service?: string;
}

const CREDENTIALS: Record<string, { kind: CredentialKind; userKey: string }> = {
  [TYPES.user]: { kind: "user", userKey: "name" },
  [TYPES.accessKey]: { kind: "access key", userKey: "user" },
  [TYPES.userLoginProfile]: { kind: "console password", userKey: "user" },
  [TYPES.serviceSpecificCredential]: { kind: "service-specific credential", userKey: "userName" },
  [TYPES.signingCertificate]: { kind: "signing certificate", userKey: "userName" },
  [TYPES.sshKey]: { kind: "SSH public key", userKey: "username" },
};

/** Every type that creates an IAM user or a long-lived credential of one. */
export const CREDENTIAL_TYPES: readonly string[] = Object.keys(CREDENTIALS);

/** The long-lived credential a canonical resource creates, or undefined. */
export function credentialSubject(
  args: Pick<ResourceValidationArgs, "type" | "props">,
): CredentialSubject | undefined {
  const known = CREDENTIALS[args.type];
  if (known === undefined) return undefined;
  const user = args.props[known.userKey];
  const service = args.props.serviceName;
  return {
    kind: known.kind,
    user: typeof user === "string" ? user : undefined,
    service: typeof service === "string" ? service : undefined,
  };
}
