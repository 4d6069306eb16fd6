import * as pulumi from "@pulumi/pulumi";
import { DelegationConfig, principalArn } from "./config";
import { Capability } from "../context";
import { delegationGroupPolicyDocument, DelegationGroupPolicy } from "./group-policy";
import { DelegatedRole } from "./delegated-role";
import { mergeConditions, policyDocument, PolicyStatement } from "../iam/documents";
import { mfaAndNetworkConditions } from "../iam/trust";
import { roleArn } from "../naming";

interface DelegationOutput {
  identityAccount: string;
  roleName: string;
  groupName: string;
  principals: string[];
  roles: Record<string, pulumi.Output<string>>;
}

/** `AllowAssume<Name>`: the inline policy's name on the group, PascalCase from the delegation's name. */
export function delegationPolicyName(delegation: Pick<DelegationConfig, "name">): string {
  return `AllowAssume${delegation.name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}`;
}

/**
 * The `delegation` capability (management stack): for each delegation, the role in every target
 * account of this stack's scope, and (organization-wide) the identity account group's inline policy
 * allowing exactly those roles, under the same MFA and network conditions as the trust.
 */
export const delegation: Capability = {
  name: "delegation",
  deploy: (ctx) => {
    const config = ctx.config.delegation;
    if (config === undefined || config.length === 0) return undefined;
    const out: Record<string, DelegationOutput> = {};
    for (const d of config) {
      const identity = ctx.accounts.get(d.identityAccount);
      const principals = d.principals.map((p) => principalArn(identity.id, p));
      const conditions = mfaAndNetworkConditions(d);
      const targets = ctx.accounts.reach(d).filter((a) => a.name !== identity.name);
      // The job's statements carry the trust's conditions too, as the guide's inline policy does.
      const inlinePolicy =
        d.inlinePolicy === undefined
          ? undefined
          : policyDocument(
              d.inlinePolicy.map((s) => {
                const statement = { ...s } as PolicyStatement;
                if (s.Effect !== "Allow") return statement;
                const merged = mergeConditions(s.Condition, conditions);
                return merged === undefined ? statement : { ...statement, Condition: merged };
              }),
            );
      const entry: DelegationOutput = {
        identityAccount: identity.name,
        roleName: d.roleName,
        groupName: d.group.name,
        principals,
        roles: {},
      };
      for (const account of ctx.accounts.forStack(targets)) {
        const role = new DelegatedRole(
          `delegation-${d.name}-${account.name}`,
          {
            delegation: d.name,
            roleName: d.roleName,
            principalArns: principals,
            organizationId: ctx.config.organization.id,
            requireMfa: d.requireMfa,
            maxMfaAgeSeconds: d.maxMfaAgeSeconds,
            sourceIpRanges: d.sourceIpRanges,
            managedPolicies: d.managedPolicies,
            inlinePolicy,
            permissionsBoundary: ctx.boundaries.forRole(account.name, d.roleName),
            maxSessionDuration: d.maxSessionDurationSeconds,
            requireSourceIdentity: d.requireSourceIdentity,
          },
          { provider: ctx.providers.forAccount(account) },
        );
        ctx.inventory.add(account.name, d.roleName);
        entry.roles[account.name] = role.arn;
      }
      if (ctx.organizationWide) {
        new DelegationGroupPolicy(
          `delegation-${d.name}-group`,
          {
            groupName: d.group.name,
            createGroup: d.group.create,
            policyName: delegationPolicyName(d),
            policy: delegationGroupPolicyDocument({
              sid: delegationPolicyName(d),
              roleArns: targets.map((a) => roleArn(a.id, d.roleName)),
              conditions,
              requireSourceIdentity: d.requireSourceIdentity,
            }),
          },
          { provider: ctx.providers.forAccount(identity) },
        );
      }
      out[d.name] = entry;
    }
    return out;
  },
};
