import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigValidationError, loadConfig } from "../../components/config";
import { configErrorOf, exampleConfig, exampleValue, REPO_ROOT } from "../harness";

type Account = { name: string; id: string; ou: string; environment?: string };

const accounts = () => exampleValue<Account[]>("management", "accounts");
const withAccount = (index: number, change: Partial<Account>) =>
  accounts().map((a, i) => (i === index ? { ...a, ...change } : a));

/** Loads config without running the program: the validation step alone. */
function issuesOf(overrides: Record<string, unknown>): { path: string; message: string }[] {
  try {
    loadConfig(exampleConfig("management", overrides));
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError, String(err));
    return err.issues.map(({ path, message }) => ({ path, message }));
  }
  return assert.fail("expected the config to be rejected");
}

describe("stack config validation", () => {
  it("accepts both example stacks", () => {
    const management = loadConfig(exampleConfig("management"));
    assert.strictEqual(management.config.deployment.kind, "management");
    assert.strictEqual(management.config.accounts.length, 9);
    assert.strictEqual(loadConfig(exampleConfig("security")).config.deployment.account, "security");
  });

  it("rejects an account ID that is not 12 digits, naming the key", () => {
    assert.deepStrictEqual(issuesOf({ accounts: withAccount(3, { id: "12345" }) }), [
      {
        path: "org-access:accounts[3].id",
        message:
          '"12345" is not a 12-digit account ID; write the account\'s 12 digits as a quoted string (quotes keep leading zeros)',
      },
    ]);
  });

  it("prints the error docs/architecture.md quotes, every problem at once", () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, "docs", "architecture.md"), "utf8");
    const quoted = /```\n(org-access: stack config is invalid[\s\S]*?)\n```/.exec(docs)?.[1];
    assert.ok(quoted, "docs/architecture.md quotes a validation error");
    let printed = "";
    try {
      loadConfig(
        exampleConfig("management", {
          accounts: withAccount(3, { id: "12345" }),
          scope: { accounts: ["prodd"] },
        }),
      );
    } catch (err) {
      assert.ok(err instanceof ConfigValidationError, String(err));
      printed = err.message;
    }
    assert.strictEqual(printed, quoted);
  });

  it("accepts an unquoted 12-digit ID that YAML read as a number", () => {
    const changed = accounts().map((a, i) => (i === 3 ? { ...a, id: 444444444444 } : a));
    const { config } = loadConfig(exampleConfig("management", { accounts: changed }));
    assert.strictEqual(config.accounts[3].id, "444444444444");
  });

  it("rejects duplicate account names and IDs", () => {
    const issues = issuesOf({
      accounts: [
        ...accounts(),
        { name: "prod", id: "123456789012", ou: "workloads" },
        { name: "extra", id: "666666666666", ou: "workloads" },
      ],
    });
    assert.deepStrictEqual(issues, [
      {
        path: "org-access:accounts[9].name",
        message:
          'duplicate account name "prod", already used by org-access:accounts[5]; each account name must be unique',
      },
      {
        path: "org-access:accounts[10].id",
        message:
          'duplicate account ID "666666666666", already used by org-access:accounts[5]; each account ID must be unique',
      },
    ]);
  });

  it("rejects an unknown OU on an account and unknown names in the scope", () => {
    const issues = issuesOf({
      accounts: withAccount(5, { ou: "workload" }),
      scope: { accounts: ["prodd"], organizationalUnits: ["workloadz"] },
    });
    assert.deepStrictEqual(
      issues.map((i) => i.path),
      [
        "org-access:accounts[5].ou",
        "org-access:scope.accounts[0]",
        "org-access:scope.organizationalUnits[0]",
      ],
    );
    assert.match(
      issues[0].message,
      /^unknown organizational unit "workload"; use a name from org-access:organizationalUnits \(infrastructure, sandbox, security, workloads\) or `root`$/,
    );
    assert.match(
      issues[1].message,
      /^unknown account "prodd"; use a name from org-access:accounts \(dev, infra-ops, /,
    );
  });

  it("rejects malformed organization, root and OU IDs", () => {
    const ous = exampleValue<{ name: string; id: string }[]>("management", "organizationalUnits");
    ous[1] = { ...ous[1], id: "ou-infra" };
    const issues = issuesOf({
      organization: { id: "o-123", managementAccountId: "111111111111", rootId: "root-1" },
      organizationalUnits: ous,
    });
    assert.deepStrictEqual(issues, [
      {
        path: "org-access:organization.id",
        message:
          '"o-123" is not an organization ID; it looks like o-abcd123456 (see the Organizations console, Settings)',
      },
      {
        path: "org-access:organization.rootId",
        message: '"root-1" is not an organization root ID; it looks like r-ab12',
      },
      {
        path: "org-access:organizationalUnits[1].id",
        message: '"ou-infra" is not an organizational unit ID; it looks like ou-ab12-cdefgh34',
      },
    ]);
  });

  it("rejects an inventory without the management account", () => {
    const issues = issuesOf({
      accounts: accounts().filter((a) => a.name !== "management"),
      deployment: { kind: "management", account: "security" },
    });
    assert.ok(
      issues.some(
        (i) =>
          i.path === "org-access:accounts" &&
          i.message ===
            "the management account 111111111111 (org-access:organization.managementAccountId) is not in the inventory; add it with `ou: root`",
      ),
      JSON.stringify(issues),
    );
  });

  it("rejects a session duration outside 15 minutes to 1 hour", () => {
    assert.deepStrictEqual(issuesOf({ providers: { sessionDurationSeconds: 600 } }), [
      {
        path: "org-access:providers.sessionDurationSeconds",
        message: "sessions last at least 15 minutes (900 seconds); set a value from 900 to 3600",
      },
    ]);
    assert.deepStrictEqual(issuesOf({ providers: { sessionDurationSeconds: 7200 } }), [
      {
        path: "org-access:providers.sessionDurationSeconds",
        message: "role chaining caps sessions at 1 hour (3600 seconds); set a value from 900 to 3600",
      },
    ]);
  });

  it("rejects role names longer than 64 characters or with invalid characters", () => {
    const long = "R".repeat(65);
    assert.deepStrictEqual(issuesOf({ providers: { roleName: long } }), [
      {
        path: "org-access:providers.roleName",
        message: `"${long}" is not a valid IAM role name; use 1 to 64 letters, digits and the characters + = , . @ _ -`,
      },
    ]);
    assert.strictEqual(
      issuesOf({ providers: { roleName: "Org Access/Role" } })[0].path,
      "org-access:providers.roleName",
    );
  });

  it("reports every problem at once, and unknown keys", () => {
    const issues = issuesOf({
      accounts: withAccount(2, { id: "3333" }),
      providers: { sessionDurationSeconds: 60, roleNmae: "x" },
      "org-access:acounts": "[]",
    });
    assert.deepStrictEqual(issues.map((i) => i.path).sort(), [
      "org-access:accounts[2].id",
      "org-access:acounts",
      "org-access:providers",
      "org-access:providers.sessionDurationSeconds",
    ]);
    assert.match(issues.find((i) => i.path === "org-access:providers")!.message, /unknown key "roleNmae"/);
  });

  it("rejects a missing required key with a message saying where to set it", () => {
    assert.deepStrictEqual(issuesOf({ organization: undefined }), [
      {
        path: "org-access:organization",
        message: "is required; set it in the stack file (see docs/config-reference.md)",
      },
    ]);
  });

  it("rejects a management stack that does not deploy from the management account", () => {
    const issues = issuesOf({ deployment: { kind: "management", account: "tooling" } });
    assert.deepStrictEqual(issues, [
      {
        path: "org-access:deployment.account",
        message:
          "a management stack deploys from the management account (111111111111); name that account here or set kind: security",
      },
    ]);
  });

  it("throws from the program before any resource is registered", async () => {
    const message = await configErrorOf("management", { accounts: withAccount(3, { id: "12" }) });
    assert.match(
      message,
      /^org-access: stack config is invalid \(1 problem\); nothing was deployed:\n {2}- org-access:accounts\[3\]\.id: "12" is not a 12-digit account ID/,
    );
  });
});

describe("config for the other stack", () => {
  it("refuses a management-only section in the security stack instead of ignoring it", async () => {
    const message = await configErrorOf("security", { vendors: [], sharedResources: [] });
    assert.match(
      message,
      /org-access:vendors: Vendor roles \(org-access:vendors\) is deployed by the management stack, and this is a security stack; move this key to Pulumi.management.yaml/,
    );
    assert.match(
      message,
      /org-access:sharedResources: Cross-account S3\/KMS access \(org-access:sharedResources\) is deployed by the management stack/,
    );
  });
});
