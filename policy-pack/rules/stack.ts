import { PolicyResource } from "@pulumi/policy";
import { isAccountRoot, isDefaultProvider, providerAccount } from "../lib/accounts";
import { ORG_FACTS } from "../lib/config";
import { asList, parsePolicyDocument } from "../lib/document";
import { customerPolicyDocuments, roleAttachments } from "../lib/attachments";
import { StackViolation, TYPES, stackRule, stringProp } from "../lib/policy";
import { roleSubject } from "../lib/role";
import { readStackTemplate } from "../lib/templates";
import { adminGrants, checkAdminOnCrossAccountRole } from "../lib/trust";

/** Stack-level rules: facts that only show when resources are read together. */

/** What an auto-named role's IAM name looks like: its resource name, a dash and seven hex digits. */
const AUTO_NAME_SUFFIX = /-[0-9a-f]{7}$/;

/**
 * The Role resource an attachment or inline policy points at by name (explicit or auto-named): the
 * first role, in stack order, whose explicit name is the reference, or, without an explicit name,
 * whose resource name is the reference or the reference less an auto-name suffix. Roles are indexed
 * as they are read, and read only as far as a lookup needs (a role's name that is unknown during
 * preview stops the policy exactly where a scan of the list would), so a stack with thousands of
 * roles and attachments costs a lookup per attachment rather than a scan of every role.
 */
function roleFinder(roles: PolicyResource[]): (ref: unknown) => PolicyResource | undefined {
  /** First role (by position) per explicit name, or per resource name for roles without one. */
  const exact = new Map<string, number>();
  /** First role without an explicit name, per resource name (matches `<resource name>-xxxxxxx`). */
  const auto = new Map<string, number>();
  let read = 0;
  const first = (map: Map<string, number>, key: string, index: number) => {
    if (!map.has(key)) map.set(key, index);
  };
  const lookup = (ref: string): number | undefined => {
    const byName = exact.get(ref);
    const byAuto = AUTO_NAME_SUFFIX.test(ref) ? auto.get(ref.slice(0, -8)) : undefined;
    if (byName === undefined) return byAuto;
    return byAuto === undefined ? byName : Math.min(byName, byAuto);
  };
  return (ref) => {
    if (typeof ref !== "string") return undefined;
    let found = lookup(ref);
    while (found === undefined && read < roles.length) {
      const r = roles[read];
      const name = stringProp(r.props, "name");
      if (name !== undefined) first(exact, name, read);
      else {
        first(exact, r.name, read);
        first(auto, r.name, read);
      }
      read++;
      found = lookup(ref);
    }
    return found === undefined ? undefined : roles[found];
  };
}

export const noAdminOnCrossAccountRoleAttachment = stackRule({
  name: "no-admin-on-cross-account-role-attachment",
  description:
    "No attachment (RolePolicyAttachment, PolicyAttachment, RolePolicyAttachmentsExclusive) or RolePolicy gives a role of the stack that trusts another account admin-equivalent or privilege-escalating rights, judged by what the policy grants (the organization access role and allow-listed roles excepted).",
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS, "organizationAccessRoleName", "allowedAdminRoleNames"],
  types: [TYPES.role, TYPES.policy, TYPES.rolePolicyAttachment, TYPES.rolePolicy],
  check: (resources, cfg) => {
    const findRole = roleFinder(resources.filter((r) => r.type === TYPES.role));
    const customerPolicies = customerPolicyDocuments(resources);
    const grants = new Map<PolicyResource, string[]>();
    const add = (role: PolicyResource | undefined, what: string[]) => {
      if (!role || what.length === 0) return;
      grants.set(role, [...(grants.get(role) ?? []), ...what]);
    };
    for (const a of roleAttachments(resources)) {
      const what = adminGrants([a.policyArn], [], customerPolicies);
      add(
        findRole(a.role),
        what.map((w) => `${w} (${a.via} ${JSON.stringify(a.resource.name)})`),
      );
    }
    for (const rp of resources.filter((r) => r.type === TYPES.rolePolicy)) {
      const what = adminGrants([], [parsePolicyDocument(rp.props.policy)]).map((g) =>
        g.replace(/inline policy #0/g, `role policy ${JSON.stringify(rp.name)}`),
      );
      add(findRole(rp.props.role), what);
    }
    const out: StackViolation[] = [];
    for (const [role, what] of grants) {
      for (const message of checkAdminOnCrossAccountRole(roleSubject(role), what, cfg)) {
        out.push({ message: `Role ${JSON.stringify(role.name)}: ${message}`, urn: role.urn });
      }
    }
    return out;
  },
});

