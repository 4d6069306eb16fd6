import { MANAGED_BY_TAG } from "../providers";
import { policyDocument, PolicyDocument, PolicyStatement } from "../iam/documents";
import { ROLE_CHANGE_ACTIONS } from "../iam/actions";

/**
 * What the pipeline's deploy and preview roles may do, as explicit action lists: no `*` action and no
 * service wildcard, so a reviewer reads exactly what a pipeline run can call. Each group pairs the
 * calls `pulumi preview` needs (reads) with those `pulumi up` adds (writes); the preview roles get
 * the reads only.
 */
interface PermissionGroup {
  readonly sid: string;
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: PolicyStatement["Condition"];
  /** Reads only a preview needs (reaching the member preview roles); the deploy role never gets them. */
  readonly previewOnly?: boolean;
}

const [TAG_KEY, TAG_VALUE] = Object.entries(MANAGED_BY_TAG)[0];

const ORGANIZATION_READ = [
  "organizations:DescribeAccount",
  "organizations:DescribeOrganization",
  "organizations:DescribeOrganizationalUnit",
  "organizations:DescribePolicy",
  "organizations:DescribeResourcePolicy",
  "organizations:ListAWSServiceAccessForOrganization",
  "organizations:ListAccounts",
  "organizations:ListAccountsForParent",
  "organizations:ListChildren",
  "organizations:ListDelegatedAdministrators",
  "organizations:ListDelegatedServicesForAccount",
  "organizations:ListOrganizationalUnitsForParent",
  "organizations:ListParents",
  "organizations:ListPolicies",
  "organizations:ListPoliciesForTarget",
  "organizations:ListRoots",
  "organizations:ListTagsForResource",
  "organizations:ListTargetsForPolicy",
];

const ROLE_READ = [
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:ListRolePolicies",
  "iam:ListRoleTags",
];

/** Changes to an existing role (the calls the role-protection SCP reserves for the deploy roles). */
const ROLE_WRITE = [...ROLE_CHANGE_ACTIONS];

const POLICY_READ = [
  "iam:GetPolicy",
  "iam:GetPolicyVersion",
  "iam:ListEntitiesForPolicy",
  "iam:ListPolicyTags",
  "iam:ListPolicyVersions",
];

const POLICY_WRITE = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
];

const STACKSET_READ = [
  "cloudformation:DescribeStackInstance",
  "cloudformation:DescribeStackSet",
  "cloudformation:DescribeStackSetOperation",
  "cloudformation:ListStackInstances",
  "cloudformation:ListStackSetOperationResults",
  "cloudformation:ListStackSetOperations",
];

/** Writes on an existing StackSet (creating one takes no resource: see `stackSetGroups`). */
const STACKSET_WRITE = [
  "cloudformation:CreateStackInstances",
  "cloudformation:DeleteStackInstances",
  "cloudformation:DeleteStackSet",
  "cloudformation:TagResource",
  "cloudformation:UntagResource",
  "cloudformation:UpdateStackInstances",
  "cloudformation:UpdateStackSet",
];

function managedTag(kind: "ResourceTag" | "RequestTag"): PolicyStatement["Condition"] {
  return { StringEquals: { [`aws:${kind}/${TAG_KEY}`]: TAG_VALUE } };
}

/** IAM roles and customer managed policies of the stack's own account. */
function iamGroups(accountId: string, managedRoleArns: readonly string[]): PermissionGroup[] {
  const roles = `arn:aws:iam::${accountId}:role/*`;
  const policies = `arn:aws:iam::${accountId}:policy/*`;
  return [
    { sid: "ReadRoles", read: ROLE_READ, write: [], resources: [roles] },
    // The roles this stack already manages, by exact ARN: covers adopted (imported) roles, which carry
    // no managed-by tag until the first update.
    ...(managedRoleArns.length === 0
      ? []
      : [{ sid: "ManageRolesOfThisStack", read: [], write: ROLE_WRITE, resources: managedRoleArns }]),
    // Roles added later: created with the tag every provider sets, then changed only while tagged.
    {
      sid: "CreateTaggedRoles",
      read: [],
      write: ["iam:CreateRole", "iam:TagRole"],
      resources: [roles],
      condition: managedTag("RequestTag"),
    },
    {
      sid: "ManageTaggedRoles",
      read: [],
      write: ROLE_WRITE,
      resources: [roles],
      condition: managedTag("ResourceTag"),
    },
    { sid: "ReadPolicies", read: POLICY_READ, write: [], resources: [policies] },
    {
      sid: "CreateTaggedPolicies",
      read: [],
      write: ["iam:CreatePolicy", "iam:TagPolicy"],
      resources: [policies],
      condition: managedTag("RequestTag"),
    },
    {
      sid: "ManageTaggedPolicies",
      read: [],
      write: POLICY_WRITE,
      resources: [policies],
      condition: managedTag("ResourceTag"),
    },
  ];
}

