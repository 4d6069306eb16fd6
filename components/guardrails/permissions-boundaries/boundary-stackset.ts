import * as pulumi from "@pulumi/pulumi";
import { ManagedPolicyStackSet } from "../../cloudformation/policy-stackset";
import { PropagationWait } from "../../cloudformation/propagation-wait";
import { OuStackSetRollout } from "../../cloudformation/service-managed-stackset";
import { perAccountDocument, TEMPLATE_ACCOUNT_ID } from "../../cloudformation/template";
import { BOUNDARY_DESCRIPTION, boundaryDocument, BoundaryDocumentArgs } from "./boundary-document";
import { requireExplicitProvider } from "../../explicit-provider";

export interface BoundaryStackSetArgs extends Omit<BoundaryDocumentArgs, "accountId">, OuStackSetRollout {
  /** Seconds to wait after each instance before roles name the new policy. */
  readonly propagationWaitSeconds: number;
}

/**
 * The permissions boundary policy in every account of the boundary OUs, rolled out from the
 * management account by one service-managed StackSet (no provider per account). The template holds
 * the same document a provider would create, with the account ID filled in per stack instance, so
 * the policy's ARN is `arn:aws:iam::<account>:policy/<policyName>` in each account.
 */
export class BoundaryStackSet extends pulumi.ComponentResource {
  public readonly policyStackSet: ManagedPolicyStackSet;
  public readonly stackSetName: pulumi.Output<string>;
  public readonly templateBody: string;
  /** Per OU target (`ou:<name>`): what a resource naming the policy in one of its accounts waits for. */
  public readonly readiness: Readonly<Record<string, pulumi.Resource[]>>;

  constructor(name: string, args: BoundaryStackSetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:guardrails:BoundaryStackSet", name, {}, opts);
    requireExplicitProvider(this, "BoundaryStackSet", name, opts, "the administering account's");
    this.policyStackSet = new ManagedPolicyStackSet(
      `${name}-policies`,
      {
        stackSetName: args.stackSetName,
        description: `${args.policyName}: permissions boundary of custom roles in workload accounts (org-access)`,
        policy: {
          policyName: args.policyName,
          description: BOUNDARY_DESCRIPTION,
          document: perAccountDocument(boundaryDocument({ ...args, accountId: TEMPLATE_ACCOUNT_ID })),
        },
        organizationalUnits: args.organizationalUnits,
        managementAccountId: args.managementAccountId,
        callAs: "SELF",
        region: args.region,
        operationPreferences: args.operationPreferences,
        autoDeployment: args.autoDeployment,
      },
      { parent: this },
    );
    this.stackSetName = this.policyStackSet.stackSetName;
    this.templateBody = this.policyStackSet.templateBody;

    const readiness: Record<string, pulumi.Resource[]> = {};
    for (const [key, instance] of Object.entries(this.policyStackSet.instances)) {
      const wait = new PropagationWait(
        `${name}-wait-${key.replace(":", "-")}`,
        { seconds: args.propagationWaitSeconds, triggers: [instance.id] },
        { parent: this, dependsOn: [instance] },
      );
      readiness[key] = [instance, wait];
    }
    this.readiness = readiness;
    this.registerOutputs({ stackSetName: this.stackSetName, templateBody: this.templateBody });
  }
}
