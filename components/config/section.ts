import { z } from "zod";
import { CheckContext } from "./checks";
import { ReferenceChecker } from "./refs";

/** What a section's raw cross-reference check is given (sections not yet checked on typed config). */
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
 * One capability's slice of stack config: a top-level key `org-access:<key>`, its schema (with the
 * checks within the section, as `superRefine` with `when`), and the checks that need the rest of the
 * config (names of accounts and OUs, the stack kind), which run on the parsed, typed config.
 */
export interface ConfigSection<S extends z.ZodType> {
  readonly key: string;
  readonly schema: S;
  /**
   * Checks against the rest of the config. Runs on the parsed value even when other keys have
   * errors: read a value only where `ctx.valid(path)` says it parsed.
   */
  check?(value: NonNullable<z.output<S>>, ctx: CheckContext): void;
  /** Runs on raw values even when the schema failed; must tolerate any shape. */
  crossCheck?(raw: unknown, ctx: SectionCheckContext): void;
}

export function section<S extends z.ZodType>(def: ConfigSection<S>): ConfigSection<S> {
  return def;
}
