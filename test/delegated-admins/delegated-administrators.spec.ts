import * as assert from "assert";
import { DELEGATED_SERVICES } from "../../components/delegated-admins/services";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample, single } from "../harness";
import { configIssuesOf } from "../organization-access/helpers";

const MANAGEMENT = "111111111111";
const SECURITY = "222222222222";
const INFRA_OPS = "555555555555";
const ACCESS = "aws:organizations/awsServiceAccess:AwsServiceAccess";
const DELEGATED = "aws:organizations/delegatedAdministrator:DelegatedAdministrator";

type Section = { services: Record<string, unknown>[] } & Record<string, unknown>;
const example = () => exampleValue<Section>("management", "delegatedAdministrators");

describe("delegated administrators", () => {
  let run: ProgramRun;
  let variant: ProgramRun;
  before(async () => {
    run = await runExample("management");
    variant = await runExample("management", {
      delegatedAdministrators: {
        manageServiceAccess: false,
        services: [
          { servicePrincipal: "guardduty.amazonaws.com", regions: ["us-east-1", "eu-west-1"] },
          { servicePrincipal: "backup.amazonaws.com", account: "log-archive" },
          { servicePrincipal: "organizations.amazonaws.com" },
          { servicePrincipal: "macie.amazonaws.com" },
          { servicePrincipal: "detective.amazonaws.com" },
          { servicePrincipal: "access-analyzer.amazonaws.com" },
        ],
      },
    });
  });

  it("registers each service with the resource that also enables it, from the management account", () => {
    const registrations = run.resources
      .filter((r) => r.custom && r.name.startsWith("delegated-admins-") && r.type !== ACCESS)
      .map((r) => [r.type, r.name, r.account, r.inputs]);
    const expected: [string, string, Record<string, unknown>][] = [
      [DELEGATED, "delegated-admins-sso", { accountId: SECURITY, servicePrincipal: "sso.amazonaws.com" }],
      [
        "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount",
        "delegated-admins-guardduty-us-east-1",
        { adminAccountId: SECURITY, region: "us-east-1" },
      ],
      [
        "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount",
        "delegated-admins-securityhub-us-east-1",
        { adminAccountId: SECURITY, region: "us-east-1" },
      ],
      [
        "aws:inspector2/delegatedAdminAccount:DelegatedAdminAccount",
        "delegated-admins-inspector2-us-east-1",
        { accountId: SECURITY, region: "us-east-1" },
      ],
      [
        DELEGATED,
        "delegated-admins-member-org-stacksets-cloudformation",
        { accountId: SECURITY, servicePrincipal: "member.org.stacksets.cloudformation.amazonaws.com" },
      ],
      [
        DELEGATED,
        "delegated-admins-reporting-trustedadvisor",
        { accountId: INFRA_OPS, servicePrincipal: "reporting.trustedadvisor.amazonaws.com" },
      ],
      [
        "aws:ec2/vpcIpamOrganizationAdminAccount:VpcIpamOrganizationAdminAccount",
        "delegated-admins-ipam",
        { delegatedAdminAccountId: INFRA_OPS },
      ],
      [
        DELEGATED,
        "delegated-admins-cost-optimization-hub-bcm",
        { accountId: INFRA_OPS, servicePrincipal: "cost-optimization-hub.bcm.amazonaws.com" },
      ],
      [
        DELEGATED,
        "delegated-admins-backup",
        { accountId: INFRA_OPS, servicePrincipal: "backup.amazonaws.com" },
      ],
      // From org-access:guardrails.accessAnalyzers, which names the analyzers' account.
      [
        DELEGATED,
        "delegated-admins-access-analyzer",
        { accountId: SECURITY, servicePrincipal: "access-analyzer.amazonaws.com" },
      ],
    ];
    const withoutPolicy = registrations.filter(
      ([type]) => type !== "aws:organizations/resourcePolicy:ResourcePolicy",
    );
    assert.deepStrictEqual(
      withoutPolicy.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      expected
        .map(([type, name, inputs]) => [type, name, MANAGEMENT, inputs])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
  });

  it("enables trusted access first, and keeps it on delete, for services whose registration does not", () => {
    const access = ofType(run, ACCESS).filter((a) => a.name.startsWith("delegated-admins-"));
    assert.deepStrictEqual(
      access.map((a) => [a.name, a.account, a.inputs.servicePrincipal, a.retainOnDelete]),
      [
        [
          "delegated-admins-reporting-trustedadvisor-access",
          MANAGEMENT,
          "reporting.trustedadvisor.amazonaws.com",
          true,
        ],
        [
          "delegated-admins-cost-optimization-hub-bcm-access",
          MANAGEMENT,
          "cost-optimization-hub.bcm.amazonaws.com",
          true,
        ],
        ["delegated-admins-backup-access", MANAGEMENT, "backup.amazonaws.com", true],
        ["delegated-admins-access-analyzer-access", MANAGEMENT, "access-analyzer.amazonaws.com", true],
      ],
    );
    for (const a of access) {
      const registration = single(run, DELEGATED, a.name.replace(/-access$/, ""));
      assert.deepStrictEqual(registration.dependencies, [a.urn]);
    }
    // Identity Center and StackSets turn trusted access on themselves: a documented prerequisite.
    assert.deepStrictEqual(single(run, DELEGATED, "delegated-admins-sso").dependencies, []);
  });

  it("delegates organization policy management with the organization's delegation policy", () => {
    const policy = single(
      run,
      "aws:organizations/resourcePolicy:ResourcePolicy",
      "delegated-admins-organizations",
    );
    assert.strictEqual(policy.account, MANAGEMENT);
    const org = "arn:aws:organizations::111111111111";
    assert.deepStrictEqual(jsonInput(policy, "content"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DelegateOrganizationRead",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
          Action: ["organizations:Describe*", "organizations:List*"],
          Resource: "*",
        },
        {
          Sid: "DelegatePolicyManagement",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
          Action: [
            "organizations:CreatePolicy",
            "organizations:UpdatePolicy",
            "organizations:DeletePolicy",
            "organizations:AttachPolicy",
            "organizations:DetachPolicy",
            "organizations:EnablePolicyType",
            "organizations:DisablePolicyType",
            "organizations:TagResource",
            "organizations:UntagResource",
          ],
          Resource: [
            `${org}:root/o-a1b2c3d4e5/r-a1b2`,
            `${org}:ou/o-a1b2c3d4e5/*`,
            `${org}:account/o-a1b2c3d4e5/*`,
            `${org}:policy/o-a1b2c3d4e5/service_control_policy/*`,
            `${org}:policy/o-a1b2c3d4e5/tag_policy/*`,
          ],
          Condition: {
            StringLikeIfExists: { "organizations:PolicyType": ["SERVICE_CONTROL_POLICY", "TAG_POLICY"] },
          },
        },
      ],
    });
  });

  it("designates regional services in every configured region and honours explicit accounts", () => {
    assert.deepStrictEqual(
      ofType(variant, "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount").map((r) => [
        r.name,
        r.inputs.region,
      ]),
      [
        ["delegated-admins-guardduty-us-east-1", "us-east-1"],
        ["delegated-admins-guardduty-eu-west-1", "eu-west-1"],
      ],
    );
    assert.strictEqual(
      single(variant, DELEGATED, "delegated-admins-backup").inputs.accountId,
      "333333333333",
    );
    assert.deepStrictEqual(
      ofType(variant, "aws:macie2/organizationAdminAccount:OrganizationAdminAccount").map((r) => r.inputs),
      [{ adminAccountId: SECURITY, region: "us-east-1" }],
    );
    assert.deepStrictEqual(
      ofType(variant, "aws:detective/organizationAdminAccount:OrganizationAdminAccount").map((r) => r.inputs),
      [{ accountId: SECURITY, region: "us-east-1" }],
    );
  });

  it("leaves trusted access alone when manageServiceAccess is false", () => {
    assert.deepStrictEqual(ofType(variant, ACCESS), []);
    assert.deepStrictEqual(single(variant, DELEGATED, "delegated-admins-access-analyzer").dependencies, []);
  });

  it("reports administrators by service principal, and the prerequisites to do by hand", () => {
    const outputs = run.outputs.capabilities as Record<string, Record<string, Record<string, string>>>;
    const { administrators, prerequisites } = outputs.delegatedAdministrators;
    assert.strictEqual(administrators["sso.amazonaws.com"], "security");
    assert.strictEqual(administrators["ipam.amazonaws.com"], "infra-ops");
    assert.deepStrictEqual(Object.keys(prerequisites), [
      "sso.amazonaws.com",
      "member.org.stacksets.cloudformation.amazonaws.com",
    ]);
  });

  it("covers at least the services of the delegated-administrator table", () => {
    const principals = DELEGATED_SERVICES.map((s) => s.servicePrincipal);
    for (const principal of [
      "sso.amazonaws.com",
      "organizations.amazonaws.com",
      "guardduty.amazonaws.com",
      "securityhub.amazonaws.com",
      "inspector2.amazonaws.com",
      "reporting.trustedadvisor.amazonaws.com",
      "ipam.amazonaws.com",
      "cost-optimization-hub.bcm.amazonaws.com",
      "backup.amazonaws.com",
      "member.org.stacksets.cloudformation.amazonaws.com",
    ]) {
      assert.ok(principals.includes(principal), principal);
    }
  });
});

