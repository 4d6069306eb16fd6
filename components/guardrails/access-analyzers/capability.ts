import { Capability } from "../../context";
import { OrganizationAccessAnalyzers } from "./access-analyzers";

/**
 * The `accessAnalyzers` capability. The analyzers are created by the stack that deploys from the
 * delegated administrator (the security stack, with its own account's provider); the management
 * stack registers that account for Access Analyzer (the `delegatedAdministrators` capability does,
 * from this same block) and creates none itself.
 */
export const accessAnalyzers: Capability = {
  name: "accessAnalyzers",
  deploy: (ctx) => {
    const config = ctx.config.guardrails?.accessAnalyzers;
    if (config === undefined || !ctx.organizationWide) return undefined;
    const admin = ctx.accounts.get(config.delegatedAdministrator);
    const common = { delegatedAdministrator: admin.name, delegatedAdministratorId: admin.id };
    if (ctx.accounts.home.name !== admin.name) {
      return { ...common, analyzers: `created by the stack that deploys from ${admin.name}` };
    }
    const { externalAccess, unusedAccess, internalAccess } = config;
    const analyzers = new OrganizationAccessAnalyzers(
      "access-analyzers",
      {
        externalAccess: externalAccess.enabled ? { analyzerName: externalAccess.analyzerName } : undefined,
        unusedAccess:
          unusedAccess === undefined
            ? undefined
            : {
                analyzerName: unusedAccess.analyzerName,
                unusedAccessAgeDays: unusedAccess.unusedAccessAgeDays,
                excludeAccountIds: unusedAccess.excludeAccounts.map((name) => ctx.accounts.get(name).id),
              },
        internalAccess:
          internalAccess === undefined
            ? undefined
            : {
                analyzerName: internalAccess.analyzerName,
                resourceTypes: internalAccess.resourceTypes,
                accountIds: internalAccess.accounts.map((name) => ctx.accounts.get(name).id),
              },
      },
      { provider: ctx.providers.home },
    );
    return {
      ...common,
      analyzers: {
        externalAccess: analyzers.externalAccess?.arn,
        unusedAccess: analyzers.unusedAccess?.arn,
        internalAccess: analyzers.internalAccess?.arn,
      },
    };
  },
};
