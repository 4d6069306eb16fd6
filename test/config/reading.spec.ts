import * as assert from "assert";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { parseStackFile } from "../../components/config/stack-file";
import { exampleConfig, exampleValue, SECRET_PLACEHOLDER } from "../harness";

/**
 * How config is read and what a user sees for a wrong one: stack files of the wrong shape in one
 * line, lists written as maps, misspelt nested keys, regions, secrets value by value, and the
 * defaults that depend on other keys (boundaries on workload OUs).
 */

type Json = Record<string, unknown>;

/** Every problem of the management example with overrides, as `path: message (found: value)` lines. */
function problems(overrides: Json): string[] {
  try {
    loadConfig(exampleConfig("management", overrides));
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ""));
  }
  return assert.fail("expected the config to be rejected");
}

/** The one-line refusal of a stack file's bytes. */
function fileRefusal(content: string | Uint8Array): string {
  try {
    parseStackFile(content);
  } catch (err) {
    assert.strictEqual((err as Error).name, "StackFileError");
    return (err as Error).message;
  }
  return assert.fail("expected the stack file to be refused");
}

describe("stack files of the wrong shape", () => {
  it("says in one line what is wrong with the whole file, instead of a cascade of required keys", () => {
    assert.strictEqual(
      fileRefusal("org-access:accounts: []\norg-access:organization: {}\n"),
      "the org-access: keys are at the top level; put them under a top-level `config:` key, indented by two spaces",
    );
    assert.strictEqual(
      fileRefusal("project: org-access\n"),
      "the file has no top-level `config:` key; a stack file holds its org-access: keys under `config:`",
    );
    assert.strictEqual(
      fileRefusal(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe])),
      "the file is not text (it holds binary data); pass a Pulumi.<stack>.yaml stack file",
    );
    assert.strictEqual(
      fileRefusal("config:\n  org-access:x: 1\n\u0000\n"),
      "the file is not text (it holds binary data); pass a Pulumi.<stack>.yaml stack file",
    );
    assert.strictEqual(
      fileRefusal("# nothing yet\n\n"),
      "the file is empty; a stack file is YAML with the org-access: keys under a top-level `config:` (see examples/full/Pulumi.management.yaml)",
    );
    assert.strictEqual(
      fileRefusal("config: [org-access:accounts]\n"),
      "`config:` is not a map of keys; write each key on its own line under it, e.g. `  org-access:accounts:`",
    );
    assert.strictEqual(
      fileRefusal("config:\n  aws:region: us-east-1\n"),
      "`config:` has no org-access: key; this program reads org-access:deployment, org-access:organization, org-access:accounts and more (see examples/full/Pulumi.management.yaml)",
    );
  });

  it("reads which values were secure:, at any depth, and a key without namespace as the project's", () => {
    const file = parseStackFile(
      [
        "config:",
        "  aws:region: us-east-1",
        "  deployment: { kind: management }",
        "  org-access:vendors:",
        "    - name: a",
        "      externalId: plain-text-id",
        "    - name: b",
        "      externalId:",
        "        secure: v1:abc",
      ].join("\n"),
      { secureValue: "[secure]" },
    );
    assert.deepStrictEqual(file, {
      values: {
        "aws:region": "us-east-1",
        "org-access:deployment": '{"kind":"management"}',
        "org-access:vendors":
          '[{"name":"a","externalId":"plain-text-id"},{"name":"b","externalId":"[secure]"}]',
      },
      secretKeys: ["org-access:vendors"],
      encryptedPaths: ["vendors[1].externalId"],
    });
  });
});

