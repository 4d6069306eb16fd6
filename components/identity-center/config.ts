import { z } from "zod";
import { CheckContext, ConfigPath, entries, firstOrDuplicate, formatPath } from "../config/checks";
import {
  ConfigPolicy,
  elevatedMessage,
  isElevated,
  judgePolicies,
  justificationSchema,
  validPolicies,
} from "../config/policies";
import { checkTargets, targetFields } from "../config/targets";
import { NAME_PATTERN } from "../config/primitives";
import { section } from "../config/section";
import { identityStatementSchema, managedPolicyName } from "../config/statements";

/**
 * `org-access:identityCenter`: human access through IAM Identity Center. Permission sets by job
 * function, and account assignments of identity-store groups to permission sets per account or per
 * OU. Identity Center creates the roles in the member accounts itself. See docs/identity-center.md.
 */

const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const IDENTITY_STORE_ID = /^d-[0-9a-f]{10}$/;
/** Identity-store IDs: a GUID, optionally prefixed by ten hexadecimal characters and a hyphen. */
const GROUP_ID =
  /^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const ISO_DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?$/;
const POLICY_PATH = /^\/([\w+=,.@-]+\/)*$/;

/** Identity Center sessions last 1 to 12 hours. */
export const MIN_SESSION_MINUTES = 60;
export const MAX_SESSION_MINUTES = 720;
/** The break-glass set's session: the shortest Identity Center allows. */
export const BREAK_GLASS_SESSION_MINUTES = 60;

const show = (input: unknown): string => JSON.stringify(input) ?? String(input);

/** Minutes of an ISO 8601 duration (`PT1H`, `PT90M`, `PT1H30M`) or a number of minutes. */
export function sessionMinutes(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value : undefined;
  const match = ISO_DURATION.exec(value);
  if (match === null || (match[1] === undefined && match[2] === undefined)) return undefined;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** The ISO 8601 form Identity Center stores: `PT1H`, `PT1H30M`, `PT45M`. */
export function isoDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `PT${hours > 0 ? `${hours}H` : ""}${rest > 0 || hours === 0 ? `${rest}M` : ""}`;
}

const sessionDuration = z
  .union([z.string(), z.number()], {
    error: "expected an ISO 8601 duration such as PT1H, or a number of minutes",
  })
  .transform((value, ctx) => {
    const minutes = sessionMinutes(value);
    if (minutes === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} is not a duration; write ISO 8601 such as PT1H or PT1H30M, or a whole number of minutes`,
      });
      return z.NEVER;
    }
    if (minutes < MIN_SESSION_MINUTES || minutes > MAX_SESSION_MINUTES) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} is outside what Identity Center accepts; use 1 to 12 hours (PT1H to PT12H)`,
      });
      return z.NEVER;
    }
    return isoDuration(minutes);
  });

/** A customer managed policy by name and path. */
const customerManagedPolicyRef = z
  .object({
    name: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, "expected the customer managed policy's name")
      .meta({ description: "The customer managed policy's name." }),
    path: z
      .string()
      .regex(POLICY_PATH, "a policy path starts and ends with /")
      .default("/")
      .meta({ description: "The policy's path; `/` by default." }),
  })
  .strict();

const customerManagedPolicySchema = z
  .union(
    [
      z.string().regex(/^[\w+=,.@-]{1,128}$/, "expected the customer managed policy's name"),
      customerManagedPolicyRef.meta({ description: "The policy by name and path." }),
    ],
    { error: "expected a policy name, or { name, path }" },
  )
  .meta({ description: "A customer managed policy: its name, or `{ name, path }`." });

const boundarySchema = z
  .object({
    managedPolicy: managedPolicyName
      .optional()
      .meta({ description: "An AWS managed policy as the boundary, by name or ARN." }),
    customerManagedPolicy: customerManagedPolicyRef.optional().meta({
      description: "A customer managed policy (which must exist with this name in every assigned account).",
    }),
  })
  .strict()
  .refine((b) => (b.managedPolicy === undefined) !== (b.customerManagedPolicy === undefined), {
    message: "set exactly one of managedPolicy or customerManagedPolicy",
  });

