import * as assert from "assert";
import { denyRootUserStatement } from "../../components/guardrails/service-control-policies/scp-documents";
import { configIssuesOf } from "../organization-access/helpers";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample, single } from "../harness";

const MANAGEMENT = "111111111111";
const ACCESS = "aws:organizations/awsServiceAccess:AwsServiceAccess";
const FEATURES = "aws:iam/organizationsFeatures:OrganizationsFeatures";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

describe("centralized root access", () => {
  let run: ProgramRun;
  let external: ProgramRun;
  before(async () => {
    run = await runExample("management");
    const delegated = exampleValue<Record<string, unknown>>("management", "delegatedAdministrators");
    external = await runExample("management", {
      delegatedAdministrators: { ...delegated, manageServiceAccess: false },
    });
  });

  it("enables root credentials management and root sessions from the management account", () => {
    const features = single(run, FEATURES, "root-access-features");
    assert.strictEqual(features.account, MANAGEMENT);
    assert.deepStrictEqual(features.inputs.enabledFeatures, ["RootCredentialsManagement", "RootSessions"]);
  });

  it("turns on IAM's trusted access first, and keeps it on delete", () => {
    const access = single(run, ACCESS, "root-access-iam-access");
    assert.deepStrictEqual(
      [access.account, access.inputs.servicePrincipal, access.retainOnDelete],
      [MANAGEMENT, "iam.amazonaws.com", true],
    );
    assert.deepStrictEqual(single(run, FEATURES, "root-access-features").dependencies, [access.urn]);
  });

  it("leaves IAM's trusted access alone when the organization's service access is managed elsewhere", () => {
    assert.deepStrictEqual(
      ofType(external, ACCESS).filter((a) => a.name.startsWith("root-access")),
      [],
    );
    assert.deepStrictEqual(single(external, FEATURES, "root-access-features").dependencies, []);
  });

  it("never removes member root credentials itself: it says what is left to do", () => {
    const out = (run.outputs.capabilities as Record<string, Record<string, unknown>>).rootAccess;
    assert.deepStrictEqual(out.nextSteps, [
      "audit each member account's root credentials from the management account: aws sts assume-root --region <region> --target-principal <account id> --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
      "remove them deliberately, one account at a time, with the IAMDeleteRootUserCredentials task policy (docs/guardrails.md: Centralized root access)",
    ]);
    // No resource of this program touches a member's root user.
    assert.deepStrictEqual(
      run.resources.filter((r) => r.custom && /root/i.test(r.type) && r.type !== FEATURES).map((r) => r.type),
      [],
    );
  });

  it("lets the management stack's pipeline deploy role turn the features on and off, reading them in previews", () => {
    const statement = (name: string) =>
      jsonInput<{ Statement: { Sid: string }[] }>(single(run, ROLE_POLICY, name), "policy").Statement.find(
        (s) => s.Sid === "ManageCentralizedRootAccess",
      );
    assert.deepStrictEqual(statement("pipeline-management-deploy-OrgAccessDeploy"), {
      Sid: "ManageCentralizedRootAccess",
      Effect: "Allow",
      Action: [
        "iam:DisableOrganizationsRootCredentialsManagement",
        "iam:DisableOrganizationsRootSessions",
        "iam:EnableOrganizationsRootCredentialsManagement",
        "iam:EnableOrganizationsRootSessions",
        "iam:ListOrganizationsFeatures",
        "organizations:EnableAWSServiceAccess",
      ],
      Resource: "*",
    });
    assert.deepStrictEqual(statement("pipeline-management-preview-OrgAccessPreview"), {
      Sid: "ManageCentralizedRootAccess",
      Effect: "Allow",
      Action: ["iam:ListOrganizationsFeatures"],
      Resource: "*",
    });
  });

  it("keeps the root-deny SCP preset open to privileged root sessions (aws:AssumedRoot)", () => {
    assert.deepStrictEqual(denyRootUserStatement().Condition, {
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
      Null: { "aws:AssumedRoot": "true" },
    });
  });

  it("belongs to the management stack", () => {
    const security = exampleValue<Record<string, unknown>>("security", "guardrails");
    assert.deepStrictEqual(configIssuesOf("security", { guardrails: { ...security, rootAccess: {} } }), [
      "org-access:guardrails.rootAccess: centralized root access is enabled from the management account, and this is a security stack; move rootAccess to Pulumi.management.yaml",
    ]);
  });

  it("names an unknown feature", () => {
    const guardrails = exampleValue<Record<string, unknown>>("management", "guardrails");
    assert.deepStrictEqual(
      configIssuesOf("management", {
        guardrails: { ...guardrails, rootAccess: { features: ["RootPasswords"] } },
      }),
      ["org-access:guardrails.rootAccess.features[0]: expected RootCredentialsManagement or RootSessions"],
    );
  });
});
