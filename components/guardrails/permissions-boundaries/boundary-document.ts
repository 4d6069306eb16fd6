import { policyDocument, PolicyDocument } from "../../iam/documents";
import { policyArn } from "../../naming";
import { LONG_LIVED_CREDENTIAL_ACTIONS, ROLE_CHANGE_ACTIONS } from "../../iam/actions";

/** The boundary policy's description, whichever way it is rolled out. */
export const BOUNDARY_DESCRIPTION =
  "Permissions boundary for custom roles: no IAM users, no unbounded roles, no edits to managed roles (org-access)";

/** Inputs of a workload account's permissions boundary document. */
export interface BoundaryDocumentArgs {
  /** The account the boundary policy lives in. */
  readonly accountId: string;
  /** The organization: bounded roles may assume only roles of its accounts. */
  readonly organizationId: string;
  /** The boundary policy's own name, so the document can protect itself. */
  readonly policyName: string;
  /** Tag every resource of this program carries (the providers' default tags). */
  readonly managedTag: { readonly key: string; readonly value: string };
  /** Roles this program manages that carry no tag (the providers' role, created by a StackSet). */
  readonly untaggedManagedRoleNames: readonly string[];
}

/**
 * The boundary set on every custom role in a workload account. It allows whatever the role's own
 * policies allow, and nothing that would let a role escape its intent: no IAM users or keys, no
 * role without this same boundary, no edits to the boundary or to the roles this program manages,
 * no organization changes.
 */
export function boundaryDocument(args: BoundaryDocumentArgs): PolicyDocument {
  const self = policyArn(args.accountId, args.policyName);
  return policyDocument([
    {
      // A boundary only caps: the role's own policies still have to grant each action.
      Sid: "AllowWithinRolePolicies",
      Effect: "Allow",
      NotAction: ["sts:AssumeRole", "iam:PassRole"],
      Resource: "*",
    },
    {
      // Role chaining stays inside the organization, whatever a role's own policy names.
      Sid: "AllowAssumeRolesInOrganization",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceOrgID": args.organizationId } },
    },
    {
      // A role can hand only this account's roles to a service.
      Sid: "AllowPassRolesOfThisAccount",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${args.accountId}:role/*`,
    },
    {
      Sid: "DenyLongLivedCredentials",
      Effect: "Deny",
      Action: [...LONG_LIVED_CREDENTIAL_ACTIONS, "iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
      Resource: "*",
    },
    {
      // A bounded role may create roles (deployments often do) only under this same boundary.
      Sid: "DenyRolesWithoutThisBoundary",
      Effect: "Deny",
      Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      Resource: "*",
      Condition: { StringNotEquals: { "iam:PermissionsBoundary": self } },
    },
    {
      Sid: "DenyBoundaryRemoval",
      Effect: "Deny",
      Action: ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
      Resource: "*",
    },
    {
      Sid: "DenyBoundaryPolicyChanges",
      Effect: "Deny",
      Action: [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
      ],
      Resource: self,
    },
    {
      Sid: "DenyChangesToTaggedManagedRoles",
      Effect: "Deny",
      Action: [...ROLE_CHANGE_ACTIONS],
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/${args.managedTag.key}`]: args.managedTag.value } },
    },
    ...(args.untaggedManagedRoleNames.length === 0
      ? []
      : [
          {
            Sid: "DenyChangesToManagedRoles",
            Effect: "Deny" as const,
            Action: [...ROLE_CHANGE_ACTIONS],
            Resource: args.untaggedManagedRoleNames.map(
              (name) => `arn:aws:iam::${args.accountId}:role/${name}`,
            ),
          },
        ]),
    {
      Sid: "DenyOrganizationChanges",
      Effect: "Deny",
      Action: "organizations:*",
      Resource: "*",
    },
  ]);
}