const permissionSetSchema = z
  .object({
    name: z
      .string({ error: "expected the permission set's name" })
      .regex(PERMISSION_SET_NAME, {
        error: (issue) =>
          `${show(issue.input)} is not a valid permission set name; use 1 to 32 letters, digits and + = , . @ _ -`,
      })
      .meta({
        description:
          "The permission set's name, shown on the AWS access portal (and in role names `AWSReservedSSO_<name>_...`).",
      }),
    description: z
      .string()
      .max(700, "Identity Center accepts at most 700 characters")
      .optional()
      .meta({ description: "Shown on the AWS access portal." }),
    sessionDuration: sessionDuration
      .optional()
      .meta({ description: "Session length, ISO 8601 (`PT1H`) or minutes; one hour by default." }),
    managedPolicies: z.array(managedPolicyName).default([]).meta({
      description: "AWS managed policies (`ReadOnlyAccess`, `job-function/ViewOnlyAccess`) or their ARNs.",
    }),
    customerManagedPolicies: z.array(customerManagedPolicySchema).default([]).meta({
      description:
        "Customer managed policies referenced by name (and path); they must exist in every assigned account.",
    }),
    inlinePolicy: z
      .array(identityStatementSchema)
      .min(1, "list at least one statement, or remove inlinePolicy")
      .optional()
      .meta({ description: "Statements of the set's inline policy." }),
    permissionsBoundary: boundarySchema
      .optional()
      .meta({ description: "A permissions boundary on the roles Identity Center creates from this set." }),
    breakGlass: z.boolean({ error: "expected true or false" }).default(false).meta({
      description:
        "The emergency set: a one-hour session, tagged so its use stands out, for break-glass groups only.",
    }),
    justification: justificationSchema.optional().meta({
      description:
        "Why a set that is not break-glass may grant admin-equivalent or privilege-escalating access.",
    }),
  })
  .strict()
  .superRefine((set, ctx) => {
    if (
      set.managedPolicies.length === 0 &&
      set.customerManagedPolicies.length === 0 &&
      set.inlinePolicy === undefined
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["managedPolicies"],
        message:
          "a permission set with no policy grants nothing; list managedPolicies, customerManagedPolicies or an inlinePolicy",
      });
    }
    if (
      set.breakGlass &&
      set.sessionDuration !== undefined &&
      sessionMinutes(set.sessionDuration) !== BREAK_GLASS_SESSION_MINUTES
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["sessionDuration"],
        message: `a break-glass session lasts ${isoDuration(BREAK_GLASS_SESSION_MINUTES)}, the shortest Identity Center allows; remove sessionDuration or set it to PT1H`,
      });
    }
  });

const assignmentSchema = z
  .object({
    group: z
      .string({ error: "expected a group name from identityCenter.groups" })
      .meta({ description: "A group name from `groups`." }),
    permissionSet: z
      .string({ error: "expected a permission set name from identityCenter.permissionSets" })
      .meta({ description: "A permission set name from `permissionSets`." }),
    /** Where the assignment applies: accounts, OUs, exclusions, and the management account only by its own key. */
    ...targetFields,
  })
  .strict()
  .refine((a) => a.accounts.length > 0 || a.organizationalUnits.length > 0 || a.includeManagementAccount, {
    message: "list the accounts or organizationalUnits this assignment applies to",
  });

const schema = z
  .object({
    instanceArn: z
      .string({ error: "expected the Identity Center instance ARN" })
      .regex(INSTANCE_ARN, {
        error: (issue) =>
          `${show(issue.input)} is not an Identity Center instance ARN; it looks like arn:aws:sso:::instance/ssoins-1234567890abcdef`,
      })
      .meta({
        description:
          "The Identity Center instance: `arn:aws:sso:::instance/ssoins-...` (IAM Identity Center console, Settings).",
      }),
    identityStoreId: z
      .string()
      .regex(IDENTITY_STORE_ID, "an identity store ID looks like d-1234567890")
      .optional()
      .meta({ description: "The identity store (`d-...`), for reference in outputs." }),
    account: z.string({ error: "expected an account name" }).optional().meta({
      description:
        "Account (by name) that administers Identity Center: the management account or its delegated administrator.",
    }),
    groups: z
      .record(
        z.string().regex(NAME_PATTERN, "a group key is 1 to 40 lower-case letters, digits and hyphens"),
        z.string({ error: "expected the group's identity-store ID" }).regex(GROUP_ID, {
          error: (issue) =>
            `${show(issue.input)} is not an identity-store group ID; copy the Group ID from IAM Identity Center, Groups (a GUID)`,
        }),
      )
      .meta({ description: "Group name (used in this config) to identity-store group ID." }),
    permissionSets: z
      .array(permissionSetSchema)
      .min(1, "list at least one permission set")
      .meta({ description: "The permission sets." }),
    breakGlassGroups: z
      .array(z.string({ error: "expected a group name from identityCenter.groups" }))
      .default([])
      .meta({
        description:
          "Groups (names from `groups`) that may be assigned a break-glass set; no other group may.",
      }),
    assignments: z.array(assignmentSchema).default([]).meta({
      description:
        "Which group gets which permission set in which accounts (the shared targets keys; the management account only with `includeManagementAccount: true`).",
    }),
  })
  .strict()
  .optional();

export type IdentityCenterConfig = NonNullable<z.infer<typeof schema>>;
export type PermissionSetConfig = z.infer<typeof permissionSetSchema>;
export type AccountAssignmentConfig = z.infer<typeof assignmentSchema>;

/**
 * A permission set that grants admin-equivalent or privilege-escalating access is either the
 * break-glass set (one hour, tagged, break-glass groups only) or carries a written justification.
 */
