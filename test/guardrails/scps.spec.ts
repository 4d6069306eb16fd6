import * as assert from "assert";
import { GLOBAL_SERVICE_ACTIONS, ROLE_CHANGE_ACTIONS } from "../../components/iam/actions";
import {
  denyIamUsersStatement,
  protectManagedRolesStatement,
  SCP_MAX_CHARACTERS,
  scpDocument,
  scpSize,
} from "../../components/guardrails/service-control-policies/scp-documents";
import { configIssuesOf } from "../organization-access/helpers";
import { POLICY, policyAttachments } from "./helpers";
import { exampleValue, jsonInput, ofType, ProgramRun, runExample, single } from "../harness";
import { issuesOf } from "../vendors/helpers";

const MANAGEMENT = "111111111111";
const DEPLOYERS = [
  "arn:aws:iam::*:role/OrganizationAccountAccessRole",
  "arn:aws:iam::*:role/stacksets-exec-*",
  "arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole",
  // The pipeline's deploy roles (org-access:pipeline), the only other writers.
  "arn:aws:iam::111111111111:role/org-access-deploy-management",
  "arn:aws:iam::222222222222:role/org-access-deploy-security",
];

type Guardrails = { scps: Record<string, unknown>[]; permissionsBoundary: Record<string, unknown> };
const example = () => exampleValue<Guardrails>("management", "guardrails");
const withScps = (scps: Record<string, unknown>[]) => ({ guardrails: { ...example(), scps } });

const attachments = (run: ProgramRun, name: string) => policyAttachments(run, `scp-${name}`);

