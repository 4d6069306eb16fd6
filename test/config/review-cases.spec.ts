import * as assert from "assert";
import { exampleValue, rejectedRun } from "../harness";

/**
 * The stack-file edits of a config review that tried to make the program itself create unsafe
 * access, and that once produced a clean plan: each is refused now with an exact message, before a
 * single resource is registered.
 */

type Json = Record<string, unknown>;
const example = <T = Json>(key: string) => exampleValue<T>("management", key);

/** The rejected run's problems, one `path: message` line each, and what it registered (nothing). */
async function problems(overrides: Json): Promise<string[]> {
  const { message, registered } = await rejectedRun("management", overrides);
  assert.deepStrictEqual(
    registered.map((r) => r.urn),
    [],
  );
  return message
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/^ {2}- /, ""));
}

const READ_ONLY_FIX =
  "use SecurityAudit, job-function/ViewOnlyAccess or ReadOnlyAccess, or inline statements of List and Read actions (Describe*, Get*, List*)";
const JUSTIFY = "(at least 40 characters: who decided, why less access does not work, and until when)";
const IAM_FULL_ACCESS =
  'IAMFullAccess is admin-equivalent: Statement[0] allows iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy, iam:CreatePolicyVersion, iam:PutGroupPolicy and 3 more on Resource "*": IAM permissions management on any role, user, group or policy lets the holder grant itself any permission, AdministratorAccess included';