function checkPermissionSetAccess(ctx: CheckContext, set: PermissionSetConfig, at: ConfigPath): void {
  if (set.breakGlass === true) return;
  const policies: ConfigPolicy[] = [
    ...validPolicies(
      ctx,
      { refs: set.managedPolicies, path: [...at, "managedPolicies"] },
      { statements: set.inlinePolicy, path: [...at, "inlinePolicy"] },
    ),
    ...(ctx.valid([...at, "customerManagedPolicies"])
      ? set.customerManagedPolicies.map((p, j) => ({
          kind: "customer" as const,
          ref: typeof p === "string" ? p : p.name,
          path: [...at, "customerManagedPolicies", j],
        }))
      : []),
  ];
  if (ctx.valid([...at, "justification"]) && set.justification !== undefined) return;
  for (const judgement of judgePolicies(policies).filter(isElevated)) {
    ctx.issue(
      judgement.path,
      `${elevatedMessage(judgement, `${formatPath(at)}.justification`)}, or make it the break-glass set (breakGlass: true: one-hour sessions, tagged, assigned to org-access:identityCenter.breakGlassGroups only)`,
    );
  }
}

/** `org-access:identityCenter`. */
export const identityCenterSection = section({
  key: "identityCenter",
  schema,
  check: (config, ctx) => {
    const key = "identityCenter";
    const management = ctx.managementAccount;
    const home = ctx.valid(["deployment", "account"]) ? ctx.config.deployment.account : undefined;
    const adminAccount = config.account ?? management;
    ctx.account(config.account, [key, "account"]);
    // A management stack deploying from another account is reported by the core checks already.
    const homeMismatch = ctx.kind === "management" && home !== management;
    if (typeof adminAccount === "string" && home !== undefined && adminAccount !== home && !homeMismatch) {
      ctx.issue(
        [key, "account"],
        `permission sets live in ${JSON.stringify(adminAccount)}, and this stack deploys from ${JSON.stringify(home)}; move org-access:identityCenter to the stack of that account, or set account: ${home} if Identity Center is delegated there`,
      );
    }

    const groupNames = new Set(
      ctx.valid([key, "groups"], { ownLevelOnly: true }) ? Object.keys(config.groups) : [],
    );
    const setNames = new Map<string, number>();
    const breakGlassSets = new Set<string>();
    for (const [set, i] of entries(config.permissionSets)) {
      firstOrDuplicate(setNames, set.name, i, (first) =>
        ctx.issue(
          [key, "permissionSets", i, "name"],
          `duplicate permission set, already org-access:identityCenter.permissionSets[${first}]`,
        ),
      );
      if (set.breakGlass === true && typeof set.name === "string") breakGlassSets.add(set.name);
      checkPermissionSetAccess(ctx, set, [key, "permissionSets", i]);
    }
    const breakGlassGroups = ctx.valid([key, "breakGlassGroups"]) ? config.breakGlassGroups : [];
    breakGlassGroups.forEach((group, i) => {
      if (ctx.valid([key, "groups"], { ownLevelOnly: true }) && !groupNames.has(group)) {
        ctx.issue(
          [key, "breakGlassGroups", i],
          `unknown group ${JSON.stringify(group)}; add it to org-access:identityCenter.groups with its identity-store ID (known: ${[...groupNames].sort().join(", ") || "none"})`,
        );
      }
    });

    for (const [assignment, i] of entries(config.assignments)) {
      const at = [key, "assignments", i];
      const group = assignment.group;
      if (
        typeof group === "string" &&
        ctx.valid([key, "groups"], { ownLevelOnly: true }) &&
        !groupNames.has(group)
      ) {
        ctx.issue(
          [...at, "group"],
          `unknown group ${JSON.stringify(group)}; add it to org-access:identityCenter.groups with its identity-store ID (known: ${[...groupNames].sort().join(", ") || "none"})`,
        );
      }
      const set = assignment.permissionSet;
      if (typeof set === "string" && !setNames.has(set)) {
        ctx.issue(
          [...at, "permissionSet"],
          `unknown permission set ${JSON.stringify(set)}; use a name from org-access:identityCenter.permissionSets (${[...setNames.keys()].sort().join(", ") || "none"})`,
        );
      }
      if (
        typeof set === "string" &&
        breakGlassSets.has(set) &&
        typeof group === "string" &&
        !breakGlassGroups.includes(group)
      ) {
        ctx.issue(
          [...at, "group"],
          `${JSON.stringify(set)} is a break-glass permission set, and group ${JSON.stringify(group)} is not a break-glass group; assign it only to a group listed in org-access:identityCenter.breakGlassGroups (${breakGlassGroups.join(", ") || "none listed"}), whose membership is the emergency procedure`,
        );
      }
      checkTargets(ctx, assignment, at);
      const reachesManagement = management !== undefined && assignment.includeManagementAccount === true;
      if (reachesManagement && typeof adminAccount === "string" && adminAccount !== management) {
        ctx.issue(
          [...at, "includeManagementAccount"],
          `a delegated Identity Center administrator (${adminAccount}) cannot assign access to the management account; assign it from the management stack, or remove includeManagementAccount here`,
        );
      }
    }
  },
});
