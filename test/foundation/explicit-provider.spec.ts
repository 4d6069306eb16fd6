import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { requireExplicitProvider } from "../../components/explicit-provider";

const COMPONENTS = path.join(__dirname, "..", "..", "components");

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(path.join(dir, e.name))
        : e.name.endsWith(".ts")
          ? [path.join(dir, e.name)]
          : [],
    );
}

/**
 * Default providers are disabled for this program (every stack file sets `pulumi:disable-default-providers`), so
 * a component without an explicit provider fails inside the engine, far from the mistake. One guard,
 * written once, names the component and the account whose provider it needs.
 */
describe("the explicit-provider guard", () => {
  const component = Object.create(pulumi.ComponentResource.prototype) as pulumi.ComponentResource;

  it("refuses a component with no provider, providers or parent, naming it and whose provider it needs", () => {
    assert.throws(
      () => requireExplicitProvider(component, "VendorRole", "acme", {}, "the target account's"),
      (e: Error) => {
        assert.ok(e instanceof pulumi.ResourceError);
        assert.strictEqual(
          e.message,
          "VendorRole `acme` needs an explicit `provider` (the target account's); default providers are disabled",
        );
        return true;
      },
    );
  });

  it("accepts a provider, a providers map or a parent that carries them", () => {
    const provider = Object.create(pulumi.ProviderResource.prototype) as pulumi.ProviderResource;
    for (const opts of [{ provider }, { providers: [provider] }, { parent: component }]) {
      assert.doesNotThrow(() => requireExplicitProvider(component, "VendorRole", "acme", opts, "x"));
    }
  });

  it("is the first thing every component of the program runs, and is written once", () => {
    const unguarded: string[] = [];
    const copies: string[] = [];
    let constructors = 0;
    let matched = 0;
    for (const file of sourceFiles(COMPONENTS)) {
      const text = fs.readFileSync(file, "utf8");
      const rel = path.relative(COMPONENTS, file);
      constructors += text.split('super("org-access:').length - 1;
      // Each constructor's super(...) call is followed directly by the guard.
      for (const m of text.matchAll(/super\("org-access:([^"]+)", name, \{\}, opts\);\n\s*(\S+)/g)) {
        matched += 1;
        if (!m[2].startsWith("requireExplicitProvider(this,")) unguarded.push(`${rel}: ${m[1]}`);
      }
      if (/opts\.provider === undefined/.test(text) && rel !== "explicit-provider.ts") copies.push(rel);
    }
    assert.ok(constructors > 30, `only ${constructors} component constructors found`);
    assert.deepStrictEqual([matched, unguarded, copies], [constructors, [], []]);
  });
});
