import { TYPES, resourcePolicy, stringProp } from "../lib/policy";

/** No long-lived credentials: IAM users, their access keys and console passwords. */

export const noLongLivedCredentials = resourcePolicy({
  name: "no-long-lived-credentials",
  description:
    "No IAM users, access keys or login profiles: people sign in through IAM Identity Center and automation assumes roles (allowedIamUsers lists break-glass users).",
  enforcementLevel: "mandatory",
  config: ["allowedIamUsers"],
  types: [TYPES.user, TYPES.accessKey, TYPES.userLoginProfile],
  check: (args, cfg) => {
    const user = args.type === TYPES.user ? stringProp(args.props, "name") : stringProp(args.props, "user");
    if (user !== undefined && cfg.allowedIamUsers.includes(user)) return [];
    const who =
      user === undefined ? `resource ${JSON.stringify(args.name)}` : `IAM user ${JSON.stringify(user)}`;
    const what =
      args.type === TYPES.user
        ? `creates ${who}`
        : args.type === TYPES.accessKey
          ? `creates an access key for ${who}`
          : `creates a console password for ${who}`;
    return [
      `This ${what}: long-lived credentials leak, are rarely rotated and are not tied to a session anyone can trace. Give people IAM Identity Center permission sets and automation a role (OIDC for CI); a break-glass user goes in allowedIamUsers.`,
    ];
  },
});

export const credentialPolicies = [noLongLivedCredentials];
