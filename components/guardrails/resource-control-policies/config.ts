import { z } from "zod";
import { policySize } from "../organization-policy";
import {
  DEFAULT_PERIMETER_SERVICES,
  RCP_MAX_CHARACTERS,
  RCP_PRESETS,
  rcpDocument,
  RcpPreset,
} from "./rcp-documents";
import { PolicyStatement } from "../../iam/documents";
import { rcpServices } from "../../../policy-pack/lib/actions";
import { pipelineSubjects } from "../../pipeline-layout";
import { name } from "../../config/primitives";
import type { OrgAccessConfig } from "../../config/schema";
import { githubSubject } from "../../config/github";
import { CheckContext, ConfigPath } from "../../config/checks";
import { checkTargets, targetsSchema } from "../../config/targets";

/**
 * `org-access:guardrails.resourceControlPolicies`: resource control policies from the data-perimeter
 * presets and custom statements, attached like SCPs. The schemas check one entry; the check at the
 * end of this file needs the rest of the config (accounts, vendors, pipelines).
 */

/** Organizations attaches at most 5 RCPs to one target, and `RCPFullAWSAccess` is one of them. */
export const MAX_RCPS_PER_TARGET = 4;

const SID = /^[A-Za-z0-9]{1,128}$/;
const ACCOUNT_ID = /^\d{12}$/;
const EXACT_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const ISSUER = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(\/[\w.~-]+)*$/;
const GITHUB_TENANT = /^repo:[A-Za-z0-9-]+(@\d+)?\//;
export const GITHUB_ISSUER = "token.actions.githubusercontent.com";

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

const stringOrList = z.union([z.string(), z.array(z.string()).min(1)], {
  error: "expected a string or a list of strings",
});

/**
 * A principal outside the organization the identity perimeter lets in: an exact role or user ARN,
 * or a third-party account by ID, and why. Patterns would let in whoever matches them.
 */
const exemptionSchema = z
  .object({
    principal: z
      .string({ error: "expected an IAM role or user ARN, or a 12-digit account ID" })
      .check((ctx) => {
        const value = ctx.value;
        if (/[*?]/.test(value)) {
          ctx.issues.push({
            code: "custom",
            input: value,
            message: `${show(value)} has a wildcard, which would exempt every principal it matches; name each principal by its exact role or user ARN (or a whole third-party account by its 12-digit ID)`,
          });
        } else if (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(value)) {
          ctx.issues.push({
            code: "custom",
            input: value,
            message: `${show(value)} names the account root, which matches only that account's root user; to let in every principal of a third-party account, write its 12-digit ID`,
          });
        } else if (!ACCOUNT_ID.test(value) && !EXACT_PRINCIPAL_ARN.test(value)) {
          ctx.issues.push({
            code: "custom",
            input: value,
            message: `${show(value)} is neither an IAM role or user ARN (arn:aws:iam::123456789012:role/name) nor a 12-digit account ID`,
          });
        }
      })
      .meta({
        description:
          "A principal outside the organization: an exact role or user ARN, or a 12-digit account ID (every principal of that account).",
      }),
    reason: z
      .string({ error: "expected the reason for the exemption" })
      .trim()
      .min(10, "say why this principal may reach the organization's resources (at least 10 characters)")
      .meta({
        description:
          "Why this principal may reach the organization's resources; reviewed with the exemption.",
      }),
  })
  .strict();

