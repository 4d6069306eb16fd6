import { Capability } from "../context";

/** The `serviceControlPolicies` capability. */
export const serviceControlPolicies: Capability = {
  name: "serviceControlPolicies",
  deploy: () => undefined,
};
