import { z } from "zod";
import { roleName } from "../config/primitives";
import { REPOSITORY_PATTERN } from "../config/github";
import { section } from "../config/section";

/**
 * `org-access:pipeline`: the roles this project's own pipeline uses. A GitHub Actions job of the
 * configured repository federates into the pipeline role in the tooling account, which may assume
 * only the deploy role of the stack it deploys; pull requests federate into the preview role, which
 * may assume only the read-only preview roles. See docs/pipelines.md.
 */

/** A branch name without wildcards: the trust names exactly one protected branch. */
const BRANCH_PATTERN = /^[A-Za-z0-9._/-]{1,200}$/;
/** GitHub environment names: no wildcards, nothing the subject claim cannot carry. */
const ENVIRONMENT_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;
/** A session-name prefix; the run ID follows it (`gha-<run id>-<attempt>`). */
const SESSION_PREFIX_PATTERN = /^[\w+=,.@-]{1,32}$/;

export const DEFAULT_PIPELINE_ROLE_NAMES = {
  pipeline: "org-access-pipeline",
  preview: "org-access-preview",
  deployManagement: "org-access-deploy-management",
  deploySecurity: "org-access-deploy-security",
  previewManagement: "org-access-preview-management",
  previewSecurity: "org-access-preview-security",
  previewMember: "org-access-preview-member",
} as const;

const roleNamesSchema = z
  .object({
    pipeline: roleName.default(DEFAULT_PIPELINE_ROLE_NAMES.pipeline).meta({
      description:
        "Tooling account: the deploy jobs' identity (GitHub OIDC, protected branch or environments).",
    }),
    preview: roleName
      .default(DEFAULT_PIPELINE_ROLE_NAMES.preview)
      .meta({ description: "Tooling account: the pull-request jobs' identity." }),
    deployManagement: roleName
      .default(DEFAULT_PIPELINE_ROLE_NAMES.deployManagement)
      .meta({ description: "Management account: what `pulumi up` of the management stack runs as." }),
    deploySecurity: roleName
      .default(DEFAULT_PIPELINE_ROLE_NAMES.deploySecurity)
      .meta({ description: "Security account: what `pulumi up` of the security stack runs as." }),
    previewManagement: roleName
      .default(DEFAULT_PIPELINE_ROLE_NAMES.previewManagement)
      .meta({ description: "Management account: read-only, for `pulumi preview` of the management stack." }),
    previewSecurity: roleName
      .default(DEFAULT_PIPELINE_ROLE_NAMES.previewSecurity)
      .meta({ description: "Security account: read-only, for `pulumi preview` of the security stack." }),
    previewMember: roleName.default(DEFAULT_PIPELINE_ROLE_NAMES.previewMember).meta({
      description:
        "Every member account (StackSet on the organization root): read-only, assumed by the management stack's providers during `pulumi preview` (`org-access:providers.access: preview`).",
    }),
  })
  .strict();

const environmentName = z
  .string({ error: "expected a GitHub environment name" })
  .regex(
    ENVIRONMENT_PATTERN,
    "use the GitHub environment's exact name: letters, digits and . _ -, no wildcards",
  );