/** A web identity provider trusted to federate into the organization's roles. */
const webIdentityProviderSchema = z
  .object({
    issuer: z
      .string({ error: "expected the issuer, e.g. token.actions.githubusercontent.com" })
      .regex(ISSUER, {
        error: (issue) =>
          `${show(issue.input)} is not an issuer as IAM condition keys spell it; write the host and path without https://, e.g. token.actions.githubusercontent.com`,
      })
      .meta({ description: "The issuer host and path, without `https://`, as its condition keys spell it." }),
    subjects: z
      .array(z.string({ error: "expected a sub pattern" }).min(1))
      .min(1, "list at least one sub pattern, or leave subjects out")
      .optional()
      .meta({
        description: "`sub` patterns (StringLike) of the organization's own tenant of a shared issuer.",
      }),
  })
  .strict()
  .superRefine((provider, ctx) => {
    (provider.subjects ?? []).forEach((subject, i) => {
      if (/^[*?]*$/.test(subject)) {
        ctx.addIssue({
          code: "custom",
          path: ["subjects", i],
          message: `${show(subject)} matches every tenant of the issuer; name your own tenant, e.g. repo:example-org/* for GitHub`,
        });
      } else if (provider.issuer === GITHUB_ISSUER && !GITHUB_TENANT.test(subject)) {
        ctx.addIssue({
          code: "custom",
          path: ["subjects", i],
          message: `${show(subject)} does not pin a GitHub organization; a GitHub tenant is an organization: write repo:ORG/* or repo:ORG@<owner id>/*`,
        });
      }
    });
  });

/** The one `Allow` Organizations knows in an RCP: AWS's own `RCPFullAWSAccess`. */
function isFullAccessAllow(statement: Record<string, unknown>): boolean {
  const is = (v: unknown) => v === "*" || (Array.isArray(v) && v.length === 1 && v[0] === "*");
  return (
    statement.Effect === "Allow" &&
    is(statement.Action) &&
    (statement.Resource === undefined || is(statement.Resource)) &&
    (statement.Principal === undefined || statement.Principal === "*") &&
    statement.Condition === undefined
  );
}

/**
 * A hand-written RCP statement: a `Deny` for every principal (`Principal: "*"`), narrowed by its
 * conditions, on actions of services RCPs apply to. The rules are Organizations' (RCP syntax).
 */
const statementSchema = z
  .object({
    Sid: z
      .string({ error: "expected a statement ID" })
      .regex(SID, "a Sid is letters and digits only")
      .meta({ description: "Statement ID: letters and digits." }),
    Effect: z.string({ error: 'expected "Deny"' }).meta({ description: "Always `Deny`." }),
    Principal: z.unknown().optional().meta({ description: "`*` only: an RCP applies to every principal." }),
    NotPrincipal: z.unknown().optional().meta({ description: "Refused: RCPs do not accept `NotPrincipal`." }),
    Action: stringOrList
      .optional()
      .meta({ description: "Actions denied, one or a list, on services RCPs apply to." }),
    NotAction: z.unknown().optional().meta({ description: "Refused: RCPs do not accept `NotAction`." }),
    Resource: stringOrList.optional().meta({ description: "Resources, one or a list." }),
    NotResource: stringOrList.optional().meta({ description: "Every resource but these." }),
    Condition: z
      .record(z.string(), z.record(z.string(), stringOrList))
      .optional()
      .meta({ description: "IAM conditions: operator to condition key to value(s)." }),
  })
  .strict()
  .superRefine(
    (s, ctx) => {
      const issue = (path: string, message: string) =>
        ctx.addIssue({ code: "custom", path: [path], message });
      if (isFullAccessAllow(s)) {
        issue(
          "Effect",
          '"Allow" belongs to RCPFullAWSAccess only, which Organizations attaches to the root, every OU and every account itself and never detaches; remove this statement',
        );
        return;
      }
      if (s.Effect === "Allow") {
        issue(
          "Effect",
          'RCPs only restrict: Organizations accepts "Allow" in its own RCPFullAWSAccess only; write this as a "Deny" under the conditions in which access must be refused',
        );
      } else if (typeof s.Effect === "string" && s.Effect !== "Deny") {
        issue("Effect", `${show(s.Effect)} is not an effect; RCP statements are "Deny"`);
      }
      if (s.NotPrincipal !== undefined) {
        issue(
          "NotPrincipal",
          'RCPs do not support NotPrincipal; write "Principal": "*" and leave principals out with a condition, e.g. ArnNotEquals on aws:PrincipalArn',
        );
      }
      if (s.Principal !== undefined && s.Principal !== "*") {
        issue(
          "Principal",
          `an RCP statement applies to every principal, so Principal is "*"; narrow it with conditions (aws:PrincipalOrgID, aws:PrincipalArn) instead of ${show(s.Principal)}`,
        );
      }
      if (s.NotAction !== undefined) {
        issue(
          "NotAction",
          "RCPs do not support NotAction; list the actions the statement denies under Action",
        );
      } else if (s.Action === undefined) {
        issue("Action", "list the actions to deny, e.g. s3:PutBucketPolicy");
      }
      list(s.Action).forEach((action) => {
        if (typeof action !== "string") return;
        if (action === "*") {
          issue(
            "Action",
            `Organizations refuses "*" alone as an RCP action; name each service's actions, e.g. ${DEFAULT_PERIMETER_SERVICES.map((svc) => `${svc}:*`).join(", ")}`,
          );
          return;
        }
        const service = action.split(":")[0].toLowerCase();
        if (!action.includes(":")) {
          issue("Action", `${show(action)} is not an action; write service:Action, e.g. s3:PutBucketPolicy`);
        } else if (!rcpServices().includes(service)) {
          issue(
            "Action",
            `RCPs do not apply to ${service}, so ${show(action)} would have no effect; guard it with an SCP (org-access:guardrails.scps) or the resource's own policy`,
          );
        }
      });
      if (s.Resource !== undefined && s.NotResource !== undefined) {
        issue("NotResource", "set Resource or NotResource, not both");
      }
    },
    { when: () => true },
  )
  .transform((s) => {
    const { Principal: _principal, NotPrincipal: _notPrincipal, NotAction: _notAction, ...rest } = s;
    return {
      ...rest,
      Effect: "Deny" as const,
      Principal: "*" as const,
      ...(rest.NotResource === undefined ? { Resource: rest.Resource ?? "*" } : {}),
    };
  });

