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
