import { Capability } from "../context";

/** The `delegatedAdministrators` capability. */
export const delegatedAdministrators: Capability = {
  name: "delegatedAdministrators",
  deploy: () => undefined,
};
