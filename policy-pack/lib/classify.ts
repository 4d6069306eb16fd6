import {
  ACCESS_LEVELS,
  AccessLevel,
  ActionInfo,
  actionPatternMatches,
  allActions,
  expandActions,
  serviceActions,
  isReadOnlyLevel as isReadLevel,
} from "./actions";
import {
  NormalizedContext,
  arnParts,
  conditionEntryMatches,
  normalizeContext,
  wildcardMatch,
} from "./conditions";
import { PolicyDocument, Statement, parsePolicyDocument } from "./document";
import { ADVERSARY, adversaryRoleArn } from "./adversary";
import { awsManagedPolicy, awsManagedPolicyDocument } from "./managed-policies";

/**
 * What a policy grants, by meaning: every Allow statement's actions expanded against the AWS service
 * reference (wildcards anywhere, `NotAction`), less what unconditional Deny statements on every
 * resource take away, then judged as the strongest of
 *
 * - `admin-equivalent`: every action on every resource, or IAM permissions management that lets the
 *   holder grant itself anything (attach or put a policy, edit a policy's version, rewrite a trust)
 *   on any role, user, group or policy;
 * - `privilege-escalating`: other permissions management on IAM, Organizations or STS;
 *   `iam:PassRole` on any role without an `iam:PassedToService` that pins the services;
 *   `sts:AssumeRole` on any role of any account (no exact `aws:ResourceOrgID`/`aws:ResourceAccount`);
 * - `write`: any other Write, Tagging or permissions-management action (or an action the reference
 *   does not know, whose level cannot be read);
 * - `read-only`: only List and Read actions, or nothing. The service reference files a few reading
 *   actions under Write or Permissions management (`iot:ListSubscriptions`, `s3express:CreateSession`)
 *   and lacks some that AWS's own read-only policies still grant: an action that `ReadOnlyAccess`,
 *   `SecurityAudit` or `job-function/ViewOnlyAccess` grants counts as Read, so those policies (and a
 *   subset of them) are read-only by the same measure.
 *
 * The restricting conditions are judged by the condition evaluator against an adversarial request
 * (a service nobody named, a role in a foreign account of a foreign organization, the
 * AdministratorAccess policy), so `StringLike "*.amazonaws.com"`, a negated operator or `IfExists`
 * restrict nothing. Other conditions (region, tags, MFA) do not lower the verdict: the holder can
 * usually meet them. Statements with an Effect other than `Deny` count as grants (IAM refuses a
 * missing or misspelt Effect; the pack never assumes it safe).
 */

