import { Capability } from "./context";
import { permissionsBoundaries } from "./guardrails/permissions-boundaries/capability";
import { organizationAccess } from "./organization-access/capability";
import { securityAccess } from "./security-access/capability";
import { delegatedAdministrators } from "./delegated-admins/capability";
import { identityCenter } from "./identity-center/capability";
import { cicd } from "./cicd/capability";
import { audit } from "./audit/capability";
import { sharedResources } from "./shared-resources/capability";
import { vendors } from "./vendors/capability";
import { delegation } from "./delegation/capability";
import { pipeline } from "./pipeline/capability";
import { serviceControlPolicies } from "./guardrails/service-control-policies/capability";
import { resourceControlPolicies } from "./guardrails/resource-control-policies/capability";
import { rootAccess } from "./guardrails/root-access/capability";
import { accessAnalyzers } from "./guardrails/access-analyzers/capability";
import { observability } from "./observability/capability";

/**
 * Every capability, in the order the composition deploys them: the organization access rollout first
 * (member-account providers wait for the StackSet that creates the role they assume, so none may
 * exist before it), then permissions boundaries (custom roles reference them), SCPs after the
 * roles (the role-protection SCP lists every role the others created), then the other organization
 * guardrails (RCPs, centralized root access, access analyzers). Observability follows every capability
 * that creates roles: its alerts are built from their trust policies.
 */
export const capabilities: readonly Capability[] = [
  organizationAccess,
  permissionsBoundaries,
  securityAccess,
  delegatedAdministrators,
  identityCenter,
  cicd,
  audit,
  sharedResources,
  vendors,
  delegation,
  pipeline,
  observability,
  serviceControlPolicies,
  resourceControlPolicies,
  rootAccess,
  accessAnalyzers,
];