/** The StackSets a stack manages: in which account they live, and which of them. */
export interface StackSetScope {
  /**
   * The account that owns them. Service-managed StackSets live in the management account, those a
   * delegated administrator creates with `callAs: DELEGATED_ADMIN` included (CloudFormation API
   * Reference, CreateStackSet `CallAs`).
   */
  readonly ownerAccountId: string;
  /** Their names; every StackSet of the owner account when absent. */
  readonly names?: readonly string[];
  /** Whether the stack may activate StackSets trusted access (only the management account can). */
  readonly activateOrganizationsAccess: boolean;
}

/**
 * StackSet permissions. Resource ARNs as the Service Authorization Reference defines them:
 * `stackset/<name>:<id>`, `stackset-target/<name>:<id>/<target>`, `type/resource/<type>` (public types
 * have no account); `CreateStackSet`, `ListStackSets` and the organizations-access calls take no
 * resource, so they are allowed on `*`.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html
 */
function stackSetGroups(scope: StackSetScope): PermissionGroup[] {
  const sets = scope.names === undefined ? ["*"] : [...scope.names].sort().map((name) => `${name}:*`);
  const arn = (kind: string, set: string) =>
    `arn:aws:cloudformation:*:${scope.ownerAccountId}:${kind}/${set}`;
  return [
    {
      sid: "ManageStackSets",
      read: STACKSET_READ,
      write: STACKSET_WRITE,
      resources: [
        ...sets.map((set) => arn("stackset", set)),
        ...sets.map((set) => arn("stackset-target", set)),
        "arn:aws:cloudformation:*::type/resource/*",
      ],
    },
    {
      // These calls take no resource ARN.
      sid: "StackSetsWithOrganizations",
      read: ["cloudformation:DescribeOrganizationsAccess", "cloudformation:ListStackSets"],
      write: [
        "cloudformation:CreateStackSet",
        ...(scope.activateOrganizationsAccess ? ["cloudformation:ActivateOrganizationsAccess"] : []),
      ],
      resources: ["*"],
    },
  ];
}

/** What the management stack's deploy role needs, by the capabilities the config turns on. */
export interface ManagementPermissionsArgs {
  readonly accountId: string;
  readonly organizationId: string;
  /** The role member-account providers assume (`providers.roleName`). */
  readonly memberProviderRoleName: string;
  /** The member preview role the preview's providers assume; none without preview roles. */
  readonly memberPreviewRoleName?: string;
  /** Roles this stack manages in the management account (including the pipeline's own). */
  readonly managedRoleArns: readonly string[];
  readonly stackSets: boolean;
  readonly organizationPolicies: boolean;
  readonly delegatedAdministrators: boolean;
  readonly identityCenter: boolean;
  /** Centralized root access (`guardrails.rootAccess`). */
  readonly rootAccess?: boolean;
  /** Whether Identity Center assigns a permission set in the management account itself. */
  readonly identityCenterInManagementAccount?: boolean;
}

/**
 * Provisioning a permission set into the management account: Identity Center's service-linked role
 * creates and changes the `AWSReservedSSO_*` roles and the `AWSSSO_*` SAML provider in member accounts
 * only (AWSSSOServiceRolePolicy allows those writes on condition `StringNotEquals
 * aws:PrincipalOrgMasterAccountId: ${aws:PrincipalAccount}`), so in the management account IAM
 * Identity Center makes those calls with the caller's own permissions; AWS documents assigning access
 * to the management account as a privileged action needing IAM permissions beyond
 * AWSSSOMasterAccountAdministrator. The deploy role gets exactly those calls, on exactly those names,
 * in the management account only.
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/howtodelegatessoaccess.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html
 */
