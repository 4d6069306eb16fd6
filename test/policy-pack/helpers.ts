import { CheckOptions, EngineResource, Finding, checkResources } from "../../policy-pack/lib/engine";
import { OrgFacts } from "../../policy-pack/lib/pack-config";

/** Accounts of the test organization. */
export const MGMT = "111111111111";
export const SECURITY = "222222222222";
export const TOOLING = "333333333333";
export const PROD = "444444444444";
export const VENDOR = "999999999999";
export const ORG_ID = "o-a1b2c3d4e5";

export const ORG: OrgFacts = {
  organizationId: ORG_ID,
  managementAccountId: MGMT,
  organizationAccountIds: [MGMT, SECURITY, TOOLING, PROD],
};

export type Doc = Record<string, unknown>;

export function trust(...statements: Doc[]): Doc {
  return { Version: "2012-10-17", Statement: statements };
}

export function allow(principal: unknown, extra: Doc = {}): Doc {
  return { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra };
}

export function provider(account: string) {
  return { props: { allowedAccountIds: [account] } };
}

export function role(
  assumeRolePolicy: unknown,
  options: { name?: string; account?: string; resourceName?: string; props?: Doc; protect?: boolean } = {},
): EngineResource {
  return {
    type: "aws:iam/role:Role",
    name: options.resourceName ?? options.name ?? "role",
    props: {
      assumeRolePolicy,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...options.props,
    },
    provider: options.account === undefined ? undefined : provider(options.account),
    opts: { protect: options.protect ?? false },
  };
}

export function resource(type: string, name: string, props: Doc, account?: string): EngineResource {
  return { type, name, props, provider: account === undefined ? undefined : provider(account) };
}

/** Findings of one policy (all policies run, as under the CLI). */
export function findings(
  resources: EngineResource | EngineResource[],
  policy: string,
  options: CheckOptions = { org: ORG },
): Finding[] {
  return checkResources(Array.isArray(resources) ? resources : [resources], options).filter(
    (f) => f.policy === policy,
  );
}

export function messages(
  resources: EngineResource | EngineResource[],
  policy: string,
  options: CheckOptions = { org: ORG },
): string[] {
  return findings(resources, policy, options).map((f) => f.message);
}

/** A service-managed StackSet of the management account. */
export function stackSet(
  name: string,
  templateBody: string,
  parameters: Record<string, string> = {},
  protect = true,
): EngineResource {
  return {
    type: "aws:cloudformation/stackSet:StackSet",
    name,
    props: { name, templateBody, parameters, permissionModel: "SERVICE_MANAGED" },
    provider: provider(MGMT),
    opts: { protect },
  };
}

/** A StackSet instance, on a provider of `account`. */
export function instance(
  name: string,
  stackSetName: string,
  props: Record<string, unknown>,
  account = MGMT,
): EngineResource {
  return {
    type: "aws:cloudformation/stackSetInstance:StackSetInstance",
    name,
    props: { stackSetName, ...props },
    provider: provider(account),
  };
}
