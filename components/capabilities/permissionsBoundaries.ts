import { Capability } from "../context";

/** The `permissionsBoundaries` capability. */
export const permissionsBoundaries: Capability = {
  name: "permissionsBoundaries",
  deploy: () => undefined,
};
