import { Capability } from "../context";

/** The `identityCenter` capability. */
export const identityCenter: Capability = {
  name: "identityCenter",
  deploy: () => undefined,
};