describe("service control policies of the example organization", () => {
  let run: ProgramRun;
  let custom: ProgramRun;
  before(async () => {
    run = await runExample("management");
    custom = await runExample(
      "management",
      withScps([
        {
          name: "workload-extras",
          presets: ["deny-iam-users", "protect-managed-roles"],
          exemptions: [
            { principal: "arn:aws:iam::666666666666:role/break-glass", reason: "the emergency role of prod" },
          ],
          protectedRoleNames: ["deployment-role-legacy"],
          statements: [
            {
              Sid: "DenyPublicS3Acls",
              Effect: "Deny",
              Action: ["s3:PutBucketAcl", "s3:PutObjectAcl"],
              Condition: { StringEquals: { "s3:x-amz-acl": ["public-read", "public-read-write"] } },
            },
          ],
          targets: { accounts: ["prod"] },
        },
      ]),
    );
  });

  it("creates each SCP in the management account, typed SERVICE_CONTROL_POLICY, named org-access-<name>", () => {
    assert.deepStrictEqual(
      ofType(run, POLICY)
        .filter((p) => p.name.startsWith("scp-"))
        .map((p) => [p.name, p.account, p.inputs.type, p.inputs.name]),
      [
        ["scp-baseline-policy", MANAGEMENT, "SERVICE_CONTROL_POLICY", "org-access-baseline"],
        ["scp-regions-policy", MANAGEMENT, "SERVICE_CONTROL_POLICY", "org-access-regions"],
        ["scp-protect-roles-policy", MANAGEMENT, "SERVICE_CONTROL_POLICY", "org-access-protect-roles"],
      ],
    );
  });

  it("denies iam:CreateUser and iam:CreateAccessKey, leaving the organization and the root user, attached at the root", () => {
    const baseline = single(run, POLICY, "scp-baseline-policy");
    assert.deepStrictEqual(jsonInput(baseline, "content"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyIAMUserAndAccessKeys",
          Effect: "Deny",
          Action: ["iam:CreateUser", "iam:CreateAccessKey"],
          Resource: "*",
        },
        {
          Sid: "DenyLeavingOrganization",
          Effect: "Deny",
          Action: "organizations:LeaveOrganization",
          Resource: "*",
        },
        {
          Sid: "DenyRootUser",
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          // Privileged root sessions (sts:AssumeRoot, centralized root access) stay usable.
          Condition: {
            ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" },
            Null: { "aws:AssumedRoot": "true" },
          },
        },
      ],
    });
    assert.deepStrictEqual(attachments(run, "baseline"), [[MANAGEMENT, "r-a1b2"]]);
  });

  it("denies regional calls outside the allow-list except global services, on the workload OUs", () => {
    const regions = single(run, POLICY, "scp-regions-policy");
    assert.deepStrictEqual(jsonInput(regions, "content"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyOutsideAllowedRegions",
          Effect: "Deny",
          NotAction: [...GLOBAL_SERVICE_ACTIONS],
          Resource: "*",
          Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } },
        },
      ],
    });
    for (const global of ["iam:*", "organizations:*", "sts:*", "cloudfront:*", "route53:*", "support:*"]) {
      assert.ok(GLOBAL_SERVICE_ACTIONS.includes(global), global);
    }
    assert.deepStrictEqual(attachments(run, "regions"), [
      [MANAGEMENT, "ou-a1b2-workload1"],
      [MANAGEMENT, "ou-a1b2-sandbox1"],
    ]);
  });

  it("protects every role this stack manages from changes by anyone but the deploying principals", () => {
    const protect = single(run, POLICY, "scp-protect-roles-policy");
    const inventory = (run.outputs as { inventory: Record<string, { roles: Record<string, string> }> })
      .inventory;
    const managed = [...new Set(Object.values(inventory).flatMap((a) => Object.keys(a.roles)))].sort();
    for (const name of [
      "OrganizationAccountAccessRole",
      "SecurityAccessRole",
      "vendor-observability",
      "app-upload-role",
    ]) {
      assert.ok(managed.includes(name), name);
    }
    assert.deepStrictEqual(jsonInput(protect, "content"), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyChangesToManagedRoles",
          Effect: "Deny",
          Action: [...ROLE_CHANGE_ACTIONS],
          Resource: managed.map((name) => `arn:aws:iam::*:role/${name}`),
          Condition: { ArnNotLike: { "aws:PrincipalArn": DEPLOYERS } },
        },
      ],
    });
    for (const action of [
      "iam:UpdateAssumeRolePolicy",
      "iam:AttachRolePolicy",
      "iam:PutRolePolicy",
      "iam:DeleteRole",
    ]) {
      assert.ok(ROLE_CHANGE_ACTIONS.includes(action), action);
    }
    assert.deepStrictEqual(attachments(run, "protect-roles"), [[MANAGEMENT, "r-a1b2"]]);
  });

  it("combines presets with custom Deny statements and exemptions, attached to an account", () => {
    const policy = single(custom, POLICY, "scp-workload-extras-policy");
    const content = jsonInput<{ Statement: Record<string, unknown>[] }>(policy, "content");
    assert.deepStrictEqual(content.Statement[0], {
      Sid: "DenyIAMUserAndAccessKeys",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:CreateAccessKey"],
      Resource: "*",
      Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::666666666666:role/break-glass" } },
    });
    const protect = content.Statement[1];
    assert.ok((protect.Resource as string[]).includes("arn:aws:iam::*:role/deployment-role-legacy"));
    assert.deepStrictEqual(protect.Condition, {
      ArnNotLike: { "aws:PrincipalArn": [...DEPLOYERS, "arn:aws:iam::666666666666:role/break-glass"] },
    });
    assert.deepStrictEqual(content.Statement[2], {
      Sid: "DenyPublicS3Acls",
      Effect: "Deny",
      Action: ["s3:PutBucketAcl", "s3:PutObjectAcl"],
      Resource: "*",
      Condition: { StringEquals: { "s3:x-amz-acl": ["public-read", "public-read-write"] } },
    });
    assert.deepStrictEqual(attachments(custom, "workload-extras"), [[MANAGEMENT, "666666666666"]]);
  });
});

