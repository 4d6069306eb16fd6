import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/policy-check";

const ROOT = path.resolve(__dirname, "..", "..");
const F = path.join("test", "policy-pack", "fixtures");
const fx = (name: string) => path.join(F, name);

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  } finally {
    process.chdir(cwd);
  }
}

describe("policy pack: npm run policy:check", () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, value: unknown) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
    return file;
  };

  it("exits 1 on a wildcard trust policy and prints one JSON object per finding", async () => {
    const r = await run(["--json", fx("open-trust.json")]);
    assert.strictEqual(r.code, 1);
    assert.deepStrictEqual(
      r.out
        .map((l) => JSON.parse(l) as Record<string, string>)
        .map((f) => [f.policy, f.enforcementLevel, f.resource]),
      [["trust-no-wildcard-principal", "mandatory", fx("open-trust.json")]],
    );
    assert.deepStrictEqual(Object.keys(JSON.parse(r.out[0]) as object), [
      "policy",
      "enforcementLevel",
      "resource",
      "message",
    ]);
  });

  it("exits 0 on the vendor trust with an ExternalId once org facts say the vendor is external", async () => {
    const r = await run(["--org", fx("org.json"), "--account", "444444444444", fx("vendor-trust.json")]);
    assert.strictEqual(r.code, 0);
    assert.deepStrictEqual(r.out, []);
    assert.deepStrictEqual(r.err, ["1 file(s) checked: 0 mandatory violation(s), 0 advisory finding(s)"]);
  });

  it("checks an array of resources with the stack rules (an admin attachment on a cross-account role)", async () => {
    const r = await run(["--json", "--org", fx("org.json"), fx("resources.json")]);
    assert.strictEqual(r.code, 1);
    const f = r.out.map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepStrictEqual(
      f.map((x) => [x.policy, x.resource]),
      [["no-admin-on-cross-account-role-attachment", `${fx("resources.json")}#deploy`]],
    );
  });

  it("checks YAML CloudFormation templates and honours --role-name for the sanctioned role", async () => {
    assert.strictEqual((await run(["--org", fx("org.json"), fx("member-org-access-role.yaml")])).code, 0);
    const root = write("mgmt-root.json", {
      Statement: [
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" },
      ],
    });
    const named = await run([
      "--org",
      fx("org.json"),
      "--account",
      "444444444444",
      "--role-name",
      "OrganizationAccountAccessRole",
      root,
    ]);
    assert.strictEqual(named.code, 0);
    const unnamed = await run(["--org", fx("org.json"), "--account", "444444444444", root]);
    assert.strictEqual(unnamed.code, 1);
    assert.match(
      unnamed.out[0],
      /^✗ mandatory trust-cross-account-requires-org-condition \(.*mgmt-root.json\): Statement\[0\] trusts/,
    );
  });

  it("applies a --policy-pack-config file: all, levels and properties", async () => {
    const svc = write("svc.json", {
      Statement: [
        { Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    const advisory = await run(["--json", svc]);
    assert.strictEqual(advisory.code, 0);
    assert.deepStrictEqual(
      advisory.out.map((l) => (JSON.parse(l) as Record<string, string>).enforcementLevel),
      ["advisory"],
    );
    const cfg = write("all.json", { all: "mandatory" });
    assert.strictEqual((await run(["--config", cfg, svc])).code, 1);
    const r = await run(["--json", "--config", fx("pack-config.json"), svc]);
    assert.deepStrictEqual(
      r.out.map((l) => (JSON.parse(l) as Record<string, string>).enforcementLevel),
      ["advisory"],
    );
  });

  it("exits 2 with the reason for unreadable input and bad usage", async () => {
    const cases: [string[], RegExp][] = [
      [[path.join(tmp, "missing.json")], /missing.json: cannot read \(ENOENT\)/],
      [[write("bad.json", "{ nope")], /bad.json: not valid JSON/],
      [[write("other.json", { hello: 1 })], /not an IAM policy document \(no Statement\)/],
      [
        ["--org", write("org-bad.json", { managementAccountId: "12345" }), fx("open-trust.json")],
        /managementAccountId must be a 12-digit account ID string/,
      ],
      [
        [
          "--config",
          write("cfg-bad.json", { "trust-policy-size": { maxTrustPolicyLength: "big" } }),
          fx("open-trust.json"),
        ],
        /trust-policy-size.maxTrustPolicyLength: expected integer, got string/,
      ],
      [["--account", "12", fx("open-trust.json")], /--account: "12" is not a 12-digit account ID/],
      [[], /give at least one file to check/],
    ];
    for (const [argv, reason] of cases) {
      const r = await run(argv);
      assert.strictEqual(r.code, 2, argv.join(" "));
      assert.match(r.err.join("\n"), reason);
    }
  });

  it("reads files that start with a UTF-8 byte-order mark (JSON documents and YAML templates)", async () => {
    const open = write(
      "bom-open.json",
      `\uFEFF${fs.readFileSync(path.join(ROOT, fx("open-trust.json")), "utf8")}`,
    );
    const r = await run(["--json", open]);
    assert.strictEqual(r.code, 1);
    assert.deepStrictEqual(
      r.out.map((l) => (JSON.parse(l) as Record<string, string>).policy),
      ["trust-no-wildcard-principal"],
    );
    const template = write(
      "bom-member.yaml",
      `\uFEFF${fs.readFileSync(path.join(ROOT, fx("member-org-access-role.yaml")), "utf8")}`,
    );
    assert.strictEqual((await run(["--org", fx("org.json"), template])).code, 0);
  });

  it("refuses documents it cannot judge, with the reason: no statements, a statement without principal or action", async () => {
    const cases: [unknown, RegExp][] = [
      [{ Version: "2012-10-17", Statement: [] }, /empty.json has no statements: there is nothing to check/],
      [
        { Statement: [{ Sid: "NoOne", Effect: "Allow", Action: "sts:AssumeRole" }] },
        /Statement "NoOne" has no Principal \(a trust or resource policy statement names who it applies to\)/,
      ],
      [
        { Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::444444444444:root" } }] },
        /Statement\[0\] has no Action/,
      ],
      [
        { type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: { Statement: [] } } },
        /policy has no statements/,
      ],
      [
        {
          type: "aws:sqs/queuePolicy:QueuePolicy",
          props: {
            queueUrl: "q",
            policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] }),
          },
        },
        /policy: Statement\[0\] has no Principal/,
      ],
      [
        { AWSTemplateFormatVersion: "2010-09-09", Resources: {} },
        /the CloudFormation template has no Resources/,
      ],
      [
        {
          Resources: {
            R: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
          },
        },
        /Template role "R" assumeRolePolicy has no statements/,
      ],
    ];
    for (const [i, [doc, reason]] of cases.entries()) {
      const r = await run([write(i === 0 ? "empty.json" : `bad-${i}.json`, doc)]);
      assert.strictEqual(r.code, 2, JSON.stringify(doc));
      assert.match(r.err.join("\n"), reason);
      assert.deepStrictEqual(r.out, []);
    }
    // An identity policy needs no principal.
    const identity = write("identity.json", {
      type: "aws:iam/rolePolicy:RolePolicy",
      props: {
        role: "r",
        policy: { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] },
      },
    });
    assert.strictEqual((await run([identity])).code, 0);
  });

  it("refuses unknown keys in --config (the Pulumi CLI would ignore them), naming each", async () => {
    const r = await run([
      "--config",
      write("typo.json", {
        all: "mandatory",
        "trust-polcy-size": { maxTrustPolicyLength: 4096 },
        "trust-policy-size": { maxTrustPolicyLenght: 4096 },
      }),
      fx("open-trust.json"),
    ]);
    assert.strictEqual(r.code, 2);
    assert.deepStrictEqual(r.out, []);
    assert.deepStrictEqual(r.err, [
      "policy:check: " +
        path.join(tmp, "typo.json") +
        ': unknown policy "trust-polcy-size" (did you mean "trust-policy-size"?); trust-policy-size.maxTrustPolicyLenght: unknown property (trust-policy-size reads maxTrustPolicyLength, cloudFormationImports, and enforcementLevel)',
    ]);
  });

  it("gives each good file its verdict and each bad one its reason when they are mixed; exit 2", async () => {
    const missing = path.join(tmp, "missing.json");
    const r = await run([
      "--org",
      fx("org.json"),
      "--account",
      "444444444444",
      fx("open-trust.json"),
      missing,
      fx("vendor-trust.json"),
    ]);
    assert.strictEqual(r.code, 2);
    assert.deepStrictEqual(
      r.out.map((l) => l.split(":")[0]),
      [`✗ mandatory trust-no-wildcard-principal (${fx("open-trust.json")})`],
    );
    assert.deepStrictEqual(r.err, [
      `policy:check: ${missing}: cannot read (ENOENT)`,
      `${fx("open-trust.json")}: fails (1 mandatory violation(s), 0 advisory finding(s))`,
      `${missing}: not checked (exit 2)`,
      `${fx("vendor-trust.json")}: passes (0 mandatory violation(s), 0 advisory finding(s))`,
      "3 file(s) checked: 1 mandatory violation(s), 0 advisory finding(s), 1 file(s) could not be checked",
    ]);
  });

  it("emits a policy pack config with the org facts in every policy that reads them", async () => {
    const r = await run(["--org", fx("org.json"), "--config", fx("pack-config.json"), "--emit-pack-config"]);
    assert.strictEqual(r.code, 0);
    const emitted = JSON.parse(r.out.join("\n")) as Record<string, unknown>;
    assert.strictEqual(emitted.all, "mandatory");
    assert.deepStrictEqual(
      emitted["trust-external-requires-external-id"],
      JSON.parse(fs.readFileSync(fx("org.json"), "utf8")),
    );
    assert.deepStrictEqual(emitted["trust-policy-size"], { maxTrustPolicyLength: 4096 });
    assert.deepStrictEqual(emitted["trust-service-confused-deputy"], "advisory");
    assert.deepStrictEqual(
      emitted["org-access-role-protected"],
      JSON.parse(fs.readFileSync(fx("org.json"), "utf8")),
    );
    // The emitted file gives the pack what --org gives the CLI.
    const file = write("emitted.json", emitted);
    const root = write("root.json", {
      Statement: [
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" },
      ],
    });
    const viaFile = await run(["--json", "--config", file, "--account", "444444444444", root]);
    const viaOrg = await run([
      "--json",
      "--org",
      fx("org.json"),
      "--config",
      fx("pack-config.json"),
      "--account",
      "444444444444",
      root,
    ]);
    assert.deepStrictEqual(viaFile.out, viaOrg.out);
    assert.match(viaFile.out[0], /trust-external-requires-external-id/);
  });

  it("runs as a real process through npm run policy:check", function () {
    this.timeout(180000);
    const r = spawnSync("npm", ["run", "--silent", "policy:check", "--", "--json", fx("open-trust.json")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 1, r.stderr);
    assert.strictEqual(
      (JSON.parse(r.stdout.trim()) as Record<string, string>).policy,
      "trust-no-wildcard-principal",
    );
  });
});
