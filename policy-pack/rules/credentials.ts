import { resourceRule } from "../lib/policy";
import { CREDENTIAL_TYPES, credentialSubject } from "../lib/subjects";

/** No long-lived credentials: IAM users, their access keys and console passwords. */

export const noLongLivedCredentials = resourceRule({
  name: "no-long-lived-credentials",
  description:
    "No IAM users, access keys, login profiles, service-specific credentials, signing certificates or SSH keys: people sign in through IAM Identity Center and automation assumes roles (allowedIamUsers lists break-glass users).",
  enforcementLevel: "mandatory",
  config: ["allowedIamUsers"],
  types: CREDENTIAL_TYPES,
  check: (args, cfg) => {
    const subject = credentialSubject(args);
    if (subject === undefined) return [];
    const user = subject.user;
    if (user !== undefined && cfg.allowedIamUsers.includes(user)) return [];
    const who =
      user === undefined ? `resource ${JSON.stringify(args.name)}` : `IAM user ${JSON.stringify(user)}`;
    const what =
      subject.kind === "user"
        ? `creates ${who}`
        : subject.kind === "access key"
          ? `creates an access key for ${who}`
          : subject.kind === "console password"
            ? `creates a console password for ${who}`
            : subject.kind === "service-specific credential"
              ? `creates a service-specific credential (a password that does not expire${subject.service === undefined ? "" : ` for ${subject.service}`}) for ${who}`
              : `creates a${subject.kind === "SSH public key" ? "n" : ""} ${subject.kind} for ${who}`;
    return [
      `This ${what}: long-lived credentials leak, are rarely rotated and are not tied to a session anyone can trace. Give people IAM Identity Center permission sets and automation a role (OIDC for CI); a break-glass user goes in allowedIamUsers.`,
    ];
  },
});
