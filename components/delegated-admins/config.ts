import { z } from "zod";
import { entries, firstOrDuplicate } from "../config/checks";
import { DELEGATED_SERVICES, delegatedService, ORGANIZATION_POLICY_TYPES } from "./services";
import { region } from "../config/primitives";
import { section } from "../config/section";

const serviceSchema = z
  .object({
    servicePrincipal: z
      .string({ error: "expected a service principal such as guardduty.amazonaws.com" })
      .meta({
        description: "The service principal (the docs list the supported ones).",
        examples: ["guardduty.amazonaws.com"],
      }),
    account: z.string({ error: "expected an account name" }).optional().meta({
      description: "The member account (by name); defaults to the suggested account for the service.",
    }),
    regions: z.array(region).min(1, "list at least one region").optional().meta({
      description: "Regions to designate the admin in, for regional services; default the providers' region.",
    }),
    policyTypes: z
      .array(
        z.enum(ORGANIZATION_POLICY_TYPES, {
          error: `expected one of ${ORGANIZATION_POLICY_TYPES.join(", ")}`,
        }),
      )
      .min(1, "list at least one policy type")
      .optional()
      .meta({
        description: "For organizations.amazonaws.com: the organization policy types the account may manage.",
      }),
  })
  .strict();

const schema = z
  .object({
    securityAccount: z
      .string({ error: "expected an account name" })
      .default("security")
      .meta({ description: "Suggested default for security services (the guide's sec-ops)." }),
    infrastructureAccount: z
      .string({ error: "expected an account name" })
      .default("infra-ops")
      .meta({ description: "Suggested default for infrastructure services (the guide's infra-ops)." }),
    manageServiceAccess: z.boolean({ error: "expected true or false" }).default(true).meta({
      description:
        "Create `AwsServiceAccess` where a service needs it; turn off when your Organization resource lists them.",
    }),
    services: z
      .array(serviceSchema)
      .min(1, "list at least one service")
      .meta({ description: "The services to delegate, each to a member account." }),
  })
  .strict()
  .optional();

export type DelegatedAdministratorsConfig = NonNullable<z.infer<typeof schema>>;

/** `org-access:delegatedAdministrators`: member accounts that administer organization services. */
export const delegatedAdministratorsSection = section({
  key: "delegatedAdministrators",
  schema,
  check: (config, ctx) => {
    const key = "delegatedAdministrators";
    ctx.requireStackKind(
      key,
      "management",
      "delegated administrator registration (org-access:delegatedAdministrators)",
    );
    const management = ctx.managementAccount;
    const defaults = { security: config.securityAccount, infrastructure: config.infrastructureAccount };
    for (const name of ["securityAccount", "infrastructureAccount"] as const) {
      if (ctx.source.isSet([key, name])) ctx.account(config[name], [key, name]);
    }
    const seen = new Map<string, number>();
    for (const [entry, i] of entries(config.services)) {
      const at = [key, "services", i];
      const principal = entry.servicePrincipal;
      if (typeof principal !== "string") continue;
      const service = delegatedService(principal);
      if (service === undefined) {
        ctx.issue(
          [...at, "servicePrincipal"],
          `unknown service principal ${JSON.stringify(principal)}; use one of ${DELEGATED_SERVICES.map((s) => s.servicePrincipal).join(", ")}`,
        );
        continue;
      }
      firstOrDuplicate(seen, principal, i, (first) =>
        ctx.issue(
          [...at, "servicePrincipal"],
          `${principal} is already registered by org-access:delegatedAdministrators.services[${first}]; a service has one delegated administrator`,
        ),
      );

      const account = entry.account ?? defaults[service.suggestedAccount];
      const accountPath = [...at, "account"];
      if (typeof account === "string" && account === management) {
        ctx.issue(
          accountPath,
          `${JSON.stringify(account)} is the management account, which administers every service already; name the member account that should (suggested: the ${service.suggestedAccount} account)`,
        );
      } else if (entry.account === undefined && !ctx.isAccount(account)) {
        const defaultKey =
          service.suggestedAccount === "security" ? "securityAccount" : "infrastructureAccount";
        ctx.issue(
          accountPath,
          `no account given, and the suggested ${service.suggestedAccount} account ${JSON.stringify(account)} (org-access:delegatedAdministrators.${defaultKey}) is not in org-access:accounts; set account or ${defaultKey}`,
        );
      } else {
        ctx.account(account, accountPath);
      }

      if (entry.regions !== undefined && !service.regional) {
        ctx.issue(
          [...at, "regions"],
          `${service.displayName} is registered once for the organization, not per region; remove regions`,
        );
      }
      if (entry.policyTypes !== undefined && service.registration !== "organizations-delegation-policy") {
        ctx.issue(
          [...at, "policyTypes"],
          "policyTypes applies to organizations.amazonaws.com only; remove it",
        );
      }
    }
  },
});
