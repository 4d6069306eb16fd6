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
import { auditSection } from "./sections/audit";
import { cicdSection } from "./sections/cicd";
import { delegatedAdministratorsSection } from "./sections/delegatedAdministrators";
import { delegationSection } from "./sections/delegation";
import { expectationsSection } from "./sections/expectations";
import { observabilitySection } from "./sections/observability";
import { guardrailsSection } from "./sections/guardrails";
import { identityCenterSection } from "./sections/identityCenter";
import { organizationAccessSection } from "./sections/organizationAccess";
import { pipelineSection } from "./sections/pipeline";
import { securityAccessSection } from "./sections/securityAccess";
import { sharedResourcesSection } from "./sections/sharedResources";
import { vendorsSection } from "./sections/vendors";

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
    organization: organizationSchema,
    organizationalUnits: z.array(organizationalUnitSchema).default([]),
    accounts: z.array(accountSchema).min(1, "list at least the management account"),
    deployment: deploymentSchema,
    providers: providersSchema.prefault({}),
    scope: scopeSchema.optional(),
    organizationAccess: organizationAccessSection.schema,
    securityAccess: securityAccessSection.schema,
    delegatedAdministrators: delegatedAdministratorsSection.schema,
    identityCenter: identityCenterSection.schema,
    cicd: cicdSection.schema,
    audit: auditSection.schema,
    sharedResources: sharedResourcesSection.schema,
    vendors: vendorsSection.schema,
    delegation: delegationSection.schema,
    guardrails: guardrailsSection.schema,
    pipeline: pipelineSection.schema,
    expectations: expectationsSection.schema,
    observability: observabilitySection.schema,
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
