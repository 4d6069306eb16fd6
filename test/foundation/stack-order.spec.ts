import * as assert from "assert";
import { loadConfig } from "../../components/config";
import { principalArnTrust } from "../../components/iam/trust";
import { asList, statementsOf } from "../../tools/plan/documents";
import { buildModel, IamModel } from "../../tools/plan/model";
import { exampleConfig, runProgram } from "../harness";

/**
 * One order for a first run from an empty organization: the management stack, then the security
 * stack. IAM refuses a trust policy whose role (or OIDC provider) principal does not exist yet
 * ("Invalid principal in policy") and stores a named role as its unique ID; it does not check
 * condition values. So no trust of the management stack may name a role only the security stack
 * creates: those trusts name the account root narrowed by `ArnEquals aws:PrincipalArn`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * (IAM roles: "If your Principal element in a role trust policy contains an ARN that points to a
 * specific IAM role, then that ARN transforms to the role unique principal ID when you save the
 * policy"; the principal must exist when the policy is saved.)
 */

async function modelOf(stack: "management" | "security"): Promise<IamModel> {
  const source = exampleConfig(stack);
  const config = loadConfig(source).config;
  const run = await runProgram({ stack, config: source });
  return buildModel(run.resources, {
    organizationId: config.organization.id,
    rootId: config.organization.rootId,
    managementAccountId: config.organization.managementAccountId,
    accounts: config.accounts.map((a) => ({ name: a.name, id: a.id, ou: a.ou })),
    organizationalUnits: config.organizationalUnits.map((o) => ({ name: o.name, id: o.id })),
  });
}

/** Role and OIDC provider principals a stack's trust policies name (IAM checks they exist). */
function namedPrincipals(model: IamModel): Set<string> {
  const out = new Set<string>();
  for (const role of model.roles) {
    for (const s of statementsOf(role.trust)) {
      const p = s.Principal as Record<string, unknown> | undefined;
      if (p === undefined || typeof p !== "object") continue;
      for (const v of [...asList(p.AWS), ...asList(p.Federated)]) {
        if (/:(role|user)\/|:oidc-provider\//.test(v)) out.add(v);
      }
    }
  }
  return out;
}

function created(model: IamModel): Set<string> {
  return new Set([...model.roles.map((r) => r.arn), ...model.oidcProviders.map((o) => o.arn)]);
}

describe("first run from an empty organization: management stack, then security stack", () => {
  let management: IamModel;
  let security: IamModel;
  before(async function () {
    this.timeout(300000);
    management = await modelOf("management");
    security = await modelOf("security");
  });

  it("names no role of the security stack in any trust of the management stack", () => {
    const onlySecurity = [...created(security)].filter((arn) => !created(management).has(arn));
    assert.ok(onlySecurity.includes("arn:aws:iam::222222222222:role/SecurityAutomationRole"));
    assert.ok(onlySecurity.includes("arn:aws:iam::222222222222:role/audit-automation"));
    assert.deepStrictEqual(
      [...namedPrincipals(management)].filter((arn) => onlySecurity.includes(arn)),
      [],
    );
  });

  it("names in the security stack only roles that the management stack or the security stack creates", () => {
    const fromManagement = [...namedPrincipals(security)].filter(
      (arn) => created(management).has(arn) && !created(security).has(arn),
    );
    assert.deepStrictEqual(fromManagement.sort(), [
      "arn:aws:iam::444444444444:role/org-access-pipeline",
      "arn:aws:iam::444444444444:role/org-access-preview",
    ]);
    assert.deepStrictEqual(
      [...namedPrincipals(security)].filter(
        (arn) => !created(management).has(arn) && !created(security).has(arn),
      ),
      [],
    );
  });

  it("writes the cross-stack trust as the account root narrowed to the exact roles", () => {
    assert.deepStrictEqual(
      principalArnTrust({
        sid: "Trust",
        roleArns: [
          "arn:aws:iam::222222222222:role/SecurityAutomationRole",
          "arn:aws:iam::333333333333:role/Scanner",
          "arn:aws:iam::222222222222:role/ComplianceAutomationRole",
        ],
        organizationId: "o-a1b2c3d4e5",
      }),
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Trust",
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
              ArnEquals: {
                "aws:PrincipalArn": [
                  "arn:aws:iam::222222222222:role/SecurityAutomationRole",
                  "arn:aws:iam::333333333333:role/Scanner",
                  "arn:aws:iam::222222222222:role/ComplianceAutomationRole",
                ],
              },
            },
          },
        ],
      },
    );
    assert.throws(
      () =>
        principalArnTrust({
          sid: "Trust",
          roleArns: ["arn:aws:iam::222222222222:role/*"],
          organizationId: "o-a1b2c3d4e5",
        }),
      /org-access: trust statement Trust: "arn:aws:iam::222222222222:role\/\*" is not a role ARN/,
    );
    assert.throws(
      () => principalArnTrust({ sid: "Trust", roleArns: [], organizationId: "o-a1b2c3d4e5" }),
      /org-access: trust statement Trust names no principal/,
    );
  });
});