describe("config review: edits that once planned clean", () => {
  it("refuses IAMFullAccess on the deployment roles without an environment's justification", async () => {
    const cicd = example("cicd");
    const deploymentRoles = cicd.deploymentRoles as Json;
    assert.deepStrictEqual(
      await problems({
        cicd: { ...cicd, deploymentRoles: { ...deploymentRoles, managedPolicies: ["IAMFullAccess"] } },
      }),
      [
        `org-access:cicd.deploymentRoles.managedPolicies[0]: ${IAM_FULL_ACCESS}; grant less, or give the reason at org-access:cicd.deploymentRoles.environments.<env>.administratorAccess.justification ${JUSTIFY}; it reaches the deployment role of environments dev, staging, prod`,
      ],
    );
  });

  it("refuses IAMFullAccess on a delegation role without a justification", async () => {
    const [delegation] = example<Json[]>("delegation");
    const { justification: _reason, inlinePolicy: _inline, ...rest } = delegation;
    assert.deepStrictEqual(
      await problems({ delegation: [{ ...rest, managedPolicies: ["IAMFullAccess"] }] }),
      [
        `org-access:delegation[0].managedPolicies[0]: ${IAM_FULL_ACCESS}; grant less, or give the reason at org-access:delegation[0].justification ${JUSTIFY}`,
      ],
    );
  });

  it("refuses a delegation role in the management account unless includeManagementAccount says so", async () => {
    const [delegation] = example<Json[]>("delegation");
    assert.deepStrictEqual(
      await problems({ delegation: [{ ...delegation, accounts: ["staging", "prod", "management"] }] }),
      [
        'org-access:delegation[0].accounts[2]: "management" is the management account, which a pattern reaches only through an explicit includeManagementAccount: true next to accounts; remove it from accounts and set that key if it must',
      ],
    );
  });

  it("keeps the audit read role read-only: no AmazonS3FullAccess, no Put*, Delete* or TerminateInstances", async () => {
    const audit = example("audit");
    assert.deepStrictEqual(
      await problems({ audit: { ...audit, managedPolicies: ["SecurityAudit", "AmazonS3FullAccess"] } }),
      [
        `org-access:audit.managedPolicies[1]: AmazonS3FullAccess is write, not read-only (Statement[0] allows s3:InitiateReplication, s3:PauseReplication, s3:AbortMultipartUpload, s3:AssociateAccessGrantsIdentityCenter, s3:BypassGovernanceRetention and 105 more: access beyond List and Read); the audit read role takes List and Read access only: ${READ_ONLY_FIX}`,
      ],
    );
    assert.deepStrictEqual(
      await problems({
        audit: {
          ...audit,
          inlinePolicy: [
            { Sid: "Cleanup", Action: ["s3:Put*", "s3:Delete*", "ec2:TerminateInstances"], Resource: "*" },
          ],
        },
      }),
      [
        `org-access:audit.inlinePolicy[0]: this statement is write, not read-only (Statement "Cleanup" allows s3:PutAccelerateConfiguration, s3:PutAccessGrantsInstanceResourcePolicy, s3:PutAccessPointConfigurationForObjectLambda, s3:PutAccessPointPolicy, s3:PutAccessPointPolicyForObjectLambda and 59 more: access beyond List and Read); the audit read role takes List and Read access only: ${READ_ONLY_FIX}`,
      ],
    );
  });

  it("keeps security-team roles read-only: no SecretsManagerReadWrite, no AWSLambda_FullAccess", async () => {
    const security = example("securityAccess");
    const teams = security.teams as Json[];
    const withPolicies = (managedPolicies: string[]) => ({
      securityAccess: { ...security, teams: [{ ...teams[0], managedPolicies }, teams[1]] },
    });
    assert.deepStrictEqual(await problems(withPolicies(["SecurityAudit", "SecretsManagerReadWrite"])), [
      `org-access:securityAccess.teams[0].managedPolicies[1]: SecretsManagerReadWrite is write, not read-only (Statement "BasePermissions" allows secretsmanager:CancelRotateSecret, secretsmanager:CreateSecret, secretsmanager:DeleteResourcePolicy, secretsmanager:DeleteSecret, secretsmanager:PutResourcePolicy and 13 more: access beyond List and Read); a security team's target role takes List and Read access only: ${READ_ONLY_FIX}`,
    ]);
    assert.deepStrictEqual(await problems(withPolicies(["AWSLambda_FullAccess"])), [
      `org-access:securityAccess.teams[0].managedPolicies[0]: AWSLambda_FullAccess is write, not read-only (Statement[0] allows lambda:ConnectMicrovm, lambda:DisableReplication, lambda:EnableReplication, lambda:InvokeFunctionUrl, lambda:PassCapacityProvider and 65 more: access beyond List and Read); a security team's target role takes List and Read access only: ${READ_ONLY_FIX}`,
    ]);
  });

  it("assigns the break-glass set to break-glass groups only, and the management account only by its key", async () => {
    const identityCenter = example("identityCenter");
    const assignments = identityCenter.assignments as Json[];
    const developers = {
      group: "developers",
      permissionSet: "BreakGlass",
      organizationalUnits: ["security", "infrastructure", "workloads", "sandbox"],
      accounts: ["management"],
    };
    assert.deepStrictEqual(
      await problems({ identityCenter: { ...identityCenter, assignments: [...assignments, developers] } }),
      [
        'org-access:identityCenter.assignments[5].group: "BreakGlass" is a break-glass permission set, and group "developers" is not a break-glass group; assign it only to a group listed in org-access:identityCenter.breakGlassGroups (break-glass-responders), whose membership is the emergency procedure',
        'org-access:identityCenter.assignments[5].accounts[0]: "management" is the management account, which a pattern reaches only through an explicit includeManagementAccount: true next to accounts; remove it from accounts and set that key if it must',
      ],
    );
  });

  it("refuses a new administrator permission set (inline * on *, 12-hour sessions) without break-glass or a justification", async () => {
    const identityCenter = example("identityCenter");
    const operator = {
      name: "Operator",
      sessionDuration: "PT12H",
      inlinePolicy: [{ Action: "*", Resource: "*" }],
    };
    assert.deepStrictEqual(
      await problems({
        identityCenter: {
          ...identityCenter,
          permissionSets: [...(identityCenter.permissionSets as Json[]), operator],
        },
      }),
      [
        `org-access:identityCenter.permissionSets[4].inlinePolicy[0]: this statement is admin-equivalent: Statement[0] allows every action on Resource "*": full administrator access; grant less, or give the reason at org-access:identityCenter.permissionSets[4].justification ${JUSTIFY}, or make it the break-glass set (breakGlass: true: one-hour sessions, tagged, assigned to org-access:identityCenter.breakGlassGroups only)`,
      ],
    );
  });

  it("refuses a wildcard SCP exemption, and the old unexplained exemption list", async () => {
    const guardrails = example("guardrails");
    const [baseline, ...scps] = guardrails.scps as Json[];
    const withExemption = (entry: Json) => ({
      guardrails: { ...guardrails, scps: [{ ...baseline, ...entry }, ...scps] },
    });
    assert.deepStrictEqual(
      await problems(
        withExemption({ exemptions: [{ principal: "arn:aws:iam::*:role/*", reason: "break-glass access" }] }),
      ),
      [
        'org-access:guardrails.scps[0].exemptions[0].principal: "arn:aws:iam::*:role/*" has a wildcard, which would exempt every principal it matches, now or later; name each principal by its exact role or user ARN (arn:aws:iam::123456789012:role/break-glass)',
      ],
    );
    assert.deepStrictEqual(
      await problems(withExemption({ exemptPrincipalArns: ["arn:aws:iam::*:role/*"] })),
      [
        'org-access:guardrails.scps[0]: "exemptPrincipalArns" is now "exemptions", with a reason for each entry; write exemptions: [{ principal: <exact role or user ARN>, reason: <why> }]',
      ],
    );
  });

  it("refuses a boundary exemption without a reason", async () => {
    const guardrails = example("guardrails");
    const boundary = guardrails.permissionsBoundary as Json;
    const exempt = (exemptRoles: unknown[]) => ({
      guardrails: { ...guardrails, permissionsBoundary: { ...boundary, exemptRoles } },
    });
    assert.deepStrictEqual(await problems(exempt(["deployment-role-prod"])), [
      'org-access:guardrails.permissionsBoundary.exemptRoles[0]: write each exemption as { role: <exact role name>, reason: <why it is exempt> } (found: "deployment-role-prod")',
    ]);
    assert.deepStrictEqual(await problems(exempt([{ role: "deployment-role-prod" }])), [
      "org-access:guardrails.permissionsBoundary.exemptRoles[0].reason: is required; expected the reason for the exemption as text",
    ]);
  });

  it("refuses a vendor inline policy that allows everything but a list (Allow with NotAction)", async () => {
    const [observability, scanner] = example<Json[]>("vendors");
    assert.deepStrictEqual(
      await problems({
        vendors: [
          {
            ...observability,
            inlinePolicy: { Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] },
          },
          scanner,
        ],
      }),
      // No value is quoted: org-access:vendors holds secrets, and this edited config is not the stack
      // file's, so which of its values are encrypted cannot be told.
      [
        "org-access:vendors[0].inlinePolicy.Statement[0].NotAction: an Allow with NotAction grants every action but the listed ones; list the actions with Action",
      ],
    );
  });
});
