import { THIS_ACCOUNT, providerAccount } from "./accounts";
import {
  field,
  holdsUnresolved,
  parameterValues,
  parseTemplate,
  resolveTemplate,
  ResolvedResource,
  stripBom,
} from "./cloudformation";
import { asList, rethrowUnknown } from "./document";
import { TYPES } from "./types";

/**
 * The canonical `@pulumi/aws` resources a resource stands for. The pack's rules judge canonical
 * types only (`aws:iam/role:Role`, `aws:s3/bucketPolicy:BucketPolicy`, ...); everything that carries
 * the same trust policy, resource policy, identity policy or credential in another shape is turned
 * into them here, so one rule covers every form:
 *
 * - `@pulumi/aws-native` resources (`aws-native:iam:Role` with an object `assumeRolePolicyDocument`, ...)
 *   and the resources inside CloudFormation templates (`AWS::IAM::Role`, ...) share one translation:
 *   aws-native's properties are CloudFormation's, camel-cased (pulumi/pulumi-aws-native
 *   `aws-cloudformation-schema/*.json`), so properties are read case-insensitively.
 * - a CloudFormation Stack or StackSet (`@pulumi/aws`, aws-native, or nested in a template) stands for
 *   every resource of its template, resolved by `cloudformation.ts`, once per variant of the
 *   conditions that cannot be decided offline;
 * - inline `policy` inputs (`aws.s3.Bucket`, `aws.sqs.Queue`, `aws.sns.Topic`,
 *   `aws.secretsmanager.Secret`) stand for the policy resource of that service;
 * - attachments of many targets (`aws.iam.PolicyAttachment`, `*PolicyAttachmentsExclusive`) stand for
 *   one attachment per target.
 */

/** What the pack knows of a resource: the fields of `ResourceValidationArgs`/`PolicyResource` it reads. */
export interface ResourceLike {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly provider?: {
    readonly type?: string;
    readonly name?: string;
    readonly urn?: string;
    readonly props: Record<string, unknown>;
  };
  readonly opts?: { readonly protect?: boolean; readonly parent?: string };
}

export interface Equivalent extends ResourceLike {
  /** How messages name it (`Template role "Audit" (AuditRole)`); empty when it is the resource itself. */
  readonly label: string;
  /** One template variant: the resources that exist together. Undefined for the stack's own resources. */
  readonly scope?: string;
  /** `when UseOrgCondition is false`: the variant of the template it belongs to. */
  readonly variant?: string;
  /** Number of variants of its template (1 when every condition could be decided). */
  readonly variants?: number;
  /** True when its props hold a value the template left unresolved. */
  readonly unresolved: boolean;
}

export interface TranslateOptions {
  /** `Fn::ImportValue` values, by export name (pack config `cloudFormationImports`). */
  readonly imports?: Readonly<Record<string, string>>;
}

type Canonical = { readonly type: string; readonly name: string; readonly props: Record<string, unknown> };

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

const list = (v: unknown): unknown[] => asList(v);

/** CloudFormation `Policies: [{PolicyName, PolicyDocument}]`. */
function inlinePolicies(props: unknown): { name: unknown; policy: unknown }[] {
  return list(field(props, "Policies"))
    .filter((p) => typeof p === "object" && p !== null)
    .map((p) => ({ name: field(p, "PolicyName"), policy: field(p, "PolicyDocument") }));
}

function nameOf(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" ? v : fallback;
}

/**
 * CloudFormation resource types (and aws-native, whose properties are the same camel-cased) as the
 * canonical resources they stand for. `id` is the logical ID (or resource name), `account` the
 * account it is created in.
 */
const CFN: Record<
  string,
  { produces: readonly string[]; to: (p: unknown, id: string, account: string) => Canonical[] }