export const resourceControlPolicySchema = z
  .object({
    name: name("RCP").meta({
      description: "The RCP's name; the policy in Organizations is `org-access-<name>`.",
    }),
    description: z
      .string()
      .max(512, "Organizations accepts at most 512 characters")
      .optional()
      .meta({ description: "Shown in the Organizations console; generated by default." }),
    presets: z
      .array(
        z.string({ error: "expected a preset name" }).check((ctx) => {
          if (!(RCP_PRESETS as readonly string[]).includes(ctx.value)) {
            ctx.issues.push({
              code: "custom",
              input: ctx.value,
              message: `${show(ctx.value)} is not an RCP preset; use one of ${RCP_PRESETS.join(", ")}, or write the statement under statements`,
            });
          }
        }),
      )
      .default([])
      .transform((presets) => presets as RcpPreset[])
      .meta({
        description:
          "Data-perimeter presets combined into this one policy (each target takes 4 besides RCPFullAWSAccess).",
      }),
    services: z
      .array(
        z.string({ error: "expected a service prefix such as s3" }).check((ctx) => {
          if (!rcpServices().includes(ctx.value)) {
            ctx.issues.push({
              code: "custom",
              input: ctx.value,
              message: `${show(ctx.value)} is not a service RCPs apply to; use service prefixes such as ${DEFAULT_PERIMETER_SERVICES.join(", ")}, dynamodb, logs, ecr`,
            });
          }
        }),
      )
      .min(1, "list at least one service")
      .default([...DEFAULT_PERIMETER_SERVICES])
      .meta({ description: "The services whose resources the presets guard." }),
    exemptions: z.array(exemptionSchema).default([]).meta({
      description:
        "Principals outside the organization that `organization-principals-only` lets in, each with a reason.",
    }),
    webIdentityProviders: z.array(webIdentityProviderSchema).default([]).meta({
      description:
        "The web identity providers `trusted-web-identity-providers` lets federate into the organization.",
    }),
    statements: z
      .array(statementSchema)
      .default([])
      .meta({ description: "Hand-written Deny statements appended after the presets." }),
    targets: targetsSchema.omit({ excludeAccounts: true }).meta({
      description:
        "Where it is attached: OU names (`root` for the organization root) and member account names.",
    }),
  })
  .strict();

