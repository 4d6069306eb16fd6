import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkResources, isMandatory } from "../../policy-pack/lib/engine";
import { parsePolicyDocument } from "../../policy-pack/lib/document";
import { readConfig } from "../../policy-pack/lib/config";
import {
  admittedPrincipals,
  otherAccountPrincipals,
  principalArnNarrowing,
} from "../../policy-pack/lib/trust";
import { main } from "../../tools/policy-check";
import {
  MGMT,
  ORG,
  ORG_ID,
  PROD,
  SECURITY,
  TOOLING,
  allow,
  messages,
  resource,
  role,
  trust,
} from "./helpers";

/**
 * A trust naming an account root narrowed by `aws:PrincipalArn` to exact role ARNs admits exactly
 * those roles: it is how a stack trusts a role another stack creates later (IAM refuses a trust whose
 * role principal does not exist yet, and checks no condition value). Sources:
 * - IAM User Guide, "AWS JSON policy elements: Principal", IAM roles: a role principal must exist and
 *   is stored as its unique ID; an account principal delegates to the account's IAM policies.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * - IAM User Guide, global condition keys, aws:PrincipalArn: for a role session it is the role's
 *   ARN, and it is in every signed request.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 * - IAM User Guide, condition operators, ARN: ArnEquals and ArnLike are the same test, both
 *   expanding `*` and `?`; negated operators match everything but the values; `...IfExists` matches
 *   a request without the key.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

const SOURCE_ROLE = `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`;
const OTHER_ROLE = `arn:aws:iam::${SECURITY}:role/ComplianceAutomationRole`;
const SECURITY_ROOT = `arn:aws:iam::${SECURITY}:root`;
const ORG_CONDITION = { StringEquals: { "aws:PrincipalOrgID": ORG_ID } };

/** The shape the program writes (`principalArnTrust`): root of the account, exact role, organization. */
const narrowed = (conditions: Record<string, unknown> = {}, principal: unknown = { AWS: SECURITY_ROOT }) =>
  trust(
    allow(principal, {
      Sid: "TrustSource",
      Condition: { ...ORG_CONDITION, ArnEquals: { "aws:PrincipalArn": SOURCE_ROLE }, ...conditions },
    }),
  );

function admitted(doc: unknown): string[] {
  const [statement] = parsePolicyDocument(doc).statements;
  return admittedPrincipals(statement).map((a) => a.principal.value);
}

