import { providerAccount } from "../lib/accounts";
import { ORG_FACTS } from "../lib/config";
import { TYPES, resourceRule, stringProp } from "../lib/policy";
import { readStackTemplate } from "../lib/templates";

/** Advisory rules on roles themselves: session length, permissions boundaries, protection. */

export const roleMaxSessionDuration = resourceRule({
  name: "role-max-session-duration",
  description: "A role's MaxSessionDuration stays at or below the configured maximum (1 hour by default).",
  enforcementLevel: "advisory",
  config: ["maxSessionDurationSeconds"],
  types: [TYPES.role],
  check: (args, cfg) => {
    const value = args.props.maxSessionDuration;
    if (typeof value !== "number" || value <= cfg.maxSessionDurationSeconds) return [];
    return [
      `maxSessionDuration is ${value} s, above ${cfg.maxSessionDurationSeconds} s (maxSessionDurationSeconds): a leaked session keeps working that long. Keep sessions short; automation can assume the role again.`,
    ];
  },
});

export const permissionsBoundaryRequired = resourceRule({
  name: "permissions-boundary-required",
  description: "Custom roles in workload accounts (workloadAccountIds) carry a permissions boundary.",
  enforcementLevel: "advisory",
  config: ["workloadAccountIds", "organizationAccessRoleName", "boundaryExemptRoleNames"],
  types: [TYPES.role],
  check: (args, cfg) => {
    const account = providerAccount(args.provider);
    if (account === undefined || !cfg.workloadAccountIds.includes(account)) return [];
    const name = stringProp(args.props, "name");
    if (
      name !== undefined &&
      (name === cfg.organizationAccessRoleName || cfg.boundaryExemptRoleNames.includes(name))
    ) {
      return [];
    }
    const path = stringProp(args.props, "path") ?? "/";
    if (path.startsWith("/aws-service-role/")) return [];
    const boundary = args.props.permissionsBoundary;
    if (typeof boundary === "string" && boundary.length > 0) return [];
    return [
      `Role ${JSON.stringify(name ?? args.name)} in workload account ${account} has no permissionsBoundary: if its policies grow (or it can create roles), nothing caps what it can do. Set permissionsBoundary to the organization's boundary policy ARN, or list it in boundaryExemptRoleNames.`,
    ];
  },
});

export const orgAccessRoleProtected = resourceRule({
  name: "org-access-role-protected",
  description:
    "The organization access role (and a StackSet rolling it out) is created with `protect: true`, so a refactor cannot delete the way into every account.",
  enforcementLevel: "advisory",
  config: [...ORG_FACTS, "organizationAccessRoleName"],
  types: [TYPES.role, TYPES.cfnStackSet],
  check: (args, cfg) => {
    if (args.opts?.protect === true) return [];
    if (args.type === TYPES.role) {
      if (stringProp(args.props, "name") !== cfg.organizationAccessRoleName) return [];
      return [
        `The role ${cfg.organizationAccessRoleName} is not protected: deleting it (a rename, a moved component) cuts administrative access to the account. Create it with { protect: true } (and retainOnDelete when it was imported).`,
      ];
    }
    const template = readStackTemplate(args);
    const role = template?.roles.find((r) => r.roleName === cfg.organizationAccessRoleName);
    if (!role) return [];
    return [
      `This StackSet rolls out ${cfg.organizationAccessRoleName} (template role ${JSON.stringify(role.logicalId)}) and is not protected: deleting the StackSet deletes the role in every member account. Create it with { protect: true } and give the role DeletionPolicy: Retain.`,
    ];
  },
});
