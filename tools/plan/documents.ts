import * as YAML from "yaml";

/** Policy documents and templates as the program serialises them: JSON strings, or objects. */

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement?: Statement | Statement[];
}

/** Parses a JSON policy document (string or object); undefined when it is not one. */
export function parseDocument(value: unknown): PolicyDocument | undefined {
  if (typeof value === "string") {
    try {
      return parseDocument(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as PolicyDocument;
  return undefined;
}

export function statementsOf(doc: PolicyDocument | undefined): Statement[] {
  const s = doc?.Statement;
  if (s === undefined) return [];
  return Array.isArray(s) ? s : [s];
}

export function asList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Values a trust statement's conditions give a key (any operator, key matched case-insensitively). */
export function conditionValues(statement: Statement, key: string): { operator: string; values: string[] }[] {
  const found: { operator: string; values: string[] }[] = [];
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const [k, v] of Object.entries(block ?? {})) {
      if (k.toLowerCase() === key.toLowerCase()) found.push({ operator, values: asList(v) });
    }
  }
  return found;
}

const CFN_FUNCTIONS = [
  "Ref",
  "Sub",
  "GetAtt",
  "Join",
  "Select",
  "Split",
  "If",
  "Equals",
  "Not",
  "And",
  "Or",
  "FindInMap",
  "ImportValue",
  "Base64",
  "GetAZs",
  "Cidr",
  "Condition",
];

/** YAML tags of CloudFormation's short form (`!Ref x`, `!Sub ...`), read as their long form. */
const CFN_TAGS: YAML.Tags = CFN_FUNCTIONS.flatMap((fn) => {
  const key = fn === "Ref" || fn === "Condition" ? fn : `Fn::${fn}`;
  const tag = `!${fn}`;
  return (["scalar", "seq", "map"] as const).map(
    (kind) =>
      ({
        tag,
        collection: kind === "scalar" ? undefined : kind,
        identify: () => false,
        resolve: (value: unknown) => {
          const plain =
            value instanceof YAML.YAMLSeq || value instanceof YAML.YAMLMap ? value.toJSON() : value;
          if (fn === "GetAtt" && typeof plain === "string") return { [key]: plain.split(".") };
          return { [key]: plain };
        },
      }) as YAML.ScalarTag | YAML.CollectionTag,
  );
});

/** Parses a CloudFormation template body, JSON or YAML (short-form functions included). */
export function parseTemplate(body: unknown): Record<string, unknown> | undefined {
  if (body !== null && typeof body === "object") return body as Record<string, unknown>;
  if (typeof body !== "string") return undefined;
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    try {
      const doc = YAML.parse(body, { customTags: CFN_TAGS }) as unknown;
      return doc !== null && typeof doc === "object" ? (doc as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}
