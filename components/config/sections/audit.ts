import { z } from "zod";
import { section } from "../section";

/** `org-access:audit`. */
export const auditSection = section({
  key: "audit",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
