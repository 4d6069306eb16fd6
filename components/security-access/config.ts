import { z } from "zod";
import { operationPreferencesSchema } from "../config/stackset";
import { entries, firstOrDuplicate } from "../config/checks";
import { managedPolicies, requireReadOnly } from "../config/policies";
import { checkTargets, targetFields } from "../config/targets";
import { roleName } from "../config/primitives";
import { section } from "../config/section";

export const DEFAULT_SECURITY_ACCESS_ROLE_NAME = "SecurityAccessRole";

/** A principal of the delegated-admin account: a role name there, or a role/user ARN of that account. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/[\w+=,.@/-]{1,512}$/;
const ROLE_NAME_OR_PATH = /^[\w+=,.@/-]{1,512}$/;

/** `teams[]`: one source role in the delegated-admin account and the target role its team may assume. */
const teamSchema = z
  .object({
    name: z
      .string({ error: "expected the team's name as a string" })
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "use 1 to 40 lower-case letters, digits and hyphens")
      .meta({ description: "The team's name, used in resource names." }),
    sourceRoleName: roleName.meta({
      description: "The role in the delegated-admin account that this team's automation runs as.",
    }),
    targetRoleName: roleName
      .default(DEFAULT_SECURITY_ACCESS_ROLE_NAME)
      .meta({ description: "The role in target accounts this team may assume; unique per team." }),
    trustedPrincipals: z
      .array(z.string({ error: "expected a role name or ARN" }))
      .default([])
      .meta({
        description:
          "Who may assume the source role: role names or ARNs in the delegated-admin account; empty = that account.",
      }),
    managedPolicies: z
      .array(z.string({ error: "expected a managed policy name or ARN" }))
      .min(1, "list at least one policy, e.g. SecurityAudit")
      .default(["SecurityAudit"])
      .meta({ description: "What the target role may do: AWS managed policy names or ARNs." }),
  })
  .strict();

const rolloutSchema = z
  .object({
    mode: z
      .enum(["providers", "stackset"], {
        error:
          '"providers" (the management stack creates each copy through per-account providers) or "stackset" (the security stack rolls it out by StackSet)',
      })
      .default("providers")
      .meta({
        description:
          "`providers`: the management stack creates each target role; `stackset`: the security stack's StackSet does.",
      }),
    /**
     * OUs and accounts; `accounts` are the exceptional ones, deployed one by one by the management
     * stack in both modes; `includeManagementAccount: true` deploys the payer copy (management stack
     * only: no StackSet reaches it).
     */
    ...targetFields,
    operationPreferences: operationPreferencesSchema,
  })
  .strict();

const schema = z
  .object({
    delegatedAdminAccount: z
      .string({ error: "expected an account name" })
      .default("security")
      .meta({ description: "The delegated-admin account (by name) that holds the source roles." }),
    teams: z.array(teamSchema).min(1, "list at least one team").meta({
      description:
        "The teams: each gets a source role in the delegated-admin account and a target role it may assume.",
    }),
    rollout: rolloutSchema.prefault({}).meta({
      description:
        "Where the target roles go and how: per-account providers from the management stack, or the security stack's StackSet.",
    }),
  })
  .strict()
  .optional();

export type SecurityAccessConfig = NonNullable<z.infer<typeof schema>>;
export type SecurityAccessTeamConfig = z.infer<typeof teamSchema>;

/** `org-access:securityAccess`: delegated-admin source roles, SecurityAccessRole targets, caller policies. */
export const securityAccessSection = section({
  key: "securityAccess",
  schema,
  check: (config, ctx) => {
    const path = ["securityAccess"];
    const management = ctx.managementAccount;
    const admin = config.delegatedAdminAccount;
    const adminPath = [...path, "delegatedAdminAccount"];
    if (typeof admin === "string" && admin === management) {
      ctx.issue(
        adminPath,
        "the delegated admin must be a member account: the point of delegated security access is to keep the management account out of daily work; name the security account",
      );
    } else {
      ctx.account(admin, adminPath);
    }
    const adminId = typeof admin === "string" ? ctx.accountNamed(admin)?.id : undefined;
    const home = ctx.valid(["deployment", "account"]) ? ctx.config.deployment.account : undefined;
    if (ctx.kind === "security" && typeof admin === "string" && home !== admin) {
      ctx.issue(
        adminPath,
        `the security stack deploys from ${JSON.stringify(home)} (org-access:deployment.account), but the source roles belong in ${JSON.stringify(admin)}; make them the same account`,
      );
    }

    const providersRole = ctx.config.providers.roleName;
    const names = new Map<string, number>();
    const roles = new Map<string, string>();
    for (const [team, i] of entries(config.teams)) {
      const at = [...path, "teams", i];
      firstOrDuplicate(names, team.name, i, (first) =>
        ctx.issue(
          [...at, "name"],
          `duplicate team ${JSON.stringify(team.name)}, already org-access:securityAccess.teams[${first}]`,
        ),
      );
      for (const key of ["sourceRoleName", "targetRoleName"] as const) {
        const role = team[key];
        if (typeof role !== "string") continue;
        if (role === providersRole) {
          ctx.issue(
            [...at, key],
            `${role} is the role the providers assume (org-access:providers.roleName); give the team's role its own name`,
          );
          continue;
        }
        const owner = roles.get(role);
        if (owner !== undefined) {
          ctx.issue(
            [...at, key],
            `role name ${JSON.stringify(role)} is already used by ${owner}; each team has its own source and target role, so its caller policy grants only that team's role${key === "targetRoleName" ? " (set targetRoleName)" : ""}`,
          );
        } else {
          roles.set(role, `org-access:securityAccess.teams[${i}].${key}`);
        }
      }

      if (ctx.valid([...at, "trustedPrincipals"])) {
        team.trustedPrincipals.forEach((principal, j) => {
          const pat = [...at, "trustedPrincipals", j];
          const arn = PRINCIPAL_ARN.exec(principal);
          if (principal.includes("*")) {
            ctx.issue(pat, "wildcards are not allowed; name each role exactly");
          } else if (principal.startsWith("arn:")) {
            if (arn === null) {
              ctx.issue(pat, `${JSON.stringify(principal)} is not an IAM role or user ARN`);
            } else if (adminId !== undefined && arn[1] !== adminId) {
              ctx.issue(
                pat,
                `${JSON.stringify(principal)} is in account ${arn[1]}, not the delegated-admin account ${adminId}; the source role trusts principals of its own account only`,
              );
            }
          } else if (!ROLE_NAME_OR_PATH.test(principal)) {
            ctx.issue(pat, `${JSON.stringify(principal)} is neither a role name nor an IAM ARN`);
          }
        });
      }

      if (ctx.valid([...at, "managedPolicies"])) {
        // A security team's target role audits: it never changes the accounts it reads.
        requireReadOnly(
          ctx,
          managedPolicies(team.managedPolicies, [...at, "managedPolicies"]),
          "a security team's target role",
        );
      }
    }

    if (!ctx.valid([...path, "rollout"], { ownLevelOnly: true })) return;
    const rollout = config.rollout;
    const rolloutPath = [...path, "rollout"];
    const valid = (key: string) => ctx.valid([...rolloutPath, key]);
    const mode = valid("mode") ? rollout.mode : undefined;
    checkTargets(ctx, rollout, rolloutPath, {
      stackSet: mode === "stackset",
      // In stackset mode the listed accounts of a targeted OU are the ones deployed one by one.
      accountsInTargetedOus: mode === "stackset" ? "allowed" : "redundant",
      required:
        "targets no account; list organizationalUnits or accounts, or set includeManagementAccount: true",
    });
  },
});
