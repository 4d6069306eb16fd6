import { Capability } from "../context";

/** The `securityAccess` capability. */
export const securityAccess: Capability = {
  name: "securityAccess",
  deploy: () => undefined,
};
