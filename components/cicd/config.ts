import { z } from "zod";
import { CheckContext, ConfigPath, entries, firstOrDuplicate } from "../config/checks";
import {
  ConfigPolicy,
  elevatedMessage,
  inlinePolicy,
  isElevated,
  judgePolicies,
  justificationSchema,
  managedPolicies,
  PolicyJudgement,
} from "../config/policies";
import { name } from "../config/primitives";
import { section } from "../config/section";
import { githubSubjectSchema } from "../config/github";
import {
  allowsEveryAction,
  IdentityStatementConfig,
  identityStatementSchema,
  isAdministratorAccess,
  managedPolicyName,
} from "../config/statements";

/**
 * `org-access:cicd`: the guide's CI/CD pattern for application pipelines. GitHub Actions federates
 * over OIDC into one CI role per pipeline in the tooling account; each CI role may assume only the
 * `deployment-role-<env>` of the environments its pipeline serves, and each deployment role trusts
 * only those CI roles, inside the organization. See docs/cicd.md.
 */

/** Presets of deployment-role permissions; `scoped-ecs` is the guide's ECS/EC2 example. */
export const DEPLOYMENT_PRESETS = ["scoped-ecs"] as const;
export type DeploymentPreset = (typeof DEPLOYMENT_PRESETS)[number];

export const DEFAULT_DEPLOYMENT_ROLE_PREFIX = "deployment-role-";
export const DEFAULT_CI_ROLE_PREFIX = "ci-";

const pipelineSchema = z
  .object({
    name: name("pipeline").meta({
      description: "Short name; the CI role is `<ciRoleNamePrefix><name>`, e.g. `ci-prod`.",
    }),
    subjects: z
      .array(githubSubjectSchema)
      .min(1, "list at least one subject (repository and branch or environment)")
      .meta({
        description:
          "The GitHub workflows (repository and branch, tag or environment) that run as this pipeline.",
      }),
    environments: z
      .array(z.string({ error: "expected an environment name" }))
      .min(1, "list the environments this pipeline deploys to")
      .meta({
        description: "Account environments (org-access:accounts[].environment) this pipeline deploys to.",
      }),
  })
  .strict();

const permissionsSchema = {
  presets: z
    .array(z.enum(DEPLOYMENT_PRESETS, { error: `expected one of ${DEPLOYMENT_PRESETS.join(", ")}` }))
    .optional()
    .meta({
      description:
        "Named permission sets for the deployment role (`scoped-ecs`: the guide's ECS/EC2 example).",
    }),
  statements: z
    .array(identityStatementSchema)
    .optional()
    .meta({ description: "Hand-written statements, after the presets." }),
  managedPolicies: z.array(managedPolicyName).optional().meta({
    description: "Managed policies to attach; never AdministratorAccess (see administratorAccess).",
  }),
};

const environmentOverrideSchema = z
  .object({
    ...permissionsSchema,
    administratorAccess: z
      .object({
        justification: justificationSchema.meta({
          description: "Why this environment's deployment role needs administrator rights.",
        }),
      })
      .strict()
      .optional()
      .meta({
        description:
          "Administrator rights for this environment's deployment role, only with a written reason: a compromised pipeline with administrator rights owns the account.",
      }),
  })
  .strict()
  .meta({
    description:
      "One environment's deployment role permissions, replacing the defaults, and the administrator exception.",
  });

const deploymentRolesSchema = z
  .object({
    roleNamePrefix: z
      .string()
      .regex(/^[\w+=,.@-]{1,40}$/, "use 1 to 40 letters, digits and + = , . @ _ -")
      .default(DEFAULT_DEPLOYMENT_ROLE_PREFIX)
      .meta({ description: "Role name prefix; the role is `<prefix><environment>`." }),
    maxSessionDurationSeconds: z
      .number({ error: "expected a number of seconds" })
      .int()
      .min(900, "sessions last at least 900 seconds; set 900 to 3600")
      .max(3600, "role chaining caps sessions at 3600 seconds; set 900 to 3600")
      .default(3600)
      .meta({ description: "Longest deployment session; role chaining caps it at one hour anyway." }),
    ...permissionsSchema,
    environments: z.record(z.string(), environmentOverrideSchema).default({}).meta({
      description:
        "Per-environment permissions (replacing the defaults above), and the administrator exception.",
    }),
  })
  .strict();