describe("SCP builders", () => {
  it("keep the guide's deny shape, and refuse protection that nobody could deploy through", () => {
    assert.deepStrictEqual(denyIamUsersStatement(), {
      Sid: "DenyIAMUserAndAccessKeys",
      Effect: "Deny",
      Action: ["iam:CreateUser", "iam:CreateAccessKey"],
      Resource: "*",
    });
    assert.throws(() => protectManagedRolesStatement(["a"], []), /needs the deploying principals/);
    assert.throws(() => scpDocument([], {}), /at least one statement/);
  });

  it("measure documents the way Organizations counts them", () => {
    const document = scpDocument(["deny-iam-users"], {});
    assert.strictEqual(scpSize(document), JSON.stringify(document).length);
    assert.ok(scpSize(document) < SCP_MAX_CHARACTERS);
  });
});

describe("SCP config errors", () => {
  it("refuses the management account as a target: SCPs do not apply there", () => {
    assert.deepStrictEqual(
      issuesOf(withScps([{ name: "x", presets: ["deny-iam-users"], targets: { accounts: ["management"] } }])),
      [
        "org-access:guardrails.scps[0].targets.accounts[0]: SCPs never restrict the management account, so attaching one there protects nothing; keep the management account narrow through who may use it, and attach SCPs to member OUs or accounts",
      ],
    );
  });

  it("requires regions for the allow-list, including the providers' region", () => {
    const regional = (extra: Record<string, unknown>) =>
      withScps([
        {
          name: "r",
          presets: ["region-allow-list"],
          targets: { organizationalUnits: ["workloads"] },
          ...extra,
        },
      ]);
    assert.deepStrictEqual(issuesOf(regional({})), [
      "org-access:guardrails.scps[0].allowedRegions: the region-allow-list preset needs allowedRegions, e.g. [us-east-1, eu-west-1]",
    ]);
    assert.deepStrictEqual(issuesOf(regional({ allowedRegions: ["eu-west-1"] })), [
      "org-access:guardrails.scps[0].allowedRegions: the providers deploy in us-east-1 (org-access:providers.region), which this list would deny; add us-east-1",
    ]);
  });

  it("refuses more SCPs on one target than Organizations attaches, Allow statements and empty entries", () => {
    const entry = (name: string) => ({
      name,
      presets: ["deny-leave-organization"],
      targets: { organizationalUnits: ["sandbox"] },
    });
    assert.deepStrictEqual(issuesOf(withScps(["a", "b", "c", "d", "e"].map(entry))), [
      "org-access:guardrails.scps[4].targets: OU sandbox would get 5 SCPs from this stack; Organizations allows 5 per target including FullAWSAccess, so at most 4: combine presets into fewer entries",
    ]);
    assert.deepStrictEqual(
      issuesOf(
        withScps([
          { ...entry("a"), presets: [], statements: [{ Sid: "Open", Effect: "Allow", Action: "*" }] },
          { ...entry("b"), presets: [], targets: {} },
        ]),
      ),
      [
        'org-access:guardrails.scps[0].statements[0].Effect: SCP statements here are "Deny": accounts keep FullAWSAccess and the guardrails subtract from it',
        "org-access:guardrails.scps[1].presets: list at least one preset or statement",
      ],
    );
  });

  it("refuses a document over the SCP size limit before anything is deployed", () => {
    const roles = Array.from({ length: 200 }, (_, i) => `application-role-number-${i}`);
    const issues = issuesOf(
      withScps([
        {
          name: "big",
          presets: ["protect-managed-roles"],
          protectedRoleNames: roles,
          targets: { organizationalUnits: ["workloads"] },
        },
      ]),
    );
    assert.strictEqual(issues.length, 1);
    assert.match(
      issues[0],
      /^org-access:guardrails\.scps\[0\]\.presets: the policy is \d+ characters, over the 5120 Organizations accepts; split its presets and statements across two entries$/,
    );
  });

  it("belongs to the management stack (a security stack keeps only the boundary block)", () => {
    const { scps, permissionsBoundary } = example();
    assert.deepStrictEqual(configIssuesOf("security", { guardrails: { scps, permissionsBoundary } }), [
      "org-access:guardrails.scps: SCPs are attached by the management stack, and this is a security stack; move scps to Pulumi.management.yaml (of the guardrails a security stack keeps permissionsBoundary, so the roles its StackSets create carry the boundary, and accessAnalyzers, whose analyzers it creates)",
    ]);
  });
});
