import * as assert from "assert";
import { MGMT, ORG_ID, PROD, SECURITY, VENDOR, findings, messages, resource } from "./helpers";

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("policy pack: identity, credential and resource-policy rules", () => {
  describe("identity-assume-role-scoped", () => {
    const policy = "identity-assume-role-scoped";
    const rp = (policyDoc: unknown) =>
      resource("aws:iam/rolePolicy:RolePolicy", "caller", { role: "ci", policy: policyDoc }, PROD);
    it('blocks sts:AssumeRole on "*" (also through sts:* and NotAction), as mandatory', () => {
      const f = findings(
        rp(doc({ Sid: "Any", Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" })),
        policy,
      );
      assert.strictEqual(f.length, 1);
      assert.strictEqual(f[0].enforcementLevel, "mandatory");
      assert.match(f[0].message, /^Statement "Any" allows sts:AssumeRole on Resource "\*"/);
      assert.strictEqual(
        messages(rp(doc({ Effect: "Allow", Action: ["sts:*"], Resource: ["arn:aws:iam::*:role/*"] })), policy)
          .length,
        1,
      );
      assert.strictEqual(
        messages(rp(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })), policy).length,
        1,
      );
    });
    it("passes the approved role name in any account, and * scoped by aws:ResourceOrgID", () => {
      const named = {
        Sid: "AllowAssumeSecurityAccessRole",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: "arn:aws:iam::*:role/SecurityAccessRole",
      };
      assert.deepStrictEqual(messages(rp(doc(named)), policy), []);
      const scoped = {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: "*",
        Condition: { StringEquals: { "aws:resourceorgid": ORG_ID } },
      };
      assert.deepStrictEqual(messages(rp(doc(scoped)), policy), []);
    });
    it("blocks iam:PassRole on * without iam:PassedToService in a managed policy, passes it with one (any key case)", () => {
      const managed = "identity-managed-policy-scoped";
      const bare = messages(
        resource("aws:iam/policy:Policy", "deploy", {
          policy: doc({ Effect: "Allow", Action: ["ecs:UpdateService", "iam:PassRole"], Resource: "*" }),
        }),
        managed,
      );
      assert.strictEqual(bare.length, 1);
      assert.match(
        bare[0],
        /^Policy "deploy": Statement\[0\] allows iam:PassRole on Resource "\*" without an iam:PassedToService condition/,
      );
      const scoped = {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: "*",
        Condition: { StringEquals: { "IAM:PassedToService": "ecs-tasks.amazonaws.com" } },
      };
      assert.deepStrictEqual(
        messages(resource("aws:iam/policy:Policy", "deploy", { policy: doc(scoped) }), managed),
        [],
      );
      // Passing a role always carries iam:PassedToService, so IfExists tests it like StringEquals;
      // a wildcard or a negated operator still lets every service in.
      const ifExists = {
        ...scoped,
        Condition: { StringEqualsIfExists: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      };
      assert.deepStrictEqual(
        messages(resource("aws:iam/policy:Policy", "deploy", { policy: doc(ifExists) }), managed),
        [],
      );
      for (const Condition of [
        { StringLike: { "iam:PassedToService": "*.amazonaws.com" } },
        { StringNotEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
      ]) {
        assert.strictEqual(
          messages(
            resource("aws:iam/policy:Policy", "deploy", { policy: doc({ ...scoped, Condition }) }),
            managed,
          ).length,
          1,
          JSON.stringify(Condition),
        );
      }
      // The inline form of the same grant is judged by identity-assume-role-scoped.
      assert.strictEqual(
        messages(rp(doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" })), policy).length,
        1,
      );
    });
    it("reads a policy given as an object and a role's legacy inlinePolicies", () => {
      const object = { Statement: { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" } };
      assert.strictEqual(messages(rp(object), policy).length, 1);
      const r = resource(
        "aws:iam/role:Role",
        "r",
        { assumeRolePolicy: doc(), inlinePolicies: [{ name: "x", policy: JSON.stringify(object) }] },
        PROD,
      );
      assert.match(messages(r, policy)[0], /^inlinePolicies\[0\] Statement\[0\] allows sts:AssumeRole/);
    });
  });

  describe("no-long-lived-credentials", () => {
    const policy = "no-long-lived-credentials";
    it("blocks users, access keys and login profiles", () => {
      const f = findings(
        [
          resource("aws:iam/user:User", "ops", { name: "ops" }),
          resource("aws:iam/accessKey:AccessKey", "ops-key", { user: "ops" }),
          resource("aws:iam/userLoginProfile:UserLoginProfile", "ops-login", { user: "ops" }),
        ],
        policy,
      );
      assert.deepStrictEqual(
        f.map((x) => [x.resource, x.enforcementLevel, x.message.split(":")[0]]),
        [
          ["ops", "mandatory", 'This creates IAM user "ops"'],
          ["ops-key", "mandatory", 'This creates an access key for IAM user "ops"'],
          ["ops-login", "mandatory", 'This creates a console password for IAM user "ops"'],
        ],
      );
      assert.match(f[0].message, /IAM Identity Center permission sets/);
    });
    it("passes break-glass users in allowedIamUsers (and their keys)", () => {
      const config = { "no-long-lived-credentials": { allowedIamUsers: ["break-glass"] } };
      const rs = [
        resource("aws:iam/user:User", "bg", { name: "break-glass" }),
        resource("aws:iam/accessKey:AccessKey", "k", { user: "break-glass" }),
      ];
      assert.deepStrictEqual(messages(rs, policy, { config }), []);
    });
  });

  describe("resource-policy-no-open-access", () => {
    const policy = "resource-policy-no-open-access";
    const bucket = (p: unknown, account = PROD) =>
      resource("aws:s3/bucketPolicy:BucketPolicy", "shared", { bucket: "b", policy: p }, account);
    const key = (p: unknown, account?: string) => resource("aws:kms/key:Key", "key", { policy: p }, account);
    const admin = {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${PROD}:root` },
      Action: "kms:*",
      Resource: "*",
    };
    it("blocks a wildcard principal and another account's root without conditions", () => {
      const f = findings(
        bucket(
          doc(
            {
              Sid: "Public",
              Effect: "Allow",
              Principal: "*",
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::b/*",
            },
            {
              Sid: "Root",
              Effect: "Allow",
              Principal: { AWS: [`arn:aws:iam::${SECURITY}:root`] },
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::b/*",
            },
          ),
        ),
        policy,
      );
      assert.strictEqual(f.length, 2);
      assert.match(
        f[0].message,
        /^Statement "Public" of the bucket policy allows "\*" \(anyone\) with no condition that keeps them out: a request from a role of account 000000000000, in no organization, gets in/,
      );
      assert.ok(
        f[1].message.startsWith(
          `Statement "Root" of the bucket policy allows "arn:aws:iam::${SECURITY}:root" (every principal of account ${SECURITY})`,
        ),
      );
      assert.strictEqual(f[0].enforcementLevel, "mandatory");
    });
    it("passes the exact role ARN, a wildcard narrowed by aws:PrincipalOrgID, and a Deny", () => {
      const p = doc(
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${SECURITY}:role/app-upload-role` },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::b/uploads/*",
        },
        {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
        },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "arn:aws:s3:::b/*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      );
      assert.deepStrictEqual(messages(bucket(p), policy), []);
    });
    it("does not count IfExists or a wildcard value as a limiting condition", () => {
      const p = doc({
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: "*",
        Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG_ID } },
      });
      assert.strictEqual(messages(bucket(p), policy).length, 1);
    });
    it("passes the owning account's root in the KMS administration statement, known or inferred", () => {
      const consumer = {
        Sid: "Consumer",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${SECURITY}:role/app` },
        Action: ["kms:Decrypt"],
        Resource: "*",
      };
      assert.deepStrictEqual(messages(key(doc(admin, consumer), PROD), policy), []);
      assert.deepStrictEqual(messages(key(doc(admin, consumer)), policy), []);
      assert.deepStrictEqual(
        messages(
          resource("aws:kms/keyPolicy:KeyPolicy", "kp", { keyId: "k", policy: doc(admin) }, PROD),
          policy,
        ),
        [],
      );
    });
    it("blocks another account's root in a key policy when the key's account is known", () => {
      const foreign = { ...admin, Principal: { AWS: `arn:aws:iam::${MGMT}:root` } };
      const m = messages(key(doc(foreign), PROD), policy);
      assert.strictEqual(m.length, 1);
      assert.match(
        m[0],
        /^Statement "KeyAdministration" of the key policy allows "arn:aws:iam::111111111111:root" \(every principal of account 111111111111\)/,
      );
      assert.strictEqual(
        messages(
          key(doc({ ...foreign, Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: "kms:Decrypt" })),
          policy,
        ).length,
        1,
      );
    });
  });
});
