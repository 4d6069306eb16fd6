import { z } from "zod";
import { section } from "../section";

/** `org-access:pipeline`. */
export const pipelineSection = section({
  key: "pipeline",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