const schema = z
  .object({
    repository: z
      .string({ error: "expected the repository as ORG/REPO" })
      .regex(
        REPOSITORY_PATTERN,
        "expected ORG/REPO (or ORG@<owner id>/REPO@<repo id> for repositories with immutable subjects), without wildcards",
      )
      .meta({
        description:
          "The repository whose workflows deploy this project: `ORG/REPO` or `ORG@<id>/REPO@<id>`.",
      }),
    branch: z
      .string({ error: "expected a branch name" })
      .regex(BRANCH_PATTERN, "use the branch's exact name, without wildcards or spaces")
      .default("main")
      .meta({ description: "The protected branch that deploys when no environments are configured." }),
    environments: z
      .object({
        management: environmentName.meta({ description: "The management stack's GitHub environment." }),
        security: environmentName.meta({ description: "The security stack's GitHub environment." }),
      })
      .strict()
      .optional()
      .meta({
        description:
          "GitHub environments the deploy jobs run in, one per stack. When set, the pipeline role trusts these environment subjects instead of the branch, so the environments' protection rules (required reviewers, branch policy) gate every deployment.",
      }),
    toolingAccount: z.string({ error: "expected the name of the tooling account" }).meta({
      description: "Account (by name) that holds the pipeline's identities; never the management account.",
    }),
    securityAccount: z.string({ error: "expected the name of the security stack's account" }).meta({
      description:
        "Account (by name) the security stack deploys from: it holds that stack's deploy and preview roles.",
    }),
    oidcProvider: z
      .enum(["create", "existing"], { error: 'expected "create" or "existing"' })
      .default("create")
      .meta({
        description:
          "`create` makes the GitHub OIDC provider in the tooling account; `existing` references the one already there (created by `org-access:cicd` or by hand). An account has one provider per URL.",
      }),
    preview: z.boolean({ error: "expected true or false" }).default(true).meta({
      description:
        "Read-only preview roles and the pull-request identity; false leaves only the deploy path.",
    }),
    sessionNamePrefix: z
      .string({ error: "expected a session name prefix" })
      .regex(SESSION_PREFIX_PATTERN, "use 1 to 32 letters, digits and + = , . @ _ -")
      .default("gha-")
      .meta({ description: "Session names must start with this; the workflow appends the run ID." }),
    maxSessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(900, "sessions last at least 900 seconds; set 900 to 3600")
      .max(3600, "role chaining caps sessions at 3600 seconds; set 900 to 3600")
      .default(3600)
      .meta({
        description:
          "Longest session of every pipeline role; a deployment re-assumes rather than holding long sessions.",
      }),
    roleNames: roleNamesSchema
      .prefault({})
      .meta({ description: "The pipeline roles' names; each must be different." }),
  })
  .strict()
  .optional();

export type PipelineConfig = NonNullable<z.infer<typeof schema>>;
export type PipelineRoleNames = z.infer<typeof roleNamesSchema>;

/** `org-access:pipeline`. */
export const pipelineSection = section({
  key: "pipeline",
  schema,
  check: (pipeline, ctx) => {
    const { toolingAccount: tooling, securityAccount: security } = pipeline;
    ctx.account(tooling, ["pipeline", "toolingAccount"]);
    ctx.account(security, ["pipeline", "securityAccount"]);
    const management = ctx.managementAccount;
    if (management !== undefined && tooling === management) {
      ctx.issue(
        ["pipeline", "toolingAccount"],
        "the pipeline's identities must live outside the management account, so a compromised workflow never starts there; name the tooling account",
      );
    }
    if (management !== undefined && security === management) {
      ctx.issue(
        ["pipeline", "securityAccount"],
        "the security stack runs in the delegated-admin security account, not the management account; name that account",
      );
    }
    const home = ctx.valid(["deployment", "account"]) ? ctx.config.deployment.account : undefined;
    if (ctx.kind === "security" && typeof security === "string" && home !== undefined && home !== security) {
      ctx.issue(
        ["pipeline", "securityAccount"],
        `the security stack deploys from ${JSON.stringify(home)} (org-access:deployment.account), so its deploy role lives there; set securityAccount: ${home}`,
      );
    }
    if (!ctx.valid(["pipeline", "roleNames"], { ownLevelOnly: true })) return;
    const seen = new Map<string, string>();
    for (const [key, value] of Object.entries(pipeline.roleNames)) {
      if (typeof value !== "string") continue;
      const first = seen.get(value);
      if (first !== undefined) {
        ctx.issue(
          ["pipeline", "roleNames", key],
          `${JSON.stringify(value)} is already roleNames.${first}; each pipeline role needs its own name so trust and permissions never mix`,
        );
      } else seen.set(value, key);
    }
  },
});
