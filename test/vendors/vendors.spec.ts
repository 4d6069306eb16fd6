import * as assert from "assert";
import { loadConfig } from "../../components/config";
import {
  exampleConfig,
  exampleValue,
  ofType,
  ProgramRun,
  RecordedResource,
  runExample,
  SECRET_PLACEHOLDER,
} from "../harness";
import { issuesOf, secretInput } from "./helpers";

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const INLINE = "aws:iam/rolePolicy:RolePolicy";
const ACCOUNT = { prod: "666666666666", staging: "777777777777", dev: "888888888888" };

type Vendor = Record<string, unknown>;
const exampleVendors = () => exampleValue<Vendor[]>("management", "vendors");
const vendor = (name: string) => exampleVendors().find((v) => v.name === name) as Vendor;

function vendorRoles(run: ProgramRun, roleName: string): RecordedResource[] {
  return ofType(run, ROLE).filter((r) => r.inputs.name === roleName);
}

describe("vendor access from the example organization", () => {
  let run: ProgramRun;
  let withoutScanner: ProgramRun;
  before(async () => {
    run = await runExample("management");
    withoutScanner = await runExample("management", { vendors: [vendor("observability")] });
  });

  it("creates one role per vendor in each account of its set, through that account's provider", () => {
    assert.deepStrictEqual(
      vendorRoles(run, "vendor-observability")
        .map((r) => [r.name, r.account])
        .sort(),
      [
        ["vendor-observability-dev-role-role", ACCOUNT.dev],
        ["vendor-observability-prod-role-role", ACCOUNT.prod],
        ["vendor-observability-staging-role-role", ACCOUNT.staging],
      ],
    );
    assert.deepStrictEqual(
      vendorRoles(run, "vendor-security-scanner")
        .map((r) => [r.name, r.account])
        .sort(),
      [
        ["vendor-security-scanner-prod-role-role", ACCOUNT.prod],
        ["vendor-security-scanner-staging-role-role", ACCOUNT.staging],
      ],
    );
  });

  it("trusts only the vendor's account with StringEquals sts:ExternalId, and keeps the trust policy secret", () => {
    for (const role of vendorRoles(run, "vendor-observability")) {
      assert.deepStrictEqual(secretInput(role, "assumeRolePolicy"), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustVendorWithExternalId",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::314159265358:root" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": SECRET_PLACEHOLDER } },
          },
        ],
      });
      assert.strictEqual(role.inputs.maxSessionDuration, 3600);
      assert.deepStrictEqual(role.inputs.tags, { vendor: "observability" });
    }
  });

  it("trusts the vendor's documented role when config names one", () => {
    for (const role of vendorRoles(run, "vendor-security-scanner")) {
      assert.deepStrictEqual(secretInput(role, "assumeRolePolicy"), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TrustVendorWithExternalId",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::271828182845:role/scanner-assume" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": SECRET_PLACEHOLDER } },
          },
        ],
      });
    }
  });

  it("attaches exactly the vendor-documented managed policies, in the role's account, and no inline policy", () => {
    const attached = (roleName: string) =>
      vendorRoles(run, roleName).map((role) =>
        ofType(run, ATTACHMENT)
          .filter((a) => a.parent === role.parent)
          .map((a) => [a.account, a.inputs.role, a.inputs.policyArn]),
      );
    assert.deepStrictEqual(
      attached("vendor-observability").flat(),
      vendorRoles(run, "vendor-observability").map((r) => [
        r.account,
        "vendor-observability",
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
      ]),
    );
    assert.deepStrictEqual(
      attached("vendor-security-scanner").flat(),
      vendorRoles(run, "vendor-security-scanner").map((r) => [
        r.account,
        "vendor-security-scanner",
        "arn:aws:iam::aws:policy/SecurityAudit",
      ]),
    );
    assert.deepStrictEqual(
      ofType(run, INLINE).filter((p) => String(p.inputs.role).startsWith("vendor-")),
      [],
    );
  });

  it("sets the account's permissions boundary on every vendor role", () => {
    for (const role of [
      ...vendorRoles(run, "vendor-observability"),
      ...vendorRoles(run, "vendor-security-scanner"),
    ]) {
      assert.strictEqual(
        role.inputs.permissionsBoundary,
        `arn:aws:iam::${role.account}:policy/org-access-boundary`,
      );
    }
  });

  it("lists the vendor roles in the inventory and the capability output, without the ExternalId", () => {
    const outputs = run.outputs as {
      inventory: Record<string, { roles: Record<string, string> }>;
      capabilities: {
        vendors: Record<string, { roleName: string; vendorAccountId: string; roles: Record<string, string> }>;
      };
    };
    assert.strictEqual(
      outputs.inventory.prod.roles["vendor-security-scanner"],
      "arn:aws:iam::666666666666:role/vendor-security-scanner",
    );
    assert.deepStrictEqual(outputs.capabilities.vendors["security-scanner"], {
      roleName: "vendor-security-scanner",
      vendorAccountId: "271828182845",
      roles: {
        prod: "arn:aws:iam::666666666666:role/vendor-security-scanner",
        staging: "arn:aws:iam::777777777777:role/vendor-security-scanner",
      },
    });
    assert.ok(!JSON.stringify(outputs.capabilities.vendors).includes(SECRET_PLACEHOLDER));
  });

  it("removes a vendor's roles, attachments and inventory entries when it leaves config", () => {
    assert.deepStrictEqual(vendorRoles(withoutScanner, "vendor-security-scanner"), []);
    assert.deepStrictEqual(
      withoutScanner.resources.filter((r) => r.name.startsWith("vendor-security-scanner")),
      [],
    );
    assert.strictEqual(vendorRoles(withoutScanner, "vendor-observability").length, 3);
    const inventory = (
      withoutScanner.outputs as { inventory: Record<string, { roles: Record<string, string> }> }
    ).inventory;
    assert.ok(!("vendor-security-scanner" in inventory.prod.roles));
  });
});

