import { Capability } from "../context";
import { permissionsBoundaries } from "./permissionsBoundaries";
import { organizationAccess } from "./organizationAccess";
import { securityAccess } from "./securityAccess";
import { delegatedAdministrators } from "./delegatedAdministrators";
import { identityCenter } from "./identityCenter";
import { cicd } from "./cicd";
import { audit } from "./audit";
import { sharedResources } from "./sharedResources";
import { vendors } from "./vendors";
import { delegation } from "./delegation";
import { pipeline } from "./pipeline";
import { serviceControlPolicies } from "./serviceControlPolicies";
import { resourceControlPolicies } from "./resourceControlPolicies";
import { rootAccess } from "./rootAccess";
import { accessAnalyzers } from "./accessAnalyzers";
import { observability } from "./observability";

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
