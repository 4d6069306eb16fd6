import { rcpServices } from "../lib/actions";
import { ACCOUNT_ID } from "../lib/accounts";
import { PackConfig } from "../lib/config";
import { conditionsMatch, RequestContext, wildcardMatch } from "../lib/conditions";
import { parsePolicyDocument, PolicyDocument, Statement, statementCoversAction } from "../lib/document";
import { resourceRule, stringProp, TYPES } from "../lib/policy";

/**
 * Service and resource control policies (`aws:organizations/policy:Policy` of those types): what
 * Organizations refuses (size, the RCP syntax), and statements that would lock the organization out
 * of its own accounts. SCPs restrict the principals of member accounts; RCPs restrict what resources
 * of member accounts accept from anyone; neither touches the management account.
 */

const SCP = "SERVICE_CONTROL_POLICY";
const RCP = "RESOURCE_CONTROL_POLICY";

/** Organizations refuses SCP and RCP documents over 5,120 characters (orgs_reference_limits.html). */
export const ORGANIZATION_POLICY_MAX_CHARACTERS = 5120;

type Kind = typeof SCP | typeof RCP;

function kindOf(props: Record<string, unknown>): Kind | undefined {
  // The provider's default type is SERVICE_CONTROL_POLICY.
  const type = stringProp(props, "type") ?? SCP;
  return type === SCP || type === RCP ? type : undefined;
}

function label(kind: Kind, props: Record<string, unknown>, resourceName: string): string {
  return `${kind === SCP ? "SCP" : "RCP"} ${JSON.stringify(stringProp(props, "name") ?? resourceName)}`;
}

export const organizationPolicySize = resourceRule({
  name: "organization-policy-size",
  description:
    "SCP and RCP documents fit the 5,120 characters Organizations accepts (every character counts, whitespace included).",
  enforcementLevel: "mandatory",
  config: [],
  types: [TYPES.organizationsPolicy],
  check: (args) => {
    const kind = kindOf(args.props);
    const content = args.props.content;
    if (kind === undefined || content === undefined || content === null) return [];
    const text = typeof content === "string" ? content : JSON.stringify(content);
    if (text.length <= ORGANIZATION_POLICY_MAX_CHARACTERS) return [];
    let minified: number | undefined;
    try {
      minified = JSON.stringify(JSON.parse(text)).length;
    } catch {
      minified = undefined;
    }
    const hint =
      minified !== undefined && minified <= ORGANIZATION_POLICY_MAX_CHARACTERS
        ? `without whitespace it would be ${minified}: send it minified (JSON.stringify)`
        : "split its statements across two policies (each target takes 5 of a type, the AWS full-access one included)";
    return [
      `${label(kind, args.props, args.name)} is ${text.length} characters; Organizations refuses documents over ${ORGANIZATION_POLICY_MAX_CHARACTERS}, so the deployment would fail: ${hint}.`,
    ];
  },
});

/** The one `Allow` Organizations knows in an RCP: its own RCPFullAWSAccess. */
function isFullAccess(s: Statement): boolean {
  return s.effect === "Allow" && s.actions.length === 1 && s.actions[0] === "*" && s.conditions.length === 0;
}

