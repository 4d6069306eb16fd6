import { z } from "zod";
import { section } from "../section";

/** `org-access:securityAccess`. */
export const securityAccessSection = section({
  key: "securityAccess",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
