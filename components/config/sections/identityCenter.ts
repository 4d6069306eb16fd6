import { z } from "zod";
import { section } from "../section";

/** `org-access:identityCenter`. */
export const identityCenterSection = section({
  key: "identityCenter",
  schema: z.object({}).strict().optional(),
  crossCheck: () => undefined,
});
