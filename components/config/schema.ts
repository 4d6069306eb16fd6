import { z } from "zod";
import {
  accountSchema,
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
import { guardrailsSection } from "./sections/guardrails";
import { identityCenterSection } from "./sections/identityCenter";
import { organizationAccessSection } from "./sections/organizationAccess";
import { pipelineSection } from "./sections/pipeline";
import { securityAccessSection } from "./sections/securityAccess";
import { checkAccessAnalyzers } from "./sections/accessAnalyzers";
import { checkResourceControlPolicies } from "./sections/resourceControlPolicies";
import { checkRootAccess } from "./sections/rootAccess";
import { sharedResourcesSection } from "./sections/sharedResources";
import { ALWAYS, TypedCheckContext } from "./sections/typedChecks";
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
] as const;

/** The whole stack config, one property per `org-access:<key>`. */
export const configSchema = z
  .object({
    organization: organizationSchema,
    organizationalUnits: z.array(organizationalUnitSchema).default([]),
    accounts: z.array(accountSchema).min(1, "list at least the management account"),
    deployment: deploymentSchema,
    providers: providersSchema.default({
      roleName: "OrganizationAccountAccessRole",
      sessionDurationSeconds: 900,
      region: "us-east-1",
      access: "deploy",
    }),
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
  })
  .strict()
  .superRefine((config, payload) => {
    // Checks on the typed config; they run even when other keys have errors.
    const ctx = new TypedCheckContext(config, payload);
    checkResourceControlPolicies(ctx);
    checkRootAccess(ctx);
    checkAccessAnalyzers(ctx);
  }, ALWAYS);

/** Validated stack config. */
export type OrgAccessConfig = z.infer<typeof configSchema>;

/** Every top-level key this program reads, without the `org-access:` namespace. */
export const configKeys: readonly string[] = Object.keys(configSchema.shape);
