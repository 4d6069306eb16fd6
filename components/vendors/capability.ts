import * as pulumi from "@pulumi/pulumi";
import { vendorRoleName } from "./config";
import { Capability } from "../context";
import { PolicyDocument } from "../iam/documents";
import { VendorRole } from "./vendor-role";

interface VendorOutput {
  roleName: string;
  vendorAccountId: string;
  /** Account name to role ARN: what to hand to the vendor's onboarding form. */
  roles: Record<string, pulumi.Output<string>>;
}

/**
 * The `vendors` capability: one role per vendor integration in each account of its set (in this
 * stack's scope), through that account's provider. Resource names derive from the vendor and the
 * account, so removing a vendor (or an account from its set) from config removes exactly its roles.
 */
export const vendors: Capability = {
  name: "vendors",
  deploy: (ctx) => {
    const config = ctx.config.vendors;
    if (config === undefined || config.length === 0) return undefined;
    const out: Record<string, VendorOutput> = {};
    for (const vendor of config) {
      const roleName = vendorRoleName(vendor);
      const entry: VendorOutput = { roleName, vendorAccountId: vendor.accountId, roles: {} };
      for (const account of ctx.accounts.targets(vendor)) {
        const role = new VendorRole(
          `vendor-${vendor.name}-${account.name}`,
          {
            vendor: vendor.name,
            roleName,
            vendorAccountId: vendor.accountId,
            principalArn: vendor.principalArn,
            externalId: pulumi.secret(vendor.externalId),
            managedPolicies: vendor.managedPolicies,
            inlinePolicy: vendor.inlinePolicy as PolicyDocument | undefined,
            maxSessionDuration: vendor.maxSessionDurationSeconds,
            permissionsBoundary: ctx.boundaries.forRole(account.name, roleName),
            description: vendor.description,
          },
          { provider: ctx.providers.forAccount(account) },
        );
        ctx.inventory.add(account.name, roleName);
        entry.roles[account.name] = role.arn;
      }
      out[vendor.name] = entry;
    }
    return out;
  },
};
