import * as assert from "assert";
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { allPolicies } from "../../policy-pack/rules";
import {
  descriptionCoverage,
  keyRows,
  renderConfigReference,
  typeOf,
  undescribedKeys,
} from "../../tools/docs/config-reference";
import { z } from "zod";
import {
  configValueSchema,
  JsonSchema,
  STACK_SCHEMA_PATH,
  stackFileSchema,
} from "../../tools/docs/config-schema";
import {
  CONFIG_REFERENCE_PATH,
  exampleStacks,
  GeneratedFile,
  generatedFiles,
  POLICY_RULES_PATH,
  REPO_ROOT,
  staleFiles,
} from "../../tools/docs/generate";
import * as os from "os";
import { SCALING_PATH } from "../../tools/docs/scaling";
import { prose } from "../../tools/docs/markdown";
import { readStackFile } from "../harness";

/** Every stack file of the repository: the examples, and any stack of the project's own at the root. */
function stackFiles(): string[] {
  const root = fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\.[\w.-]+\.ya?ml$/.test(f));
  return [...root, ...exampleStacks().map((e) => e.file)];
}

function parseYaml(file: string): unknown {
  return YAML.parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
}

describe("generated docs", () => {
  let files: GeneratedFile[];
  before(async () => {
    files = await generatedFiles();
  });

  for (const file of [STACK_SCHEMA_PATH, CONFIG_REFERENCE_PATH, POLICY_RULES_PATH, SCALING_PATH]) {
    it(`${file} is what \`npm run docs\` writes from the code now`, () => {
      const expected = files.find((f) => f.path === file);
      assert.ok(expected !== undefined, `${file} is not generated`);
      const target = path.join(REPO_ROOT, file);
      const committed = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
      assert.ok(
        committed === expected.content,
        `${file} is stale: the code it is generated from changed. Run \`npm run docs\` and commit the result.`,
      );
    });
  }
});

describe("config descriptions", () => {
  it("gives every documented config key the schema's own description", () => {
    assert.deepStrictEqual(undescribedKeys(configValueSchema()), []);
  });

  it("puts a key's description on its JSON Schema property, where editors show it", () => {
    const config = (stackFileSchema().properties as Record<string, JsonSchema>).config;
    const providers = (config.properties as Record<string, JsonSchema>)["org-access:providers"];
    assert.strictEqual(providers.description, "How the stack reaches the accounts it manages.");
  });

  it("names every key the schema leaves undescribed, by its full path", () => {
    const schema = z.object({
      widget: z
        .object({
          size: z.number().default(3).meta({ description: "How big." }),
          colour: z.string().optional(),
          parts: z.array(z.object({ name: z.string() }).strict()).optional(),
        })
        .describe("A widget."),
      gadget: z.boolean().optional(),
    });
    const json = z.toJSONSchema(schema, { io: "input", target: "draft-7" }) as JsonSchema;
    assert.deepStrictEqual(undescribedKeys(json), [
      "org-access:widget.colour",
      "org-access:widget.parts",
      "org-access:widget.parts[].name",
      "org-access:gadget",
    ]);
  });
});