describe("policy pack: an account root narrowed by aws:PrincipalArn is exactly the named roles", () => {
  it("admits the named role, not the account, and keeps the root it was narrowed from", () => {
    const doc = narrowed();
    assert.deepStrictEqual(admitted(doc), [SOURCE_ROLE]);
    const [ap] = otherAccountPrincipals(
      { doc: parsePolicyDocument(doc), roleName: "SecurityAccessRole", ownAccount: PROD },
      readConfig(ORG),
    );
    assert.deepStrictEqual(
      { value: ap.principal.value, account: ap.account, root: ap.root, from: ap.narrowedFrom?.value },
      { value: SOURCE_ROLE, account: SECURITY, root: false, from: SECURITY_ROOT },
    );
  });

  it("accepts ArnLike, StringEquals and StringLike without wildcards as the same exact test", () => {
    for (const operator of ["ArnLike", "StringEquals", "StringLike", "arnequals"]) {
      const doc = trust(
        allow({ AWS: SECURITY_ROOT }, { Condition: { [operator]: { "aws:principalarn": SOURCE_ROLE } } }),
      );
      assert.deepStrictEqual(admitted(doc), [SOURCE_ROLE], operator);
    }
  });

  it("narrows several roots and roles to the listed ARNs of each root's own account", () => {
    const doc = trust(
      allow(
        { AWS: [SECURITY_ROOT, `arn:aws:iam::${TOOLING}:root`, `arn:aws:iam::${PROD}:role/app`] },
        {
          Condition: {
            ArnEquals: {
              "aws:PrincipalArn": [
                SOURCE_ROLE,
                `arn:aws:iam::${TOOLING}:role/ci`,
                `arn:aws:iam::${MGMT}:role/x`,
              ],
            },
          },
        },
      ),
    );
    // The management role's account is not among the principals, and prod's role is not listed: neither is admitted.
    assert.deepStrictEqual(admitted(doc), [SOURCE_ROLE, `arn:aws:iam::${TOOLING}:role/ci`]);
  });

  it("intersects several exact tests, which must all hold", () => {
    const doc = trust(
      allow(
        { AWS: SECURITY_ROOT },
        {
          Condition: {
            ArnEquals: { "aws:PrincipalArn": [SOURCE_ROLE, OTHER_ROLE] },
            StringEquals: { "aws:PrincipalArn": [SOURCE_ROLE] },
          },
        },
      ),
    );
    assert.deepStrictEqual(admitted(doc), [SOURCE_ROLE]);
    // A narrowing to another account's role admits nobody of this root's account.
    assert.deepStrictEqual(
      admitted(
        trust(
          allow(
            { AWS: SECURITY_ROOT },
            { Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${PROD}:role/app` } } },
          ),
        ),
      ),
      [],
    );
  });

  it("does not count what an attacker would write as specific: wildcards, negations, IfExists, set qualifiers", () => {
    const notSpecific: Record<string, unknown>[] = [
      { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/*` } },
      { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/*` } }, // ArnEquals expands * too
      { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/SecurityAutomationRol?` } },
      { StringLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/Security*` } },
      { ArnNotEquals: { "aws:PrincipalArn": OTHER_ROLE } },
      { StringNotLike: { "aws:PrincipalArn": OTHER_ROLE } },
      { ArnEqualsIfExists: { "aws:PrincipalArn": SOURCE_ROLE } },
      { "ForAnyValue:ArnEquals": { "aws:PrincipalArn": SOURCE_ROLE } },
      { "ForAllValues:StringEquals": { "aws:PrincipalArn": SOURCE_ROLE } },
      { ArnEquals: { "aws:PrincipalArn": { "Fn::Sub": SOURCE_ROLE } } }, // not a literal
      { ArnEquals: { "aws:SourceArn": SOURCE_ROLE } }, // another key
      { ArnEquals: { "aws:PrincipalArn": [] } },
    ];
    for (const condition of notSpecific) {
      const doc = trust(allow({ AWS: SECURITY_ROOT }, { Condition: condition }));
      const [statement] = parsePolicyDocument(doc).statements;
      assert.strictEqual(principalArnNarrowing(statement), undefined, JSON.stringify(condition));
      assert.deepStrictEqual(admitted(doc), [SECURITY_ROOT], JSON.stringify(condition));
    }
  });

  it("passes every mandatory rule in the shape the program writes, in a role and in a StackSet template", () => {
    const asRole = role(narrowed(), { name: "SecurityAccessRole", account: PROD });
    const template = JSON.stringify({
      Resources: {
        Role: {
          Type: "AWS::IAM::Role",
          Properties: { RoleName: "SecurityAccessRole", AssumeRolePolicyDocument: narrowed() },
        },
      },
    });
    const stackSet = resource(
      "aws:cloudformation/stackSet:StackSet",
      "targets",
      { templateBody: template },
      MGMT,
    );
    for (const r of [asRole, stackSet]) {
      assert.deepStrictEqual(
        checkResources([r], { org: ORG, stack: true })
          .filter(isMandatory)
          .map((f) => `${f.policy}: ${f.message}`),
        [],
      );
    }
  });

  it("names the role, not the account root, when the narrowed trust lacks the organization condition", () => {
    const doc = trust(
      allow(
        { AWS: SECURITY_ROOT },
        { Sid: "Src", Condition: { ArnEquals: { "aws:PrincipalArn": SOURCE_ROLE } } },
      ),
    );
    const [message] = messages(role(doc, { account: PROD }), "trust-cross-account-requires-org-condition");
    assert.match(
      message,
      new RegExp(
        `^Statement "Src" trusts AWS: "${SOURCE_ROLE}" \\(AWS: "${SECURITY_ROOT}" narrowed by aws:PrincipalArn\\) in account ${SECURITY} of the organization without an exact aws:PrincipalOrgID`,
      ),
    );
    assert.doesNotMatch(message, /every principal that account allows/);
    // The same root with a role-path wildcard is the whole account, and the message says so.
    const wide = trust(
      allow(
        { AWS: SECURITY_ROOT },
        { Sid: "Src", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/*` } } },
      ),
    );
    assert.match(
      messages(role(wide, { account: PROD }), "trust-cross-account-requires-org-condition")[0],
      new RegExp(
        `trusts AWS: "${SECURITY_ROOT}" in account ${SECURITY} of the organization \\(the account root: every principal that account allows\\)`,
      ),
    );
  });

  it("judges administrator rights by the admitted roles: nobody admitted, nothing to report", () => {
    const admin = { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] };
    const toOwnRole = trust(
      allow(
        { AWS: SECURITY_ROOT },
        {
          Condition: { ...ORG_CONDITION, ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${PROD}:role/app` } },
        },
      ),
    );
    assert.deepStrictEqual(
      messages(role(toOwnRole, { account: PROD, props: admin }), "no-admin-on-cross-account-role"),
      [],
    );
    assert.deepStrictEqual(
      messages(role(narrowed(), { account: PROD, props: admin }), "no-admin-on-cross-account-role").map(
        (m) => m.split(" in another account")[0],
      ),
      [
        `The role trusts AWS: "${SOURCE_ROLE}" (AWS: "${SECURITY_ROOT}" narrowed by aws:PrincipalArn) (Statement "TrustSource")`,
      ],
    );
  });

  it("keeps the organization access role exception for the management root narrowed to a management role", () => {
    const doc = trust(
      allow(
        { AWS: `arn:aws:iam::${MGMT}:root` },
        {
          Condition: {
            ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${MGMT}:role/org-access-deploy-management` },
          },
        },
      ),
    );
    assert.deepStrictEqual(
      messages(
        role(doc, { name: "OrganizationAccountAccessRole", account: PROD }),
        "trust-cross-account-requires-org-condition",
      ),
      [],
    );
    // Any other role name needs the organization condition, as for the plain root.
    assert.strictEqual(
      messages(role(doc, { name: "Admin", account: PROD }), "trust-cross-account-requires-org-condition")
        .length,
      1,
    );
  });

  it("is clean in npm run policy:check, which reads trusts with the same functions", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "principal-arn-"));
    try {
      const file = path.join(dir, "trust.json");
      const org = path.join(dir, "org.json");
      fs.writeFileSync(file, JSON.stringify(narrowed()));
      fs.writeFileSync(org, JSON.stringify(ORG));
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      assert.strictEqual(await main(["--org", org, "--account", PROD, "--json", file], io), 0);
      assert.deepStrictEqual(out, []);
      fs.writeFileSync(
        file,
        JSON.stringify(
          trust(
            allow(
              { AWS: SECURITY_ROOT },
              { Sid: "Src", Condition: { ArnEquals: { "aws:PrincipalArn": SOURCE_ROLE } } },
            ),
          ),
        ),
      );
      assert.strictEqual(await main(["--org", org, "--account", PROD, "--json", file], io), 1);
      assert.deepStrictEqual(
        out
          .map((l) => JSON.parse(l) as { policy: string; message: string })
          .map((f) => [
            f.policy,
            f.message.includes(
              `AWS: "${SOURCE_ROLE}" (AWS: "${SECURITY_ROOT}" narrowed by aws:PrincipalArn)`,
            ),
          ]),
        [["trust-cross-account-requires-org-condition", true]],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