describe("delegated administrators config errors", () => {
  const services = (list: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    delegatedAdministrators: { ...extra, services: list },
  });

  it("refuses an unknown service principal, listing the known ones", () => {
    assert.deepStrictEqual(
      configIssuesOf("management", services([{ servicePrincipal: "guardduty.amazon.com" }])),
      [
        `org-access:delegatedAdministrators.services[0].servicePrincipal: unknown service principal "guardduty.amazon.com"; use one of ${DELEGATED_SERVICES.map((s) => s.servicePrincipal).join(", ")}`,
      ],
    );
  });

  it("refuses the management account, duplicates, regions on global services and stray policyTypes", () => {
    assert.deepStrictEqual(
      configIssuesOf(
        "management",
        services([
          { servicePrincipal: "guardduty.amazonaws.com", account: "management" },
          { servicePrincipal: "guardduty.amazonaws.com" },
          { servicePrincipal: "ipam.amazonaws.com", regions: ["us-east-1"], policyTypes: ["TAG_POLICY"] },
        ]),
      ),
      [
        'org-access:delegatedAdministrators.services[0].account: "management" is the management account, which administers every service already; name the member account that should (suggested: the security account)',
        "org-access:delegatedAdministrators.services[1].servicePrincipal: guardduty.amazonaws.com is already registered by org-access:delegatedAdministrators.services[0]; a service has one delegated administrator",
        "org-access:delegatedAdministrators.services[2].regions: Amazon VPC IP Address Manager is registered once for the organization, not per region; remove regions",
        "org-access:delegatedAdministrators.services[2].policyTypes: policyTypes applies to organizations.amazonaws.com only; remove it",
      ],
    );
  });

  it("says which default account is missing when a service relies on the suggestion", () => {
    assert.deepStrictEqual(
      configIssuesOf(
        "management",
        services([{ servicePrincipal: "backup.amazonaws.com" }], { infrastructureAccount: "networking" }),
      ),
      [
        'org-access:delegatedAdministrators.infrastructureAccount: unknown account "networking"; use a name from org-access:accounts (dev, infra-ops, log-archive, management, prod, sandbox, security, staging, tooling)',
        'org-access:delegatedAdministrators.services[0].account: no account given, and the suggested infrastructure account "networking" (org-access:delegatedAdministrators.infrastructureAccount) is not in org-access:accounts; set account or infrastructureAccount',
      ],
    );
  });

  it("belongs to the management stack only", () => {
    assert.deepStrictEqual(configIssuesOf("security", { delegatedAdministrators: example() }), [
      "org-access:delegatedAdministrators: delegated administrator registration (org-access:delegatedAdministrators) is deployed by the management stack, and this is a security stack; move this key to Pulumi.management.yaml",
    ]);
  });
});
