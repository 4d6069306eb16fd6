import fc from "fast-check";
import * as YAML from "yaml";
import { EngineResource } from "../../policy-pack/lib/engine";
import { PolicyPackConfigFile } from "../../policy-pack/lib/pack-config";
import { provider } from "./helpers";

/**
 * CloudFormation (and aws-native) wrappings of a role's trust policy: each gives a resource that
 * stands for exactly the role `{ name, account, trust }`, written another way. A property test can
 * check that every wrapping gets the verdict the plain `aws.iam.Role` gets.
 */

export interface RoleUnderTest {
  readonly name: string;
  readonly account: string;
  readonly trust: Record<string, unknown>;
}

export interface Wrapped {
  readonly resource: EngineResource;
  /** Pack config the wrapping needs (export values for Fn::ImportValue). */
  readonly config?: PolicyPackConfigFile;
}

export interface Wrapping {
  readonly name: string;
  readonly wrap: (role: RoleUnderTest) => Wrapped;
}

/** Maps every string of a value (keys kept) through `f`. */
function mapStrings(value: unknown, f: (s: string, path: string[]) => unknown, path: string[] = []): unknown {
  if (typeof value === "string") return f(value, path);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f, path));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f, [...path, k])]));
  }
  return value;
}

/** `${...}` in a string Fn::Sub would read: escape it as `${!...}`. */
const subEscape = (s: string) => s.replace(/\$\{/g, "${!");

const roleTemplate = (role: RoleUnderTest, trust: unknown, extra: Record<string, unknown> = {}) => ({
  AWSTemplateFormatVersion: "2010-09-09",
  ...extra,
  Resources: {
    Role: { Type: "AWS::IAM::Role", Properties: { RoleName: role.name, AssumeRolePolicyDocument: trust } },
  },
});

const stack = (role: RoleUnderTest, body: string, parameters?: Record<string, string>): EngineResource => ({
  type: "aws:cloudformation/stack:Stack",
  name: "wrapped",
  props: { templateBody: body, ...(parameters === undefined ? {} : { parameters }) },
  provider: provider(role.account),
});

export const WRAPPINGS: readonly Wrapping[] = [
  {
    name: "JSON template",
    wrap: (role) => ({ resource: stack(role, JSON.stringify(roleTemplate(role, role.trust))) }),
  },
  {
    name: "YAML template with a byte-order mark",
    wrap: (role) => ({ resource: stack(role, `\uFEFF${YAML.stringify(roleTemplate(role, role.trust))}`) }),
  },
  {
    name: "Fn::Sub of the account and Fn::Join of every string",
    wrap: (role) => {
      const trust = mapStrings(role.trust, (s, path) => {
        if (path.includes("Condition") && path.length === 0) return s;
        if (s.includes(role.account)) {
          return { "Fn::Sub": subEscape(s).split(role.account).join("${AWS::AccountId}") };
        }
        const half = Math.floor(s.length / 2);
        return { "Fn::Join": ["", [s.slice(0, half), s.slice(half)]] };
      });
      return { resource: stack(role, JSON.stringify(roleTemplate(role, trust))) };
    },
  },
  {
    name: "parameters, mappings and Fn::Select",
    wrap: (role) => {
      const values: string[] = [];
      const trust = mapStrings(role.trust, (s) => {
        values.push(s);
        const i = values.length - 1;
        return i % 2 === 0
          ? { "Fn::FindInMap": ["Values", "all", `v${i}`] }
          : { "Fn::Select": [0, [{ Ref: `P${i}` }, "unused"]] };
      });
      const Parameters = Object.fromEntries(
        values
          .map((v, i) => [`P${i}`, { Type: "String", Default: v }] as const)
          .filter((_, i) => i % 2 === 1),
      );
      const Mappings = { Values: { all: Object.fromEntries(values.map((v, i) => [`v${i}`, v])) } };
      return { resource: stack(role, JSON.stringify(roleTemplate(role, trust, { Parameters, Mappings }))) };
    },
  },
  {
    name: "Fn::If on a condition the stack's parameters decide",
    wrap: (role) => {
      const trust = {
        "Fn::If": ["UseThis", role.trust, { Statement: [{ Effect: "Allow", Principal: "*", Action: "*" }] }],
      };
      const body = JSON.stringify(
        roleTemplate(role, trust, {
          Parameters: { Mode: { Type: "String" } },
          Conditions: { UseThis: { "Fn::Equals": [{ Ref: "Mode" }, "this"] } },
        }),
      );
      return { resource: stack(role, body, { Mode: "this" }) };
    },
  },
  {
    name: "Fn::ImportValue of every string, values in cloudFormationImports",
    wrap: (role) => {
      const imports: Record<string, string> = {};
      const trust = mapStrings(role.trust, (s) => {
        const name = `export-${Object.keys(imports).length}`;
        imports[name] = s;
        return { "Fn::ImportValue": name };
      });
      return {
        resource: stack(role, JSON.stringify(roleTemplate(role, trust))),
        config: Object.fromEntries(
          [
            "trust-no-wildcard-principal",
            "trust-statement-shape",
            "trust-cross-account-requires-org-condition",
            "trust-external-requires-external-id",
            "trust-oidc-scoped",
            "trust-condition-operators",
            "trust-policy-size",
            "no-admin-on-cross-account-role",
          ].map((p) => [p, { cloudFormationImports: imports }]),
        ),
      };
    },
  },
  {
    name: "a nested stack's template",
    wrap: (role) => {
      const inner = JSON.stringify(roleTemplate(role, role.trust));
      const outer = {
        Resources: { Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateBody: inner } } },
      };
      return { resource: stack(role, JSON.stringify(outer)) };
    },
  },
  {
    name: "aws-native:iam:Role",
    wrap: (role) => ({
      resource: {
        type: "aws-native:iam:Role",
        name: "wrapped",
        props: { roleName: role.name, assumeRolePolicyDocument: role.trust },
        provider: provider(role.account),
      },
    }),
  },
];

export const wrapping: fc.Arbitrary<Wrapping> = fc.constantFrom(...WRAPPINGS);

/** A finding's message without the template resource naming it (`Template role "Role" (name): `). */
export function unwrapped(message: string): string {
  return message.replace(/^(Template [a-z]+ "[^"]*"(?: \([^)]*\))? › )*Template role "Role" \([^)]*\): /, "");
}
