import * as assert from "assert";
import { GITHUB_OIDC_HOST, STS_AUDIENCE } from "../../components/iam/trust";
import { exampleValue } from "../harness";
import { allDocs, docPage } from "../docs/pages";

/**
 * What the program assumes of the organization is listed once, in order, in the bootstrap of docs/pipelines.md,
 * each with the command that does it, and with the example stacks' own values:
 * - a policy type must be enabled on the root before a policy of that type is attached
 *   (AWS Organizations API Reference, EnablePolicyType / AttachPolicy `PolicyTypeNotEnabledException`);
 * - service-managed StackSets need trusted access with Organizations
 *   (CloudFormation API Reference, ActivateOrganizationsAccess);
 * - Identity Center's instance ARN and identity store ID come from `sso-admin list-instances`
 *   (IAM Identity Center API Reference, ListInstances), in the region the instance lives in;
 * - the GitHub OIDC provider's URL and audience are what the pipeline's provider registers.
 */

/** The bootstrap lives in docs/pipelines.md; "once" is across README.md and every docs page. */
const PIPELINES = docPage("docs/pipelines.md");
const DOCS = allDocs();

interface Row {
  readonly prerequisite: string;
  readonly neededBy: string;
  readonly command: string;
}

/** The prerequisites table of the bootstrap's step 0. */
function prerequisites(): Row[] {
  const section = PIPELINES.split(/\n(?=## )/).find((s) => s.startsWith("## Bootstrap: the one run"));
  assert.ok(section !== undefined, "docs/pipelines.md has the bootstrap section");
  const step0 = section.slice(section.indexOf("**0. What the program assumes of the organization.**"));
  return step0
    .split("\n")
    .filter((l) => /^\| \d+ +\|/.test(l))
    .map((l) => {
      const cells = l
        .slice(1, -1)
        .split(" | ")
        .map((c) => c.trim());
      return { prerequisite: cells[1], neededBy: cells[2], command: cells[3] };
    });
}

/** Backticked commands of a cell that start with `aws `. */
function commands(cell: string): string[] {
  return [...cell.matchAll(/`(aws [^`]+)`/g)].map((m) => m[1]);
}

describe("the bootstrap's prerequisites (docs/pipelines.md)", () => {
  const rows = prerequisites();

  it("lists what the program assumes of the organization once, in the order it is done", () => {
    assert.deepStrictEqual(
      rows.map((r) => r.prerequisite),
      [
        "AWS Organizations with all features",
        "the SCP policy type enabled on the root",
        "CloudFormation StackSets trusted access with AWS Organizations",
        "the StackSets delegated administrator (the security account)",
        "the IAM Identity Center organization instance, in the providers' region (`providers.region`)",
        "`OrganizationAccountAccessRole` in the management account",
        "`OrganizationAccountAccessRole` in every member account the management stack reaches through a provider, unless `organizationAccess.memberRole` creates it there (invited accounts lack it)",
        "the users and group of `org-access:delegation` in the identity account (never created here unless `group.create: true`)",
        "the tooling account's GitHub OIDC provider",
        "an organization trail logging management events in every region",
      ],
    );
    // Listed once: the bootstrap is the one place with these commands.
    for (const command of [
      "aws organizations enable-policy-type",
      "aws cloudformation activate-organizations-access",
      "aws iam create-open-id-connect-provider",
      "aws cloudtrail create-trail",
    ]) {
      assert.strictEqual(DOCS.split(command).length - 1, 1, command);
    }
  });

  it("gives each one the command that does it, with the example organization's values", () => {
    const organization = exampleValue<{ rootId: string }>("management", "organization");
    const providers = exampleValue<{ region: string }>("management", "providers");
    const identityCenter = exampleValue<{ identityStoreId: string }>("management", "identityCenter");
    const observability = exampleValue<{ organizationTrail: string }>("management", "observability");
    const byName = (start: string) => {
      const row = rows.find((r) => r.prerequisite.startsWith(start));
      assert.ok(row !== undefined, start);
      return commands(row.command);
    };
    assert.deepStrictEqual(byName("the SCP policy type"), [
      `aws organizations enable-policy-type --root-id ${organization.rootId} --policy-type SERVICE_CONTROL_POLICY`,
      "aws organizations list-roots",
    ]);
    assert.deepStrictEqual(byName("CloudFormation StackSets trusted access"), [
      "aws cloudformation activate-organizations-access",
      "aws cloudformation describe-organizations-access",
    ]);
    assert.deepStrictEqual(byName("the IAM Identity Center organization instance"), [
      `aws sso-admin list-instances --region ${providers.region}`,
      `aws identitystore list-groups --identity-store-id ${identityCenter.identityStoreId}`,
    ]);
    assert.deepStrictEqual(byName("the tooling account's GitHub OIDC provider"), [
      `aws iam create-open-id-connect-provider --url https://${GITHUB_OIDC_HOST} --client-id-list ${STS_AUDIENCE}`,
    ]);
    const trail = byName("an organization trail");
    assert.deepStrictEqual(trail, [
      'aws cloudtrail describe-trails --query "trailList[?IsOrganizationTrail].TrailARN"',
      "aws cloudtrail create-trail --name org-trail --s3-bucket-name <log bucket> --is-organization-trail --is-multi-region-trail",
      "aws cloudtrail start-logging --name org-trail",
    ]);
    // The trail the example names is the one the command creates.
    assert.match(observability.organizationTrail, /:trail\/org-trail$/);
    for (const row of rows) assert.ok(commands(row.command).length > 0, row.prerequisite);
  });
});