export const VERDICTS = ["read-only", "write", "privilege-escalating", "admin-equivalent"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Why a statement weighs what it does, for callers that filter reasons. */
export type ReasonKind =
  | "all-actions"
  | "self-grant"
  | "permissions-management"
  | "pass-role"
  | "assume-any-role"
  | "not-action"
  | "write"
  | "unknown-action";

export interface ClassificationReason {
  readonly verdict: Verdict;
  readonly kind: ReasonKind;
  /** How messages name the statement (`Statement "Sid"` or `Statement[2]`), prefixed by the policy when known. */
  readonly statement: string;
  /** The actions (as the reference spells them) or patterns the reason is about. */
  readonly actions: readonly string[];
  /** One readable sentence: the statement, the actions, and why they weigh that much. */
  readonly message: string;
}

export interface Classification {
  /** The strongest verdict of any statement (`read-only` for a policy that grants nothing). */
  readonly verdict: Verdict;
  /** Every reason above read-only, strongest first. */
  readonly reasons: readonly ClassificationReason[];
  /** Access levels of the actions granted. */
  readonly accessLevels: readonly AccessLevel[];
  /** Action patterns of Allow statements that match nothing in the service reference. */
  readonly unknownActions: readonly string[];
  /** Problems that make the document unreadable as a whole (bad JSON, no Statement). */
  readonly problems: readonly string[];
}

/** The rank of a verdict (read-only 0 ... admin-equivalent 3), for comparisons. */
export function verdictRank(v: Verdict): number {
  return VERDICTS.indexOf(v);
}

/** IAM permissions management that lets the holder grant itself any permission. */
const SELF_GRANTING_IAM = [
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:CreatePolicyVersion",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:UpdateAssumeRolePolicy",
];

const PRIVILEGED_SERVICES = ["iam", "organizations", "sts"];

const IAM_TYPES = ["role", "user", "group", "policy"];

/** Does the statement cover some IAM role, user, group or policy nobody named (in any one account)? */
function coversAnyIamResource(s: Statement): boolean {
  const named = (t: string) => `${t}/adversary-chosen-${t}`;
  if (s.hasNotResource)
    return IAM_TYPES.some((t) => statementCoversResource(s, `arn:aws:iam::${ADVERSARY.account}:${named(t)}`));
  return s.resources.some((r) => {
    if (/^\*+$/.test(r.trim())) return true;
    const p = arnParts(r.trim());
    return (
      p !== undefined && wildcardMatch(p[2], "iam") && IAM_TYPES.some((t) => wildcardMatch(p[5], named(t)))
    );
  });
}
const ANY_ROLE = adversaryRoleArn();

/** Requests an adversary chooses for the restricting keys of each sensitive action. */
const PASS_ROLE_REQUEST = normalizeContext({ "iam:PassedToService": "adversary-chosen.amazonaws.com" });
const ASSUME_ANY_ROLE_REQUEST = normalizeContext({
  "aws:ResourceAccount": ADVERSARY.account,
  "aws:ResourceOrgID": ADVERSARY.organizationId,
  "aws:ResourceOrgPaths": [`${ADVERSARY.organizationId}/r-zzzz/ou-zzzz-zzzzzzzz/`],
});
const ATTACH_ADMIN_REQUEST = normalizeContext({
  "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
});

/** Keys that restrict a sensitive action; conditions on other keys do not lower the verdict. */
const RESTRICTING_KEYS: Record<string, readonly string[]> = {
  passrole: ["iam:passedtoservice", "iam:associatedresourcearn"],
  assumerole: ["aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"],
  selfgrant: ["iam:policyarn", "iam:permissionsboundary"],
};

/** AWS's own read-only managed policies: what they grant is reading by AWS's definition. */
export const AWS_READ_ONLY_POLICIES = ["ReadOnlyAccess", "SecurityAudit", "job-function/ViewOnlyAccess"];

/** Their Allow action patterns by service prefix (`*` for patterns with a wildcard in the prefix). */
let readOnlyPatterns: Map<string, string[]> | undefined;

const grantedAsRead = new Map<string, boolean>();

/** True when an action (or an action pattern, read literally) is granted by AWS's read-only policies. */
export function awsGrantsAsRead(action: string): boolean {
  if (readOnlyPatterns === undefined) {
    readOnlyPatterns = new Map();
    for (const name of AWS_READ_ONLY_POLICIES) {
      const doc = parsePolicyDocument(awsManagedPolicyDocument(name) ?? {});
      for (const st of doc.statements) {
        if (st.effect !== "Allow" || st.hasNotAction) continue;
        for (const p of st.actions) {
          const prefix = p.split(":")[0].toLowerCase();
          const key = /[*?]/.test(prefix) ? "*" : prefix;
          const list = readOnlyPatterns.get(key);
          if (list === undefined) readOnlyPatterns.set(key, [p]);
          else list.push(p);
        }
      }
    }
  }
  const known = grantedAsRead.get(action);
  if (known !== undefined) return known;
  const prefix = action.split(":")[0].toLowerCase();
  const matches = (patterns: readonly string[] | undefined) =>
    patterns !== undefined && patterns.some((p) => actionPatternMatches(p, action));
  const out = matches(readOnlyPatterns.get(prefix)) || matches(readOnlyPatterns.get("*"));
  if (grantedAsRead.size >= 65536) grantedAsRead.clear();
  grantedAsRead.set(action, out);
  return out;
}

function restrictingConditionsPass(s: Statement, keys: readonly string[], ctx: NormalizedContext): boolean {
  return s.conditions.filter((c) => keys.includes(c.keyLower)).every((c) => conditionEntryMatches(c, ctx));
}

/** Does the statement's Resource (or NotResource) cover this ARN? Resource ARNs match case-sensitively. */
export function statementCoversResource(s: Statement, arn: string): boolean {
  const matches = (pattern: string) => {
    const p = pattern.trim();
    if (/^\*+$/.test(p)) return true;
    const pp = arnParts(p);
    const ap = arnParts(arn);
    if (pp === undefined || ap === undefined) return wildcardMatch(p, arn);
    return pp.every((part, i) => wildcardMatch(part, ap[i]));
  };
  if (s.hasNotResource) return !s.notResources.some(matches);
  return s.resources.some(matches);
}

function isAllPattern(p: string): boolean {
  const t = p.trim();
  return /^\*+$/.test(t) || /^\*+:\*+$/.test(t);
}

/** The actions an Allow statement grants, as the reference knows them, and its unknown patterns. */
function grantedActions(s: Statement): { actions: readonly ActionInfo[]; unknown: string[]; all: boolean } {
  if (s.hasNotAction) {
    const actions = expandActions(s.notActions, { not: true });
    return { actions, unknown: [], all: s.notActions.length === 0 };
  }
  const all = s.actions.some(isAllPattern);
  const actions = expandActions(all ? ["*"] : s.actions);
  const unknown = all ? [] : s.actions.filter((p) => expandActions([p]).length === 0);
  return { actions, unknown, all };
}

/** Services whose actions the verdicts above read one by one. */
const SENSITIVE_SERVICES = ["iam", "organizations", "sts"];

/** How many actions of each access level the whole reference has (read once). */
let levelTotals: Map<AccessLevel, number> | undefined;

/**
 * A NotAction grant without reading every action one by one: what it leaves of the sensitive
 * services, how many actions it leaves, and which access levels remain.
 */
function notActionGrant(s: Statement): {
  actions: readonly ActionInfo[];
  unknown: string[];
  all: boolean;
  count: number;
  levels: Set<AccessLevel>;
} {
  const excludedList = expandActions(s.notActions);
  const excluded = new Set(excludedList.map((a) => a.action));
  if (levelTotals === undefined) {
    levelTotals = new Map();
    for (const a of allActions())
      for (const l of a.accessLevels) levelTotals.set(l, (levelTotals.get(l) ?? 0) + 1);
  }
  const excludedLevels = new Map<AccessLevel, number>();
  for (const a of excludedList)
    for (const l of a.accessLevels) excludedLevels.set(l, (excludedLevels.get(l) ?? 0) + 1);
  const levels = new Set(
    ACCESS_LEVELS.filter((l) => (levelTotals!.get(l) ?? 0) > (excludedLevels.get(l) ?? 0)),
  );
  const actions = SENSITIVE_SERVICES.flatMap((svc) => serviceActions(svc)).filter(
    (a) => !excluded.has(a.action),
  );
  return {
    actions,
    unknown: [],
    all: s.notActions.length === 0,
    count: allActions().length - excluded.size,
    levels,
  };
}

/** A Deny that takes actions away whatever the request: no condition, every resource. */
function isBlanketDeny(s: Statement): boolean {
  return (
    s.effect === "Deny" &&
    s.conditions.length === 0 &&
    !s.hasNotResource &&
    s.resources.some((r) => /^\*+$/.test(r.trim()))
  );
}

function deniedByBlanket(denies: readonly Statement[], action: string): boolean {
  return denies.some((d) =>
    d.hasNotAction
      ? !d.notActions.some((p) => actionPatternMatches(p, action))
      : d.actions.some((p) => actionPatternMatches(p, action)),
  );
}

/**
 * What a statement's actions amount to, less what the document's blanket denies take away: the part
 * of a classification that depends only on the Action/NotAction lists (the statement's and the
 * denies'), never on its resources, conditions or Effect.
 */
interface ActionProfile {
  /** Granted actions (for a NotAction grant: only those of the sensitive services). */
  readonly actions: readonly ActionInfo[];
  /** How many actions are granted in all. */
  readonly count: number;
  readonly levels: ReadonlySet<AccessLevel>;
  readonly all: boolean;
  /** Action patterns that match nothing in the reference. */
  readonly unknown: string[];
  /** Those of them AWS's read-only policies do not grant either. */
  readonly unknownNotRead: readonly string[];
  readonly selfGrant: readonly string[];
  /** Permissions management on IAM, Organizations or STS, self-granting actions excluded. */
  readonly privileged: readonly string[];
  /** Granted actions beyond List and Read (AWS's read-only policies' actions count as Read). */
  readonly writes: readonly string[];
  /** Whether iam:PassRole is granted. */
  readonly passRole: boolean;
  /** The sts:AssumeRole actions granted. */
  readonly assume: readonly string[];
}

function escalationNames(actions: readonly ActionInfo[]): Pick<ActionProfile, "passRole" | "assume"> {
  return {
    passRole: actions.some((a) => a.action === "iam:PassRole"),
    assume: actions.filter((a) => a.action === "sts:AssumeRole").map((a) => a.action),
  };
}

/**
 * Profiles by action shape. A stack repeats the same statements with other resources in every
 * account (a boundary's `Allow *` with the same denies, a caller policy per account): their actions
 * are expanded once, however many documents carry them. Bounded, oldest entry out first.
 */
const profiles = new Map<string, ActionProfile>();
const PROFILE_CACHE_SIZE = 4096;

function actionShape(s: Statement): unknown[] {
  return s.hasNotAction ? [1, s.notActions] : [0, s.actions];
}

function actionProfile(s: Statement, denies: readonly Statement[]): ActionProfile {
  const key = JSON.stringify([actionShape(s), denies.map(actionShape)]);
  const known = profiles.get(key);
  if (known !== undefined) return known;
  const readByAws = (a: ActionInfo) => !isReadLevel(a.accessLevel) && awsGrantsAsRead(a.action);
  const fast = s.hasNotAction && denies.length === 0 ? notActionGrant(s) : undefined;
  const granted = fast ?? grantedActions(s);
  const actions =
    denies.length === 0 ? granted.actions : granted.actions.filter((a) => !deniedByBlanket(denies, a.action));
  const levels = new Set<AccessLevel>();
  if (fast !== undefined) for (const l of fast.levels) levels.add(l);
  else
    for (const a of actions)
      for (const l of readByAws(a) ? (["Read"] as const) : a.accessLevels) levels.add(l);
  const names = (pred: (a: ActionInfo) => boolean) => actions.filter(pred).map((a) => a.action);
  const selfGrant = names((a) => SELF_GRANTING_IAM.includes(a.action));
  const profile: ActionProfile = {
    actions,
    count: fast?.count ?? actions.length,
    levels,
    all: granted.all,
    unknown: granted.unknown,
    unknownNotRead: granted.unknown.filter((p) => !awsGrantsAsRead(p)),
    selfGrant,
    privileged: names(
      (a) =>
        a.accessLevel === "Permissions management" &&
        PRIVILEGED_SERVICES.includes(a.service) &&
        !selfGrant.includes(a.action),
    ),
    writes: names((a) => !isReadLevel(a.accessLevel) && !readByAws(a)),
    ...escalationNames(actions),
  };
  if (profiles.size >= PROFILE_CACHE_SIZE) profiles.delete(profiles.keys().next().value as string);
  profiles.set(key, profile);
  return profile;
}

function list(actions: readonly string[], max = 5): string {
  const shown = actions.slice(0, max).join(", ");
  return actions.length > max ? `${shown} and ${actions.length - max} more` : shown;
}

function resourceText(s: Statement): string {
  return s.hasNotResource
    ? `NotResource ${JSON.stringify(s.notResources)}`
    : `Resource ${s.resources.map((r) => JSON.stringify(r)).join(", ") || "(none)"}`;
}

function actionText(s: Statement): string {
  return s.hasNotAction
    ? `NotAction ${JSON.stringify(s.notActions)}`
    : `Action ${s.actions.map((a) => JSON.stringify(a)).join(", ")}`;
}

function classifyStatement(
  s: Statement,
  label: string,
  denies: readonly Statement[],
): { reasons: ClassificationReason[]; levels: Set<AccessLevel>; unknown: string[] } {
  const reasons: ClassificationReason[] = [];
  const levels = new Set<AccessLevel>();
  const effectNote =
    s.effect === "Allow"
      ? ""
      : s.effect === ""
        ? " (it has no Effect, which IAM refuses, and it is read as a grant)"
        : ` (its Effect ${JSON.stringify(s.effect)} is not "Allow" or "Deny": IAM refuses it, and it is read as a grant)`;
  const reason = (verdict: Verdict, kind: ReasonKind, names: readonly string[], why: string) =>
    reasons.push({ verdict, kind, statement: label, actions: names, message: `${label} ${why}` });
  const admin = () =>
    reason(
      "admin-equivalent",
      "all-actions",
      ["*"],
      `allows every action (${actionText(s)}) on ${resourceText(s)}${effectNote}: full administrator access.`,
    );
  /** Passing any role and assuming any role: reported even next to full access, for the rules that ask. */
  const escalations = ({ passRole, assume }: Pick<ActionProfile, "passRole" | "assume">) => {
    if (
      passRole &&
      statementCoversResource(s, ANY_ROLE) &&
      restrictingConditionsPass(s, RESTRICTING_KEYS.passrole, PASS_ROLE_REQUEST)
    ) {
      reason(
        "privilege-escalating",
        "pass-role",
        ["iam:PassRole"],
        `allows iam:PassRole on ${resourceText(s)} without an iam:PassedToService condition naming the services${effectNote}: the holder can hand any role, administrators included, to a service it controls.`,
      );
    }
    if (
      assume.length > 0 &&
      statementCoversResource(s, ANY_ROLE) &&
      restrictingConditionsPass(s, RESTRICTING_KEYS.assumerole, ASSUME_ANY_ROLE_REQUEST)
    ) {
      reason(
        "privilege-escalating",
        "assume-any-role",
        assume,
        `allows sts:AssumeRole on ${resourceText(s)}${effectNote}: any role of any account that trusts the holder, now or later, including roles outside the organization (no exact aws:ResourceOrgID or aws:ResourceAccount).`,
      );
    }
  };
  const everyResource = statementCoversResource(s, ANY_ROLE);
  if (!s.hasNotAction && s.actions.some(isAllPattern) && denies.length === 0 && everyResource) {
    // Every action: nothing to expand (and no need to read the whole reference for it).
    admin();
    escalations(escalationNames(SENSITIVE_SERVICES.flatMap((svc) => serviceActions(svc))));
    for (const l of ACCESS_LEVELS) levels.add(l);
    return { reasons, levels, unknown: [] };
  }
  const profile = actionProfile(s, denies);
  const { count } = profile;
  for (const l of profile.levels) levels.add(l);
  const granted = profile;
  const everything = (granted.all || s.hasNotAction) && count === allActions().length;
  if (everything && everyResource) {
    admin();
    escalations(profile);
    return { reasons, levels, unknown: granted.unknown };
  }
  if (s.hasNotAction && count > 0) {
    reason(
      "write",
      "not-action",
      s.notActions,
      `allows every action except ${JSON.stringify(s.notActions)} (NotAction) on ${resourceText(s)}${effectNote}: ${count} actions, including any AWS adds later.`,
    );
  }

  const selfGrant = profile.selfGrant;
  if (
    selfGrant.length > 0 &&
    coversAnyIamResource(s) &&
    restrictingConditionsPass(s, RESTRICTING_KEYS.selfgrant, ATTACH_ADMIN_REQUEST)
  ) {
    reason(
      "admin-equivalent",
      "self-grant",
      selfGrant,
      `allows ${list(selfGrant)} on ${resourceText(s)}${effectNote}: IAM permissions management on any role, user, group or policy lets the holder grant itself any permission, AdministratorAccess included.`,
    );
  }
  const privileged = profile.privileged;
  const privilegedAll = [
    ...(reasons.some((r) => r.verdict === "admin-equivalent") ? [] : selfGrant),
    ...privileged,
  ];
  if (privilegedAll.length > 0) {
    reason(
      "privilege-escalating",
      "permissions-management",
      privilegedAll,
      `allows ${list(privilegedAll)} on ${resourceText(s)}${effectNote}: permissions management on IAM, Organizations or STS changes what principals may do.`,
    );
  }
  escalations(profile);
  const writes = profile.writes;
  if (writes.length > 0 && !s.hasNotAction) {
    reason(
      "write",
      "write",
      writes,
      `allows ${list(writes)} (${actionText(s)})${effectNote}: access beyond List and Read.`,
    );
  }
  const unknown = profile.unknownNotRead;
  if (unknown.length > 0) {
    reason(
      "write",
      "unknown-action",
      unknown,
      `allows ${list(unknown.map((u) => JSON.stringify(u)))}${effectNote}, which match no action of the AWS service reference, so their access level cannot be read.`,
    );
  }
  return { reasons, levels, unknown: granted.unknown };
}

const byText = new Map<string, Classification>();
const byDoc = new WeakMap<PolicyDocument, Classification>();

function isParsed(value: unknown): value is PolicyDocument {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as PolicyDocument).statements) &&
    "problems" in value
  );
}

