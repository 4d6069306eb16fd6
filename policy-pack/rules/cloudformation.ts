import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ACCOUNT_ID, THIS_ACCOUNT } from "../lib/accounts";
import { field, parameterValues } from "../lib/cloudformation";
import { CONFIG_PROPERTIES, ConfigKey } from "../lib/config";
import { asList, rethrowUnknown } from "../lib/document";
import { templateOf } from "../lib/equivalents";
import { StackViolation, TYPES, resourceRule, stackRule, stringProp } from "../lib/policy";

/**
 * CloudFormation Stacks and StackSets. Every rule of the pack already runs on the resources of their
 * templates (equivalents.ts); these rules cover what only the template as a whole shows: a body that
 * cannot be read, a template given by URL (not checked at all), conditions too many to enumerate,
 * and StackSet instances whose `parameterOverrides` change what the template creates.
 */

function templateProblem(args: ResourceValidationArgs, imports: Readonly<Record<string, string>>): string[] {
  const body = args.props.templateBody;
  if (typeof body !== "string") return [];
  const isStackSet = args.type === TYPES.cfnStackSet;
  const template = templateOf(body, THIS_ACCOUNT, parameterValues(args.props.parameters), imports);
  if (template === undefined) {
    return [
      `The templateBody is empty: nothing can be reviewed before it is rolled out. Give the ${isStackSet ? "StackSet" : "Stack"} its template.`,
    ];
  }
  if (template.problem !== undefined) {
    return [
      `The templateBody cannot be checked: ${template.problem}. Fix the template so its roles and policies can be reviewed before they are rolled out.`,
    ];
  }
  if (template.truncated !== true) return [];
  return [
    `The template has more conditions that cannot be decided offline than the pack enumerates (${template.variants.length} combinations were checked): some combinations of its Fn::If branches were not reviewed. Give the parameters the conditions test, or split the template.`,
  ];
}

export const cloudformationTemplateTrust = resourceRule({
  name: "cloudformation-template-trust",
  description:
    "A CloudFormation Stack or StackSet templateBody can be read and every combination of its conditions checked (every rule of the pack runs on the template's resources).",
  enforcementLevel: "mandatory",
  config: ["cloudFormationImports"],
  types: [TYPES.cfnStack, TYPES.cfnStackSet],
  check: (args, cfg) => templateProblem(args, cfg.cloudFormationImports),
});

export const cloudformationTemplateTrustAdvisory = resourceRule({
  name: "cloudformation-template-trust-advisory",
  description:
    "A CloudFormation Stack or StackSet given by templateUrl is reported as not checked: the pack reads templateBody only.",
  enforcementLevel: "advisory",
  config: [],
  types: [TYPES.cfnStack, TYPES.cfnStackSet],
  check: (args) => {
    const body = args.props.templateBody;
    const url = args.props.templateUrl;
    if (typeof body === "string" && body.trim() !== "") return [];
    if (typeof url !== "string" || url === "") return [];
    const what = args.type === TYPES.cfnStackSet ? "StackSet" : "Stack";
    return [
      `Template not checked: this ${what} takes its template from templateUrl ${JSON.stringify(url)}, which the pack cannot read, so none of its roles or policies were reviewed. Pass the template as templateBody (for instance fs.readFileSync of the file the URL points at), or run npm run policy:check on the template file.`,
    ];
  },
});

/** The pack's resource policies, from the rule registry, read when first needed (the registry imports this file). */
function resourcePolicies(): ResourceValidationPolicy[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { allPolicies } = require("./index") as typeof import("./index");
  return allPolicies.filter(
    (p): p is ResourceValidationPolicy =>
      typeof (p as ResourceValidationPolicy).validateResource === "function" &&
      p.enforcementLevel === "mandatory",
  );
}

class NotApplicable extends Error {}

/** Messages of the pack's mandatory resource rules on one resource, with this rule's config. */
function mandatoryMessages(
  resource: { type: string; name: string; urn: string; props: Record<string, unknown>; account: string },
  base: { getConfig: ResourceValidationArgs["getConfig"]; stackTags: ResourceValidationArgs["stackTags"] },
): string[] {
  const out: string[] = [];
  const args: ResourceValidationArgs = {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: resource.props,
    opts: {
      protect: true,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    provider: {
      type: "pulumi:providers:aws",
      name: "instance",
      urn: `${resource.urn}::provider`,
      props: { allowedAccountIds: [resource.account] },
    },
    stackTags: base.stackTags,
    isType: () => false,
    asType: (() => undefined) as ResourceValidationArgs["asType"],
    getConfig: base.getConfig,
    notApplicable: () => {
      throw new NotApplicable();
    },
  };
  for (const policy of resourcePolicies()) {
    const validations = asList(policy.validateResource) as ((
      args: ResourceValidationArgs,
      report: (message: string) => void,
    ) => unknown)[];
    for (const validate of validations) {
      try {
        void validate(args, (message) => out.push(`[${policy.name}] ${message}`));
      } catch (e) {
        rethrowUnknown(e);
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return out;
}

/** The one account an instance deploys to, when it says (self-managed `accountId`, or a single listed account). */
function instanceAccounts(props: Record<string, unknown>): string[] {
  const explicit = stringProp(props, "accountId");
  if (explicit !== undefined) return [explicit];
  const targets = props.deploymentTargets;
  const ous = asList(field(targets, "organizationalUnitIds"));
  const accounts = asList(field(targets, "accounts")).filter(
    (a): a is string => typeof a === "string" && ACCOUNT_ID.test(a),
  );
  if (ous.length === 0 && accounts.length > 0) return accounts.slice(0, 20);
  return [THIS_ACCOUNT];
}

export const cloudformationStackSetInstances = stackRule({
  name: "cloudformation-stackset-instances",
  description:
    "A StackSet instance's parameterOverrides do not make its template break a mandatory rule of the pack (the template is checked with the instance's parameters, in the account it reaches when the instance names it).",
  enforcementLevel: "mandatory",
  config: Object.keys(CONFIG_PROPERTIES) as ConfigKey[],
  types: [TYPES.cfnStackSet, TYPES.cfnStackSetInstance],
  check: (resources, _cfg, args) => {
    const out: StackViolation[] = [];
    const stackSets = resources.filter((r) => r.type === TYPES.cfnStackSet);
    for (const inst of resources.filter((r) => r.type === TYPES.cfnStackSetInstance)) {
      const overrides = parameterValues(inst.props.parameterOverrides);
      if (Object.keys(overrides).length === 0) continue;
      const setName = stringProp(inst.props, "stackSetName");
      const set = stackSets.find((s) => (stringProp(s.props, "name") ?? s.name) === setName);
      if (set === undefined || typeof set.props.templateBody !== "string") continue;
      const base = parameterValues(set.props.parameters);
      const asStack = (parameters: Record<string, string>, account: string) => ({
        type: TYPES.cfnStack,
        name: set.name,
        urn: set.urn,
        props: { templateBody: set.props.templateBody, parameters },
        account,
      });
      const known = new Set(mandatoryMessages(asStack(base, THIS_ACCOUNT), args));
      const found = new Set<string>();
      for (const account of instanceAccounts(inst.props)) {
        for (const m of mandatoryMessages(asStack({ ...base, ...overrides }, account), args)) {
          if (!known.has(m)) found.add(m);
        }
      }
      for (const m of found) {
        out.push({
          urn: inst.urn,
          message: `StackSet instance ${JSON.stringify(inst.name)} of StackSet ${JSON.stringify(setName)}, with its parameterOverrides ${JSON.stringify(overrides)}: ${m}`,
        });
      }
    }
    return out;
  },
});
