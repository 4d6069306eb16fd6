import { z } from "zod";
import {
  autoDeploymentSchema,
  DEFAULT_BOUNDARY_STACKSET_NAME,
  operationPreferencesSchema,
  propagationWaitSchema,
  stackSetNameSchema,
} from "../../cloudformation/config";
import { CheckContext, ConfigPath, entries, firstOrDuplicate } from "../checks";
import { EXACT_PRINCIPAL_ARN, principalExemptionSchema, roleExemptionSchema } from "../exemptions";
import { checkTargets, targetsSchema } from "../targets";
import {
  SCP_MAX_CHARACTERS,
  SCP_PRESETS,
  scpDocument,
  ScpPreset,
  scpSize,
} from "../../guardrails/scp-documents";
import { PolicyStatement } from "../../iam/documents";
import { name, region, roleName } from "../primitives";
import type { OrgAccessConfig } from "../schema";
import { section } from "../section";
import { accessAnalyzersSchema, checkAccessAnalyzers } from "./accessAnalyzers";
import { checkResourceControlPolicies, resourceControlPolicySchema } from "./resourceControlPolicies";
import { checkRootAccess, rootAccessSchema } from "./rootAccess";

export const DEFAULT_BOUNDARY_POLICY_NAME = "org-access-boundary";
export { DEFAULT_BOUNDARY_STACKSET_NAME };

/** Organizations attaches at most 5 SCPs to one OU or account, and `FullAWSAccess` is one of them. */
export const MAX_SCPS_PER_TARGET = 4;

const SID = /^[A-Za-z0-9]{1,128}$/;

const stringOrList = z.union([z.string(), z.array(z.string()).min(1)], {
  error: "expected an action (string) or a list of actions",
});

/** A hand-written SCP statement, for what the presets do not cover; always a Deny. */
const statementSchema = z
  .object({
    Sid: z.string({ error: "expected a statement ID" }).regex(SID, "a Sid is letters and digits only"),
    Effect: z.literal("Deny", {
      error:
        'SCP statements here are "Deny": accounts keep FullAWSAccess and the guardrails subtract from it',
    }),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Resource: stringOrList.default("*"),
    Condition: z.record(z.string(), z.record(z.string(), stringOrList)).optional(),
  })
  .strict()
  .refine((s) => (s.Action === undefined) !== (s.NotAction === undefined), {
    message: "set exactly one of Action or NotAction",
  });

const scpSchema = z
  .object({
    name: name("SCP").meta({
      description: "The SCP's name; the policy in Organizations is `org-access-<name>`.",
    }),
    description: z.string().max(512, "Organizations accepts at most 512 characters").optional(),
    presets: z
      .array(
        z.enum(SCP_PRESETS, {
          error: `expected one of ${SCP_PRESETS.join(", ")}`,
        }),
      )
      .default([])
      .meta({
        description:
          "Named guardrails to combine into this one policy (fewer policies, since each target takes 5).",
      }),
    statements: z
      .array(statementSchema)
      .default([])
      .meta({ description: "Hand-written Deny statements appended after the presets." }),
    allowedRegions: z
      .array(region)
      .min(1, "list at least one region")
      .optional()
      .meta({ description: "Regions the `region-allow-list` preset keeps open." }),
    exemptions: z
      .array(principalExemptionSchema)
      .default([])
      .meta({
        description:
          "Principals the `deny-iam-users` and `region-allow-list` presets leave alone (break-glass), or that may still change protected roles: each an exact role or user ARN with its reason.",
      }),
    protectedRoleNames: z
      .array(roleName)
      .default([])
      .meta({
        description:
          "Role names `protect-managed-roles` covers besides every role this stack manages (e.g. roles of other stacks).",
      }),
    targets: targetsSchema
      .omit({ excludeAccounts: true })
      .meta({
        description:
          "Where it is attached: OU names (`root` for the organization root) and member account names.",
      }),
  })
  .strict()
  .superRefine((scp, ctx) => {
    if (scp.presets.length === 0 && scp.statements.length === 0) {
      ctx.addIssue({ code: "custom", path: ["presets"], message: "list at least one preset or statement" });
      return;
    }
    const seen = new Set<ScpPreset>();
    scp.presets.forEach((preset, i) => {
      if (seen.has(preset))
        ctx.addIssue({ code: "custom", path: ["presets", i], message: `${preset} is listed twice` });
      seen.add(preset);
    });
    const regional = seen.has("region-allow-list");
    if (regional && scp.allowedRegions === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["allowedRegions"],
        message: "the region-allow-list preset needs allowedRegions, e.g. [us-east-1, eu-west-1]",
      });
    }
    if (!regional && scp.allowedRegions !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["allowedRegions"],
        message: "only the region-allow-list preset uses allowedRegions; add that preset or remove the key",
      });
    }
    if (scp.targets.organizationalUnits.length === 0 && scp.targets.accounts.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["targets"],
        message: "attach it to at least one OU or account (targets.organizationalUnits / targets.accounts)",
      });
    }
    const exemptArns = scp.exemptions.map((e) => e.principal);
    // The role names come from the stack at run time; check what is known now.
    const document = scpDocument(
      scp.presets,
      {
        allowedRegions: scp.allowedRegions ?? ["us-east-1"],
        exemptPrincipalArns: exemptArns,
        protectedRoleNames: scp.protectedRoleNames.length ? scp.protectedRoleNames : ["placeholder"],
        deployingPrincipalArns: exemptArns.length ? exemptArns : ["placeholder"],
      },
      scp.statements as PolicyStatement[],
    );
    const size = scpSize(document);
    if (size > SCP_MAX_CHARACTERS) {
      ctx.addIssue({
        code: "custom",
        path: ["presets"],
        message: `the policy is ${size} characters, over the ${SCP_MAX_CHARACTERS} Organizations accepts; split its presets and statements across two entries`,
      });
    }
  });