const schema = z
  .object({
    toolingAccount: z.string({ error: "expected the name of the tooling account" }).meta({
      description:
        "Account (by name) that holds the OIDC provider and the CI roles; never the management account.",
    }),
    github: z
      .object({
        oidcProvider: z
          .enum(["create", "existing"], { error: 'expected "create" or "existing"' })
          .default("create")
          .meta({
            description:
              "`create` makes the GitHub OIDC provider in the tooling account; `existing` trusts the one already there (an account has one provider per URL).",
          }),
        thumbprints: z
          .array(z.string().regex(/^[0-9a-fA-F]{40}$/, "a thumbprint is 40 hexadecimal characters"))
          .max(5, "IAM keeps at most 5 thumbprints")
          .optional()
          .meta({
            description: "Certificate thumbprints; IAM no longer needs them for GitHub, so none by default.",
          }),
      })
      .strict()
      .prefault({})
      .meta({ description: "The GitHub OIDC provider in the tooling account." }),
    ciRoleNamePrefix: z
      .string()
      .regex(/^[\w+=,.@-]{1,24}$/, "use 1 to 24 letters, digits and + = , . @ _ -")
      .default(DEFAULT_CI_ROLE_PREFIX)
      .meta({ description: "CI role name prefix; the role is `<prefix><pipeline>`." }),
    pipelines: z.array(pipelineSchema).min(1, "list at least one pipeline").meta({
      description:
        "The pipelines: each gets a CI role that GitHub workflows assume, and may assume the deployment roles of its environments.",
    }),
    deploymentRoles: deploymentRolesSchema.prefault({}).meta({
      description:
        "The deployment roles in the workload accounts, one per account, named by environment; the CI roles assume them.",
    }),
  })
  .strict()
  .optional();

export type CicdConfig = NonNullable<z.infer<typeof schema>>;
export type CicdPipelineConfig = z.infer<typeof pipelineSchema>;
export type DeploymentRolesConfig = z.infer<typeof deploymentRolesSchema>;

/** The CI role's name of a pipeline. */
export function ciRoleName(config: Pick<CicdConfig, "ciRoleNamePrefix">, pipeline: string): string {
  return `${config.ciRoleNamePrefix}${pipeline}`;
}

/** The deployment role's name of an environment. */
export function deploymentRoleName(
  config: Pick<DeploymentRolesConfig, "roleNamePrefix">,
  environment: string,
): string {
  return `${config.roleNamePrefix}${environment}`;
}

/** `org-access:cicd`. */
export const cicdSection = section({
  key: "cicd",
  schema,
  check: (cicd, ctx) => {
    // The deployment roles land in workload accounts through providers only the management stack has.
    ctx.requireStackKind("cicd", "management", "CI/CD roles (org-access:cicd)");
    const tooling = cicd.toolingAccount;
    ctx.account(tooling, ["cicd", "toolingAccount"]);
    if (typeof tooling === "string" && tooling === ctx.managementAccount) {
      ctx.issue(
        ["cicd", "toolingAccount"],
        "CI roles must live outside the management account, so a compromised workflow never starts there; name the tooling account",
      );
    }
    checkOidcProviderOwner(cicd, ctx);

    const served = new Set<string>();
    const pipelineNames = new Map<string, number>();
    for (const [pipeline, i] of entries(cicd.pipelines)) {
      const at = ["cicd", "pipelines", i];
      firstOrDuplicate(pipelineNames, pipeline.name, i, (first) =>
        ctx.issue([...at, "name"], `duplicate pipeline, already org-access:cicd.pipelines[${first}]`),
      );
      if (!ctx.valid([...at, "environments"], { ownLevelOnly: true })) continue;
      pipeline.environments.forEach((env, j) => {
        ctx.environment(env, [...at, "environments", j]);
        if (typeof env === "string") served.add(env);
        const management = ctx.managementAccount;
        if (management !== undefined && ctx.accountNamed(management)?.environment === env) {
          ctx.issue(
            [...at, "environments", j],
            `the management account ${JSON.stringify(management)} has environment ${JSON.stringify(env)}, and a deployment role there would let an application pipeline change the organization's administration; remove \`environment\` from the management account in org-access:accounts`,
          );
        }
      });
    }

    if (!ctx.valid(["cicd", "deploymentRoles"], { ownLevelOnly: true })) return;
    const roles = cicd.deploymentRoles;
    const overrides = ctx.valid(["cicd", "deploymentRoles", "environments"], { ownLevelOnly: true })
      ? roles.environments
      : {};
    for (const [env, override] of Object.entries(overrides)) {
      const at = ["cicd", "deploymentRoles", "environments", env];
      if (!served.has(env)) {
        ctx.issue(
          at,
          `no pipeline deploys to environment ${JSON.stringify(env)}, so it has no deployment role; add it to a pipeline's environments or remove this entry`,
        );
      }
      checkAdministratorRequests(override, at, ctx);
    }
    checkAdministratorRequests(roles, ["cicd", "deploymentRoles"], ctx);
    if (ctx.valid(["cicd", "deploymentRoles"])) {
      checkEmptyPermissions(roles, served, ctx);
      checkElevatedPermissions(roles, served, ctx);
    }
  },
});

