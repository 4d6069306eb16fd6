import { z } from "zod";
import { ALWAYS, CheckContext, ConfigSourceFacts, PLAIN_VALUES } from "./checks";
import {
  accountSchema,
  checkCore,
  deploymentSchema,
  organizationalUnitSchema,
  organizationSchema,
  providersSchema,
  scopeSchema,
} from "./core";
import { auditSection } from "../audit/config";
import { cicdSection } from "../cicd/config";
import { delegatedAdministratorsSection } from "../delegated-admins/config";
import { delegationSection } from "../delegation/config";
import { expectationsSection } from "./expectations";
import { observabilitySection } from "../observability/config";
import { guardrailsSection } from "../guardrails/config";
import { identityCenterSection } from "../identity-center/config";
import { organizationAccessSection } from "../organization-access/config";
import { pipelineSection } from "../pipeline/config";
import { securityAccessSection } from "../security-access/config";
import { sharedResourcesSection } from "../shared-resources/config";
import { vendorsSection } from "../vendors/config";

/** The capability sections, in the order their checks run. */
export const sections = [
  organizationAccessSection,
  securityAccessSection,
  delegatedAdministratorsSection,
  identityCenterSection,
  cicdSection,
  auditSection,
  sharedResourcesSection,
  vendorsSection,
  delegationSection,
  guardrailsSection,
  pipelineSection,
  expectationsSection,
  observabilitySection,
] as const;

/** The whole stack config, one property per `org-access:<key>`, before the checks across keys. */
export const configObjectSchema = z
  .object({
    organization: organizationSchema.meta({
      description: "The facts every trust policy and SCP is built from.",
    }),
    organizationalUnits: z
      .array(organizationalUnitSchema)
      .default([])
      .meta({ description: "OUs by name; accounts and targets refer to them by name." }),
    accounts: z
      .array(accountSchema)
      .min(1, "list at least the management account")
      .meta({ description: "The account inventory: every account this program reaches, by name." }),
    deployment: deploymentSchema.meta({ description: "Which stack this is and which account it runs in." }),
    providers: providersSchema
      .prefault({})
      .meta({ description: "How the stack reaches the accounts it manages." }),
    scope: scopeSchema.optional().meta({
      description:
        "Limit the accounts this stack rolls out to, so large organizations shard their stacks; the home account is always in scope.",
    }),
    organizationAccess: organizationAccessSection.schema.meta({
      description:
        "The organization access role (`OrganizationAccountAccessRole`): the member-account copy by StackSet, and the management account's own copy.",
    }),
    securityAccess: securityAccessSection.schema.meta({
      description:
        "Security teams' access: a source role per team in the delegated-admin account and the target role it may assume in member accounts.",
    }),
    delegatedAdministrators: delegatedAdministratorsSection.schema.meta({
      description: "Delegated administrators of AWS services, registered from the management account.",
    }),
    identityCenter: identityCenterSection.schema.meta({
      description: "IAM Identity Center: groups, permission sets and their assignments to accounts.",
    }),
    cicd: cicdSection.schema.meta({
      description:
        "CI/CD for workloads: the GitHub OIDC provider, CI roles per pipeline and the deployment roles they assume in the workload accounts.",
    }),
    audit: auditSection.schema.meta({
      description:
        "The audit read role in member accounts, trusted only by the security account's automation.",
    }),
    sharedResources: sharedResourcesSection.schema.meta({
      description:
        "Cross-account shared resources: an S3 prefix (and a KMS key) in an owner account, reached by one role in a consumer account.",
    }),
    vendors: vendorsSection.schema.meta({
      description:
        "Third-party vendor roles: trusted by the vendor's account with an ExternalId, in the target accounts.",
    }),
    delegation: delegationSection.schema.meta({
      description:
        "Delegation from IAM users in an identity account to roles in target accounts, with MFA and source networks.",
    }),
    guardrails: guardrailsSection.schema.meta({
      description:
        "Guardrails: SCPs, the permissions boundary, RCPs, centralized root access and IAM Access Analyzer.",
    }),
    pipeline: pipelineSection.schema.meta({
      description:
        "This project's own deployment pipeline: the GitHub OIDC identities and the deploy and preview roles of both stacks.",
    }),
    expectations: expectationsSection.schema.meta({
      description:
        "Who must (or must not) be able to assume which role or do which action, checked by the offline plan (`npm run plan`); the program creates nothing from this key.",
    }),
    observability: observabilitySection.schema.meta({
      description:
        "Alerts on role use: EventBridge rules in the watched accounts forward STS events to the security account's bus and an SNS topic.",
    }),
  })
  .strict();

/**
 * The whole stack config with every check across keys: the core checks, then each section's, on the
 * parsed config. They run even when other keys have errors (`when`), so all problems come at once.
 */
export function configSchema(source: ConfigSourceFacts = PLAIN_VALUES) {
  return configObjectSchema.superRefine((config, payload) => {
    const ctx = new CheckContext(config, payload, source);
    checkCore(config, ctx);
    for (const section of sections) {
      const value = (config as Record<string, unknown>)[section.key];
      if (value === undefined || section.check === undefined) continue;
      if (!ctx.valid([section.key], { ownLevelOnly: true })) continue;
      (section.check as (value: unknown, ctx: CheckContext) => void)(value, ctx);
    }
  }, ALWAYS);
}

/** Validated stack config. */
export type OrgAccessConfig = z.infer<typeof configObjectSchema>;

/** Every top-level key this program reads, without the `org-access:` namespace. */
export const configKeys: readonly string[] = Object.keys(configObjectSchema.shape);