/** `permissionsBoundary.rollout`: how the boundary policy reaches the accounts. */
const boundaryRolloutSchema = z
  .object({
    mode: z
      .enum(["providers", "stackset"], {
        error:
          '"providers" (the policy is created in each account through its provider) or "stackset" (a service-managed StackSet over the boundary OUs creates it)',
      })
      .default("providers")
      .meta({
        description:
          "`providers`: one policy per account through its provider; `stackset`: one StackSet over the boundary OUs.",
      }),
    stackSetName: stackSetNameSchema.default(DEFAULT_BOUNDARY_STACKSET_NAME),
    operationPreferences: operationPreferencesSchema,
    // Kept by default: a role that stays behind in an account that left keeps its guardrail.
    autoDeployment: autoDeploymentSchema(true),
    propagationWaitSeconds: propagationWaitSchema(10).meta({
      description: "Seconds a provider waits after the StackSet created the policy, before roles name it.",
    }),
  })
  .strict();

const boundarySchema = z
  .object({
    enabled: z.boolean({ error: "expected true or false" }).default(true),
    policyName: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, "use 1 to 128 letters, digits and + = , . @ _ -")
      .default(DEFAULT_BOUNDARY_POLICY_NAME)
      .meta({ description: "The boundary policy's name in each account." }),
    organizationalUnits: z
      .array(z.string({ error: "expected an OU name" }))
      .optional()
      .meta({
        description: "OUs whose accounts get the boundary; default: every OU marked `workload: true`.",
      }),
    accounts: z
      .array(z.string({ error: "expected an account name" }))
      .default([])
      .meta({ description: "Extra accounts that get the boundary." }),
    exemptRoles: z
      .array(roleExemptionSchema)
      .default([])
      .meta({
        description: "Custom roles (by exact name) that must not carry the boundary, each with the reason.",
      }),
    rollout: boundaryRolloutSchema
      .prefault({})
      .meta({
        description:
          "`providers` (default) or `stackset` over the boundary OUs; listed accounts always by provider.",
      }),
  })
  .strict();

const schema = z
  .object({
    scps: z
      .array(scpSchema)
      .default([])
      .meta({ description: "Service control policies and where they are attached." }),
    permissionsBoundary: boundarySchema
      .optional()
      .meta({
        description: "The boundary set on every custom role this program creates in workload accounts.",
      }),
    resourceControlPolicies: z
      .array(resourceControlPolicySchema)
      .default([])
      .meta({ description: "Resource control policies (the data perimeter) and where they are attached." }),
    rootAccess: rootAccessSchema
      .optional()
      .meta({ description: "Centralized root access for member accounts." }),
    accessAnalyzers: accessAnalyzersSchema
      .optional()
      .meta({
        description: "The organization's IAM Access Analyzer analyzers and their delegated administrator.",
      }),
  })
  .strict()
  .optional();

export type GuardrailsConfig = NonNullable<z.infer<typeof schema>>;
export type ScpConfig = z.infer<typeof scpSchema>;
export type PermissionsBoundaryConfig = z.infer<typeof boundarySchema>;
export type PermissionsBoundaryRolloutConfig = z.infer<typeof boundaryRolloutSchema>;

/**
 * `org-access:guardrails`: SCPs from presets, the permissions boundary of workload accounts, RCPs,
 * centralized root access and the organization's access analyzers. The management stack deploys
 * them. A security stack may repeat `permissionsBoundary` (the same block): it creates no policy, but
 * its StackSet roles then carry the boundary in the accounts that have it; and `accessAnalyzers`,
 * whose analyzers it creates in its own account.
 */
