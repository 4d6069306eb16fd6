import * as pulumi from "@pulumi/pulumi";

/**
 * IAM identities (roles, identity providers) this stack creates, by ARN, for resources whose creation
 * needs one that another capability creates, possibly later in the composition. IAM refuses a trust
 * policy naming a principal that does not exist yet, and only a direct dependency orders the two in
 * the engine. The dependency is a promise that settles once every capability has run, so the order in
 * which capabilities run does not matter.
 */
export class StackIdentities {
  private readonly byArn = new Map<string, pulumi.Resource>();
  private settle: () => void = () => undefined;
  private readonly complete = new Promise<void>((resolve) => {
    this.settle = resolve;
  });
  private sealed = false;

  /** Records the resource that creates the identity `arn`. */
  register(arn: string, resource: pulumi.Resource): void {
    if (this.sealed) throw new Error(`org-access: ${arn} registered after every capability ran`);
    if (!this.byArn.has(arn)) this.byArn.set(arn, resource);
  }

  /** The resources of this stack that create any of `arns`, for a `dependsOn`; none when they exist already. */
  creatorsOf(arns: readonly string[]): Promise<pulumi.Resource[]> {
    return this.complete.then(() =>
      arns.map((arn) => this.byArn.get(arn)).filter((r): r is pulumi.Resource => r !== undefined),
    );
  }

  /** Called once every capability has run: pending `creatorsOf` settle. */
  seal(): void {
    this.sealed = true;
    this.settle();
  }
}
