import { Capability } from "../context";

/** The `audit` capability. */
export const audit: Capability = {
  name: "audit",
  deploy: () => undefined,
};
