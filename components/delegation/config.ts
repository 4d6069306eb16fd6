import { z } from "zod";
import { entries, firstOrDuplicate } from "../config/checks";
import {
  justificationSchema,
  MIN_JUSTIFICATION_LENGTH,
  requireJustification,
  validPolicies,
} from "../config/policies";
import { checkTargets, targetFields } from "../config/targets";
import { name, roleName } from "../config/primitives";
import { section } from "../config/section";
import {
  allowsEveryAction,
  identityStatementSchema,
  isAdministratorAccess,
  managedPolicyName,
} from "../config/statements";

/**
 * `org-access:delegation`: classic cross-account delegation. IAM users (and roles) live only in an
 * identity account; a role in each target account trusts exactly the named principals of that
 * account with MFA (and optionally from given networks), and the identity account's group gets an
 * inline policy allowing `sts:AssumeRole` on exactly those roles. See docs/delegation.md.
 */

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;
const PRINCIPAL = /^((user|role)\/([\w+=,.@-]+\/)*)?[\w+=,.@-]{1,64}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const GROUP_NAME = /^[\w+=,.@-]{1,128}$/;

const cidr = z
  .string({ error: "expected a CIDR range such as 203.0.113.0/24" })
  .refine((v) => IPV4_CIDR.test(v) || IPV6_CIDR.test(v), {
    message: "expected a CIDR range such as 203.0.113.0/24",
  })
  .refine((v) => v !== "0.0.0.0/0" && v !== "::/0", {
    message: "a range that matches every address restricts nothing; list your offices' or VPN's ranges",
  });

const delegationSchema = z
  .object({
    name: name("delegation").meta({
      description: "Short name, used in resource names and the group policy's name.",
    }),
    identityAccount: z
      .string({ error: "expected the identity account's name" })
      .meta({ description: "Account (by name) where the IAM users live; never the management account." }),
    /** Where the role goes: accounts, OUs, exclusions, and the management account only by its own key. */
    ...targetFields,
    roleName: roleName.meta({ description: "The role's name in every target account." }),
    principals: z
      .array(
        z
          .string({ error: "expected a user name, role/<name> or an ARN" })
          .refine((v) => PRINCIPAL.test(v) || PRINCIPAL_ARN.test(v), {
            message:
              "expected a user name (alice), user/<name>, role/<name> or an IAM user or role ARN; no wildcards",
          }),
      )
      .min(1, "name the IAM users or roles that may assume the role; a group cannot be a principal")
      .meta({
        description:
          "Who may assume it: user names (`alice`), `user/<name>`, `role/<name>`, or ARNs in the identity account.",
      }),
    group: z
      .object({
        name: z
          .string({ error: "expected the group's name" })
          .regex(GROUP_NAME, "use 1 to 128 letters, digits and + = , . @ _ -")
          .meta({ description: "The IAM group's name in the identity account." }),
        create: z.boolean({ error: "expected true or false" }).default(false).meta({
          description:
            "`true`: this stack creates the group; `false` (default): it exists and only gets the inline policy.",
        }),
      })
      .strict()
      .meta({ description: "The identity account's group whose members get `sts:AssumeRole` on the roles." }),
    requireMfa: z
      .boolean({ error: "expected true or false" })
      .default(true)
      .meta({ description: "MFA in the trust (and the group policy); on by default." }),
    withoutMfaJustification: z.string().trim().optional().meta({
      description:
        "Why the role may be assumed without MFA (role principals only, which cannot present MFA).",
    }),
    maxMfaAgeSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(300, "use at least 300 seconds")
      .max(129600, "an MFA session lasts at most 36 hours (129600 seconds)")
      .optional()
      .meta({ description: "How old the MFA sign-in may be, in seconds (`aws:MultiFactorAuthAge`)." }),
    sourceIpRanges: z
      .array(cidr)
      .min(1, "list at least one range, or remove sourceIpRanges")
      .optional()
      .meta({
        description: "Networks the calls must come from (`aws:SourceIp`), e.g. the office's static address.",
      }),
    managedPolicies: z
      .array(
        managedPolicyName.refine((p) => !isAdministratorAccess(p), {
          message:
            "delegated people get what the job needs, not AdministratorAccess; use ReadOnlyAccess plus an inlinePolicy of the actions the job needs",
        }),
      )
      .default([])
      .meta({ description: "AWS managed policies of the role.", examples: [["ReadOnlyAccess"]] }),
    inlinePolicy: z
      .array(
        identityStatementSchema.refine((st) => !allowsEveryAction(st), {
          path: ["Action"],
          message: 'allowing "*" is administrator access; list the actions the job needs',
        }),
      )
      .min(1, "list at least one statement, or remove inlinePolicy")
      .optional()
      .meta({
        description:
          "The role's inline statements; each also requires MFA and the source ranges, as the trust does.",
      }),
    justification: justificationSchema.optional().meta({
      description: "Why the role may hold admin-equivalent or privilege-escalating permissions, if it does.",
    }),
    requireSourceIdentity: z.boolean({ error: "expected true or false" }).default(false).meta({
      description:
        "Require `sts:SourceIdentity` to be the caller's IAM user name: the person's name stays on every call of the session and of any role chained from it (CloudTrail `sourceIdentity`).",
    }),
    maxSessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(900, "sessions last at least 900 seconds")
      .max(43200, "IAM's maximum is 43200 seconds")
      .default(3600)
      .meta({ description: "Longest session of the role." }),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.accounts.length === 0 && d.organizationalUnits.length === 0 && !d.includeManagementAccount) {
      ctx.addIssue({
        code: "custom",
        path: ["accounts"],
        message: "list the target accounts or organizationalUnits",
      });
    }
    if (d.managedPolicies.length === 0 && d.inlinePolicy === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["managedPolicies"],
        message:
          "a role with no policy grants nothing; list managedPolicies (e.g. ReadOnlyAccess) or an inlinePolicy",
      });
    }
    if (!d.requireMfa) {
      const users = d.principals.filter((p) => !p.startsWith("role/") && !/:role\//.test(p));
      if (users.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["requireMfa"],
          message: `people always sign in with MFA; requireMfa: false is only for role principals (automation), and ${users.map((u) => JSON.stringify(u)).join(", ")} ${users.length === 1 ? "is a user" : "are users"}`,
        });
      } else if ((d.withoutMfaJustification ?? "").length < MIN_JUSTIFICATION_LENGTH) {
        ctx.addIssue({
          code: "custom",
          path: ["withoutMfaJustification"],
          message: `requireMfa: false needs a written reason of at least ${MIN_JUSTIFICATION_LENGTH} characters: which automation, and why it cannot use the organization's role patterns`,
        });
      }
    } else if (d.withoutMfaJustification !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["withoutMfaJustification"],
        message: "only used with requireMfa: false; remove it",
      });
    }
    if (d.requireSourceIdentity) {
      const roles = d.principals.filter((p) => p.startsWith("role/") || /:role\//.test(p));
      if (roles.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["requireSourceIdentity"],
          message: `the source identity must equal the caller's IAM user name (\${aws:username}), which a role never has; ${roles.map((r) => JSON.stringify(r)).join(", ")} could never assume the role: list users only, or remove requireSourceIdentity`,
        });
      }
    }
    if (d.maxMfaAgeSeconds !== undefined && !d.requireMfa) {
      ctx.addIssue({
        code: "custom",
        path: ["maxMfaAgeSeconds"],
        message: "only used with requireMfa: true; remove it",
      });
    }
  });

