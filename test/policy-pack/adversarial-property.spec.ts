import * as assert from "assert";
import fc from "fast-check";
import { parsePolicyDocument } from "../../policy-pack/lib/document";
import { Request, documentDecision } from "../../policy-pack/lib/requests";
import { ORG_ID, PROD, SECURITY, TOOLING, messages, role } from "./helpers";

/**
 * Adversarial variants of safe trust policies, each judged twice: by the rule, and by the condition
 * evaluator asked directly whether a request the rule must keep out is allowed (`documentDecision`).
 *
 * - Meaning-changing variants (an operator swapped, a wildcard injected, a `Not*` form, `IfExists`
 *   or a set qualifier added, the condition dropped): whenever the evaluator lets an adversary in,
 *   the rule reports it.
 * - Equivalent encodings (key and operator case, a value as a one-element list, a repeated value,
 *   `Statement` as an object, the document as a JSON string with other whitespace, principals and
 *   actions as lists): the rule reports nothing, as for the safe document.
 */

type Doc = { Version: string; Statement: Record<string, unknown>[] };

interface Template {
  readonly name: string;
  readonly rule: string;
  readonly account: string;
  readonly doc: () => Doc;
  /** The requests the rule must keep out, built from adversary-chosen values. */
  readonly adversaries: (value: string) => Request[];
}

const GH = "token.actions.githubusercontent.com";
const OIDC_ARN = `arn:aws:iam::${TOOLING}:oidc-provider/${GH}`;
const SOURCE = `arn:aws:iam::${SECURITY}:role/SecurityAutomationRole`;
const VENDOR_ROOT = "arn:aws:iam::999999999999:root";

const TEMPLATES: Template[] = [
  {
    name: "organization role",
    rule: "trust-cross-account-requires-org-condition",
    account: PROD,
    doc: () => ({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Org",
          Effect: "Allow",
          Principal: { AWS: SOURCE },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
        },
      ],
    }),
    adversaries: (v) =>
      [
        undefined,
        "o-adversary000",
        `o-${v
          .replace(/[^a-z0-9]/g, "")
          .padEnd(10, "0")
          .slice(0, 12)}`,
      ].map((org) => ({
        principal: { kind: "AWS", id: SOURCE },
        action: "sts:AssumeRole",
        context: {
          "aws:PrincipalAccount": "000000000000",
          ...(org === undefined ? {} : { "aws:PrincipalOrgID": org }),
        },
        description: `outside the organization (${org ?? "no organization"})`,
      })),
  },
  {
    name: "vendor role",
    rule: "trust-external-requires-external-id",
    account: PROD,
    doc: () => ({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Vendor",
          Effect: "Allow",
          Principal: { AWS: VENDOR_ROOT },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "vendor-secret-1" } },
        },
      ],
    }),
    adversaries: (v) =>
      [undefined, "adversary-guess", v].map((id) => ({
        principal: { kind: "AWS", id: "arn:aws:iam::999999999999:role/vendor-app" },
        action: "sts:AssumeRole",
        context: id === undefined ? {} : { "sts:ExternalId": id },
        description: `ExternalId ${id ?? "(none)"}`,
      })),
  },
  {
    name: "GitHub Actions role",
    rule: "trust-oidc-scoped",
    account: TOOLING,
    doc: () => ({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHub",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${GH}:aud`]: "sts.amazonaws.com",
              [`${GH}:sub`]: "repo:acme/infra:ref:refs/heads/main",
            },
          },
        },
      ],
    }),
    adversaries: (v) => {
      const web = (context: Record<string, string>, description: string): Request => ({
        principal: { kind: "Federated", id: OIDC_ARN },
        action: "sts:AssumeRoleWithWebIdentity",
        context,
        description,
      });
      const aud = { [`${GH}:aud`]: "sts.amazonaws.com" };
      return [
        web({ ...aud, [`${GH}:sub`]: `repo:${v}/infra:ref:refs/heads/main` }, "another organization"),
        web({ ...aud, [`${GH}:sub`]: `repo:acme/${v}:ref:refs/heads/main` }, "another repository"),
        web(
          { ...aud, [`${GH}:sub`]: `repo:acme@1/${v}@2:ref:refs/heads/main` },
          "another repository, immutable",
        ),
        web({ ...aud }, "no sub"),
        web({ [`${GH}:aud`]: v, [`${GH}:sub`]: "repo:acme/infra:ref:refs/heads/main" }, "another audience"),
      ];
    },
  },
];

const OPERATORS = [
  "StringEquals",
  "StringLike",
  "StringNotEquals",
  "StringNotLike",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringEqualsIfExists",
  "StringLikeIfExists",
  "StringNotEqualsIfExists",
  "ForAllValues:StringEquals",
  "ForAllValues:StringLike",
  "ForAnyValue:StringEquals",
  "ForAnyValue:StringLike",
  "ForAllValues:StringNotEquals",
  "ArnLike",
  "ArnNotLike",
  "Null",
];

/** An adversary-chosen name: not a value any template uses. */
const adversaryValue = fc
  .stringMatching(/^[a-z][a-z0-9-]{2,12}$/)
  .filter((v) => !["acme", "infra"].includes(v));

type Mutation = (doc: Doc) => void;

function conditionOf(doc: Doc): Record<string, Record<string, unknown>> {
  doc.Statement[0].Condition ??= {};
  return doc.Statement[0].Condition as Record<string, Record<string, unknown>>;
}