export type ResourceControlPolicyConfig = z.infer<typeof resourceControlPolicySchema>;
export type RcpExemptionConfig = z.infer<typeof exemptionSchema>;

/** A vendor of `org-access:vendors`, as the perimeter sees it. */
export interface PerimeterVendor {
  readonly name: string;
  readonly accountId: string;
  readonly principalArn?: string;
}

/**
 * The principals the identity perimeter lets in: the entry's exemptions, then every vendor of
 * `org-access:vendors` (its documented role, or its account), or their roles in the organization
 * would refuse the vendors they were made for. One principal is listed once, with its first reason.
 */
export function perimeterExemptions(
  entry: Pick<ResourceControlPolicyConfig, "exemptions">,
  vendors: readonly PerimeterVendor[],
): RcpExemptionConfig[] {
  const all = [
    ...entry.exemptions,
    ...vendors.map((v) => ({
      principal: v.principalArn ?? v.accountId,
      reason: `vendor ${v.name} assumes its role in the organization (org-access:vendors)`,
    })),
  ];
  const seen = new Set<string>();
  return all.filter((e) => !seen.has(e.principal) && seen.add(e.principal) !== undefined);
}

/** IAM's `StringLike`: `*` any run of characters, `?` one character, everything else literal. */
export function stringLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "s").test(value);
}

/** Every GitHub `sub` the stack's config trusts, with the account whose role trusts it and the key. */
function githubTrusts(config: OrgAccessConfig): { subject: string; account: string; key: string }[] {
  const out: { subject: string; account: string; key: string }[] = [];
  const cicd = config.cicd;
  if (cicd !== undefined && Array.isArray(cicd.pipelines)) {
    for (const pipeline of cicd.pipelines) {
      for (const subject of Array.isArray(pipeline?.subjects) ? pipeline.subjects : []) {
        if (typeof subject?.repository !== "string") continue;
        out.push({ subject: githubSubject(subject), account: cicd.toolingAccount, key: "org-access:cicd" });
      }
    }
  }
  const pipeline = config.pipeline;
  if (pipeline !== undefined && typeof pipeline.repository === "string") {
    for (const subject of pipelineSubjects(pipeline)) {
      out.push({ subject, account: pipeline.toolingAccount, key: "org-access:pipeline" });
    }
  }
  return out;
}

/**
 * The checks of `org-access:guardrails.resourceControlPolicies` that need the rest of the config:
 * the stack kind, targets against the inventory (never the management account), the attachment
 * limit per target, exemptions inside the organization, the stack's own GitHub trusts against the
 * web-identity preset, and the size of the document as it will be built.
 */
