import * as assert from "assert";
import { conditionsMatch, parseCidr, RequestContext, wildcardMatch } from "../../policy-pack/lib/conditions";

/**
 * The pack's condition evaluator against the IAM JSON policy reference. Each `describe` cites the page
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>) and the passage it encodes.
 */

const OPS = "reference_policies_elements_condition_operators.html";
const MULTI = "reference_policies_condition-single-vs-multi-valued-context-keys.html";
const VARS = "reference_policies_variables.html";
const COND = "reference_policies_elements_condition.html";

function ok(condition: Record<string, unknown>, ctx: RequestContext): boolean {
  return conditionsMatch(condition, ctx);
}

describe("condition evaluator", () => {
  describe(`blocks: operators and keys are ANDed, values of one key ORed (${COND}, "The Condition block")`, () => {
    it("every operator and every key must match", () => {
      const c = {
        StringEquals: { "aws:PrincipalAccount": "111111111111", "aws:PrincipalOrgID": "o-aaaaaaaaaa" },
      };
      assert.strictEqual(
        ok(c, { "aws:PrincipalAccount": "111111111111", "aws:PrincipalOrgID": "o-aaaaaaaaaa" }),
        true,
      );
      assert.strictEqual(
        ok(c, { "aws:PrincipalAccount": "111111111111", "aws:PrincipalOrgID": "o-bbbbbbbbbb" }),
        false,
      );
      const two = { StringEquals: { "aws:PrincipalAccount": "1" }, Bool: { "aws:SecureTransport": "true" } };
      assert.strictEqual(ok(two, { "aws:PrincipalAccount": "1", "aws:SecureTransport": "true" }), true);
      assert.strictEqual(ok(two, { "aws:PrincipalAccount": "1", "aws:SecureTransport": "false" }), false);
    });
    it("any value of a key matches (OR)", () => {
      const c = { StringEquals: { "aws:PrincipalAccount": ["111111111111", "222222222222"] } };
      assert.strictEqual(ok(c, { "aws:PrincipalAccount": "222222222222" }), true);
      assert.strictEqual(ok(c, { "aws:PrincipalAccount": "333333333333" }), false);
    });
    it("an empty block matches every request", () => {
      assert.strictEqual(ok({}, {}), true);
    });
  });

  describe(`key names are case-insensitive, values are not (${COND}, "Condition key names are not case-sensitive")`, () => {
    it("matches a key written in any case against the context in any case", () => {
      assert.strictEqual(
        ok(
          { StringEquals: { "AWS:PRINCIPALORGID": "o-aaaaaaaaaa" } },
          { "aws:principalorgid": "o-aaaaaaaaaa" },
        ),
        true,
      );
    });
    it("operators are read in any case", () => {
      assert.strictEqual(
        ok(
          { stringequals: { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } },
          { "aws:PrincipalOrgID": "o-aaaaaaaaaa" },
        ),
        true,
      );
    });
    it("StringEquals compares values case-sensitively", () => {
      assert.strictEqual(
        ok({ StringEquals: { "aws:username": "Alice" } }, { "aws:username": "alice" }),
        false,
      );
    });
  });

  describe(`absent keys (${OPS}, "If the key ... is not present in the request context, the values do not match and the condition is false ... StringNotLike or ArnNotLike ... the condition is true")`, () => {
    it("a positive operator is false without the key", () => {
      assert.strictEqual(ok({ StringEquals: { "sts:ExternalId": "secret" } }, {}), false);
      assert.strictEqual(ok({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::1:role/*" } }, {}), false);
      assert.strictEqual(ok({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, {}), false);
      assert.strictEqual(ok({ Bool: { "aws:MultiFactorAuthPresent": "true" } }, {}), false);
      assert.strictEqual(ok({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, {}), false);
    });
    it("every negated operator is true without the key", () => {
      for (const op of [
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "ArnNotEquals",
        "ArnNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
      ]) {
        assert.strictEqual(ok({ [op]: { "some:key": "x" } }, {}), true, op);
      }
    });
  });

  describe(`...IfExists (${OPS}, "If the policy key is present in the context of the request, process the key as specified in the policy. If the key is not present, evaluate the condition element as true")`, () => {
    it("is true without the key and tests the value when present", () => {
      const c = { StringEqualsIfExists: { "sts:ExternalId": "secret" } };
      assert.strictEqual(ok(c, {}), true);
      assert.strictEqual(ok(c, { "sts:ExternalId": "secret" }), true);
      assert.strictEqual(ok(c, { "sts:ExternalId": "guess" }), false);
    });
    it("BoolIfExists false on MFA matches long-term keys (no aws:MultiFactorAuthPresent)", () => {
      assert.strictEqual(ok({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } }, {}), true);
    });
  });

  describe(`Null (${OPS}, "Condition operator to check existence of condition keys")`, () => {
    it('"true" matches an absent key, "false" a present one', () => {
      assert.strictEqual(ok({ Null: { "aws:TokenIssueTime": "true" } }, {}), true);
      assert.strictEqual(
        ok({ Null: { "aws:TokenIssueTime": "true" } }, { "aws:TokenIssueTime": "2026-01-01T00:00:00Z" }),
        false,
      );
      assert.strictEqual(
        ok({ Null: { "aws:TokenIssueTime": "false" } }, { "aws:TokenIssueTime": "2026-01-01T00:00:00Z" }),
        true,
      );
      assert.strictEqual(ok({ Null: { "aws:TokenIssueTime": "false" } }, {}), false);
    });
    it("reads its value case-insensitively and as a boolean", () => {
      assert.strictEqual(ok({ Null: { "k:k": true } }, {}), true);
      assert.strictEqual(ok({ Null: { "k:k": "FALSE" } }, { "k:k": "v" }), true);
    });
  });

  describe(`string operators (${OPS}, "String condition operators")`, () => {
    it("StringNotEquals is true when the value matches none of the listed values (NOR)", () => {
      const c = { StringNotEquals: { "aws:PrincipalAccount": ["1", "2"] } };
      assert.strictEqual(ok(c, { "aws:PrincipalAccount": "3" }), true);
      assert.strictEqual(ok(c, { "aws:PrincipalAccount": "2" }), false);
    });
    it("IgnoreCase variants fold case", () => {
      assert.strictEqual(
        ok({ StringEqualsIgnoreCase: { "aws:username": "ALICE" } }, { "aws:username": "alice" }),
        true,
      );
      assert.strictEqual(
        ok({ StringNotEqualsIgnoreCase: { "aws:username": "ALICE" } }, { "aws:username": "alice" }),
        false,
      );
    });
    it('StringLike: "*" any run (empty too) and "?" one character, anywhere in the value, case-sensitive', () => {
      const sub = "token.actions.githubusercontent.com:sub";
      assert.strictEqual(
        ok({ StringLike: { [sub]: "repo:acme/*" } }, { [sub]: "repo:acme/app:ref:refs/heads/main" }),
        true,
      );
      assert.strictEqual(
        ok({ StringLike: { [sub]: "repo:*/app:*" } }, { [sub]: "repo:evil/app:ref:refs/heads/main" }),
        true,
      );
      assert.strictEqual(
        ok({ StringLike: { [sub]: "repo:acme/ap?:*" } }, { [sub]: "repo:acme/apx:x" }),
        true,
      );
      assert.strictEqual(
        ok({ StringLike: { [sub]: "repo:acme/ap?:*" } }, { [sub]: "repo:acme/ap:x" }),
        false,
      );
      assert.strictEqual(ok({ StringLike: { [sub]: "repo:ACME/*" } }, { [sub]: "repo:acme/app" }), false);
      assert.strictEqual(ok({ StringLike: { [sub]: "a*" } }, { [sub]: "a" }), true);
    });
    it("StringEquals treats * and ? literally", () => {
      assert.strictEqual(
        ok({ StringEquals: { "aws:PrincipalOrgID": "o-*" } }, { "aws:PrincipalOrgID": "o-aaaaaaaaaa" }),
        false,
      );
      assert.strictEqual(
        ok({ StringEquals: { "aws:PrincipalOrgID": "o-*" } }, { "aws:PrincipalOrgID": "o-*" }),
        true,
      );
    });
    it("numbers and booleans written unquoted are compared as their text", () => {
      assert.strictEqual(
        ok(
          { StringEquals: { "aws:PrincipalAccount": 111111111111 } },
          { "aws:PrincipalAccount": "111111111111" },
        ),
        true,
      );
    });
  });

  describe(`numeric operators (${OPS}, "Numeric condition operators")`, () => {
    it("compare as numbers", () => {
      const age = "aws:MultiFactorAuthAge";
      assert.strictEqual(ok({ NumericLessThan: { [age]: "3600" } }, { [age]: "600" }), true);
      assert.strictEqual(ok({ NumericLessThan: { [age]: "3600" } }, { [age]: "3600" }), false);
      assert.strictEqual(ok({ NumericLessThanEquals: { [age]: "3600" } }, { [age]: "3600" }), true);
      assert.strictEqual(ok({ NumericGreaterThan: { [age]: "10" } }, { [age]: "9" }), false);
      assert.strictEqual(ok({ NumericGreaterThanEquals: { [age]: "10" } }, { [age]: "10.0" }), true);
      assert.strictEqual(ok({ NumericEquals: { [age]: "10" } }, { [age]: "1e1" }), true);
      assert.strictEqual(ok({ NumericNotEquals: { [age]: "10" } }, { [age]: "11" }), true);
    });
    it("a value that is not a number matches nothing", () => {
      assert.strictEqual(ok({ NumericLessThan: { "k:n": "abc" } }, { "k:n": "1" }), false);
      assert.strictEqual(ok({ NumericLessThan: { "k:n": "5" } }, { "k:n": "one" }), false);
    });
  });

  describe(`date operators (${OPS}, "Date condition operators": ISO 8601 or epoch seconds)`, () => {
    it("compare ISO 8601 dates and epoch seconds", () => {
      const t = "aws:CurrentTime";
      assert.strictEqual(
        ok({ DateLessThan: { [t]: "2026-06-30T00:00:00Z" } }, { [t]: "2026-01-01T00:00:00Z" }),
        true,
      );
      assert.strictEqual(
        ok({ DateGreaterThan: { [t]: "2026-06-30" } }, { [t]: "2026-01-01T00:00:00Z" }),
        false,
      );
      assert.strictEqual(
        ok({ DateEquals: { "aws:EpochTime": "1767225600" } }, { "aws:EpochTime": "2026-01-01T00:00:00Z" }),
        true,
      );
      assert.strictEqual(
        ok({ DateLessThanEquals: { [t]: "2026-01-01T00:00:00Z" } }, { [t]: "2026-01-01T00:00:00Z" }),
        true,
      );
      assert.strictEqual(
        ok({ DateGreaterThanEquals: { [t]: "2026-01-01T00:00:00+01:00" } }, { [t]: "2025-12-31T23:30:00Z" }),
        true,
      );
      assert.strictEqual(ok({ DateNotEquals: { [t]: "2026-01-01" } }, { [t]: "2026-01-02" }), true);
    });
    it("an unreadable date matches nothing", () => {
      assert.strictEqual(
        ok({ DateLessThan: { "aws:CurrentTime": "tomorrow" } }, { "aws:CurrentTime": "2026-01-01" }),
        false,
      );
    });
  });

  describe(`Bool (${OPS}, "Boolean condition operators")`, () => {
    it("compares true/false case-insensitively; other text matches nothing", () => {
      assert.strictEqual(
        ok({ Bool: { "aws:SecureTransport": "TRUE" } }, { "aws:SecureTransport": "true" }),
        true,
      );
      assert.strictEqual(
        ok({ Bool: { "aws:SecureTransport": true } }, { "aws:SecureTransport": "true" }),
        true,
      );
      assert.strictEqual(
        ok({ Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "false" }),
        false,
      );
      assert.strictEqual(
        ok({ Bool: { "aws:SecureTransport": "yes" } }, { "aws:SecureTransport": "yes" }),
        false,
      );
    });
  });

  describe(`BinaryEquals (${OPS}, "Binary condition operators": base64 values compared byte for byte)`, () => {
    it("compares decoded bytes", () => {
      assert.strictEqual(
        ok({ BinaryEquals: { "k:b": "QmluYXJ5VmFsdWU=" } }, { "k:b": "QmluYXJ5VmFsdWU=" }),
        true,
      );
      assert.strictEqual(ok({ BinaryEquals: { "k:b": "QmluYXJ5VmFsdWU=" } }, { "k:b": "T3RoZXI=" }), false);
      assert.strictEqual(ok({ BinaryEquals: { "k:b": "not base64!" } }, { "k:b": "not base64!" }), false);
    });
  });

  describe(`IpAddress / NotIpAddress (${OPS}, "IP address condition operators": RFC 4632 CIDR, IPv4 and IPv6)`, () => {
    it("match IPv4 ranges and single addresses", () => {
      const ip = "aws:SourceIp";
      assert.strictEqual(ok({ IpAddress: { [ip]: "203.0.113.0/24" } }, { [ip]: "203.0.113.77" }), true);
      assert.strictEqual(ok({ IpAddress: { [ip]: "203.0.113.0/24" } }, { [ip]: "203.0.114.1" }), false);
      assert.strictEqual(ok({ IpAddress: { [ip]: "203.0.113.5" } }, { [ip]: "203.0.113.5" }), true);
      assert.strictEqual(ok({ IpAddress: { [ip]: "0.0.0.0/0" } }, { [ip]: "198.51.100.1" }), true);
      assert.strictEqual(
        ok({ NotIpAddress: { [ip]: ["10.0.0.0/8", "192.168.0.0/16"] } }, { [ip]: "192.168.1.1" }),
        false,
      );
      assert.strictEqual(ok({ NotIpAddress: { [ip]: ["10.0.0.0/8"] } }, { [ip]: "8.8.8.8" }), true);
    });
    it("match IPv6 ranges, compressed forms and embedded IPv4; v4 never matches a v6 range", () => {
      const ip = "aws:SourceIp";
      assert.strictEqual(ok({ IpAddress: { [ip]: "2001:db8::/32" } }, { [ip]: "2001:DB8:1234::1" }), true);
      assert.strictEqual(ok({ IpAddress: { [ip]: "2001:db8::/32" } }, { [ip]: "2001:db9::1" }), false);
      assert.strictEqual(ok({ IpAddress: { [ip]: "::ffff:0:0/96" } }, { [ip]: "::ffff:192.0.2.1" }), true);
      assert.strictEqual(ok({ IpAddress: { [ip]: "::/0" } }, { [ip]: "10.0.0.1" }), false);
      assert.strictEqual(
        ok({ IpAddress: { [ip]: "2001:db8::1" } }, { [ip]: "2001:0db8:0000:0000:0000:0000:0000:0001" }),
        true,
      );
    });
    it("parses and refuses CIDRs exactly", () => {
      assert.deepStrictEqual(parseCidr("10.0.0.0/8"), { v6: false, bits: 10n << 24n, prefix: 8 });
      assert.strictEqual(parseCidr("10.0.0.256"), undefined);
      assert.strictEqual(parseCidr("10.0.0.0/33"), undefined);
      assert.strictEqual(parseCidr("1::2::3"), undefined);
      assert.strictEqual(parseCidr("1:2:3:4:5:6:7"), undefined);
      assert.strictEqual(parseCidr("::1")?.bits, 1n);
    });
  });

  describe(`ARN operators (${OPS}, "Amazon Resource Name (ARN) condition operators": each of the six colon-delimited parts checked separately, wildcards in each)`, () => {
    const arn = "aws:PrincipalArn";
    it("ArnEquals and ArnLike both take wildcards per part", () => {
      for (const op of ["ArnEquals", "ArnLike"]) {
        assert.strictEqual(
          ok(
            { [op]: { [arn]: "arn:aws:iam::111111111111:role/ci-*" } },
            { [arn]: "arn:aws:iam::111111111111:role/ci-deploy" },
          ),
          true,
          op,
        );
        assert.strictEqual(
          ok({ [op]: { [arn]: "arn:aws:iam::*:role/*" } }, { [arn]: "arn:aws:iam::999999999999:role/x" }),
          true,
          op,
        );
        assert.strictEqual(
          ok(
            { [op]: { [arn]: "arn:aws:iam::111111111111:role/ci" } },
            { [arn]: "arn:aws:iam::111111111111:role/ci-deploy" },
          ),
          false,
          op,
        );
      }
    });
    it("a wildcard does not run across a colon: `arn:aws:*` is not a whole ARN", () => {
      assert.strictEqual(ok({ ArnLike: { [arn]: "arn:aws:*" } }, { [arn]: "arn:aws:iam::1:role/x" }), false);
      assert.strictEqual(
        ok({ ArnLike: { [arn]: "arn:*:*:*:*:*" } }, { [arn]: "arn:aws:iam::1:role/x" }),
        true,
      );
    });
    it("the resource part keeps its own colons", () => {
      assert.strictEqual(
        ok(
          { ArnLike: { "aws:SourceArn": "arn:aws:logs:eu-west-1:1:log-group:*" } },
          { "aws:SourceArn": "arn:aws:logs:eu-west-1:1:log-group:app:*" },
        ),
        true,
      );
    });
    it("is case-sensitive and refuses values that are not ARNs", () => {
      assert.strictEqual(
        ok({ ArnEquals: { [arn]: "arn:aws:iam::1:role/CI" } }, { [arn]: "arn:aws:iam::1:role/ci" }),
        false,
      );
      assert.strictEqual(ok({ ArnEquals: { [arn]: "*" } }, { [arn]: "arn:aws:iam::1:role/ci" }), false);
    });
    it("ArnNotEquals / ArnNotLike are NOR over the values", () => {
      assert.strictEqual(
        ok({ ArnNotLike: { [arn]: "arn:aws:iam::1:role/ci-*" } }, { [arn]: "arn:aws:iam::2:role/ci-x" }),
        true,
      );
      assert.strictEqual(
        ok(
          { ArnNotEquals: { [arn]: ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"] } },
          { [arn]: "arn:aws:iam::1:role/b" },
        ),
        false,
      );
    });
  });

  describe(`set operators and multivalued keys (${MULTI}, "ForAllValues ... returns true if ... there are no context keys in the request"; "ForAnyValue ... at least one")`, () => {
    const tags = "aws:TagKeys";
    it("ForAllValues: every request value matches some policy value; vacuously true when absent", () => {
      const c = { "ForAllValues:StringEquals": { [tags]: ["team", "env"] } };
      assert.strictEqual(ok(c, { [tags]: ["team"] }), true);
      assert.strictEqual(ok(c, { [tags]: ["team", "owner"] }), false);
      assert.strictEqual(ok(c, {}), true);
      assert.strictEqual(ok(c, { [tags]: [] }), true);
    });
    it("ForAnyValue: at least one request value matches; false when absent", () => {
      const c = {
        "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/*" },
      };
      assert.strictEqual(
        ok(c, { "aws:PrincipalOrgPaths": ["o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"] }),
        true,
      );
      assert.strictEqual(
        ok(c, { "aws:PrincipalOrgPaths": ["o-bbbbbbbbbb/r-ab12/ou-ab12-11111111/"] }),
        false,
      );
      assert.strictEqual(ok(c, {}), false);
    });
    it("a set operator with a negated operator applies the negation per request value", () => {
      assert.strictEqual(
        ok({ "ForAllValues:StringNotEquals": { [tags]: ["admin"] } }, { [tags]: ["team", "env"] }),
        true,
      );
      assert.strictEqual(
        ok({ "ForAllValues:StringNotEquals": { [tags]: ["admin"] } }, { [tags]: ["team", "admin"] }),
        false,
      );
      assert.strictEqual(
        ok({ "ForAnyValue:StringNotEquals": { [tags]: ["admin"] } }, { [tags]: ["team", "admin"] }),
        true,
      );
    });
    it("on a single-valued key ForAllValues is true when the key is absent (the bypass FACTS.md names)", () => {
      assert.strictEqual(
        ok({ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } }, {}),
        true,
      );
      assert.strictEqual(
        ok(
          { "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": "o-aaaaaaaaaa" } },
          { "aws:PrincipalOrgID": "o-aaaaaaaaaa" },
        ),
        true,
      );
    });
    it("a multivalued key needs a set operator: a plain operator does not match it", () => {
      assert.strictEqual(ok({ StringEquals: { [tags]: "team" } }, { [tags]: ["team"] }), false);
      assert.strictEqual(ok({ StringNotEquals: { [tags]: "team" } }, { [tags]: ["env"] }), false);
    });
    it("IfExists on a set operator is true when absent", () => {
      assert.strictEqual(ok({ "ForAnyValue:StringEqualsIfExists": { [tags]: "team" } }, {}), true);
    });
  });

  describe(`policy variables (${VARS}, "Policy variables", "Special characters", "Specifying default values")`, () => {
    it("substitute a single-valued key of the request", () => {
      const c = { StringLike: { "s3:prefix": "home/${aws:username}/*" } };
      assert.strictEqual(ok(c, { "s3:prefix": "home/alice/notes", "aws:username": "alice" }), true);
      assert.strictEqual(ok(c, { "s3:prefix": "home/bob/notes", "aws:username": "alice" }), false);
      assert.strictEqual(
        ok(
          { ArnEquals: { "aws:SourceArn": "arn:aws:iam::${aws:PrincipalAccount}:role/x" } },
          { "aws:SourceArn": "arn:aws:iam::1:role/x", "aws:PrincipalAccount": "1" },
        ),
        true,
      );
    });
    it("a missing variable matches nothing, unless it has a default", () => {
      assert.strictEqual(ok({ StringEquals: { "k:v": "${aws:username}" } }, { "k:v": "" }), false);
      assert.strictEqual(ok({ StringNotEquals: { "k:v": "${aws:username}" } }, { "k:v": "x" }), true);
      assert.strictEqual(
        ok({ StringEquals: { "k:v": "${aws:PrincipalTag/team, 'shared'}" } }, { "k:v": "shared" }),
        true,
      );
    });
    it("${*}, ${?} and ${$} are literal characters, never wildcards", () => {
      assert.strictEqual(ok({ StringLike: { "k:v": "a${*}" } }, { "k:v": "a*" }), true);
      assert.strictEqual(ok({ StringLike: { "k:v": "a${*}" } }, { "k:v": "abc" }), false);
      assert.strictEqual(ok({ StringLike: { "k:v": "a${?}" } }, { "k:v": "ab" }), false);
      assert.strictEqual(ok({ StringEquals: { "k:v": "${$}1" } }, { "k:v": "$1" }), true);
    });
    it("a multivalued key is not a policy variable", () => {
      assert.strictEqual(
        ok({ StringEquals: { "k:v": "${aws:TagKeys}" } }, { "k:v": "a", "aws:TagKeys": ["a"] }),
        false,
      );
    });
  });

  describe(`unknown operators (${OPS}: IAM refuses a policy with an operator it does not define)`, () => {
    it("never match", () => {
      assert.strictEqual(ok({ StringEqualz: { "k:v": "a" } }, { "k:v": "a" }), false);
      assert.strictEqual(ok({ NullIfExists: { "k:v": "true" } }, {}), false);
    });
  });

  describe("wildcardMatch", () => {
    it("backtracks without regular expressions", () => {
      assert.strictEqual(wildcardMatch("*a*b*c", "xxaxxbxxc"), true);
      assert.strictEqual(wildcardMatch("*a*b*c", "xxaxxcxxb"), false);
      assert.strictEqual(wildcardMatch("**", ""), true);
      assert.strictEqual(wildcardMatch("A*", "abc", true), true);
    });
  });
});
