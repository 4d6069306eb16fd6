import { z } from "zod";
import { section } from "../section";

/** `org-access:vendors`. */
export const vendorsSection = section({
  key: "vendors",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