function identityCenterManagementAccountGroups(accountId: string): PermissionGroup[] {
  return [
    {
      sid: "ProvisionIdentityCenterRolesInManagementAccount",
      read: [],
      write: [
        "iam:AttachRolePolicy",
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:GetRole",
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
      ],
      resources: [`arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/*`],
    },
    {
      sid: "ProvisionIdentityCenterSamlProviderInManagementAccount",
      read: [],
      write: [
        "iam:CreateSAMLProvider",
        "iam:DeleteSAMLProvider",
        "iam:GetSAMLProvider",
        "iam:UpdateSAMLProvider",
      ],
      resources: [`arn:aws:iam::${accountId}:saml-provider/AWSSSO_*`],
    },
  ];
}

function managementGroups(args: ManagementPermissionsArgs): PermissionGroup[] {
  const groups: PermissionGroup[] = [
    { sid: "ReadOrganization", read: ORGANIZATION_READ, write: [], resources: ["*"] },
    {
      // Member-account providers assume this role; only in accounts of this organization.
      sid: "AssumeMemberProviderRole",
      read: [],
      write: ["sts:AssumeRole"],
      resources: [`arn:aws:iam::*:role/${args.memberProviderRoleName}`],
      condition: { StringEquals: { "aws:ResourceOrgID": args.organizationId } },
    },
    ...iamGroups(args.accountId, args.managedRoleArns),
  ];
  if (args.memberPreviewRoleName !== undefined) {
    groups.push({
      // A read-only preview's member-account providers assume the member preview role, nothing else.
      sid: "AssumeMemberPreviewRole",
      read: ["sts:AssumeRole"],
      write: [],
      resources: [`arn:aws:iam::*:role/${args.memberPreviewRoleName}`],
      condition: { StringEquals: { "aws:ResourceOrgID": args.organizationId } },
      previewOnly: true,
    });
  }
  if (args.stackSets)
    groups.push(...stackSetGroups({ ownerAccountId: args.accountId, activateOrganizationsAccess: true }));
  if (args.organizationPolicies) {
    groups.push({
      sid: "ManageOrganizationPolicies",
      read: [],
      write: [
        "organizations:AttachPolicy",
        "organizations:CreatePolicy",
        "organizations:DeletePolicy",
        "organizations:DeleteResourcePolicy",
        "organizations:DetachPolicy",
        "organizations:EnablePolicyType",
        "organizations:PutResourcePolicy",
        "organizations:TagResource",
        "organizations:UntagResource",
        "organizations:UpdatePolicy",
      ],
      resources: ["*"],
    });
  }
  if (args.delegatedAdministrators) {
    groups.push(
      {
        sid: "DelegateAdministration",
        read: [
          "guardduty:ListOrganizationAdminAccounts",
          "inspector2:GetDelegatedAdminAccount",
          "inspector2:ListDelegatedAdminAccounts",
          "securityhub:ListOrganizationAdminAccounts",
        ],
        write: [
          "ec2:DisableIpamOrganizationAdminAccount",
          "ec2:EnableIpamOrganizationAdminAccount",
          "guardduty:DisableOrganizationAdminAccount",
          "guardduty:EnableOrganizationAdminAccount",
          "inspector2:DisableDelegatedAdminAccount",
          "inspector2:EnableDelegatedAdminAccount",
          "organizations:DeregisterDelegatedAdministrator",
          "organizations:DisableAWSServiceAccess",
          "organizations:EnableAWSServiceAccess",
          "organizations:RegisterDelegatedAdministrator",
          "securityhub:DisableOrganizationAdminAccount",
          "securityhub:EnableOrganizationAdminAccount",
        ],
        resources: ["*"],
      },
      {
        // Enabling a service's organization admin creates its service-linked role, and nothing else.
        sid: "CreateServiceLinkedRolesForDelegation",
        read: [],
        write: ["iam:CreateServiceLinkedRole"],
        resources: [`arn:aws:iam::${args.accountId}:role/aws-service-role/*`],
        condition: {
          StringEquals: {
            "iam:AWSServiceName": [
              "guardduty.amazonaws.com",
              "inspector2.amazonaws.com",
              "ipam.amazonaws.com",
              "securityhub.amazonaws.com",
            ],
          },
        },
      },
    );
  }
  if (args.rootAccess === true) {
    groups.push({
      // Centralized root access: IAM's trusted access, then its two features (no resource ARN).
      sid: "ManageCentralizedRootAccess",
      read: ["iam:ListOrganizationsFeatures"],
      write: [
        "iam:DisableOrganizationsRootCredentialsManagement",
        "iam:DisableOrganizationsRootSessions",
        "iam:EnableOrganizationsRootCredentialsManagement",
        "iam:EnableOrganizationsRootSessions",
        "organizations:EnableAWSServiceAccess",
      ],
      resources: ["*"],
    });
  }
  if (args.identityCenter) {
    groups.push({
      sid: "ManageIdentityCenter",
      read: [
        "identitystore:DescribeGroup",
        "identitystore:GetGroupId",
        "identitystore:ListGroups",
        "sso:DescribeAccountAssignmentCreationStatus",
        "sso:DescribeAccountAssignmentDeletionStatus",
        "sso:DescribePermissionSet",
        "sso:DescribePermissionSetProvisioningStatus",
        "sso:GetInlinePolicyForPermissionSet",
        "sso:GetPermissionsBoundaryForPermissionSet",
        "sso:ListAccountAssignments",
        "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
        "sso:ListInstances",
        "sso:ListManagedPoliciesInPermissionSet",
        "sso:ListPermissionSets",
        "sso:ListTagsForResource",
      ],
      write: [
        "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
        "sso:AttachManagedPolicyToPermissionSet",
        "sso:CreateAccountAssignment",
        "sso:CreatePermissionSet",
        "sso:DeleteAccountAssignment",
        "sso:DeleteInlinePolicyFromPermissionSet",
        "sso:DeletePermissionSet",
        "sso:DeletePermissionsBoundaryFromPermissionSet",
        "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet",
        "sso:DetachManagedPolicyFromPermissionSet",
        "sso:ProvisionPermissionSet",
        "sso:PutInlinePolicyToPermissionSet",
        "sso:PutPermissionsBoundaryToPermissionSet",
        "sso:TagResource",
        "sso:UntagResource",
        "sso:UpdatePermissionSet",
      ],
      resources: ["*"],
    });
    // Identity Center provisions with these calls; a preview provisions nothing.
    if (args.identityCenterInManagementAccount === true)
      groups.push(...identityCenterManagementAccountGroups(args.accountId));
  }
  return groups;
}

