import { z } from "zod";

/**
 * GitHub Actions identities as config names them: repositories and the `sub` claims of OIDC tokens,
 * shared by the application pipelines (`org-access:cicd`), this project's own pipeline
 * (`org-access:pipeline`) and the RCP perimeter that must let both in.
 */

const show = (input: unknown): string => JSON.stringify(input) ?? String(input);

/** `ORG/REPO`, or `ORG@<id>/REPO@<id>` for repositories created, renamed or transferred since July 2026. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9-]+(@\d+)?\/[A-Za-z0-9._-]+(@\d+)?$/;
const ENVIRONMENT_NAME = /^[A-Za-z0-9._-]{1,255}$/;
const BRANCH_NAME = /^[A-Za-z0-9._/-]{1,200}$/;
const TAG_NAME = /^[A-Za-z0-9._/-]{1,200}$/;

/**
 * One GitHub subject a CI role trusts: a repository and exactly one of a branch, a tag or a GitHub
 * environment. Wildcards are refused everywhere: the trust names what may deploy, not a pattern.
 */
export const githubSubjectSchema = z
  .object({
    repository: z
      .string({ error: "expected the repository as ORG/REPO" })
      .refine((v) => REPOSITORY_PATTERN.test(v), {
        error: (issue) =>
          String(issue.input).includes("*")
            ? `${show(issue.input)} would let every repository of the organization assume the CI role; name one repository as ORG/REPO (or ORG@<owner id>/REPO@<repo id>)`
            : `${show(issue.input)} is not ORG/REPO (or ORG@<owner id>/REPO@<repo id>)`,
      })
      .meta({
        description:
          "`ORG/REPO`, or `ORG@<owner id>/REPO@<repo id>` (the immutable form GitHub uses for new repositories).",
      }),
    branch: z
      .string()
      .regex(BRANCH_NAME, "use the branch's exact name, without wildcards or spaces")
      .optional()
      .meta({ description: "A protected branch that deploys." }),
    environment: z
      .string()
      .regex(
        ENVIRONMENT_NAME,
        "use the GitHub environment's exact name: letters, digits and . _ -, no wildcards",
      )
      .optional()
      .meta({
        description: "A GitHub environment whose protection rules gate the deployment (preferred for prod).",
      }),
    tag: z
      .string()
      .regex(TAG_NAME, "use the tag's exact name, without wildcards or spaces")
      .optional()
      .meta({ description: "A release tag that deploys." }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const set = [s.branch, s.environment, s.tag].filter((v) => v !== undefined).length;
    if (set !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          set === 0
            ? "a subject without a branch, tag or environment would trust every workflow run of the repository; set exactly one of branch, environment or tag"
            : "set exactly one of branch, environment or tag (add another subject for another ref)",
      });
    }
  });

export type GithubSubjectConfig = z.infer<typeof githubSubjectSchema>;

/** The `sub` claim value of a subject. */
export function githubSubject(subject: GithubSubjectConfig): string {
  const repo = `repo:${subject.repository}`;
  if (subject.environment !== undefined) return `${repo}:environment:${subject.environment}`;
  if (subject.tag !== undefined) return `${repo}:ref:refs/tags/${subject.tag}`;
  return `${repo}:ref:refs/heads/${subject.branch ?? ""}`;
}