export const orgAccessRoleStackSetNotManagement = stackRule({
  name: "org-access-role-stackset-not-management",
  description:
    "A StackSet carrying the member organization access role (trusting an account root) has no instance targeting the management account.",
  enforcementLevel: "mandatory",
  config: [...ORG_FACTS, "organizationAccessRoleName"],
  types: [TYPES.cfnStackSet, TYPES.cfnStackSetInstance],
  check: (resources, cfg) => {
    const management = cfg.managementAccountId;
    if (management === undefined) return [];
    const out: StackViolation[] = [];
    for (const set of resources.filter((r) => r.type === TYPES.cfnStackSet)) {
      const template = readStackTemplate(set);
      const memberRole = template?.roles.find(
        (role) =>
          role.roleName === cfg.organizationAccessRoleName &&
          role.trust.statements.some((s) => s.principals.some((p) => p.literal && isAccountRoot(p.value))),
      );
      if (!memberRole) continue;
      const setName = stringProp(set.props, "name") ?? set.name;
      for (const inst of resources.filter((r) => r.type === TYPES.cfnStackSetInstance)) {
        if (stringProp(inst.props, "stackSetName") !== setName) continue;
        const targets = asList(
          (inst.props.deploymentTargets as Record<string, unknown> | undefined)?.accounts,
        );
        const explicit = stringProp(inst.props, "accountId");
        // Without accountId or deployment targets, an instance deploys to its provider's account.
        const implicit =
          explicit === undefined && inst.props.deploymentTargets === undefined
            ? providerAccount(inst.provider)
            : undefined;
        const hits = [explicit, implicit, ...targets].filter((t) => t === management);
        if (hits.length === 0) continue;
        out.push({
          urn: inst.urn,
          message: `StackSet instance ${JSON.stringify(inst.name)} deploys the member ${cfg.organizationAccessRoleName} template of StackSet ${JSON.stringify(setName)} (template role ${JSON.stringify(memberRole.logicalId)}, trusting ${memberRole.trust.statements.flatMap((s) => s.principals.map((p) => p.value)).join(", ")}) to the management account ${management}: the management account would trust itself as a member. Target member OUs only; the management account's own role is a separate single-account stack trusting organizations.amazonaws.com.`,
        });
      }
    }
    return out;
  },
});

export const defaultProviderInMultiAccountStack = stackRule({
  name: "default-provider-in-multi-account-stack",
  description:
    "In a stack that manages several accounts, no AWS resource runs on the default provider (whose account depends on whoever runs the update).",
  enforcementLevel: "advisory",
  config: [],
  check: (resources) => {
    const accounts = new Set<string>();
    for (const r of resources) {
      const own = r.type === TYPES.awsProvider ? providerAccount(r) : providerAccount(r.provider);
      if (own !== undefined) accounts.add(own);
    }
    if (accounts.size < 2) return [];
    return resources
      .filter((r) => r.type.startsWith("aws:") && isDefaultProvider(r.provider))
      .map((r) => ({
        urn: r.urn,
        message: `${r.type} ${JSON.stringify(r.name)} uses the default AWS provider in a stack that manages ${accounts.size} accounts (${[...accounts].sort().join(", ")}): it lands in whichever account the ambient credentials point at. Pass an explicit provider, and set pulumi:disable-default-providers for aws.`,
      }));
  },
});
