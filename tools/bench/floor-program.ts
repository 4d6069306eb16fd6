// The bare Pulumi floor: registers the same raw AWS resources with the same providers as a recorded
// run of the program, with no components and no validation. The benchmark compares against it.
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
const used = new Set<string>();
for (const resource of dump.resources) {
  let name = resource.name;
  while (used.has(`${resource.type}::${name}`)) name += "-x";
  used.add(`${resource.type}::${name}`);
  new RawResource(resource.type, name, resource.inputs, {
    provider: resource.providerUrn === undefined ? undefined : providers.get(resource.providerUrn),
  });
}
export const count = dump.resources.length;
