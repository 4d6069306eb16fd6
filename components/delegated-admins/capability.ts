import { OrgAccessConfig } from "../config";
import { ACCESS_ANALYZER_PRINCIPAL } from "../naming";
import { DelegatedAdministratorsConfig } from "./config";
import { Capability } from "../context";
import { DelegatedAdministrators } from "./delegated-administrators";
import { delegatedService, OrganizationPolicyType } from "./services";

/** Policy types delegated when config names none: the article's "service and tag policies". */
export const DEFAULT_DELEGATED_POLICY_TYPES: readonly OrganizationPolicyType[] = [
  "SERVICE_CONTROL_POLICY",
  "TAG_POLICY",
];

/**
 * The delegated administrators to register: the configured services, plus IAM Access Analyzer for
 * the account `org-access:guardrails.accessAnalyzers` names when the list does not have it already
 * (config validation made sure an entry that has it names the same account). Either way it is the
 * same registration, under the same name.
 */
function withAccessAnalyzer(config: OrgAccessConfig): DelegatedAdministratorsConfig | undefined {
  const analyzers = config.guardrails?.accessAnalyzers;
  const delegated = config.delegatedAdministrators;
  if (analyzers === undefined) return delegated;
  const base: DelegatedAdministratorsConfig = delegated ?? {
    securityAccount: "security",
    infrastructureAccount: "infra-ops",
    manageServiceAccess: true,
    services: [],
  };
  if (base.services.some((s) => s.servicePrincipal === ACCESS_ANALYZER_PRINCIPAL)) return base;
  return {
    ...base,
    services: [
      ...base.services,
      { servicePrincipal: ACCESS_ANALYZER_PRINCIPAL, account: analyzers.delegatedAdministrator },
    ],
  };
}

/**
 * The `delegatedAdministrators` capability (management stack only): registers member accounts as
 * delegated administrators of organization services, with trusted access where each needs it.
 */
export const delegatedAdministrators: Capability = {
  name: "delegatedAdministrators",
  deploy: (ctx) => {
    if (ctx.kind !== "management" || !ctx.organizationWide) return undefined;
    const config = withAccessAnalyzer(ctx.config);
    if (config === undefined) return undefined;
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