export type DelegationConfig = z.infer<typeof delegationSchema>;

/** The ARN of a configured principal in the identity account. */
export function principalArn(identityAccountId: string, principal: string): string {
  if (principal.startsWith("arn:")) return principal;
  const qualified =
    principal.startsWith("user/") || principal.startsWith("role/") ? principal : `user/${principal}`;
  return `arn:aws:iam::${identityAccountId}:${qualified}`;
}

/** `org-access:delegation`. */
export const delegationSection = section({
  key: "delegation",
  schema: z.array(delegationSchema).optional(),
  check: (delegations, ctx) => {
    ctx.requireStackKind("delegation", "management", "Cross-account delegation (org-access:delegation)");
    const management = ctx.managementAccount;
    const names = new Map<string, number>();
    const roles = new Map<string, number>();
    for (const [d, i] of entries(delegations)) {
      const at = ["delegation", i];
      firstOrDuplicate(names, d.name, i, (first) =>
        ctx.issue([...at, "name"], `duplicate delegation, already org-access:delegation[${first}]`),
      );
      firstOrDuplicate(roles, d.roleName, i, (first) =>
        ctx.issue(
          [...at, "roleName"],
          `role ${JSON.stringify(d.roleName)} is already org-access:delegation[${first}]'s; give each delegation its own role`,
        ),
      );

      const identity = d.identityAccount;
      ctx.account(identity, [...at, "identityAccount"]);
      if (typeof identity === "string" && identity === management) {
        ctx.issue(
          [...at, "identityAccount"],
          "users in the management account would start next to the organization's administration; keep them in a dedicated identity (e.g. security) account",
        );
      }
      checkTargets(ctx, d, at);
      requireJustification(
        ctx,
        validPolicies(
          ctx,
          { refs: d.managedPolicies, path: [...at, "managedPolicies"] },
          { statements: d.inlinePolicy, path: [...at, "inlinePolicy"] },
        ),
        ctx.valid([...at, "justification"]) ? d.justification : undefined,
        `org-access:delegation[${i}].justification`,
      );
      if (ctx.valid([...at, "accounts"])) {
        d.accounts.forEach((t, j) => {
          if (typeof identity === "string" && t === identity) {
            ctx.issue(
              [...at, "accounts", j],
              "the identity account is where the users are; delegation grants access to other accounts, so remove it",
            );
          }
        });
      }

      const identityId = typeof identity === "string" ? ctx.accountNamed(identity)?.id : undefined;
      if (identityId !== undefined && ctx.valid([...at, "principals"], { ownLevelOnly: true })) {
        d.principals.forEach((p, j) => {
          const match = typeof p === "string" ? PRINCIPAL_ARN.exec(p) : null;
          if (match !== null && match[1] !== identityId) {
            ctx.issue(
              [...at, "principals", j],
              `is in account ${match[1]}, not the identity account ${identity} (${identityId}); users exist only in the identity account`,
            );
          }
        });
      }
    }
  },
});
