import { ResourceValidationArgs } from "@pulumi/policy";
import { THIS_ACCOUNT, providerAccount } from "./accounts";
import { TemplateRole, parameterValues, templateRoleOf } from "./cloudformation";
import { templateOf } from "./equivalents";
import { TYPES } from "./types";

/** The `AWS::IAM::Role` resources of a Stack's or StackSet's template, for rules about the template as a whole. */

export { TemplateRole };

/** The roles of a Stack's or StackSet's `templateBody` (every variant), or why it cannot be read. */
export interface StackTemplate {
  readonly roles: TemplateRole[];
  readonly account: string;
  readonly problem?: string;
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
      v.resources
        .filter((r) => r.type === "AWS::IAM::Role")
        .map((r) => templateRoleOf(r.logicalId, r.properties)),
    ),
    account,
  };
}