> = {
  "AWS::IAM::Role": {
    produces: [TYPES.role],
    to: (p, id) => [
      {
        type: TYPES.role,
        name: id,
        props: compact({
          name: field(p, "RoleName"),
          path: field(p, "Path"),
          assumeRolePolicy: field(p, "AssumeRolePolicyDocument"),
          managedPolicyArns: field(p, "ManagedPolicyArns"),
          inlinePolicies: inlinePolicies(p).length > 0 ? inlinePolicies(p) : undefined,
          maxSessionDuration: numberish(field(p, "MaxSessionDuration")),
          permissionsBoundary: field(p, "PermissionsBoundary"),
          description: field(p, "Description"),
        }),
      },
    ],
  },
  "AWS::IAM::User": {
    produces: [TYPES.user, TYPES.userPolicy, TYPES.userPolicyAttachment, TYPES.userLoginProfile],
    to: (p, id) => {
      const user = nameOf(field(p, "UserName"), id);
      return [
        {
          type: TYPES.user,
          name: id,
          props: compact({ name: field(p, "UserName") ?? user, path: field(p, "Path") }),
        },
        ...inlinePolicies(p).map((ip, i) => ({
          type: TYPES.userPolicy,
          name: `${id}-policy-${i}`,
          props: compact({ user, name: ip.name, policy: ip.policy }),
        })),
        ...list(field(p, "ManagedPolicyArns")).map((arn, i) => ({
          type: TYPES.userPolicyAttachment,
          name: `${id}-attachment-${i}`,
          props: { user, policyArn: arn },
        })),
        ...(field(p, "LoginProfile") === undefined
          ? []
          : [{ type: TYPES.userLoginProfile, name: `${id}-login-profile`, props: { user } }]),
      ];
    },
  },
  "AWS::IAM::Group": {
    produces: [TYPES.groupPolicy, TYPES.groupPolicyAttachment],
    to: (p, id) => {
      const group = nameOf(field(p, "GroupName"), id);
      return [
        ...inlinePolicies(p).map((ip, i) => ({
          type: TYPES.groupPolicy,
          name: `${id}-policy-${i}`,
          props: compact({ group, name: ip.name, policy: ip.policy }),
        })),
        ...list(field(p, "ManagedPolicyArns")).map((arn, i) => ({
          type: TYPES.groupPolicyAttachment,
          name: `${id}-attachment-${i}`,
          props: { group, policyArn: arn },
        })),
      ];
    },
  },
  "AWS::IAM::AccessKey": {
    produces: [TYPES.accessKey],
    to: (p, id) => [{ type: TYPES.accessKey, name: id, props: compact({ user: field(p, "UserName") }) }],
  },
  "AWS::IAM::ServiceSpecificCredential": {
    produces: [TYPES.serviceSpecificCredential],
    to: (p, id) => [
      {
        type: TYPES.serviceSpecificCredential,
        name: id,
        props: compact({ userName: field(p, "UserName"), serviceName: field(p, "ServiceName") }),
      },
    ],
  },
  "AWS::IAM::ManagedPolicy": {
    produces: [
      TYPES.policy,
      TYPES.rolePolicyAttachment,
      TYPES.userPolicyAttachment,
      TYPES.groupPolicyAttachment,
    ],
    to: (p, id, account) => {
      const name = nameOf(field(p, "ManagedPolicyName"), id);
      const path = nameOf(field(p, "Path"), "/");
      const arn = `arn:aws:iam::${account}:policy${path}${name}`;
      return [
        {
          type: TYPES.policy,
          name: id,
          props: compact({ name, path, policy: field(p, "PolicyDocument"), arn }),
        },
        ...attachments(p, id, arn),
      ];
    },
  },
  "AWS::IAM::Policy": {
    produces: [TYPES.rolePolicy, TYPES.userPolicy, TYPES.groupPolicy],
    to: (p, id) => inlineTo(p, id, field(p, "PolicyName"), field(p, "PolicyDocument")),
  },
  "AWS::IAM::RolePolicy": {
    produces: [TYPES.rolePolicy],
    to: (p, id) => [
      {
        type: TYPES.rolePolicy,
        name: id,
        props: compact({
          role: field(p, "RoleName"),
          name: field(p, "PolicyName"),
          policy: field(p, "PolicyDocument"),
        }),
      },
    ],
  },
  "AWS::IAM::UserPolicy": {
    produces: [TYPES.userPolicy],
    to: (p, id) => [
      {
        type: TYPES.userPolicy,
        name: id,
        props: compact({
          user: field(p, "UserName"),
          name: field(p, "PolicyName"),
          policy: field(p, "PolicyDocument"),
        }),
      },
    ],
  },
  "AWS::IAM::GroupPolicy": {
    produces: [TYPES.groupPolicy],
    to: (p, id) => [
      {
        type: TYPES.groupPolicy,
        name: id,
        props: compact({
          group: field(p, "GroupName"),
          name: field(p, "PolicyName"),
          policy: field(p, "PolicyDocument"),
        }),
      },
    ],
  },
  "AWS::Organizations::Policy": {
    produces: [TYPES.organizationsPolicy],
    to: (p, id) => [
      {
        type: TYPES.organizationsPolicy,
        name: id,
        props: compact({ name: field(p, "Name"), type: field(p, "Type"), content: field(p, "Content") }),
      },
    ],
  },
  "AWS::S3::BucketPolicy": {
    produces: [TYPES.bucketPolicy],
    to: (p, id) => [
      {
        type: TYPES.bucketPolicy,
        name: id,
        props: compact({ bucket: field(p, "Bucket"), policy: field(p, "PolicyDocument") }),
      },
    ],
  },
  "AWS::S3::AccessPoint": {
    produces: [TYPES.accessPointPolicy],
    to: (p, id) =>
      field(p, "Policy") === undefined
        ? []
        : [
            {
              type: TYPES.accessPointPolicy,
              name: id,
              props: { accessPointArn: field(p, "Name") ?? id, policy: field(p, "Policy") },
            },
          ],
  },
  "AWS::KMS::Key": {
    produces: [TYPES.kmsKey],
    to: (p, id) => [
      {
        type: TYPES.kmsKey,
        name: id,
        props: compact({ policy: field(p, "KeyPolicy"), description: field(p, "Description") }),
      },
    ],
  },
  "AWS::KMS::ReplicaKey": {
    produces: [TYPES.kmsKey],
    to: (p, id) => [{ type: TYPES.kmsKey, name: id, props: compact({ policy: field(p, "KeyPolicy") }) }],
  },
  "AWS::SQS::QueuePolicy": {
    produces: [TYPES.queuePolicy],
    to: (p, id) =>
      list(field(p, "Queues")).map((q, i) => ({
        type: TYPES.queuePolicy,
        name: i === 0 ? id : `${id}-${i}`,
        props: { queueUrl: q, policy: field(p, "PolicyDocument") },
      })),
  },
  "AWS::SQS::QueueInlinePolicy": {
    produces: [TYPES.queuePolicy],
    to: (p, id) => [
      {
        type: TYPES.queuePolicy,
        name: id,
        props: { queueUrl: field(p, "Queue"), policy: field(p, "PolicyDocument") },
      },
    ],
  },
  "AWS::SNS::TopicPolicy": {
    produces: [TYPES.topicPolicy],
    to: (p, id) =>
      list(field(p, "Topics")).map((t, i) => ({
        type: TYPES.topicPolicy,
        name: i === 0 ? id : `${id}-${i}`,
        props: { arn: t, policy: field(p, "PolicyDocument") },
      })),
  },
  "AWS::SNS::TopicInlinePolicy": {
    produces: [TYPES.topicPolicy],
    to: (p, id) => [
      {
        type: TYPES.topicPolicy,
        name: id,
        props: { arn: field(p, "TopicArn"), policy: field(p, "PolicyDocument") },
      },
    ],
  },
  "AWS::SecretsManager::ResourcePolicy": {
    produces: [TYPES.secretPolicy],
    to: (p, id) => [
      {
        type: TYPES.secretPolicy,
        name: id,
        props: compact({
          secretArn: field(p, "SecretId"),
          policy: field(p, "ResourcePolicy"),
          blockPublicPolicy: field(p, "BlockPublicPolicy"),
        }),
      },
    ],
  },
  "AWS::ECR::Repository": {
    produces: [TYPES.ecrRepositoryPolicy],
    to: (p, id) =>
      field(p, "RepositoryPolicyText") === undefined
        ? []
        : [
            {
              type: TYPES.ecrRepositoryPolicy,
              name: id,
              props: {
                repository: field(p, "RepositoryName") ?? id,
                policy: field(p, "RepositoryPolicyText"),
              },
            },
          ],
  },
  "AWS::ECR::RegistryPolicy": {
    produces: [TYPES.ecrRegistryPolicy],
    to: (p, id) => [{ type: TYPES.ecrRegistryPolicy, name: id, props: { policy: field(p, "PolicyText") } }],
  },
  "AWS::Lambda::Permission": {
    produces: [TYPES.lambdaPermission],
    to: (p, id) => [
      {
        type: TYPES.lambdaPermission,
        name: id,
        props: compact({
          function: field(p, "FunctionName"),
          action: field(p, "Action"),
          principal: field(p, "Principal"),
          sourceAccount: field(p, "SourceAccount"),
          sourceArn: field(p, "SourceArn"),
          principalOrgId: field(p, "PrincipalOrgID"),
          functionUrlAuthType: field(p, "FunctionUrlAuthType"),
          eventSourceToken: field(p, "EventSourceToken"),
        }),
      },
    ],
  },
  "AWS::Lambda::LayerVersionPermission": {
    produces: [TYPES.layerVersionPermission],
    to: (p, id) => [
      {
        type: TYPES.layerVersionPermission,
        name: id,
        props: compact({
          layerName: field(p, "LayerVersionArn"),
          action: field(p, "Action"),
          principal: field(p, "Principal"),
          organizationId: field(p, "OrganizationId"),
        }),
      },
    ],
  },
  "AWS::CloudFormation::StackSet": {
    produces: [TYPES.cfnStackSet, TYPES.cfnStackSetInstance],
    to: (p, id) => {
      const name = nameOf(field(p, "StackSetName"), id);
      const body = field(p, "TemplateBody");
      const stackSet: Canonical = {
        type: TYPES.cfnStackSet,
        name: id,
        props: compact({
          name,
          templateBody: typeof body === "object" && body !== null ? JSON.stringify(body) : body,
          templateUrl: field(p, "TemplateURL"),
          parameters: parameterValues(field(p, "Parameters")),
          permissionModel: field(p, "PermissionModel"),
          callAs: field(p, "CallAs"),
        }),
      };
      const instances: Canonical[] = [];
      list(field(p, "StackInstancesGroup")).forEach((group, g) => {
        const targets = field(group, "DeploymentTargets");
        const regions = list(field(group, "Regions"));
        (regions.length > 0 ? regions : [undefined]).forEach((region, i) => {
          instances.push({
            type: TYPES.cfnStackSetInstance,
            name: `${id}-instances-${g}${regions.length > 1 ? `-${i}` : ""}`,
            props: compact({
              stackSetName: name,
              deploymentTargets: compact({
                accounts: field(targets, "Accounts"),
                organizationalUnitIds: field(targets, "OrganizationalUnitIds"),
                accountFilterType: field(targets, "AccountFilterType"),
              }),
              parameterOverrides: parameterValues(field(group, "ParameterOverrides")),
              stackSetInstanceRegion: region,
            }),
          });
        });
      });
      return [stackSet, ...instances];
    },
  },
  "AWS::CloudFormation::Stack": {
    produces: [TYPES.cfnStack],
    to: (p, id) => {
      const body = field(p, "TemplateBody");
      return [
        {
          type: TYPES.cfnStack,
          name: id,
          props: compact({
            name: field(p, "StackName") ?? id,
            templateBody: typeof body === "object" && body !== null ? JSON.stringify(body) : body,
            templateUrl: field(p, "TemplateURL"),
            parameters: parameterValues(field(p, "Parameters")),
          }),
        },
      ];
    },
  },
};

