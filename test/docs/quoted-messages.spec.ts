import * as assert from "assert";
import { exampleConfig, exampleValue, runProgram } from "../harness";
import { allDocs } from "./pages";

/**
 * Config messages the docs quote inline (`org-access:<key>: <message>`) are the program's own: each is
 * produced here from the example stack with the change the docs describe, and every such quote in the
 * docs must have a case below, so a reworded message cannot leave a stale quote behind. (Whole printed
 * errors and tool outputs the docs quote in blocks have their own checks: test/foundation/config.spec.ts,
 * test/plan/plan.spec.ts, test/trail/trail.spec.ts.)
 */

type Obj = Record<string, unknown>;
const value = (key: string) => exampleValue<Obj>("management", key);

function managementAccountName(): string {
  const org = value("organization") as { managementAccountId: string };
  const accounts = exampleValue<{ name: string; id: string }[]>("management", "accounts");
  const found = accounts.find((a) => a.id === org.managementAccountId);
  assert.ok(found !== undefined, "the example names its management account");
  return found.name;
}

interface QuotedMessage {
  /** The quote as the docs write it; `…` stands for the rest of the message. */
  readonly quote: string;
  /** The change to the example's management stack that makes the program print it. */
  readonly overrides: () => Obj;
  /** `pulumi up` rather than `pulumi preview`. */
  readonly up?: boolean;
}

const CASES: readonly QuotedMessage[] = [
  {
    quote: 'org-access:audit.rollout: unknown key "mdoe"; did you mean "mode"?',
    overrides: () => {
      const audit = value("audit") as Obj & { rollout: Obj };
      return { audit: { ...audit, rollout: { ...audit.rollout, mdoe: "stackset" } } };
    },
  },
  {
    quote:
      "org-access:pipeline.toolingAccount: the pipeline's identities must live outside the management account, …",
    overrides: () => ({ pipeline: { ...value("pipeline"), toolingAccount: managementAccountName() } }),
  },
  {
    quote: "org-access:pipeline.repository: expected ORG/REPO …, without wildcards",
    overrides: () => ({ pipeline: { ...value("pipeline"), repository: "example-org/*" } }),
  },
  {
    quote: "org-access:cicd.github.oidcProvider: …",
    overrides: () => {
      const cicd = value("cicd") as Obj & { github: Obj };
      return { cicd: { ...cicd, github: { ...cicd.github, oidcProvider: "create" } } };
    },
  },
  {
    quote:
      'org-access:providers.access: "preview" is for pulumi preview only; deploy with the default "deploy" (pulumi config rm --path org-access:providers.access)',
    overrides: () => ({ providers: { ...value("providers"), access: "preview" } }),
    up: true,
  },
];

const normalise = (text: string) => text.replace(/\s+/g, " ").trim();

/** A quote as a pattern over the printed message: `…` matches anything, whitespace any whitespace. */
function pattern(quote: string): RegExp {
  const parts = normalise(quote)
    .split("…")
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(parts.join("[\\s\\S]*?"));
}

/** Inline code spans of the docs that quote a config message: a key, a colon, then words (or `…`). */
function quotedMessages(): string[] {
  const spans = allDocs().match(/`org-access:[\w.[\]]+: [^`]+`/g) ?? [];
  return [
    ...new Set(
      spans.map((s) => normalise(s.slice(1, -1))).filter((s) => s.includes("…") || s.split(" ").length > 3),
    ),
  ];
}

describe("config messages the docs quote", () => {
  it("each has a case here (a quote without one is unchecked)", () => {
    const known = new Set(CASES.map((c) => normalise(c.quote)));
    assert.deepStrictEqual(
      quotedMessages().filter((q) => !known.has(q)),
      [],
    );
    for (const c of CASES)
      assert.ok(quotedMessages().includes(normalise(c.quote)), `the docs no longer quote ${c.quote}`);
  });

  for (const c of CASES) {
    it(`is printed: ${c.quote}`, async () => {
      let printed = "";
      try {
        await runProgram({
          stack: "management",
          config: exampleConfig("management", c.overrides()),
          preview: c.up !== true,
        });
      } catch (err) {
        assert.strictEqual((err as Error).name, "ConfigValidationError", String(err));
        printed = (err as Error).message;
      }
      assert.ok(printed !== "", "the program accepted the config");
      const lines = printed.split("\n").map((l) => normalise(l.replace(/^\s*-\s*/, "")));
      assert.ok(
        lines.some((l) => pattern(c.quote).test(l) && l.startsWith(normalise(c.quote).split("…")[0].trim())),
        `no printed line matches the quote:\n${printed}`,
      );
    });
  }
});
