import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { iamRoleResource, renderTemplate, roleTemplate } from "../../components/cloudformation/template";
import { policyDocument } from "../../components/iam/documents";
import { managementRootTrust, serviceTrust } from "../../components/iam/trust";

describe("CloudFormation template builder", () => {
  it("builds an AWS::IAM::Role from a trust builder, managed policy ARNs and a per-account boundary", () => {
    assert.deepStrictEqual(
      iamRoleResource({
        roleName: "AuditRole",
        trustPolicy: serviceTrust("config.amazonaws.com"),
        managedPolicies: ["arn:aws:iam::aws:policy/SecurityAudit"],
        permissionsBoundary: { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/Boundary" },
        tags: { team: "security" },
      }),
      {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: "AuditRole",
          AssumeRolePolicyDocument: serviceTrust("config.amazonaws.com"),
          ManagedPolicyArns: ["arn:aws:iam::aws:policy/SecurityAudit"],
          MaxSessionDuration: 3600,
          PermissionsBoundary: { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/Boundary" },
          Tags: [{ Key: "team", Value: "security" }],
        },
      },
    );
  });

  it("renders JSON that parses back to the same template", () => {
    const template = roleTemplate({
      roleName: "OrganizationAccountAccessRole",
      trustPolicy: managementRootTrust("111111111111"),
      managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      retain: true,
    });
    assert.deepStrictEqual(JSON.parse(renderTemplate(template)), template);
  });

  it("refuses a trust policy holding a Pulumi Output: templates are plain text", () => {
    const trust = policyDocument([
      {
        Effect: "Allow",
        Principal: { AWS: pulumi.output("arn:aws:iam::222222222222:role/Source") },
        Action: "sts:AssumeRole",
      },
    ]);
    assert.throws(
      () => iamRoleResource({ roleName: "R", trustPolicy: trust, managedPolicies: [] }),
      /trust policy of R has a non-literal value at \.Statement\[0\]\.Principal\.AWS; StackSet templates need plain strings/,
    );
  });

  it("refuses a template larger than templateBody allows", () => {
    const template = roleTemplate({
      roleName: "Big",
      trustPolicy: managementRootTrust("111111111111"),
      managedPolicies: [],
      description: "x".repeat(52_000),
    });
    assert.throws(() => renderTemplate(template), /templateBody takes at most 51200/);
  });
});
