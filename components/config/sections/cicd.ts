import { z } from "zod";
import { section } from "../section";

/** `org-access:cicd`. */
export const cicdSection = section({
  key: "cicd",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