describe("vendor config errors", () => {
  const withVendor = (changes: Vendor) => ({ vendors: [{ ...vendor("observability"), ...changes }] });

  it("refuses a vendor without an ExternalId at config time, with the command that sets it as a secret", () => {
    const { externalId: _dropped, ...noExternalId } = vendor("observability");
    assert.deepStrictEqual(issuesOf({ vendors: [vendor("security-scanner"), noExternalId] }), [
      "org-access:vendors[1].externalId: is required: a vendor role without an ExternalId is open to the confused-deputy problem; ask the vendor for the ExternalId of your tenant and store it as a secret: pulumi config set --secret --path 'vendors[1].externalId' <value>",
    ]);
  });

  it("refuses an ExternalId stored in plain text", () => {
    assert.deepStrictEqual(issuesOf(withVendor({ externalId: "tenant-4711-abcdef" }), ["vendors"]), [
      "org-access:vendors[0].externalId: is stored in plain text; the ExternalId is a shared secret with the vendor, store it encrypted: pulumi config set --secret --path 'vendors[0].externalId' <value>",
    ]);
  });

  it("validates the ExternalId's length and characters without echoing it", () => {
    const message = (n: number) =>
      `org-access:vendors[0].externalId: is not a valid ExternalId (${n} characters); IAM accepts 2 to 1224 letters, digits and + = , . @ : / _ -`;
    assert.deepStrictEqual(issuesOf(withVendor({ externalId: "x" })), [message(1)]);
    assert.deepStrictEqual(issuesOf(withVendor({ externalId: "tenant id with spaces" })), [message(21)]);
    assert.deepStrictEqual(issuesOf(withVendor({ externalId: "a".repeat(1225) })), [message(1225)]);
    // The whole allowed alphabet, at both length limits, passes.
    for (const externalId of ["ab", "Ab9_+=,.@:/-".padEnd(1224, "z")]) {
      assert.doesNotThrow(() => loadConfig(exampleConfig("management", withVendor({ externalId }))));
    }
  });

  it("refuses an account of the organization as a vendor, and a principal outside the vendor's account", () => {
    assert.deepStrictEqual(
      issuesOf(withVendor({ accountId: "444444444444", principalArn: "arn:aws:iam::314159265358:role/x" })),
      [
        "org-access:vendors[0].principalArn: is not in the vendor's account 444444444444; use the role ARN the vendor documents for that account",
        `org-access:vendors[0].accountId: 444444444444 is this organization's account "tooling", not a vendor's; internal automation uses the organization's own role patterns (roleTrust with aws:PrincipalOrgID), never a vendor role`,
      ],
    );
  });

  it("requires a documented policy and an account set, and names unknown accounts and OUs", () => {
    assert.deepStrictEqual(
      issuesOf(withVendor({ managedPolicies: [], organizationalUnits: [], accounts: [] })),
      [
        "org-access:vendors[0].managedPolicies: list the managed policies the vendor documents (e.g. SecurityAudit), or give its inlinePolicy; a vendor role with no policy is useless",
        "org-access:vendors[0].accounts: list the accounts (accounts) or OUs (organizationalUnits) the vendor integrates with",
      ],
    );
    const issues = issuesOf(withVendor({ accounts: ["prdo"], organizationalUnits: ["workload"] }));
    assert.deepStrictEqual(
      issues.map((i) => i.split(";")[0]),
      [
        'org-access:vendors[0].accounts[0]: unknown account "prdo"',
        'org-access:vendors[0].organizationalUnits[0]: unknown organizational unit "workload"',
      ],
    );
  });

  it("gives each vendor its own role: no shared or provider role names, no duplicate vendors", () => {
    assert.deepStrictEqual(
      issuesOf({
        vendors: [
          vendor("observability"),
          { ...vendor("security-scanner"), roleName: "vendor-observability" },
          { ...vendor("security-scanner"), name: "observability", roleName: "OrganizationAccountAccessRole" },
        ],
      }),
      [
        'org-access:vendors[1].roleName: role "vendor-observability" is already org-access:vendors[0]\'s; one role per vendor integration, never shared',
        "org-access:vendors[2].name: duplicate vendor, already org-access:vendors[0]",
        "org-access:vendors[2].roleName: OrganizationAccountAccessRole is the role the providers assume (org-access:providers.roleName); a vendor gets its own role",
      ],
    );
  });
});
