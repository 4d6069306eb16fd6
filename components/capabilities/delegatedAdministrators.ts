import { Capability } from "../context";
import { DelegatedAdministrators } from "../delegated-admins/delegated-administrators";
import { delegatedService, OrganizationPolicyType } from "../delegated-admins/services";

/** Policy types delegated when config names none: the article's "service and tag policies". */
export const DEFAULT_DELEGATED_POLICY_TYPES: readonly OrganizationPolicyType[] = [
  "SERVICE_CONTROL_POLICY",
  "TAG_POLICY",
];

/**
 * The `delegatedAdministrators` capability (management stack only): registers member accounts as
 * delegated administrators of organization services, with trusted access where each needs it.
 */
export const delegatedAdministrators: Capability = {
  name: "delegatedAdministrators",
  deploy: (ctx) => {
    const config = ctx.config.delegatedAdministrators;
    if (config === undefined || ctx.kind !== "management" || !ctx.organizationWide) return undefined;
    const defaults = { security: config.securityAccount, infrastructure: config.infrastructureAccount };
    const registrations = config.services.map((entry) => {
      // Config validation guarantees the principal is known.
      const service = delegatedService(entry.servicePrincipal)!;
      const account = ctx.accounts.get(entry.account ?? defaults[service.suggestedAccount]);
      return {
        service,
        account,
        accountId: account.id,
        regions: service.regional ? (entry.regions ?? [ctx.config.providers.region]) : [],
        policyTypes:
          service.registration === "organizations-delegation-policy"
            ? (entry.policyTypes ?? DEFAULT_DELEGATED_POLICY_TYPES)
            : undefined,
      };
    });
    const component = new DelegatedAdministrators(
      "delegated-admins",
      {
        registrations,
        manageServiceAccess: config.manageServiceAccess,
        managementAccountId: ctx.config.organization.managementAccountId,
        organizationId: ctx.config.organization.id,
        rootId: ctx.config.organization.rootId,
      },
      { provider: ctx.providers.home },
    );
    return {
      administrators: Object.fromEntries(
        registrations.map((r) => [r.service.servicePrincipal, r.account.name]),
      ),
      serviceAccess: [...component.serviceAccess],
      prerequisites: Object.fromEntries(
        registrations
          .filter((r) => r.service.prerequisite !== undefined)
          .map((r) => [r.service.servicePrincipal, r.service.prerequisite]),
      ),
    };
  },
};
