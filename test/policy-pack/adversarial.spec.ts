import * as assert from "assert";
import { EngineResource, checkResources } from "../../policy-pack/lib/engine";
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
 * The classes of the pack's meaning-based decisions, each with a failing case (the request that gets
 * in is named), a passing case, and the edge case a spelling check gets wrong.
 */

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const orgCondition = { Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } };

function federated(
  host: string,
  Condition: unknown,
  action = "sts:AssumeRoleWithWebIdentity",
): EngineResource {
  return role(
    trust({
      Sid: "Web",
      Effect: "Allow",
      Principal: {
        Federated:
          host.includes(".") && !host.startsWith("cognito")
            ? `arn:aws:iam::${TOOLING}:oidc-provider/${host}`
            : host,
      },
      Action: action,
      Condition,
    }),
    { account: TOOLING },
  );
}

describe("policy pack: decisions by meaning", () => {
  describe("condition operators and values", () => {
    const oidc = "trust-oidc-scoped";
    const gh = "token.actions.githubusercontent.com";
    const aud = { [`${gh}:aud`]: "sts.amazonaws.com" };
    it("StringNotEquals / StringNotLike on an OIDC sub let every other repository in", () => {
      for (const op of ["StringNotEquals", "StringNotLike"]) {
        const m = messages(
          federated(gh, { StringEquals: aud, [op]: { [`${gh}:sub`]: "repo:evil/fork:ref:refs/heads/main" } }),
          oidc,
        );
        assert.strictEqual(m.length, 1, op);
        assert.match(
          m[0],
          new RegExp(
            `:sub \\(${op}\\) admits a token for "repo:zz-adversary-org/zz-adversary-repo:ref:refs/heads/main" \\(a repository of another GitHub organization\\)`,
          ),
        );
      }
    });
    // Both found by the adversarial property test: the adversary completes the issuer's own prefix
    // (`rep*` -> `repo:<owner>`), or ends the repository name and makes the rest the subject's tail.
    it("a wildcard inside GitHub's repo: prefix, or one that can end the repository name, lets another repository in", () => {
      const cases: [string, string][] = [
        ["rep*/infra:ref:refs/heads/main", "repo:zz-adversary/infra:ref:refs/heads/main"],
        ["repo*acme/infra:ref:refs/heads/main", "repo:zz-adversaryacme/infra:ref:refs/heads/main"],
        ["repo:acme/*refs/heads/main", "repo:acme/zz-adversary:refs/heads/main"],
        ["re?o:acme/in?ra:ref:refs/heads/main", "repo:acme/inzra:ref:refs/heads/main"],
      ];
      for (const [pattern, admitted] of cases) {
        const m = messages(
          federated(gh, { StringEquals: aud, StringLike: { [`${gh}:sub`]: pattern } }),
          oidc,
        );
        assert.strictEqual(m.length, 1, pattern);
        assert.ok(m[0].includes(`:sub (StringLike) admits a token for ${JSON.stringify(admitted)}`), m[0]);
      }
      // The wildcards an adversary cannot turn into another repository stay safe.
      for (const pattern of ["repo:acme/infra:ref:refs/heads/*", "repo:acme/infra:environment:pro?"]) {
        const m = messages(
          federated(gh, { StringEquals: aud, StringLike: { [`${gh}:sub`]: pattern } }),
          oidc,
        );
        assert.deepStrictEqual(m, [], pattern);
      }
    });
    it("a wildcard in aws:PrincipalArn's account lets another account in; a role-path wildcard in a fixed account does not", () => {
      const policy = "trust-condition-operators";
      const wide = trust(
        allow(
          { AWS: `arn:aws:iam::${SECURITY}:root` },
          {
            Sid: "Narrowed",
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": ORG_ID },
              ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" },
            },
          },
        ),
      );
      const m = messages(role(wide, { account: PROD }), policy);
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        /^Statement "Narrowed" tests aws:PrincipalArn with ArnLike: the wildcard value "arn:aws:iam::\*:role\/\*" matches more than one identity: a request with aws:PrincipalArn "arn:aws:iam::000000000000:role\/adversary-chosen-role" passes it/,
      );
      const scoped = trust(
        allow(
          { AWS: `arn:aws:iam::${SECURITY}:root` },
          {
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": ORG_ID },
              ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:role/team-*` },
            },
          },
        ),
      );
      assert.deepStrictEqual(messages(role(scoped, { account: PROD }), policy), []);
    });
    it("root narrowed by an exact ArnEquals aws:PrincipalArn passes every trust rule", () => {
      const narrowed = trust(
        allow(
          { AWS: `arn:aws:iam::${SECURITY}:root` },
          {
            Condition: {
              StringEquals: { "aws:PrincipalOrgID": ORG_ID },
              ArnEquals: { "aws:PrincipalArn": [`arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`] },
            },
          },
        ),
      );
      const mandatory = checkResources([role(narrowed, { account: PROD, name: "SecurityAccessRole" })], {
        org: ORG,
      }).filter((f) => f.enforcementLevel === "mandatory");
      assert.deepStrictEqual(mandatory, []);
    });
    it("o-* and a foreign exact organization ID in a bucket policy let outsiders in; our ID does not", () => {
      const policy = "resource-policy-no-open-access";
      const bucket = (orgId: string) =>
        resource(
          "aws:s3/bucketPolicy:BucketPolicy",
          "b",
          {
            bucket: "b",
            policy: doc({
              Sid: "Org",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::b/*",
              Condition: { StringLike: { "aws:PrincipalOrgID": orgId } },
            }),
          },
          PROD,
        );
      assert.match(
        messages(bucket("o-*"), policy)[0],
        /^Statement "Org" of the bucket policy allows "\*" \(anyone\) with no condition that keeps them out: a request from a role of account 000000000000, in organization o-adversary000 \(not ours\), gets in/,
      );
      assert.match(
        messages(bucket("o-zzzzzzzzzz"), policy)[0],
        /a request from a role of account 000000000000, in organization o-zzzzzzzzzz \(not ours\), gets in/,
      );
      assert.deepStrictEqual(messages(bucket(ORG_ID), policy), []);
    });
    it("a statement with no Effect is refused in a trust and counts as a grant in a resource policy", () => {
      const noEffect = {
        Sid: "NoEffect",
        Principal: { AWS: `arn:aws:iam::${SECURITY}:role/a` },
        Action: "sts:AssumeRole",
      };
      const m = messages(role(trust(noEffect), { account: PROD }), "trust-statement-shape");
      assert.deepStrictEqual(m, [
        'Statement "NoEffect" has no Effect: IAM accepts only "Allow" or "Deny" (case-sensitive) and refuses the policy, and the pack cannot tell whether it was meant to grant or deny. Write "Effect": "Allow" or "Effect": "Deny".',
      ]);
      assert.match(
        messages(
          role(trust({ ...noEffect, Effect: "allow" }), { account: PROD }),
          "trust-statement-shape",
        )[0],
        /has Effect "allow": IAM accepts only "Allow" or "Deny" \(case-sensitive\)/,
      );
      const open = resource(
        "aws:s3/bucketPolicy:BucketPolicy",
        "b",
        { bucket: "b", policy: doc({ Principal: "*", Action: "s3:GetObject", Resource: "*" }) },
        PROD,
      );
      assert.strictEqual(messages(open, "resource-policy-no-open-access").length, 1);
    });
    it("a caller without ExternalId, or with a guess, is named", () => {
      const vendor = (Condition: unknown) =>
        role(trust(allow({ AWS: "arn:aws:iam::999999999999:root" }, { Condition })), { account: PROD });
      const policy = "trust-external-requires-external-id";
      assert.match(
        messages(vendor({ StringEqualsIfExists: { "sts:ExternalId": "vendor-secret-1" } }), policy)[0],
        /: a caller without sts:ExternalId gets in/,
      );
      assert.match(
        messages(vendor({ StringNotEquals: { "sts:ExternalId": "other-customer" } }), policy)[0],
        /: a caller without sts:ExternalId gets in/,
      );
      assert.match(
        messages(vendor({ StringLike: { "sts:ExternalId": "vendor-*" } }), policy)[0],
        /: a caller with sts:ExternalId "vendor-zz-adversary" gets in/,
      );
      assert.deepStrictEqual(
        messages(vendor({ StringEquals: { "sts:ExternalId": "vendor-secret-1" } }), policy),
        [],
      );
    });
    it("a caller without MFA is named when an Allow meant to require MFA lets it in", () => {
      const policy = "mfa-condition-pattern";
      const r = (Condition: unknown) =>
        role(trust(allow({ AWS: `arn:aws:iam::${PROD}:root` }, { Sid: "Mfa", Condition })), {
          account: PROD,
        });
      assert.match(
        messages(r({ BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } }), policy)[0],
        /^assumeRolePolicy Statement "Mfa" allows when BoolIfExists aws:MultiFactorAuthPresent "true", and a caller with long-term access keys \(no aws:MultiFactorAuthPresent in the request\) gets in/,
      );
      assert.deepStrictEqual(messages(r({ Bool: { "aws:MultiFactorAuthPresent": "true" } }), policy), []);
    });
  });

  describe("issuers other than GitHub", () => {
    const policy = "trust-oidc-scoped";
    it("Terraform Cloud: organization:* lets another organization in; one workspace passes", () => {
      const host = "app.terraform.io";
      const wide = messages(
        federated(host, {
          StringEquals: { [`${host}:aud`]: "aws.workload.identity" },
          StringLike: { [`${host}:sub`]: "organization:*" },
        }),
        policy,
      );
      assert.match(
        wide[0],
        /app.terraform.io:sub \(StringLike\) admits a token for "organization:zz-adversary-org:project:Default Project:workspace:zz-adversary-ws:run_phase:apply" \(a workspace of another Terraform Cloud organization\)/,
      );
      const workspaceWide = messages(
        federated(host, {
          StringEquals: { [`${host}:aud`]: "aws.workload.identity" },
          StringLike: { [`${host}:sub`]: "organization:acme:*" },
        }),
        policy,
      );
      assert.match(
        workspaceWide[0],
        /admits a token for "organization:acme:project:Default Project:workspace:zz-adversary-ws:run_phase:apply" \(workspace acme\/zz-adversary-ws\)/,
      );
      assert.deepStrictEqual(
        messages(
          federated(host, {
            StringEquals: { [`${host}:aud`]: "aws.workload.identity" },
            StringLike: { [`${host}:sub`]: "organization:acme:project:*:workspace:prod:run_phase:*" },
          }),
          policy,
        ),
        [],
      );
    });
    it("GitLab: project_path:acme* lets another group in; one project passes", () => {
      const host = "gitlab.com";
      const m = messages(
        federated(host, {
          StringEquals: { [`${host}:aud`]: "https://gitlab.com" },
          StringLike: { [`${host}:sub`]: "project_path:acme*" },
        }),
        policy,
      );
      assert.match(
        m[0],
        /gitlab.com:sub \(StringLike\) admits a token for "project_path:acmezz-adversary" \(project acmezz-adversary\)/,
      );
      assert.deepStrictEqual(
        messages(
          federated(host, {
            StringEquals: { [`${host}:aud`]: "https://gitlab.com" },
            StringLike: { [`${host}:sub`]: "project_path:acme/infra:ref_type:branch:ref:*" },
          }),
          policy,
        ),
        [],
      );
    });
    it("EKS: system:serviceaccount:* or StringNotLike lets another namespace in; one service account passes", () => {
      const host = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
      const a = { [`${host}:aud`]: "sts.amazonaws.com" };
      for (const Condition of [
        { StringEquals: a, StringLike: { [`${host}:sub`]: "system:serviceaccount:*" } },
        { StringEquals: a, StringNotLike: { [`${host}:sub`]: "system:serviceaccount:kube-system:*" } },
      ]) {
        const m = messages(federated(host, Condition), policy);
        assert.strictEqual(m.length, 1, JSON.stringify(Condition));
        assert.match(m[0], /admits a token for "system:serviceaccount:zz-adversary/);
      }
      assert.deepStrictEqual(
        messages(
          federated(host, { StringEquals: { ...a, [`${host}:sub`]: "system:serviceaccount:payments:api" } }),
          policy,
        ),
        [],
      );
    });
    it("Cognito's documented trust (aud + amr, no sub) passes; without aud another identity pool gets in", () => {
      const host = "cognito-identity.amazonaws.com";
      const documented = {
        StringEquals: { [`${host}:aud`]: "us-east-1:12345678-1234-1234-1234-123456789012" },
        "ForAnyValue:StringLike": { [`${host}:amr`]: "authenticated" },
      };
      assert.deepStrictEqual(messages(federated(host, documented), policy), []);
      const m = messages(
        federated(host, { "ForAnyValue:StringLike": { [`${host}:amr`]: "authenticated" } }),
        policy,
      );
      assert.match(
        m[0],
        /^Statement "Web" trusts the OIDC provider cognito-identity.amazonaws.com with no cognito-identity.amazonaws.com:aud condition/,
      );
      const other = messages(federated(host, { StringLike: { [`${host}:aud`]: "us-east-1:*" } }), policy);
      assert.match(other[0], /admits a token for audience "us-east-1:00000000-0000-0000-0000-zzadversary0"/);
    });
  });

  describe("equivalent actions and principals", () => {
    it("sts:* in a trust is every session action; sts:AssumeRole is not", () => {
      const policy = "trust-statement-shape";
      for (const Action of ["sts:*", "*:*", ["sts:Assume*", "sts:Set*", "sts:TagSession"]]) {
        const m = messages(
          role(trust(allow({ AWS: `arn:aws:iam::${PROD}:role/a` }, { Action })), { account: PROD }),
          policy,
        );
        assert.strictEqual(m.length, 1, JSON.stringify(Action));
        assert.match(m[0], /which covers every session action/);
      }
      assert.deepStrictEqual(
        messages(
          role(
            trust(
              allow({ AWS: `arn:aws:iam::${PROD}:role/a` }, { Action: ["sts:AssumeRole", "sts:TagSession"] }),
            ),
            { account: PROD },
          ),
          policy,
        ),
        [],
      );
    });
    it("NotPrincipal in an Allow of a resource policy opens it to everyone else", () => {
      const m = messages(
        resource(
          "aws:s3/bucketPolicy:BucketPolicy",
          "b",
          {
            bucket: "b",
            policy: doc({
              Sid: "AllButOne",
              Effect: "Allow",
              NotPrincipal: { AWS: `arn:aws:iam::${PROD}:role/blocked` },
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::b/*",
            }),
          },
          PROD,
        ),
        "resource-policy-no-open-access",
      );
      assert.deepStrictEqual(m.length, 1);
      assert.match(
        m[0],
        /^Statement "AllButOne" of the bucket policy allows everyone but "arn:aws:iam::444444444444:role\/blocked" \(NotPrincipal\)/,
      );
    });
    it("Allow NotAction in an identity policy grants iam:PassRole and sts:AssumeRole on every role", () => {
      const m = messages(
        resource(
          "aws:iam/rolePolicy:RolePolicy",
          "p",
          { role: "r", policy: doc({ Effect: "Allow", NotAction: "s3:*", Resource: "*" }) },
          PROD,
        ),
        "identity-assume-role-scoped",
      );
      assert.strictEqual(m.length, 2);
      assert.match(
        m[0],
        /^Statement\[0\] allows iam:PassRole on Resource "\*" without an iam:PassedToService/,
      );
      assert.match(m[1], /^Statement\[0\] allows sts:AssumeRole on Resource "\*"/);
    });
  });

  describe("admin by equivalence", () => {
    const policy = "no-admin-on-cross-account-role-attachment";
    const ci = trust(allow({ AWS: `arn:aws:iam::${TOOLING}:role/ci` }, { Sid: "Ci", ...orgCondition }));
    const deploy = role(ci, { name: "deploy", account: PROD });
    const attach = (type: string, props: Record<string, unknown>) => resource(type, "attach", props, PROD);
    it("IAMFullAccess through RolePolicyAttachment, PolicyAttachment and RolePolicyAttachmentsExclusive", () => {
      const arn = "arn:aws:iam::aws:policy/IAMFullAccess";
      for (const a of [
        attach("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "deploy", policyArn: arn }),
        attach("aws:iam/policyAttachment:PolicyAttachment", { roles: ["deploy"], policyArn: arn }),
        attach("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", {
          roleName: "deploy",
          policyArns: ["arn:aws:iam::aws:policy/SecurityAudit", arn],
        }),
      ]) {
        const m = messages([deploy, a], policy);
        assert.strictEqual(m.length, 1, a.type);
        assert.match(
          m[0],
          /^Role "deploy": The role trusts AWS: "arn:aws:iam::333333333333:role\/ci" \(Statement "Ci"\) in another account and has administrator rights through managed policy arn:aws:iam::aws:policy\/IAMFullAccess \(admin-equivalent: AWS managed policy IAMFullAccess Statement\[0\] allows iam:AttachGroupPolicy/,
        );
      }
    });
    it("an inline Allow NotAction, PassRole to *.amazonaws.com, AssumeRole on arn:aws:iam::*:role/*", () => {
      for (const [statement, kind] of [
        [{ Effect: "Allow", NotAction: "ec2:*", Resource: "*" }, "admin-equivalent"],
        [
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "*",
            Condition: { StringLike: { "iam:PassedToService": "*.amazonaws.com" } },
          },
          "privilege-escalating",
        ],
        [
          { Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/*" },
          "privilege-escalating",
        ],
      ] as const) {
        const rp = resource(
          "aws:iam/rolePolicy:RolePolicy",
          "inline",
          { role: "deploy", policy: doc(statement) },
          PROD,
        );
        const m = messages([deploy, rp], policy);
        assert.strictEqual(m.length, 1, JSON.stringify(statement));
        assert.match(
          m[0],
          new RegExp(`through role policy "inline" \\(${kind}: role policy "inline" Statement\\[0\\]`),
        );
      }
    });
    it("customer managed policies are judged by their document; read-only ones pass", () => {
      const policyArn = `arn:aws:iam::${PROD}:policy/wide`;
      const wide = resource(
        "aws:iam/policy:Policy",
        "wide",
        { arn: policyArn, policy: doc({ Effect: "Allow", Action: "iam:Put*", Resource: "*" }) },
        PROD,
      );
      const a = attach("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "deploy", policyArn });
      assert.match(
        messages([deploy, wide, a], policy)[0],
        /managed policy arn:aws:iam::444444444444:policy\/wide \(admin-equivalent:/,
      );
      const audit = attach("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
        role: "deploy",
        policyArn: "arn:aws:iam::aws:policy/SecurityAudit",
      });
      assert.deepStrictEqual(messages([deploy, audit], policy), []);
    });
    it("IAMFullAccess in a role's legacy managedPolicyArns", () => {
      const m = messages(
        role(ci, {
          name: "deploy",
          account: PROD,
          props: { managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] },
        }),
        "no-admin-on-cross-account-role",
      );
      assert.strictEqual(m.length, 1);
    });
  });

  describe("safe shapes", () => {
    it("aws:PrincipalOrgPaths under our organization passes; under another it does not", () => {
      const policy = "trust-cross-account-requires-org-condition";
      const paths = (path: string) =>
        role(
          trust(
            allow(
              { AWS: `arn:aws:iam::${SECURITY}:role/a` },
              { Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": path } } },
            ),
          ),
          { account: PROD },
        );
      assert.deepStrictEqual(messages(paths(`${ORG_ID}/r-ab12/ou-ab12-11111111/*`), policy), []);
      assert.match(
        messages(paths("o-zzzzzzzzzz/*"), policy)[0],
        /a request from it with aws:PrincipalOrgID "o-zzzzzzzzzz" and aws:PrincipalAccount "000000000000" \(organization path o-zzzzzzzzzz\/zz-adversary\/, outside ours\) gets in/,
      );
      assert.strictEqual(messages(paths("*"), policy).length, 1);
      const bucket = resource(
        "aws:s3/bucketPolicy:BucketPolicy",
        "b",
        {
          bucket: "b",
          policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::b/*",
            Condition: {
              "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": `${ORG_ID}/r-ab12/ou-ab12-11111111/*` },
            },
          }),
        },
        PROD,
      );
      assert.deepStrictEqual(messages(bucket, "resource-policy-no-open-access"), []);
    });
    it("a permissions boundary written as Allow * then Deny passes while only used as a boundary", () => {
      const arn = `arn:aws:iam::${PROD}:policy/boundary`;
      const boundary = resource(
        "aws:iam/policy:Policy",
        "boundary",
        {
          arn,
          policy: doc(
            { Sid: "AllowAll", Effect: "Allow", Action: "*", Resource: "*" },
            { Sid: "DenyIam", Effect: "Deny", Action: ["iam:CreateUser", "organizations:*"], Resource: "*" },
          ),
        },
        PROD,
      );
      const bounded = role(trust(allow({ Service: "ec2.amazonaws.com" })), {
        name: "app",
        account: PROD,
        props: { permissionsBoundary: arn },
      });
      const policy = "identity-managed-policy-scoped";
      assert.deepStrictEqual(messages([boundary, bounded], policy), []);
      const attached = resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "a",
        { role: "app", policyArn: arn },
        PROD,
      );
      assert.ok(
        messages([boundary, bounded, attached], policy).some((m) =>
          /^Policy "boundary": Statement "AllowAll" allows sts:AssumeRole on Resource "\*"/.test(m),
        ),
      );
      assert.strictEqual(messages([boundary], policy).length, 2);
    });
    it("the organization access role trusting the management root stays the one exception", () => {
      const r = role(trust(allow({ AWS: `arn:aws:iam::${MGMT}:root` })), {
        name: "OrganizationAccountAccessRole",
        account: PROD,
        props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
      });
      assert.deepStrictEqual(
        ["trust-cross-account-requires-org-condition", "no-admin-on-cross-account-role"].flatMap((p) =>
          messages(r, p, { org: ORG }),
        ),
        [],
      );
    });
  });
});