export const rcpStatementsOrganizationsAccepts = resourceRule({
  name: "rcp-statements-organizations-accepts",
  description:
    'RCP statements are what Organizations accepts and what takes effect: "Deny" for "Principal": "*", no NotPrincipal or NotAction, no "*" action, actions of services RCPs apply to.',
  enforcementLevel: "mandatory",
  config: [],
  types: [TYPES.organizationsPolicy],
  check: (args) => {
    if (kindOf(args.props) !== RCP || args.props.content === undefined) return [];
    const doc = parsePolicyDocument(args.props.content);
    const name = label(RCP, args.props, args.name);
    const out: string[] = doc.problems.map((p) => `${name}: ${p}.`);
    for (const s of doc.statements) {
      const at = `${name} ${s.label}`;
      if (isFullAccess(s)) {
        out.push(
          `${at} is an "Allow" of everything: Organizations keeps its own RCPFullAWSAccess attached to every root, OU and account and accepts "Allow" nowhere else; remove the statement.`,
        );
        continue;
      }
      if (s.effect !== "Deny") {
        out.push(
          `${at} has Effect ${JSON.stringify(s.effect)}: RCPs only restrict, Organizations accepts "Deny" only; write it as a Deny under the conditions in which access must be refused.`,
        );
      }
      if (s.hasNotPrincipal) {
        out.push(
          `${at} uses NotPrincipal, which RCPs do not support; write "Principal": "*" and leave principals out with a condition (ArnNotEquals on aws:PrincipalArn).`,
        );
      } else if (!s.hasPrincipal || s.principals.length !== 1 || s.principals[0].kind !== "*") {
        out.push(
          `${at} must apply to "Principal": "*" (an RCP names no principal); narrow it with conditions such as aws:PrincipalOrgID.`,
        );
      }
      if (s.hasNotAction) {
        out.push(`${at} uses NotAction, which RCPs do not support; list the actions it denies.`);
      }
      for (const action of s.actions) {
        if (action.trim() === "*") {
          out.push(
            `${at} denies "*": Organizations refuses it in an RCP; name each service's actions (s3:*, kms:*, ...).`,
          );
          continue;
        }
        const service = action.split(":")[0].toLowerCase();
        if (!action.includes(":") || /[*?]/.test(service)) continue;
        if (!rcpServices().includes(service)) {
          out.push(
            `${at} denies ${action}, but RCPs do not apply to ${service}: the statement has no effect there; guard it with an SCP or the resource's own policy.`,
          );
        }
      }
    }
    return out;
  },
});

