import { z } from "zod";
import { section } from "../section";

/** `org-access:guardrails`. */
export const guardrailsSection = section({
  key: "guardrails",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
