import { z } from "zod";

/**
 * Config shapes shared by every capability that rolls a role out with a StackSet: operation
 * preferences, StackSet names. The checks on their OU targets are config checks
 * (`checkStackSetOrganizationalUnits` in components/config/checks.ts).
 */

const count = (what: string, min: number) =>
  z
    .number({ error: `expected ${what} as a whole number` })
    .int(`expected ${what} as a whole number`)
    .min(min, `${what} is at least ${min}`);
const percentage = (what: string, min: number) =>
  z
    .number({ error: `expected ${what} as a percentage` })
    .int(`expected ${what} as a whole percentage`)
    .min(min, `${what} is at least ${min}`)
    .max(100, `${what} is at most 100`);

export const DEFAULT_OPERATION_PREFERENCES = {
  maxConcurrentPercentage: 25,
  failureToleranceCount: 0,
} as const;

/** `operationPreferences`, the StackSet operation preferences. */
export const operationPreferencesSchema = z
  .object({
    maxConcurrentCount: count("maxConcurrentCount", 1).optional().meta({
      description:
        "How many accounts an operation touches at once (at most `failureToleranceCount` + 1); or `maxConcurrentPercentage`.",
    }),
    maxConcurrentPercentage: percentage("maxConcurrentPercentage", 1).optional().meta({
      description: "The share of accounts an operation touches at once, in percent; or `maxConcurrentCount`.",
    }),
    failureToleranceCount: count("failureToleranceCount", 0).optional().meta({
      description: "How many accounts may fail before the operation stops; or `failureTolerancePercentage`.",
    }),
    failureTolerancePercentage: percentage("failureTolerancePercentage", 0).optional().meta({
      description:
        "The share of accounts that may fail before the operation stops, in percent; or `failureToleranceCount`.",
    }),
    regionConcurrencyType: z
      .enum(["SEQUENTIAL", "PARALLEL"], { error: 'expected "SEQUENTIAL" or "PARALLEL"' })
      .optional()
      .meta({ description: "`SEQUENTIAL` or `PARALLEL`: whether regions are deployed one at a time." }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.maxConcurrentCount !== undefined && value.maxConcurrentPercentage !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["maxConcurrentPercentage"],
        message: "set maxConcurrentCount or maxConcurrentPercentage, not both",
      });
    }
    if (value.failureToleranceCount !== undefined && value.failureTolerancePercentage !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["failureTolerancePercentage"],
        message: "set failureToleranceCount or failureTolerancePercentage, not both",
      });
    }
    // CloudFormation refuses a concurrency above the tolerated failures plus one.
    if (
      value.maxConcurrentCount !== undefined &&
      value.failureToleranceCount !== undefined &&
      value.maxConcurrentCount > value.failureToleranceCount + 1
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["maxConcurrentCount"],
        message: `CloudFormation allows at most failureToleranceCount + 1 (${value.failureToleranceCount + 1}) concurrent accounts; lower maxConcurrentCount or raise failureToleranceCount`,
      });
    }
  })
  .default(DEFAULT_OPERATION_PREFERENCES)
  .meta({
    description:
      "StackSet operation preferences: how many accounts an operation touches at once, and how many may fail.",
  });

export type OperationPreferencesConfig = z.infer<typeof operationPreferencesSchema>;

/** `autoDeployment`: StackSet stacks for accounts that join a target OU, and whether they stay when one leaves. */
export function autoDeploymentSchema(retainByDefault: boolean) {
  return z
    .object({
      enabled: z
        .boolean({ error: "expected true or false" })
        .default(true)
        .meta({ description: "Deploy to accounts that join a target OU later." }),
      retainStacksOnAccountRemoval: z
        .boolean({ error: "expected true or false" })
        .default(retainByDefault)
        .meta({ description: "Keep the stack (and what it created) in an account that leaves a target OU." }),
    })
    .strict()
    .default({ enabled: true, retainStacksOnAccountRemoval: retainByDefault });
}

/** `propagationWaitSeconds`: how long a provider waits after a StackSet created what its resources need. */
export function propagationWaitSchema(defaultSeconds: number) {
  return z
    .number({ error: "expected a number of seconds" })
    .int("expected a whole number of seconds")
    .min(0, "use 0 to 300 seconds")
    .max(300, "use 0 to 300 seconds")
    .default(defaultSeconds);
}

/** Default StackSet names, known to every section so they can tell a clash. */
export const DEFAULT_MEMBER_ROLE_STACKSET_NAME = "org-access-OrganizationAccountAccessRole";
export const DEFAULT_BOUNDARY_STACKSET_NAME = "org-access-permissions-boundary";

/** A StackSet name: a letter, then letters, digits and hyphens, at most 128 characters. */
export const stackSetNameSchema = z
  .string({ error: "expected a StackSet name as a string" })
  .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid StackSet name; start with a letter, then letters, digits and hyphens (at most 128)`,
  });
