import * as pulumi from "@pulumi/pulumi";
import { AccountInventory } from "./accounts";
import { BoundaryRegistry } from "./boundaries";
import { capabilities } from "./capabilities";
import { ConfigSource, loadConfig } from "./config";
import { ConfigValidationError } from "./config/errors";
import { StackIdentities } from "./identities";
import { StackContext } from "./context";
import { InventoryEntry, RoleInventory } from "./inventory";
import { AccountProviders } from "./providers";

/** The stack's outputs. */
export interface StackOutputs {
  /** Every account in scope with its ID and the ARNs of the roles this stack manages there. */
  readonly inventory: Record<string, InventoryEntry>;
  /** Each capability's own outputs, by capability name. */
  readonly capabilities: Record<string, pulumi.Input<unknown>>;
  /** The accounts this stack reaches and the role each provider assumes. */
  readonly providers: { account: string; accountId: string; roleArn?: string }[];
}

/**
 * Validates all config, then builds every capability of this stack. Config errors throw before a
 * single resource is registered, so an invalid config never half-deploys.
 */
export function buildStack(source: ConfigSource, stackName: string): StackOutputs {
  const { config, secretKeys } = loadConfig(source);
  // `pulumi up` runs the program twice: a preview (dry run), then the update. The update must never
  // run with the read-only preview roles: it would fail part-way, account by account.
  if (config.providers.access === "preview" && !pulumi.runtime.isDryRun()) {
    throw new ConfigValidationError([
      {
        path: "org-access:providers.access",
        message:
          '"preview" is for pulumi preview only; deploy with the default "deploy" (pulumi config rm --path org-access:providers.access)',
      },
    ]);
  }
  const accounts = new AccountInventory(config);
  const providers = new AccountProviders(config, accounts, stackName);
  const ctx: StackContext = {
    config,
    kind: config.deployment.kind,
    stackName,
    organizationWide: config.scope === undefined || config.scope.organizationWide,
    accounts,
    providers,
    inventory: new RoleInventory(accounts),
    boundaries: new BoundaryRegistry(),
    identities: new StackIdentities(),
    secretKeys,
  };

  const outputs: Record<string, pulumi.Input<unknown>> = {};
  for (const capability of capabilities) {
    const result = capability.deploy(ctx);
    if (result !== undefined) outputs[capability.name] = result;
  }
  ctx.identities.seal();
  // The home provider exists even when no capability used it, so the stack's own account is explicit.
  void providers.home;

  return {
    inventory: ctx.inventory.toOutput(),
    capabilities: outputs,
    providers: providers.created().map(({ account, roleArn }) => ({
      account: account.name,
      accountId: account.id,
      ...(roleArn === undefined ? {} : { roleArn }),
    })),
  };
}
