import { ResourceValidationArgs } from "@pulumi/policy";
import { THIS_ACCOUNT, providerAccount } from "./accounts";
import { field, parameterValues, resolveTemplate } from "./cloudformation";
import { PolicyDocument, asList, parsePolicyDocument } from "./document";
import { templateOf } from "./equivalents";
import { TYPES } from "./types";

/** The `AWS::IAM::Role` resources of a Stack's or StackSet's template, for rules about the template as a whole. */

export interface TemplateRole {
  readonly logicalId: string;
  readonly roleName?: string;
  readonly trust: PolicyDocument;
  readonly managedPolicyArns: string[];
  readonly inlineDocs: PolicyDocument[];
  readonly maxSessionDuration?: number;
  readonly hasPermissionsBoundary: boolean;
}

/** The roles of a Stack's or StackSet's `templateBody` (every variant), or why it cannot be read. */
export interface StackTemplate {
  readonly roles: TemplateRole[];
  readonly account: string;
  readonly problem?: string;
}

function roleOf(logicalId: string, props: Record<string, unknown>): TemplateRole {
  const name = field(props, "RoleName");
  const max = field(props, "MaxSessionDuration");
  return {
    logicalId,
    roleName: typeof name === "string" ? name : undefined,
    trust: parsePolicyDocument(field(props, "AssumeRolePolicyDocument")),
    managedPolicyArns: asList(field(props, "ManagedPolicyArns")).filter(
      (v): v is string => typeof v === "string",
    ),
    inlineDocs: asList(field(props, "Policies"))
      .map((p) => field(p, "PolicyDocument"))
      .filter((p) => p !== undefined)
      .map((p) => parsePolicyDocument(p)),
    maxSessionDuration:
      typeof max === "number" ? max : typeof max === "string" && /^\d+$/.test(max) ? Number(max) : undefined,
    hasPermissionsBoundary: field(props, "PermissionsBoundary") !== undefined,
  };
}

/**
 * Every `AWS::IAM::Role` of a template in every variant, intrinsics resolved. `params` are the stack's
 * parameter values (over the template's defaults); `account` is the account it deploys into.
 */
export function templateRoles(
  template: Record<string, unknown>,
  params: Record<string, string>,
  account: string,
): TemplateRole[] {
  return resolveTemplate(template, { account, parameters: params }).variants.flatMap((v) =>
    v.resources.filter((r) => r.type === "AWS::IAM::Role").map((r) => roleOf(r.logicalId, r.properties)),
  );
}

export function readStackTemplate(
  args: Pick<ResourceValidationArgs, "type" | "props" | "provider">,
  imports?: Readonly<Record<string, string>>,
): StackTemplate | undefined {
  const body = args.props.templateBody;
  if (typeof body !== "string") return undefined; // templateUrl: nothing to read offline
  const isStackSet = args.type === TYPES.cfnStackSet;
  const account = (isStackSet ? undefined : providerAccount(args.provider)) ?? THIS_ACCOUNT;
  const template = templateOf(body, account, parameterValues(args.props.parameters), imports);
  if (template === undefined) return { roles: [], account, problem: "the templateBody is empty" };
  if (template.problem !== undefined) return { roles: [], account, problem: template.problem };
  return {
    roles: template.variants.flatMap((v) =>
      v.resources.filter((r) => r.type === "AWS::IAM::Role").map((r) => roleOf(r.logicalId, r.properties)),
    ),
    account,
  };
}
