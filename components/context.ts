import * as pulumi from "@pulumi/pulumi";
import { AccountInventory } from "./accounts";
import { BoundaryRegistry } from "./boundaries";
import { OrgAccessConfig } from "./config";
import { StackIdentities } from "./identities";
import { RoleInventory } from "./inventory";
import { AccountProviders } from "./providers";

/** What every capability gets from the composition: config, accounts, providers, the inventory. */
export interface StackContext {
  readonly config: OrgAccessConfig;
  /** `management` or `security`: decides which capabilities this stack deploys. */
  readonly kind: OrgAccessConfig["deployment"]["kind"];
  readonly stackName: string;
  /**
   * Whether this stack owns the organization-wide resources. True without `scope`; a sharded
   * organization gives them to exactly one shard (`scope.organizationWide`), so shards never collide.
   */
  readonly organizationWide: boolean;
  readonly accounts: AccountInventory;
  readonly providers: AccountProviders;
  readonly inventory: RoleInventory;
  /** Permissions boundaries per account, registered by the boundaries capability. */
  readonly boundaries: BoundaryRegistry;
  /** IAM identities this stack creates, for resources another capability creates that name them. */
  readonly identities: StackIdentities;
  /** Config keys (without namespace) that are Pulumi secrets. */
  readonly secretKeys: ReadonlySet<string>;
}

/** A capability: deploys its components for this stack and returns its stack outputs. */
export interface Capability {
  readonly name: string;
  deploy(ctx: StackContext): Record<string, pulumi.Input<unknown>> | undefined;
}