export function checkResourceControlPolicies(
  guardrails: { readonly resourceControlPolicies?: readonly ResourceControlPolicyConfig[] },
  ctx: CheckContext,
): void {
  const base = ["guardrails", "resourceControlPolicies"] as const;
  const rcps = guardrails.resourceControlPolicies;
  if (rcps === undefined || rcps.length === 0 || !ctx.valid(base, { ownLevelOnly: true })) return;
  if (ctx.kind === "security") {
    ctx.issue(
      base,
      "RCPs are attached by the management stack, and this is a security stack; move resourceControlPolicies to Pulumi.management.yaml",
    );
    return;
  }
  const organizationId = ctx.valid(["organization", "id"]) ? ctx.config.organization.id : undefined;
  const vendors = ctx.valid(["vendors"]) ? (ctx.config.vendors ?? []) : [];
  const trusts = ctx.valid(["cicd"]) && ctx.valid(["pipeline"]) ? githubTrusts(ctx.config) : [];
  const names = new Map<string, number>();
  const perTarget = new Map<string, ConfigPath[]>();

  rcps.forEach((rcp, i) => {
    const at = [...base, i];
    if (rcp === null || typeof rcp !== "object") return;
    if (typeof rcp.name === "string") {
      const first = names.get(rcp.name);
      if (first !== undefined)
        ctx.issue([...at, "name"], `duplicate RCP name, already ${formatted([...base, first])}`);
      else names.set(rcp.name, i);
    }
    const presets = ctx.valid([...at, "presets"]) ? rcp.presets : undefined;
    const statements = Array.isArray(rcp.statements) ? rcp.statements : [];
    if (presets !== undefined) {
      if (presets.length === 0 && statements.length === 0) {
        ctx.issue([...at, "presets"], `list at least one preset (${RCP_PRESETS.join(", ")}) or statement`);
      }
      presets.forEach((preset, j) => {
        if (presets.indexOf(preset) !== j) ctx.issue([...at, "presets", j], `${preset} is listed twice`);
      });
      const web = presets.includes("trusted-web-identity-providers");
      const providers = Array.isArray(rcp.webIdentityProviders) ? rcp.webIdentityProviders : [];
      if (web && providers.length === 0) {
        ctx.issue(
          [...at, "webIdentityProviders"],
          "the trusted-web-identity-providers preset needs the organization's own providers, e.g. [{ issuer: token.actions.githubusercontent.com, subjects: [repo:example-org/*] }]",
        );
      }
      if (!web && providers.length > 0) {
        ctx.issue(
          [...at, "webIdentityProviders"],
          "only the trusted-web-identity-providers preset uses webIdentityProviders; add that preset or remove the key",
        );
      }
      if (
        !presets.includes("organization-principals-only") &&
        Array.isArray(rcp.exemptions) &&
        rcp.exemptions.length > 0
      ) {
        ctx.issue(
          [...at, "exemptions"],
          "only the organization-principals-only preset uses exemptions; add that preset or remove the key",
        );
      }
      if (web && ctx.valid([...at, "webIdentityProviders"])) {
        checkGithubTrusts(ctx, rcp, [...at, "webIdentityProviders"], trusts);
      }
    }
    checkExemptionsOutsideOrganization(ctx, rcp, [...at, "exemptions"]);
    checkRcpTargets(ctx, rcp, [...at, "targets"], perTarget);

    // The document as it will be built, when it can be: a preset or statement, providers for the web preset.
    const buildable =
      ctx.valid(at) &&
      (rcp.presets.length > 0 || rcp.statements.length > 0) &&
      (!rcp.presets.includes("trusted-web-identity-providers") || rcp.webIdentityProviders.length > 0);
    if (organizationId !== undefined && buildable) {
      const document = rcpDocument(
        rcp.presets,
        {
          organizationId,
          services: rcp.services,
          exemptions: perimeterExemptions(rcp, vendors),
          webIdentityProviders: rcp.webIdentityProviders,
        },
        rcp.statements as PolicyStatement[],
      );
      const size = policySize(document);
      if (size > RCP_MAX_CHARACTERS) {
        ctx.issue(
          [...at, "presets"],
          `the policy is ${size} characters, over the ${RCP_MAX_CHARACTERS} Organizations accepts for an RCP; split its presets and statements across two entries`,
        );
      }
    }
  });

  for (const [target, entries] of perTarget) {
    if (entries.length > MAX_RCPS_PER_TARGET) {
      ctx.issue(
        [...entries[MAX_RCPS_PER_TARGET], "targets"],
        `${target} would get ${entries.length} RCPs from this stack; Organizations allows 5 per target including RCPFullAWSAccess, so at most ${MAX_RCPS_PER_TARGET}: combine presets into fewer entries`,
      );
    }
  }
}

function formatted(path: ConfigPath): string {
  return path.reduce<string>(
    (out, segment, i) =>
      typeof segment === "number" ? `${out}[${segment}]` : `${out}${i === 0 ? ":" : "."}${segment}`,
    "org-access",
  );
}

/**
 * Root, OUs and member accounts, checked as every target list is (the one targets schema); never the
 * management account, whose resources RCPs never restrict.
 */
