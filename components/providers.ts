import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account, AccountInventory } from "./accounts";
import { OrgAccessConfig } from "./config";
import { roleArn } from "./naming";

/** Tags every resource of this program carries, through each provider's default tags. */
export const MANAGED_BY_TAG = { "managed-by": "org-access" };

/**
 * One explicit `aws.Provider` per account, created on first use and shared. A member account's
 * provider assumes the organization access role there (the read-only member preview role under
 * `providers.access: preview`) with a short, named session and refuses to act on any other account
 * (`allowedAccountIds`). The home account's provider uses the stack's own credentials (or the
 * configured deploy role). Default providers are disabled in the stack files, so
 * a resource that forgets its provider fails instead of landing in the wrong account.
 */
export class AccountProviders {
  private readonly providers = new Map<string, aws.Provider>();
  private readonly dependencies = new Map<string, pulumi.Resource[]>();
  /** Per account, the resources that create the role its provider assumes (in this run). */
  private readonly roleReadiness = new Map<string, pulumi.CustomResource[]>();
  readonly sessionName: string;

  constructor(
    private readonly config: OrgAccessConfig,
    private readonly accounts: AccountInventory,
    stackName: string,
  ) {
    this.sessionName = config.providers.sessionName ?? sessionNameFor(stackName);
  }

  /** The provider for an account by name; the account must be in the stack's scope. */
  forAccount(account: Account | string): aws.Provider {
    const target = typeof account === "string" ? this.accounts.get(account) : account;
    if (!this.accounts.inScope(target)) {
      throw new Error(
        `org-access: account ${JSON.stringify(target.name)} is outside this stack's scope (org-access:scope); deploy its resources from the stack whose scope includes it`,
      );
    }
    let provider = this.providers.get(target.name);
    if (provider === undefined) {
      provider = this.create(target);
      this.providers.set(target.name, provider);
    }
    return provider;
  }

  /** The provider of the account this stack deploys from. */
  get home(): aws.Provider {
    return this.forAccount(this.accounts.home);
  }

  /**
   * Makes an account's provider wait for resources, e.g. the StackSet instance that creates the
   * role the provider assumes. Must be called before the provider is first used.
   */
  dependOn(accountName: string, resources: readonly pulumi.Resource[]): void {
    if (this.providers.has(accountName)) {
      throw new Error(
        `org-access: the provider of ${accountName} already exists; declare its dependencies first`,
      );
    }
    this.dependencies.set(accountName, [...(this.dependencies.get(accountName) ?? []), ...resources]);
  }

  /**
   * Makes an account's provider wait for the resources that create the role it assumes (the StackSet
   * instance and its propagation wait). Besides depending on them, the provider takes its role ARN
   * from their IDs, so the ARN is unknown until they exist. The engine configures a provider during a
   * preview only when all its inputs are known (pulumi/pulumi
   * sdk/go/common/resource/plugin/provider_plugin.go `Configure`), and pulumi-aws validates the
   * assumed role while configuring (pulumi/pulumi-aws provider/config.go `preConfigureCallback` ->
   * `validateCredentials`, which calls aws-sdk-go-base `GetAwsConfig` with `assumeRoles` unless
   * `skipCredentialsValidation`; commit 0c5f6583ebfb37cbe0febc2edb51b44cfeac2b15): with a known ARN,
   * the first `pulumi up` would fail in its preview, before the StackSet has created the role. Once the resources exist (every later preview), their IDs come
   * from the state and the provider is configured as usual. Must be called before the provider is
   * first used.
   */
  waitForAssumedRole(accountName: string, readiness: readonly pulumi.CustomResource[]): void {
    this.dependOn(accountName, readiness);
    this.roleReadiness.set(accountName, [...(this.roleReadiness.get(accountName) ?? []), ...readiness]);
  }

  /** Accounts that have a provider so far, with the role each assumes (none for the home account). */
  created(): { account: Account; roleArn?: string }[] {
    return [...this.providers.keys()].map((name) => {
      const account = this.accounts.get(name);
      return { account, roleArn: this.assumedRoleArn(account) };
    });
  }

  /**
   * The role a provider assumes. For `pulumi up`, the home account's deploy role (or the stack's own
   * credentials) and the organization access role in members. For a read-only `pulumi preview`
   * (`providers.access: preview`), the stack's credentials are already its preview role, and members
   * are reached through the member preview role, which trusts only the management preview role.
   */
  private assumedRoleArn(account: Account): string | undefined {
    const { providers, pipeline, deployment } = this.config;
    if (providers.access === "preview") {
      if (account.name === this.accounts.home.name) return undefined;
      if (pipeline === undefined)
        throw new Error("org-access: providers.access preview needs org-access:pipeline");
      return roleArn(account.id, pipeline.roleNames.previewMember);
    }
    if (account.name === this.accounts.home.name) return deployment.roleArn;
    return roleArn(account.id, providers.roleName);
  }

  private create(account: Account): aws.Provider {
    const known = this.assumedRoleArn(account);
    const readiness = this.roleReadiness.get(account.name) ?? [];
    const assumed =
      known === undefined || readiness.length === 0
        ? known
        : pulumi.all(readiness.map((r) => r.id)).apply(() => known);
    return new aws.Provider(
      `account-${account.name}`,
      {
        region: this.config.providers.region as aws.Region,
        allowedAccountIds: [account.id],
        assumeRoles:
          assumed === undefined
            ? undefined
            : [
                {
                  roleArn: assumed,
                  sessionName: this.sessionName,
                  duration: `${this.config.providers.sessionDurationSeconds}s`,
                },
              ],
        defaultTags: { tags: MANAGED_BY_TAG },
      },
      { dependsOn: this.dependencies.get(account.name) },
    );
  }
}

/** A session name that identifies the stack in CloudTrail: `org-access-<stack>`, IAM's charset, 64 chars. */
export function sessionNameFor(stackName: string): string {
  return `org-access-${stackName}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
}
