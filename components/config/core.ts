import { z } from "zod";
import { CheckContext, duplicates, entries } from "./checks";
import {
  accountId,
  name,
  organizationId,
  ouId,
  region,
  roleName,
  rootId,
  SESSION_NAME_PATTERN,
  tags,
} from "./primitives";

export const organizationSchema = z
  .object({
    id: organizationId.meta({
      description: "Organization ID (`o-…`); used in every `aws:PrincipalOrgID` condition.",
    }),
    managementAccountId: accountId.meta({
      description: "The management (payer) account's ID; must be in `accounts`.",
    }),
    rootId: rootId.meta({ description: "The organization root (`r-…`), for SCP attachments." }),
  })
  .strict();

export const organizationalUnitSchema = z
  .object({
    name: name("organizational unit").meta({
      description: "The OU's name, lower-case; accounts and targets refer to it.",
    }),
    id: ouId.meta({ description: "The OU's ID (`ou-…`)." }),
    workload: z.boolean().optional().meta({
      description: "Which workloads live here; drives the permissions-boundary and advisory rules.",
    }),
  })
  .strict();

export const accountSchema = z
  .object({
    name: name("account").meta({
      description: "The account's name, lower-case; everything else in the config refers to it.",
    }),
    id: accountId.meta({
      description: "The 12-digit account ID, as a quoted string (quotes keep leading zeros).",
    }),
    ou: z.string({ error: "expected the name of the account's organizational unit, or `root`" }).meta({
      description:
        "OU name, or `root` for accounts directly under the organization root (the management account).",
    }),
    environment: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,19}$/, "use a short lower-case environment name")
      .optional()
      .meta({
        description:
          "The account's environment (`prod`, `staging`, …): CI/CD pipelines deploy to accounts by environment.",
      }),
    tags: tags.meta({ description: "Tags of the account, as a flat string map." }),
  })
  .strict();

export const deploymentSchema = z
  .object({
    kind: z
      .enum(["management", "security"], {
        error:
          'expected "management" (runs in the management account) or "security" (runs in the delegated-admin security account)',
      })
      .meta({ description: "Which stack this is; decides the capabilities it deploys." }),
    account: z.string({ error: "expected the name of the account this stack deploys from" }).meta({
      description:
        "The account the stack deploys from (a management stack must name the management account).",
    }),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "expected an IAM role ARN")
      .optional()
      .meta({
        description:
          "Role the home provider assumes (the pipeline's deploy role); ambient credentials when absent.",
      }),
  })
  .strict();

export const providersSchema = z
  .object({
    roleName: roleName
      .default("OrganizationAccountAccessRole")
      .meta({ description: "Role the per-account providers assume." }),
    sessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(900, "sessions last at least 15 minutes (900 seconds); set a value from 900 to 3600")
      .max(3600, "role chaining caps sessions at 1 hour (3600 seconds); set a value from 900 to 3600")
      .default(900)
      .meta({
        description: "Provider session length in seconds (900 to 3600; role chaining caps it at one hour).",
      }),
    sessionName: z
      .string()
      .regex(SESSION_NAME_PATTERN, "a session name is 2 to 64 letters, digits and + = , . @ _ -")
      .optional()
      .meta({ description: "Provider session name, as CloudTrail shows it; default `org-access-<stack>`." }),
    region: region
      .default("us-east-1")
      .meta({ description: "Region of every provider (IAM is global; StackSets are regional)." }),
    access: z
      .enum(["deploy", "preview"], {
        error:
          'expected "deploy" (pulumi up) or "preview" (read-only pulumi preview through the member preview roles)',
      })
      .default("deploy")
      .meta({
        description:
          "Which role member-account providers assume: `deploy` (`roleName`, for `pulumi up`) or `preview` (the read-only member preview role of `org-access:pipeline`, for `pulumi preview` on pull requests, set on the command line: `--config-path -c org-access:providers.access=preview`).",
      }),
  })
  .strict();

export const scopeSchema = z
  .object({
    accounts: z
      .array(z.string())
      .optional()
      .meta({ description: "Accounts (by name) this stack rolls out to; default: all." }),
    organizationalUnits: z
      .array(z.string())
      .optional()
      .meta({ description: "OUs (by name) whose accounts this stack rolls out to; default: all." }),
    organizationWide: z.boolean({ error: "expected true or false" }).default(false).meta({
      description:
        "Whether this shard owns the organization-wide resources (StackSets, the management account's roles, delegated administrators, SCPs, Identity Center). Exactly one shard of each stack kind sets it; without a scope the stack owns them.",
    }),
  })
  .strict();

