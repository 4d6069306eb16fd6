import { Capability } from "../context";

/** The `sharedResources` capability. */
export const sharedResources: Capability = {
  name: "sharedResources",
  deploy: () => undefined,
};