/** One request a statement is tried on. */
interface Probe {
  /** Who makes the request, for the message. */
  readonly who: string;
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

const STACKSET_EXECUTION_ROLES = [
  "stacksets-exec-0123456789abcdef",
  "AWSCloudFormationStackSetExecutionRole",
];
/** The calls that deploy roles into a member account: reaching it, then changing its roles. */
const ROLE_DEPLOY_ACTIONS = [
  "sts:AssumeRole",
  "iam:CreateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DeleteRole",
];
const SAMPLE_ROLE = "org-access-managed-role";

/** A principal pattern made concrete in an account: `*` in the account field is it, elsewhere `x`. */
function concrete(pattern: string, account: string): string {
  const parts = pattern.split(":");
  if (parts.length >= 6 && parts[4] === "*") parts[4] = account;
  return parts.join(":").replace(/[*?]/g, "x");
}

function orgIdOf(cfg: PackConfig, doc: PolicyDocument): string {
  if (cfg.organizationId !== undefined) return cfg.organizationId;
  // Without the org facts, the organization is the one the document itself names.
  for (const s of doc.statements)
    for (const c of s.conditions)
      if ((c.keyLower === "aws:principalorgid" || c.keyLower === "aws:sourceorgid") && c.values.length === 1)
        return c.values[0];
  return "o-unknownorgid";
}

function principalContext(arn: string, account: string, orgId: string): RequestContext {
  return {
    "aws:PrincipalArn": arn,
    "aws:PrincipalAccount": account,
    "aws:PrincipalOrgID": orgId,
    "aws:PrincipalType": "AssumedRole",
    "aws:PrincipalIsAWSService": "false",
    "aws:SecureTransport": "true",
    "aws:ViaAWSService": "false",
    "aws:RequestedRegion": "us-east-1",
  };
}

/** Role ARNs to try a statement on: a sample role, and the roles the statement itself names. */
function roleResources(s: Statement, member: string): string[] {
  const named = s.resources
    .filter((r) => /^arn:aws[a-z-]*:iam::[^:]*:role\//.test(r))
    .map((r) => concrete(r, member));
  return [`arn:aws:iam::${member}:role/${SAMPLE_ROLE}`, ...named];
}

/** Requests of the deploying principals that an SCP meets: changing the roles of a member account. */
function scpProbes(s: Statement, cfg: PackConfig, orgId: string, member: string): Probe[] {
  const deployers = [cfg.organizationAccessRoleName, ...STACKSET_EXECUTION_ROLES].map(
    (name) => `arn:aws:iam::${member}:role/${name}`,
  );
  const extra = cfg.deployingPrincipalArns.map((p) => concrete(p, member));
  const probes: Probe[] = [];
  for (const arn of [...deployers, ...extra]) {
    for (const action of ROLE_DEPLOY_ACTIONS) {
      for (const resource of roleResources(s, member)) {
        probes.push({
          who: arn,
          action,
          resource,
          context: {
            ...principalContext(arn, member, orgId),
            "aws:ResourceAccount": member,
            "aws:ResourceOrgID": orgId,
          },
        });
      }
    }
  }
  return probes;
}

/** Requests on resources of a member account that an RCP meets: the deployers reaching in. */
function rcpProbes(cfg: PackConfig, orgId: string, member: string): Probe[] {
  const management = cfg.managementAccountId ?? "111111111111";
  const stackSetsAdmin = `arn:aws:iam::${management}:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin`;
  const managementDeployers = [
    `arn:aws:iam::${management}:role/${cfg.organizationAccessRoleName}`,
    ...cfg.deployingPrincipalArns.map((p) => concrete(p, management)),
  ];
  const resource = { "aws:ResourceAccount": member, "aws:ResourceOrgID": orgId };
  const probes: Probe[] = [];
  for (const arn of managementDeployers) {
    probes.push({
      who: arn,
      action: "sts:AssumeRole",
      resource: `arn:aws:iam::${member}:role/${cfg.organizationAccessRoleName}`,
      context: { ...principalContext(arn, management, orgId), ...resource },
    });
  }
  probes.push({
    who: stackSetsAdmin,
    action: "sts:AssumeRole",
    resource: `arn:aws:iam::${member}:role/${STACKSET_EXECUTION_ROLES[0]}`,
    context: { ...principalContext(stackSetsAdmin, management, orgId), ...resource },
  });
  const memberDeployer = `arn:aws:iam::${member}:role/${cfg.organizationAccessRoleName}`;
  for (const [action, arn] of [
    ["s3:PutBucketPolicy", "arn:aws:s3:::org-access-example-bucket"],
    ["kms:PutKeyPolicy", `arn:aws:kms:us-east-1:${member}:key/11111111-2222-3333-4444-555555555555`],
  ]) {
    probes.push({
      who: memberDeployer,
      action,
      resource: arn,
      context: { ...principalContext(memberDeployer, member, orgId), ...resource },
    });
  }
  return probes;
}

function denies(s: Statement, action: string, resource: string, context: RequestContext): boolean {
  if (s.effect !== "Deny" || !statementCoversAction(s, action)) return false;
  const onResource = s.hasNotResource
    ? !s.notResources.some((r) => wildcardMatch(r, resource))
    : s.resources.length === 0 || s.resources.some((r) => wildcardMatch(r, resource));
  return onResource && conditionsMatch(s.conditions, context);
}

export const organizationPolicyNoLockout = resourceRule({
  name: "organization-policy-no-lockout",
  description:
    "No SCP or RCP statement denies the deploying principals (the organization access role, the StackSet roles, the configured deployers) the calls that reach member accounts and manage their roles, or denies them to every principal.",
  enforcementLevel: "mandatory",
  config: [
    "organizationId",
    "managementAccountId",
    "organizationAccountIds",
    "organizationAccessRoleName",
    "deployingPrincipalArns",
  ],
  types: [TYPES.organizationsPolicy],
  check: (args, cfg) => {
    const kind = kindOf(args.props);
    if (kind === undefined || args.props.content === undefined) return [];
    const doc = parsePolicyDocument(args.props.content);
    const orgId = orgIdOf(cfg, doc);
    const member =
      cfg.organizationAccountIds.find((a) => a !== cfg.managementAccountId && ACCOUNT_ID.test(a)) ??
      "123456789012";
    const name = label(kind, args.props, args.name);
    const out: string[] = [];
    for (const s of doc.statements) {
      const probes = kind === SCP ? scpProbes(s, cfg, orgId, member) : rcpProbes(cfg, orgId, member);
      const hit = probes.filter((p) => denies(s, p.action, p.resource, p.context));
      if (hit.length === 0) continue;
      // Without a condition the statement spares nobody: every principal it applies to is locked out.
      const everyone = s.conditions.length === 0;
      const whom = [...new Set(hit.map((p) => p.who))];
      const actions = [...new Set(hit.map((p) => p.action))];
      out.push(
        everyone
          ? `${name} ${s.label} denies ${actions.join(", ")} to every principal it applies to, the deploying principals included (${whom.join(", ")}): no condition lets anyone through, so nothing could deploy or repair the roles of the accounts it is attached to; narrow it with conditions, and leave the deploying principals out (ArnNotLike on aws:PrincipalArn).`
          : `${name} ${s.label} denies ${actions.join(", ")} to the deploying principals (${whom.join(", ")}): the accounts it is attached to could no longer be deployed or repaired through them; leave them out (ArnNotLike on aws:PrincipalArn) or narrow the statement.`,
      );
    }
    return out;
  },
});
