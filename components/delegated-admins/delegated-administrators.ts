import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../iam/documents";
import { slug } from "../naming";
import { organizationsDelegationPolicy } from "./delegation-policy";
import { DelegatedService, OrganizationPolicyType } from "./services";
import { requireExplicitProvider } from "../explicit-provider";

/** One service handed to one member account. */
export interface DelegatedRegistration {
  readonly service: DelegatedService;
  /** The member account's ID. */
  readonly accountId: string;
  /** Regions for regional services. */
  readonly regions: readonly string[];
  /** For AWS Organizations policy management: the policy types delegated. */
  readonly policyTypes?: readonly OrganizationPolicyType[];
}

export interface DelegatedAdministratorsArgs {
  readonly registrations: readonly DelegatedRegistration[];
  /** Create `AwsServiceAccess` for services whose registration does not enable trusted access. */
  readonly manageServiceAccess: boolean;
  /** The management account (never a delegated administrator). */
  readonly managementAccountId: string;
  readonly organizationId: string;
  readonly rootId: string;
}

/**
 * Registers member accounts as delegated administrators from the management account, so teams work
 * from their own accounts instead of the management account. Each service uses the resource that
 * registers it properly: the service's own admin-account resource when it exists (it enables trusted
 * access too), otherwise `DelegatedAdministrator` after `AwsServiceAccess`; AWS Organizations policy
 * management uses the organization's delegation policy.
 */
export class DelegatedAdministrators extends pulumi.ComponentResource {
  /** Service principal to the ID of the account that administers it. */
  public readonly administrators: Readonly<Record<string, string>>;
  /** Service principals whose trusted access this component enables. */
  public readonly serviceAccess: readonly string[];

  constructor(name: string, args: DelegatedAdministratorsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:delegated-admins:DelegatedAdministrators", name, {}, opts);
    requireExplicitProvider(this, "DelegatedAdministrators", name, opts, "the management account's");
    const administrators: Record<string, string> = {};
    const serviceAccess: string[] = [];
    for (const registration of args.registrations) {
      const { service, accountId } = registration;
      if (accountId === args.managementAccountId) {
        throw new pulumi.ResourceError(
          `DelegatedAdministrators \`${name}\`: \`registrations\` names the management account for ${service.servicePrincipal}`,
          this,
        );
      }
      const base = `${name}-${slug(service.servicePrincipal.replace(/\.amazonaws\.com$/, ""))}`;
      let dependsOn: pulumi.Resource[] = [];
      if (service.trustedAccess === "service-access" && args.manageServiceAccess) {
        // Disabling trusted access breaks the service for the whole organization: never on delete.
        dependsOn = [
          new aws.organizations.AwsServiceAccess(
            `${base}-access`,
            { servicePrincipal: service.servicePrincipal },
            { parent: this, retainOnDelete: true },
          ),
        ];
        serviceAccess.push(service.servicePrincipal);
      }
      this.register(base, registration, args, dependsOn);
      administrators[service.servicePrincipal] = accountId;
    }
    this.administrators = administrators;
    this.serviceAccess = serviceAccess;
    this.registerOutputs({ administrators, serviceAccess });
  }

  private register(
    base: string,
    { service, accountId, regions, policyTypes }: DelegatedRegistration,
    args: DelegatedAdministratorsArgs,
    dependsOn: pulumi.Resource[],
  ): void {
    const opts = { parent: this, dependsOn };
    const perRegion = (create: (name: string, region: string) => void) =>
      regions.forEach((region) => create(`${base}-${region}`, region));
    switch (service.registration) {
      case "delegated-administrator":
        new aws.organizations.DelegatedAdministrator(
          base,
          { accountId, servicePrincipal: service.servicePrincipal },
          opts,
        );
        return;
      case "guardduty":
        perRegion(
          (n, region) =>
            new aws.guardduty.OrganizationAdminAccount(n, { adminAccountId: accountId, region }, opts),
        );
        return;
      case "securityhub":
        perRegion(
          (n, region) =>
            new aws.securityhub.OrganizationAdminAccount(n, { adminAccountId: accountId, region }, opts),
        );
        return;
      case "inspector2":
        perRegion((n, region) => new aws.inspector2.DelegatedAdminAccount(n, { accountId, region }, opts));
        return;
      case "macie2":
        perRegion(
          (n, region) =>
            new aws.macie2.OrganizationAdminAccount(n, { adminAccountId: accountId, region }, opts),
        );
        return;
      case "detective":
        perRegion((n, region) => new aws.detective.OrganizationAdminAccount(n, { accountId, region }, opts));
        return;
      case "vpc-ipam":
        new aws.ec2.VpcIpamOrganizationAdminAccount(base, { delegatedAdminAccountId: accountId }, opts);
        return;
      case "organizations-delegation-policy":
        new aws.organizations.ResourcePolicy(
          base,
          {
            content: toJson(
              organizationsDelegationPolicy({
                delegatedAccountId: accountId,
                managementAccountId: args.managementAccountId,
                organizationId: args.organizationId,
                rootId: args.rootId,
                policyTypes: policyTypes ?? [],
              }),
            ),
          },
          opts,
        );
        return;
    }
  }
}
