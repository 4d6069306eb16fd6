import * as fs from "fs";
import { AccessDiff, AccessEdge, PlanReport } from "./types";

/** The review question of a pull request: which access edges does this change add or remove? */

const key = (e: Pick<AccessEdge, "principal" | "role" | "action">) =>
  `${e.principal}\u0000${e.role}\u0000${e.action}`;

export function readBaseline(file: string): Pick<PlanReport, "access"> {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PlanReport>;
  if (!Array.isArray(parsed.access)) {
    throw new Error(
      `${file} is not a plan report: it has no \`access\` list (write one with \`npm run plan -- --json\`)`,
    );
  }
  return { access: parsed.access };
}

export function diffAccess(
  baselineName: string,
  before: readonly AccessEdge[],
  after: readonly AccessEdge[],
): AccessDiff {
  const old = new Map(before.map((e) => [key(e), e]));
  const now = new Map(after.map((e) => [key(e), e]));
  return {
    baseline: baselineName,
    added: after.filter((e) => !old.has(key(e))),
    removed: before.filter((e) => !now.has(key(e))),
    changed: after
      .filter((e) => old.has(key(e)) && old.get(key(e))?.decision !== e.decision)
      .map((e) => ({ ...e, before: (old.get(key(e)) as AccessEdge).decision })),
  };
}
