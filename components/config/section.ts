import { z } from "zod";
import { ReferenceChecker } from "./refs";

/** What a section's cross-reference check is given. */
export interface SectionCheckContext {
  /** Checks names against the account and OU inventory, and collects issues. */
  readonly refs: ReferenceChecker;
  /** The config path of the section, e.g. `org-access:vendors`. */
  readonly path: string;
  /** The whole raw config, keyed by config key without namespace. */
  readonly root: Record<string, unknown>;
  /** Whether the section's config key is stored as a Pulumi secret. */
  readonly isSecret: boolean;
}

/**
 * One capability's slice of stack config: a top-level key `org-access:<key>`, its schema, and the
 * checks that need the rest of the config (names of accounts and OUs, the stack kind).
 */
export interface ConfigSection<S extends z.ZodType> {
  readonly key: string;
  readonly schema: S;
  /** Runs on raw values even when the schema failed; must tolerate any shape. */
  crossCheck(raw: unknown, ctx: SectionCheckContext): void;
}

export function section<S extends z.ZodType>(def: ConfigSection<S>): ConfigSection<S> {
  return def;
}
