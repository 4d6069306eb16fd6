import * as assert from "assert";
import {
  configErrorOf,
  exampleConfig,
  exampleValue,
  ProgramRun,
  runExample,
  runProgram,
  single,
} from "../harness";

/**
 * The read-only path of a pull request's `pulumi preview` of the management stack: the member
 * preview role in every member account (a StackSet on the organization root), and providers that
 * assume it instead of `OrganizationAccountAccessRole` under `providers.access: preview`.
 */

const STACKSET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const MANAGEMENT = "111111111111";
const ORG = "o-a1b2c3d4e5";
const MEMBER_IDS = [
  "222222222222",
  "333333333333",
  "444444444444",
  "555555555555",
  "666666666666",
  "777777777777",
  "888888888888",
  "999999999999",
];

type Template = {
  Resources: { Role: { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string } };
};

const previewAccess = () => ({
  ...exampleValue<Record<string, unknown>>("management", "providers"),
  access: "preview",
});

describe("member preview roles and read-only preview providers", () => {
  let up: ProgramRun;
  let preview: ProgramRun;
  before(async () => {
    up = await runExample("management");
    preview = await runExample("management", { providers: previewAccess() });
  });

  it("rolls the member preview role out to every member account from the organization root", () => {
    const stackSet = single(up, STACKSET, "pipeline-member-preview-roles-stackset");
    assert.strictEqual(stackSet.account, MANAGEMENT);
    assert.strictEqual(stackSet.inputs.name, "org-access-preview-member");
    assert.strictEqual(stackSet.inputs.permissionModel, "SERVICE_MANAGED");
    assert.strictEqual(stackSet.inputs.callAs, "SELF");
    assert.deepStrictEqual(stackSet.inputs.autoDeployment, {
      enabled: true,
      retainStacksOnAccountRemoval: false,
    });
    assert.deepStrictEqual(stackSet.inputs.capabilities, ["CAPABILITY_NAMED_IAM"]);
    // The trust names the management preview role, which must exist first.
    const previewRole = single(up, "aws:iam/role:Role", "pipeline-management-preview-role");
    assert.strictEqual(previewRole.inputs.name, "org-access-preview-management");
    assert.ok(stackSet.dependencies.includes(previewRole.urn), "the StackSet waits for the preview role");

    const instance = single(up, INSTANCE, "pipeline-member-preview-roles-ou-root");
    assert.strictEqual(instance.account, MANAGEMENT);
    assert.deepStrictEqual(instance.inputs.deploymentTargets, { organizationalUnitIds: ["r-a1b2"] });
  });

  it("trusts only the management preview role, inside the organization, with the providers' session names", () => {
    const template = JSON.parse(
      String(single(up, STACKSET, "pipeline-member-preview-roles-stackset").inputs.templateBody),
    ) as Template;
    const role = template.Resources.Role;
    assert.strictEqual(role.Type, "AWS::IAM::Role");
    assert.strictEqual(role.Properties.RoleName, "org-access-preview-member");
    assert.strictEqual(role.Properties.MaxSessionDuration, 3600);
    assert.deepStrictEqual(role.Properties.ManagedPolicyArns, []);
    assert.deepStrictEqual(role.Properties.AssumeRolePolicyDocument, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustManagementPreviewRole",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:role/org-access-preview-management` },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:PrincipalOrgID": ORG },
            StringLike: { "sts:RoleSessionName": "org-access-*" },
          },
        },
      ],
    });
  });

  it("reads IAM, bucket settings and key metadata only: no write, no data, no role assumption", () => {
    const template = JSON.parse(
      String(single(up, STACKSET, "pipeline-member-preview-roles-stackset").inputs.templateBody),
    ) as Template;
    const policies = template.Resources.Role.Properties.Policies as {
      PolicyName: string;
      PolicyDocument: { Statement: { Sid: string; Action: string[]; Resource: string | string[] }[] };
    }[];
    assert.deepStrictEqual(
      policies.map((p) => p.PolicyName),
      ["OrgAccessPreviewRead"],
    );
    const statements = policies[0].PolicyDocument.Statement;
    assert.deepStrictEqual(
      statements.map((s) => [s.Sid, s.Resource]),
      [
        [
          "ReadIam",
          [
            "arn:aws:iam::*:group/*",
            "arn:aws:iam::*:oidc-provider/*",
            "arn:aws:iam::*:policy/*",
            "arn:aws:iam::*:role/*",
          ],
        ],
        ["ReadBucketSettings", "arn:aws:s3:::*"],
        ["ReadKeyMetadata", "arn:aws:kms:*:*:key/*"],
        ["ListKeyAliases", "*"],
      ],
    );
    const actions = statements.flatMap((s) => s.Action);
    for (const action of actions) {
      assert.match(action, /^(iam|s3|kms):(Get|List|Describe)/, action);
      assert.ok(!action.includes("*"), action);
    }
    assert.ok(!actions.includes("s3:GetObject") && !actions.some((a) => a.startsWith("sts:")));
  });

  it("lists the member preview role in every member account's inventory, not the management account's", () => {
    const inventory = up.outputs.inventory as Record<string, { id: string; roles: Record<string, string> }>;
    for (const entry of Object.values(inventory)) {
      const arn = entry.roles["org-access-preview-member"];
      if (entry.id === MANAGEMENT) assert.strictEqual(arn, undefined);
      else assert.strictEqual(arn, `arn:aws:iam::${entry.id}:role/org-access-preview-member`);
    }
  });

  it("deploys with member providers on OrganizationAccountAccessRole", () => {
    const members = up.providers.filter((p) => p.accountId !== MANAGEMENT);
    assert.deepStrictEqual(members.map((p) => p.accountId).sort(), MEMBER_IDS);
    for (const p of members) {
      assert.strictEqual(p.roleArn, `arn:aws:iam::${p.accountId}:role/OrganizationAccountAccessRole`);
    }
  });

  it("previews with member providers on the member preview role and the stack's own credentials at home", () => {
    const members = preview.providers.filter((p) => p.accountId !== MANAGEMENT);
    assert.deepStrictEqual(members.map((p) => p.accountId).sort(), MEMBER_IDS);
    for (const p of members) {
      assert.strictEqual(p.roleArn, `arn:aws:iam::${p.accountId}:role/org-access-preview-member`);
      assert.strictEqual(p.sessionName, "org-access-management");
      assert.strictEqual(p.duration, "900s");
      assert.deepStrictEqual(p.inputs.allowedAccountIds, [p.accountId]);
    }
    const home = preview.providers.filter((p) => p.accountId === MANAGEMENT);
    assert.strictEqual(home.length, 1);
    assert.strictEqual(home[0].roleArn, undefined);
    // Only the providers differ: the same resources, with the same inputs, in the same accounts.
    const shape = (run: ProgramRun) =>
      run.resources
        .filter((r) => !r.type.startsWith("pulumi:providers:"))
        .map((r) => JSON.stringify([r.urn, r.account, r.inputs]))
        .sort();
    assert.deepStrictEqual(shape(preview), shape(up));
  });

  it("refuses a pulumi up with the preview roles before registering anything", async () => {
    await assert.rejects(
      runProgram({
        stack: "management",
        config: exampleConfig("management", { providers: previewAccess() }),
        preview: false,
      }),
      (err: Error) => {
        assert.strictEqual(
          err.message,
          "org-access: stack config is invalid (1 problem); nothing was deployed:\n" +
            '  - org-access:providers.access: "preview" is for pulumi preview only; deploy with the default "deploy" (pulumi config rm --path org-access:providers.access)',
        );
        return true;
      },
    );
  });

  it("needs the pipeline's preview roles to preview read-only", async () => {
    const pipeline = exampleValue<Record<string, unknown>>("management", "pipeline");
    const expected =
      "  - org-access:providers.access: a read-only preview reaches member accounts through the member preview roles of org-access:pipeline; configure org-access:pipeline with preview: true, or preview with the default access";
    const withoutPreview = await configErrorOf("management", {
      providers: previewAccess(),
      pipeline: { ...pipeline, preview: false },
    });
    assert.ok(withoutPreview.endsWith(`\n${expected} (found: "preview")`), withoutPreview);
    const withoutPipeline = await configErrorOf("management", {
      providers: previewAccess(),
      pipeline: undefined,
    });
    assert.ok(withoutPipeline.includes(expected), withoutPipeline);
    const typo = await configErrorOf("management", {
      providers: { ...previewAccess(), access: "read-only" },
    });
    assert.ok(
      typo.includes(
        '  - org-access:providers.access: expected "deploy" (pulumi up) or "preview" (read-only pulumi preview through the member preview roles)',
      ),
      typo,
    );
  });
});
