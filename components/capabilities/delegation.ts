import { Capability } from "../context";

/** The `delegation` capability. */
export const delegation: Capability = {
  name: "delegation",
  deploy: () => undefined,
};