export type OrganizationConfig = z.infer<typeof organizationSchema>;
export type OrganizationalUnitConfig = z.infer<typeof organizationalUnitSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type ProvidersConfig = z.infer<typeof providersSchema>;
export type ScopeConfig = z.infer<typeof scopeSchema>;

/**
 * Checks within the core keys, on the parsed config: unique names and IDs, known OUs, the
 * management account listed, the deployment account known, the scope's names known.
 */
export function checkCore(config: CoreConfig, ctx: CheckContext): void {
  if (ctx.valid(["organizationalUnits"], { ownLevelOnly: true })) {
    reportDuplicates(
      ctx,
      config.organizationalUnits,
      "organizationalUnits",
      "name",
      "organizational unit name",
    );
    reportDuplicates(ctx, config.organizationalUnits, "organizationalUnits", "id", "organizational unit ID");
  }
  if (ctx.valid(["accounts"], { ownLevelOnly: true })) {
    reportDuplicates(ctx, config.accounts, "accounts", "name", "account name");
    reportDuplicates(ctx, config.accounts, "accounts", "id", "account ID");
    for (const [account, i] of entries(config.accounts)) {
      if (ctx.valid(["accounts", i, "ou"])) ctx.organizationalUnit(account.ou, ["accounts", i, "ou"], true);
    }
    const managementId = ctx.valid(["organization", "managementAccountId"])
      ? config.organization.managementAccountId
      : undefined;
    const ids = ctx.accounts.map((a) => a.id);
    // An account whose ID failed to parse may be the management account: that is reported already.
    if (managementId !== undefined && !ids.includes(managementId) && !ids.includes(undefined)) {
      ctx.issue(
        ["accounts"],
        `the management account ${managementId} (org-access:organization.managementAccountId) is not in the inventory; add it with \`ou: root\``,
      );
    }
  }

  if (
    ctx.valid(["providers", "access"]) &&
    config.providers.access === "preview" &&
    (config.pipeline === undefined || config.pipeline.preview === false)
  ) {
    ctx.issue(
      ["providers", "access"],
      "a read-only preview reaches member accounts through the member preview roles of org-access:pipeline; configure org-access:pipeline with preview: true, or preview with the default access",
    );
  }

  if (ctx.valid(["deployment", "account"])) {
    const account = config.deployment.account;
    if (!ctx.isAccount(account)) {
      ctx.issue(
        ["deployment", "account"],
        `unknown account ${JSON.stringify(account)}; name the account this stack deploys from, as listed in org-access:accounts`,
      );
    } else if (
      ctx.kind === "management" &&
      ctx.managementAccount !== undefined &&
      account !== ctx.managementAccount
    ) {
      ctx.issue(
        ["deployment", "account"],
        `a management stack deploys from the management account (${config.organization.managementAccountId}); name that account here or set kind: security`,
      );
    }
  }

  if (config.scope !== undefined) {
    ctx.accountList(config.scope.accounts, ["scope", "accounts"]);
    ctx.organizationalUnitList(config.scope.organizationalUnits, ["scope", "organizationalUnits"]);
  }
}

/** The core keys, as the core checks read them. */
export interface CoreConfig {
  readonly organization: OrganizationConfig;
  readonly organizationalUnits: readonly OrganizationalUnitConfig[];
  readonly accounts: readonly AccountConfig[];
  readonly deployment: DeploymentConfig;
  readonly providers: ProvidersConfig;
  readonly scope?: ScopeConfig;
  readonly pipeline?: { readonly preview: boolean };
}

function reportDuplicates<T extends { readonly name: string; readonly id: string }>(
  ctx: CheckContext,
  items: readonly T[],
  key: "accounts" | "organizationalUnits",
  field: "name" | "id",
  what: string,
): void {
  const valid = entries(items).filter(([, i]) => ctx.valid([key, i, field]));
  for (const [index, first] of duplicates(valid, ([item]) => item[field])) {
    const [item, at] = valid[index];
    ctx.issue(
      [key, at, field],
      `duplicate ${what} ${JSON.stringify(item[field])}, already used by org-access:${key}[${valid[first][1]}]; each ${what} must be unique`,
    );
  }
}
