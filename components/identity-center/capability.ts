import { BREAK_GLASS_SESSION_MINUTES, isoDuration, PermissionSetConfig } from "./config";
import { Capability } from "../context";
import { policyDocument, PolicyStatement } from "../iam/documents";
import { expandAssignments } from "./assignments";
import { IdentityCenterAccess } from "./identity-center-access";
import { PermissionSetArgs } from "./permission-set";
import { awsManagedPolicyArn } from "../naming";

/** Sessions are one hour unless config says otherwise. */
export const DEFAULT_SESSION_DURATION = "PT1H";

/** A permission set's component arguments from its config. */
export function permissionSetArgs(set: PermissionSetConfig): Omit<PermissionSetArgs, "instanceArn"> {
  return {
    permissionSetName: set.name,
    description: set.description,
    sessionDuration: set.breakGlass
      ? isoDuration(BREAK_GLASS_SESSION_MINUTES)
      : (set.sessionDuration ?? DEFAULT_SESSION_DURATION),
    managedPolicies: set.managedPolicies,
    customerManagedPolicies: set.customerManagedPolicies.map((p) =>
      typeof p === "string" ? { name: p, path: "/" } : p,
    ),
    inlinePolicy:
      set.inlinePolicy === undefined
        ? undefined
        : policyDocument(set.inlinePolicy.map((s) => ({ ...s }) as PolicyStatement)),
    permissionsBoundary: boundaryArgs(set.permissionsBoundary),
    tags: set.breakGlass ? { "break-glass": "true" } : undefined,
  };
}

function boundaryArgs(
  boundary: PermissionSetConfig["permissionsBoundary"],
): PermissionSetArgs["permissionsBoundary"] {
  if (boundary?.managedPolicy !== undefined)
    return { managedPolicyArn: awsManagedPolicyArn(boundary.managedPolicy) };
  if (boundary?.customerManagedPolicy !== undefined)
    return { customerManagedPolicy: boundary.customerManagedPolicy };
  return undefined;
}

/**
 * The `identityCenter` capability: permission sets and account assignments, in the account that
 * administers Identity Center (the management account, or its delegated administrator), which
 * config checks is this stack's home. Organization-wide: a sharded organization gives it to the one
 * shard that owns those resources. Assignments need no provider in the target accounts.
 */
export const identityCenter: Capability = {
  name: "identityCenter",
  deploy: (ctx) => {
    const config = ctx.config.identityCenter;
    if (config === undefined || !ctx.organizationWide) return undefined;
    const assignments = expandAssignments(config, ctx.accounts);
    const access = new IdentityCenterAccess(
      "identity-center",
      {
        instanceArn: config.instanceArn,
        permissionSets: config.permissionSets.map(permissionSetArgs),
        assignments,
      },
      { provider: ctx.providers.home },
    );
    return {
      instanceArn: config.instanceArn,
      ...(config.identityStoreId === undefined ? {} : { identityStoreId: config.identityStoreId }),
      account: ctx.accounts.home.name,
      permissionSets: access.permissionSetArns,
      breakGlass: config.permissionSets.filter((s) => s.breakGlass).map((s) => s.name),
      assignments: assignments.map((a) => ({
        group: a.group,
        permissionSet: a.permissionSet,
        account: a.account.name,
      })),
    };
  },
};
