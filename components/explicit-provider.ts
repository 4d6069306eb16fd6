import * as pulumi from "@pulumi/pulumi";

/**
 * The one guard every component runs first: default providers are disabled for this program, so a
 * component built without an explicit `provider` (or `providers`, or a parent that carries them) would
 * fail later inside the engine with a message about a default provider, far from the mistake. This
 * names the component and whose provider it needs instead.
 */
export function requireExplicitProvider(
  component: pulumi.ComponentResource,
  kind: string,
  name: string,
  opts: pulumi.ComponentResourceOptions,
  whose: string,
): void {
  if (opts.provider === undefined && opts.providers === undefined && opts.parent === undefined) {
    throw new pulumi.ResourceError(
      `${kind} \`${name}\` needs an explicit \`provider\` (${whose}); default providers are disabled`,
      component,
    );
  }
}
