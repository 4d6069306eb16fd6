import { Capability } from "../context";

/** The `pipeline` capability. */
export const pipeline: Capability = {
  name: "pipeline",
  deploy: () => undefined,
};
