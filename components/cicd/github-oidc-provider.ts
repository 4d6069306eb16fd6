import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GITHUB_OIDC_HOST, STS_AUDIENCE } from "../iam/trust";
import { requireExplicitProvider } from "../explicit-provider";

export interface GithubOidcProviderArgs {
  /** `create` registers the provider; `existing` only references the one the account already has. */
  readonly mode: "create" | "existing";
  /** The tooling account's ID, from which the existing provider's ARN derives. */
  readonly accountId: string;
  /** Certificate thumbprints; GitHub needs none (IAM trusts its certificate authority). */
  readonly thumbprints?: readonly string[];
}

/** The ARN IAM gives the GitHub Actions provider in an account (one per URL). */
export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/**
 * GitHub Actions' OIDC identity provider in the tooling account, accepting tokens whose audience is
 * STS. The CI roles' trust policies name it; which workflows get in is decided there, by `sub`.
 */
export class GithubOidcProvider extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: GithubOidcProviderArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("org-access:cicd:GithubOidcProvider", name, {}, opts);
    requireExplicitProvider(this, "GithubOidcProvider", name, opts, "the tooling account's");
    if (args.mode === "create") {
      const provider = new aws.iam.OpenIdConnectProvider(
        `${name}-provider`,
        {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIdLists: [STS_AUDIENCE],
          thumbprintLists: args.thumbprints === undefined ? undefined : [...args.thumbprints],
        },
        { parent: this },
      );
      // Roles referencing this ARN are ordered after the provider: IAM refuses a trust naming a missing one.
      this.arn = provider.arn;
    } else {
      this.arn = pulumi.output(githubOidcProviderArn(args.accountId));
    }
    this.registerOutputs({ arn: this.arn });
  }
}
