/**
 * From a role's trust policy to the EventBridge pattern that matches the assumptions the trust does
 * NOT allow: who may call is read from the same document IAM evaluates, so the alert and the role
 * never disagree. Matching uses EventBridge content filtering (`anything-but` lists, `$or`).
 *
 * What the role's own account sees of a caller (it is where the rule runs: AWS records an AssumeRole in
 * the role's account, and EventBridge delivers it there): for a principal of another account only the
 * account and the principal's unique ID (`userIdentity.type` `AWSAccount`), for a service
 * `invokedBy`, for web identity the token's `sub` (`userIdentity.userName`), for SAML the provider
 * (`requestParameters.principalArn`). So AWS callers are matched by account: which principal of an
 * allowed account may enter is enforced by IAM itself (the trust stores the principal's unique ID);
 * the offline `npm run trail` check names the exact principal.
 */

/** Who a trust policy lets in, as the role's account sees callers. */
export interface AllowedCallers {
  /** Accounts of the AWS principals (roots, roles, users) the trust names. */
  readonly accounts: string[];
  readonly services: string[];
  /** OIDC subjects allowed, per provider (the trust's `Federated` ARN); `undefined` subjects: any subject. */
  readonly webIdentity: { readonly provider: string; readonly host: string; readonly subjects?: string[] }[];
  readonly samlProviders: string[];
  /** `Principal: "*"`: every caller is allowed, nothing to alert on. */
  readonly anyone: boolean;
}

export const ASSUME_ROLE_EVENTS = ["AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"];

/** `userIdentity.type` values of AWS principals calling AssumeRole (CloudTrail userIdentity reference). */
const AWS_CALLER_TYPES = ["AWSAccount", "IAMUser", "AssumedRole", "Root", "FederatedUser"];

/** EventBridge's default event pattern quota (adjustable up to 4,096 characters). */
export const DEFAULT_MAX_PATTERN_CHARACTERS = 2048;
export const MAX_PATTERN_CHARACTERS = 4096;

const list = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
const unique = (values: string[]) => [...new Set(values)].sort();

/** Reads the Allow statements granting AssumeRole* of a resolved trust policy. */
export function allowedCallers(trust: unknown): AllowedCallers {
  const accounts: string[] = [];
  const services: string[] = [];
  const saml: string[] = [];
  const web = new Map<string, { host: string; subjects?: Set<string> }>();
  let anyone = false;
  const statements = list((trust as { Statement?: unknown } | undefined)?.Statement);
  for (const raw of statements) {
    const s = raw as Record<string, unknown>;
    if (s.Effect !== "Allow") continue;
    if (!list(s.Action).some((a) => typeof a === "string" && /^sts:(AssumeRole\w*|\*)$|^\*$/.test(a)))
      continue;
    const principal = s.Principal;
    if (principal === "*") {
      anyone = true;
      continue;
    }
    const p = (principal ?? {}) as Record<string, unknown>;
    for (const aws of list(p.AWS)) {
      if (aws === "*") anyone = true;
      else if (typeof aws === "string") {
        const account = /^\d{12}$/.test(aws) ? aws : aws.split(":")[4];
        if (account !== undefined && /^\d{12}$/.test(account)) accounts.push(account);
      }
    }
    for (const service of list(p.Service)) if (typeof service === "string") services.push(service);
    for (const federated of list(p.Federated)) {
      if (typeof federated !== "string") continue;
      if (federated.includes(":saml-provider/")) {
        saml.push(federated);
        continue;
      }
      const host = federated.includes(":oidc-provider/") ? federated.split(":oidc-provider/")[1] : federated;
      const subjects = subjectsOf(s.Condition, host);
      const known = web.get(federated);
      if (subjects === undefined) web.set(federated, { host });
      else if (known === undefined || known.subjects !== undefined) {
        const set = known?.subjects ?? new Set<string>();
        for (const sub of subjects) set.add(sub);
        web.set(federated, { host, subjects: set });
      }
    }
  }
  return {
    accounts: unique(accounts),
    services: unique(services),
    webIdentity: [...web.entries()]
      .map(([provider, w]) =>
        w.subjects === undefined
          ? { provider, host: w.host }
          : { provider, host: w.host, subjects: [...w.subjects].sort() },
      )
      .sort((a, b) => a.provider.localeCompare(b.provider)),
    samlProviders: unique(saml),
    anyone,
  };
}

