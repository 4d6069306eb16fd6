import { z } from "zod";
import { rawAccounts, rawManagementAccountName, requireStackKind } from "../../cloudformation/config";
import {
  DELEGATED_SERVICES,
  delegatedService,
  ORGANIZATION_POLICY_TYPES,
} from "../../delegated-admins/services";
import { asArray, field, isString } from "../refs";
import { section } from "../section";

const region = z
  .string({ error: "expected an AWS region such as us-east-1" })
  .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, "expected an AWS region such as us-east-1");

const serviceSchema = z
  .object({
    /** The service principal, e.g. `guardduty.amazonaws.com` (the README lists the supported ones). */
    servicePrincipal: z.string({ error: "expected a service principal such as guardduty.amazonaws.com" }),
    /** The member account (by name); defaults to the suggested account for the service. */
    account: z.string({ error: "expected an account name" }).optional(),
    /** Regions to designate the admin in, for regional services; default the providers' region. */
    regions: z.array(region).min(1, "list at least one region").optional(),
    /** For organizations.amazonaws.com: the organization policy types the account may manage. */
    policyTypes: z
      .array(
        z.enum(ORGANIZATION_POLICY_TYPES, {
          error: `expected one of ${ORGANIZATION_POLICY_TYPES.join(", ")}`,
        }),
      )
      .min(1, "list at least one policy type")
      .optional(),
  })
  .strict();

const schema = z
  .object({
    /** Suggested default for security services (the guide's sec-ops). */
    securityAccount: z.string({ error: "expected an account name" }).default("security"),
    /** Suggested default for infrastructure services (the guide's infra-ops). */
    infrastructureAccount: z.string({ error: "expected an account name" }).default("infra-ops"),
    /** Create `AwsServiceAccess` where a service needs it; turn off when your Organization resource lists them. */
    manageServiceAccess: z.boolean({ error: "expected true or false" }).default(true),
    services: z.array(serviceSchema).min(1, "list at least one service"),
  })
  .strict()
  .optional();

export type DelegatedAdministratorsConfig = NonNullable<z.infer<typeof schema>>;

/** `org-access:delegatedAdministrators`: member accounts that administer organization services. */
export const delegatedAdministratorsSection = section({
  key: "delegatedAdministrators",
  schema,
  crossCheck: (raw, ctx) => {
    requireStackKind(
      ctx,
      "management",
      "delegated administrator registration (org-access:delegatedAdministrators)",
    );
    const management = rawManagementAccountName(ctx.root);
    const known = new Set(rawAccounts(ctx.root).map((a) => a.name));
    const defaults = {
      security: field(raw, "securityAccount") ?? "security",
      infrastructure: field(raw, "infrastructureAccount") ?? "infra-ops",
    };
    for (const key of ["securityAccount", "infrastructureAccount"]) {
      if (field(raw, key) !== undefined) ctx.refs.account(field(raw, key), `${ctx.path}.${key}`);
    }
    const seen = new Map<string, number>();
    asArray(field(raw, "services")).forEach((entry, i) => {
      const at = `${ctx.path}.services[${i}]`;
      const principal = field(entry, "servicePrincipal");
      if (!isString(principal)) return;
      const service = delegatedService(principal);
      if (service === undefined) {
        ctx.refs.issue(
          `${at}.servicePrincipal`,
          `unknown service principal ${JSON.stringify(principal)}; use one of ${DELEGATED_SERVICES.map((s) => s.servicePrincipal).join(", ")}`,
        );
        return;
      }
      const first = seen.get(principal);
      if (first !== undefined) {
        ctx.refs.issue(
          `${at}.servicePrincipal`,
          `${principal} is already registered by ${ctx.path}.services[${first}]; a service has one delegated administrator`,
        );
      } else {
        seen.set(principal, i);
      }

      const explicit = field(entry, "account");
      const account = explicit ?? defaults[service.suggestedAccount];
      const accountPath = `${at}.account`;
      if (isString(account) && account === management) {
        ctx.refs.issue(
          accountPath,
          `${JSON.stringify(account)} is the management account, which administers every service already; name the member account that should (suggested: the ${service.suggestedAccount} account)`,
        );
      } else if (explicit === undefined && isString(account) && !known.has(account)) {
        const key = service.suggestedAccount === "security" ? "securityAccount" : "infrastructureAccount";
        ctx.refs.issue(
          accountPath,
          `no account given, and the suggested ${service.suggestedAccount} account ${JSON.stringify(account)} (${ctx.path}.${key}) is not in org-access:accounts; set account or ${key}`,
        );
      } else {
        ctx.refs.account(account, accountPath);
      }

      if (field(entry, "regions") !== undefined && !service.regional) {
        ctx.refs.issue(
          `${at}.regions`,
          `${service.displayName} is registered once for the organization, not per region; remove regions`,
        );
      }
      if (
        field(entry, "policyTypes") !== undefined &&
        service.registration !== "organizations-delegation-policy"
      ) {
        ctx.refs.issue(
          `${at}.policyTypes`,
          "policyTypes applies to organizations.amazonaws.com only; remove it",
        );
      }
    });
  },
});