describe("config messages", () => {
  it("says a list written as a map is one, once, without follow-on errors at every key that uses it", () => {
    const accounts = exampleValue<Json[]>("management", "accounts");
    const asMap = Object.fromEntries(accounts.map(({ name, ...rest }) => [String(name), rest]));
    assert.deepStrictEqual(problems({ accounts: asMap }), [
      'org-access:accounts: expected a list, got a map of keys; write one "- " item per entry (e.g. "- name: …"), not "key: value" pairs',
    ]);
  });

  it("suggests the closest key for a misspelt nested key", () => {
    const audit = exampleValue<Json>("management", "audit");
    assert.deepStrictEqual(
      problems({ audit: { ...audit, rollout: { ...(audit.rollout as Json), mdoe: "providers" } } }),
      ['org-access:audit.rollout: unknown key "mdoe"; did you mean "mode"?'],
    );
  });

  it("checks regions against @pulumi/aws's list of AWS regions, suggesting the closest", () => {
    const providers = exampleValue<Json>("management", "providers") ?? {};
    assert.deepStrictEqual(problems({ providers: { ...providers, region: "eu-west-9" } }), [
      'org-access:providers.region: "eu-west-9" is not an AWS region; did you mean eu-west-1? use a region code such as us-east-1 or eu-west-1 (the regions @pulumi/aws knows)',
    ]);
    const guardrails = exampleValue<Json>("management", "guardrails");
    const scps = guardrails.scps as Json[];
    const withRegions = scps.map((scp) =>
      scp.allowedRegions === undefined ? scp : { ...scp, allowedRegions: ["us-east-1", "mars-north-1"] },
    );
    const at = scps.findIndex((scp) => scp.allowedRegions !== undefined);
    assert.ok(at >= 0, "the example has an SCP with allowedRegions");
    assert.deepStrictEqual(problems({ guardrails: { ...guardrails, scps: withRegions } }), [
      `org-access:guardrails.scps[${at}].allowedRegions[1]: "mars-north-1" is not an AWS region; did you mean eu-north-1? use a region code such as us-east-1 or eu-west-1 (the regions @pulumi/aws knows)`,
    ]);
  });
});

describe("secrets value by value", () => {
  it("refuses a plain ExternalId next to another vendor's encrypted one, and never shows it", () => {
    const [observability, scanner] = exampleValue<Json[]>("management", "vendors");
    assert.strictEqual(scanner.externalId, SECRET_PLACEHOLDER, "the example's ExternalIds are secure:");
    const lines = problems({ vendors: [{ ...observability, externalId: "tenant-4711-abcdef" }, scanner] });
    assert.deepStrictEqual(lines, [
      "org-access:vendors[0].externalId: is stored in plain text; the ExternalId is a shared secret with the vendor, store it encrypted: pulumi config set --secret --path 'vendors[0].externalId' <value>",
    ]);
    assert.ok(!lines.join("\n").includes("tenant-4711"));
  });

  it("never quotes a secret field's value in a message, even when the key holds no secret", () => {
    const [observability, scanner] = exampleValue<Json[]>("management", "vendors");
    const config = exampleConfig("management", {
      vendors: [{ ...observability, externalId: "bad id with spaces" }, scanner],
    });
    try {
      loadConfig({ ...config, secretKeys: [], encryptedPaths: [] });
      assert.fail("expected the config to be rejected");
    } catch (err) {
      assert.ok(err instanceof ConfigValidationError, String(err));
      assert.ok(!err.message.includes("bad id"), err.message);
      assert.deepStrictEqual(
        err.issues.map((i) => i.path),
        [
          "org-access:vendors[0].externalId",
          "org-access:vendors[0].externalId",
          "org-access:vendors[1].externalId",
        ],
      );
    }
  });
});

describe("defaults that depend on other keys", () => {
  it("gives the workload OUs the permissions boundary without a guardrails block, as docs/guardrails.md says", () => {
    const guardrails = exampleValue<Json>("management", "guardrails");
    const { permissionsBoundary: _dropped, ...rest } = guardrails;
    const { config } = loadConfig(exampleConfig("management", { guardrails: rest }));
    assert.deepStrictEqual(config.guardrails?.permissionsBoundary, {
      enabled: true,
      policyName: "org-access-boundary",
      accounts: [],
      exemptRoles: [],
      rollout: config.guardrails?.permissionsBoundary?.rollout,
    });
    assert.strictEqual(config.guardrails?.permissionsBoundary?.rollout.mode, "providers");
    // Without any guardrails key at all, too; and `enabled: false` turns it off.
    const bare = loadConfig(exampleConfig("management", { guardrails: undefined })).config;
    assert.strictEqual(bare.guardrails?.permissionsBoundary?.enabled, true);
    const off = loadConfig(
      exampleConfig("management", { guardrails: { ...rest, permissionsBoundary: { enabled: false } } }),
    ).config;
    assert.strictEqual(off.guardrails?.permissionsBoundary?.enabled, false);
  });
});
