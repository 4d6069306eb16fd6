import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  iamRoleResource,
  managedPolicyTemplate,
  perAccountDocument,
  renderTemplate,
  roleTemplate,
  TEMPLATE_ACCOUNT_ID,
} from "../../components/cloudformation/template";
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

  it("takes the boundary as a parameter, so accounts with and without one share the template", () => {
    const template = roleTemplate({
      roleName: "AuditReadRole",
      trustPolicy: managementRootTrust("111111111111"),
      managedPolicies: ["arn:aws:iam::aws:policy/SecurityAudit"],
      boundaryFromParameter: true,
    });
    assert.deepStrictEqual(template.Parameters, {
      PermissionsBoundaryPolicyName: {
        Type: "String",
        Default: "",
        Description: "Name of the permissions boundary policy in the target account; empty for none",
        AllowedPattern: "^[\\w+=,.@-]{0,128}$",
      },
    });
    assert.deepStrictEqual(template.Conditions, {
      HasPermissionsBoundary: {
        "Fn::Not": [{ "Fn::Equals": [{ Ref: "PermissionsBoundaryPolicyName" }, ""] }],
      },
    });
    assert.deepStrictEqual(template.Resources.Role.Properties.PermissionsBoundary, {
      "Fn::If": [
        "HasPermissionsBoundary",
        { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${PermissionsBoundaryPolicyName}" },
        { Ref: "AWS::NoValue" },
      ],
    });
    // Without it, a template keeps its exact shape (no parameters, no boundary).
    const plain = roleTemplate({
      roleName: "OrganizationAccountAccessRole",
      trustPolicy: managementRootTrust("111111111111"),
      managedPolicies: [],
    });
    assert.deepStrictEqual(Object.keys(plain), ["AWSTemplateFormatVersion", "Resources", "Outputs"]);
    assert.throws(
      () =>
        iamRoleResource({
          roleName: "R",
          trustPolicy: managementRootTrust("111111111111"),
          managedPolicies: [],
          permissionsBoundary: "arn:aws:iam::111111111111:policy/B",
          boundaryFromParameter: true,
        }),
      /role R sets both permissionsBoundary and boundaryFromParameter; choose one/,
    );
  });

  it("builds a per-account managed policy: the account ID by Fn::Sub, IAM policy variables escaped", () => {
    const document = policyDocument([
      {
        Sid: "Own",
        Effect: "Deny",
        Action: "iam:DeletePolicy",
        Resource: [`arn:aws:iam::${TEMPLATE_ACCOUNT_ID}:policy/B`, "arn:aws:iam::aws:policy/X"],
        Condition: { StringNotEquals: { "aws:username": `\${aws:username}-${TEMPLATE_ACCOUNT_ID}` } },
      },
    ]);
    const template = managedPolicyTemplate({
      policyName: "B",
      description: "boundary",
      document: perAccountDocument(document),
      templateDescription: "B everywhere",
    });
    assert.deepStrictEqual(template, {
      AWSTemplateFormatVersion: "2010-09-09",
      Description: "B everywhere",
      Resources: {
        Policy: {
          Type: "AWS::IAM::ManagedPolicy",
          Properties: {
            ManagedPolicyName: "B",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "Own",
                  Effect: "Deny",
                  Action: "iam:DeletePolicy",
                  Resource: [
                    { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/B" },
                    "arn:aws:iam::aws:policy/X",
                  ],
                  Condition: {
                    StringNotEquals: { "aws:username": { "Fn::Sub": "${!aws:username}-${AWS::AccountId}" } },
                  },
                },
              ],
            },
            Description: "boundary",
          },
        },
      },
      Outputs: { PolicyArn: { Description: "ARN of B", Value: { Ref: "Policy" } } },
    });
  });
});
