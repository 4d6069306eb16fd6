import * as assert from "assert";
import { checkResources } from "../../policy-pack/lib/engine";
import {
  MGMT,
  ORG,
  ORG_ID,
  PROD,
  SECURITY,
  TOOLING,
  VENDOR,
  allow,
  findings,
  messages,
  role,
  trust,
} from "./helpers";

const orgCondition = { Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } };

describe("policy pack: trust rules on aws.iam.Role", () => {
  describe("trust-no-wildcard-principal", () => {
    const policy = "trust-no-wildcard-principal";
    it('blocks {"AWS": "*"} even with conditions, as mandatory, naming the Sid', () => {
      const f = findings(
        role(trust(allow({ AWS: "*" }, { Sid: "Anyone", ...orgCondition })), { account: PROD }),
        policy,
      );
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].enforcementLevel, "mandatory");
      assert.match(f[0].message, /^Statement "Anyone" trusts a wildcard principal \(AWS: "\*"\)/);
      assert.match(f[0].message, /exact role ARN/);
    });
    it('blocks the bare "*" principal and "*" inside a list, naming the index without a Sid', () => {
      assert.deepStrictEqual(
        messages(role(trust(allow("*")), { account: PROD }), policy).map((m) => m.slice(0, 44)),
        ['Statement[0] trusts a wildcard principal ("*'],
      );
      const listed = messages(
        role(trust(allow({ AWS: [`arn:aws:iam::${SECURITY}:role/a`, "*"] }, orgCondition)), {
          account: PROD,
        }),
        policy,
      );
      assert.strictEqual(listed.length, 1);
      assert.match(listed[0], /^Statement\[0\] trusts a wildcard principal \(AWS: "\*"\)/);
    });
    it("passes an exact principal, and a Deny with a wildcard", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${SECURITY}:role/a` }, orgCondition), {
        Effect: "Deny",
        Principal: "*",
        Action: "sts:AssumeRole",
      });
      assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy), []);
    });
    it("reads a JSON string and an object the same way", () => {
      const doc = trust(allow({ AWS: "*" }));
      assert.strictEqual(messages(role(JSON.stringify(doc), { account: PROD }), policy).length, 1);
      assert.strictEqual(messages(role(doc, { account: PROD }), policy).length, 1);
    });
  });

  describe("trust-statement-shape", () => {
    const policy = "trust-statement-shape";
    it("blocks NotPrincipal, Allow NotAction and Action *", () => {
      const doc = trust(
        {
          Sid: "Np",
          Effect: "Allow",
          NotPrincipal: { AWS: `arn:aws:iam::${PROD}:root` },
          Action: "sts:AssumeRole",
        },
        {
          Sid: "Na",
          Effect: "Allow",
          Principal: { Service: "ec2.amazonaws.com" },
          NotAction: "sts:TagSession",
        },
        { Sid: "Star", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "*" },
      );
      const m = messages(role(doc, { account: PROD }), policy);
      assert.strictEqual(m.length, 3);
      assert.match(m[0], /^Statement "Np" uses NotPrincipal/);
      assert.match(m[1], /^Statement "Na" allows NotAction/);
      assert.match(m[2], /^Statement "Star" has Action "\*", which covers every session action/);
    });
    it("blocks a policy that is not JSON, and one without statements", () => {
      assert.deepStrictEqual(messages(role("{not json", { account: PROD }), policy), [
        "The trust policy cannot be checked: the policy is not valid JSON. Give the role a policy document with a Statement list.",
      ]);
      assert.match(
        messages(role({ Version: "2012-10-17" }, { account: PROD }), policy)[0],
        /has no Statement/,
      );
    });
    it("passes a Deny NotAction (it only narrows) and a single Statement object", () => {
      const doc = {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      };
      assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy), []);
    });
  });

  describe("trust-cross-account-requires-org-condition", () => {
    const policy = "trust-cross-account-requires-org-condition";
    const source = `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`;
    it("blocks an organization account's role without an org condition", () => {
      const m = messages(
        role(trust(allow({ AWS: source }, { Sid: "FromSecurity" })), { account: PROD }),
        policy,
      );
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        new RegExp(
          `^Statement "FromSecurity" trusts AWS: "${source}" in account ${SECURITY} of the organization without an exact aws:PrincipalOrgID`,
        ),
      );
      assert.match(m[0], new RegExp(`"aws:PrincipalOrgID": "${ORG_ID}"`));
    });
    it("passes with aws:PrincipalOrgID, and with a lowercase key (IAM keys are case-insensitive)", () => {
      assert.deepStrictEqual(
        messages(role(trust(allow({ AWS: source }, orgCondition)), { account: PROD }), policy),
        [],
      );
      const lower = { Condition: { StringEquals: { "aws:principalorgid": ORG_ID } } };
      assert.deepStrictEqual(
        messages(role(trust(allow({ AWS: source }, lower)), { account: PROD }), policy),
        [],
      );
      const account = { Condition: { StringEquals: { "aws:PrincipalAccount": SECURITY } } };
      assert.deepStrictEqual(
        messages(role(trust(allow({ AWS: source }, account)), { account: PROD }), policy),
        [],
      );
    });
    it("does not accept StringEqualsIfExists, StringLike with a wildcard, or another organization's ID", () => {
      for (const Condition of [
        { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG_ID } },
        { StringLike: { "aws:PrincipalOrgID": "o-*" } },
        { StringEquals: { "aws:PrincipalOrgID": "o-zzzzzzzzzz" } },
        { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ORG_ID } },
      ]) {
        assert.strictEqual(
          messages(role(trust(allow({ AWS: source }, { Condition })), { account: PROD }), policy).length,
          1,
          JSON.stringify(Condition),
        );
      }
    });
    it("passes a principal of the role's own account without conditions", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${PROD}:role/local` }));
      assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy), []);
    });
    it("treats every account principal as another account when the role's account is unknown", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${PROD}:role/local` }));
      assert.strictEqual(messages(role(doc), policy).length, 1);
    });
    it("allows only the organization access role to trust the management account root", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` }));
      assert.deepStrictEqual(
        messages(role(doc, { name: "OrganizationAccountAccessRole", account: PROD }), policy),
        [],
      );
      const other = messages(role(doc, { name: "AdminRole", account: PROD }), policy);
      assert.strictEqual(other.length, 1);
      assert.match(other[0], /the account root: every principal that account allows/);
      assert.match(
        other[0],
        /Only a role named "OrganizationAccountAccessRole" may trust the management account root/,
      );
    });
    it("does not extend the exception to another account's root, nor to a renamed role unless configured", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${TOOLING}:root` }));
      assert.strictEqual(
        messages(role(doc, { name: "OrganizationAccountAccessRole", account: PROD }), policy).length,
        1,
      );
      const mgmt = trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` }));
      const config = {
        "trust-cross-account-requires-org-condition": { organizationAccessRoleName: "OrgAccess" },
      };
      assert.deepStrictEqual(
        messages(role(mgmt, { name: "OrgAccess", account: PROD }), policy, { org: ORG, config }),
        [],
      );
    });
    it("without org facts, accepts an org condition or an ExternalId for another account", () => {
      const doc = trust(
        allow(
          { AWS: `arn:aws:iam::${VENDOR}:root` },
          { Condition: { StringEquals: { "sts:ExternalId": "abc-123" } } },
        ),
      );
      assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy, {}), []);
      const bare = messages(
        role(trust(allow({ AWS: `arn:aws:iam::${VENDOR}:root` })), { account: PROD }),
        policy,
        {},
      );
      assert.strictEqual(bare.length, 1);
      assert.match(bare[0], /set organizationAccountIds/);
    });
  });

  describe("trust-external-requires-external-id", () => {
    const policy = "trust-external-requires-external-id";
    const vendorRoot = `arn:aws:iam::${VENDOR}:root`;
    it("blocks a principal outside the organization without sts:ExternalId", () => {
      const m = messages(
        role(trust(allow({ AWS: vendorRoot }, { Sid: "Vendor" })), { account: PROD }),
        policy,
      );
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        new RegExp(
          `^Statement "Vendor" trusts AWS: "${vendorRoot}" in account ${VENDOR}, outside the organization`,
        ),
      );
    });
    it("passes an exact StringEquals ExternalId, with the key in any case", () => {
      for (const key of ["sts:ExternalId", "STS:EXTERNALID"]) {
        const doc = trust(
          allow({ AWS: vendorRoot }, { Condition: { StringEquals: { [key]: "vendor-secret-1" } } }),
        );
        assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy), [], key);
      }
    });
    it("rejects IfExists, a wildcard, ForAllValues and StringLike, saying why", () => {
      for (const Condition of [
        { StringEqualsIfExists: { "sts:ExternalId": "vendor-secret-1" } },
        { StringEquals: { "sts:ExternalId": "*" } },
        { "ForAllValues:StringEquals": { "sts:ExternalId": "vendor-secret-1" } },
        { StringLike: { "sts:ExternalId": "vendor-*" } },
      ]) {
        const m = messages(role(trust(allow({ AWS: vendorRoot }, { Condition })), { account: PROD }), policy);
        assert.strictEqual(m.length, 1, JSON.stringify(Condition));
        assert.match(m[0], /is not an exact match: use plain StringEquals/);
      }
    });
    it("treats an unreadable principal as external once org facts are configured", () => {
      const m = messages(role(trust(allow({ AWS: "AROAEXAMPLEUNIQUEID" })), { account: PROD }), policy);
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /an account that cannot be read from it/);
    });
  });

  describe("trust-oidc-scoped", () => {
    const policy = "trust-oidc-scoped";
    const gh = `arn:aws:iam::${TOOLING}:oidc-provider/token.actions.githubusercontent.com`;
    const web = (Condition: unknown) =>
      role(
        trust({
          Sid: "GitHub",
          Effect: "Allow",
          Principal: { Federated: gh },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition,
        }),
        { account: TOOLING },
      );
    const aud = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };
    it("passes aud plus a repository-scoped sub (both GitHub subject formats)", () => {
      assert.deepStrictEqual(
        messages(
          web({
            StringEquals: aud,
            StringLike: {
              "token.actions.githubusercontent.com:sub": [
                "repo:acme/infra:ref:refs/heads/main",
                "repo:acme@123/infra@456:environment:prod",
              ],
            },
          }),
          policy,
        ),
        [],
      );
    });
    it("blocks a missing aud or sub", () => {
      const m = messages(
        web({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:*" } }),
        policy,
      );
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        /^Statement "GitHub" trusts the OIDC provider token.actions.githubusercontent.com with no token.actions.githubusercontent.com:aud condition/,
      );
      assert.match(
        messages(web({ StringEquals: aud }), policy)[0],
        /no token.actions.githubusercontent.com:sub condition/,
      );
    });
    it("checks every value of a sub list, not only the first", () => {
      const m = messages(
        web({
          StringEquals: aud,
          StringLike: {
            "token.actions.githubusercontent.com:sub": ["repo:acme/infra:ref:refs/heads/main", "repo:acme*"],
          },
        }),
        policy,
      );
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        /:sub \(StringLike\) admits a token for "repo:acmezz-adversary-org\/zz-adversary-repo:ref:refs\/heads\/main" \(repository acmezz-adversary-org\/zz-adversary-repo\)/,
      );
    });
    it("blocks *, repo:ORG/* by default, and a wildcard in the repository name", () => {
      for (const sub of ["*", "repo:acme/*", "repo:acme/infra*", "repo:*/infra:*"]) {
        assert.strictEqual(
          messages(
            web({ StringEquals: aud, StringLike: { "token.actions.githubusercontent.com:sub": sub } }),
            policy,
          ).length,
          1,
          sub,
        );
      }
    });
    it("allows repo:ORG/* only for configured organizations", () => {
      const cond = {
        StringEquals: aud,
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" },
      };
      const config = { "trust-oidc-scoped": { allowOrgWideGithubSubjects: ["acme"] } };
      assert.deepStrictEqual(messages(web(cond), policy, { org: ORG, config }), []);
      const other = { "trust-oidc-scoped": { allowOrgWideGithubSubjects: ["other"] } };
      assert.strictEqual(messages(web(cond), policy, { org: ORG, config: other }).length, 1);
    });
    it("blocks IfExists on sub and matches condition keys case-insensitively", () => {
      const m = messages(
        web({
          StringEquals: aud,
          StringLikeIfExists: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:*" },
        }),
        policy,
      );
      assert.match(
        m[0],
        /StringLikeIfExists on token.actions.githubusercontent.com:sub lets a token without the claim through/,
      );
      const upper = {
        StringEquals: { "TOKEN.actions.githubusercontent.com:AUD": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:Sub": "repo:acme/infra:*" },
      };
      assert.deepStrictEqual(messages(web(upper), policy), []);
    });
  });

  describe("trust-condition-operators", () => {
    const policy = "trust-condition-operators";
    const source = { AWS: `arn:aws:iam::${SECURITY}:role/a` };
    it("blocks ForAllValues and IfExists on single-valued identity keys", () => {
      const m = messages(
        role(
          trust(
            allow(source, {
              Sid: "S",
              Condition: {
                "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ORG_ID },
                StringEqualsIfExists: { "aws:sourceaccount": PROD },
              },
            }),
          ),
          { account: PROD },
        ),
        policy,
      );
      assert.strictEqual(m.length, 2);
      assert.match(
        m[0],
        /^Statement "S" tests aws:PrincipalOrgID with ForAllValues:StringEquals: ForAllValues on a single-valued key is true when the key is absent/,
      );
      assert.match(
        m[1],
        /^Statement "S" tests aws:sourceaccount with StringEqualsIfExists: IfExists lets a request without the key through/,
      );
    });
    it("blocks a wildcard value in a Like operator, and an account wildcard in aws:PrincipalArn", () => {
      const m = messages(
        role(
          trust(
            allow(source, {
              Condition: {
                StringLike: { "aws:PrincipalAccount": "44*" },
                ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci" },
              },
            }),
          ),
          { account: PROD },
        ),
        policy,
      );
      assert.strictEqual(m.length, 2);
      assert.match(m[1], /the wildcard value "arn:aws:iam::\*:role\/ci" matches more than one identity/);
    });
    it("passes StringEquals, Null checks, and a role-path wildcard under a fixed account", () => {
      const doc = trust(
        allow(source, {
          Condition: {
            StringEquals: { "aws:PrincipalOrgID": ORG_ID },
            Null: { "aws:PrincipalArn": "false" },
            ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/team-*` },
          },
        }),
      );
      assert.deepStrictEqual(messages(role(doc, { account: PROD }), policy), []);
    });
  });

  describe("trust-policy-size", () => {
    const policy = "trust-policy-size";
    const big = trust(
      ...Array.from({ length: 15 }, (_, i) =>
        allow({ AWS: `arn:aws:iam::${SECURITY}:role/role-number-${i}` }, orgCondition),
      ),
    );
    it("blocks a policy over 2,048 non-whitespace characters", () => {
      const m = messages(role(big, { account: PROD }), policy);
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        /^The trust policy is \d+ non-whitespace characters, over the limit of 2048 \(maxTrustPolicyLength\)/,
      );
    });
    it("does not count whitespace, and takes the limit from config", () => {
      const small = trust(allow({ AWS: `arn:aws:iam::${SECURITY}:role/a` }, orgCondition));
      assert.deepStrictEqual(messages(role(JSON.stringify(small, null, 40), { account: PROD }), policy), []);
      const config = { "trust-policy-size": { maxTrustPolicyLength: 4096 } };
      assert.deepStrictEqual(messages(role(big, { account: PROD }), policy, { org: ORG, config }), []);
    });
  });

  describe("no-admin-on-cross-account-role", () => {
    const policy = "no-admin-on-cross-account-role";
    const admin = { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] };
    it("blocks AdministratorAccess on a role trusting another account", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${TOOLING}:role/ci` }, { Sid: "Ci", ...orgCondition }));
      const m = messages(role(doc, { name: "deploy", account: PROD, props: admin }), policy);
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        /^The role trusts AWS: "arn:aws:iam::333333333333:role\/ci" \(Statement "Ci"\) in another account and has administrator rights through managed policy arn:aws:iam::aws:policy\/AdministratorAccess/,
      );
    });
    it("blocks an inline * on * statement", () => {
      const doc = trust(allow({ AWS: `arn:aws:iam::${TOOLING}:role/ci` }, orgCondition));
      const inline = {
        inlinePolicies: [
          {
            name: "all",
            policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*:*", Resource: "*" }] }),
          },
        ],
      };
      assert.match(
        messages(role(doc, { account: PROD, props: inline }), policy)[0],
        /inline policy #0 Statement\[0\]/,
      );
    });
    it("passes the sanctioned organization access role, allow-listed roles, and same-account trust", () => {
      const mgmt = trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` }));
      assert.deepStrictEqual(
        messages(role(mgmt, { name: "OrganizationAccountAccessRole", account: PROD, props: admin }), policy),
        [],
      );
      const ci = trust(allow({ AWS: `arn:aws:iam::${TOOLING}:role/ci` }, orgCondition));
      const config = { "no-admin-on-cross-account-role": { allowedAdminRoleNames: ["bootstrap"] } };
      assert.deepStrictEqual(
        messages(role(ci, { name: "bootstrap", account: PROD, props: admin }), policy, { org: ORG, config }),
        [],
      );
      const local = trust(allow({ Service: "ec2.amazonaws.com" }));
      assert.deepStrictEqual(messages(role(local, { account: PROD, props: admin }), policy), []);
    });
  });

  describe("unknown values during preview", () => {
    it("turns an unknown trust policy into an advisory note instead of crashing", () => {
      const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const f = checkResources([role(unknownString, { account: PROD })], { org: ORG }).filter(
        (x) => x.policy === "trust-no-wildcard-principal",
      );
      assert.deepStrictEqual(
        f.map((x) => [x.enforcementLevel, x.message]),
        [
          [
            "advisory",
            "can't run policy 'trust-no-wildcard-principal' during preview: string value at .assumeRolePolicy can't be known during preview",
          ],
        ],
      );
    });
  });
});
