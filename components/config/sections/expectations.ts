import { z } from "zod";
import { section } from "../section";

/** `org-access:expectations`. */
export const expectationsSection = section({
  key: "expectations",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
