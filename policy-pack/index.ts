import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

new PolicyPack("org-access", {
  description:
    "Blocks unsafe AWS trust policies, long-lived credentials and cross-account exposure in any Pulumi program.",
  policies: allPolicies,
});
