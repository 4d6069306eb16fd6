import * as fs from "fs";
import * as path from "path";

/** The repository's root: this file is test/docs/pages.ts. */
const ROOT = path.resolve(__dirname, "..", "..");

/** The hand-written Markdown pages: README.md and docs/*.md (generated pages included), by path from the root. */
export function docPages(): Map<string, string> {
  const pages = new Map<string, string>([
    ["README.md", fs.readFileSync(path.join(ROOT, "README.md"), "utf8")],
  ]);
  for (const f of fs.readdirSync(path.join(ROOT, "docs")).sort())
    if (f.endsWith(".md")) pages.set(`docs/${f}`, fs.readFileSync(path.join(ROOT, "docs", f), "utf8"));
  return pages;
}

/** One page's text, by path from the root (e.g. docs/pipelines.md). */
export function docPage(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

/** Pages `npm run docs` writes; test/docs/generated.spec.ts checks them against the code. */
export const GENERATED_PAGES = ["docs/config-reference.md", "docs/policy-pack-rules.md"];

/**
 * The hand-written pages' text joined, for checks that hold across the docs (a command shown exactly
 * once, commands shown with the generated pack config).
 */
export function allDocs(): string {
  return [...docPages()]
    .filter(([file]) => !GENERATED_PAGES.includes(file))
    .map(([, text]) => text)
    .join("\n");
}
