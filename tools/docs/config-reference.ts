import * as YAML from "yaml";
import { CONFIG_NAMESPACE } from "../../components/config";
import { JsonSchema, STACK_SCHEMA_PATH } from "./config-schema";
import { cell, code, prose } from "./markdown";

/** One documented key: its full path, what it takes, its default and what the schema says about it. */
export interface KeyRow {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly examples?: readonly unknown[];
  /** The path documented first with exactly this shape, when this key repeats it. */
  readonly sameAs?: string;
}

/** A stack file whose values the reference quotes as examples (the `examples/` stacks, checked by CI). */
export interface ExampleStack {
  /** Repository-relative path, shown next to the quote. */
  readonly file: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Every key below one top-level key, in schema order: objects and lists first, then what they hold.
 * A shape already documented under another path (the IAM statement shape used by several sections)
 * is listed once and referred to afterwards.
 */
export function keyRows(key: string, node: JsonSchema, required: boolean, seen = new Map<string, string>()) {
  const rows: KeyRow[] = [];
  visit(`${CONFIG_NAMESPACE}:${key}`, node, required, rows, seen);
  return rows;
}

function visit(path: string, node: JsonSchema, required: boolean, rows: KeyRow[], seen: Map<string, string>) {
  const shape = structuralKey(node);
  const first = shape === undefined ? undefined : seen.get(shape);
  // A list's item row says nothing its keys' rows do not, unless the schema describes it.
  const bareItem = path.endsWith("[]") && typeOf(node) === "map" && node.description === undefined;
  if (!bareItem || first !== undefined)
    rows.push({
      path,
      type: shapesOf(node) ?? typeOf(node),
      required,
      default: node.default,
      description: typeof node.description === "string" ? node.description : undefined,
      examples: Array.isArray(node.examples) ? node.examples : undefined,
      sameAs: first,
    });
  if (first !== undefined) return;
  if (shape !== undefined) seen.set(shape, path);
  for (const [child, childPath, childRequired] of children(path, node)) {
    visit(childPath, child, childRequired, rows, seen);
  }
}

/** The nodes a node holds, with their paths: properties, list items, map values, alternative shapes. */
function children(path: string, node: JsonSchema): [JsonSchema, string, boolean][] {
  const out: [JsonSchema, string, boolean][] = [];
  const properties = asObject(node.properties);
  if (properties !== undefined) {
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [name, child] of Object.entries(properties)) {
      out.push([child as JsonSchema, `${path}.${name}`, required.has(name)]);
    }
  }
  const items = asObject(node.items);
  if (items !== undefined && holdsKeys(items)) out.push([items, `${path}[]`, false]);
  const values = asObject(node.additionalProperties);
  if (values !== undefined && holdsKeys(values)) out.push([values, `${path}.<name>`, false]);
  const options = alternatives(node);
  if (options.some(holdsKeys)) {
    options.forEach((option, i) => {
      // The choice itself is required or not; a shape is one way to write it.
      if (holdsKeys(option)) out.push([option, `${path} (shape ${i + 1})`, false]);
    });
  }
  return out;
}

/** For a choice between shapes of maps: which shapes (documented as `(shape n)` rows below it). */
function shapesOf(node: JsonSchema): string | undefined {
  const options = alternatives(node);
  const maps = options.filter(holdsKeys).length;
  if (maps === 0) return undefined;
  if (maps > 2 && maps === options.length) return `one of ${maps} shapes of map, below`;
  return options.map((o, i) => (holdsKeys(o) ? `map (shape ${i + 1})` : typeOf(o))).join(" or ");
}

/** Whether a node has keys of its own to document (a map with properties, a list or map of such). */
function holdsKeys(node: JsonSchema): boolean {
  if (asObject(node.properties) !== undefined) return true;
  const items = asObject(node.items);
  if (items !== undefined && holdsKeys(items)) return true;
  const values = asObject(node.additionalProperties);
  if (values !== undefined && holdsKeys(values)) return true;
  return alternatives(node).some(holdsKeys);
}

