import { z } from "zod";
import { section } from "../section";

/** `org-access:sharedResources`. */
export const sharedResourcesSection = section({
  key: "sharedResources",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
