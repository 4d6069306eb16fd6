import { PolicyResource } from "@pulumi/policy";
import { asList, parsePolicyDocument, PolicyDocument } from "./document";
import { TYPES, knownString, stringProp } from "./policy";

/** Where a stack's managed policies end up: their documents by ARN and every way they attach to roles. */

/** Customer managed policies of the stack, by ARN (when the ARN is known). */
export function customerPolicyDocuments(resources: readonly PolicyResource[]): Map<string, PolicyDocument> {
  const out = new Map<string, PolicyDocument>();
  for (const p of resources.filter((r) => r.type === TYPES.policy)) {
    const arn = knownString(p.props, "arn");
    if (arn !== undefined) out.set(arn, parsePolicyDocument(p.props.policy));
  }
  return out;
}

export interface RoleAttachment {
  readonly resource: PolicyResource;
  /** The role as the attachment names it (a name, or a Role's name when given as a resource). */
  readonly role: unknown;
  readonly policyArn: string;
  /** How it attaches: `attachment`, `policy attachment`, `exclusive attachments`. */
  readonly via: string;
}

/**
 * Every managed policy attached to a role, whichever resource attaches it: `RolePolicyAttachment`
 * (role, policyArn), `PolicyAttachment` (roles[], policyArn) and `RolePolicyAttachmentsExclusive`
 * (roleName, policyArns[]).
 */
export function roleAttachments(resources: readonly PolicyResource[]): RoleAttachment[] {
  const out: RoleAttachment[] = [];
  const seen = new Set<string>();
  const push = (a: RoleAttachment) => {
    // A many-target attachment and the one-target attachments that stand for it (coverage.ts) are one.
    let role = typeof a.role === "string" ? a.role : "";
    try {
      if (typeof a.role !== "string") role = JSON.stringify(a.role) ?? "";
    } catch {
      role = "(unreadable)";
    }
    const key = `${a.resource.name}\u0000${role}\u0000${a.policyArn}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(a);
  };
  for (const r of resources) {
    if (r.type === TYPES.rolePolicyAttachment) {
      const arn = stringProp(r.props, "policyArn");
      if (arn !== undefined) push({ resource: r, role: r.props.role, policyArn: arn, via: "attachment" });
    } else if (r.type === TYPES.policyAttachment) {
      const arn = stringProp(r.props, "policyArn");
      if (arn === undefined) continue;
      for (const role of asList(r.props.roles))
        push({ resource: r, role, policyArn: arn, via: "policy attachment" });
    } else if (r.type === TYPES.rolePolicyAttachmentsExclusive) {
      for (const arn of asList(r.props.policyArns)) {
        if (typeof arn === "string")
          push({ resource: r, role: r.props.roleName, policyArn: arn, via: "exclusive attachments" });
      }
    }
  }
  return out;
}