/** Every served environment's deployment role ends up with some permission (presets default to scoped-ecs). */
function checkEmptyPermissions(roles: DeploymentRolesConfig, served: Set<string>, ctx: CheckContext): void {
  for (const env of served) {
    const override = roles.environments[env];
    const presets = override?.presets ?? roles.presets ?? ["scoped-ecs"];
    const statements = override?.statements ?? roles.statements ?? [];
    const managedPolicies = override?.managedPolicies ?? roles.managedPolicies ?? [];
    const grants = [presets, statements, managedPolicies].some((v) => v.length > 0);
    if (!grants && override?.administratorAccess === undefined) {
      ctx.issue(
        override === undefined
          ? ["cicd", "deploymentRoles"]
          : ["cicd", "deploymentRoles", "environments", env],
        `the deployment role of environment ${JSON.stringify(env)} would have no permission; list presets (scoped-ecs), statements or managedPolicies`,
      );
    }
  }
}

/**
 * An environment whose deployment role would hold admin-equivalent or privilege-escalating
 * permissions (IAMFullAccess, `iam:Attach*` statements, a policy config cannot read) needs that
 * environment's `administratorAccess.justification`, as AdministratorAccess itself does.
 */
function checkElevatedPermissions(
  roles: DeploymentRolesConfig,
  served: Set<string>,
  ctx: CheckContext,
): void {
  // A policy of the defaults applies to every environment without its own list: reported once.
  const unjustified = new Map<string, { judgement: PolicyJudgement; environments: string[] }>();
  for (const env of served) {
    const override = roles.environments[env];
    if (override?.administratorAccess !== undefined) continue;
    const from = (key: "managedPolicies" | "statements"): ConfigPath =>
      override?.[key] !== undefined
        ? ["cicd", "deploymentRoles", "environments", env, key]
        : ["cicd", "deploymentRoles", key];
    const policies: ConfigPolicy[] = [
      ...managedPolicies(override?.managedPolicies ?? roles.managedPolicies, from("managedPolicies")),
      ...inlinePolicy(override?.statements ?? roles.statements, from("statements")),
    ];
    for (const judgement of judgePolicies(policies).filter(isElevated)) {
      if (isAdministratorAccessRequest(judgement.policy)) continue;
      const at = judgement.path.join("\u0000");
      const entry = unjustified.get(at) ?? { judgement, environments: [] };
      entry.environments.push(env);
      unjustified.set(at, entry);
    }
  }
  for (const { judgement, environments } of unjustified.values()) {
    const env = environments.length === 1 ? environments[0] : "<env>";
    const key = `org-access:cicd.deploymentRoles.environments.${env}.administratorAccess.justification`;
    ctx.issue(
      judgement.path,
      `${elevatedMessage(judgement, key)}; it reaches the deployment role of ${environments.length === 1 ? "environment" : "environments"} ${environments.join(", ")}`,
    );
  }
}

/** AdministratorAccess and `*` actions are reported on their own (they always need administratorAccess). */
function isAdministratorAccessRequest(policy: ConfigPolicy): boolean {
  if (policy.kind === "managed") return isAdministratorAccess(policy.ref);
  if (policy.kind === "inline") {
    return policy.statements.some((s) => allowsEveryAction(s as IdentityStatementConfig));
  }
  return false;
}

/** AdministratorAccess and `*` actions come only through `administratorAccess` with a justification. */
function checkAdministratorRequests(
  permissions: {
    readonly managedPolicies?: readonly string[];
    readonly statements?: readonly IdentityStatementConfig[];
  },
  at: ConfigPath,
  ctx: CheckContext,
): void {
  if (ctx.valid([...at, "managedPolicies"])) {
    (permissions.managedPolicies ?? []).forEach((policy, i) => {
      if (isAdministratorAccess(policy)) {
        ctx.issue(
          [...at, "managedPolicies", i],
          "a deployment role never gets AdministratorAccess as a plain policy; use the scoped-ecs preset or statements, or for one environment set deploymentRoles.environments.<env>.administratorAccess.justification",
        );
      }
    });
  }
  for (const [statement, i] of entries(permissions.statements)) {
    if (!ctx.valid([...at, "statements", i, "Action"]) || !ctx.valid([...at, "statements", i, "Effect"]))
      continue;
    if (allowsEveryAction(statement)) {
      ctx.issue(
        [...at, "statements", i, "Action"],
        'allowing "*" is administrator access; list the deployment\'s actions, or for one environment set deploymentRoles.environments.<env>.administratorAccess.justification',
      );
    }
  }
}

/**
 * One GitHub OIDC provider per account: when `org-access:pipeline` also creates one in the same
 * account, exactly one of the two sections may say `create`.
 */
function checkOidcProviderOwner(cicd: CicdConfig, ctx: CheckContext): void {
  const pipeline = ctx.valid(["pipeline"], { ownLevelOnly: true }) ? ctx.config.pipeline : undefined;
  if (!ctx.valid(["cicd", "github", "oidcProvider"]) || cicd.github.oidcProvider !== "create") return;
  if (pipeline === undefined) return;
  if (pipeline.oidcProvider === "create" && pipeline.toolingAccount === cicd.toolingAccount) {
    ctx.issue(
      ["cicd", "github", "oidcProvider"],
      "org-access:pipeline.oidcProvider already creates the GitHub OIDC provider in this tooling account, and an account holds one per URL; set this to existing (or set org-access:pipeline.oidcProvider: existing)",
    );
  }
}
