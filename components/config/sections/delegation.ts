import { z } from "zod";
import { section } from "../section";

/** `org-access:delegation`. */
export const delegationSection = section({
  key: "delegation",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
