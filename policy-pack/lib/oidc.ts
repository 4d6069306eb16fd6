import { PackConfig } from "./config";
import { Statement } from "./document";
import { ADVERSARY, instantiate, keysAdmit, testsKey } from "./requests";

/**
 * Web identity (OIDC) trusts, judged by the tokens an adversary can get from the same issuer: another
 * organization, repository, group, project, workspace, namespace or identity pool, a token for another
 * audience, a token without the claim. Each issuer's subject grammar says what a subject's *scope* is
 * (GitHub `repo:OWNER/REPO:...` in both the name and the immutable `OWNER@id/REPO@id` forms, GitLab
 * `project_path:GROUP/PROJECT:...`, Terraform Cloud `organization:ORG:...:workspace:WS:...`, EKS
 * `system:serviceaccount:NAMESPACE:NAME`); a token whose scope is not one the trust names exactly gets
 * in only if the trust is too wide. Cognito's documented trust scopes by `aud` (the identity pool) and
 * `amr`, with no `sub`.
 */

const BUILTIN_WEB_IDENTITY = [
  "accounts.google.com",
  "graph.facebook.com",
  "www.amazon.com",
  "cognito-identity.amazonaws.com",
];

/** The issuer host an OIDC federated principal stands for, or undefined (SAML and others). */
export function oidcHost(federated: string): string | undefined {
  const m = /^arn:aws[\w-]*:iam::[^:]*:oidc-provider\/(.+)$/.exec(federated.trim());
  if (m) return m[1];
  const v = federated.trim().toLowerCase();
  return BUILTIN_WEB_IDENTITY.includes(v) ? v : undefined;
}

interface Issuer {
  readonly name: string;
  /** The literal start of every subject the issuer signs (`repo:`); a wildcard inside it lets an adversary complete it. */
  readonly prefix: string;
  /** Whether the trust must test `sub` at all (Cognito scopes by aud). */
  readonly needsSub: boolean;
  /** The part of a subject that says whose workload it is; undefined when the subject has no such part. */
  readonly scope: (sub: string) => string | undefined;
  /** Subjects an adversary can get a token for (another tenant). */
  readonly adversaries: readonly { sub: string; who: string }[];
  /**
   * What an adversary puts where a policy value has a wildcard: a plain value, and the rest of a
   * subject of another tenant. Only results that are well-formed subjects (their scope parses) count.
   */
  readonly fillers: readonly string[];
  /** Words for a scope in messages: `repository`, `project`, ... */
  readonly scopeName: string;
  /** The example the fix names. */
  readonly example: string;
}

const GITHUB: Issuer = {
  prefix: "repo:",
  name: "GitHub",
  needsSub: true,
  scope: (sub) => {
    const m = /^repo:([^/:*?]+)\/([^/:*?]+)(:.*)?$/.exec(sub);
    return m ? `${m[1]}/${m[2]}` : undefined;
  },
  adversaries: [
    {
      sub: "repo:zz-adversary-org/zz-adversary-repo:ref:refs/heads/main",
      who: "a repository of another GitHub organization",
    },
    {
      sub: "repo:zz-adversary-org@99999999/zz-adversary-repo@99999998:ref:refs/heads/main",
      who: "a repository of another GitHub organization (immutable subject)",
    },
    {
      sub: "repo:zz-adversary-org/zz-adversary-repo:environment:prod",
      who: "an environment of another GitHub organization's repository",
    },
    {
      sub: "repo:zz-adversary-org/zz-adversary-repo:pull_request",
      who: "a pull request of another GitHub organization's repository",
    },
  ],
  fillers: [
    "zz-adversary-org/zz-adversary-repo:ref:refs/heads/main",
    "/zz-adversary-repo:ref:refs/heads/main",
  ],
  scopeName: "repository",
  example: '"repo:ORG/REPO:environment:prod" (or "repo:ORG@id/REPO@id:...")',
};

const GITLAB: Issuer = {
  prefix: "project_path:",
  name: "GitLab",
  needsSub: true,
  scope: (sub) => /^project_path:([^:*?]+)(:.*)?$/.exec(sub)?.[1],
  adversaries: [
    {
      sub: "project_path:zz-adversary-group/zz-adversary-project:ref_type:branch:ref:main",
      who: "a project of another GitLab group",
    },
  ],
  fillers: ["zz-adversary-group/zz-adversary-project:ref_type:branch:ref:main", "/zz-adversary-project"],
  scopeName: "project",
  example: '"project_path:GROUP/PROJECT:ref_type:branch:ref:main"',
};

