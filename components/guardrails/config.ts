import { z } from "zod";
import type { OrgAccessConfig } from "../config/schema";
import { section } from "../config/section";
import { accessAnalyzersSchema, checkAccessAnalyzers } from "./access-analyzers/config";
import {
  boundarySchema,
  checkPermissionsBoundary,
  workloadOrganizationalUnits,
} from "./permissions-boundaries/config";
import {
  checkResourceControlPolicies,
  resourceControlPolicySchema,
} from "./resource-control-policies/config";
import { checkRootAccess, rootAccessSchema } from "./root-access/config";
import { checkServiceControlPolicies, scpSchema } from "./service-control-policies/config";

const schema = z
  .object({
    scps: z
      .array(scpSchema)
      .default([])
      .meta({ description: "Service control policies and where they are attached." }),
    permissionsBoundary: boundarySchema.optional().meta({
      description: "The boundary set on every custom role this program creates in workload accounts.",
    }),
    resourceControlPolicies: z
      .array(resourceControlPolicySchema)
      .default([])
      .meta({ description: "Resource control policies (the data perimeter) and where they are attached." }),
    rootAccess: rootAccessSchema
      .optional()
      .meta({ description: "Centralized root access for member accounts." }),
    accessAnalyzers: accessAnalyzersSchema.optional().meta({
      description: "The organization's IAM Access Analyzer analyzers and their delegated administrator.",
    }),
  })
  .strict()
  .optional();

export type GuardrailsConfig = NonNullable<z.infer<typeof schema>>;

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
    checkServiceControlPolicies(guardrails, ctx);
    checkPermissionsBoundary(guardrails, ctx);
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
