import { Capability } from "../context";

/** The `cicd` capability. */
export const cicd: Capability = {
  name: "cicd",
  deploy: () => undefined,
};
