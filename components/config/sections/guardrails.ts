import { z } from "zod";
import { rawAccounts, rawManagementAccountName, requireStackKind } from "../../cloudformation/config";
import {
  SCP_MAX_CHARACTERS,
  SCP_PRESETS,
  scpDocument,
  ScpPreset,
  scpSize,
} from "../../guardrails/scp-documents";
import { PolicyStatement } from "../../iam/documents";
import { name, roleName } from "../primitives";
import { asArray, field, isString } from "../refs";
import { section } from "../section";

export const DEFAULT_BOUNDARY_POLICY_NAME = "org-access-boundary";

/** Organizations attaches at most 5 SCPs to one OU or account, and `FullAWSAccess` is one of them. */
export const MAX_SCPS_PER_TARGET = 4;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
/** A principal ARN or ARN pattern (`ArnNotLike` accepts `*` in the account and the name). */
const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):[\w+=,.@/*-]{1,512}$/;
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
    /** The SCP's name; the policy in Organizations is `org-access-<name>`. */
    name: name("SCP"),
    description: z.string().max(512, "Organizations accepts at most 512 characters").optional(),
    /** Named guardrails to combine into this one policy (fewer policies, since each target takes 5). */
    presets: z
      .array(
        z.enum(SCP_PRESETS, {
          error: `expected one of ${SCP_PRESETS.join(", ")}`,
        }),
      )
      .default([]),
    /** Hand-written Deny statements appended after the presets. */
    statements: z.array(statementSchema).default([]),
    /** Regions the `region-allow-list` preset keeps open. */
    allowedRegions: z
      .array(z.string().regex(REGION, "expected an AWS region such as eu-west-1"))
      .min(1, "list at least one region")
      .optional(),
    /** Principals the `deny-iam-users` and `region-allow-list` presets leave alone (break-glass), or that may still change protected roles. */
    exemptPrincipalArns: z
      .array(
        z
          .string()
          .regex(
            PRINCIPAL_ARN_PATTERN,
            "expected a principal ARN such as arn:aws:iam::*:role/break-glass (wildcards allowed)",
          ),
      )
      .default([]),
    /** Role names `protect-managed-roles` covers besides every role this stack manages (e.g. roles of other stacks). */
    protectedRoleNames: z.array(roleName).default([]),
    /** Where it is attached: OU names (`root` for the organization root) and member account names. */
    targets: z
      .object({
        organizationalUnits: z.array(z.string({ error: "expected an OU name" })).default([]),
        accounts: z.array(z.string({ error: "expected an account name" })).default([]),
      })
      .strict(),
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
    // The role names come from the stack at run time; check what is known now.
    const document = scpDocument(
      scp.presets,
      {
        allowedRegions: scp.allowedRegions ?? ["us-east-1"],
        exemptPrincipalArns: scp.exemptPrincipalArns,
        protectedRoleNames: scp.protectedRoleNames.length ? scp.protectedRoleNames : ["placeholder"],
        deployingPrincipalArns: scp.exemptPrincipalArns.length ? scp.exemptPrincipalArns : ["placeholder"],
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

const boundarySchema = z
  .object({
    enabled: z.boolean({ error: "expected true or false" }).default(true),
    /** The boundary policy's name in each account. */
    policyName: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, "use 1 to 128 letters, digits and + = , . @ _ -")
      .default(DEFAULT_BOUNDARY_POLICY_NAME),
    /** OUs whose accounts get the boundary; default: every OU marked `workload: true`. */
    organizationalUnits: z.array(z.string({ error: "expected an OU name" })).optional(),
    /** Extra accounts that get the boundary. */
    accounts: z.array(z.string({ error: "expected an account name" })).default([]),
    /** Custom roles (by name) that must not carry the boundary; say why in a comment next to each. */
    exemptRoles: z.array(roleName).default([]),
  })
  .strict();

const schema = z
  .object({
    /** Service control policies and where they are attached. */
    scps: z.array(scpSchema).default([]),
    /** The boundary set on every custom role this program creates in workload accounts. */
    permissionsBoundary: boundarySchema.optional(),
  })
  .strict()
  .optional();

export type GuardrailsConfig = NonNullable<z.infer<typeof schema>>;
export type ScpConfig = z.infer<typeof scpSchema>;
export type PermissionsBoundaryConfig = z.infer<typeof boundarySchema>;

/** `org-access:guardrails`: SCPs from presets, and the permissions boundary of workload accounts. */
export const guardrailsSection = section({
  key: "guardrails",
  schema,
  crossCheck: (raw, ctx) => {
    requireStackKind(ctx, "management", "Guardrails (SCPs and permissions boundaries)");
    const management = rawManagementAccountName(ctx.root);
    const accounts = rawAccounts(ctx.root);
    const providerRegion = field(ctx.root.providers, "region") ?? "us-east-1";
    const names = new Map<string, number>();
    const perTarget = new Map<string, string[]>();

    asArray(field(raw, "scps")).forEach((scp, i) => {
      const at = `${ctx.path}.scps[${i}]`;
      const scpName = field(scp, "name");
      if (isString(scpName)) {
        const first = names.get(scpName);
        if (first !== undefined)
          ctx.refs.issue(`${at}.name`, `duplicate SCP name, already ${ctx.path}.scps[${first}]`);
        else names.set(scpName, i);
      }
      const targets = field(scp, "targets");
      asArray(field(targets, "organizationalUnits")).forEach((ou, j) => {
        ctx.refs.organizationalUnit(ou, `${at}.targets.organizationalUnits[${j}]`, true);
        if (isString(ou)) perTarget.set(`OU ${ou}`, [...(perTarget.get(`OU ${ou}`) ?? []), at]);
      });
      asArray(field(targets, "accounts")).forEach((account, j) => {
        const path = `${at}.targets.accounts[${j}]`;
        if (isString(account) && account === management) {
          ctx.refs.issue(
            path,
            "SCPs never restrict the management account, so attaching one there protects nothing; keep the management account narrow through who may use it, and attach SCPs to member OUs or accounts",
          );
          return;
        }
        ctx.refs.account(account, path);
        if (isString(account))
          perTarget.set(`account ${account}`, [...(perTarget.get(`account ${account}`) ?? []), at]);
      });

      const regions = field(scp, "allowedRegions");
      if (
        Array.isArray(regions) &&
        regions.length > 0 &&
        isString(providerRegion) &&
        !regions.includes(providerRegion)
      ) {
        ctx.refs.issue(
          `${at}.allowedRegions`,
          `the providers deploy in ${providerRegion} (org-access:providers.region), which this list would deny; add ${providerRegion}`,
        );
      }
    });

    for (const [target, entries] of perTarget) {
      if (entries.length > MAX_SCPS_PER_TARGET) {
        ctx.refs.issue(
          `${entries[MAX_SCPS_PER_TARGET]}.targets`,
          `${target} would get ${entries.length} SCPs from this stack; Organizations allows 5 per target including FullAWSAccess, so at most ${MAX_SCPS_PER_TARGET}: combine presets into fewer entries`,
        );
      }
    }

    const boundary = field(raw, "permissionsBoundary");
    if (boundary === undefined || field(boundary, "enabled") === false) return;
    const bpath = `${ctx.path}.permissionsBoundary`;
    const ous = field(boundary, "organizationalUnits");
    ctx.refs.organizationalUnits(ous, `${bpath}.organizationalUnits`);
    asArray(field(boundary, "accounts")).forEach((account, j) => {
      const path = `${bpath}.accounts[${j}]`;
      if (isString(account) && account === management) {
        ctx.refs.issue(
          path,
          "the boundary belongs in workload accounts; the management account runs no workloads, remove it",
        );
        return;
      }
      ctx.refs.account(account, path);
    });
    const workloadOus = asArray(ctx.root.organizationalUnits).filter((o) => field(o, "workload") === true);
    const listed = ous === undefined ? workloadOus.map((o) => field(o, "name")) : asArray(ous);
    const covered = accounts.filter((a) => a.ou !== undefined && listed.includes(a.ou));
    if (covered.length === 0 && asArray(field(boundary, "accounts")).length === 0) {
      ctx.refs.issue(
        bpath,
        "reaches no account; mark workload OUs with `workload: true` in org-access:organizationalUnits, or list organizationalUnits or accounts here",
      );
    }
  },
});
