import * as pulumi from "@pulumi/pulumi";
import { runtimeConfigSource } from "./components/config";
import { buildStack } from "./components/stack";

const stack = buildStack(runtimeConfigSource(), pulumi.getStack());

/** Account name to ID and managed role ARNs, for inventory and task-execution tools. */
export const inventory = stack.inventory;
/** Outputs of each capability, by name. */
export const capabilities = stack.capabilities;
/** The accounts this stack reaches, and the role each provider assumes. */
export const providers = stack.providers;
