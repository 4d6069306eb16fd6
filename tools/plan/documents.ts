/** Policy documents as the program serialises them: JSON strings, or objects (templates: policy-pack/lib/cloudformation.ts). */

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
