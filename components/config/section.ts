import { z } from "zod";
import { CheckContext } from "./checks";

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
}

export function section<S extends z.ZodType>(def: ConfigSection<S>): ConfigSection<S> {
  return def;
}
