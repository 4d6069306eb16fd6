import { IdentityStatementConfig } from "../config/statements";
import { DeploymentPreset } from "./config";
import { policyDocument, PolicyDocument, PolicyStatement } from "../iam/documents";

/**
 * The deployment role's permissions, built from presets and config statements. `scoped-ecs` is the
 * guide's ECS/EC2 example with one correction: its `iam:PassedToService` condition sits on a
 * statement of its own, because that key exists only on `iam:PassRole` requests; on the same
 * statement as the EC2 and ECS calls it would refuse all of them.
 */
export function scopedEcsStatements(accountId: string): PolicyStatement[] {
  return [
    {
      Sid: "DescribeNetwork",
      Effect: "Allow",
      // EC2 describe calls have no resource-level permissions.
      Action: "ec2:Describe*",
      Resource: "*",
    },
    {
      Sid: "DeployEcsServices",
      Effect: "Allow",
      Action: ["ecs:DescribeServices", "ecs:UpdateService"],
      Resource: `arn:aws:ecs:*:${accountId}:service/*`,
    },
    {
      Sid: "PassTaskRolesToEcs",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${accountId}:role/*`,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ];
}

const PRESETS: Record<DeploymentPreset, (accountId: string) => PolicyStatement[]> = {
  "scoped-ecs": scopedEcsStatements,
};

/** The inline policy of a deployment role: preset statements, then config statements; none when both are empty. */
export function deploymentPolicyDocument(args: {
  accountId: string;
  presets: readonly DeploymentPreset[];
  statements: readonly IdentityStatementConfig[];
}): PolicyDocument | undefined {
  const statements = [
    ...args.presets.flatMap((preset) => PRESETS[preset](args.accountId)),
    ...args.statements.map((s) => ({ ...s }) as PolicyStatement),
  ];
  return statements.length === 0 ? undefined : policyDocument(statements);
}