function checkRcpTargets(
  ctx: CheckContext,
  rcp: ResourceControlPolicyConfig,
  at: ConfigPath,
  perTarget: Map<string, ConfigPath[]>,
): void {
  if (!ctx.valid(at, { ownLevelOnly: true })) return;
  checkTargets(ctx, rcp.targets, at, {
    neverManagement:
      "RCPs never restrict the resources of the management account, so attaching one there protects nothing; keep data out of the management account, and attach RCPs to member OUs or accounts (`root` covers every member account)",
    allowRoot: true,
    emptyOrganizationalUnits: "allowed",
    required:
      "attach it to at least one OU or account (targets.organizationalUnits, `root` for the whole organization, or targets.accounts)",
  });
  const entry = at.slice(0, -1);
  const { organizationalUnits, accounts } = rcp.targets;
  for (const ou of ctx.valid([...at, "organizationalUnits"]) ? organizationalUnits : []) {
    perTarget.set(`OU ${ou}`, [...(perTarget.get(`OU ${ou}`) ?? []), entry]);
  }
  for (const account of ctx.valid([...at, "accounts"]) ? accounts : []) {
    if (account === ctx.managementAccount) continue;
    perTarget.set(`account ${account}`, [...(perTarget.get(`account ${account}`) ?? []), entry]);
  }
}

/** An exemption for a principal of the organization exempts nothing: it is inside the perimeter already. */
function checkExemptionsOutsideOrganization(
  ctx: CheckContext,
  rcp: ResourceControlPolicyConfig,
  at: ConfigPath,
): void {
  if (!Array.isArray(rcp.exemptions)) return;
  rcp.exemptions.forEach((exemption, j) => {
    if (!ctx.valid([...at, j, "principal"]) || typeof exemption?.principal !== "string") return;
    const accountId = ACCOUNT_ID.test(exemption.principal)
      ? exemption.principal
      : exemption.principal.split(":")[4];
    const inside = ctx.accounts.find((a) => a.id === accountId);
    if (inside !== undefined) {
      ctx.issue(
        [...at, j, "principal"],
        `${show(exemption.principal)} is in account ${inside.name} of the organization, which the perimeter already lets in (aws:PrincipalOrgID); remove the exemption`,
      );
    }
  });
}

/** Accounts an RCP's targets cover. */
function covers(ctx: CheckContext, rcp: ResourceControlPolicyConfig, account: string): boolean {
  const { organizationalUnits, accounts } = rcp.targets;
  if (account === ctx.managementAccount) return false;
  const ou = ctx.accountNamed(account)?.ou;
  return (
    organizationalUnits.includes("root") ||
    (ou !== undefined && organizationalUnits.includes(ou)) ||
    accounts.includes(account)
  );
}

/**
 * The web-identity preset must not refuse this stack's own GitHub workflows: in the accounts the RCP
 * covers, every `sub` a role trusts must come from a trusted issuer and match one of its patterns.
 */
function checkGithubTrusts(
  ctx: CheckContext,
  rcp: ResourceControlPolicyConfig,
  at: ConfigPath,
  trusts: readonly { subject: string; account: string; key: string }[],
): void {
  if (!ctx.valid([...at.slice(0, -1), "targets"])) return;
  const github = rcp.webIdentityProviders.find((p) => p.issuer === GITHUB_ISSUER);
  for (const trust of trusts) {
    if (!covers(ctx, rcp, trust.account)) continue;
    if (github === undefined) {
      ctx.issue(
        at,
        `${trust.key} trusts GitHub workflows (${trust.subject}) in account ${trust.account}, which this RCP covers, and would refuse them; add { issuer: ${GITHUB_ISSUER}, subjects: [repo:<your org>/*] }`,
      );
      return;
    }
    const patterns = github.subjects ?? [];
    if (patterns.length > 0 && !patterns.some((p) => stringLike(p, trust.subject))) {
      ctx.issue(
        at,
        `${trust.key} trusts ${trust.subject} in account ${trust.account}, which this RCP covers, and no subject pattern of ${GITHUB_ISSUER} matches it, so the RCP would refuse that workflow; add a pattern for its organization, e.g. ${trust.subject.split("/")[0]}/*`,
      );
    }
  }
}
