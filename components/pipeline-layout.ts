import { AccountInventory } from "./accounts";
import { OrgAccessConfig } from "./config";
import { PipelineConfig } from "./pipeline/config";
import { GITHUB_OIDC_HOST } from "./iam/trust";
import { roleArn } from "./naming";

/**
 * Where each pipeline role lives and which GitHub subjects reach it. Role ARNs derive from account
 * IDs and names, so both stacks (and the guardrails) agree on them without sharing state.
 */
export interface PipelineLayout {
  readonly toolingAccountId: string;
  readonly managementAccountId: string;
  readonly securityAccountId: string;
  readonly oidcProviderArn: string;
  /** Tooling account: the deploy jobs' role, and the pull-request jobs' role. */
  readonly pipelineRoleArn: string;
  readonly previewRoleArn: string;
  /** The deploy role of each stack. */
  readonly deployRoleArns: { readonly management: string; readonly security: string };
  /** The read-only preview role of each stack. */
  readonly previewTargetRoleArns: { readonly management: string; readonly security: string };
  /** Subjects the pipeline role trusts: the environments when configured, else the protected branch. */
  readonly deploySubjects: string[];
  /** The pull-request subject the preview role trusts. */
  readonly previewSubject: string;
  /** `StringLike` pattern every session name must match: the prefix, then the run ID. */
  readonly sessionNamePattern: string;
}

/** Subjects the pipeline role trusts: the environments when configured, else the protected branch. */
export function pipelineDeploySubjects(
  config: Pick<PipelineConfig, "repository" | "branch" | "environments">,
): string[] {
  const repo = `repo:${config.repository}`;
  return config.environments === undefined
    ? [`${repo}:ref:refs/heads/${config.branch}`]
    : [
        `${repo}:environment:${config.environments.management}`,
        `${repo}:environment:${config.environments.security}`,
      ];
}

/** The pull-request subject the preview role trusts. */
export function pipelinePreviewSubject(config: Pick<PipelineConfig, "repository">): string {
  return `repo:${config.repository}:pull_request`;
}

/** Every GitHub `sub` this project's own pipeline trusts: its deploy subjects and pull requests. */
export function pipelineSubjects(
  config: Pick<PipelineConfig, "repository" | "branch" | "environments">,
): string[] {
  return [...pipelineDeploySubjects(config), pipelinePreviewSubject(config)];
}

export function pipelineLayout(config: PipelineConfig, accounts: AccountInventory): PipelineLayout {
  const tooling = accounts.get(config.toolingAccount).id;
  const management = accounts.management.id;
  const security = accounts.get(config.securityAccount).id;
  const names = config.roleNames;
  return {
    toolingAccountId: tooling,
    managementAccountId: management,
    securityAccountId: security,
    oidcProviderArn: `arn:aws:iam::${tooling}:oidc-provider/${GITHUB_OIDC_HOST}`,
    pipelineRoleArn: roleArn(tooling, names.pipeline),
    previewRoleArn: roleArn(tooling, names.preview),
    deployRoleArns: {
      management: roleArn(management, names.deployManagement),
      security: roleArn(security, names.deploySecurity),
    },
    previewTargetRoleArns: {
      management: roleArn(management, names.previewManagement),
      security: roleArn(security, names.previewSecurity),
    },
    deploySubjects: pipelineDeploySubjects(config),
    previewSubject: pipelinePreviewSubject(config),
    sessionNamePattern: `${config.sessionNamePrefix}*`,
  };
}

/**
 * The deploy roles of both stacks, for the role-protection SCP's list of principals that may change
 * the roles this program manages. Empty when `org-access:pipeline` is not configured.
 */
export function pipelineDeployRoleArns(config: OrgAccessConfig, accounts: AccountInventory): string[] {
  if (config.pipeline === undefined) return [];
  const layout = pipelineLayout(config.pipeline, accounts);
  return [layout.deployRoleArns.management, layout.deployRoleArns.security];
}
