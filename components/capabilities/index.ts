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

/**
 * Every capability, in the order the composition deploys them: permissions boundaries first (roles
 * reference them), the organization access rollout before anything that needs its providers, and
 * SCPs last (the role-protection SCP lists every role the others created).
 */
export const capabilities: readonly Capability[] = [
  permissionsBoundaries,
  organizationAccess,
  securityAccess,
  delegatedAdministrators,
  identityCenter,
  cicd,
  audit,
  sharedResources,
  vendors,
  delegation,
  pipeline,
  serviceControlPolicies,
];
