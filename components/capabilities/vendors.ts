import { Capability } from "../context";

/** The `vendors` capability. */
export const vendors: Capability = {
  name: "vendors",
  deploy: () => undefined,
};
