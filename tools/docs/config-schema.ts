import { z } from "zod";
import { CONFIG_NAMESPACE, configObjectSchema } from "../../components/config";

/** A JSON Schema (draft-07) node, as the generators read and write it. */
export type JsonSchema = { [key: string]: unknown };

/**
 * The JSON Schema of the stack config's values (`org-access:<key>` without the namespace), taken from
 * the zod schema the program validates with: its types, patterns, bounds, defaults and whatever
 * descriptions and examples the schema carries (`.describe()`, `.meta({ description, examples })`).
 * It describes what a user writes (`io: "input"`), so keys with a default are optional. Checks that
 * need the rest of the config (names of accounts, the stack kind) are not expressible here: the
 * program still runs them.
 */
export function configValueSchema(): JsonSchema {
  return z.toJSONSchema(configObjectSchema, {
    io: "input",
    target: "draft-7",
    // A transform or a custom check has no JSON Schema form: it accepts anything here, the program
    // still checks it.
    unrepresentable: "any",
  }) as JsonSchema;
}

/** Where the stack file's JSON Schema is committed, relative to the repository root. */
export const STACK_SCHEMA_PATH = "schema/pulumi-stack.schema.json";

/** A value stored as a Pulumi secret: `pulumi config set --secret` writes `{ secure: <ciphertext> }`. */
const SECURE_VALUE: JsonSchema = {
  type: "object",
  properties: {
    secure: { type: "string", description: "Ciphertext written by `pulumi config set --secret`." },
  },
  required: ["secure"],
  additionalProperties: false,
};

/**
 * The JSON Schema of a stack file, `Pulumi.<stack>.yaml`: a `config:` map whose `org-access:<key>`
 * entries follow {@link configValueSchema}. An editor with the YAML language server completes and
 * checks a stack file that starts with
 * `# yaml-language-server: $schema=<relative path to schema/pulumi-stack.schema.json>`.
 *
 * Where Pulumi accepts a secret, so does the schema: a whole key's value, or any single value inside
 * it (`pulumi config set --secret --path`). Keys of other namespaces (`aws:region`,
 * `pulumi:disable-default-providers`) pass unchecked; an `org-access:` key the program does not read
 * is an error, as it is for the program.
 */
export function stackFileSchema(): JsonSchema {
  const values = configValueSchema();
  const properties = values.properties as Record<string, JsonSchema>;
  const required = new Set((values.required as string[] | undefined) ?? []);
  const keys = Object.keys(properties);

  const config: JsonSchema = {
    type: "object",
    description:
      "Stack configuration: `org-access:<key>` entries are this program's; see docs/config-reference.md.",
    properties: Object.fromEntries(
      keys.map((key) => [`${CONFIG_NAMESPACE}:${key}`, orSecret(allowSecretLeaves(properties[key]))]),
    ),
    required: keys.filter((key) => required.has(key)).map((key) => `${CONFIG_NAMESPACE}:${key}`),
    propertyNames: {
      anyOf: [
        { enum: keys.map((key) => `${CONFIG_NAMESPACE}:${key}`) },
        { not: { pattern: `^${CONFIG_NAMESPACE}:` } },
      ],
    },
  };

  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "org-access stack file (Pulumi.<stack>.yaml)",
    description:
      "Generated from components/config/schema.ts by `npm run docs`; do not edit. Checks each key's shape; the program also checks names and references across keys.",
    type: "object",
    properties: {
      config,
      secretsprovider: { type: "string", description: "Where this stack's secrets are encrypted." },
      encryptedkey: { type: "string", description: "The data key, encrypted by the secrets provider." },
      encryptionsalt: { type: "string", description: "Salt of the passphrase secrets provider." },
      environment: {
        description: "Pulumi ESC environments imported into this stack.",
        anyOf: [{ type: "array", items: { type: "string" } }, { type: "object" }],
      },
    },
    additionalProperties: false,
  };
}

/** A node that also accepts a secret in its place; hover text and default stay on top for editors. */
function orSecret(node: JsonSchema): JsonSchema {
  const shown = Object.fromEntries(
    ["title", "description", "default", "examples"].filter((k) => k in node).map((k) => [k, node[k]]),
  );
  return { ...shown, anyOf: [node, SECURE_VALUE] };
}

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean"]);

/** Every scalar value below a key may be stored as a secret of its own (`--secret --path`). */
function allowSecretLeaves(node: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...node };
  if (isObject(node.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, v]) => [k, allowSecretLeaves(v as JsonSchema)]),
    );
  }
  if (isObject(node.additionalProperties))
    out.additionalProperties = allowSecretLeaves(node.additionalProperties);
  if (isObject(node.items)) out.items = allowSecretLeaves(node.items);
  for (const combinator of ["anyOf", "oneOf", "allOf"] as const) {
    const options = node[combinator];
    if (Array.isArray(options)) out[combinator] = options.map((o) => allowSecretLeaves(o as JsonSchema));
  }
  const types: unknown[] = Array.isArray(node.type) ? node.type : [node.type];
  if (types.length > 0 && types.every((t) => typeof t === "string" && SCALAR_TYPES.has(t)))
    return orSecret(out);
  return out;
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