/**
 * Classifies a policy document: a JSON string, a policy object, or a document `parsePolicyDocument`
 * returned. `name` (e.g. `policy arn:aws:iam::aws:policy/IAMFullAccess`) prefixes statement labels.
 */
export function classifyPolicy(document: unknown, name?: string): Classification {
  const textKey = typeof document === "string" ? `${name ?? ""}\u0000${document}` : undefined;
  if (textKey !== undefined && byText.has(textKey)) return byText.get(textKey)!;
  const doc = isParsed(document) ? document : parsePolicyDocument(document);
  if (name === undefined && byDoc.has(doc)) return byDoc.get(doc)!;
  const denies = doc.statements.filter(isBlanketDeny);
  const reasons: ClassificationReason[] = [];
  const levels = new Set<AccessLevel>();
  const unknownActions: string[] = [];
  for (const s of doc.statements) {
    if (s.effect === "Deny") continue;
    const label = name === undefined ? s.label : `${name} ${s.label}`;
    const r = classifyStatement(s, label, denies);
    reasons.push(...r.reasons);
    for (const l of r.levels) levels.add(l);
    unknownActions.push(...r.unknown);
  }
  reasons.sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict));
  const out: Classification = {
    verdict: reasons[0]?.verdict ?? "read-only",
    reasons,
    accessLevels: ACCESS_LEVELS.filter((l) => levels.has(l)),
    unknownActions,
    problems: doc.problems,
  };
  if (textKey !== undefined) {
    if (byText.size >= 1024) byText.delete(byText.keys().next().value as string);
    byText.set(textKey, out);
  } else if (name === undefined) byDoc.set(doc, out);
  return out;
}

/**
 * Classifies an AWS managed policy by name (`IAMFullAccess`, `job-function/ViewOnlyAccess`) or ARN
 * from its document in the data package; undefined when the package does not know the policy.
 */
export function classifyManagedPolicy(nameOrArn: string): Classification | undefined {
  const policy = awsManagedPolicy(nameOrArn);
  if (policy === undefined) return undefined;
  return classifyPolicy(JSON.stringify(policy.document), `AWS managed policy ${policy.name}`);
}