export const guardrailsSection = section({
  key: "guardrails",
  schema,
  check: (guardrails, ctx) => {
    checkResourceControlPolicies(guardrails, ctx);
    checkRootAccess(guardrails, ctx);
    checkAccessAnalyzers(guardrails, ctx);
    const path = ["guardrails"];
    const scps = ctx.valid([...path, "scps"], { ownLevelOnly: true }) ? guardrails.scps : [];
    if (ctx.kind === "security" && scps.length > 0) {
      ctx.issue(
        [...path, "scps"],
        "SCPs are attached by the management stack, and this is a security stack; move scps to Pulumi.management.yaml (of the guardrails a security stack keeps permissionsBoundary, so the roles its StackSets create carry the boundary, and accessAnalyzers, whose analyzers it creates)",
      );
    }
    const management = ctx.managementAccount;
    const providerRegion = ctx.valid(["providers", "region"]) ? ctx.config.providers.region : undefined;
    const names = new Map<string, number>();
    const perTarget = new Map<string, ConfigPath[]>();

    for (const [scp, i] of entries(scps)) {
      const at = [...path, "scps", i];
      firstOrDuplicate(names, scp.name, i, (first) =>
        ctx.issue([...at, "name"], `duplicate SCP name, already org-access:guardrails.scps[${first}]`),
      );
      const targets = ctx.valid([...at, "targets"], { ownLevelOnly: true }) ? scp.targets : undefined;
      if (targets !== undefined) {
        checkTargets(ctx, targets, [...at, "targets"], {
          neverManagement:
            "SCPs never restrict the management account, so attaching one there protects nothing; keep the management account narrow through who may use it, and attach SCPs to member OUs or accounts",
          allowRoot: true,
          emptyOrganizationalUnits: "allowed",
        });
        const ous = ctx.valid([...at, "targets", "organizationalUnits"]) ? targets.organizationalUnits : [];
        for (const ou of ous) perTarget.set(`OU ${ou}`, [...(perTarget.get(`OU ${ou}`) ?? []), at]);
        const accounts = ctx.valid([...at, "targets", "accounts"]) ? targets.accounts : [];
        for (const account of accounts.filter((a) => a !== management)) {
          perTarget.set(`account ${account}`, [...(perTarget.get(`account ${account}`) ?? []), at]);
        }
      }

      if (ctx.valid([...at, "exemptions"])) {
        scp.exemptions.forEach((exemption, j) => {
          const account = EXACT_PRINCIPAL_ARN.exec(exemption.principal)?.[1];
          if (
            account !== undefined &&
            !ctx.accounts.some((a) => a.id === account) &&
            ctx.valid(["accounts"])
          ) {
            ctx.issue(
              [...at, "exemptions", j, "principal"],
              `is in account ${account}, which is not in org-access:accounts; an SCP applies only to principals of the organization, so this exempts nothing: name a principal of a member account`,
            );
          }
        });
      }

      const regions = ctx.valid([...at, "allowedRegions"]) ? scp.allowedRegions : undefined;
      if (
        regions !== undefined &&
        regions.length > 0 &&
        providerRegion !== undefined &&
        !regions.includes(providerRegion)
      ) {
        ctx.issue(
          [...at, "allowedRegions"],
          `the providers deploy in ${providerRegion} (org-access:providers.region), which this list would deny; add ${providerRegion}`,
        );
      }
    }

    for (const [target, scpPaths] of perTarget) {
      if (scpPaths.length > MAX_SCPS_PER_TARGET) {
        ctx.issue(
          [...scpPaths[MAX_SCPS_PER_TARGET], "targets"],
          `${target} would get ${scpPaths.length} SCPs from this stack; Organizations allows 5 per target including FullAWSAccess, so at most ${MAX_SCPS_PER_TARGET}: combine presets into fewer entries`,
        );
      }
    }

    const boundary = guardrails.permissionsBoundary;
    const bpath = [...path, "permissionsBoundary"];
    if (boundary === undefined || !ctx.valid(bpath, { ownLevelOnly: true }) || boundary.enabled === false)
      return;
    const valid = (key: string) => ctx.valid([...bpath, key]);
    ctx.organizationalUnitList(boundary.organizationalUnits, [...bpath, "organizationalUnits"]);
    const boundaryAccounts = valid("accounts") ? boundary.accounts : [];
    boundaryAccounts.forEach((account, j) => {
      const accountPath = [...bpath, "accounts", j];
      if (account === management) {
        ctx.issue(
          accountPath,
          "the boundary belongs in workload accounts; the management account runs no workloads, remove it",
        );
        return;
      }
      ctx.account(account, accountPath);
    });
    if (!valid("organizationalUnits") || !ctx.valid(["organizationalUnits"])) return;
    const listed = boundary.organizationalUnits ?? workloadOrganizationalUnits(ctx.config);
    const covered = ctx.accounts.filter((a) => a.ou !== undefined && listed.includes(a.ou));
    if (ctx.knowsAccounts && covered.length === 0 && boundaryAccounts.length === 0) {
      ctx.issue(
        bpath,
        "reaches no account; mark workload OUs with `workload: true` in org-access:organizationalUnits, or list organizationalUnits or accounts here",
      );
    }
    checkStackSetRoleTargets(ctx, bpath, listed, boundaryAccounts);
    if (valid("rollout")) checkBoundaryStackSet(ctx, bpath, boundary, listed);
  },
});

