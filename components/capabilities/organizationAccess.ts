import { Capability } from "../context";

/** The `organizationAccess` capability. */
export const organizationAccess: Capability = {
  name: "organizationAccess",
  deploy: () => undefined,
};
