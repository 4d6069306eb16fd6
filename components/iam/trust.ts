import * as pulumi from "@pulumi/pulumi";
import { Conditions, mergeConditions, policyDocument, PolicyDocument, PolicyStatement } from "./documents";

/**
 * Trust policy builders: the contract between accounts. Every role of this program gets its trust
 * policy from one of these functions, so each cross-account trust names a specific principal and
 * carries the condition that binds it (organization, external ID, OIDC audience and subject).
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const STS_AUDIENCE = "sts.amazonaws.com";

/** Condition: the calling principal belongs to the organization. */
export function principalOrgCondition(organizationId: pulumi.Input<string>): Conditions {
  return { StringEquals: { "aws:PrincipalOrgID": organizationId } };
}

/** The member-account organization access role's trust: the management account root (the guide's shape). */
export function managementRootTrust(managementAccountId: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "TrustManagementAccount",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${managementAccountId}:root` },
      Action: "sts:AssumeRole",
    },
  ]);
}

/** Trust for an AWS service principal, bound to the calling account when the service supports it. */
export function serviceTrust(
  service: string,
  options: { sid?: string; sourceAccount?: pulumi.Input<string>; sourceArn?: pulumi.Input<string> } = {},
): PolicyDocument {
  const condition = mergeConditions(
    options.sourceAccount === undefined
      ? undefined
      : { StringEquals: { "aws:SourceAccount": options.sourceAccount } },
    options.sourceArn === undefined ? undefined : { ArnLike: { "aws:SourceArn": options.sourceArn } },
  );
  return policyDocument([
    {
      Sid: options.sid ?? "TrustService",
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(condition === undefined ? {} : { Condition: condition }),
    },
  ]);
}

/**
 * Trust for named roles of other accounts in the organization, with `aws:PrincipalOrgID`. Optional
 * extra conditions (MFA, source IP, session name) are added to the same statement.
 */
export function roleTrust(args: {
  sid: string;
  roleArns: pulumi.Input<string>[];
  organizationId: pulumi.Input<string>;
  extraConditions?: Conditions;
  tagSession?: boolean;
}): PolicyDocument {
  if (args.roleArns.length === 0)
    throw new Error(`org-access: trust statement ${args.sid} names no principal`);
  const statement: PolicyStatement = {
    Sid: args.sid,
    Effect: "Allow",
    Principal: { AWS: args.roleArns.length === 1 ? args.roleArns[0] : args.roleArns },
    Action: args.tagSession === true ? ["sts:AssumeRole", "sts:TagSession"] : "sts:AssumeRole",
    Condition: mergeConditions(principalOrgCondition(args.organizationId), args.extraConditions),
  };
  return policyDocument([statement]);
}

const ROLE_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/**
 * Trust for named roles of other accounts in the organization, written so that IAM accepts it
 * before those roles exist: the accounts' roots as principals, narrowed by `ArnEquals
 * aws:PrincipalArn` to the exact role ARNs, with `aws:PrincipalOrgID`. IAM refuses a trust policy
 * whose principal is a role that does not exist yet ("Invalid principal in policy") and stores a
 * named role principal as its unique ID, so a role deleted and recreated under the same name is no
 * longer trusted; it checks neither for condition values. Use it where the trusted role is created
 * by another stack (the security stack's source and automation roles), so the stacks need no
 * particular order and survive the role being recreated. Only that role of that account matches:
 * `aws:PrincipalArn` of a role session is the role's ARN.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalArnTrust(args: {
  sid: string;
  roleArns: readonly string[];
  organizationId: pulumi.Input<string>;
}): PolicyDocument {
  if (args.roleArns.length === 0)
    throw new Error(`org-access: trust statement ${args.sid} names no principal`);
  const roots: string[] = [];
  for (const arn of args.roleArns) {
    const m = ROLE_ARN.exec(arn);
    if (m === null)
      throw new Error(
        `org-access: trust statement ${args.sid}: ${JSON.stringify(arn)} is not a role ARN (arn:aws:iam::<account>:role/<name>)`,
      );
    const root = `arn:${m[1]}:iam::${m[2]}:root`;
    if (!roots.includes(root)) roots.push(root);
  }
  return policyDocument([
    {
      Sid: args.sid,
      Effect: "Allow",
      Principal: { AWS: roots.length === 1 ? roots[0] : roots },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:PrincipalOrgID": args.organizationId },
        ArnEquals: { "aws:PrincipalArn": args.roleArns.length === 1 ? args.roleArns[0] : [...args.roleArns] },
      },
    },
  ]);
}

/** Trust for principals of the role's own account (the guide's delegated-admin source role). */
export function sameAccountTrust(args: {
  sid: string;
  accountId: string;
  principalArns?: pulumi.Input<string>[];
  extraConditions?: Conditions;
}): PolicyDocument {
  const principals = args.principalArns?.length
    ? args.principalArns
    : [`arn:aws:iam::${args.accountId}:root`];
  return policyDocument([
    {
      Sid: args.sid,
      Effect: "Allow",
      Principal: { AWS: principals.length === 1 ? principals[0] : principals },
      Action: "sts:AssumeRole",
      Condition: mergeConditions(
        { StringEquals: { "aws:PrincipalAccount": args.accountId } },
        args.extraConditions,
      ),
    },
  ]);
}

/** Trust for a third party's account, which must present the agreed external ID. */
export function externalIdTrust(args: {
  sid: string;
  vendorAccountId: string;
  externalId: pulumi.Input<string>;
  principalArn?: string;
}): PolicyDocument {
  return policyDocument([
    {
      Sid: args.sid,
      Effect: "Allow",
      Principal: { AWS: args.principalArn ?? `arn:aws:iam::${args.vendorAccountId}:root` },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": args.externalId } },
    },
  ]);
}

/** Trust for GitHub Actions over OIDC: the audience is STS, and every subject is a scoped repository. */
export function githubOidcTrust(args: {
  sid: string;
  providerArn: pulumi.Input<string>;
  subjects: readonly string[];
}): PolicyDocument {
  if (args.subjects.length === 0) throw new Error(`org-access: OIDC trust ${args.sid} has no subject`);
  for (const subject of args.subjects) assertScopedGithubSubject(subject);
  return policyDocument([
    {
      Sid: args.sid,
      Effect: "Allow",
      Principal: { Federated: args.providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: [...args.subjects],
        },
      },
    },
  ]);
}

const GITHUB_SUBJECT =
  /^repo:([A-Za-z0-9-]+(@\d+)?)\/([A-Za-z0-9._-]+(@\d+)?):(ref:refs\/(heads|tags)\/[^*\s]+|environment:[^*\s]+|pull_request)$/;

/**
 * A GitHub subject must name one repository and one branch, tag, environment or pull requests:
 * `repo:ORG/REPO:ref:refs/heads/main`, `repo:ORG@123/REPO@456:environment:prod`. Wildcards over an
 * organization or repository would let any workflow there assume the role.
 */
export function assertScopedGithubSubject(subject: string): void {
  if (!GITHUB_SUBJECT.test(subject)) {
    throw new Error(
      `org-access: GitHub OIDC subject ${JSON.stringify(subject)} is not scoped to one repository and one branch, tag or environment; write repo:ORG/REPO:ref:refs/heads/BRANCH or repo:ORG/REPO:environment:NAME`,
    );
  }
}

export function isScopedGithubSubject(subject: string): boolean {
  return GITHUB_SUBJECT.test(subject);
}

/**
 * GitHub Actions over OIDC with a named session: like `githubOidcTrust`, and the session name must
 * match `sessionNamePattern` (e.g. `gha-*`, the workflow adds the run ID) so CloudTrail ties every
 * session to one workflow run.
 */
export function githubOidcNamedSessionTrust(args: {
  sid: string;
  providerArn: pulumi.Input<string>;
  subjects: readonly string[];
  sessionNamePattern: string;
}): PolicyDocument {
  const base = githubOidcTrust(args);
  const statement = (base.Statement as PolicyStatement[])[0];
  return policyDocument([
    {
      ...statement,
      Condition: mergeConditions(statement.Condition as Conditions, {
        StringLike: { "sts:RoleSessionName": args.sessionNamePattern },
      }),
    },
  ]);
}

/**
 * A role of the pipeline chain: trusts exactly one role of another account in the organization, with
 * a session name matching `sessionNamePattern`, and lets that caller pass session tags (the workflow's
 * run, actor and commit appear in CloudTrail).
 */
export function pipelineChainTrust(args: {
  sid: string;
  roleArn: pulumi.Input<string>;
  organizationId: pulumi.Input<string>;
  sessionNamePattern: string;
}): PolicyDocument {
  return roleTrust({
    sid: args.sid,
    roleArns: [args.roleArn],
    organizationId: args.organizationId,
    extraConditions: { StringLike: { "sts:RoleSessionName": args.sessionNamePattern } },
    tagSession: true,
  });
}

/**
 * Classic delegation: named IAM users or roles of an identity account in the organization, with
 * `aws:PrincipalOrgID`, MFA (`Bool`, not `BoolIfExists`: a caller without the key is refused), an
 * optional MFA age and optional source networks. `requireMfa: false` is for role principals only,
 * which cannot present MFA; the caller decides that from validated config.
 */
export function mfaPrincipalTrust(args: {
  sid: string;
  principalArns: pulumi.Input<string>[];
  organizationId: pulumi.Input<string>;
  requireMfa: boolean;
  maxMfaAgeSeconds?: number;
  sourceIpRanges?: readonly string[];
}): PolicyDocument {
  return roleTrust({
    sid: args.sid,
    roleArns: args.principalArns,
    organizationId: args.organizationId,
    extraConditions: mfaAndNetworkConditions(args),
  });
}

/** The MFA and source-network conditions of `mfaPrincipalTrust`, for the matching identity policies. */
export function mfaAndNetworkConditions(args: {
  requireMfa: boolean;
  maxMfaAgeSeconds?: number;
  sourceIpRanges?: readonly string[];
}): Conditions | undefined {
  if (args.maxMfaAgeSeconds !== undefined && !args.requireMfa)
    throw new Error("org-access: an MFA age limit needs requireMfa");
  return mergeConditions(
    args.requireMfa ? { Bool: { "aws:MultiFactorAuthPresent": "true" } } : undefined,
    args.maxMfaAgeSeconds === undefined
      ? undefined
      : { NumericLessThan: { "aws:MultiFactorAuthAge": String(args.maxMfaAgeSeconds) } },
    args.sourceIpRanges === undefined || args.sourceIpRanges.length === 0
      ? undefined
      : {
          IpAddress: {
            "aws:SourceIp":
              args.sourceIpRanges.length === 1 ? args.sourceIpRanges[0] : [...args.sourceIpRanges],
          },
        },
  );
}

/**
 * The member preview role: only the management stack's preview role, from inside the organization,
 * with the session names the stack's providers use. No `sts:TagSession`: providers tag nothing.
 */
export function previewProviderTrust(args: {
  sid: string;
  previewRoleArn: string;
  organizationId: string;
  sessionNamePattern: string;
}): PolicyDocument {
  return roleTrust({
    sid: args.sid,
    roleArns: [args.previewRoleArn],
    organizationId: args.organizationId,
    extraConditions: { StringLike: { "sts:RoleSessionName": args.sessionNamePattern } },
  });
}