/** Shapes big enough to be worth referring to instead of repeating (maps with several keys). */
function structuralKey(node: JsonSchema): string | undefined {
  const properties = asObject(node.properties);
  if (properties === undefined || Object.keys(properties).length < 3) return undefined;
  const { description: _d, default: _v, examples: _e, ...shape } = node;
  return JSON.stringify(shape);
}

function alternatives(node: JsonSchema): JsonSchema[] {
  const options = node.anyOf ?? node.oneOf;
  return Array.isArray(options) ? (options as JsonSchema[]) : [];
}

function asObject(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as JsonSchema)
    : undefined;
}

/** What a node accepts, in words a stack-file author reads. */
export function typeOf(node: JsonSchema): string {
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => code(v)).join(", ")}`;
  if ("const" in node) return `exactly ${code(node.const)}`;
  const options = alternatives(node);
  if (options.length > 0) return options.map((o) => typeOf(o)).join(" or ");
  if (Array.isArray(node.type)) return node.type.map((type) => typeOf({ ...node, type })).join(" or ");
  switch (node.type) {
    case "string":
      return withLimits(
        node.pattern === undefined ? "text" : `text matching ${code(node.pattern)}`,
        node,
        "characters",
        "minLength",
        "maxLength",
      );
    case "integer":
      return withLimits("whole number", node, "", "minimum", "maximum");
    case "number":
      return withLimits("number", node, "", "minimum", "maximum");
    case "boolean":
      return "true or false";
    case "array": {
      const items = asObject(node.items);
      return withLimits(
        `list of ${items === undefined ? "any values" : plural(items)}`,
        node,
        "items",
        "minItems",
        "maxItems",
      );
    }
    case "object": {
      if (asObject(node.properties) !== undefined) return "map";
      const values = asObject(node.additionalProperties);
      return values === undefined || Object.keys(values).length === 0
        ? "map of any values"
        : `map of name to ${typeOf(values)}`;
    }
    default:
      return "any value";
  }
}

function plural(items: JsonSchema): string {
  if (asObject(items.properties) !== undefined) return "maps";
  return typeOf(items);
}

// JavaScript's largest safe integer: zod's bound for `.int()`, no limit a user would read.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function withLimits(text: string, node: JsonSchema, unit: string, minKey: string, maxKey: string): string {
  const bound = (value: unknown) =>
    typeof value === "number" && Math.abs(value) < UNBOUNDED ? value : undefined;
  const min = bound(node[minKey]);
  const max = bound(node[maxKey]);
  const suffix = unit === "" ? "" : ` ${min === 1 && max === undefined ? unit.replace(/s$/, "") : unit}`;
  if (min !== undefined && max !== undefined) return `${text}, ${min} to ${max}${suffix}`;
  if (min !== undefined) return `${text}, at least ${min}${suffix}`;
  if (max !== undefined) return `${text}, at most ${max}${suffix}`;
  return text;
}

function shownDefault(row: KeyRow): string {
  if (row.default !== undefined) return code(row.default);
  return row.required ? "required" : "";
}

function shownDescription(row: KeyRow): string {
  const parts: string[] = [];
  if (row.sameAs !== undefined) parts.push(`Same keys as ${code(row.sameAs)}.`);
  if (row.description !== undefined) parts.push(prose(row.description));
  if (row.examples !== undefined && row.examples.length > 0) {
    parts.push(`Example: ${row.examples.map((e) => code(e)).join(", ")}.`);
  }
  return parts.join(" ");
}

/** Each top-level key with the rows of every key below it; a repeated shape is documented once. */
export function referenceSections(values: JsonSchema) {
  const properties = asObject(values.properties) ?? {};
  const required = new Set(Array.isArray(values.required) ? (values.required as string[]) : []);
  const seen = new Map<string, string>();
  return Object.entries(properties).map(([key, node]) => ({
    key,
    node: node as JsonSchema,
    rows: keyRows(key, node as JsonSchema, required.has(key), seen),
  }));
}

/**
 * Every documented key the schema gives no description (`.describe()` or `.meta({ description })`),
 * by full path. `npm run docs` and the docs test fail while this is not empty.
 */
export function undescribedKeys(values: JsonSchema): string[] {
  return referenceSections(values).flatMap(({ rows }) =>
    rows.filter((r) => r.sameAs === undefined && r.description === undefined).map((r) => r.path),
  );
}

/** Per top-level key, how many of its keys the schema describes. */
export function descriptionCoverage(values: JsonSchema): { key: string; described: number; total: number }[] {
  return referenceSections(values).map(({ key, rows }) => {
    const own = rows.filter((r) => r.sameAs === undefined);
    return { key, described: own.filter((r) => r.description !== undefined).length, total: own.length };
  });
}

/**
 * The config reference page: one section per top-level key with every key below it (type, default,
 * description and examples from the schema), and the stack files of `examples/` that set it.
 */
export function renderConfigReference(values: JsonSchema, examples: readonly ExampleStack[]): string {
  const required = new Set(Array.isArray(values.required) ? (values.required as string[]) : []);
  const sections = referenceSections(values);
  const all = sections.flatMap((s) => s.rows).filter((r) => r.sameAs === undefined);
  const described = all.filter((r) => r.description !== undefined).length;

  const out: string[] = [
    "# Config reference",
    "",
    "<!-- Generated from components/config/schema.ts by `npm run docs`; do not edit. A test fails when it is stale. -->",
    "",
    `Every key is set in a stack file, \`Pulumi.<stack>.yaml\`, under \`config:\` as \`${CONFIG_NAMESPACE}:<key>\`. Structured`,
    "values are YAML maps and lists. Any value may be a secret (`pulumi config set --secret --path`",
    "stores it as `{ secure: ... }`). This page lists what each key accepts; the program also checks",
    "names and references across keys (an account named in a target must be in `org-access:accounts`)",
    "and reports every problem at once, with the key, the value and the fix.",
    "",
    "Editors complete and check stack files against the generated JSON Schema",
    `[\`${STACK_SCHEMA_PATH}\`](../${STACK_SCHEMA_PATH}) when the file starts with this line (the path is relative`,
    "to the stack file; the YAML language server, used by the VS Code YAML extension and others, reads it):",
    "",
    "```yaml",
    `# yaml-language-server: $schema=./${STACK_SCHEMA_PATH}`,
    "```",
    "",
    `Descriptions come from the schema itself (${described} of ${all.length} keys); \`npm run docs\` fails when a key has none.`,
    "",
    "| Key | Required |",
    "| --- | --- |",
    ...sections.map(
      ({ key }) =>
        `| [\`${CONFIG_NAMESPACE}:${key}\`](#${anchor(key)}) | ${required.has(key) ? "yes" : "no"} |`,
    ),
    "",
  ];

  for (const { key, node, rows } of sections) {
    out.push(`## ${CONFIG_NAMESPACE}:${key}`, "");
    if (typeof node.description === "string") out.push(prose(node.description), "");
    out.push("| Key | Type | Default | Description |", "| --- | --- | --- | --- |");
    for (const row of rows) {
      out.push(
        `| ${cell(code(row.path))} | ${cell(row.type)} | ${cell(shownDefault(row))} | ${cell(shownDescription(row))} |`,
      );
    }
    out.push("");
    const fullKey = `${CONFIG_NAMESPACE}:${key}`;
    // Stacks that set a key to the same value (the shards' shared inventory) are quoted once.
    const quotes = new Map<string, string[]>();
    for (const example of examples) {
      if (!(fullKey in example.config)) continue;
      const yaml = YAML.stringify({ [fullKey]: example.config[fullKey] }, { lineWidth: 0 }).trimEnd();
      quotes.set(yaml, [...(quotes.get(yaml) ?? []), example.file]);
    }
    for (const [yaml, files] of quotes) {
      const links = files.map((file) => `[\`${file}\`](../${file})`);
      const where =
        links.length === 1 ? links[0] : `${links.slice(0, -1).join(", ")} and ${links[links.length - 1]}`;
      out.push(`In ${where}:`, "", "```yaml", yaml, "```", "");
    }
  }
  return out.join("\n");
}

/** GitHub's heading anchor for `## org-access:<key>`. */
function anchor(key: string): string {
  return `${CONFIG_NAMESPACE}:${key}`
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");
}