/** Moves one key of the condition block under another operator. */
const swapOperator =
  (key: number, op: string): Mutation =>
  (doc) => {
    const block = conditionOf(doc);
    const entries = Object.entries(block).flatMap(([o, keys]) =>
      Object.entries(keys).map(([k, v]) => ({ o, k, v })),
    );
    if (entries.length === 0) return;
    const chosen = entries[key % entries.length];
    delete block[chosen.o][chosen.k];
    if (Object.keys(block[chosen.o]).length === 0) delete block[chosen.o];
    block[op] = { ...(block[op] ?? {}), [chosen.k]: op === "Null" ? "false" : chosen.v };
  };

/** Replaces part of one value with `*` or `?`. */
const injectWildcard =
  (key: number, at: number, length: number, wildcard: string): Mutation =>
  (doc) => {
    const block = conditionOf(doc);
    const entries = Object.values(block).flatMap((keys) => Object.keys(keys).map((k) => ({ keys, k })));
    if (entries.length === 0) return;
    const { keys, k } = entries[key % entries.length];
    const value = String(keys[k]);
    const start = at % (value.length + 1);
    keys[k] = value.slice(0, start) + wildcard + value.slice(Math.min(value.length, start + length));
  };

const dropCondition: Mutation = (doc) => {
  delete doc.Statement[0].Condition;
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...OPERATORS)).map(([k, op]) => swapOperator(k, op)),
  fc
    .tuple(fc.nat(), fc.nat(), fc.nat({ max: 40 }), fc.constantFrom("*", "?", "*."))
    .map(([k, at, len, w]) => injectWildcard(k, at, len, w)),
  fc.constant(dropCondition),
);

/** Equivalent encodings of the same document: nothing IAM would read differently. */
const encoding: fc.Arbitrary<(doc: Doc) => unknown> = fc
  .record({
    keyCase: fc.constantFrom("as-is", "upper", "lower"),
    operatorCase: fc.constantFrom("as-is", "lower"),
    valueAsList: fc.boolean(),
    repeatValue: fc.boolean(),
    statementAsObject: fc.boolean(),
    principalAsList: fc.boolean(),
    actionAsList: fc.boolean(),
    asString: fc.constantFrom("object", "compact", "indented"),
  })
  .map((e) => (doc: Doc) => {
    const s = doc.Statement[0];
    const block = conditionOf(doc);
    const rewritten: Record<string, Record<string, unknown>> = {};
    for (const [op, keys] of Object.entries(block)) {
      const o = e.operatorCase === "lower" ? op.toLowerCase() : op;
      rewritten[o] = {};
      for (const [k, v] of Object.entries(keys)) {
        const key = e.keyCase === "upper" ? k.toUpperCase() : e.keyCase === "lower" ? k.toLowerCase() : k;
        rewritten[o][key] = e.repeatValue ? [v, v] : e.valueAsList ? [v] : v;
      }
    }
    s.Condition = rewritten;
    const principal = s.Principal as Record<string, string>;
    if (e.principalAsList)
      for (const k of Object.keys(principal)) principal[k] = [principal[k]] as unknown as string;
    if (e.actionAsList) s.Action = [s.Action];
    const out: Record<string, unknown> = { ...doc, Statement: e.statementAsObject ? s : doc.Statement };
    if (e.asString === "object") return out;
    return JSON.stringify(out, null, e.asString === "indented" ? 7 : undefined);
  });

describe("policy pack: adversarial variants of safe documents (fast-check, checked against the evaluator)", function () {
  this.timeout(300000);

  for (const t of TEMPLATES) {
    describe(t.name, () => {
      it("the safe document passes, and every adversary request is refused by the evaluator", () => {
        assert.deepStrictEqual(messages(role(t.doc(), { account: t.account }), t.rule), []);
        const parsed = parsePolicyDocument(t.doc());
        for (const r of t.adversaries("zz-adversary")) {
          assert.strictEqual(documentDecision(parsed, r).allowed, false, r.description);
        }
      });

      it("a variant that lets an adversary in, by the evaluator, is reported by the rule", () => {
        let caught = 0;
        fc.assert(
          fc.property(
            fc.array(mutation, { minLength: 1, maxLength: 3 }),
            adversaryValue,
            (mutations, value) => {
              const doc = t.doc();
              for (const m of mutations) m(doc);
              const parsed = parsePolicyDocument(doc);
              const admitted = t.adversaries(value).find((r) => documentDecision(parsed, r).allowed);
              const found = messages(role(doc, { account: t.account }), t.rule);
              if (admitted !== undefined) {
                caught++;
                assert.ok(
                  found.length > 0,
                  `${JSON.stringify(doc.Statement[0].Condition)} lets in ${admitted.description} (${JSON.stringify(admitted.context)}) but ${t.rule} reports nothing`,
                );
              }
            },
          ),
          { numRuns: 300 },
        );
        assert.ok(caught > 0, "the generator produced no variant an adversary gets through");
      });

      it("equivalent encodings of the safe document pass", () => {
        fc.assert(
          fc.property(encoding, (encode) => {
            const encoded = encode(t.doc());
            assert.deepStrictEqual(
              messages(role(encoded, { account: t.account }), t.rule),
              [],
              String(encoded),
            );
          }),
          { numRuns: 150 },
        );
      });
    });
  }
});