/** What the security stack's deploy role needs: its own roles and policies, DELEGATED_ADMIN StackSets. */
export interface SecurityPermissionsArgs {
  readonly accountId: string;
  /** Roles this stack manages in the security account (including the pipeline's own). */
  readonly managedRoleArns: readonly string[];
  /** The management account, where the stack's DELEGATED_ADMIN StackSets live. */
  readonly managementAccountId: string;
  /** Names of the StackSets this stack creates as delegated administrator; none without. */
  readonly stackSetNames: readonly string[];
  /** The organization's access analyzers live in this account (`guardrails.accessAnalyzers`). */
  readonly accessAnalyzers?: boolean;
}

/**
 * Organization analyzers of this account. Access Analyzer reads the organization to check the
 * delegation and creates its service-linked role on first use (the reads and the role are those of
 * AWS's IAMAccessAnalyzerFullAccess policy, narrowed to what creating analyzers needs).
 */
function accessAnalyzerGroups(accountId: string): PermissionGroup[] {
  return [
    {
      sid: "ManageAccessAnalyzers",
      read: ["access-analyzer:GetAnalyzer", "access-analyzer:ListTagsForResource"],
      write: [
        "access-analyzer:CreateAnalyzer",
        "access-analyzer:DeleteAnalyzer",
        "access-analyzer:TagResource",
        "access-analyzer:UntagResource",
        "access-analyzer:UpdateAnalyzer",
      ],
      resources: [`arn:aws:access-analyzer:*:${accountId}:analyzer/*`],
    },
    {
      sid: "ReadOrganizationForAccessAnalyzers",
      // Those of IAMAccessAnalyzerFullAccess that the security stack's ReadOrganization lacks.
      read: [
        "access-analyzer:ListAnalyzers",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganizationalUnit",
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:ListAccounts",
        "organizations:ListChildren",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListParents",
        "organizations:ListRoots",
      ],
      write: [],
      resources: ["*"],
    },
    {
      sid: "CreateAccessAnalyzerServiceLinkedRole",
      read: [],
      write: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:aws:iam::${accountId}:role/aws-service-role/*`],
      condition: { StringEquals: { "iam:AWSServiceName": "access-analyzer.amazonaws.com" } },
    },
  ];
}

function securityGroups(args: SecurityPermissionsArgs): PermissionGroup[] {
  return [
    {
      // A StackSets delegated admin checks its registration and resolves OU targets.
      sid: "ReadOrganization",
      read: [
        "organizations:DescribeOrganization",
        "organizations:ListAccountsForParent",
        "organizations:ListDelegatedAdministrators",
      ],
      write: [],
      resources: ["*"],
    },
    ...iamGroups(args.accountId, args.managedRoleArns),
    ...(args.stackSetNames.length === 0
      ? []
      : stackSetGroups({
          ownerAccountId: args.managementAccountId,
          names: args.stackSetNames,
          activateOrganizationsAccess: false,
        })),
    ...(args.accessAnalyzers === true ? accessAnalyzerGroups(args.accountId) : []),
  ];
}

function toDocument(groups: PermissionGroup[], part: "all" | "read"): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const group of groups) {
    if (group.previewOnly === true && part === "all") continue;
    const actions = part === "read" ? [...group.read] : [...group.read, ...group.write];
    if (actions.length === 0) continue;
    statements.push({
      Sid: group.sid,
      Effect: "Allow",
      Action: actions.sort(),
      Resource: group.resources.length === 1 ? group.resources[0] : [...group.resources],
      ...(group.condition === undefined ? {} : { Condition: group.condition }),
    });
  }
  return policyDocument(statements);
}

/** The management deploy role's inline policy. */
export function managementDeployPolicy(args: ManagementPermissionsArgs): PolicyDocument {
  return toDocument(managementGroups(args), "all");
}

/** The management preview role's inline policy: the reads of the deploy policy, nothing else. */
export function managementPreviewPolicy(args: ManagementPermissionsArgs): PolicyDocument {
  return toDocument(managementGroups(args), "read");
}

export function securityDeployPolicy(args: SecurityPermissionsArgs): PolicyDocument {
  return toDocument(securityGroups(args), "all");
}

export function securityPreviewPolicy(args: SecurityPermissionsArgs): PolicyDocument {
  return toDocument(securityGroups(args), "read");
}

/**
 * The member preview role's inline policy: what `pulumi preview --refresh` reads of the resources
 * the management stack keeps in member accounts (IAM roles, policies, OIDC providers, group policies,
 * bucket settings and key metadata). No object, secret or data read: a pull request's code runs
 * with these permissions.
 */
export function memberPreviewPolicy(): PolicyDocument {
  return toDocument(
    [
      {
        sid: "ReadIam",
        read: [
          ...ROLE_READ,
          ...POLICY_READ,
          "iam:GetGroupPolicy",
          "iam:GetOpenIDConnectProvider",
          "iam:ListGroupPolicies",
        ],
        write: [],
        resources: [
          "arn:aws:iam::*:group/*",
          "arn:aws:iam::*:oidc-provider/*",
          "arn:aws:iam::*:policy/*",
          "arn:aws:iam::*:role/*",
        ],
      },
      {
        sid: "ReadBucketSettings",
        read: [
          "s3:GetBucketOwnershipControls",
          "s3:GetBucketPolicy",
          "s3:GetBucketPublicAccessBlock",
          "s3:GetBucketTagging",
          "s3:GetEncryptionConfiguration",
        ],
        write: [],
        resources: ["arn:aws:s3:::*"],
      },
      {
        sid: "ReadKeyMetadata",
        read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
        write: [],
        resources: ["arn:aws:kms:*:*:key/*"],
      },
      {
        // Aliases are listed, not read by ARN: the call takes no resource.
        sid: "ListKeyAliases",
        read: ["kms:ListAliases"],
        write: [],
        resources: ["*"],
      },
    ],
    "read",
  );
}

/** The tooling roles' policy: assume exactly the listed roles, tagging the session with the run. */
export function assumeRolesPolicy(sid: string, roleArns: readonly string[]): PolicyDocument {
  return policyDocument([
    {
      Sid: sid,
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Resource: roleArns.length === 1 ? roleArns[0] : [...roleArns],
    },
  ]);
}
