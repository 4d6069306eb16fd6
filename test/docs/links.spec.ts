import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { docPages } from "./pages";

/**
 * Every relative link of README.md and docs/ resolves: the file exists, and an anchor into a Markdown
 * page names one of its headings. Anchors are GitHub's: the heading's text lower-cased, punctuation
 * other than `-` and `_` dropped, spaces made `-`, and `-1`, `-2`... for repeated headings.
 */
const ROOT = path.resolve(__dirname, "..", "..");

function withoutCode(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, (s) => " ".repeat(s.length));
}

export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

function links(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z]+:/i.test(t));
}

describe("docs links", () => {
  it("resolves every relative link of README.md and docs/ to a file, and every anchor to a heading", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const [file, text] of docPages()) {
      for (const link of links(text)) {
        checked++;
        const [target, anchor] = link.split("#");
        const resolved =
          target === "" ? path.join(ROOT, file) : path.resolve(ROOT, path.dirname(file), target);
        if (!fs.existsSync(resolved)) {
          broken.push(`${file}: ${link} (no file ${path.relative(ROOT, resolved)})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith(".md")) {
          if (!anchorsOf(fs.readFileSync(resolved, "utf8")).has(anchor))
            broken.push(`${file}: ${link} (no heading)`);
        }
      }
    }
    assert.deepStrictEqual(broken, []);
    assert.ok(checked > 50, `${checked} links`);
  });

  it("resolves every docs page the code cites (comments and messages naming docs/<page>.md)", () => {
    const cited: string[] = [];
    const walk = (dir: string): string[] =>
      fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
        const rel = path.join(dir, d.name);
        if (d.isDirectory()) return d.name === "node_modules" ? [] : walk(rel);
        return d.name.endsWith(".ts") ? [rel] : [];
      });
    const missing: string[] = [];
    for (const file of ["index.ts", ...walk("components"), ...walk("tools"), ...walk("policy-pack")]) {
      for (const m of fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/\bdocs\/([\w-]+\.md)/g)) {
        cited.push(m[1]);
        if (!fs.existsSync(path.join(ROOT, "docs", m[1]))) missing.push(`${file}: docs/${m[1]}`);
      }
    }
    assert.deepStrictEqual(missing, []);
    assert.ok(cited.length > 10, `${cited.length} citations`);
  });

  it("computes GitHub's heading anchors", () => {
    assert.deepStrictEqual(
      [...anchorsOf("# Bootstrap: the one run\n## `org-access:cicd`\n## Guide mapping\n## Guide mapping\n")],
      ["bootstrap-the-one-run", "org-accesscicd", "guide-mapping", "guide-mapping-1"],
    );
  });
});