/** The `<host>:sub` values a statement pins (StringEquals/StringLike); undefined when it pins none. */
function subjectsOf(condition: unknown, host: string): string[] | undefined {
  if (condition === null || typeof condition !== "object") return undefined;
  const out: string[] = [];
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!/^(StringEquals|StringLike)$/.test(operator) || block === null || typeof block !== "object")
      continue;
    for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
      if (k.toLowerCase() === `${host}:sub`.toLowerCase())
        out.push(...list(v).filter((x): x is string => typeof x === "string"));
    }
  }
  return out.length === 0 ? undefined : out;
}

/** `{ field: [{ "anything-but": values }] }`, or no condition at all when nothing is allowed. */
function notIn(field: string, values: string[]): Record<string, unknown> {
  return values.length === 0 ? {} : { [field]: [{ "anything-but": values }] };
}

/**
 * The EventBridge pattern that matches assumptions of `roleArn` by callers `allowed` does not list;
 * `undefined` when the trust lets anyone in (nothing can be unexpected). `roleArn` may be a list
 * (roles with the same allowed callers) or a CloudFormation `Fn::Sub` object in a StackSet template.
 */
export function unexpectedAssumptionPattern(
  roleArn: unknown,
  allowed: AllowedCallers,
): Record<string, unknown> | undefined {
  if (allowed.anyone) return undefined;
  // Subjects compare exactly (the program's trusts pin exact subjects: iam/trust.ts refuses
  // wildcards); a provider trusted for any subject, or with StringLike subjects, is matched by
  // provider only (`userIdentity.identityProvider` is the IAM OIDC provider's ARN).
  const bySubject = allowed.webIdentity.every(
    (w) => w.subjects !== undefined && !w.subjects.some((x) => /[*?]/.test(x)),
  );
  const webIdentity = bySubject
    ? {
        userIdentity: {
          type: ["WebIdentityUser"],
          ...notIn("userName", unique(allowed.webIdentity.flatMap((w) => w.subjects ?? []))),
        },
      }
    : {
        userIdentity: {
          type: ["WebIdentityUser"],
          ...notIn("identityProvider", unique(allowed.webIdentity.map((w) => w.provider))),
        },
      };
  const branches: Record<string, unknown>[] = [
    { userIdentity: { type: AWS_CALLER_TYPES, ...notIn("accountId", allowed.accounts) } },
    { userIdentity: { type: ["AWSService"], ...notIn("invokedBy", allowed.services) } },
    {
      userIdentity: { type: ["SAMLUser"] },
      ...(allowed.samlProviders.length === 0
        ? {}
        : { requestParameters: notIn("principalArn", allowed.samlProviders) }),
    },
    webIdentity,
  ];
  return {
    source: ["aws.sts"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["sts.amazonaws.com"],
      eventName: ASSUME_ROLE_EVENTS,
      requestParameters: { roleArn: Array.isArray(roleArn) ? roleArn : [roleArn] },
      $or: branches,
    },
  };
}

/** Thrown when a role's pattern does not fit EventBridge's pattern quota. */
export class PatternTooLargeError extends Error {}

/**
 * Serialises a pattern and checks it against the quota. `measureAs` replaces values that are
 * CloudFormation intrinsics with what they become (an ARN of the longest form) before measuring.
 */
export function checkedPattern(
  roleName: string,
  pattern: Record<string, unknown>,
  maxCharacters: number,
  measureAs?: string,
): string {
  const text = JSON.stringify(pattern);
  const measured =
    measureAs === undefined
      ? text
      : JSON.stringify(pattern, (_k, v: unknown) => (isIntrinsic(v) ? measureAs : v));
  if (measured.length > maxCharacters) {
    throw new PatternTooLargeError(
      `the assumption alert pattern of role ${roleName} is ${measured.length} characters and EventBridge accepts ${maxCharacters} (org-access:observability.maxPatternCharacters); its trust names too many callers for one rule: raise the EventBridge "event pattern size" quota to ${MAX_PATTERN_CHARACTERS} and set maxPatternCharacters, or trust fewer accounts or subjects`,
    );
  }
  return text;
}

function isIntrinsic(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).some((k) => k.startsWith("Fn::") || k === "Ref")
  );
}
