import { z } from "zod";
import { section } from "../section";

/** `org-access:delegatedAdministrators`. */
export const delegatedAdministratorsSection = section({
  key: "delegatedAdministrators",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
