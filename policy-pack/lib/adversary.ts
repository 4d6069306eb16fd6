/**
 * Stand-ins an adversary controls: an account, an organization and names nobody writes in a policy.
 * The account is all zeros, which AWS never issues, so it can never be one a policy names on purpose.
 */
export const ADVERSARY = {
  account: "000000000000",
  organizationId: "o-adversary000",
  roleName: "adversary-chosen-role",
  value: "zz-adversary",
} as const;

export function adversaryRoleArn(
  account: string = ADVERSARY.account,
  name: string = ADVERSARY.roleName,
): string {
  return `arn:aws:iam::${account}:role/${name}`;
}
