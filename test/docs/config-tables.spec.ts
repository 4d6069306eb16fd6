import * as assert from "assert";
import * as YAML from "yaml";
import { configValueSchema, JsonSchema } from "../../tools/docs/config-schema";
import { docPages, GENERATED_PAGES } from "./pages";

/**
 * The pattern pages' config tables (`| key (\`org-access:<prefix>\`) | default | ...`) are written by
 * hand next to the prose; the generated reference (docs/config-reference.md) is the schema's own. These
 * tests hold the hand-written tables to the schema: every key they name exists, and every default they
 * quote as a value is the schema's default, so neither can drift when the schema changes.
 */

interface SchemaKey {
  readonly required: boolean;
  readonly default?: unknown;
}

const asObject = (v: unknown) =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, JsonSchema>) : undefined;

/** Every key path of the config schema (`audit.rollout.mode`, `vendors[].name`, `roleNames.*`), with its default. */
function schemaKeys(): Map<string, SchemaKey> {
  const keys = new Map<string, SchemaKey>();
  const visit = (path: string, node: JsonSchema, required: boolean) => {
    if (path !== "") {
      const known = keys.get(path);
      keys.set(path, {
        required: required || (known?.required ?? false),
        default: node.default !== undefined ? node.default : known?.default,
      });
    }
    const properties = asObject(node.properties);
    if (properties !== undefined) {
      const req = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      for (const [name, child] of Object.entries(properties))
        visit(path === "" ? name : `${path}.${name}`, child, req.has(name));
    }
    const items = asObject(node.items);
    if (items !== undefined) visit(`${path}[]`, items, false);
    const values = asObject(node.additionalProperties);
    if (values !== undefined) visit(`${path}.*`, values, false);
    for (const key of ["anyOf", "oneOf", "allOf"]) {
      const options = node[key];
      if (Array.isArray(options)) for (const option of options) visit(path, option as JsonSchema, required);
    }
  };
  visit("", configValueSchema(), true);
  return keys;
}

interface ConfigTable {
  readonly page: string;
  readonly line: number;
  /** What the table's keys are relative to (`audit.rollout.`). */
  readonly prefix: string;
  readonly rows: { readonly line: number; readonly key: string; readonly default?: string }[];
}

/** Tables whose header says `key` without a prefix, and the prefix their text gives them. */
const UNPREFIXED: Readonly<Record<string, string>> = {
  "docs/config.md#1": "",
  "docs/config.md#2": "audit.targets.",
  "docs/observability.md#1": "observability.",
  "docs/pipelines.md#1": "pipeline.",
};

function configTables(): ConfigTable[] {
  const tables: ConfigTable[] = [];
  for (const [page, text] of docPages()) {
    if (GENERATED_PAGES.includes(page)) continue;
    const lines = text.split("\n");
    let unprefixed = 0;
    for (let i = 0; i < lines.length; i++) {
      const header = /^\|\s*key(?:\s*\(`org-access:([^`]*)`\))?\s*\|(.*)$/.exec(lines[i]);
      if (header === null) continue;
      let prefix = header[1];
      if (prefix === undefined) {
        unprefixed += 1;
        prefix = UNPREFIXED[`${page}#${unprefixed}`];
        assert.ok(
          prefix !== undefined,
          `${page}:${i + 1}: a config table without a prefix; write \`key (\\\`org-access:<prefix>\\\`)\` or list it in UNPREFIXED`,
        );
      }
      const columns = lines[i]
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim());
      const defaultColumn = columns.indexOf("default");
      const rows: ConfigTable["rows"][number][] = [];
      for (let j = i + 2; j < lines.length && lines[j].startsWith("|"); j++) {
        const cells = lines[j]
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((c) => c.trim());
        let previous = "";
        for (const quoted of cells[0].match(/`[^`]+`/g) ?? []) {
          // `environments.management` / `.security`: a sibling of the key before it.
          const key = quoted.startsWith("`.")
            ? `${previous.slice(0, previous.lastIndexOf("."))}${quoted.slice(1, -1)}`
            : quoted.slice(1, -1);
          previous = key;
          rows.push({
            line: j + 1,
            key,
            default: defaultColumn < 0 ? undefined : cells[defaultColumn],
          });
        }
      }
      tables.push({ page, line: i + 1, prefix, rows });
    }
  }
  return tables;
}

/** A documented key as a schema path: `<env>` and `[0]` written as the schema's `*` and `[]`. */
function schemaPath(prefix: string, key: string): string {
  return `${prefix}${key}`
    .replace(/^org-access:/, "")
    .replace(/<[^>]+>/g, "*")
    .replace(/\[\d+\]/g, "[]")
    .replace(/\[\]$/, "");
}

/** A default cell that is one value in code (`15`, `[]`, `{a: 1}`, `OrganizationAccountAccessRole`), parsed as YAML. */
function quotedValue(cell: string | undefined): { value: unknown } | undefined {
  const m = /^`([^`]+)`$/.exec(cell ?? "");
  if (m === null) return undefined;
  try {
    return { value: YAML.parse(m[1]) as unknown };
  } catch {
    return undefined;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Number(a) === Number(b);
  if (typeof a === "boolean" || typeof b === "boolean") return String(a) === String(b);
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

describe("the docs' hand-written config tables", () => {
  const keys = schemaKeys();
  const tables = configTables();

  it("are found on the pattern pages", () => {
    assert.ok(tables.length >= 15, `found ${tables.length} config tables`);
    assert.ok(tables.every((t) => t.rows.length > 0));
  });

  it("name only keys the config schema has", () => {
    const unknown: string[] = [];
    for (const table of tables)
      for (const row of table.rows) {
        const path = schemaPath(table.prefix, row.key);
        // `roleNames.*`: every key of the map (the schema has `.*` for a free-form map, named keys otherwise).
        const some = path.endsWith(".*") && [...keys.keys()].some((k) => k.startsWith(path.slice(0, -1)));
        if (!keys.has(path) && !keys.has(`${path}[]`) && !some)
          unknown.push(`${table.page}:${row.line}: \`${row.key}\` (org-access:${path})`);
      }
    assert.deepStrictEqual(unknown, [], "keys the docs name that the schema does not have");
  });

  it("quote the schema's own defaults, and call required only what the schema requires", () => {
    const wrong: string[] = [];
    let compared = 0;
    for (const table of tables)
      for (const row of table.rows) {
        const quoted = quotedValue(row.default);
        const key = keys.get(schemaPath(table.prefix, row.key));
        if (row.default === "required" && key !== undefined && !key.required)
          wrong.push(`${table.page}:${row.line}: \`${row.key}\` says required, the schema has it optional`);
        if (quoted === undefined || key === undefined || key.default === undefined) continue;
        compared += 1;
        if (!sameValue(quoted.value, key.default))
          wrong.push(
            `${table.page}:${row.line}: \`${row.key}\` says ${row.default}, the schema's default is ${JSON.stringify(key.default)}`,
          );
      }
    assert.deepStrictEqual(wrong, []);
    assert.ok(compared >= 40, `only ${compared} defaults compared`);
  });
});