const TERRAFORM: Issuer = {
  prefix: "organization:",
  name: "Terraform Cloud",
  needsSub: true,
  scope: (sub) => {
    const m = /^organization:([^:*?]+):project:([^:]+):workspace:([^:*?]+):run_phase:([^:]+)$/.exec(sub);
    return m ? `${m[1]}/${m[3]}` : undefined;
  },
  adversaries: [
    {
      sub: "organization:zz-adversary-org:project:Default Project:workspace:zz-adversary-ws:run_phase:apply",
      who: "a workspace of another Terraform Cloud organization",
    },
  ],
  fillers: [
    "zz-adversary-org:project:Default Project:workspace:zz-adversary-ws:run_phase:apply",
    "project:Default Project:workspace:zz-adversary-ws:run_phase:apply",
    "workspace:zz-adversary-ws:run_phase:apply",
    "zz-adversary-ws:run_phase:apply",
  ],
  scopeName: "workspace",
  example: '"organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:apply"',
};

const EKS: Issuer = {
  prefix: "system:serviceaccount:",
  name: "EKS",
  needsSub: true,
  scope: (sub) => /^system:serviceaccount:([^:*?]+:[^:*?]+)$/.exec(sub)?.[1],
  adversaries: [
    {
      sub: "system:serviceaccount:zz-adversary-ns:zz-adversary-sa",
      who: "a service account of another namespace",
    },
  ],
  fillers: ["zz-adversary-ns:zz-adversary-sa"],
  scopeName: "service account",
  example: '"system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT"',
};

const COGNITO: Issuer = {
  prefix: "",
  name: "Cognito",
  needsSub: false,
  scope: () => undefined,
  adversaries: [],
  fillers: [],
  scopeName: "identity",
  example: "",
};

const GENERIC: Issuer = {
  prefix: "",
  name: "OIDC",
  needsSub: true,
  scope: (sub) => sub,
  adversaries: [{ sub: "zz-adversary-subject", who: "another subject of the issuer" }],
  fillers: [],
  scopeName: "subject",
  example: "the exact subject",
};

function issuerOf(host: string): Issuer {
  const h = host.toLowerCase();
  const base = h.split("/")[0];
  if (base === "token.actions.githubusercontent.com") return GITHUB;
  if (base === "cognito-identity.amazonaws.com") return COGNITO;
  if (/^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com$/.test(base)) return EKS;
  if (base === "app.terraform.io" || base.includes("terraform")) return TERRAFORM;
  if (base.includes("gitlab")) return GITLAB;
  return GENERIC;
}

/** Wildcards of one value filled in every combination up to this many; beyond, one fill for each. */
const MAX_ENUMERATED_WILDCARDS = 3;

/**
 * Subjects an adversary can present that a policy value with wildcards matches: each `*` filled with
 * an adversary's value (alone, or closing a part of the subject with `:` or `/`), the rest of another tenant's subject, or, where the wildcard sits inside the
 * issuer's literal prefix (`rep*`, `repo*acme`), the rest of that prefix followed by an adversary's
 * owner; each `?` with a letter, a separator, or the prefix's own next character. The caller keeps
 * those whose scope parses and is not one the trust names.
 */
function adversarySubjects(value: string, issuer: Issuer): string[] {
  const parts = value.split(/([*?])/);
  const wildcards = parts.filter((p, i) => i % 2 === 1).length;
  if (wildcards === 0) return [value];
  // An adversary's value alone, or ending a grammar part so the pattern's rest is the subject's tail.
  const fills = [ADVERSARY.value, `${ADVERSARY.value}:`, `${ADVERSARY.value}/`, ...issuer.fillers];
  if (wildcards > MAX_ENUMERATED_WILDCARDS) return fills.map((f) => instantiate(value, f));
  let partial: string[] = [parts[0]];
  for (let i = 1; i < parts.length; i += 2) {
    const next: string[] = [];
    for (const before of partial) {
      const inPrefix = before.length < issuer.prefix.length && issuer.prefix.startsWith(before);
      const rest = inPrefix ? issuer.prefix.slice(before.length) : "";
      const options =
        parts[i] === "*"
          ? [...fills, "", ...(inPrefix ? fills.map((f) => rest + f) : [])]
          : ["z", ":", "/", ...(inPrefix ? [rest[0]] : [])];
      for (const o of new Set(options)) next.push(before + o + parts[i + 1]);
    }
    partial = next;
  }
  return partial;
}

