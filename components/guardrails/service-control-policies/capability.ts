import { pipelineDeployRoleArns } from "../../pipeline-layout";
import * as pulumi from "@pulumi/pulumi";
import { ScpConfig } from "./config";
import { Capability, StackContext } from "../../context";
import { scpDocument } from "./scp-documents";
import { ServiceControlPolicy } from "./service-control-policy";
import { organizationPolicyTargets } from "../organization-policy";
import { PolicyStatement } from "../../iam/documents";

/** The StackSet execution roles: service-managed ones (`stacksets-exec-*`) and self-managed ones. */
export const STACKSET_EXECUTION_ROLE_PATTERNS = [
  "arn:aws:iam::*:role/stacksets-exec-*",
  "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
];

/**
 * The principals that deploy this program's roles: the role every member-account provider assumes,
 * the StackSet execution roles, the home deploy role, and the configured extras (the pipeline).
 */
export function deployingPrincipalArns(ctx: StackContext, scp: ScpConfig): string[] {
  return [
    ...new Set([
      `arn:aws:iam::*:role/${ctx.config.providers.roleName}`,
      ...STACKSET_EXECUTION_ROLE_PATTERNS,
      ...(ctx.config.deployment.roleArn === undefined ? [] : [ctx.config.deployment.roleArn]),
      // The pipeline's deploy roles are the only writers besides the roles above.
      ...pipelineDeployRoleArns(ctx.config, ctx.accounts),
      ...scp.exemptions.map((e) => e.principal),
    ]),
  ];
}

/**
 * The `serviceControlPolicies` capability (management stack, organization-wide shard). It runs last:
 * by then the inventory holds every role name this stack manages, which the role-protection preset
 * lists.
 */
export const serviceControlPolicies: Capability = {
  name: "serviceControlPolicies",
  deploy: (ctx) => {
    const scps = ctx.config.guardrails?.scps ?? [];
    if (scps.length === 0 || ctx.kind !== "management" || !ctx.organizationWide) return undefined;
    const provider = ctx.providers.home;
    const managedRoles = ctx.inventory.roleNames();
    const out: Record<string, { policyId: pulumi.Output<string>; presets: string[]; targets: string[] }> = {};
    for (const scp of scps) {
      const usesExemptionsForDeployers = scp.presets.includes("protect-managed-roles");
      const document = scpDocument(
        scp.presets,
        {
          allowedRegions: scp.allowedRegions,
          // With role protection, the exemptions name the deployers; other presets use them as given.
          exemptPrincipalArns: scp.exemptions.map((e) => e.principal),
          protectedRoleNames: [...managedRoles, ...scp.protectedRoleNames],
          deployingPrincipalArns: usesExemptionsForDeployers ? deployingPrincipalArns(ctx, scp) : [],
        },
        scp.statements as PolicyStatement[],
      );
      const targets = organizationPolicyTargets(ctx, scp.targets);
      const policy = new ServiceControlPolicy(
        `scp-${scp.name}`,
        {
          policyName: `org-access-${scp.name}`,
          description:
            scp.description ?? `Guardrails: ${scp.presets.join(", ") || "custom statements"} (org-access)`,
          document,
          targets,
        },
        { provider },
      );
      out[scp.name] = { policyId: policy.id, presets: [...scp.presets], targets: targets.map((t) => t.id) };
    }
    return out;
  },
};
