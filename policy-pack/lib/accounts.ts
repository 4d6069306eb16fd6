import { asList, rethrowUnknown } from "./document";

/**
 * Accounts of principals and of the resources a program creates. A resource's own account comes from
 * its provider: `allowedAccountIds` when it names exactly one account, else the account of the last
 * role in `assumeRoles` (the one whose credentials the provider ends up with), else unknown.
 */

export const ACCOUNT_ID = /^\d{12}$/;

/**
 * Stands for the account a CloudFormation template is deployed into when it is not known (a StackSet
 * reaching many accounts). It has no colon, so ARNs built with it still split on `:`; a provider whose
 * `allowedAccountIds` is this value acts in that one (unnamed) account.
 */
export const THIS_ACCOUNT = "(this-account)";

/** The account field of an ARN (`arn:partition:service:region:account:resource`), or a bare account ID. */
export function accountOf(principal: string): string | undefined {
  const value = principal.trim();
  if (ACCOUNT_ID.test(value)) return value;
  if (!value.startsWith("arn:")) return undefined;
  const parts = value.split(":");
  if (parts.length < 6) return undefined;
  return parts[4] === "" ? undefined : parts[4];
}

/** `123456789012` or `arn:aws:iam::123456789012:root`: the whole account, any principal it allows. */
export function isAccountRoot(principal: string): boolean {
  const value = principal.trim();
  if (ACCOUNT_ID.test(value)) return true;
  const parts = value.split(":");
  return value.startsWith("arn:") && parts.length === 6 && parts[2] === "iam" && parts[5] === "root";
}

/**
 * Provider inputs already decoded, by their text: a stack's thousands of resources share a few
 * hundred providers, and every rule that needs a resource's account reads its provider again.
 * Decoding is pure and the decoded values are only read, so they are shared. Bounded, oldest out.
 */
const decodedByText = new Map<string, unknown>();
const DECODED_LIMIT = 4096;

/** A value that may arrive JSON-encoded (explicit provider inputs do, under mocks and over gRPC). */
function decoded(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (decodedByText.has(value)) return decodedByText.get(value);
  let result: unknown = value;
  const t = value.trim();
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      result = JSON.parse(t);
    } catch {
      result = value;
    }
  }
  if (decodedByText.size >= DECODED_LIMIT) decodedByText.delete(decodedByText.keys().next().value as string);
  decodedByText.set(value, result);
  return result;
}

function field(obj: unknown, name: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  return (obj as Record<string, unknown>)[name];
}

/**
 * The account a provider acts in, or undefined when its configuration does not say. Never throws:
 * a provider input unknown during preview just leaves the account unknown.
 */
export function providerAccount(provider: { props?: unknown } | undefined): string | undefined {
  if (provider === undefined || provider === null) return undefined;
  try {
    const props = provider.props;
    const allowed = asList(decoded(field(props, "allowedAccountIds"))).filter(
      (v): v is string => typeof v === "string" && (ACCOUNT_ID.test(v) || v === THIS_ACCOUNT),
    );
    if (allowed.length === 1) return allowed[0];
    const assumeRoles = asList(decoded(field(props, "assumeRoles")));
    const legacy = decoded(field(props, "assumeRole"));
    const chain = assumeRoles.length > 0 ? assumeRoles : asList(legacy);
    const last = chain[chain.length - 1];
    const roleArn = field(decoded(last), "roleArn");
    if (typeof roleArn === "string") {
      const account = accountOf(roleArn);
      if (account !== undefined && ACCOUNT_ID.test(account)) return account;
    }
  } catch (e) {
    if (e instanceof Error && e.constructor.name === "UnknownValueError") return undefined;
    rethrowUnknown(e);
  }
  return undefined;
}

/** True when a resource's provider is one Pulumi made up (no explicit provider was given). */
export function isDefaultProvider(provider: { name?: string; urn?: string } | undefined): boolean {
  if (!provider) return false;
  const name = provider.name ?? "";
  return /^default(_|$)/.test(name) || /::default(_[\w-]+)?$/.test(provider.urn ?? "");
}
