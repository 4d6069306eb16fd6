import { ORG_FACTS } from "../lib/config";
import { TYPES, resourcePolicy } from "../lib/policy";
import { readStackTemplate, templateRoleLabel, templateRoleSubject } from "../lib/templates";
import {
  ADVISORY_TRUST_CHECKS,
  MANDATORY_TRUST_CHECKS,
  adminGrants,
  checkAdminOnCrossAccountRole,
} from "../lib/trust";

/**
 * The trust rules on every `AWS::IAM::Role` inside CloudFormation Stack and StackSet templates: a role
 * rolled out by a StackSet to a hundred accounts deserves the review a Pulumi role gets.
 */

export const cloudformationTemplateTrust = resourcePolicy({
  name: "cloudformation-template-trust",
  description:
    "Every AWS::IAM::Role in a CloudFormation Stack or StackSet template passes the mandatory trust rules and the cross-account administrator rule.",
  enforcementLevel: "mandatory",
  config: [
    ...ORG_FACTS,
    "organizationAccessRoleName",
    "maxTrustPolicyLength",
    "allowOrgWideGithubSubjects",
    "allowedAdminRoleNames",
  ],
  types: [TYPES.cfnStack, TYPES.cfnStackSet],
  check: (args, cfg) => {
    const template = readStackTemplate(args);
    if (template === undefined) return [];
    if (template.problem !== undefined) {
      return [
        `The templateBody cannot be checked: ${template.problem}. Fix the template so its roles can be reviewed before they are rolled out.`,
      ];
    }
    const out: string[] = [];
    for (const role of template.roles) {
      const subject = templateRoleSubject(role, template.account);
      const label = templateRoleLabel(role);
      for (const [name, check] of Object.entries(MANDATORY_TRUST_CHECKS)) {
        for (const m of check(subject, cfg)) out.push(`${label} [${name}]: ${m}`);
      }
      const grants = adminGrants(role.managedPolicyArns, role.inlineDocs);
      for (const m of checkAdminOnCrossAccountRole(subject, grants, cfg)) {
        out.push(`${label} [no-admin-on-cross-account-role]: ${m}`);
      }
    }
    return out;
  },
});

export const cloudformationTemplateTrustAdvisory = resourcePolicy({
  name: "cloudformation-template-trust-advisory",
  description:
    "Advisory trust rules (service confused deputy, MFA condition patterns, session length) on every AWS::IAM::Role of a Stack or StackSet template.",
  enforcementLevel: "advisory",
  config: ["exemptServicePrincipals", "maxSessionDurationSeconds"],
  types: [TYPES.cfnStack, TYPES.cfnStackSet],
  check: (args, cfg) => {
    const template = readStackTemplate(args);
    if (template === undefined || template.problem !== undefined) return [];
    const out: string[] = [];
    for (const role of template.roles) {
      const subject = templateRoleSubject(role, template.account);
      const label = templateRoleLabel(role);
      for (const [name, check] of Object.entries(ADVISORY_TRUST_CHECKS)) {
        for (const m of check(subject, cfg)) out.push(`${label} [${name}]: ${m}`);
      }
      if (role.maxSessionDuration !== undefined && role.maxSessionDuration > cfg.maxSessionDurationSeconds) {
        out.push(
          `${label} [role-max-session-duration]: MaxSessionDuration ${role.maxSessionDuration} s is above ${cfg.maxSessionDurationSeconds} s (maxSessionDurationSeconds): a leaked session stays valid that long. Keep sessions short; callers can re-assume.`,
        );
      }
    }
    return out;
  },
});

export const cloudformationPolicies = [cloudformationTemplateTrust, cloudformationTemplateTrustAdvisory];
