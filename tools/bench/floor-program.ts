// The bare Pulumi floor: registers the same AWS resources (the `@pulumi/aws` classes, with the
// recorded inputs as plain values) with the same providers as a recorded run of the program, with no
// components, no validation and no outputs passed between resources. The benchmark compares against it.
import * as fs from "fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FloorDump } from "./dump";

/** A raw resource of any type: what a program without components registers. */
class RawResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

const dump = JSON.parse(fs.readFileSync(process.env.ORG_ACCESS_FLOOR_DUMP ?? "", "utf8")) as FloorDump;
const providers = new Map<string, aws.Provider>();
for (const provider of dump.providers) {
  providers.set(provider.urn, new aws.Provider(provider.name, provider.inputs as aws.ProviderArgs));
}
type AwsClass = new (
  name: string,
  args: pulumi.Inputs,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The `@pulumi/aws` class of a type token (`aws:iam/role:Role` is `aws.iam.Role`): what a program
 * written by hand, without components, would construct. Anything else (the dynamic provider's
 * resources) is registered as a raw custom resource.
 */
function awsClassOf(type: string): AwsClass | undefined {
  const match = /^aws:([A-Za-z0-9]+)\/[A-Za-z0-9]+:([A-Za-z0-9]+)$/.exec(type);
  if (match === null) return undefined;
  const module = (aws as unknown as Record<string, Record<string, unknown> | undefined>)[match[1]];
  const found = module?.[match[2]];
  return typeof found === "function" ? (found as AwsClass) : undefined;
}

const used = new Set<string>();
for (const resource of dump.resources) {
  let name = resource.name;
  while (used.has(`${resource.type}::${name}`)) name += "-x";
  used.add(`${resource.type}::${name}`);
  const opts = {
    provider: resource.providerUrn === undefined ? undefined : providers.get(resource.providerUrn),
  };
  const Class = awsClassOf(resource.type);
  if (Class === undefined) new RawResource(resource.type, name, resource.inputs, opts);
  else new Class(name, resource.inputs, opts);
}
export const count = dump.resources.length;
