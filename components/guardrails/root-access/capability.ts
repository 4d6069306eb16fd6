import { Capability } from "../../context";
import { CentralizedRootAccess } from "./centralized-root-access";

/**
 * The `rootAccess` capability (management stack, organization-wide shard): centralized root access
 * for member accounts. Removing the root credentials members already have is a separate,
 * deliberate step per account (docs/guardrails.md), never done here.
 */
export const rootAccess: Capability = {
  name: "rootAccess",
  deploy: (ctx) => {
    const config = ctx.config.guardrails?.rootAccess;
    if (config === undefined || ctx.kind !== "management" || !ctx.organizationWide) return undefined;
    const manageServiceAccess = ctx.config.delegatedAdministrators?.manageServiceAccess ?? true;
    const component = new CentralizedRootAccess(
      "root-access",
      { features: config.features, manageServiceAccess },
      { provider: ctx.providers.home },
    );
    return {
      enabledFeatures: component.features.enabledFeatures,
      trustedAccess: manageServiceAccess
        ? "iam.amazonaws.com (enabled here)"
        : "iam.amazonaws.com (managed elsewhere)",
      nextSteps: [
        "audit each member account's root credentials from the management account: aws sts assume-root --region <region> --target-principal <account id> --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        "remove them deliberately, one account at a time, with the IAMDeleteRootUserCredentials task policy (docs/guardrails.md: Centralized root access)",
      ],
    };
  },
};