function numberish(v: unknown): unknown {
  return typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

/** The canonical types of what a policy does to each role, user and group it names (`Roles`, `Users`, `Groups`). */
const TARGETS = [
  { key: "Roles", prop: "role", attachment: TYPES.rolePolicyAttachment, inline: TYPES.rolePolicy },
  { key: "Users", prop: "user", attachment: TYPES.userPolicyAttachment, inline: TYPES.userPolicy },
  { key: "Groups", prop: "group", attachment: TYPES.groupPolicyAttachment, inline: TYPES.groupPolicy },
] as const;

/** One resource per role, user and group a policy names. */
function perTarget(
  p: unknown,
  id: string,
  make: (t: (typeof TARGETS)[number], target: unknown) => Pick<Canonical, "type" | "props">,
): Canonical[] {
  return TARGETS.flatMap((t) =>
    list(field(p, t.key)).map((target, i) => ({ ...make(t, target), name: `${id}-${t.prop}-${i}` })),
  );
}

/** One attachment per role, user and group a managed policy names. */
function attachments(p: unknown, id: string, arn: string): Canonical[] {
  return perTarget(p, id, (t, target) => ({
    type: t.attachment,
    props: { [t.prop]: target, policyArn: arn },
  }));
}

/** An inline policy given to roles, users and groups at once (`AWS::IAM::Policy`). */
function inlineTo(p: unknown, id: string, policyName: unknown, policy: unknown): Canonical[] {
  const out = perTarget(p, id, (t, target) => ({
    type: t.inline,
    props: compact({ [t.prop]: target, name: policyName, policy }),
  }));
  // A policy with no target is still a document to review.
  return out.length > 0
    ? out
    : [{ type: TYPES.rolePolicy, name: id, props: compact({ name: policyName, policy }) }];
}

/** aws-native modules as CloudFormation spells the service. */
const NATIVE_SERVICES: Record<string, string> = {
  iam: "IAM",
  s3: "S3",
  kms: "KMS",
  sqs: "SQS",
  sns: "SNS",
  secretsmanager: "SecretsManager",
  ecr: "ECR",
  lambda: "Lambda",
  cloudformation: "CloudFormation",
  organizations: "Organizations",
};

/** `aws-native:iam:Role` -> `AWS::IAM::Role`. */
export function cloudFormationTypeOf(nativeType: string): string | undefined {
  const m = /^aws-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(nativeType);
  if (!m) return undefined;
  const service = NATIVE_SERVICES[m[1]];
  return service === undefined ? undefined : `AWS::${service}::${m[2]}`;
}

/** Canonical resources standing for a classic resource that holds a policy inline or targets many. */
const CLASSIC: Record<
  string,
  { produces: readonly string[]; to: (p: Record<string, unknown>, name: string) => Canonical[] }
> = {
  [TYPES.bucket]: {
    produces: [TYPES.bucketPolicy],
    to: (p, name) => inline(p, TYPES.bucketPolicy, name, "bucket"),
  },
  [TYPES.bucketV2]: {
    produces: [TYPES.bucketPolicy],
    to: (p, name) => inline(p, TYPES.bucketPolicy, name, "bucket"),
  },
  [TYPES.queue]: {
    produces: [TYPES.queuePolicy],
    to: (p, name) => inline(p, TYPES.queuePolicy, name, "queueUrl"),
  },
  [TYPES.topic]: {
    produces: [TYPES.topicPolicy],
    to: (p, name) => inline(p, TYPES.topicPolicy, name, "arn"),
  },
  [TYPES.secret]: {
    produces: [TYPES.secretPolicy],
    to: (p, name) => inline(p, TYPES.secretPolicy, name, "secretArn"),
  },
  [TYPES.policyAttachment]: {
    produces: [TYPES.rolePolicyAttachment, TYPES.userPolicyAttachment, TYPES.groupPolicyAttachment],
    to: (p, name) => {
      const arn = p.policyArn;
      return [
        ...list(p.roles).map((role) => ({
          type: TYPES.rolePolicyAttachment,
          name,
          props: { role, policyArn: arn },
        })),
        ...list(p.users).map((user) => ({
          type: TYPES.userPolicyAttachment,
          name,
          props: { user, policyArn: arn },
        })),
        ...list(p.groups).map((group) => ({
          type: TYPES.groupPolicyAttachment,
          name,
          props: { group, policyArn: arn },
        })),
      ];
    },
  },
  [TYPES.rolePolicyAttachmentsExclusive]: {
    produces: [TYPES.rolePolicyAttachment],
    to: (p, name) =>
      list(p.policyArns).map((policyArn) => ({
        type: TYPES.rolePolicyAttachment,
        name,
        props: { role: p.roleName, policyArn },
      })),
  },
  [TYPES.userPolicyAttachmentsExclusive]: {
    produces: [TYPES.userPolicyAttachment],
    to: (p, name) =>
      list(p.policyArns).map((policyArn) => ({
        type: TYPES.userPolicyAttachment,
        name,
        props: { user: p.userName, policyArn },
      })),
  },
  [TYPES.groupPolicyAttachmentsExclusive]: {
    produces: [TYPES.groupPolicyAttachment],
    to: (p, name) =>
      list(p.policyArns).map((policyArn) => ({
        type: TYPES.groupPolicyAttachment,
        name,
        props: { group: p.groupName, policyArn },
      })),
  },
};

function inline(p: Record<string, unknown>, type: string, name: string, key: string): Canonical[] {
  const policy = p.policy;
  if (policy === undefined || policy === null || policy === "") return [];
  const target = p.bucket ?? p.name ?? name;
  return [{ type, name, props: { [key]: target, policy } }];
}

/** Types whose template stands for its resources (aws-native's become these first). */
const TEMPLATE_TYPES = new Set<string>([TYPES.cfnStack, TYPES.cfnStackSet]);

/** Every canonical type some resource can stand for (the rule of a type outside it needs no lookup). */
function producesOf(type: string): readonly string[] | "any" | undefined {
  if (TEMPLATE_TYPES.has(type)) return "any";
  const classic = CLASSIC[type];
  if (classic !== undefined) return classic.produces;
  const cfnType = cloudFormationTypeOf(type);
  if (cfnType === "AWS::CloudFormation::Stack" || cfnType === "AWS::CloudFormation::StackSet") return "any";
  return cfnType === undefined ? undefined : CFN[cfnType]?.produces;
}

/** True when a resource of `type` may stand for a resource of one of `wanted` (a cheap test, no props read). */
export function mayStandFor(type: string, wanted: readonly string[]): boolean {
  const produces = producesOf(type);
  if (produces === undefined) return false;
  return produces === "any" || produces.some((t) => wanted.includes(t));
}

/** The templates already resolved, by their text and what they are resolved for (bounded, oldest out). */
const resolvedTemplates = new Map<string, TemplateEquivalents>();
const RESOLVED_LIMIT = 256;

interface TemplateEquivalents {
  readonly variants: { readonly label?: string; readonly resources: ResolvedResource[] }[];
  /** Why the body cannot be read. */
  readonly problem?: string;
  /** True when not every combination of the undecidable conditions was enumerated. */
  readonly truncated?: boolean;
}

/** A Stack's or StackSet's template, resolved for the account and parameters it is deployed with. */
export function templateOf(
  body: unknown,
  account: string,
  parameters: Record<string, string>,
  imports: Readonly<Record<string, string>> | undefined,
): TemplateEquivalents | undefined {
  if (typeof body !== "string" || stripBom(body).trim() === "") return undefined;
  const key = JSON.stringify([body, account, parameters, imports ?? {}]);
  const known = resolvedTemplates.get(key);
  if (known !== undefined) return known;
  let result: TemplateEquivalents;
  try {
    const resolved = resolveTemplate(parseTemplate(body), { account, parameters, imports });
    result = { variants: resolved.variants, truncated: resolved.truncated };
  } catch (e) {
    rethrowUnknown(e);
    result = { variants: [], problem: (e as Error).message };
  }
  if (resolvedTemplates.size >= RESOLVED_LIMIT) {
    resolvedTemplates.delete(resolvedTemplates.keys().next().value as string);
  }
  resolvedTemplates.set(key, result);
  return result;
}

/** How messages name a template resource, and the property holding its IAM name. */
const KINDS: Record<string, { word: string; nameKey?: string }> = {
  "AWS::IAM::Role": { word: "role", nameKey: "RoleName" },
  "AWS::IAM::User": { word: "user", nameKey: "UserName" },
  "AWS::IAM::Group": { word: "group", nameKey: "GroupName" },
  "AWS::IAM::ManagedPolicy": { word: "managed policy", nameKey: "ManagedPolicyName" },
  "AWS::IAM::Policy": { word: "policy", nameKey: "PolicyName" },
  "AWS::IAM::RolePolicy": { word: "role policy", nameKey: "PolicyName" },
  "AWS::IAM::UserPolicy": { word: "user policy", nameKey: "PolicyName" },
  "AWS::IAM::GroupPolicy": { word: "group policy", nameKey: "PolicyName" },
  "AWS::IAM::AccessKey": { word: "access key" },
  "AWS::IAM::ServiceSpecificCredential": { word: "service-specific credential" },
  "AWS::Organizations::Policy": { word: "organization policy", nameKey: "Name" },
  "AWS::S3::BucketPolicy": { word: "bucket policy" },
  "AWS::S3::AccessPoint": { word: "access point" },
  "AWS::KMS::Key": { word: "KMS key" },
  "AWS::KMS::ReplicaKey": { word: "KMS replica key" },
  "AWS::SQS::QueuePolicy": { word: "queue policy" },
  "AWS::SQS::QueueInlinePolicy": { word: "queue policy" },
  "AWS::SNS::TopicPolicy": { word: "topic policy" },
  "AWS::SNS::TopicInlinePolicy": { word: "topic policy" },
  "AWS::SecretsManager::ResourcePolicy": { word: "secret policy" },
  "AWS::ECR::Repository": { word: "ECR repository", nameKey: "RepositoryName" },
  "AWS::ECR::RegistryPolicy": { word: "ECR registry policy" },
  "AWS::Lambda::Permission": { word: "Lambda permission" },
  "AWS::Lambda::LayerVersionPermission": { word: "layer permission" },
  "AWS::CloudFormation::StackSet": { word: "StackSet", nameKey: "StackSetName" },
  "AWS::CloudFormation::Stack": { word: "stack", nameKey: "StackName" },
};

function templateLabel(res: ResolvedResource): string {
  const kind = KINDS[res.type];
  const named = kind?.nameKey === undefined ? undefined : str(field(res.properties, kind.nameKey));
  return `Template ${kind?.word ?? res.type} ${JSON.stringify(res.logicalId)}${named === undefined ? "" : ` (${named})`}`;
}

function providerFor(account: string): ResourceLike["provider"] {
  return { type: "pulumi:providers:aws", name: "template", props: { allowedAccountIds: [account] } };
}

/** Where a Stack or StackSet resource's template is deployed, and with which parameters. */
function templateTarget(r: ResourceLike): {
  account: string;
  parameters: Record<string, string>;
  body: unknown;
} {
  const p = r.props;
  const isStackSet = r.type === TYPES.cfnStackSet;
  // A StackSet's stacks run in the accounts its instances reach, not in its own provider's account.
  const account = isStackSet ? THIS_ACCOUNT : (providerAccount(r.provider) ?? THIS_ACCOUNT);
  return { account, parameters: parameterValues(field(p, "parameters")), body: field(p, "templateBody") };
}

/**
 * The canonical resources a resource stands for (one level: a template's own StackSets are not opened
 * here). Malformed input gives none (the template rules report what cannot be read); a value unknown
 * during preview still reaches the policy runtime.
 */
export function equivalentsOf(r: ResourceLike, options: TranslateOptions = {}): Equivalent[] {
  try {
    return translate(r, options);
  } catch (e) {
    rethrowUnknown(e);
    return [];
  }
}

function translate(r: ResourceLike, options: TranslateOptions): Equivalent[] {
  const classic = CLASSIC[r.type];
  if (classic !== undefined) {
    return classic.to(r.props, r.name).map((c) => ({
      ...c,
      urn: r.urn,
      provider: r.provider,
      opts: r.opts,
      label: "",
      unresolved: false,
    }));
  }
  if (TEMPLATE_TYPES.has(r.type)) return templateEquivalents(r, options);
  const cfnType = cloudFormationTypeOf(r.type);
  const translation = cfnType === undefined ? undefined : CFN[cfnType];
  if (translation === undefined) return [];
  const account = providerAccount(r.provider) ?? THIS_ACCOUNT;
  return translation.to(r.props, r.name, account).map((c) => ({
    ...c,
    name: c.name === r.name ? r.name : c.name,
    urn: r.urn,
    provider: r.provider,
    opts: r.opts,
    label: "",
    unresolved: false,
  }));
}

function templateEquivalents(r: ResourceLike, options: TranslateOptions): Equivalent[] {
  const target = templateTarget(r);
  const template = templateOf(target.body, target.account, target.parameters, options.imports);
  if (template === undefined || template.problem !== undefined) return [];
  const out: Equivalent[] = [];
  const provider = providerFor(target.account);
  template.variants.forEach((variant, index) => {
    for (const res of variant.resources) {
      const translation = CFN[res.type];
      if (translation === undefined) continue;
      const label = templateLabel(res);
      for (const c of translation.to(res.properties, res.logicalId, target.account)) {
        out.push({
          ...c,
          urn: `${r.urn}$${res.logicalId}`,
          provider,
          // A template resource with DeletionPolicy Retain outlives its stack, as a protected resource does.
          opts: { protect: r.opts?.protect === true || res.deletionPolicy === "Retain" },
          label,
          scope: `${r.urn}#${index}`,
          variant: variant.label,
          variants: template.variants.length,
          unresolved: holdsUnresolved(c.props),
        });
      }
    }
  });
  return out;
}