/**
 * Boundaries are on by default: a config with OUs marked `workload: true` and no
 * `guardrails.permissionsBoundary` gets the boundary with its defaults (turn it off with
 * `enabled: false`). The loader applies this once, after the checks.
 */
export function withDefaultBoundary<C extends Pick<OrgAccessConfig, "guardrails" | "organizationalUnits">>(
  config: C,
): C {
  if (config.guardrails?.permissionsBoundary !== undefined) return config;
  if (workloadOrganizationalUnits(config).length === 0) return config;
  return {
    ...config,
    guardrails: {
      ...(config.guardrails ?? schema.unwrap().parse({})),
      permissionsBoundary: boundarySchema.parse({}),
    },
  };
}

/** The OUs marked `workload: true`: the boundary's OUs unless it lists its own. */
export function workloadOrganizationalUnits(config: Pick<OrgAccessConfig, "organizationalUnits">): string[] {
  return config.organizationalUnits.filter((ou) => ou.workload === true).map((ou) => ou.name);
}

/**
 * A StackSet instance passes one boundary to every account of its OU. An account listed under
 * `permissionsBoundary.accounts` whose OU a role StackSet targets (and whose OU has no boundary)
 * would get a different role from its neighbours: report it with the fixes.
 */
function checkStackSetRoleTargets(
  ctx: CheckContext,
  bpath: ConfigPath,
  boundaryOus: readonly string[],
  boundaryAccounts: readonly string[],
): void {
  const { audit, securityAccess, guardrails } = ctx.config;
  const exempt = (guardrails?.permissionsBoundary?.exemptRoles ?? []).map((e) => e?.role);
  const rollouts: { key: string; ous: string[]; individually: string[]; roles: string[]; fix: string }[] = [];
  if (audit !== undefined && ctx.valid(["audit"]) && audit.rollout.mode === "stackset") {
    rollouts.push({
      key: "org-access:audit",
      ous: audit.targets.organizationalUnits,
      individually: [],
      roles: [audit.roleName],
      fix: "or set org-access:audit.rollout.mode: providers",
    });
  }
  if (
    securityAccess !== undefined &&
    ctx.valid(["securityAccess"]) &&
    securityAccess.rollout.mode === "stackset"
  ) {
    rollouts.push({
      key: "org-access:securityAccess",
      ous: securityAccess.rollout.organizationalUnits,
      individually: securityAccess.rollout.accounts,
      roles: securityAccess.teams.map((t) => t.targetRoleName),
      fix: "or list the account under org-access:securityAccess.rollout.accounts (deployed one by one)",
    });
  }
  boundaryAccounts.forEach((name, j) => {
    const ou = ctx.accountNamed(name)?.ou;
    if (ou === undefined || boundaryOus.includes(ou)) return;
    for (const rollout of rollouts) {
      if (!rollout.ous.includes(ou) || rollout.individually.includes(name)) continue;
      if (rollout.roles.every((role) => exempt.includes(role))) continue;
      ctx.issue(
        [...bpath, "accounts", j],
        `${JSON.stringify(name)} is in organizational unit ${JSON.stringify(ou)}, which ${rollout.key} rolls out by StackSet with one boundary for the whole OU; add ${JSON.stringify(ou)} to permissionsBoundary.organizationalUnits, ${rollout.fix}`,
      );
    }
  });
}

/** The boundary StackSet reaches the boundary OUs: never the root, never an empty OU. */
function checkBoundaryStackSet(
  ctx: CheckContext,
  bpath: ConfigPath,
  boundary: PermissionsBoundaryConfig,
  boundaryOus: readonly string[],
): void {
  if (boundary.rollout.mode !== "stackset") return;
  boundaryOus.forEach((ou, i) => {
    const at =
      boundary.organizationalUnits === undefined
        ? [...bpath, "rollout", "mode"]
        : [...bpath, "organizationalUnits", i];
    if (ou === "root") {
      ctx.issue(
        at,
        "the StackSet cannot target the organization root, which holds the management account; list the workload OUs by name",
      );
    } else if (ctx.accountsIn(ou)?.length === 0) {
      ctx.issue(
        at,
        `organizational unit ${JSON.stringify(ou)} has no account in org-access:accounts, and a StackSet instance on an empty OU fails; add its accounts or leave the OU out of the boundary`,
      );
    }
  });
}
