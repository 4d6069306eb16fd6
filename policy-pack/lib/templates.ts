import { ResourceValidationArgs } from "@pulumi/policy";
import { providerAccount } from "./accounts";
import { THIS_ACCOUNT, TemplateRole, parseTemplate, stackParameters, templateRoles } from "./cloudformation";
import { TrustSubject } from "./trust";

/** The roles of a Stack's or StackSet's `templateBody`, or why it cannot be read. */
export interface StackTemplate {
  readonly roles: TemplateRole[];
  readonly account: string;
  readonly problem?: string;
}

export function readStackTemplate(
  args: Pick<ResourceValidationArgs, "type" | "props" | "provider">,
): StackTemplate | undefined {
  const body = args.props.templateBody;
  if (typeof body !== "string") return undefined; // templateUrl: nothing to read offline
  const isStackSet = args.type.endsWith("stackSet:StackSet");
  const account = (isStackSet ? undefined : providerAccount(args.provider)) ?? THIS_ACCOUNT;
  try {
    const template = parseTemplate(body);
    return { roles: templateRoles(template, stackParameters(args.props.parameters), account), account };
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") throw e;
    return { roles: [], account, problem: (e as Error).message };
  }
}

export function templateRoleSubject(role: TemplateRole, account: string): TrustSubject {
  return { doc: role.trust, roleName: role.roleName, ownAccount: account };
}

export function templateRoleLabel(role: TemplateRole): string {
  return `Template role ${JSON.stringify(role.logicalId)}${role.roleName === undefined ? "" : ` (${role.roleName})`}`;
}
