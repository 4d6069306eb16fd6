/** Inline code, with enough backticks for a value that holds one. */
export function code(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const ticks = text.includes("`") ? "``" : "`";
  return `${ticks}${text}${ticks}`;
}

/** A table cell: pipes escaped, line breaks folded. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/**
 * Prose taken from code (a description) as Markdown shows it literally: `*`, `_`, `<` and `\` outside
 * code spans are escaped, so `"*"` stays a star instead of starting emphasis.
 */
export function prose(text: string): string {
  return text
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/([\\*_<])/g, "\\$1")))
    .join("");
}

/** A Markdown table's lines (cells escaped; prettier aligns the columns). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)];
}
