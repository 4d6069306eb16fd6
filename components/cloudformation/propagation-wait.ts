import * as pulumi from "@pulumi/pulumi";

/**
 * IAM is eventually consistent: a role a StackSet has just created can be refused to `sts:AssumeRole`
 * for a few seconds. A provider that assumes it waits on this resource, which sleeps once when it is
 * created (and again when a trigger changes), so the first `pulumi up` on a new account succeeds in
 * one run. A dynamic provider keeps the project free of an extra plugin; it runs only on `up`, never
 * during a preview.
 */

interface WaitInputs {
  readonly seconds: number;
  readonly triggers: string[];
}

/** The dynamic provider behind {@link PropagationWait}; exported for tests. */
export const sleepProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: WaitInputs) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, inputs.seconds) * 1000));
    return { id: `wait-${Date.now().toString(36)}`, outs: inputs };
  },
  async diff(_id: string, olds: WaitInputs, news: WaitInputs) {
    const triggersChanged = JSON.stringify(olds.triggers ?? []) !== JSON.stringify(news.triggers ?? []);
    return {
      changes: triggersChanged || olds.seconds !== news.seconds,
      replaces: triggersChanged ? ["triggers"] : [],
      deleteBeforeReplace: false,
    };
  },
  async update(_id: string, _olds: WaitInputs, news: WaitInputs) {
    return { outs: news };
  },
};

export interface PropagationWaitArgs {
  /** How long to wait after the triggers are created, in seconds. */
  readonly seconds: number;
  /** Values whose change means a new role may exist again (e.g. StackSet instance IDs). */
  readonly triggers: pulumi.Input<string>[];
}

/** Waits `seconds` after its dependencies are created; token `pulumi-nodejs:dynamic/org-access:PropagationWait`. */
export class PropagationWait extends pulumi.dynamic.Resource {
  constructor(name: string, args: PropagationWaitArgs, opts?: pulumi.CustomResourceOptions) {
    if (!Number.isInteger(args.seconds) || args.seconds < 0 || args.seconds > 300) {
      throw new Error(`org-access: PropagationWait \`${name}\` needs \`seconds\` from 0 to 300`);
    }
    super(
      sleepProvider,
      name,
      { seconds: args.seconds, triggers: args.triggers },
      opts,
      "org-access",
      "PropagationWait",
    );
  }
}