function positiveValues(s: Statement, key: string): string[] {
  return s.conditions
    .filter((c) => c.keyLower === key && !c.base.includes("not") && c.base !== "null" && c.allLiteral)
    .flatMap((c) => c.values);
}

function operatorsOn(s: Statement, key: string): string {
  return s.conditions
    .filter((c) => c.keyLower === key)
    .map((c) => c.operator)
    .join(", ");
}

/** Why the statement lets in a token it must keep out, one phrase per way in; empty when it keeps them all out. */
export function oidcProblems(s: Statement, host: string, cfg: PackConfig): string[] {
  const issuer = issuerOf(host);
  const aud = `${host}:aud`.toLowerCase();
  const sub = `${host}:sub`.toLowerCase();
  const problems: string[] = [];

  // Another audience: a token the issuer minted for someone else's application.
  if (!testsKey(s, [aud])) {
    problems.push(`no ${host}:aud condition (the token's audience)`);
  } else {
    const intended = positiveValues(s, aud).filter((v) => v.length > 0 && !/[*?]/.test(v));
    const candidates = [
      issuer === COGNITO ? "us-east-1:00000000-0000-0000-0000-zzadversary0" : "zz-adversary-audience",
      ...s.conditions.filter((c) => c.keyLower === aud).flatMap((c) => c.values.map((v) => instantiate(v))),
    ].filter((v) => !intended.includes(v));
    const admitted = candidates.find((v) => keysAdmit(s, [aud], { [aud]: v }));
    if (admitted !== undefined)
      problems.push(
        `${host}:aud (${operatorsOn(s, aud)}) admits a token for audience ${JSON.stringify(admitted)}`,
      );
    else if (keysAdmit(s, [aud], {}))
      problems.push(`${operatorsOn(s, aud)} on ${host}:aud lets a token without the claim through`);
  }
  if (!issuer.needsSub) return problems;

  // Another tenant of the same issuer: a subject whose scope the trust does not name exactly.
  if (!testsKey(s, [sub])) {
    problems.push(`no ${host}:sub condition (which workload the token is for)`);
    return problems;
  }
  const orgWide = cfg.allowOrgWideGithubSubjects;
  // A subject's scope is intended when a positive test names it without a wildcard (`repo:acme/infra:*`).
  const intendedScopes = new Set(
    positiveValues(s, sub)
      .map(issuer.scope)
      .filter((v): v is string => v !== undefined && !/[*?]/.test(v)),
  );
  const isIntended = (candidate: string) => {
    const scope = issuer.scope(candidate);
    if (scope === undefined) return false;
    if (intendedScopes.has(scope)) return true;
    if (issuer !== GITHUB) return false;
    const owner = scope.split("/")[0].split("@")[0].toLowerCase();
    return orgWide === true || (Array.isArray(orgWide) && orgWide.some((o) => o.toLowerCase() === owner));
  };
  const candidates: { sub: string; who: string }[] = [...issuer.adversaries];
  for (const c of s.conditions.filter((e) => e.keyLower === sub)) {
    for (const v of c.values) {
      for (const candidate of adversarySubjects(v, issuer)) {
        const scope = issuer.scope(candidate);
        // A subject no issuer would sign (its scope does not parse) is no adversary's token.
        if (scope !== undefined) candidates.push({ sub: candidate, who: `${issuer.scopeName} ${scope}` });
      }
    }
  }
  const admitted = candidates.find((c) => !isIntended(c.sub) && keysAdmit(s, [sub], { [sub]: c.sub }));
  if (admitted !== undefined) {
    problems.push(
      `${host}:sub (${operatorsOn(s, sub)}) admits a token for ${JSON.stringify(admitted.sub)} (${admitted.who})`,
    );
  } else if (keysAdmit(s, [sub], {})) {
    problems.push(`${operatorsOn(s, sub)} on ${host}:sub lets a token without the claim through`);
  }
  return problems;
}

/** The fix each issuer's message names. */
export function oidcFix(host: string): string {
  const issuer = issuerOf(host);
  if (issuer === COGNITO)
    return `Require "StringEquals": {"${host}:aud": "<identity pool ID>"} (and "ForAnyValue:StringLike": {"${host}:amr": "authenticated"} for signed-in users)`;
  return `Require ${host}:aud (StringEquals "sts.amazonaws.com" for GitHub and EKS) and ${host}:sub scoped to one ${issuer.scopeName} with StringEquals or StringLike, e.g. ${issuer.example}; every value of a list must be scoped`;
}