describe("npm run docs -- --check", () => {
  it("names every generated file that is missing or differs from what the code gives now", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-docs-"));
    try {
      fs.mkdirSync(path.join(root, "docs"));
      fs.writeFileSync(path.join(root, POLICY_RULES_PATH), "# hand-edited\n");
      assert.deepStrictEqual(await staleFiles(root), [
        STACK_SCHEMA_PATH,
        CONFIG_REFERENCE_PATH,
        POLICY_RULES_PATH,
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("stack file JSON Schema", () => {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(stackFileSchema());
  const errors = () => (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
  const base = () =>
    parseYaml("examples/minimal/Pulumi.minimal.yaml") as { config: Record<string, unknown> } & Record<
      string,
      unknown
    >;

  for (const file of stackFiles()) {
    it(`accepts ${file}`, () => {
      assert.ok(validate(parseYaml(file)), `${file}: ${errors().join("; ")}`);
    });
  }

  it("accepts a secret as a whole key's value, or as any single value inside one", () => {
    const doc = base();
    doc.config["org-access:organization"] = { secure: "v1:abc" };
    (doc.config["org-access:accounts"] as Record<string, unknown>[])[1].id = { secure: "v1:def" };
    doc.config["org-access:identityCenter"] = {
      instanceArn: "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6",
      identityStoreId: "d-9067a1b2c3",
      groups: {},
      permissionSets: [{ name: "ReadOnly", sessionDuration: { secure: "v1:ghi" } }],
    };
    doc.encryptionsalt = "v1:salt";
    assert.ok(validate(doc), errors().join("; "));
  });

  it("passes keys of other namespaces unchecked", () => {
    const doc = base();
    doc.config["aws:region"] = "eu-west-1";
    doc.config["pulumi:tags"] = { team: "platform" };
    assert.ok(validate(doc), errors().join("; "));
  });

  it("rejects an org-access key the program does not read, a misspelt nested key and a value of the wrong shape", () => {
    const doc = base();
    doc.config["org-access:acounts"] = [];
    (doc.config["org-access:deployment"] as Record<string, unknown>).kind = "payer";
    (doc.config["org-access:organization"] as Record<string, unknown>).rootid = "r-ex01";
    (doc.config["org-access:accounts"] as Record<string, unknown>[])[1].id = "12345";
    assert.strictEqual(validate(doc), false);
    const found = errors();
    for (const expected of [
      ".config property name 'org-access:acounts' is invalid",
      ".config['org-access:deployment'].kind should be equal to one of the allowed values",
      ".config['org-access:organization'] should NOT have additional properties",
      ".config['org-access:accounts'][1].id should match pattern",
    ]) {
      assert.ok(
        found.some((e) => e.startsWith(expected)),
        `no error at ${expected}: ${found.join("; ")}`,
      );
    }
  });

  it("requires what the program requires", () => {
    const doc = base();
    delete doc.config["org-access:deployment"];
    assert.strictEqual(validate(doc), false);
    assert.ok(
      errors().some((e) => e.includes("'org-access:deployment'")),
      errors().join("; "),
    );
  });

  it("takes bounds and defaults from the config schema", () => {
    const providers = (configValueSchema().properties as Record<string, JsonSchema>).providers;
    const session = (providers.properties as Record<string, JsonSchema>).sessionDurationSeconds;
    assert.deepStrictEqual(session, {
      default: 900,
      description: "Provider session length in seconds (900 to 3600; role chaining caps it at one hour).",
      type: "integer",
      minimum: 900,
      maximum: 3600,
    });
  });
});

describe("stack files", () => {
  for (const { file } of exampleStacks()) {
    it(`${file} is valid config for the program`, () => {
      try {
        loadConfig(readStackFile(path.join(REPO_ROOT, file)));
      } catch (err) {
        if (err instanceof ConfigValidationError) assert.fail(`${file}: ${err.message}`);
        throw err;
      }
    });
  }

  it("start with the modeline that points editors at the stack file's JSON Schema", () => {
    for (const file of stackFiles()) {
      const first = fs.readFileSync(path.join(REPO_ROOT, file), "utf8").split("\n")[0];
      const schema = path.relative(
        path.dirname(path.join(REPO_ROOT, file)),
        path.join(REPO_ROOT, STACK_SCHEMA_PATH),
      );
      const relative = schema.startsWith(".") ? schema : `./${schema}`;
      assert.strictEqual(first, `# yaml-language-server: $schema=${relative}`, file);
    }
  });
});

describe("config reference", () => {
  const values = configValueSchema();

  it("has a row for every key below a top-level key, with its type and default", () => {
    const providers = (values.properties as Record<string, JsonSchema>).providers;
    assert.deepStrictEqual(
      keyRows("providers", providers, false).map((r) => [r.path, r.type, r.default]),
      [
        ["org-access:providers", "map", {}],
        [
          "org-access:providers.roleName",
          "text matching `^[\\w+=,.@-]{1,64}$`",
          "OrganizationAccountAccessRole",
        ],
        ["org-access:providers.sessionDurationSeconds", "whole number, 900 to 3600", 900],
        ["org-access:providers.sessionName", "text matching `^[\\w+=,.@-]{2,64}$`", undefined],
        // Checked against @pulumi/aws's Region list, which a pattern cannot state.
        ["org-access:providers.region", "text", "us-east-1"],
        ["org-access:providers.access", "one of `deploy`, `preview`", "deploy"],
      ],
    );
  });

  it("documents list items by their keys and a repeated shape once", () => {
    const properties = values.properties as Record<string, JsonSchema>;
    const seen = new Map<string, string>();
    const accounts = keyRows("accounts", properties.accounts, true, seen);
    assert.deepStrictEqual(
      accounts.map((r) => r.path),
      [
        "org-access:accounts",
        "org-access:accounts[].name",
        "org-access:accounts[].id",
        "org-access:accounts[].ou",
        "org-access:accounts[].environment",
        "org-access:accounts[].tags",
      ],
    );
    assert.strictEqual(accounts[0].type, "list of maps, at least 1 item");
    // The IAM statement shape appears in several sections: described once, referred to after.
    const audit = keyRows("audit", properties.audit, false, seen);
    const delegation = keyRows("delegation", properties.delegation, false, seen);
    const statement = audit.find((r) => r.path === "org-access:audit.inlinePolicy[].Action");
    assert.strictEqual(statement?.type, "text or list of text, at least 1 item");
    const again = delegation.find((r) => r.path === "org-access:delegation[].inlinePolicy[]");
    assert.strictEqual(again?.sameAs, "org-access:audit.inlinePolicy[]");
    assert.ok(!delegation.some((r) => r.path.startsWith("org-access:delegation[].inlinePolicy[].")));
  });

  it("uses the zod schema's own descriptions, defaults and examples", () => {
    const schema = z.object({
      widget: z
        .object({
          size: z
            .number()
            .int()
            .min(1)
            .default(3)
            .meta({ description: "How big.", examples: [5] }),
        })
        .describe("A widget."),
    });
    const json = z.toJSONSchema(schema, { io: "input", target: "draft-7" }) as JsonSchema;
    const page = renderConfigReference(json, []);
    assert.ok(page.includes("## org-access:widget\n\nA widget.\n"), page);
    assert.ok(
      page.includes("| `org-access:widget.size` | whole number, at least 1 | `3` | How big. Example: `5`. |"),
      page,
    );
    assert.deepStrictEqual(descriptionCoverage(json), [{ key: "widget", described: 2, total: 2 }]);
  });

  it("quotes the example stack files that set a key, a value several share once", () => {
    const page = renderConfigReference(values, [
      { file: "examples/x/Pulumi.a.yaml", config: { "org-access:scope": { accounts: ["tooling"] } } },
      { file: "examples/x/Pulumi.b.yaml", config: { "org-access:scope": { organizationalUnits: ["w"] } } },
      { file: "examples/x/Pulumi.c.yaml", config: { "org-access:scope": { accounts: ["tooling"] } } },
    ]);
    const scope = page.slice(
      page.indexOf("## org-access:scope"),
      page.indexOf("## org-access:organizationAccess"),
    );
    const quotes = scope.slice(scope.indexOf("\nIn "));
    assert.strictEqual(
      quotes,
      [
        "",
        "In [`examples/x/Pulumi.a.yaml`](../examples/x/Pulumi.a.yaml) and [`examples/x/Pulumi.c.yaml`](../examples/x/Pulumi.c.yaml):",
        "",
        "```yaml",
        "org-access:scope:",
        "  accounts:",
        "    - tooling",
        "```",
        "",
        "In [`examples/x/Pulumi.b.yaml`](../examples/x/Pulumi.b.yaml):",
        "",
        "```yaml",
        "org-access:scope:",
        "  organizationalUnits:",
        "    - w",
        "```",
        "",
        "",
      ].join("\n"),
    );
  });

  it("says what a key accepts in words", () => {
    assert.strictEqual(
      typeOf({ type: "array", items: { type: "string" }, maxItems: 5 }),
      "list of text, at most 5 items",
    );
    assert.strictEqual(
      typeOf({ type: "object", additionalProperties: { type: "string" } }),
      "map of name to text",
    );
    assert.strictEqual(typeOf({ type: ["string", "number"] }), "text or number");
    assert.strictEqual(typeOf({}), "any value");
  });
});

describe("policy pack rule table", () => {
  it("shows a description's stars, underscores and angle brackets literally, code spans untouched", () => {
    assert.strictEqual(
      prose('never trusts "*" or a * on * statement; `deployment-role-<env>` is not <env>_role'),
      'never trusts "\\*" or a \\* on \\* statement; `deployment-role-<env>` is not \\<env>\\_role',
    );
  });

  it("lists every rule of the pack once, with its level, in the pack's order", () => {
    const page = fs.readFileSync(path.join(REPO_ROOT, POLICY_RULES_PATH), "utf8");
    const listed = [
      ...page.matchAll(/^\| `([a-z0-9-]+)` +\| (mandatory|advisory|disabled|remediate) /gm),
    ].map((m) => [m[1], m[2]]);
    assert.deepStrictEqual(
      listed,
      allPolicies.map((p) => [p.name, p.enforcementLevel]),
    );
  });
});
