import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { configObjectSchema } from "../../components/config/schema";

/**
 * One folder per pattern: a pattern's config section, its capability and its components sit in
 * `components/<pattern>/`, the registries (the config schema, the capability list) only import from
 * those folders, and no pattern reaches into another's files. The map in docs/README.md ("Where each
 * pattern lives") is the index a newcomer reads; this checks it against the code so it cannot drift.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const COMPONENTS = path.join(ROOT, "components");
const CAPABILITY_REGISTRY = "components/capabilities.ts";
const SCHEMA_REGISTRY = "components/config/schema.ts";

interface PatternRow {
  readonly name: string;
  /** `organizationAccess`, or `guardrails.scps` for a key inside a family's section. */
  readonly configKey: string;
  /** `components/organization-access`, `components/guardrails/service-control-policies`. */
  readonly code: string;
  readonly tests: string;
  readonly doc: string;
}

/** The rows of docs/README.md's "Where each pattern lives" table. */
function patternTable(): PatternRow[] {
  const text = fs.readFileSync(path.join(ROOT, "docs", "README.md"), "utf8");
  const section = text.split(/^## Where each pattern lives$/m)[1];
  assert.ok(section !== undefined, 'docs/README.md has no "## Where each pattern lives" section');
  const rows = section
    .split(/^## /m)[0]
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .slice(2)
    .map((l) =>
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  return rows.map(([name, key, code, tests, doc]) => {
    const target = (cell: string): string => {
      const m = /\]\(([^)]+)\)/.exec(cell);
      assert.ok(m !== null, `docs/README.md pattern table: ${name}: ${cell} is not a link`);
      return path.relative(ROOT, path.resolve(ROOT, "docs", m[1].split("#")[0]));
    };
    const configKey = /^`org-access:([\w.]+)`$/.exec(key)?.[1];
    assert.ok(
      configKey !== undefined,
      `docs/README.md pattern table: ${name}: ${key} is not \`org-access:<key>\``,
    );
    return { name, configKey, code: target(code), tests: target(tests), doc: target(doc) };
  });
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const sourceFiles = (): string[] =>
  walk(COMPONENTS)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.relative(ROOT, f).split(path.sep).join("/"));

/** The repo-relative module file each relative import of `file` names. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specs = [
    ...text.matchAll(/(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*["'](\.{1,2}\/[^"']*)["']/g),
  ].map((m) => m[1]);
  return specs.map((spec) => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
      if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile())
        return candidate;
    }
    return base;
  });
}

describe("layout: one folder per pattern", () => {
  const table = patternTable();
  const folders = table.map((row) => row.code);
  /** A family holds patterns in its folder (components/guardrails): its own files are the family's shared ones. */
  const families = [...new Set(folders.map((f) => path.posix.dirname(f)).filter((d) => d !== "components"))];
  const patternOf = (file: string): string | undefined => folders.find((f) => file.startsWith(`${f}/`));
  const familyOf = (file: string): string | undefined => families.find((f) => file.startsWith(`${f}/`));

  it("lists every pattern folder, with its capability, its config section, its tests and its page", () => {
    const problems: string[] = [];
    const withCapability = sourceFiles()
      .filter((f) => f.endsWith("/capability.ts"))
      .map((f) => path.posix.dirname(f));
    for (const folder of withCapability) {
      if (!folders.includes(folder))
        problems.push(`${folder} has a capability.ts but no row in docs/README.md`);
    }
    const keys = Object.keys(configObjectSchema.shape);
    for (const row of table) {
      const exists = (p: string): boolean => fs.existsSync(path.join(ROOT, p));
      if (!exists(`${row.code}/capability.ts`)) problems.push(`${row.name}: no ${row.code}/capability.ts`);
      const [key, subKey] = row.configKey.split(".");
      if (!keys.includes(key))
        problems.push(`${row.name}: org-access:${key} is not a config key of the schema`);
      if (!exists(`${row.code}/config.ts`)) problems.push(`${row.name}: no ${row.code}/config.ts`);
      if (subKey !== undefined) {
        // A key inside a family's section: the family's config.ts composes it.
        const familyConfig = `${path.posix.dirname(row.code)}/config.ts`;
        const composed =
          exists(familyConfig) &&
          new RegExp(`^\\s+${subKey}:`, "m").test(fs.readFileSync(path.join(ROOT, familyConfig), "utf8"));
        if (!composed) problems.push(`${row.name}: ${familyConfig} has no \`${subKey}\` key`);
      }
      if (!exists(row.tests)) problems.push(`${row.name}: no ${row.tests}`);
      if (!exists(row.doc) || !row.doc.startsWith("docs/"))
        problems.push(`${row.name}: no docs page ${row.doc}`);
    }
    assert.deepStrictEqual(problems, []);
  });

  it("registers every capability and every config section from a pattern folder", () => {
    const capabilities = importsOf(CAPABILITY_REGISTRY).filter((f) => f.endsWith("/capability.ts"));
    assert.deepStrictEqual(
      capabilities.map((f) => path.posix.dirname(f)).sort(),
      [...folders].sort(),
      `${CAPABILITY_REGISTRY} imports one capability.ts per pattern of the table`,
    );
    const sections = importsOf(SCHEMA_REGISTRY).filter((f) => f.endsWith("/config.ts"));
    for (const section of sections) {
      assert.ok(
        folders.includes(path.posix.dirname(section)) || families.includes(path.posix.dirname(section)),
        `${SCHEMA_REGISTRY} imports ${section}, which is not a pattern's or a family's config section`,
      );
    }
  });

  it("keeps each pattern's imports within its folder and the shared code", () => {
    const problems: string[] = [];
    for (const file of sourceFiles()) {
      const own = patternOf(file);
      const family = familyOf(file);
      for (const target of importsOf(file)) {
        const theirs = patternOf(target);
        if (theirs === undefined || theirs === own) continue;
        // A family's own files (its section, what its patterns share) may use its patterns' files.
        if (own === undefined && family !== undefined && familyOf(target) === family) continue;
        // Shared code and the registries may read a pattern's config section (its types and keys).
        if (own === undefined && target === `${theirs}/config.ts`) continue;
        if (file === CAPABILITY_REGISTRY && target === `${theirs}/capability.ts`) continue;
        problems.push(
          own === undefined
            ? `${file} (shared) imports ${target}: shared code may read a pattern's config.ts only; move what is shared out of the pattern`
            : `${file} imports ${target} of another pattern; move what both need to a shared module (components/iam, components/config, components/cloudformation, components/*.ts)`,
        );
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it("leaves no pattern file in the old places", () => {
    for (const old of ["components/capabilities", "components/config/sections"]) {
      assert.ok(
        !fs.existsSync(path.join(ROOT, old)),
        `${old}/ is gone: a pattern's files live in its folder`,
      );
    }
  });
});
