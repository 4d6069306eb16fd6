import {
  PolicyDocument,
  Statement,
  conditionsOn,
  isAllow,
  isExactCondition,
  statementCoversAction,
} from "./document";

/**
 * Identity-policy checks: who may call sts:AssumeRole on which roles, and iam:PassRole scoping.
 */

/** `*`, or an ARN naming every role of any account (`arn:aws:iam::*:role/*`). */
export function isOpenRoleResource(resource: string): boolean {
  const r = resource.trim();
  if (/^[*]+$/.test(r)) return true;
  const parts = r.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  const anyAccount = parts[4] === "" || /^[*?]+$/.test(parts[4]);
  const anyRole = /^(role\/)?[*]+$/.test(parts.slice(5).join(":"));
  return anyAccount && anyRole && (parts[2] === "iam" || parts[2] === "*");
}

function scopedByResourceOwner(s: Statement): boolean {
  return ["aws:ResourceOrgID", "aws:ResourceAccount"].some((k) =>
    conditionsOn(s, k).some((c) => isExactCondition(c)),
  );
}

function passedToServiceScoped(s: Statement): boolean {
  return conditionsOn(s, "iam:PassedToService").some(
    (c) =>
      !c.ifExists &&
      c.qualifier !== "forallvalues" &&
      c.allLiteral &&
      c.values.length > 0 &&
      c.values.every((v) => !/^[*?]*$/.test(v)),
  );
}

function resourcesText(s: Statement): string {
  return s.hasNotResource
    ? `NotResource ${JSON.stringify(s.notResources)}`
    : `Resource ${s.resources.map((r) => JSON.stringify(r)).join(", ")}`;
}

export function checkAssumeRoleScoped(doc: PolicyDocument): string[] {
  const out: string[] = [];
  for (const s of doc.statements) {
    if (!isAllow(s)) continue;
    const open = s.hasNotResource || s.resources.some(isOpenRoleResource);
    if (!open) continue;
    if (statementCoversAction(s, "sts:AssumeRole") && !scopedByResourceOwner(s)) {
      out.push(
        `${s.label} allows sts:AssumeRole on ${resourcesText(s)}: the identity can assume any role in any account that trusts it, now or later. Name the approved roles, e.g. "arn:aws:iam::*:role/SecurityAccessRole", or add an exact aws:ResourceOrgID condition.`,
      );
    }
    if (statementCoversAction(s, "iam:PassRole") && !passedToServiceScoped(s)) {
      out.push(
        `${s.label} allows iam:PassRole on ${resourcesText(s)} without an iam:PassedToService condition: the identity can hand any role, including administrators, to a service it controls. Name the roles it passes, or add "StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}.`,
      );
    }
  }
  return out;
}
