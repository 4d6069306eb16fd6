import * as pulumi from "@pulumi/pulumi";
import { perimeterExemptions } from "./config";
import { Capability } from "../../context";
import { rcpDocument } from "./rcp-documents";
import { ResourceControlPolicy } from "./resource-control-policy";
import { PolicyStatement } from "../../iam/documents";
import { organizationPolicyTargets } from "../organization-policy";

/** What Organizations needs before any RCP can be attached; this program does not change the root's policy types. */
export function rcpPrerequisite(rootId: string): string {
  return `enable the RESOURCE_CONTROL_POLICY policy type on the organization root first (aws organizations enable-policy-type --root-id ${rootId} --policy-type RESOURCE_CONTROL_POLICY); Organizations then attaches RCPFullAWSAccess to the root, every OU and every account`;
}

/**
 * The `resourceControlPolicies` capability (management stack, organization-wide shard): the data
 * perimeter's RCPs, attached to the root, OUs and member accounts. The management account's own
 * resources are outside every RCP, as its principals are outside every SCP.
 */
export const resourceControlPolicies: Capability = {
  name: "resourceControlPolicies",
  deploy: (ctx) => {
    const rcps = ctx.config.guardrails?.resourceControlPolicies ?? [];
    if (rcps.length === 0 || ctx.kind !== "management" || !ctx.organizationWide) return undefined;
    const policies: Record<
      string,
      { policyId: pulumi.Output<string>; presets: string[]; targets: string[]; exemptions: string[] }
    > = {};
    for (const rcp of rcps) {
      const exemptions = perimeterExemptions(rcp, ctx.config.vendors ?? []);
      const document = rcpDocument(
        rcp.presets,
        {
          organizationId: ctx.config.organization.id,
          services: rcp.services,
          exemptions,
          webIdentityProviders: rcp.webIdentityProviders,
        },
        rcp.statements as PolicyStatement[],
      );
      const targets = organizationPolicyTargets(ctx, rcp.targets);
      const policy = new ResourceControlPolicy(
        `rcp-${rcp.name}`,
        {
          policyName: `org-access-${rcp.name}`,
          description:
            rcp.description ??
            `Data perimeter: ${rcp.presets.join(", ") || "custom statements"} (org-access)`,
          document,
          targets,
        },
        { provider: ctx.providers.home },
      );
      policies[rcp.name] = {
        policyId: policy.id,
        presets: [...rcp.presets],
        targets: targets.map((t) => t.id),
        exemptions: exemptions.map((e) => e.principal),
      };
    }
    return {
      policies,
      prerequisites: [rcpPrerequisite(ctx.config.organization.rootId)],
      notCovered: `the management account (${ctx.config.organization.managementAccountId}): RCPs never restrict its resources; keep shared data in member accounts`,
    };
  },
};
