import { z } from "zod";
import { DEFAULT_MAX_PATTERN_CHARACTERS, MAX_PATTERN_CHARACTERS } from "./pattern";
import { FORWARDER_NAME_SUFFIX_LENGTH } from "./detection-stackset";
import { region, ROLE_NAME_PATTERN } from "../config/primitives";
import { section } from "../config/section";

/**
 * `org-access:observability`: alerts on role assumptions the trust policies do not allow. Every
 * account with roles of this stack gets EventBridge rules on the AssumeRole* CloudTrail events,
 * forwarded to one event bus and SNS topic in the security account (the security stack creates
 * them). Prerequisite: an organization trail that logs management events in every region; this
 * program never creates a trail (docs/observability.md).
 */

const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/[\w.-]{3,128}$/;
const BUS_OR_TOPIC_NAME = /^[A-Za-z0-9_.-]{1,50}$/;

export const observabilitySchema = z
  .object({
    organizationTrail: z
      .string({ error: "name the organization trail's ARN: the alerts see only what a trail records" })
      .regex(
        TRAIL_ARN,
        "expected a trail ARN such as arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
      )
      .meta({
        description: "ARN of the organization trail the alerts rely on (a prerequisite; never created here).",
      }),
    securityAccount: z
      .string({ error: "expected the security account's name" })
      .meta({ description: "Account (by name) that holds the event bus and the alert topic." }),
    region: region.default("us-east-1").meta({ description: "Region of the event bus and the alert topic." }),
    regions: z.array(region).min(1).default(["us-east-1"]).meta({
      description:
        "Regions whose STS endpoints are watched: us-east-1 (the global endpoint) and every region callers use.",
    }),
    eventBusName: z
      .string()
      .regex(BUS_OR_TOPIC_NAME, "use 1 to 50 letters, digits and . _ -")
      .default("org-access-assume-role-alerts")
      .meta({ description: "The security account's event bus." }),
    topicName: z
      .string()
      .regex(BUS_OR_TOPIC_NAME, "use 1 to 50 letters, digits and . _ -")
      .default("org-access-assume-role-alerts")
      .meta({ description: "The SNS topic alerts go to." }),
    alertEmails: z
      .array(z.email({ error: "expected an email address" }))
      .default([])
      .meta({ description: "Email addresses subscribed to the alert topic (security stack)." }),
    forwarderRoleName: z
      .string()
      .regex(ROLE_NAME_PATTERN, "use 1 to 64 letters, digits and + = , . @ _ -")
      .default("org-access-assume-role-alerts-forwarder")
      .meta({
        description: "IAM name of the role EventBridge forwards events with, in every watched account.",
      }),
    maxPatternCharacters: z
      .number({ error: "expected a number of characters" })
      .int()
      .default(DEFAULT_MAX_PATTERN_CHARACTERS)
      .meta({
        description:
          "EventBridge's event pattern quota of the accounts: 2048 by default, at most 4096 after a quota increase.",
      }),
  })
  .strict()
  .superRefine(
    (o, ctx) => {
      if (!o.regions.includes("us-east-1")) {
        ctx.addIssue({
          code: "custom",
          path: ["regions"],
          message: `${JSON.stringify(o.regions)} leaves out us-east-1: AssumeRole calls to STS's global endpoint are recorded there; add us-east-1`,
        });
      }
      const seen = new Set<string>();
      o.regions.forEach((r, i) => {
        if (seen.has(r))
          ctx.addIssue({ code: "custom", path: ["regions", i], message: `${r} is listed twice` });
        seen.add(r);
      });
      if (o.maxPatternCharacters < 512 || o.maxPatternCharacters > MAX_PATTERN_CHARACTERS) {
        ctx.addIssue({
          code: "custom",
          path: ["maxPatternCharacters"],
          message: `${o.maxPatternCharacters} is outside EventBridge's quota: ${DEFAULT_MAX_PATTERN_CHARACTERS} by default, at most ${MAX_PATTERN_CHARACTERS} after a quota increase`,
        });
      }
      if (o.forwarderRoleName.length > 64 - FORWARDER_NAME_SUFFIX_LENGTH) {
        ctx.addIssue({
          code: "custom",
          path: ["forwarderRoleName"],
          message: `StackSet forwarders add the region and a tag of their role StackSet to this name; keep it to ${64 - FORWARDER_NAME_SUFFIX_LENGTH} characters`,
        });
      }
    },
    // Runs when these keys parsed, even if others (the trail ARN, an email) have errors.
    { when: (payload) => readable(payload.value) },
  );

function readable(value: unknown): boolean {
  const o = value as Partial<Record<string, unknown>> | undefined;
  return (
    Array.isArray(o?.regions) &&
    o.regions.every((r) => typeof r === "string") &&
    typeof o.maxPatternCharacters === "number" &&
    typeof o.forwarderRoleName === "string"
  );
}

export type ObservabilityConfig = z.infer<typeof observabilitySchema>;

/** `org-access:observability`. */
export const observabilitySection = section({
  key: "observability",
  schema: observabilitySchema.optional(),
  check: (o, ctx) => {
    if (ctx.valid(["observability", "securityAccount"])) {
      ctx.account(o.securityAccount, ["observability", "securityAccount"]);
    }
    if (ctx.valid(["observability", "alertEmails"]) && o.alertEmails.length > 0) {
      ctx.requireStackKind(
        "observability",
        "security",
        "The alert topic's subscriptions (org-access:observability.alertEmails)",
      );
    }
  },
});
