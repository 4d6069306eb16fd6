import { ConfigPath } from "./checks";

/**
 * Config values that are secrets whether or not the stack file encrypts them: no report or error
 * message may show them. A plain-text one is refused by the checks; this list keeps it out of what
 * the tools write even before that.
 */
export const SECRET_FIELDS: readonly (readonly string[])[] = [["vendors", "*", "externalId"]];

/** Whether a config path (`["vendors", 1, "externalId"]`) is a secret field. */
export function isSecretField(path: ConfigPath): boolean {
  return SECRET_FIELDS.some(
    (field) =>
      field.length === path.length && field.every((segment, i) => segment === "*" || segment === path[i]),
  );
}

/** Every string value at a secret field of raw config (keys without namespace). */
export function secretFieldValues(raw: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (isSecretField(path)) {
      if (typeof value === "string") out.push(value);
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  for (const [key, value] of Object.entries(raw)) walk(value, [key]);
  return out;
}
