import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../../tools/plan";
import { secretRedactor } from "../../tools/plan/redact";
import { plan } from "../../tools/plan/run";
import { exampleStackFile } from "../harness";

/**
 * The offline plan and config secrets: a value it cannot decrypt is listed as unchecked, a secret
 * field's value never reaches a report or a message (plain or encrypted), and a config file named
 * anything plans as the stack its own `deployment.kind` says.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-plan-secrets-"));

/** The management example's stack file, with `edit` applied to its config, written as `name`. */
function stackFile(name: string, edit: (config: Record<string, unknown>) => void = () => undefined): string {
  const doc = YAML.parseDocument(fs.readFileSync(exampleStackFile("full", "management"), "utf8"));
  const config = doc.get("config") as YAML.YAMLMap;
  const plain = config.toJSON() as Record<string, unknown>;
  edit(plain);
  for (const [key, value] of Object.entries(plain)) config.set(key, value);
  const file = path.join(fs.mkdtempSync(path.join(tmp, "file-")), name);
  fs.writeFileSync(file, doc.toString());
  return file;
}

describe("offline plan and config secrets", function () {
  this.timeout(300000);

  it("plans a config file of any name as the stack its deployment.kind says, listing the encrypted values it could not check", async () => {
    const out = path.join(tmp, "unchecked");
    const outcome = await plan({ configFile: stackFile("our-org.yaml"), outDir: out });
    assert.deepStrictEqual(outcome.problems, []);
    assert.strictEqual(outcome.exitCode, 0);
    assert.strictEqual(outcome.report?.stack, "management");
    assert.deepStrictEqual(
      outcome.files.map((f) => path.basename(f)),
      ["plan-management.md", "plan-management.json", "plan-management.comment.md"],
    );
    assert.deepStrictEqual(outcome.report?.uncheckedSecrets, [
      "org-access:vendors[0].externalId",
      "org-access:vendors[1].externalId",
    ]);
    for (const name of ["plan-management.md", "plan-management.comment.md"]) {
      const markdown = fs.readFileSync(path.join(out, name), "utf8");
      assert.ok(
        markdown.includes(
          "| Encrypted config | 2 values not checked: the offline plan cannot decrypt `org-access:vendors[0].externalId`, `org-access:vendors[1].externalId`; `pulumi preview` checks them |",
        ),
        name,
      );
    }
    // The encrypted values themselves are in no report, not even as their ciphertext.
    for (const file of outcome.files) {
      const text = fs.readFileSync(file, "utf8");
      assert.ok(!text.includes("v1:Yq3hK8vN0pTz2RbW"), `${file} holds a secure: value`);
    }
  });

  it("refuses a plain ExternalId next to an encrypted one, without writing it anywhere", async () => {
    const file = stackFile("Pulumi.management.yaml", (config) => {
      const vendors = config["org-access:vendors"] as Record<string, unknown>[];
      vendors[0].externalId = "tenant-4711-plain-id";
    });
    const lines: string[] = [];
    const out = path.join(tmp, "plain");
    const code = await main(["--config-file", file, "--out", out], {
      out: (t) => lines.push(t),
      err: (t) => lines.push(t),
    });
    assert.strictEqual(code, 2);
    const text = lines.join("\n");
    assert.ok(
      text.includes(
        "org-access:vendors[0].externalId: is stored in plain text; the ExternalId is a shared secret with the vendor, store it encrypted: pulumi config set --secret --path 'vendors[0].externalId' <value>",
      ),
      text,
    );
    assert.ok(!text.includes("tenant-4711"), "the plain ExternalId was printed");
    assert.ok(!fs.existsSync(out), "no report for an invalid config");
  });

  it("redacts every vendor ExternalId from what a report holds, even one the config does not mark secret", () => {
    const redact = secretRedactor({
      values: {
        "org-access:vendors": JSON.stringify([
          { name: "a", externalId: "tenant-4711-plain-id" },
          { name: "b", externalId: "ab" },
        ]),
      },
      secretKeys: [],
    });
    assert.deepStrictEqual(
      redact({
        Condition: { StringEquals: { "sts:ExternalId": "tenant-4711-plain-id" } },
        other: ["ab", "keep this"],
      }),
      { Condition: { StringEquals: { "sts:ExternalId": "[secret]" } }, other: ["[secret]", "keep this"] },
    );
  });
});
