import { z } from "zod";
import { section } from "../section";

/** `org-access:organizationAccess`. */
export const organizationAccessSection = section({
  key: "organizationAccess",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
